/* alpaca_stream.c — the messages of Alpaca's real-time stream (market data
 * API v2): every message is a JSON array of objects, each with its type in
 * "T": control ("success", "subscription", "error") or data ("b" minute
 * bars, "t" trades, "q" quotes, and others qts has no event for). */
#include "qts_alpaca.h"

#include <jansson.h>
#include <string.h>

static int number(json_t *o, const char *key, double *v)
{
	json_t *x = json_object_get(o, key);
	if (!json_is_number(x))
		return -1;
	*v = json_number_value(x);
	return 0;
}

/* The fields of a data element, into ev: 0, or -1 with err. */
static int data(json_t *o, const char *type, size_t i, qts_event *ev, char *err)
{
	static const char *const bar[] = { "o", "h", "l", "c", "v", NULL };
	static const char *const trade[] = { "p", "s", NULL };
	static const char *const quote[] = { "bp", "ap", "bs", "as", NULL };
	const char *sym = json_string_value(json_object_get(o, "S"));
	const char *t = json_string_value(json_object_get(o, "t"));
	int64_t ts;
	if (!sym || !sym[0] || strlen(sym) >= QTS_SYM_MAX) {
		snprintf(err, QTS_ERR_MAX, "element %zu (\"T\":\"%s\"): \"S\" is not a symbol", i + 1, type);
		return -1;
	}
	if (!t || qts_time_parse(t, strlen(t), &ts) < 0) {
		snprintf(err, QTS_ERR_MAX, "element %zu (%s %s): \"t\" is not an RFC 3339 time", i + 1, type, sym);
		return -1;
	}
	const char *const *keys;
	double *vals[5];
	if (type[0] == 'b') {
		qts_event_init(ev, QTS_BAR, ts);
		QTS_SET(ev->bar.tf, "1m"); /* the stream's bars are minute bars */
		keys = bar;
		vals[0] = &ev->bar.open, vals[1] = &ev->bar.high, vals[2] = &ev->bar.low;
		vals[3] = &ev->bar.close, vals[4] = &ev->bar.volume;
	} else if (type[0] == 't') {
		qts_event_init(ev, QTS_TICK, ts);
		keys = trade;
		vals[0] = &ev->tick.price, vals[1] = &ev->tick.size;
	} else {
		qts_event_init(ev, QTS_QUOTE, ts);
		keys = quote;
		vals[0] = &ev->quote.bid, vals[1] = &ev->quote.ask;
		vals[2] = &ev->quote.bid_size, vals[3] = &ev->quote.ask_size;
	}
	QTS_SET(ev->symbol, sym);
	for (size_t k = 0; keys[k]; k++)
		if (number(o, keys[k], vals[k]) < 0) {
			snprintf(err, QTS_ERR_MAX, "element %zu (%s %s %s): \"%s\" is not a number", i + 1, type, sym, t,
				 keys[k]);
			return -1;
		}
	return 0;
}

int qts_alpaca_parse_stream(const char *text, size_t len, qts_evbuf *out, qts_alpaca_msg *m, char *err)
{
	json_error_t je;
	*m = (qts_alpaca_msg){ 0 };
	json_t *root = json_loadb(text, len, 0, &je);
	if (!root) {
		snprintf(err, QTS_ERR_MAX, "not JSON: %s at byte %d", je.text, je.position);
		return -1;
	}
	int rc = -1;
	if (!json_is_array(root)) {
		snprintf(err, QTS_ERR_MAX, "not a list of messages");
		goto out;
	}
	size_t i;
	json_t *o;
	json_array_foreach(root, i, o) {
		const char *type = json_string_value(json_object_get(o, "T"));
		if (!type) {
			snprintf(err, QTS_ERR_MAX, "element %zu has no \"T\"", i + 1);
			goto out;
		}
		if (strcmp(type, "b") == 0 || strcmp(type, "t") == 0 || strcmp(type, "q") == 0) {
			qts_event ev;
			if (data(o, type, i, &ev, err) < 0)
				goto out;
			if (qts_evbuf_push(out, &ev) < 0) {
				snprintf(err, QTS_ERR_MAX, "out of memory");
				goto out;
			}
		} else if (strcmp(type, "success") == 0) {
			const char *msg = json_string_value(json_object_get(o, "msg"));
			if (msg && strcmp(msg, "connected") == 0)
				m->flags |= QTS_ALPACA_CONNECTED;
			else if (msg && strcmp(msg, "authenticated") == 0)
				m->flags |= QTS_ALPACA_AUTHENTICATED;
		} else if (strcmp(type, "subscription") == 0)
			m->flags |= QTS_ALPACA_SUBSCRIBED;
		else if (strcmp(type, "error") == 0) {
			if (!(m->flags & QTS_ALPACA_ERROR)) {
				json_t *code = json_object_get(o, "code");
				const char *msg = json_string_value(json_object_get(o, "msg"));
				m->code = json_is_integer(code) ? (int)json_integer_value(code) : 0;
				snprintf(m->msg, sizeof m->msg, "%s", msg ? msg : "(no message)");
			}
			m->flags |= QTS_ALPACA_ERROR;
		} else
			m->skipped++; /* daily and updated bars, statuses, LULD, corrections */
	}
	rc = 0;
out:
	json_decref(root);
	return rc;
}

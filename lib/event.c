/* event.c — the event types of the stream and their fields, declared once;
 * the CSV and msgpack codecs are driven by this table. */
#include "event_priv.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define TS { "ts", FK_TS, offsetof(qts_event, ts), sizeof(int64_t), NULL }
#define SYM { "symbol", FK_STR, offsetof(qts_event, symbol), QTS_SYM_MAX, NULL }
#define NUM(t, m) { #m, FK_NUM, offsetof(qts_event, t.m), sizeof(double), NULL }
#define OPT(t, m) { #m, FK_OPTNUM, offsetof(qts_event, t.m), sizeof(double), NULL }
#define STR(t, m) { #m, FK_STR, offsetof(qts_event, t.m), sizeof(((qts_event *)0)->t.m), NULL }
#define ENUM(t, m, v) { #m, FK_ENUM, offsetof(qts_event, t.m), sizeof(((qts_event *)0)->t.m), v }

const struct schema qts_schema[QTS_UNKNOWN] = {
	[QTS_BAR] = { "bar", "ts,symbol,tf,open,high,low,close,volume", 8,
		{ TS, SYM, STR(bar, tf), NUM(bar, open), NUM(bar, high), NUM(bar, low),
		  NUM(bar, close), NUM(bar, volume) } },
	[QTS_TICK] = { "tick", "ts,symbol,price,size", 4,
		{ TS, SYM, NUM(tick, price), NUM(tick, size) } },
	[QTS_QUOTE] = { "quote", "ts,symbol,bid,ask,bid_size,ask_size", 6,
		{ TS, SYM, NUM(quote, bid), NUM(quote, ask), NUM(quote, bid_size), NUM(quote, ask_size) } },
	[QTS_TARGET] = { "target", "ts,symbol,target,unit,strategy", 5,
		{ TS, SYM, NUM(target, target), ENUM(target, unit, qts_unit_words), STR(target, strategy) } },
	[QTS_ORDER] = { "order", "ts,symbol,id,side,qty,kind,limit,stop,tif,strategy", 10,
		{ TS, SYM, STR(order, id), ENUM(order, side, qts_side_words), NUM(order, qty),
		  ENUM(order, kind, qts_kind_words), OPT(order, limit), OPT(order, stop),
		  ENUM(order, tif, qts_tif_words), STR(order, strategy) } },
	[QTS_CANCEL] = { "cancel", "ts,symbol,id", 3, { TS, SYM, STR(cancel, id) } },
	[QTS_UPDATE] = { "update", "ts,symbol,id,status,filled,avg_price,reason", 7,
		{ TS, SYM, STR(update, id), ENUM(update, status, qts_status_words), NUM(update, filled),
		  OPT(update, avg_price), STR(update, reason) } },
	[QTS_FILL] = { "fill", "ts,symbol,id,side,qty,price,commission,slippage", 8,
		{ TS, SYM, STR(fill, id), ENUM(fill, side, qts_side_words), NUM(fill, qty), NUM(fill, price),
		  NUM(fill, commission), NUM(fill, slippage) } },
	[QTS_POSITION] = { "position", "ts,symbol,qty,avg_price,market_value,unrealized_pnl,realized_pnl", 7,
		{ TS, SYM, NUM(position, qty), NUM(position, avg_price), NUM(position, market_value),
		  NUM(position, unrealized_pnl), NUM(position, realized_pnl) } },
	[QTS_EQUITY] = { "equity", "ts,cash,equity,gross,net,realized_pnl,unrealized_pnl", 7,
		{ TS, NUM(equity, cash), NUM(equity, equity), NUM(equity, gross), NUM(equity, net),
		  NUM(equity, realized_pnl), NUM(equity, unrealized_pnl), OPT(equity, interest),
		  OPT(equity, borrow), OPT(equity, margin_interest) },
		3, ",interest,borrow,margin_interest" },
	[QTS_RISK] = { "risk", "ts,symbol,rule,action,detail", 5,
		{ TS, SYM, STR(risk, rule), STR(risk, action), STR(risk, detail) } },
	[QTS_SYSTEM] = { "system", "ts,source,level,message", 4,
		{ TS, STR(system, source), STR(system, level), STR(system, message) } },
};

const char *qts_type_name(qts_type t)
{
	return t < QTS_UNKNOWN ? qts_schema[t].name : NULL;
}

const char *qts_type_fields(qts_type t)
{
	return t < QTS_UNKNOWN ? qts_schema[t].names : NULL;
}

qts_type qts_type_from_name(const char *s, size_t n)
{
	/* Bars are by far the most frequent: test them first. */
	if (n == 3 && memcmp(s, "bar", 3) == 0)
		return QTS_BAR;
	for (int t = 0; t < QTS_UNKNOWN; t++)
		if (strlen(qts_schema[t].name) == n && memcmp(qts_schema[t].name, s, n) == 0)
			return (qts_type)t;
	return QTS_UNKNOWN;
}

int qts_schema_count(const struct schema *s, const qts_event *ev)
{
	for (int i = s->nfields; i < s->nfields + s->ntail; i++)
		if (!isnan(*(const double *)((const char *)ev + s->f[i].offset)))
			return s->nfields + s->ntail;
	return s->nfields;
}

int qts_event_fields_readable(const qts_event *ev)
{
	if (ev->type >= QTS_UNKNOWN)
		return 1;
	const struct schema *s = &qts_schema[ev->type];
	for (int i = 0; i < s->nfields + s->ntail; i++) {
		double v = *(const double *)((const char *)ev + s->f[i].offset);
		if (s->f[i].kind == FK_NUM && !isfinite(v))
			return 0;
		if (s->f[i].kind == FK_OPTNUM && isinf(v)) /* NaN: empty */
			return 0;
	}
	return ev->type == QTS_BAR ? qts_bar_fields_sound(ev)
				    : qts_sizes_sound(ev) && !qts_quote_crossed(ev) && qts_financing_whole(ev);
}

int qts_enum_ok(const char *const *values, const char *s, size_t n)
{
	if (!values)
		return 1;
	for (; *values; values++)
		if (strlen(*values) == n && memcmp(*values, s, n) == 0)
			return 1;
	return 0;
}

const char *qts_symbol_fault(qts_type t, const char *s, size_t n)
{
	/* A symbol is a word of a table, a key of awk and sort, a part of a
	 * file's name: a control character (a tab, an escape) breaks them
	 * all, and reaches a terminal as it is. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return "holds a control character";
	if (n == 0) {
		switch (t) {
		case QTS_BAR: return "is empty: a bar is of a symbol";
		case QTS_TICK: return "is empty: a tick is of a symbol";
		case QTS_QUOTE: return "is empty: a quote is of a symbol";
		case QTS_TARGET: return "is empty: a target is of a symbol";
		case QTS_ORDER: return "is empty: an order is of a symbol";
		case QTS_FILL: return "is empty: a fill is of a symbol";
		case QTS_POSITION: return "is empty: a position is of a symbol";
		default: break;
		}
	}
	return NULL;
}

const char *qts_symbol_name_fault(const char *s, size_t n, char shown[4 * QTS_SYM_MAX + 8])
{
	const char *fault = n == 0 || n >= QTS_SYM_MAX ? "must be 1 to 31 bytes" : qts_symbol_fault(QTS_BAR, s, n);
	/* the stream's readers check every text (qts-events(5)); a name of
	 * Latin-1 (a file's, a vendor's column) would be refused only by the
	 * stage after, or never match */
	if (!fault && !qts_utf8_valid(s, n))
		fault = "is not valid UTF-8";
	/* quoted only when said: qts-fetch asks this of every row */
	if (fault)
		qts_quote(shown, 4 * QTS_SYM_MAX + 8, s, n);
	return fault;
}

void qts_event_init(qts_event *ev, qts_type t, int64_t ts)
{
	memset(ev, 0, offsetof(qts_event, raw));
	ev->raw.n = 0;
	ev->raw.field = NULL;
	ev->raw.untimed = 0;
	ev->type = t;
	ev->ts = ts;
	if (t < QTS_UNKNOWN)
		for (int i = 0; i < qts_schema[t].nfields + qts_schema[t].ntail; i++)
			if (qts_schema[t].f[i].kind == FK_OPTNUM)
				*(double *)((char *)ev + qts_schema[t].f[i].offset) = QTS_EMPTY;
}

void qts_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (n >= size) {
		n = size - 1;
		/* never half a character: the next stage reads only UTF-8 */
		while (n && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void qts_event_copy(qts_event *dst, const qts_event *src)
{
	*dst = *src;
	if (src->type != QTS_UNKNOWN || !src->raw.n)
		return;
	/* One block: the field array followed by the string bytes. */
	size_t bytes = src->raw.n * sizeof(qts_raw_field);
	for (size_t i = 0; i < src->raw.n; i++)
		if (src->raw.field[i].kind == QTS_RAW_STR)
			bytes += src->raw.field[i].len + 1;
	qts_raw_field *f = malloc(bytes);
	if (!f)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	char *text = (char *)(f + src->raw.n);
	for (size_t i = 0; i < src->raw.n; i++) {
		f[i] = src->raw.field[i];
		if (f[i].kind == QTS_RAW_STR) {
			memcpy(text, f[i].str, f[i].len);
			text[f[i].len] = '\0';
			f[i].str = text;
			text += f[i].len + 1;
		}
	}
	dst->raw.field = f;
}

void qts_event_free(qts_event *ev)
{
	if (ev->type == QTS_UNKNOWN)
		free(ev->raw.field);
	ev->raw.field = NULL;
	ev->raw.n = 0;
}

void qts_bar_again_why(const qts_event *bar, const char *twice, char *err, size_t n)
{
	char at[40];
	qts_time_format(bar->ts, at);
	snprintf(err, n, "bar %s %s at %s is not after the symbol's last bar of that timeframe, nor that bar again: "
		 "another bar for one time would %s", bar->symbol, bar->bar.tf, at, twice);
}

void qts_report_in_input_why(const qts_event *ev, const char *prog, char *err, size_t n)
{
	snprintf(err, n,
		 "%s in the input: %s writes the positions and equity itself; "
		 "is this stream executed already? (keep its bars and orders: grep -v -e '^fill,' -e '^update,' "
		 "-e '^position,' -e '^equity,')",
		 qts_type_name(ev->type), prog);
}

int qts_bar_overlaps(qts_tf tf, int64_t last, int64_t ts)
{
	if (last == QTS_TS_MIN || ts <= last)
		return 0;
	int64_t slack = tf.unit == 's' || tf.unit == 'm' || tf.unit == 'h' ? 0 : 3 * 3600 * QTS_NS_PER_SEC;
	return ts < qts_tf_end(tf, last) - slack;
}

void qts_bar_overlap_why(const qts_event *bar, int64_t last, char *err, size_t n)
{
	char at[40], before[40];
	qts_time_format(bar->ts, at);
	qts_time_format(last, before);
	snprintf(err, n, "bar %s %s at %s starts before the symbol's last bar of that timeframe ends (%s + %s): "
		 "bars of a symbol do not overlap, and the time they share would count twice", bar->symbol,
		 bar->bar.tf, at, before, bar->bar.tf);
}

int qts_last_bar_again(const qts_last_bar *b, const qts_event *bar, const char *twice, char *err, size_t n)
{
	if (bar->ts == b->ts && memcmp(b->v, &bar->bar.open, sizeof b->v) == 0)
		return 1;
	qts_bar_again_why(bar, twice, err, n);
	return -1;
}

int64_t qts_event_known(const qts_event *ev)
{
	if (ev->type != QTS_BAR)
		return ev->ts;
	qts_tf tf;
	if (qts_tf_parse(ev->bar.tf, &tf) < 0)
		return ev->ts;
	return qts_tf_end(tf, ev->ts);
}

int64_t qts_latest_known_time(const qts_latest_known *k, int64_t dflt)
{
	if (!k->bar)
		return k->point ? k->point_ts : dflt;
	qts_tf tf;
	int64_t bar = qts_tf_parse(k->bar_tf, &tf) < 0 ? k->bar_ts : qts_tf_end(tf, k->bar_ts);
	return k->point && k->point_ts > bar ? k->point_ts : bar;
}

/* A report's symbol's last report time, or NULL when it has none yet. */
static const int64_t *last_report(const qts_time_order *o, const qts_event *ev)
{
	return o->reports ? qts_symtab_find_field(o->reports, ev->symbol) : NULL;
}

int qts_time_order_late(const qts_time_order *o, const qts_event *ev)
{
	/* reports are in order among themselves, symbol by symbol, not
	 * against the rest (qts_reader_admit) */
	if (qts_event_is_news(ev)) {
		const int64_t *at = last_report(o, ev);
		return at && ev->ts < *at;
	}
	int64_t known = qts_event_known(ev);
	return known < o->last_ts || ((ev->type == QTS_BAR || o->by_bar_end) && known < o->last_bar_end);
}

const char *qts_event_type_text(const qts_event *ev, char buf[40], const char *dflt)
{
	const char *name = qts_type_name(ev->type);
	if (name)
		return name;
	if (!ev->raw.n || ev->raw.field[0].kind != QTS_RAW_STR)
		return dflt;
	snprintf(buf, 40, "%.*s", (int)(ev->raw.field[0].len < 32 ? ev->raw.field[0].len : 32), ev->raw.field[0].str);
	return buf;
}

void qts_time_order_why(const qts_time_order *o, const qts_event *ev, char *buf, size_t size)
{
	char at[40], after[40];
	const int64_t *report = qts_event_is_news(ev) ? last_report(o, ev) : NULL;
	/* late by a bar's end, not by an event's time */
	int by_end = !report && qts_event_known(ev) >= o->last_ts;
	qts_time_format(ev->ts, at);
	qts_time_format(report ? *report : by_end ? o->last_bar_end : o->last_ts, after);
	/* an unknown type by its name, the first of its fields */
	char raw[40];
	const char *type = ev->type == QTS_BAR ? ev->bar.tf : qts_event_type_text(ev, raw, "event");
	snprintf(buf, size, "%s %s%s at %s, after %s at %s",
		 ev->symbol[0] ? ev->symbol : ev->type == QTS_SYSTEM ? ev->system.source : "-", type,
		 ev->type == QTS_BAR ? " bar" : "", at,
		 report ? "a report of the symbol" : by_end ? "a bar ending" : "an event", after);
}

int qts_time_order_take(qts_time_order *o, const qts_event *ev)
{
	if (qts_event_is_news(ev)) {
		if (!o->reports && !(o->reports = qts_symtab_new(sizeof(int64_t))))
			return -1;
		int64_t *at = qts_symtab_get_field(o->reports, ev->symbol);
		if (!at)
			return -1;
		*at = ev->ts;
		return 0;
	}
	if (ev->ts > o->last_ts)
		o->last_ts = ev->ts;
	if (ev->type == QTS_BAR)
		o->last_bar_end = qts_event_known(ev);
	return 0;
}

void qts_time_order_drop(qts_time_order *o, const qts_event *ev, const char *prefix, const char *where,
			 const char *hint)
{
	if (o->late++)
		return;
	char why[300];
	qts_time_order_why(o, ev, why, sizeof why);
	snprintf(o->first, sizeof o->first, "%s%s%s", where ? where : "", where ? ": " : "", why);
	qts_warn("%sa late event dropped: %s (%s)", prefix, o->first, hint);
}

void qts_time_order_said(const qts_time_order *o, const char *prefix)
{
	if (o->late)
		qts_warn("%s%ld late event%s dropped; the first: %s", prefix, o->late, o->late == 1 ? "" : "s",
			 o->first);
}

void qts_time_order_free(qts_time_order *o)
{
	qts_symtab_free(o->reports);
	o->reports = NULL;
}

void qts_after_own_why(const qts_event *ev, int64_t out_ts, char *buf, size_t size)
{
	char t[40], out[40], q[QTS_SYM_MAX * 4], raw[40];
	qts_time_format(ev->ts, t);
	qts_time_format(out_ts, out);
	qts_quote(q, sizeof q, ev->symbol, strlen(ev->symbol));
	snprintf(buf, size,
		 "%s%s%s at %s comes inside a bar before it, after what this stage made of the bar "
		 "(dated at its end, %s): out of time order for the next stage; put it before the bar "
		 "(a merge by time does)",
		 qts_event_type_text(ev, raw, "event"), q[0] ? " " : "", q, t, out);
}

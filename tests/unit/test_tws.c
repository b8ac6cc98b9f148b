/* test_tws.c — the TWS API messages (tws_codec.c) against reference
 * layouts, and qts-broker ib's calls (broker_ib.c) against the fake TWS
 * of tests/fakes/tws.py.
 *
 * Reference layouts: ib_insync 0.9.86 (client.py connectAsync, startApi,
 * placeOrder, cancelOrder; decoder.py openOrder, execDetails, errorMsg,
 * orderStatus) and IB's EDecoder.java, field by field as those send and
 * read them; values as qts formats numbers (100, not Python's 100.0). */
#include "qts_broker.h"
#include "qts_loop.h"
#include "qts_tws.h"
#include "tap.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* A message body from its fields, each with its NUL. */
static size_t body(char *out, size_t size, const char *const *f, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(f[i]) + 1;
		if (k + l > size)
			abort();
		memcpy(out + k, f[i], l);
		k += l;
	}
	return k;
}
#define BODY(buf, ...) body(buf, sizeof buf, (const char *const[]){ __VA_ARGS__ }, \
			    sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *))

/* The fields of out's single message after its 4-byte length, joined by
 * '|' (a NUL shown as '|'), and the length checked. */
static const char *fields_of(const qts_tws_out *o, size_t from)
{
	static char s[4096];
	const unsigned char *p = (const unsigned char *)o->p + from;
	size_t len = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
	if (from + 4 + len != o->n)
		return "length does not match";
	size_t i;
	for (i = 0; i < len && i < sizeof s - 1; i++)
		s[i] = p[4 + i] ? (char)p[4 + i] : '|';
	s[i] = '\0';
	return s;
}

static void test_encode(void)
{
	qts_tws_out o = { 0 };
	/* "API\0", then the version range framed without a NUL
	 * (ib_insync client.connectAsync). */
	CHECK(qts_tws_hello(&o) == 0, "hello");
	CHECK(o.n == 17 && !memcmp(o.p, "API\0\0\0\0\x09v157..178", 17), "hello: API\\0, 9, v157..178");
	o.n = 0;
	qts_tws_start_api(&o, 7);
	CHECK_STR(fields_of(&o, 0), "71|2|7||", "startApi: 71, version 2, client id, no capabilities");
	o.n = 0;
	qts_tws_cancel_order(&o, 178, 42);
	CHECK_STR(fields_of(&o, 0), "4|1|42||", "cancelOrder at 178: manualOrderCancelTime (169 on)");
	o.n = 0;
	qts_tws_cancel_order(&o, 168, 42);
	CHECK_STR(fields_of(&o, 0), "4|1|42|", "cancelOrder at 168: without it");
	o.n = 0;
	qts_tws_req_executions(&o, 9002);
	CHECK_STR(fields_of(&o, 0), "7|3|9002|0|||||||", "reqExecutions: version 3, an empty filter");
	o.n = 0;
	qts_tws_req_account_summary(&o, 9001, "NetLiquidation,TotalCashValue");
	CHECK_STR(fields_of(&o, 0), "62|1|9001|All|NetLiquidation,TotalCashValue|", "reqAccountSummary");
	o.n = 0;
	qts_tws_req_all_open_orders(&o);
	CHECK_STR(fields_of(&o, 0), "16|1|", "reqAllOpenOrders");
	o.n = 0;
	qts_tws_req_positions(&o);
	CHECK_STR(fields_of(&o, 0), "61|1|", "reqPositions");

	/* placeOrder: the bytes ib_insync 0.9.86's client.placeOrder sends
	 * for LimitOrder('BUY', 100, 185.5, orderRef='o-1', tif='DAY') on
	 * Stock('AAPL', 'SMART', 'USD') as order 7, at each version (its
	 * output, NULs shown as '|'). */
	static const struct { int v; const char *want; } place[] = {
		{ 157, "3|7|0|AAPL|STK||0.0|||SMART||USD|||||BUY|100|LMT|185.5||DAY|||O|0|o-1|1|0|0|0|0|0|0|0||0.0"
		       "||||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0"
		       "|0|0|0|" },
		{ 176, "3|7|0|AAPL|STK||0.0|||SMART||USD|||||BUY|100|LMT|185.5||DAY|||O|0|o-1|1|0|0|0|0|0|0|0||0.0"
		       "||||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0"
		       "|0|0|0|||0|||" },
		{ 178, "3|7|0|AAPL|STK||0.0|||SMART||USD|||||BUY|100|LMT|185.5||DAY|||O|0|o-1|1|0|0|0|0|0|0|0||0.0"
		       "|||||||0||-1|0|||0|||0|0||0||||||0|||||0|||||||||||0|||0|0|||0||0|0|0|0|||||||0|||||||||0"
		       "|0|0|0|||0|||" },
	};
	qts_tws_order t = { 7, "AAPL", "BUY", 100, "LMT", 185.5, NAN, "DAY", "o-1", "" };
	for (size_t i = 0; i < sizeof place / sizeof *place; i++) {
		char what[64];
		snprintf(what, sizeof what, "placeOrder at %d: ib_insync's bytes", place[i].v);
		o.n = 0;
		qts_tws_place_order(&o, place[i].v, &t);
		CHECK_STR(fields_of(&o, 0), place[i].want, what);
	}
	qts_tws_out_free(&o);
}

static void test_frame(void)
{
	char err[QTS_ERR_MAX];
	size_t len = 0;
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0", 3, &len, err) == 0, "frame: 3 bytes, more needed");
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0\x05" "ab", 6, &len, err) == 0, "frame: a body cut short waits");
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0\x02" "a\0", 6, &len, err) == 1 && len == 6, "frame: whole");
	CHECK(qts_tws_frame((const unsigned char *)"\0\0\0\0", 4, &len, err) == -1, "frame: length 0");
	CHECK_STR(err, "a message of 0 bytes (at most 16777215)", "and said");
	CHECK(qts_tws_frame((const unsigned char *)"\x01\0\0\0", 4, &len, err) == -1, "frame: 16 MiB");
	CHECK_STR(err, "a message of 16777216 bytes (at most 16777215)", "and said");
}

static void test_decode(void)
{
	char b[4096], err[QTS_ERR_MAX];
	qts_tws_msg m;
	int v;
	char t[64];
	size_t n = BODY(b, "178", "20240102 14:30:00 EST");
	CHECK(qts_tws_decode_hello(b, n, &v, t, sizeof t, err) == 0 && v == 178, "hello: the version");
	CHECK_STR(t, "20240102 14:30:00 EST", "hello: the connection time");

	/* orderStatus (ib_insync decoder: 11 fields after the id, no version) */
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.id == 3, "orderStatus");
	CHECK(m.order_status.order_id == 7 && !strcmp(m.order_status.status, "Filled") &&
		      m.order_status.filled == 100 && m.order_status.avg_price == 185.5,
	      "orderStatus: id, status, filled, average price");
	n = BODY(b, "9", "1", "1000");
	CHECK(qts_tws_decode(178, b, n - 1, &m, err) == -1, "a message not ending in a NUL");
	CHECK_STR(err, "a message: does not end in a NUL", "and said");
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "orderStatus cut short");
	CHECK_STR(err, "orderStatus: cut short: no field 11 (mktCapPrice)", "and said which field");
	n = BODY(b, "3", "7", "Filled", "100", "0", "185.5", "900007", "0", "185.5", "0", "", "", "x");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "orderStatus too long");
	CHECK_STR(err, "orderStatus: 1 field more than its layout", "and said");
	n = BODY(b, "3", "7", "Filled", "1e", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "a bad number");
	CHECK_STR(err, "orderStatus: field 3 (filled): not a number: \"1e\"", "and said");
	n = BODY(b, "3", "x7", "Filled", "1", "0", "185.5", "900007", "0", "185.5", "0", "", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "a bad integer");
	CHECK_STR(err, "orderStatus: field 1 (orderId): not an integer: \"x7\"", "and said");

	/* error: 166 on, advancedOrderRejectJson follows the text */
	n = BODY(b, "4", "2", "7", "201", "Order rejected - reason:no funds", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.error.id == 7 && m.error.code == 201 &&
		      !strcmp(m.error.text, "Order rejected - reason:no funds"),
	      "error at 178: id, code, text");
	CHECK(qts_tws_decode(165, b, n, &m, err) == -1, "the same at 165: a field too many");
	n = BODY(b, "4", "2", "-1", "2104", "Market data farm connection is OK:usfarm");
	CHECK(qts_tws_decode(165, b, n, &m, err) == 0 && m.error.code == 2104, "error at 165");

	/* execDetails (ib_insync decoder.execDetails; pendingPriceRevision 178 on) */
	n = BODY(b, "11", "-1", "7", "265598", "AAPL", "STK", "", "0", "", "", "SMART", "USD", "AAPL", "NMS",
		 "0000e0d5.00000007.01.01", "20240102  14:30:01", "DU1234567", "ISLAND", "BOT", "60", "185.5",
		 "900007", "0", "0", "60", "185.5", "o-1", "", "", "", "2", "0");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0, "execDetails at 178");
	CHECK(m.exec_details.order_id == 7 && !strcmp(m.exec_details.symbol, "AAPL") &&
		      !strcmp(m.exec_details.exec_id, "0000e0d5.00000007.01.01") &&
		      !strcmp(m.exec_details.side, "BOT") && m.exec_details.shares == 60 &&
		      m.exec_details.price == 185.5 && m.exec_details.cum_qty == 60 &&
		      !strcmp(m.exec_details.order_ref, "o-1") && !strcmp(m.exec_details.account, "DU1234567"),
	      "execDetails: its fields");
	CHECK(qts_tws_decode(177, b, n, &m, err) == -1, "execDetails at 177 has no pendingPriceRevision");

	n = BODY(b, "59", "1", "0000e0d5.00000007.01.01", "1.02", "USD", "1.7976931348623157E308",
		 "1.7976931348623157E308", "");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.commission.commission == 1.02 &&
		      !strcmp(m.commission.exec_id, "0000e0d5.00000007.01.01"),
	      "commissionReport");
	n = BODY(b, "61", "3", "DU1234567", "265598", "AAPL", "STK", "", "0", "", "", "", "USD", "AAPL", "NMS",
		 "-50", "185.25");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.position.position == -50 &&
		      m.position.avg_cost == 185.25 && !strcmp(m.position.symbol, "AAPL"),
	      "position");
	n = BODY(b, "63", "1", "9001", "DU1234567", "NetLiquidation", "100000.5", "USD");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && !strcmp(m.account_summary.tag, "NetLiquidation") &&
		      !strcmp(m.account_summary.value, "100000.5"),
	      "accountSummary");
	n = BODY(b, "9", "1", "1000");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.next_valid_id.order_id == 1000, "nextValidId");
	n = BODY(b, "81", "1", "whatever");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.id == 81, "a message qts does not use: read, passed");

	/* openOrder at 178 as tests/fakes/tws.py sends it, the layout of
	 * ib_insync's decoder.openOrder with EDecoder's duration gate (158). */
	const char *const oo[] = {
		"5", "7", "0", "AAPL", "STK", "", "0", "", "", "SMART", "USD", "AAPL", "NMS", "BUY", "100",
		"LMT", "185.5", "0", "DAY", "", "DU1234567", "O", "0", "o-1", "0", "900007", "0", "0", "0", "",
		"", "", "", "", "", "", "", "", "", "0", "", "-1", "0", "", "", "", "", "", "0", "0", "0", "0",
		"", "3", "0", "0", "", "0", "0", "", "0", "", "", "0", "0", "", "", "", "", "", "0", "0", "0",
		"", "", "", "", "0", "", "", "0", "0", "", "0", "0", "Submitted", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "", "", "0", "0", "0", "None",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308", "1.7976931348623157E308", "0", "", "", "",
		"1.7976931348623157E308", "0", "0", "0", "", "", "", "0", "", "", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308",
	};
	size_t noo = sizeof oo / sizeof *oo;
	n = body(b, sizeof b, oo, noo);
	CHECK(noo == 127, "openOrder at 178: 127 fields");
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0, "openOrder at 178");
	if (m.id == 5)
		CHECK(m.open_order.order_id == 7 && !strcmp(m.open_order.symbol, "AAPL") &&
			      !strcmp(m.open_order.action, "BUY") && m.open_order.qty == 100 &&
			      !strcmp(m.open_order.type, "LMT") && m.open_order.limit == 185.5 &&
			      !strcmp(m.open_order.order_ref, "o-1") && !strcmp(m.open_order.status, "Submitted") &&
			      m.open_order.perm_id == 900007,
		      "openOrder: its fields, the status deep inside");
	CHECK(qts_tws_decode(176, b, n, &m, err) == -1, "the same at 176 lacks faProfile: cut short");
	n = body(b, sizeof b, oo, noo - 1);
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "openOrder cut short");
	CHECK_STR(err, "openOrder: cut short: no field 126 (peg best / peg mid fields)", "and said");
	/* a count of combo legs past the message's end */
	const char *bad[sizeof oo / sizeof *oo];
	memcpy(bad, oo, sizeof bad);
	bad[70] = "999999";
	n = body(b, sizeof b, bad, noo);
	CHECK(qts_tws_decode(178, b, n, &m, err) == -1, "openOrder: a count beyond the message");
	CHECK_STR(err, "openOrder: field 70 (comboLegs count): 999999, more than the message holds", "and said");

	/* completedOrder at 178, the layout of ib_insync's
	 * decoder.completedOrder: no order id, the status and the filled
	 * quantity deep inside */
	const char *const co[] = {
		"101", "0", "AAPL", "STK", "", "0", "", "", "SMART", "USD", "AAPL", "NMS", "SELL", "10",
		"LMT", "99.5", "0", "GTC", "", "DU1234567", "O", "0", "o-6", "900007", "0", "0", "0", "", "",
		"", "", "", "", "", "", "", "0", "", "-1", "", "", "", "", "", "0", "0", "0", "", "3", "0",
		"", "0", "", "", "0", "0", "", "", "", "0", "0", "0", "", "", "", "", "", "", "0", "0", "",
		"0", "Cancelled", "0", "0", "0", "1.7976931348623157E308", "1.7976931348623157E308",
		"1.7976931348623157E308", "0", "0", "", "4", "0", "0", "", "0", "0", "0",
		"20240102 14:30:05 America/New_York", "Cancelled by Trader", "", "", "1.7976931348623157E308",
		"1.7976931348623157E308", "1.7976931348623157E308",
	};
	n = body(b, sizeof b, co, sizeof co / sizeof *co);
	CHECK(qts_tws_decode(178, b, n, &m, err) == 0 && m.id == 101, "completedOrder at 178");
	CHECK(!strcmp(m.completed.order_ref, "o-6") && !strcmp(m.completed.status, "Cancelled") &&
		      m.completed.filled == 4 && m.completed.qty == 10 && m.completed.perm_id == 900007 &&
		      !strcmp(m.completed.completed_status, "Cancelled by Trader"),
	      "completedOrder: orderRef, status, filledQuantity, completedStatus");
	CHECK(qts_tws_decode(177, b, n, &m, err) == 0, "the same at 177");
	CHECK(qts_tws_decode(169, b, n, &m, err) == -1 && !strncmp(err, "completedOrder: ", 16),
	      "the same at 169 (faProfile, no peg fields): not its layout, said");

	CHECK(qts_tws_status("PreSubmitted", 0, 100) == QTS_STATUS_ACCEPTED, "PreSubmitted: accepted");
	CHECK(qts_tws_status("Submitted", 40, 60) == QTS_STATUS_PARTIAL, "Submitted with a fill: partial");
	CHECK(qts_tws_status("ApiCancelled", 0, 100) == QTS_STATUS_CANCELED, "ApiCancelled: canceled");
	CHECK(qts_tws_status("Inactive", 0, 100) == QTS_STATUS_REJECTED, "Inactive: rejected");
	CHECK(qts_tws_status("Bogus", 0, 100) == -1, "an unknown word");
}

/* ---- the broker against the fake TWS ------------------------------------------ */

static char dir[64];
static pid_t fake_pid = -1;

static void stop_fake(void)
{
	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
	}
	fake_pid = -1;
}

static void write_file(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	fputs(text, f);
	fclose(f);
}

/* The fake with the configuration cfg (JSON): its port, or -1. */
static long start_fake(const char *cfg)
{
	char c[128], p[128], s[128];
	write_file("tws.json", cfg);
	snprintf(c, sizeof c, "%s/tws.json", dir);
	snprintf(p, sizeof p, "%s/port", dir);
	snprintf(s, sizeof s, "%s/state.json", dir);
	unlink(p);
	fake_pid = fork();
	if (fake_pid == 0) {
		execlp("python3", "python3", "tests/fakes/tws.py", c, p, s, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 500; i++) { /* 5 s at most */
		FILE *f = fopen(p, "r");
		long port;
		if (f && fscanf(f, "%ld", &port) == 1) {
			fclose(f);
			return port;
		}
		if (f)
			fclose(f);
		usleep(10000);
	}
	return -1;
}

/* How often needle is in the fake's state file. */
static int state_count(const char *needle)
{
	char path[128];
	snprintf(path, sizeof path, "%s/state.json", dir);
	char err[QTS_ERR_MAX];
	size_t n;
	char *s = qts_read_file(path, &n, err);
	int k = 0;
	for (const char *p = s; p && (p = strstr(p, needle)); p++)
		k++;
	free(s);
	return k;
}

static const char *state_text(void)
{
	static char buf[4096];
	char path[128], err[QTS_ERR_MAX];
	size_t n;
	snprintf(path, sizeof path, "%s/state.json", dir);
	char *s = qts_read_file(path, &n, err);
	qts_strlcpy(buf, s ? s : "", sizeof buf);
	free(s);
	return buf;
}

static void *new_broker(long port)
{
	const qts_broker_ops *ops = &qts_broker_ib;
	char err[QTS_ERR_MAX], arg[32];
	void *b = ops->new(err);
	snprintf(arg, sizeof arg, "%ld", port);
	for (const struct option *o = ops->options; o->name; o++)
		if (!strcmp(o->name, "port") && ops->option(b, o->val, arg, err) < 0)
			abort();
	return b;
}

/* Poll until the events hold a fill for id, or an update of id with
 * status (3 s at most): their number. */
static size_t poll_for(void *b, qts_evbuf *out, int type, const char *id, const char *status)
{
	char err[QTS_ERR_MAX];
	for (int i = 0; i < 300; i++) {
		for (size_t k = 0; k < out->n; k++) {
			const qts_event *e = &out->ev[k];
			if (e->type == (qts_type)type && type == QTS_FILL && !strcmp(e->fill.id, id))
				return out->n;
			if (e->type == (qts_type)type && type == QTS_UPDATE && !strcmp(e->update.id, id) &&
			    !strcmp(e->update.status, status))
				return out->n;
		}
		short ev;
		int fd = qts_broker_ib.fd(b, &ev);
		if (fd < 0)
			break;
		qts_stage_wait(fd, ev, qts_loop_now() + 10000000);
		if (qts_broker_ib.poll(b, qts_loop_now(), out, err) != 0)
			break;
	}
	return out->n;
}

/* What comes in the next 200 ms. */
static void drain(void *b, qts_evbuf *out)
{
	char err[QTS_ERR_MAX];
	for (int i = 0; i < 20; i++) {
		short ev;
		int fd = qts_broker_ib.fd(b, &ev);
		if (fd < 0)
			break;
		qts_stage_wait(fd, ev, qts_loop_now() + 10000000);
		if (qts_broker_ib.poll(b, qts_loop_now(), out, err) != 0)
			break;
	}
}

static int count(const qts_evbuf *out, int type, const char *id)
{
	int k = 0;
	for (size_t i = 0; i < out->n; i++) {
		const qts_event *e = &out->ev[i];
		if (e->type == (qts_type)type &&
		    (!id || !strcmp(type == QTS_FILL ? e->fill.id : e->update.id, id)))
			k++;
	}
	return k;
}

static const qts_event *last_update(const qts_evbuf *out, const char *id)
{
	const qts_event *u = NULL;
	for (size_t i = 0; i < out->n; i++)
		if (out->ev[i].type == QTS_UPDATE && !strcmp(out->ev[i].update.id, id))
			u = &out->ev[i];
	return u;
}

static qts_broker_order order(const char *id, const char *sym, int side, int kind, double qty, double limit)
{
	qts_broker_order o = { .side = side, .kind = kind, .tif = QTS_DAY, .qty = qty, .limit = limit, .stop = NAN };
	QTS_SET(o.id, id);
	QTS_SET(o.symbol, sym);
	return o;
}

static void test_broker(void)
{
	const qts_broker_ops *ib = &qts_broker_ib;
	char err[QTS_ERR_MAX], want[QTS_ERR_MAX];
	qts_evbuf out = { 0 };
	snprintf(dir, sizeof dir, "/tmp/qts-test-tws-XXXXXX");
	if (!mkdtemp(dir) || system("python3 -c 1 2>/dev/null") != 0) {
		CHECK(1, "# SKIP no python3");
		return;
	}
	long port = start_fake("{\"positions\": {\"AAPL\": [100, 185.5]}, \"netliq\": 123456.5, \"cash\": 100000}");
	CHECK(port > 0, "the fake TWS runs");
	if (port <= 0)
		return;
	void *b = new_broker(port);
	CHECK(ib->connect(b, NULL, &out, err) == 0, "connect: handshake, startApi, positions, account, orders");
	CHECK(out.n == 2 && out.ev[0].type == QTS_POSITION && !strcmp(out.ev[0].symbol, "AAPL") &&
		      out.ev[0].position.qty == 100 && out.ev[0].position.avg_price == 185.5,
	      "connect: the position");
	CHECK(out.n == 2 && out.ev[1].type == QTS_EQUITY && out.ev[1].equity.equity == 123456.5 &&
		      out.ev[1].equity.cash == 100000,
	      "connect: the account (NetLiquidation, TotalCashValue)");
	CHECK(state_count("\"v157..178\"") == 1, "the fake was asked for 157..178");

	/* a market order: accepted, filled, its commission from the report */
	qts_evbuf_clear(&out);
	qts_broker_order o = order("o-1", "AAPL", QTS_BUY, QTS_MARKET, 10, NAN);
	CHECK(ib->place(b, &o, &out, err) == QTS_BROKER_OK, "place a market order");
	poll_for(b, &out, QTS_FILL, "o-1", NULL);
	CHECK(count(&out, QTS_FILL, "o-1") == 1, "one fill");
	for (size_t i = 0; i < out.n; i++)
		if (out.ev[i].type == QTS_FILL)
			CHECK(out.ev[i].fill.qty == 10 && out.ev[i].fill.price == 100 &&
				      out.ev[i].fill.commission == 0.05 && !strcmp(out.ev[i].fill.side, "buy"),
			      "the fill: qty, price, the commission report's commission");
	poll_for(b, &out, QTS_UPDATE, "o-1", "filled");
	CHECK(last_update(&out, "o-1") && !strcmp(last_update(&out, "o-1")->update.status, "filled") &&
		      last_update(&out, "o-1")->update.filled == 10,
	      "the order: filled");
	qts_broker_known k;
	CHECK(ib->lookup(b, "o-1", &k, err) == 1 && k.status == QTS_STATUS_FILLED && k.filled == 10,
	      "lookup: filled");
	CHECK(ib->lookup(b, "never", &k, err) == 0, "lookup: an id IB never saw");

	/* partial fills, every orderStatus twice */
	write_file("tws.json", "{\"parts\": 2, \"dup_status\": true}");
	qts_evbuf_clear(&out);
	o = order("o-2", "AAPL", QTS_SELL, QTS_MARKET, 10, NAN);
	CHECK(ib->place(b, &o, &out, err) == QTS_BROKER_OK, "place: filled in two parts, statuses twice");
	poll_for(b, &out, QTS_UPDATE, "o-2", "filled");
	poll_for(b, &out, QTS_FILL, "o-2", NULL);
	drain(b, &out);
	CHECK(count(&out, QTS_FILL, "o-2") == 2, "two fills");
	int partial = 0, filled = 0;
	for (size_t i = 0; i < out.n; i++)
		if (out.ev[i].type == QTS_UPDATE && !strcmp(out.ev[i].update.id, "o-2")) {
			partial += !strcmp(out.ev[i].update.status, "partial");
			filled += !strcmp(out.ev[i].update.status, "filled");
		}
	CHECK(partial <= 1 && filled == 1, "duplicates said nothing: one partial at most, one filled");

	/* the statuses out of order: Filled before the partial one */
	write_file("tws.json", "{\"parts\": 2, \"reorder\": true}");
	qts_evbuf_clear(&out);
	o = order("o-3", "AAPL", QTS_BUY, QTS_MARKET, 10, NAN);
	CHECK(ib->place(b, &o, &out, err) == QTS_BROKER_OK, "place: statuses out of order");
	poll_for(b, &out, QTS_UPDATE, "o-3", "filled");
	drain(b, &out);
	CHECK(last_update(&out, "o-3") && !strcmp(last_update(&out, "o-3")->update.status, "filled"),
	      "a stale partial after filled changes nothing");

	/* a rejection: IB's code and text as the reason */
	write_file("tws.json", "{\"reject\": {\"REJ\": [201, \"Order rejected - reason:no trading permissions\"]}}");
	qts_evbuf_clear(&out);
	o = order("o-4", "REJ", QTS_BUY, QTS_MARKET, 10, NAN);
	CHECK(ib->place(b, &o, &out, err) == QTS_BROKER_REJECTED, "place: rejected");
	CHECK(last_update(&out, "o-4") && !strcmp(last_update(&out, "o-4")->update.status, "rejected"),
	      "the rejected update");
	CHECK_STR(last_update(&out, "o-4") ? last_update(&out, "o-4")->update.reason : NULL,
		  "IB 201: Order rejected - reason:no trading permissions", "its reason: IB's code and text");

	/* a limit order that rests, canceled */
	write_file("tws.json", "{\"fill\": \"none\"}");
	qts_evbuf_clear(&out);
	o = order("o-6", "AAPL", QTS_BUY, QTS_LIMIT, 10, 99.5);
	CHECK(ib->place(b, &o, &out, err) == QTS_BROKER_OK, "place a limit order");
	CHECK(last_update(&out, "o-6") && !strcmp(last_update(&out, "o-6")->update.status, "accepted"),
	      "accepted");
	CHECK(ib->cancel(b, "o-6", 0, "canceled on request", &out, err) == QTS_BROKER_OK, "cancel it");
	CHECK(last_update(&out, "o-6") && !strcmp(last_update(&out, "o-6")->update.status, "canceled"),
	      "canceled");
	if (!CHECK(state_count("\"o-6\": 1") == 2, "the fake: one order o-6, one cancel"))
		printf("#   state %s\n", state_text());
	CHECK(ib->cancel(b, "o-6", 0, "canceled on request", &out, err) == QTS_BROKER_OK, "cancel a canceled order: nothing sent");
	CHECK(ib->cancel(b, "nope", 0, "canceled on request", &out, err) == QTS_BROKER_REJECTED, "cancel an order IB does not know");

	/* the connection drops once the order is taken, before a word of it */
	write_file("tws.json", "{\"drop_after_accept\": [\"o-5\"]}");
	qts_evbuf_clear(&out);
	o = order("o-5", "AAPL", QTS_BUY, QTS_MARKET, 7, NAN);
	CHECK(ib->place(b, &o, &out, err) == QTS_BROKER_DOWN, "place: the connection drops");
	snprintf(want, sizeof want,
		 "ib: 127.0.0.1:%ld: the server closed the connection (order o-5 sent: IB's answer not read)", port);
	CHECK_STR(err, want, "and says the order was sent");
	CHECK(ib->poll(b, qts_loop_now(), &out, err) == QTS_BROKER_DOWN, "poll: down");
	qts_evbuf_clear(&out);
	CHECK(ib->connect(b, NULL, &out, err) == 0, "connect again");
	CHECK(count(&out, QTS_FILL, "o-5") == 1, "the fill made while down, once");
	CHECK(count(&out, QTS_FILL, NULL) == 1, "no other fill said again");
	CHECK(ib->lookup(b, "o-5", &k, err) == 1 && k.status == QTS_STATUS_FILLED && k.filled == 7,
	      "lookup after the drop: filled");
	CHECK(ib->place(b, &o, &out, err) == QTS_BROKER_OK, "place it again: IB has it");
	CHECK(state_count("\"o-5\": 1") == 1, "the fake got o-5 once");
	qts_evbuf_clear(&out);
	CHECK(ib->open_orders(b, &out, err) == 0 && count(&out, QTS_UPDATE, NULL) == 0,
	      "open orders: none working");
	ib->free(b);

	/* a restart: a new broker learns the orders from IB */
	b = new_broker(port);
	qts_evbuf_clear(&out);
	CHECK(ib->connect(b, NULL, &out, err) == 0, "a new process connects");
	CHECK(ib->lookup(b, "o-1", &k, err) == 1 && k.status == QTS_STATUS_FILLED && k.filled == 10,
	      "lookup by orderRef from the executions");
	CHECK(count(&out, QTS_FILL, NULL) == 0 && count(&out, QTS_UPDATE, NULL) == 0,
	      "the first connection says no fill or update: the stage reconciles from lookup");
	CHECK(ib->lookup(b, "o-2", &k, err) == 1 && k.status == QTS_STATUS_FILLED && k.filled == 10 &&
		      k.avg_price == 100,
	      "lookup: the cumulative fill and its average price");
	CHECK(ib->cancel(b, "o-6", 0, "canceled on request", &out, err) == QTS_BROKER_OK, "a canceled order stays canceled");
	ib->free(b);
	CHECK(strstr(state_text(), "\"bad\": []") != NULL, "the fake found every layout as expected");
	stop_fake();

	/* a server outside the range */
	port = start_fake("{\"version\": 150}");
	b = new_broker(port);
	CHECK(ib->connect(b, NULL, &out, err) == QTS_BROKER_DOWN, "a server at version 150: refused");
	snprintf(want, sizeof want, "ib: 127.0.0.1:%ld: server version 150 is outside the range qts speaks: 157..178",
		 port);
	CHECK_STR(err, want, "and said");
	ib->free(b);
	stop_fake();

	port = start_fake("{\"client_id_in_use\": true}");
	b = new_broker(port);
	CHECK(ib->connect(b, NULL, &out, err) == QTS_BROKER_DOWN, "a client id in use: refused");
	CHECK_STR(err, "ib: error 326: Unable to connect as the client id is already in use. Retry with a unique client id.",
		  "and said");
	ib->free(b);
	stop_fake();
	qts_evbuf_free(&out);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	CHECK(system(cmd) == 0, "cleaned up");
}

int main(void)
{
	test_encode();
	test_frame();
	test_decode();
	test_broker();
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}

/* The qts-broker stage over a broker of the test's own: targets from the
 * broker's position, the journal around each call, a broker that goes
 * down (the order in doubt counted as working, orders refused, the next
 * endpoint after a backoff), reconciliation when it is back (a fill
 * missed adopted, an order that never arrived sent again with its id),
 * rejections with the broker's reason, and events dated never before the
 * last one written. */
#include "qts_broker.h"
#include "qts_broker_journal.h"
#include "qts_loop.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

/* ---- the fake broker ------------------------------------------------------ */

enum { PLACE_OK, PLACE_REJECT, PLACE_DOWN };
static struct {
	int down;            /* connect fails */
	double pos;          /* the position of A connect reads */
	int place;           /* what place does */
	char endpoints[8][64];
	int nconnect, nplace, nlookup;
	char placed[16][QTS_ID_MAX];
	/* what lookup knows: one order */
	char known_id[QTS_ID_MAX];
	qts_broker_known known;
	qts_evbuf polled;    /* what poll hands out */
	int cancel_later;    /* cancel answers nothing now (its update would come on a stream) */
	int ncancel;
	char canceled[QTS_ID_MAX];
} fake;

static void push_update(qts_evbuf *out, const char *sym, const char *id, const char *status, const char *reason)
{
	qts_event ev;
	qts_event_init(&ev, QTS_UPDATE, 5); /* an early time of the broker's own */
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.update.id, id);
	QTS_SET(ev.update.status, status);
	ev.update.avg_price = NAN;
	QTS_SET(ev.update.reason, reason);
	qts_evbuf_push(out, &ev);
}

static void *f_new(char *err)
{
	(void)err;
	return &fake;
}
static int f_option(void *b, int c, const char *arg, char *err)
{
	(void)b, (void)c, (void)arg, (void)err;
	return 0;
}
static int f_connect(void *b, const char *endpoint, qts_evbuf *out, char *err)
{
	(void)b;
	QTS_SET(fake.endpoints[fake.nconnect++ % 8], endpoint ? endpoint : "(default)");
	if (fake.down) {
		snprintf(err, QTS_ERR_MAX, "connection refused");
		return QTS_BROKER_DOWN;
	}
	qts_event ev;
	qts_event_init(&ev, QTS_POSITION, 0);
	QTS_SET(ev.symbol, "A");
	ev.position.qty = fake.pos;
	qts_evbuf_push(out, &ev);
	return 0;
}
static int f_lookup(void *b, const char *id, qts_broker_known *k, char *err)
{
	(void)b, (void)err;
	fake.nlookup++;
	if (strcmp(id, fake.known_id) == 0) {
		*k = fake.known;
		return 1;
	}
	for (int i = 0; i < fake.nplace && i < 16; i++)
		if (strcmp(id, fake.placed[i]) == 0) { /* working, nothing filled */
			*k = (qts_broker_known){ .status = QTS_STATUS_ACCEPTED, .avg_price = NAN };
			return 1;
		}
	return 0;
}
static int f_open_orders(void *b, qts_evbuf *out, char *err)
{
	(void)b, (void)out, (void)err;
	return 0;
}
static int f_place(void *b, const qts_broker_order *o, qts_evbuf *out, char *err)
{
	(void)b;
	QTS_SET(fake.placed[fake.nplace++ % 16], o->id);
	if (fake.place == PLACE_DOWN) {
		snprintf(err, QTS_ERR_MAX, "timed out");
		return QTS_BROKER_DOWN;
	}
	if (fake.place == PLACE_REJECT) {
		push_update(out, o->symbol, o->id, "rejected", "insufficient buying power");
		return QTS_BROKER_REJECTED;
	}
	push_update(out, o->symbol, o->id, "accepted", "");
	return QTS_BROKER_OK;
}
static int f_cancel(void *b, const char *id, int64_t ts, const char *why, qts_evbuf *out, char *err)
{
	(void)b, (void)ts, (void)why, (void)err;
	fake.ncancel++;
	QTS_SET(fake.canceled, id);
	if (!fake.cancel_later)
		push_update(out, "A", id, "canceled", "");
	return QTS_BROKER_OK;
}
static int f_poll(void *b, int64_t now, qts_evbuf *out, char *err)
{
	(void)b, (void)now, (void)err;
	for (size_t i = 0; i < fake.polled.n; i++)
		qts_evbuf_push(out, &fake.polled.ev[i]);
	qts_evbuf_clear(&fake.polled);
	return 0;
}
static void f_free(void *b)
{
	(void)b;
}

static const qts_broker_ops fake_ops = {
	.name = "fake", .new = f_new, .option = f_option, .connect = f_connect, .lookup = f_lookup,
	.open_orders = f_open_orders, .place = f_place, .cancel = f_cancel, .poll = f_poll, .free = f_free,
};

/* ---- what the stage writes ------------------------------------------------- */

static qts_evbuf written;

static int collect(void *arg, const qts_event *ev)
{
	(void)arg;
	return qts_evbuf_push(&written, ev);
}

/* The written event of type t for id (an update's, a fill's), the n-th. */
static const qts_event *find(qts_type t, const char *id, const char *status, int n)
{
	for (size_t i = 0; i < written.n; i++) {
		const qts_event *ev = &written.ev[i];
		if (ev->type != t)
			continue;
		if (t == QTS_UPDATE && (strcmp(ev->update.id, id) || (status && strcmp(ev->update.status, status))))
			continue;
		if (t == QTS_FILL && strcmp(ev->fill.id, id))
			continue;
		if (t == QTS_SYSTEM && !strstr(ev->system.message, id))
			continue;
		if (n-- == 0)
			return ev;
	}
	return NULL;
}

static int in_order(void)
{
	for (size_t i = 1; i < written.n; i++)
		if (written.ev[i].ts < written.ev[i - 1].ts)
			return 0;
	return 1;
}

static qts_event bar(int64_t ts, double close)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, ts);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.bar.tf, "1d");
	ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = close;
	ev.bar.volume = 1000;
	return ev;
}

static qts_event order(int64_t ts, const char *id, double qty)
{
	qts_event ev;
	qts_event_init(&ev, QTS_ORDER, ts);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.order.id, id);
	QTS_SET(ev.order.side, "buy");
	ev.order.qty = qty;
	QTS_SET(ev.order.kind, "market");
	ev.order.limit = ev.order.stop = NAN;
	QTS_SET(ev.order.tif, "gtc");
	return ev;
}

int main(void)
{
	char dir[] = "/tmp/test_broker_stage.XXXXXX", path[128];
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/j", dir);
	setenv("QTS_NET_BACKOFF_MS", "1", 1);
	qts_init("qts-broker");
	fake.pos = 7;

	char *argv[] = { "qts-broker", "--journal", path, "--fallback", "backup:1", NULL };
	optind = 0;
	qts_stage st = { 0 };
	qts_broker_stage_build(&st, &fake_ops, 5, argv, collect, NULL);
	const qts_stage_ops *ops = st.ops;
	CHECK(st.conf.tick_every > 0, "a broker that polls gets the runtime's timer");

	const int64_t D = QTS_NS_PER_DAY, t0 = 16000 * D;
	qts_event ev = bar(t0, 10);
	CHECK(ops->put(st.eng, &ev) == 0, "the first event connects");
	CHECK(fake.nconnect == 1 && !strcmp(fake.endpoints[0], "(default)"), "to the broker's own endpoint first");
	CHECK(written.n == 2 && written.ev[0].type == QTS_POSITION && written.ev[0].ts == t0 && written.ev[1].type == QTS_BAR,
	      "the account's position, at the time of the first input event, then the bar");

	/* A target: the difference from the broker's position of 7. */
	qts_event_init(&ev, QTS_TARGET, t0 + D);
	QTS_SET(ev.symbol, "A");
	ev.target.target = 10;
	QTS_SET(ev.target.unit, "qty");
	QTS_SET(ev.target.strategy, "s");
	CHECK(ops->put(st.eng, &ev) == 0, "a target");
	const qts_event *u = find(QTS_UPDATE, "s-A-1", "new", 0);
	CHECK(u && !strcmp(u->update.reason, "target 10: buy 3 market"), "buys 3 over the position of 7");
	u = find(QTS_UPDATE, "s-A-1", "accepted", 0);
	CHECK(u && u->ts == t0 + D, "the broker's early update dated at the last event written");

	/* The broker goes down while an order is on its way. */
	fake.place = PLACE_DOWN;
	ev = order(t0 + D, "o2", 5);
	CHECK(ops->put(st.eng, &ev) == 0, "no answer is no failure");
	CHECK(find(QTS_SYSTEM, "order o2: no answer from the broker (timed out)", NULL, 0), "a warning for the order in doubt");
	CHECK(find(QTS_SYSTEM, "broker down: timed out", NULL, 0), "and for the broker");
	CHECK(!find(QTS_UPDATE, "o2", NULL, 0), "the order in doubt is neither accepted nor rejected");
	ev = order(t0 + D, "o3", 1);
	int placed = fake.nplace;
	CHECK(ops->put(st.eng, &ev) == 0 && fake.nplace == placed, "while down nothing is sent");
	u = find(QTS_UPDATE, "o3", "rejected", 0);
	CHECK(u && !strcmp(u->update.reason, "broker down: timed out"), "and orders are rejected with why");
	qts_event_init(&ev, QTS_CANCEL, t0 + D);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.cancel.id, "s-A-1");
	CHECK(ops->put(st.eng, &ev) == 0 && find(QTS_SYSTEM, "cancel s-A-1 (canceled on request): not sent, broker down: timed out; sent when it is back", NULL, 0),
	      "a cancel while down: a warning, nothing sent");
	CHECK(!find(QTS_UPDATE, "s-A-1", "canceled", 0) && fake.ncancel == 0, "nor canceled yet");
	/* a target while down counts the order in doubt as working: 7 + 3 + 5 */
	qts_event_init(&ev, QTS_TARGET, t0 + D);
	QTS_SET(ev.symbol, "A");
	ev.target.target = 15;
	QTS_SET(ev.target.unit, "qty");
	QTS_SET(ev.target.strategy, "s");
	CHECK(ops->put(st.eng, &ev) == 0 && !find(QTS_UPDATE, "s-A-2", NULL, 0), "the order in doubt counts as working");

	/* Back, on the fallback endpoint: o2 arrived and filled 5 at 10.5. */
	fake.place = PLACE_OK;
	QTS_SET(fake.known_id, "o2");
	fake.known = (qts_broker_known){ .status = QTS_STATUS_FILLED, .filled = 5, .avg_price = 10.5 };
	fake.pos = 12; /* the account holds o2's fill */
	usleep(5000);
	fake.cancel_later = 1;
	CHECK(ops->tick(st.eng, 0, 0) == 0, "a tick reconnects after the backoff");
	fake.cancel_later = 0;
	CHECK(fake.nconnect == 2 && !strcmp(fake.endpoints[1], "backup:1"), "on the next endpoint");
	CHECK(find(QTS_SYSTEM, "broker back on backup:1", NULL, 0), "and says so");
	CHECK(fake.ncancel == 1 && !strcmp(fake.canceled, "s-A-1"), "the cancel asked while down is sent once back");
	const qts_event *f = find(QTS_FILL, "o2", NULL, 0);
	CHECK(f && f->fill.qty == 5 && f->fill.price == 10.5 && !strcmp(f->fill.side, "buy"), "o2's fill adopted");
	u = find(QTS_UPDATE, "o2", "filled", 0);
	CHECK(u && !strcmp(u->update.reason, "reconciled with the broker"), "and its end");
	CHECK(find(QTS_UPDATE, "s-A-1", "canceled", 0) == NULL && find(QTS_UPDATE, "s-A-1", "accepted", 1),
	      "an order still working is looked up, not ended");

	/* A rejection: the broker's reason. */
	fake.place = PLACE_REJECT;
	ev = order(t0 + 2 * D, "o4", 1);
	CHECK(ops->put(st.eng, &ev) == 0, "a rejected order");
	u = find(QTS_UPDATE, "o4", "rejected", 0);
	CHECK(u && !strcmp(u->update.reason, "insufficient buying power"), "rejected with the broker's reason");
	fake.place = PLACE_OK;
	ev = order(t0 + 2 * D, "o4", 1);
	placed = fake.nplace;
	CHECK(ops->put(st.eng, &ev) == 0 && fake.nplace == placed, "an id decided on is never sent again");

	/* A fill from the stream, dated by the broker in the past. */
	qts_event_init(&ev, QTS_FILL, 1);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.fill.id, "s-A-1");
	QTS_SET(ev.fill.side, "buy");
	ev.fill.qty = 3;
	ev.fill.price = 10;
	qts_evbuf_push(&fake.polled, &ev);
	CHECK(ops->tick(st.eng, 0, 0) == 0, "a tick polls");
	f = find(QTS_FILL, "s-A-1", NULL, 0);
	CHECK(f && f->ts == t0 + 2 * D, "its fill dated at the last event written");
	CHECK(in_order(), "everything written in time order");
	/* the position is now 12 + 3: a target of 15 orders nothing */
	qts_event_init(&ev, QTS_TARGET, t0 + 3 * D);
	QTS_SET(ev.symbol, "A");
	ev.target.target = 15;
	QTS_SET(ev.target.unit, "qty");
	QTS_SET(ev.target.strategy, "s");
	size_t before = written.n;
	CHECK(ops->put(st.eng, &ev) == 0 && written.n == before + 1, "fills move the position: nothing to order");
	CHECK(ops->finish(st.eng) == 0, "finish");
	ops->free(st.eng);

	/* A restart: o5 was journaled, never answered; the broker never saw it. */
	char jerr[QTS_ERR_MAX + 64];
	qts_broker_journal *j = qts_bj_open(path, jerr);
	qts_broker_order o5 = { .id = "o5", .symbol = "A", .strategy = "s", .side = QTS_BUY, .kind = QTS_MARKET,
				.tif = QTS_GTC, .qty = 2, .limit = NAN, .stop = NAN, .ts = t0 + 3 * D };
	CHECK(j && qts_bj_intent(j, &o5, jerr) == 0, "an order journaled, as sent next");
	qts_bj_close(j);
	qts_evbuf_clear(&written);
	fake.nplace = 0;
	fake.known_id[0] = '\0';
	optind = 0;
	qts_broker_stage_build(&st, &fake_ops, 5, argv, collect, NULL);
	ev = bar(t0 + 4 * D, 11);
	CHECK(st.ops->put(st.eng, &ev) == 0, "a restart reconciles");
	CHECK(fake.nplace == 1 && !strcmp(fake.placed[0], "o5"), "the order that never arrived is sent, with its id");
	CHECK(find(QTS_UPDATE, "s-A-1", "canceled", 0) != NULL, "one taken but unknown now is ended");
	CHECK(!find(QTS_UPDATE, "o2", NULL, 0) && !find(QTS_UPDATE, "o4", NULL, 0), "ended ones are left alone");
	st.ops->free(st.eng);

	/* Every endpoint down at start: the input goes on, orders refused. */
	qts_evbuf_clear(&written);
	fake.down = 1;
	fake.nconnect = 0;
	char *argv2[] = { "qts-broker", "--fallback", "b:1", "--fallback", "c:1", NULL };
	optind = 0;
	qts_broker_stage_build(&st, &fake_ops, 5, argv2, collect, NULL);
	ev = order(t0, "x1", 1);
	CHECK(st.ops->put(st.eng, &ev) == 0 && fake.nconnect == 3, "every endpoint is tried");
	u = find(QTS_UPDATE, "x1", "rejected", 0);
	CHECK(u && !strcmp(u->update.reason, "broker down: connection refused"), "and the order rejected");
	CHECK(find(QTS_SYSTEM, "broker down: connection refused", NULL, 0) && !find(QTS_SYSTEM, "broker down", NULL, 1),
	      "said once");
	fake.down = 0;
	usleep(5000);
	CHECK(st.ops->tick(st.eng, 0, 0) == 0 && fake.nconnect == 4, "and connects when it can");
	st.ops->free(st.eng);

	/* An emergency stop with 70 orders working at a broker that confirms
	 * its cancels later (on its stream): every one asked, once. */
	qts_evbuf_clear(&written);
	char *argv3[] = { "qts-broker", NULL };
	optind = 0;
	qts_broker_stage_build(&st, &fake_ops, 1, argv3, collect, NULL);
	for (int i = 0; i < 70; i++) {
		char id[16];
		snprintf(id, sizeof id, "k%d", i);
		ev = order(t0, id, 1);
		st.ops->put(st.eng, &ev);
	}
	fake.cancel_later = 1;
	fake.ncancel = 0;
	qts_event_init(&ev, QTS_RISK, t0);
	QTS_SET(ev.risk.rule, "kill");
	QTS_SET(ev.risk.action, "breach");
	CHECK(st.ops->put(st.eng, &ev) == 0 && fake.ncancel == 70, "an emergency stop asks every working order's cancel");
	fake.cancel_later = 0;
	st.ops->free(st.eng);

	qts_evbuf_free(&written);
	qts_evbuf_free(&fake.polled);
	unlink(path);
	rmdir(dir);
	return tap_done();
}

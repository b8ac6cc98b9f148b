/* The holding of a live source's --reorder (reorder.c): events go out in
 * the order they are known once held their time, all at the end; and a
 * stream that never pauses keeps memory to what is held, however long. */
#include "qts_reorder.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

#define MS 1000000LL
#define T0 1704153600000000000LL /* 2024-01-02T00:00:00Z */

static qts_event tick(int64_t ts, double price)
{
	qts_event ev;
	qts_event_init(&ev, QTS_TICK, ts);
	QTS_SET(ev.symbol, "X");
	ev.tick.price = price, ev.tick.size = 1;
	return ev;
}

int main(void)
{
	qts_event ev;
	qts_reorder r = QTS_REORDER_START(100 * MS);
	CHECK(qts_reorder_next_due(&r) == INT64_MAX, "nothing held: nothing falls due");
	CHECK(!qts_reorder_pop(&r, 0, 1, &ev), "nothing held: nothing to let go, even at the end");

	/* Three come out of order within the hold: they go in order. */
	qts_event a = tick(T0 + 3 * MS, 3), b = tick(T0 + 1 * MS, 1), c = tick(T0 + 2 * MS, 2);
	CHECK(qts_reorder_push(&r, &a, 0) == 0, "held");
	CHECK(qts_reorder_push(&r, &b, 10 * MS) == 0, "held");
	CHECK(qts_reorder_push(&r, &c, 20 * MS) == 0, "held");
	CHECK(!qts_reorder_pop(&r, 99 * MS, 0, &ev), "none is due before its hold is over");
	/* the front is b (known first), due 100 ms after it came */
	CHECK(qts_reorder_next_due(&r) == 110 * MS, "the front falls due when it has been held its time");
	CHECK(qts_reorder_pop(&r, 110 * MS, 0, &ev) && ev.tick.price == 1, "the first known goes first");
	CHECK(qts_reorder_pop(&r, 120 * MS, 0, &ev) && ev.tick.price == 2, "then the second");
	CHECK(qts_reorder_pop(&r, 120 * MS, 0, &ev) && ev.tick.price == 3,
	      "then the third, due already (it came first)");
	CHECK(!qts_reorder_pop(&r, 1000 * MS, 1, &ev), "all gone");

	/* Equal times keep the order they came in. */
	qts_event d = tick(T0, 4), e = tick(T0, 5);
	qts_reorder_push(&r, &d, 0);
	qts_reorder_push(&r, &e, 0);
	CHECK(qts_reorder_pop(&r, 0, 1, &ev) && ev.tick.price == 4 && qts_reorder_pop(&r, 0, 1, &ev) &&
		      ev.tick.price == 5,
	      "ties in the order they came; all at the end, due or not");

	/* A stream that never pauses: an event a millisecond, each a little
	 * out of order, held 100 ms, for 1,000,000 events.  About 100 are
	 * held at once; what is kept stays within a small multiple of that,
	 * and every event comes out in order. */
	qts_reorder_free(&r);
	r = QTS_REORDER_START(100 * MS);
	size_t most = 0, out = 0;
	int64_t last = INT64_MIN;
	int in_order = 1;
	for (long i = 0; i < 1000000; i++) {
		int64_t now = i * MS;
		qts_event t = tick(T0 + now - (i % 7) * MS, (double)i); /* up to 6 ms early */
		if (qts_reorder_push(&r, &t, now) < 0)
			break;
		if (r.held.cap > most)
			most = r.held.cap;
		while (qts_reorder_pop(&r, now, 0, &ev)) {
			in_order &= ev.ts >= last;
			last = ev.ts;
			out++;
		}
	}
	while (qts_reorder_pop(&r, 0, 1, &ev)) {
		in_order &= ev.ts >= last;
		last = ev.ts;
		out++;
	}
	char msg[200];
	snprintf(msg, sizeof msg, "a million events through, none lost (%zu out)", out);
	CHECK(out == 1000000, msg);
	CHECK(in_order, "and in time order: each was held longer than it came early");
	snprintf(msg, sizeof msg, "memory keeps to what is held: room for %zu events at most, for about 100 held",
		 most);
	CHECK(most <= 512 && r.due_cap <= 512, msg);
	qts_reorder_free(&r);
	return tap_done();
}

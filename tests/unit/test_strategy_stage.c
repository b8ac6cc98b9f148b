/* Unit tests of qts-strategy's stage (lib/strategy_*.c): built more than
 * once in one process, fed bars and --feedback in an order chosen here
 * (the runtime decides it in a run), and its heartbeat counts. */
#include "qts_stage.h"
#include "tap.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* What the stage emitted that is not a bar, as CSV lines. */
static char got[8192];

static int capture(void *arg, const qts_event *ev)
{
	(void)arg;
	if (ev->type == QTS_BAR)
		return 0;
	size_t n = strlen(got);
	n += qts_event_to_csv(ev, got + n, sizeof got - n - 1);
	got[n] = '\0';
	return 0;
}

static void build(qts_stage *st, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	optind = 0; /* glibc: a fresh scan */
	memset(st, 0, sizeof *st);
	qts_strategy_stage.build(st, argc, argv, capture, NULL);
}

static void bar(qts_stage *st, int day, double o, double h, double l, double c)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, (int64_t)day * 86400 * QTS_NS_PER_SEC);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.bar.tf, "1d");
	ev.bar.open = o, ev.bar.high = h, ev.bar.low = l, ev.bar.close = c, ev.bar.volume = 1000;
	got[0] = '\0';
	CHECK(st->ops->put(st->eng, &ev) == 0, "a bar is put");
}

static void fill(qts_stage *st, const char *id, const char *side, double qty)
{
	qts_event ev;
	qts_event_init(&ev, QTS_FILL, 0);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.fill.id, id);
	QTS_SET(ev.fill.side, side);
	ev.fill.qty = qty;
	ev.fill.price = 10;
	CHECK(st->ops->feedback(st->eng, &ev) == 0, "a fill is fed back");
}

static void position(qts_stage *st, double qty)
{
	qts_event ev;
	qts_event_init(&ev, QTS_POSITION, 0);
	QTS_SET(ev.symbol, "A");
	ev.position.qty = qty;
	CHECK(st->ops->feedback(st->eng, &ev) == 0, "a position is fed back");
}

static void update(qts_stage *st, const char *id, const char *status)
{
	qts_event ev;
	qts_event_init(&ev, QTS_UPDATE, 0);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.update.id, id);
	QTS_SET(ev.update.status, status);
	CHECK(st->ops->feedback(st->eng, &ev) == 0, "an update is fed back");
}

#define D(n) "2024-01-0" #n "T00:00:00Z"

/* A limit order to reach 100 at 10: the fill comes back a bar late, and
 * the order is kept meanwhile, not sent twice; a position sets, a fill
 * moves, an update ends a working order. */
static void test_orders(int with_feedback)
{
	char *fb[] = { "qts-strategy", "--feedback", "fb", "-e", "target = 100; limit = 10", NULL };
	char *nofb[] = { "qts-strategy", "-e", "target = 100; limit = 10", NULL };
	qts_stage st;
	build(&st, with_feedback ? fb : nofb);
	CHECK(!!st.ops->feedback, "the stage takes feedback");
	CHECK(with_feedback ? st.conf.feedback && !strcmp(st.conf.feedback, "fb") : !st.conf.feedback,
	      "--feedback FILE is the runtime's to read");
	bar(&st, 19723, 10, 11, 9, 10); /* 2024-01-01 */
	CHECK_STR(got, "order," D(2) ",A,expr-1,buy,100,limit,10,,gtc,expr\n", "the order");
	/* the next bar would fill it (low 9): presumed, or fed back later */
	bar(&st, 19724, 11, 12, 9, 11);
	CHECK_STR(got, "", "kept, not sent again");
	if (!with_feedback) {
		bar(&st, 19725, 12, 13, 11, 12);
		CHECK_STR(got, "", "presumed filled: at the target");
		char buf[128];
		st.ops->counts(st.eng, buf, sizeof buf);
		CHECK_STR(buf, "bars=3 targets=0 orders=1 symbols=1", "the heartbeat's counts");
		st.ops->free(st.eng);
		return;
	}
	fill(&st, "expr-1", "buy", 60);
	bar(&st, 19725, 12, 13, 11, 12);
	CHECK_STR(got, "", "a partial fill: the order works on for the rest");
	fill(&st, "expr-1", "buy", 40);
	bar(&st, 19726, 12, 13, 11, 12);
	CHECK_STR(got, "", "filled: at the target");
	position(&st, 30);
	bar(&st, 19727, 12, 13, 11, 12);
	CHECK_STR(got, "order," D(6) ",A,expr-2,buy,70,limit,10,,gtc,expr\n",
		  "a position sets it outright: 70 more");
	fill(&st, "other-1", "sell", 10);
	update(&st, "expr-2", "rejected");
	bar(&st, 19728, 12, 13, 11, 12);
	CHECK_STR(got, "order," D(7) ",A,expr-3,buy,80,limit,10,,gtc,expr\n",
		  "a sell fill moves it down; a rejected order is no longer working");
	update(&st, "expr-3", "accepted");
	bar(&st, 19729, 12, 13, 11, 12);
	CHECK_STR(got, "", "an accepted order still works");
	char buf[128];
	st.ops->counts(st.eng, buf, sizeof buf);
	CHECK_STR(buf, "bars=7 targets=0 orders=3 symbols=1", "the heartbeat's counts");
	st.ops->free(st.eng);
}

/* `position` in a program that writes targets: the last target presumed
 * reached, or the real position. */
static void test_position_variable(void)
{
	char *prog = "target = isnan(position) ? 1 : position + 1";
	char *nofb[] = { "qts-strategy", "-e", prog, NULL };
	char *fb[] = { "qts-strategy", "--feedback", "fb", "-e", prog, NULL };
	qts_stage st;
	build(&st, nofb);
	bar(&st, 19723, 10, 11, 9, 10);
	CHECK_STR(got, "target," D(2) ",A,1,qty,expr\n", "no target yet: nan");
	bar(&st, 19724, 10, 11, 9, 10);
	CHECK_STR(got, "target," D(3) ",A,2,qty,expr\n", "presumed at the last target");
	st.ops->free(st.eng);

	build(&st, fb);
	bar(&st, 19723, 10, 11, 9, 10);
	CHECK_STR(got, "target," D(2) ",A,1,qty,expr\n", "real: flat until feedback");
	bar(&st, 19724, 10, 11, 9, 10);
	CHECK_STR(got, "", "still flat: the same target");
	position(&st, 5);
	bar(&st, 19725, 10, 11, 9, 10);
	CHECK_STR(got, "target," D(4) ",A,6,qty,expr\n", "the real position");
	st.ops->free(st.eng);
}

int main(void)
{
	qts_init("qts-strategy");
	test_orders(0);
	test_orders(1);
	test_position_variable();
	return tap_done();
}

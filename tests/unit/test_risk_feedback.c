/* test_risk_feedback.c — qts-risk with the executing stage's fills,
 * positions, updates and equity fed back (--feedback): the view follows
 * what really filled, and limits, stops and drawdown rules use it.
 *
 * The chain risk -> qts-sim runs in process: what risk writes goes into
 * qts-sim's engine, and what qts-sim writes is fed back to risk before the
 * next input event, as the runtime applies feedback between two puts.
 * Every number is worked out in the comments from qts-risk(1) and
 * qts-sim(1); the same chain without feedback shows the estimate the
 * feedback corrects. */
#include "qts_risk.h"
#include "qts_sim.h"
#include "qts_stage.h"
#include "tap.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define MAXOUT 256
static qts_event rout[MAXOUT]; /* what risk wrote */
static int nrout;
static qts_event back[MAXOUT]; /* what qts-sim wrote, not yet fed back */
static int nback;
static qts_risk *R;
static qts_sim *S;
static int use_feedback;

static int64_t T(int sec) { return 1704205800LL * QTS_NS_PER_SEC + (int64_t)sec * QTS_NS_PER_SEC; }

static int to_sim(void *arg, const qts_event *ev)
{
	(void)arg;
	if (nrout < MAXOUT)
		rout[nrout++] = *ev;
	return S ? qts_sim_put(S, ev) : 0;
}

static int from_sim(void *arg, const qts_event *ev)
{
	(void)arg;
	if (use_feedback && nback < MAXOUT)
		back[nback++] = *ev; /* all of it, as `tee` writes it: risk picks */
	return 0;
}

/* What qts-sim wrote so far comes back, then the next input event. */
static void put(const qts_event *ev)
{
	for (int i = 0; i < nback; i++) /* feedback may make more of it */
		qts_risk_feedback(R, &back[i], to_sim, NULL);
	nback = 0;
	nrout = 0;
	qts_risk_event(R, ev, to_sim, NULL);
}

static void start(const char *const *kv, int feedback, const qts_sim_opts *so)
{
	qts_risk_config c;
	char err[256];
	qts_risk_config_init(&c);
	for (; kv && kv[0]; kv += 2)
		if (qts_risk_config_set(&c, kv[0], kv[1], err) < 0) {
			printf("# %s\n", err);
			exit(1);
		}
	R = qts_risk_new(&c, err);
	qts_risk_config_free(&c);
	if (!R) {
		printf("# %s\n", err);
		exit(1);
	}
	use_feedback = feedback;
	if (feedback)
		qts_risk_use_feedback(R);
	S = so ? qts_sim_new(so, from_sim, NULL) : NULL;
	nback = nrout = 0;
}

static void stop(void)
{
	qts_risk_free(R);
	qts_sim_free(S);
	R = NULL;
	S = NULL;
}

static void bar(int sec, const char *sym, double open, double close)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, "1m");
	ev.bar.open = open;
	ev.bar.close = close;
	ev.bar.high = open > close ? open : close;
	ev.bar.low = open < close ? open : close;
	ev.bar.volume = 1000;
	put(&ev);
}

static void target(int sec, const char *sym, double v)
{
	qts_event ev;
	qts_event_init(&ev, QTS_TARGET, T(sec));
	QTS_SET(ev.symbol, sym);
	ev.target.target = v;
	QTS_SET(ev.target.unit, "qty");
	QTS_SET(ev.target.strategy, "t");
	put(&ev);
}

static void order(int sec, const char *sym, const char *id, const char *side, double qty)
{
	qts_event ev;
	qts_event_init(&ev, QTS_ORDER, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.order.id, id);
	QTS_SET(ev.order.side, side);
	ev.order.qty = qty;
	QTS_SET(ev.order.kind, "market");
	ev.order.limit = ev.order.stop = NAN;
	QTS_SET(ev.order.tif, "day");
	QTS_SET(ev.order.strategy, "t");
	put(&ev);
}

static int find_risk(const char *rule, const char *action)
{
	for (int i = 0; i < nrout; i++)
		if (rout[i].type == QTS_RISK && strcmp(rout[i].risk.rule, rule) == 0 &&
		    strcmp(rout[i].risk.action, action) == 0)
			return i;
	return -1;
}

static int find_type(qts_type t)
{
	for (int i = 0; i < nrout; i++)
		if (rout[i].type == t)
			return i;
	return -1;
}

/* qts-sim --no-short refuses a target that would go short: the estimate
 * holds -50 the real book never had. */
static void test_no_short(void)
{
	qts_sim_opts so;
	qts_sim_opts_default(&so);
	so.no_short = 1;
	static const char *const rules[] = { "max-position", "100", NULL };
	for (int fb = 0; fb < 2; fb++) {
		start(rules, fb, &so);
		bar(0, "A", 100, 100);
		target(60, "A", -50);
		CHECK(nrout == 1 && rout[0].type == QTS_TARGET && rout[0].target.target == -50,
		      fb ? "feedback: target -50 approved" : "estimate: target -50 approved");
		bar(60, "A", 100, 100);
		CHECK(qts_risk_position(R, "A") == (fb ? 0 : -50),
		      fb ? "feedback: position 0, the target refused" : "estimate: position -50, never filled");
		order(120, "A", "o1", "sell", 60);
		if (!fb) {
			/* The estimate: -50 taken as filled; -50 - 60 = -110,
			 * beyond 100: reduced to 50. */
			int i = find_risk("max-position", "reduce");
			CHECK(i >= 0, "estimate: order o1 reduced");
			if (i >= 0)
				CHECK_STR(rout[i].risk.detail, "order o1: qty 60 reduced to 50", "estimate: 60 -> 50");
		} else {
			/* qts-sim's update `rejected` took the 50 back: flat, so
			 * selling 60 is within 100. */
			CHECK(qts_risk_position(R, "A") == 0, "feedback: position 0, as qts-sim holds");
			CHECK(find_risk("max-position", "reduce") < 0 && nrout == 1 && rout[0].type == QTS_ORDER &&
				      rout[0].order.qty == 60,
			      "feedback: order o1 approved whole");
		}
		stop();
	}
}

/* A gap: the target was approved at 100 but filled at the next open, 95.
 * --stop-loss 0.05 from the estimate's 100 exits at 95; from the real
 * average, 95, the level is 90.25. */
static void test_stop_on_real_average(void)
{
	qts_sim_opts so;
	qts_sim_opts_default(&so);
	static const char *const rules[] = { "stop-loss", "0.05", NULL };
	for (int fb = 0; fb < 2; fb++) {
		start(rules, fb, &so);
		bar(0, "A", 100, 100);
		target(60, "A", 10);
		bar(60, "A", 95, 96); /* qts-sim fills 10 at the open, 95 */
		CHECK(find_risk("stop-loss", "flatten") < 0, "96: no exit either way");
		bar(120, "A", 91, 91);
		if (!fb)
			CHECK(find_risk("stop-loss", "flatten") >= 0, "estimate: 91 <= 100 x 0.95: exit");
		else {
			CHECK(find_risk("stop-loss", "flatten") < 0, "feedback: 91 > 95 x 0.95 = 90.25: no exit");
			CHECK(qts_risk_position(R, "A") == 10, "feedback: position 10 as filled");
			bar(180, "A", 90, 90);
			int i = find_risk("stop-loss", "flatten");
			CHECK(i >= 0, "feedback: 90 <= 90.25: exit");
			if (i >= 0)
				CHECK_STR(rout[i].risk.detail, "price 90 vs average 95: loss beyond 0.05",
					  "feedback: the real average in the detail");
		}
		stop();
	}
}

/* qts-sim --max-participation 0.1 fills 100 of a 1000-volume bar a bar,
 * and a day order's rest expires at the day's end: the real position is
 * what filled, not the 500 approved. */
static void test_partial_fills(void)
{
	qts_sim_opts so;
	qts_sim_opts_default(&so);
	so.participation = 0.1;
	static const char *const rules[] = { "max-position", "500", NULL };
	start(rules, 1, &so);
	bar(0, "A", 100, 100);
	order(60, "A", "o1", "buy", 500);
	bar(60, "A", 100, 100);  /* 100 filled */
	bar(120, "A", 100, 100); /* 200 */
	order(180, "A", "o2", "buy", 500);
	/* Real 200 and 300 of o1 working: 0 more is allowed, o2 is refused. */
	CHECK(qts_risk_position(R, "A") == 200, "position: the 200 filled");
	CHECK(qts_risk_working(R, "A") == 300, "working: o1's 300 not yet filled");
	CHECK(find_risk("max-position", "reject") >= 0, "o2 refused: 200 filled + 300 working = 500");
	/* qts-sim cancels o1's rest: the 300 stop counting. */
	qts_event ev;
	qts_event_init(&ev, QTS_UPDATE, T(180));
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.update.id, "o1");
	QTS_SET(ev.update.status, "canceled");
	ev.update.filled = 200;
	qts_risk_feedback(R, &ev, to_sim, NULL);
	CHECK(qts_risk_working(R, "A") == 0 && qts_risk_position(R, "A") == 200, "canceled: nothing working");
	order(200, "A", "o3", "buy", 500);
	int i = find_risk("max-position", "reduce");
	CHECK(i >= 0, "o3 reduced to what the real 200 leaves");
	if (i >= 0)
		CHECK_STR(rout[i].risk.detail, "order o3: qty 500 reduced to 300", "o3: 500 -> 300");
	stop();
}

/* The events one by one, without qts-sim. */
static void test_events(void)
{
	static const char *const rules[] = { "max-position", "100", "max-drawdown", "0.1", "on-drawdown", "flatten",
					     NULL };
	start(rules, 1, NULL);
	qts_event ev;
	bar(0, "A", 100, 100);
	order(60, "A", "o1", "buy", 80);
	CHECK(qts_risk_position(R, "A") == 0 && qts_risk_working(R, "A") == 80,
	      "with feedback an approval works until filled");
	/* A fill in the input passes on and moves nothing: the feedback
	 * carries the fills. */
	qts_event_init(&ev, QTS_FILL, T(60));
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.fill.id, "o1");
	QTS_SET(ev.fill.side, "buy");
	ev.fill.qty = 30;
	ev.fill.price = 100;
	ev.fill.commission = 0;
	put(&ev);
	CHECK(nrout == 1 && rout[0].type == QTS_FILL && qts_risk_position(R, "A") == 0,
	      "an input fill passes on, not counted");
	nrout = 0;
	CHECK(qts_risk_feedback(R, &ev, to_sim, NULL) == 0 && nrout == 0, "a fed back fill writes nothing");
	CHECK(qts_risk_position(R, "A") == 30 && qts_risk_working(R, "A") == 50, "fill: 30 held, 50 working");
	/* A position sets it outright; equity stays (valued at the last). */
	qts_event_init(&ev, QTS_POSITION, T(60));
	QTS_SET(ev.symbol, "A");
	ev.position.qty = 40;
	ev.position.avg_price = 99;
	qts_risk_feedback(R, &ev, to_sim, NULL);
	CHECK(qts_risk_position(R, "A") == 40, "position: set outright to 40");
	CHECK_NEAR(qts_risk_equity(R), 100000, 1e-12, "position: equity unchanged");
	/* An equity event sets the equity; 88000 is 12% below the peak of
	 * 100000: a breach at once, flattening the real 40 with an exit. */
	qts_event_init(&ev, QTS_EQUITY, T(3600));
	ev.equity.equity = 88000;
	ev.equity.cash = 84000;
	nrout = 0;
	qts_risk_feedback(R, &ev, to_sim, NULL);
	CHECK_NEAR(qts_risk_equity(R), 88000, 1e-12, "equity: set to 88000");
	int i = find_risk("max-drawdown", "breach");
	CHECK(i == 0, "equity: the drawdown breach written at once");
	CHECK(find_risk("max-drawdown", "flatten") == 1 && find_type(QTS_TARGET) == 2, "and the exit");
	/* Dated at the input's clock (the order at 60 s), not the fed back
	 * event's 3600 s: the output stays in time order. */
	CHECK(i == 0 && rout[0].ts == T(60), "fed back events do not move the clock");
	/* The exit works against the real 40 (and o1's 50 ends with it). */
	CHECK(qts_risk_working(R, "A") == -40, "exit: the real 40 working to flat");
	/* Other types in the feedback are ignored. */
	uint64_t n = qts_risk_feedback_count(R);
	qts_event_init(&ev, QTS_BAR, T(60));
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.bar.tf, "1m");
	ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = 1;
	nrout = 0;
	qts_risk_feedback(R, &ev, to_sim, NULL);
	CHECK(nrout == 0 && qts_risk_feedback_count(R) == n && qts_risk_equity(R) == 88000,
	      "a bar fed back is ignored");
	stop();
}

/* A contract's position fed back at an average of 0 or below (a future
 * in a glut) before any price of it: the view takes it at that average,
 * as it takes a share's, and its stop-loss measures from it. */
static void test_contract_position_below_zero(void)
{
	static const char *const rules[] = { "instrument", "CL,multiplier=10", "stop-loss", "0.1", NULL };
	start(rules, 1, NULL);
	qts_event ev;
	qts_event_init(&ev, QTS_POSITION, T(0));
	QTS_SET(ev.symbol, "CL");
	ev.position.qty = 10;
	ev.position.avg_price = -5;
	qts_risk_feedback(R, &ev, to_sim, NULL);
	CHECK(qts_risk_position(R, "CL") == 10, "contract: the 10 fed back at -5 held");
	/* -6 is a loss of 0.2 of |-5|: beyond 0.1, an exit */
	bar(60, "CL", -5, -6);
	int i = find_risk("stop-loss", "flatten");
	CHECK(i >= 0, "contract: stop-loss from the average of -5");
	if (i >= 0)
		CHECK_STR(rout[i].risk.detail, "price -6 vs average -5: loss beyond 0.1", "contract: its detail");
	stop();
}

/* The stage: --feedback selects the real position; its ops feed the
 * engine. */
static qts_event sout[MAXOUT];
static int nsout;
static int stage_collect(void *arg, const qts_event *ev)
{
	(void)arg;
	if (nsout < MAXOUT)
		sout[nsout++] = *ev;
	return 0;
}

static void test_stage(void)
{
	char *with[] = { "qts-risk", "--feedback", "/dev/null", "--max-position", "100", "--kill-file",
			 "/nonexistent/kill", NULL };
	char *without[] = { "qts-risk", "--max-position", "100", NULL };
	for (int fb = 0; fb < 2; fb++) {
		qts_stage st = { 0 };
		optind = 0;
		qts_risk_stage.build(&st, fb ? 7 : 3, fb ? with : without, stage_collect, NULL);
		CHECK(strcmp(st.name, "qts-risk") == 0 && st.ops->put && st.ops->feedback && st.ops->tick,
		      "stage: put, feedback, tick");
		CHECK(fb ? st.conf.feedback && strcmp(st.conf.feedback, "/dev/null") == 0 : !st.conf.feedback,
		      "stage: --feedback FILE in the conf");
		CHECK(st.conf.tick_every == (fb ? 100000000 : 0), "stage: a 100 ms timer only with a kill file");
		qts_event ev;
		qts_event_init(&ev, QTS_BAR, T(0));
		QTS_SET(ev.symbol, "A");
		QTS_SET(ev.bar.tf, "1m");
		ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = 100;
		st.ops->put(st.eng, &ev);
		qts_event_init(&ev, QTS_TARGET, T(60));
		QTS_SET(ev.symbol, "A");
		ev.target.target = -50;
		QTS_SET(ev.target.unit, "qty");
		QTS_SET(ev.target.strategy, "t");
		st.ops->put(st.eng, &ev);
		qts_event_init(&ev, QTS_UPDATE, T(60));
		QTS_SET(ev.symbol, "A");
		QTS_SET(ev.update.id, "t-A-1"); /* the id qts-sim gives it */
		QTS_SET(ev.update.status, "rejected");
		if (st.conf.feedback) /* the runtime feeds back only then */
			st.ops->feedback(st.eng, &ev);
		nsout = 0;
		qts_event_init(&ev, QTS_ORDER, T(120));
		QTS_SET(ev.symbol, "A");
		QTS_SET(ev.order.id, "o1");
		QTS_SET(ev.order.side, "sell");
		ev.order.qty = 60;
		QTS_SET(ev.order.kind, "market");
		ev.order.limit = ev.order.stop = NAN;
		QTS_SET(ev.order.tif, "day");
		st.ops->put(st.eng, &ev);
		if (fb)
			CHECK(nsout == 1 && sout[0].type == QTS_ORDER && sout[0].order.qty == 60,
			      "stage with --feedback: the rejection fed back, o1 whole");
		else
			CHECK(nsout == 2 && sout[0].type == QTS_RISK && sout[1].order.qty == 50,
			      "stage without: no feedback taken, o1 reduced to 50");
		char counts[128];
		st.ops->counts(st.eng, counts, sizeof counts);
		CHECK_STR(counts, fb ? "positions=0 equity=100000 halted=0 applied=1"
				     : "positions=1 equity=100000 halted=0 applied=0", /* -100 held */
			  "stage: counts for the heartbeat");
		CHECK(st.ops->tick(st.eng, 0, 1) == 0, "stage: tick with no kill file present");
		st.ops->free(st.eng);
	}
}

int main(void)
{
	test_no_short();
	test_stop_on_real_average();
	test_partial_fills();
	test_events();
	test_contract_position_below_zero();
	test_stage();
	return tap_done();
}

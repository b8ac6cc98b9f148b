/* Round trips (FIFO) and the day-sampled equity curve.  Expected values are
 * worked by hand in the comments beside them. */
#include <stdlib.h>

#include "qts_metrics.h"
#include "qts_resample.h"
#include "tap.h"

#define D(n, h) ((int64_t)(n) * QTS_NS_PER_DAY + (int64_t)(h) * 3600 * QTS_NS_PER_SEC)
#define TOL 1e-12

static void fifo(void)
{
	qts_trades *t = qts_trades_new(1);
	/* long 10 @ 100 (commission 1), long 5 @ 110 (0.5): 0.1 a unit */
	CHECK(qts_trades_fill(t, D(0, 15), "AAA", +1, 10, 100, 1, 1, 0.2) == 0, "opening fills close nothing");
	CHECK(qts_trades_fill(t, D(1, 15), "AAA", +1, 5, 110, 1, 0.5, 0.1) == 0, "adding closes nothing");
	/* sell 12 @ 120 (1.2): 10 of lot 1, 2 of lot 2 */
	CHECK(qts_trades_fill(t, D(2, 15), "AAA", -1, 12, 120, 1, 1.2, 0.2) == 2, "sell 12 closes two lots");
	/* sell 10 @ 105 (1): the 3 left of lot 2, then short 7 */
	CHECK(qts_trades_fill(t, D(3, 15), "AAA", -1, 10, 105, 1, 1, 0) == 1, "sell 10 closes one and flips");
	CHECK(qts_trades_open(t), "a short lot is open");
	/* buy 7 @ 100 (0.7) covers the short */
	CHECK(qts_trades_fill(t, D(5, 15), "AAA", +1, 7, 100, 1, 0.7, 0) == 1, "cover closes the short");
	CHECK(!qts_trades_open(t), "flat at the end");

	size_t n;
	const qts_trip *tr = qts_trades_list(t, &n);
	CHECK(n == 4, "four round trips");
	/* (120-100)*10 - (0.1+0.1)*10 */
	CHECK_NEAR(tr[0].pnl, 198, TOL, "trip 1 pnl net of its commission shares");
	CHECK_NEAR(tr[0].ret, 198.0 / 1000, TOL, "trip 1 return on entry value");
	/* (120-110)*2 - 0.2*2 */
	CHECK_NEAR(tr[1].pnl, 19.6, TOL, "trip 2 pnl");
	/* (105-110)*3 - 0.2*3 */
	CHECK_NEAR(tr[2].pnl, -15.6, TOL, "trip 3 pnl (a loss)");
	CHECK(tr[2].entry_ts == D(1, 15) && tr[2].exit_ts == D(3, 15), "trip 3 entry and exit times");
	/* short: (100-105)*7*-1 - (0.1+0.1)*7 */
	CHECK(tr[3].dir == -1, "trip 4 is short");
	CHECK_NEAR(tr[3].pnl, 33.6, TOL, "trip 4 pnl");

	const qts_trade_stats *s = qts_trades_stats(t);
	CHECK(s->trades == 4 && s->wins == 3 && s->losses == 1, "4 trades, 3 wins, 1 loss");
	CHECK_NEAR(qts_trades_win_rate(s), 0.75, TOL, "win rate");
	CHECK_NEAR(qts_trades_avg_win(s), 251.2 / 3, TOL, "average win (198+19.6+33.6)/3");
	CHECK_NEAR(qts_trades_avg_loss(s), -15.6, TOL, "average loss");
	CHECK_NEAR(qts_trades_profit_factor(s), 251.2 / 15.6, TOL, "profit factor 251.2/15.6");
	CHECK_NEAR(qts_trades_expectancy(s), 235.6 / 4, TOL, "expectancy 235.6/4");
	/* backtrader's SQN analyzer (mathsupport.average and standarddev,
	 * population) on the pnl 198, 19.6, -15.6, 33.6 */
	CHECK_NEAR(qts_trades_sqn(s), 1.4316002642724568, TOL, "SQN");
	CHECK_NEAR(s->largest_win, 198, TOL, "largest win");
	CHECK_NEAR(s->largest_loss, -15.6, TOL, "largest loss");
	/* holding 2, 1, 2 and 2 days */
	CHECK_NEAR(qts_trades_avg_holding_days(s), 1.75, TOL, "average holding 7/4 days");
	CHECK_NEAR(s->commission, 4.4, TOL, "total commission of every fill");
	CHECK_NEAR(s->slippage, 0.5, TOL, "total slippage of every fill");
	CHECK_NEAR(s->notional, 4740, TOL, "traded value 1000+550+1440+1050+700");
	qts_trades_free(t);

	t = qts_trades_new(0);
	s = qts_trades_stats(t);
	CHECK(s->trades == 0 && isnan(qts_trades_win_rate(s)) && isnan(qts_trades_profit_factor(s)) &&
		      isnan(qts_trades_expectancy(s)) && isnan(s->largest_win),
	      "no trades: counts 0, ratios undefined");
	qts_trades_fill(t, D(0, 1), "X", +1, 1, 10, 1, 0, 0);
	qts_trades_fill(t, D(0, 2), "Y", -1, 1, 10, 1, 0, 0);
	qts_trades_fill(t, D(0, 3), "X", -1, 1, 12, 1, 0, 0);
	CHECK(s->trades == 1 && isnan(qts_trades_profit_factor(s)) && qts_trades_open(t),
	      "symbols are separate; no loss: profit factor undefined");
	qts_trades_fill(t, D(0, 4), "X", +1, 0.1, 10, 1, 0, 0);
	qts_trades_fill(t, D(0, 5), "X", -1, 0.30000000000000004 - 0.2, 11, 1, 0, 0);
	qts_trades_fill(t, D(0, 6), "Y", +1, 1, 10, 1, 0, 0);
	CHECK(!qts_trades_open(t), "fractional rounding residue leaves no lot open");
	qts_trades_free(t);

	t = qts_trades_new(0);
	s = qts_trades_stats(t);
	CHECK(qts_trades_sqn(s) == 0, "SQN without trades is 0");
	qts_trades_fill(t, D(0, 1), "X", +1, 1, 10, 1, 0, 0);
	qts_trades_fill(t, D(0, 2), "X", -1, 1, 11, 1, 0, 0);
	CHECK(qts_trades_sqn(s) == 0, "SQN of one trade is 0");
	qts_trades_fill(t, D(0, 3), "X", +1, 1, 10, 1, 0, 0);
	qts_trades_fill(t, D(0, 4), "X", -1, 1, 11, 1, 0, 0);
	CHECK(isnan(qts_trades_sqn(s)), "SQN of equal trades is undefined (no spread)");
	qts_trades_free(t);

	/* A contract of multiplier 50: short 2 at 100 (3 of commission),
	 * cover at 96 (3): (100 - 96) * 2 * 50 - 6 = 394, return
	 * 394 / (100 * 2 * 50); notional 2 * 100 * 50 + 2 * 96 * 50. */
	t = qts_trades_new(1);
	s = qts_trades_stats(t);
	qts_trades_fill(t, D(0, 1), "F", -1, 2, 100, 50, 3, 0);
	qts_trades_fill(t, D(0, 2), "F", +1, 2, 96, 50, 3, 0);
	tr = qts_trades_list(t, &n);
	CHECK(n == 1 && tr[0].dir == -1, "contract: one short trip");
	CHECK_NEAR(tr[0].pnl, 394, TOL, "contract pnl: points * qty * multiplier - commissions");
	CHECK_NEAR(tr[0].ret, 0.0394, TOL, "contract return on the contract notional");
	CHECK_NEAR(s->notional, 19600, TOL, "contract notional: qty * price * multiplier");
	qts_trades_free(t);
}

static void curve(void)
{
	qts_perf *p = qts_perf_new(NULL);
	qts_perf_equity(p, D(0, 10), 100);   /* start */
	qts_perf_equity(p, D(0, 16), 101);   /* close of day 0 */
	qts_perf_bench(p, D(1, 0), D(1, 0), 50, 50);
	qts_perf_equity(p, D(1, 12), 99);
	qts_perf_holding(p, D(1, 13), 1);
	qts_perf_equity(p, D(1, 16), 102);   /* close of day 1 */
	qts_perf_holding(p, D(1, 17), 0);
	qts_perf_bench(p, D(2, 0), D(2, 0), 54, 54);
	qts_perf_bench(p, D(2, 0), D(2, 0), 55, 55); /* the day's last close counts */
	qts_perf_equity(p, D(3, 16), 103);
	size_t n;
	const qts_point *pt = qts_perf_points(p, &n);
	CHECK(n == 4, "start point plus three day closes");
	CHECK(pt[0].equity == 100 && pt[1].equity == 101 && pt[2].equity == 102 && pt[3].equity == 103,
	      "each day keeps its last equity");
	CHECK(pt[2].ts == D(1, 16) && pt[3].day == 3, "times and days of the points");
	CHECK(pt[0].bench == 50 && pt[1].bench == 50 && pt[2].bench == 50 && pt[3].bench == 55,
	      "benchmark bought at its first close, then each day's last close");
	CHECK(!pt[1].exposed && pt[2].exposed && !pt[3].exposed, "exposure by day");

	double *r, *f;
	size_t m;
	CHECK(qts_perf_returns(pt, n, &r, &f, &m) == 0 && m == 3, "three daily returns");
	CHECK_NEAR(r[0], 0.01, TOL, "first return from the starting equity");
	CHECK_NEAR(f[2], 0.1, TOL, "benchmark return 55/50 - 1");
	free(r);
	free(f);
	qts_perf_free(p);

	/* a stream whose first day has one equity event: that is the start */
	p = qts_perf_new(NULL);
	qts_perf_equity(p, D(0, 16), 100);
	qts_perf_holding(p, D(0, 17), 1);
	qts_perf_equity(p, D(1, 16), 90);
	qts_perf_equity(p, D(2, 16), -10);
	qts_perf_equity(p, D(3, 16), -5);
	pt = qts_perf_points(p, &n);
	CHECK(n == 4 && pt[1].exposed && pt[3].exposed, "a position held overnight exposes the next days");
	CHECK(qts_perf_returns(pt, n, &r, NULL, &m) == 0 && m == 2, "returns stop once equity is <= 0");
	CHECK_NEAR(r[1], -10.0 / 90 - 1, TOL, "the return into negative equity is kept");
	free(r);
	qts_perf_free(p);
}

/* A split between the fills: the open lots take it, and the trips that
 * close them keep the cost and commission they were opened with. */
static void split(void)
{
	qts_trades *t = qts_trades_new(1);
	qts_book *b = qts_book_new();
	qts_trades_fill(t, D(0, 15), "AAA", +1, 1000, 40, 1, 10, 0);
	qts_book_fill(b, "AAA", +1, 1000, 40, 1, 10);
	qts_trades_split(t, "AAA", 2);     /* 2 for 1: 2000 @ 20 */
	qts_book_split(b, "AAA", 2);
	qts_trades_split(t, "BBB", 2);     /* none held: nothing to do */
	qts_book_split(b, "BBB", 2);
	CHECK(qts_trades_fill(t, D(2, 15), "AAA", -1, 2000, 21, 1, 20, 0) == 1, "the sale of the split shares closes the lot");
	CHECK(!qts_trades_open(t), "flat after it: no lot is left over");
	size_t n;
	const qts_trip *tr = qts_trades_list(t, &n);
	CHECK(n == 1 && tr[0].qty == 2000 && tr[0].entry_price == 20, "one trip of 2000 at 40 / 2");
	/* (21 - 20) * 2000 - (10 + 20) */
	CHECK_NEAR(tr[0].pnl, 1970, TOL, "the trip's pnl: the cost and both commissions kept");
	qts_book_fill(b, "AAA", -1, 2000, 21, 1, 20);
	qts_sym_pnl *p = qts_book_pnl(b, NULL, NULL, &n);
	CHECK(n == 1 && p[0].qty == 0, "the book's quantity took the split: flat");
	CHECK_NEAR(p[0].pnl, 1970, TOL, "the book's money of AAA");
	free(p);
	/* a reverse split of a short: -300 @ 50 becomes -100 @ 150 */
	qts_trades_fill(t, D(3, 15), "AAA", -1, 300, 50, 1, 0, 0);
	qts_trades_split(t, "AAA", 1.0 / 3);
	CHECK(qts_trades_fill(t, D(4, 15), "AAA", +1, 100, 140, 1, 0, 0) == 1, "a cover of the new shares");
	CHECK(!qts_trades_open(t), "flat after the cover");
	tr = qts_trades_list(t, &n);
	CHECK(n == 2 && tr[1].dir == -1, "a short trip");
	CHECK_NEAR(tr[1].qty, 100, 1e-9, "of 300 / 3");
	CHECK_NEAR(tr[1].pnl, 1000, 1e-9, "(150 - 140) * 100");
	qts_book_free(b);
	qts_trades_free(t);
}

/* Session days: qts-sim writes a daily bar's equity at its end, the next
 * midnight; it belongs to the bar's day, in UTC and in New York alike. */
static void session_days(void)
{
	qts_perf *p = qts_perf_new(NULL);
	qts_perf_bar(p, D(0, 0), D(1, 0));
	qts_perf_equity(p, D(1, 0), 100);          /* close of day 0: the start */
	qts_perf_bar(p, D(1, 0), D(2, 0));
	qts_perf_holding(p, D(1, 0), 1);           /* a fill at day 1's open */
	qts_perf_equity(p, D(2, 0), 101);          /* close of day 1 */
	qts_perf_bench(p, D(2, 0), D(3, 0), 10, 10);
	qts_perf_equity(p, D(3, 0), 102);          /* close of day 2 */
	qts_perf_equity(p, D(3, 12), 103);         /* no bar holds it: its own date */
	size_t n;
	const qts_point *pt = qts_perf_points(p, &n);
	CHECK(n == 4 && pt[0].day == 0 && pt[1].day == 1 && pt[2].day == 2 && pt[3].day == 3,
	      "equity at a bar's end is the bar's day; other equity its own date");
	CHECK(pt[1].exposed && pt[2].bench == 10, "a fill at a bar's start and a close on the bar's day");
	qts_perf_free(p);

	qts_clock ny;
	CHECK(qts_clock_init(&ny, "America/New_York") == 0, "New York time");
	p = qts_perf_new(&ny);
	/* 2024-01-02 (day 19724), stamped at midnight UTC: 19:00 the day before
	 * in New York, but its middle is 07:00 on the 2nd */
	int64_t d0 = 19724;
	CHECK(qts_perf_bar(p, D(d0, 0), D(d0 + 1, 0)) == d0, "a UTC-stamped daily bar in New York");
	CHECK(qts_perf_bar(p, D(d0, 5), D(d0 + 1, 5)) == d0, "a New York daily bar");
	qts_perf_equity(p, D(d0 + 1, 5), 100);
	qts_perf_equity(p, D(d0 + 2, 3), 100);     /* 22:00 on the 2nd in New York */
	pt = qts_perf_points(p, &n);
	CHECK(n == 2 && pt[0].day == d0 && pt[1].day == d0 + 1, "equity alone: its local date");
	qts_perf_free(p);
	qts_clock_init(&ny, NULL);
}

int main(void)
{
	fifo();
	split();
	curve();
	session_days();
	return tap_done();
}

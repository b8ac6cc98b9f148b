/* Commission, slippage and impact: parsing and the formulas of qts-sim(1).
 * Expected values are worked by hand in the comments. */
#include "qts_sim.h"
#include "tap.h"

#include <stdint.h>

int main(void)
{
	qts_commission c;
	char err[256];

	CHECK(qts_commission_parse("bps=10", &c, err) == 0 && c.kind == QTS_COMM_BPS, "bps=10 parses");
	/* 100 shares at 50: notional 5000, 10 bps = 5000 * 0.001 = 5 */
	CHECK_NEAR(qts_commission_of(&c, 100, 50, 1), 5, 1e-12, "bps on notional");

	CHECK(qts_commission_parse("per-share=0.005,min=1,max-pct=1", &c, err) == 0, "per-share parses");
	/* 1000 * 0.005 = 5 > min 1; cap 1% of 1000*20=20000 is 200 */
	CHECK_NEAR(qts_commission_of(&c, 1000, 20, 1), 5, 1e-12, "per-share");
	/* 10 * 0.005 = 0.05 -> min 1 */
	CHECK_NEAR(qts_commission_of(&c, 10, 20, 1), 1, 1e-12, "per-share minimum");
	/* 10 shares at 5: min 1, cap 1% of 50 = 0.5 wins */
	CHECK_NEAR(qts_commission_of(&c, 10, 5, 1), 0.5, 1e-12, "max-pct caps the minimum");
	CHECK(qts_commission_parse("per-share=0.01", &c, err) == 0 && c.min == 0 && c.max_pct == 0,
	      "per-share alone");
	CHECK_NEAR(qts_commission_of(&c, 3, 7, 1), 0.03, 1e-12, "per-share without min");

	CHECK(qts_commission_parse("", &c, err) < 0, "empty commission rejected");
	CHECK_STR(err, "commission: empty spec", "empty message");
	CHECK(qts_commission_parse("flat=3", &c, err) < 0, "unknown model rejected");
	CHECK_STR(err, "commission: unknown model 'flat' (bps, per-share, per-contract)", "unknown model message");
	CHECK(qts_commission_parse("bps", &c, err) < 0, "missing value rejected");
	CHECK_STR(err, "commission: 'bps' is not key=value", "missing value message");
	CHECK(qts_commission_parse("bps=x", &c, err) < 0, "bad number rejected");
	CHECK_STR(err, "commission: bps: 'x' is not a number", "bad number message");
	CHECK(qts_commission_parse("bps=-1", &c, err) < 0, "negative rejected");
	CHECK(qts_commission_parse("bps=1,min=2", &c, err) < 0, "bps takes no options");
	CHECK(qts_commission_parse("per-share=1,foo=2", &c, err) < 0, "unknown option rejected");
	CHECK_STR(err, "commission: unknown option 'foo' (min, max-pct)", "unknown option message");
	CHECK(qts_commission_parse("per-share=1,max-pct=101", &c, err) < 0, "max-pct over 100");
	/* max-pct=0 used to be taken and then ignored (no cap). */
	CHECK(qts_commission_parse("per-share=1,max-pct=0", &c, err) < 0, "max-pct=0 refused");
	CHECK_STR(err, "commission: max-pct: 0 is out of range (0, 100]", "max-pct=0 message");
	CHECK(qts_commission_parse("per-share=1,max-pct=-0", &c, err) < 0, "max-pct=-0 refused");
	CHECK(qts_commission_parse("bps=10001", &c, err) < 0, "bps above the notional refused");
	CHECK_STR(err, "commission: bps: 10001 is out of range [0, 10000]", "bps range message");
	CHECK(qts_commission_parse("bps=0", &c, err) == 0, "bps=0 is no commission");
	CHECK_NEAR(qts_commission_of(&c, 100, 50, 1), 0, 0, "bps=0 costs nothing");
	/* per-contract is per-share by another name; bps and max-pct are of
	 * the notional qty * price * multiplier. */
	CHECK(qts_commission_parse("per-contract=2", &c, err) == 0 && c.kind == QTS_COMM_PER_SHARE &&
		      c.per_share == 2, "per-contract parses");
	CHECK_NEAR(qts_commission_of(&c, 3, 4000, 10), 6, 0, "per contract, multiplier aside");
	CHECK(qts_commission_parse("bps=1", &c, err) == 0, "bps again");
	/* 3 * 4000 * 10 = 120000 notional, 1 bps = 12 */
	CHECK_NEAR(qts_commission_of(&c, 3, 4000, 10), 12, 1e-12, "bps of the contract notional");
	CHECK(qts_commission_parse("per-contract=10,max-pct=1", &c, err) == 0, "cap on contracts");
	/* 1 contract of 50 * 10 = 500 notional: cap 1% = 5 */
	CHECK_NEAR(qts_commission_of(&c, 1, 50, 10), 5, 1e-12, "max-pct of the contract notional");

	qts_slippage s;
	CHECK(qts_slippage_parse("bps=5", &s, err) == 0 && s.kind == QTS_SLIP_BPS, "slippage bps");
	/* 5 bps of 200 = 0.1 per share */
	CHECK_NEAR(qts_slippage_per_share(&s, 200, 0, 0), 0.1, 1e-12, "slippage bps per share");
	CHECK(qts_slippage_parse("ticks=2,tick=0.01", &s, err) == 0, "slippage ticks");
	CHECK_NEAR(qts_slippage_per_share(&s, 200, 0, 0), 0.02, 1e-12, "two ticks of 0.01");
	CHECK(qts_slippage_parse("spread", &s, err) == 0 && s.kind == QTS_SLIP_SPREAD, "slippage spread");
	CHECK_NEAR(qts_slippage_per_share(&s, 200, 0.05, 0), 0.05, 1e-12, "half spread");
	CHECK_NEAR(qts_slippage_per_share(&s, 200, 0, 0), 0, 1e-12, "no quote, no spread");
	/* Without tick=X the symbol's own tick size is used; none: NaN, which
	 * qts-sim refuses when the order arrives. */
	CHECK(qts_slippage_parse("ticks=2", &s, err) == 0 && s.tick == 0, "ticks without tick");
	CHECK_NEAR(qts_slippage_per_share(&s, 200, 0, 0.25), 0.5, 0, "two ticks of the instrument's 0.25");
	CHECK(isnan(qts_slippage_per_share(&s, 200, 0, 0)), "ticks without any tick size");
	CHECK(qts_slippage_parse("ticks=2,tick=0.01", &s, err) == 0, "slippage ticks again");
	CHECK_NEAR(qts_slippage_per_share(&s, 200, 0, 0.25), 0.5, 0, "the instrument's tick first");
	CHECK(qts_slippage_parse("ticks=2,tick=0", &s, err) < 0, "tick=0 refused");
	CHECK_STR(err, "slippage: tick: 0 is not a tick size (> 0)", "tick=0 message");
	/* Extremes: a move of the whole price would fill a sell at 0. */
	CHECK(qts_slippage_parse("bps=9999", &s, err) == 0, "slippage bps below 10000");
	CHECK(qts_slippage_parse("bps=10000", &s, err) < 0, "slippage bps=10000 refused");
	CHECK_STR(err, "slippage: bps: 10000 is out of range [0, 10000)", "slippage bps message");
	CHECK(qts_slippage_parse("bps=-1", &s, err) < 0, "negative slippage refused");
	CHECK(qts_slippage_parse("pct=1", &s, err) < 0, "unknown slippage model");
	CHECK_STR(err, "slippage: unknown model 'pct' (bps, ticks, spread)", "slippage model message");
	CHECK(qts_slippage_parse("", &s, err) < 0, "empty slippage");

	qts_impact m;
	CHECK(qts_impact_parse("sqrt,k=0.5", &m, err) == 0 && m.on && m.window == 20, "impact parses");
	/* 0.5 * 0.02 * 100 * sqrt(10000 / 1000000) = 1 * 0.1 = 0.1 */
	CHECK_NEAR(qts_impact_per_share(&m, 100, 10000, 0.02, 1e6), 0.1, 1e-12, "sqrt impact");
	CHECK_NEAR(qts_impact_per_share(&m, 100, 10000, NAN, 1e6), 0, 1e-12, "no sigma, no impact");
	CHECK(qts_impact_parse("sqrt,k=1,window=5", &m, err) == 0 && m.window == 5, "impact window");
	CHECK(qts_impact_parse("sqrt", &m, err) < 0, "impact needs k");
	CHECK_STR(err, "impact: sqrt needs k=X", "impact k message");
	CHECK(qts_impact_parse("linear,k=1", &m, err) < 0, "unknown impact model");
	CHECK_STR(err, "impact: unknown model 'linear,k=1' (sqrt)", "impact model message");
	CHECK(qts_impact_parse("sqrt,k=1,window=1.5", &m, err) < 0, "window must be whole");

	qts_roll r;
	CHECK(qts_roll_init(&r, 3) == 0, "roll init");
	CHECK(isnan(qts_roll_sigma(&r)) && isnan(qts_roll_adv(&r)), "empty roll");
	qts_roll_push(&r, 100, 10);
	qts_roll_push(&r, 110, 20);
	CHECK(isnan(qts_roll_sigma(&r)), "one return: no sigma");
	qts_roll_push(&r, 99, 30);
	/* returns ln(1.1), ln(0.9): mean m = (ln1.1+ln0.9)/2, sample sd =
	 * |ln1.1 - ln0.9| / sqrt(2) */
	CHECK_NEAR(qts_roll_sigma(&r), fabs(log(1.1) - log(0.9)) / sqrt(2), 1e-12, "sigma of 2 returns");
	CHECK_NEAR(qts_roll_adv(&r), 20, 1e-12, "adv of 3");
	qts_roll_push(&r, 99, 70);
	/* window 3 keeps volumes 20, 30, 70 and returns ln1.1, ln0.9, 0 */
	CHECK_NEAR(qts_roll_adv(&r), 40, 1e-12, "adv rolls");
	double a = log(1.1), b = log(0.9), mu = (a + b) / 3;
	double sd = sqrt(((a - mu) * (a - mu) + (b - mu) * (b - mu) + mu * mu) / 2);
	CHECK_NEAR(qts_roll_sigma(&r), sd, 1e-12, "sigma of 3 returns");
	qts_roll_push(&r, 99, 70);
	qts_roll_push(&r, 99, 70);
	qts_roll_push(&r, 99, 70);
	CHECK(qts_roll_sigma(&r) == 0, "flat window: sigma exactly 0");
	/* Volumes near the largest double: their mean, not an overflowed
	 * sum (which gave adv inf and so no impact at all). */
	qts_roll_push(&r, 99, 1.5e308);
	qts_roll_push(&r, 99, 1.5e308);
	qts_roll_push(&r, 99, 1.5e308);
	CHECK(isfinite(qts_roll_adv(&r)), "adv of huge volumes is finite");
	CHECK_NEAR(qts_roll_adv(&r) / 1.5e308, 1, 1e-15, "adv of huge volumes");
	/* Prices at both ends of the double range: a ratio of 1e608 would
	 * be inf, the difference of the logs is 1400.1 or so. */
	qts_roll_push(&r, 1e-300, 1);
	qts_roll_push(&r, 1e308, 1);
	CHECK(isfinite(qts_roll_sigma(&r)), "sigma of extreme prices is finite");
	qts_roll_free(&r);

	/* kept in O(1) by exact running sums: after a million bars, the same
	 * figures as the window summed afresh (two passes) */
	enum { W = 20, N = 1000000 };
	static double px[N], vol[N];
	uint64_t seed = 7;
	px[0] = 100;
	for (int i = 0; i < N; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		double u = (double)(seed >> 11) / 9007199254740992.0;
		if (i)
			px[i] = fmin(1000, fmax(10, px[i - 1] + round((u - 0.5) * 100) / 100));
		vol[i] = round(u * 1e6) + 0.5;
	}
	CHECK(qts_roll_init(&r, W) == 0, "roll init 20");
	for (int i = 0; i < N; i++)
		qts_roll_push(&r, px[i], vol[i]);
	double ret[W], mean = 0, ss = 0, v = 0;
	for (int i = 0; i < W; i++) {
		ret[i] = log(px[N - W + i] / px[N - W + i - 1]);
		mean += ret[i];
		v += vol[N - W + i];
	}
	mean /= W;
	for (int i = 0; i < W; i++)
		ss += (ret[i] - mean) * (ret[i] - mean);
	CHECK_NEAR(qts_roll_sigma(&r) / sqrt(ss / (W - 1)), 1, 1e-13, "a million bars: sigma of the last 20 returns");
	CHECK(qts_roll_adv(&r) == v / W, "a million bars: adv of the last 20 volumes, exactly");
	qts_roll_free(&r);
	return tap_done();
}

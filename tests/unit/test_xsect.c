/* Unit tests of the cross-sectional functions (lib/xsect.c) and of a
 * program run in steps across symbols (lib/expr.c).  Reference values:
 * pandas' Series.rank(method="min", ascending=False) and
 * rank(method="min", pct=True), scipy.stats.zscore (ddof=0), worked out
 * by hand for these small vectors. */
#include "qts_expr.h"
#include "qts_xsect.h"
#include "tap.h"

#include <stdlib.h>

static void compute(int fn, const double *x, size_t n, double *out)
{
	size_t order[16];
	qts_xsect_compute(fn, x, n, out, order);
}

static void test_rank(void)
{
	/* 5, 5, 3, nan, 7: pandas rank(method="min", ascending=False)
	 * gives 2, 2, 4, nan, 1 */
	const double x[] = { 5, 5, 3, NAN, 7 };
	double r[5];
	compute(QTS_XS_RANK, x, 5, r);
	CHECK(r[0] == 2 && r[1] == 2 && r[2] == 4 && isnan(r[3]) && r[4] == 1,
	      "rank: largest 1, ties share the best, nan out");
	/* 1, 2, 2, 3: rank(method="min", pct=True) 0.25, 0.5, 0.5, 1 */
	const double y[] = { 1, 2, 2, 3 };
	double p[5];
	compute(QTS_XS_PCT_RANK, y, 4, p);
	CHECK(p[0] == 0.25 && p[1] == 0.5 && p[2] == 0.5 && p[3] == 1, "pct_rank: pandas min, pct");
	compute(QTS_XS_PCT_RANK, x, 5, p);
	/* of 5, 5, 3, 7 (n = 4): 3 is 1/4, the fives 2/4, 7 is 1 */
	CHECK(p[0] == 0.5 && p[1] == 0.5 && p[2] == 0.25 && isnan(p[3]) && p[4] == 1,
	      "pct_rank: n counts the values in the cross-section only");
	const double one[] = { 42 };
	compute(QTS_XS_RANK, one, 1, r);
	compute(QTS_XS_PCT_RANK, one, 1, p);
	CHECK(r[0] == 1 && p[0] == 1, "one symbol: rank 1, pct_rank 1");
	const double none[] = { NAN, NAN };
	compute(QTS_XS_RANK, none, 2, r);
	CHECK(isnan(r[0]) && isnan(r[1]), "all nan: every rank nan");
	const double inf[] = { INFINITY, 1, -INFINITY };
	compute(QTS_XS_RANK, inf, 3, r);
	CHECK(r[0] == 1 && r[1] == 2 && r[2] == 3, "infinities rank at the ends");
}

static void test_moments(void)
{
	/* 10, 20, 20: mean 50/3, population sd sqrt(200/9) = 4.714045207910317;
	 * zscore -1.414213562373095, 0.7071067811865476 (scipy.stats.zscore) */
	const double x[] = { 10, 20, 20, NAN };
	double z[4], d[4];
	compute(QTS_XS_ZSCORE, x, 4, z);
	CHECK_NEAR(z[0], -1.4142135623730951, 1e-14, "zscore: population sd");
	CHECK_NEAR(z[1], 0.70710678118654757, 1e-14, "zscore of a tie");
	CHECK(isnan(z[3]), "zscore of nan is nan");
	compute(QTS_XS_DEMEAN, x, 4, d);
	CHECK_NEAR(d[0], -20.0 / 3, 1e-14, "demean");
	CHECK(isnan(d[3]), "demean of nan is nan");
	/* all equal, with a mean that rounds: 0.1 three times */
	const double eq[] = { 0.1, 0.1, 0.1 };
	compute(QTS_XS_ZSCORE, eq, 3, z);
	compute(QTS_XS_DEMEAN, eq, 3, d);
	CHECK(isnan(z[0]) && isnan(z[2]), "zscore of equal values: nan");
	CHECK(d[0] == 0 && d[1] == 0 && d[2] == 0, "demean of equal values: exactly 0");
	const double one[] = { 7 };
	compute(QTS_XS_ZSCORE, one, 1, z);
	compute(QTS_XS_DEMEAN, one, 1, d);
	CHECK(isnan(z[0]) && d[0] == 0, "one symbol: zscore nan, demean 0");
	/* a level of 1e4 keeps the digits of small differences: 1e4 + 1e-6 *
	 * (-1, 0, 1) has z-scores -sqrt(3/2), 0, sqrt(3/2) */
	const double lvl[] = { 1e4 - 1e-6, 1e4, 1e4 + 1e-6 };
	compute(QTS_XS_ZSCORE, lvl, 3, z);
	CHECK_NEAR(z[0], -1.2247448713915890, 1e-6, "zscore at a high level");
	CHECK_NEAR(z[1], 0, 1e-6, "zscore at a high level, middle");
	double c[3];
	const double none[] = { NAN, 1 };
	compute(QTS_XS_COUNT, none, 2, c);
	CHECK(c[0] == 2 && c[1] == 2, "count counts every symbol, nan or not");
	CHECK(qts_xsect_find("pct_rank", 8) == QTS_XS_PCT_RANK && qts_xsect_find("ranks", 5) < 0,
	      "names");
}

/* A program in steps over three symbols at one time. */
static void test_steps(void)
{
	qts_expr_error err;
	qts_expr *e = qts_expr_compile("r = rank(close); z = zscore(close - demean(close)) ; "
				       "target = r * 10 + count() + position", QTS_EXPR_PROGRAM, &err);
	if (!CHECK(e, "compiles"))
		return;
	CHECK(qts_expr_nxs(e) == 4, "four cross-sectional calls");
	const double close[3] = { 3, 1, 2 };
	qts_expr_state *s[3];
	double *val[3];
	size_t n = qts_expr_nodes(e);
	for (int i = 0; i < 3; i++) {
		s[i] = qts_expr_state_new(e);
		val[i] = calloc(n, sizeof *val[i]);
		double bar[QTS_EXPR_NFIELDS] = { close[i], close[i], close[i], close[i], 1, 0 };
		qts_expr_bar(s[i], 0, bar);
		qts_expr_set(s[i], qts_expr_var(e, "position"), 0);
	}
	for (size_t k = 0; k <= qts_expr_nxs(e); k++) {
		for (int i = 0; i < 3; i++)
			qts_expr_step(e, s[i], val[i], k);
		if (k == qts_expr_nxs(e))
			break;
		int arg, node, fn = qts_expr_xs(e, k, &arg, &node);
		double x[3], out[3];
		for (int i = 0; i < 3; i++)
			x[i] = arg >= 0 ? val[i][arg] : 0;
		compute(fn, x, 3, out);
		for (int i = 0; i < 3; i++)
			val[i][node] = out[i];
	}
	int t = qts_expr_var(e, "target"), z = qts_expr_var(e, "z");
	CHECK(qts_expr_get(s[0], t) == 13 && qts_expr_get(s[1], t) == 33 &&
	      qts_expr_get(s[2], t) == 23, "rank and count across the symbols");
	/* close - demean(close) is the mean for everyone: zscore of equals */
	CHECK(isnan(qts_expr_get(s[0], z)), "zscore of a constant is nan");
	double values[3];
	qts_expr_values(e, val[1], values);
	CHECK(values[0] == 3 && values[2] == 33, "the statements' values");
	/* one symbol alone (qts_expr_run): every cross-sectional call nan */
	qts_expr_run(e, s[0], values);
	CHECK(isnan(values[0]) && isnan(values[2]), "a run alone reads nan");
	for (int i = 0; i < 3; i++) {
		qts_expr_state_free(s[i]);
		free(val[i]);
	}
	qts_expr_free(e);
	CHECK(!qts_expr_compile("target = count(close)", QTS_EXPR_PROGRAM, &err) &&
	      !strcmp(err.msg, "count takes no argument"), "count() takes no argument");
	CHECK(!qts_expr_compile("target = rank(close, 2)", QTS_EXPR_PROGRAM, &err) &&
	      !strcmp(err.msg, "rank takes 1 argument"), "rank takes one");
	e = qts_expr_compile("target = close", QTS_EXPR_PROGRAM, &err);
	CHECK(e && qts_expr_nxs(e) == 0, "no cross-sectional call: none to step");
	qts_expr_free(e);
}

int main(void)
{
	test_rank();
	test_moments();
	test_steps();
	return tap_done();
}

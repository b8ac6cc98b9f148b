/* Statistics of return series against reference values.
 *
 * Origin of the expected values: empyrical's formulas (quantopian/empyrical,
 * empyrical/stats.py, current master) with numpy/scipy semantics
 * (np.std ddof as stated, np.percentile linear interpolation,
 * scipy.stats.linregress, scipy.stats.skew/kurtosis defaults), restated
 * independently in a JavaScript script and evaluated with node; each
 * CHECK names the empyrical function it checks.  Hand-checkable cases
 * (drawdown indexes, edge cases) say how they were derived. */
#include "qts_metrics.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof(a)[0])

static const double A[] = {0.01, -0.02, 0.015, 0.003, -0.007, 0.012, -0.004, 0.02, -0.011, 0.006};
static const double B[] = {0.005, -0.01, 0.01, 0.002, -0.004, 0.008, -0.006, 0.012, -0.009, 0.004};
/* a first-day loss: the starting value is the peak */
static const double C[] = {-0.05, 0.02, 0.01, 0.03, 0.002};
#define TOL 1e-12

static void series_a(void)
{
	size_t n = N(A);
	CHECK_NEAR(qts_m_total_return(A, n), 0.023523852981333304, TOL, "A cum_returns_final");
	CHECK_NEAR(qts_m_cagr(A, n, 252), 0.79667200068113586, TOL, "A annual_return (cagr)");
	CHECK_NEAR(qts_m_cagr(A, n, 12), 0.028294615971150350, TOL, "A annual_return, annualization=12");
	CHECK_NEAR(qts_m_volatility(A, n, 252), 0.20096566870985705, TOL, "A annual_volatility");
	CHECK_NEAR(qts_m_sharpe(A, n, 0, 252), 3.0094692485669103, TOL, "A sharpe_ratio");
	CHECK_NEAR(qts_m_sharpe(A, n, 0, 12), 0.65672003015236835, TOL, "A sharpe_ratio, annualization=12");
	CHECK_NEAR(qts_m_downside_risk(A, n, 0, 252), 0.12152036866303526, TOL, "A downside_risk");
	CHECK_NEAR(qts_m_sortino(A, n, 0, 252), 4.9769434264724337, TOL, "A sortino_ratio");
	CHECK_NEAR(qts_m_max_drawdown(A, n, NULL, NULL, NULL), -0.019999999999999962, TOL,
		   "A max_drawdown");
	CHECK_NEAR(qts_m_calmar(A, n, 252), 39.833600034056872, TOL, "A calmar_ratio");
	CHECK_NEAR(qts_m_omega(A, n, 0, 0, 252), 1.5714285714285716, TOL, "A omega_ratio");
	CHECK_NEAR(qts_m_tail_ratio(A, n), 1.1128526645768022, TOL, "A tail_ratio");
	CHECK_NEAR(qts_m_value_at_risk(A, n, 0.05), -0.015949999999999999, TOL, "A value_at_risk");
	CHECK_NEAR(qts_m_percentile(A, n, 37), -0.0016899999999999997, TOL, "A np.percentile 37");
	CHECK_NEAR(qts_m_stability(A, n), 0.54405796899357595, TOL, "A stability_of_timeseries");
	CHECK_NEAR(qts_m_skew(A, n), -0.34147927952568202, TOL, "A scipy.stats.skew");
	CHECK_NEAR(qts_m_kurtosis(A, n), -0.94933799555741372, TOL, "A scipy.stats.kurtosis");

	/* peak after day 1 (1.01), trough after day 2 (0.9898), back above
	 * 1.01 after day 6 (1.012614): by hand from the cumulative products */
	long pk, tr, rc;
	qts_m_max_drawdown(A, n, &pk, &tr, &rc);
	CHECK(pk == 1 && tr == 2 && rc == 6, "A drawdown peak 1, trough 2, recovery 6");

	/* risk-free 2% a year, de-annualised as (1.02)^(1/252) - 1 */
	double rf = pow(1.02, 1.0 / 252) - 1;
	CHECK_NEAR(qts_m_sharpe(A, n, rf, 252), 2.9109280126072363, TOL, "A sharpe_ratio, risk_free");
	CHECK_NEAR(qts_m_sortino(A, n, rf, 252), 4.7869928251125691, TOL,
		   "A sortino_ratio, required_return");
	CHECK_NEAR(qts_m_omega(A, n, rf, 0, 252), 1.5486119057384604, TOL, "A omega_ratio, risk_free");
}

static void series_c(void)
{
	size_t n = N(C);
	CHECK_NEAR(qts_m_total_return(C, n), 0.010066801400000047, TOL, "C cum_returns_final");
	CHECK_NEAR(qts_m_cagr(C, n, 252), 0.65670389126946493, TOL, "C annual_return");
	CHECK_NEAR(qts_m_volatility(C, n, 252), 0.49410282330705219, TOL, "C annual_volatility");
	CHECK_NEAR(qts_m_sharpe(C, n, 0, 252), 1.2240367216524821, TOL, "C sharpe_ratio");
	CHECK_NEAR(qts_m_downside_risk(C, n, 0, 252), 0.35496478698597705, TOL, "C downside_risk");
	CHECK_NEAR(qts_m_sortino(C, n, 0, 252), 1.7038309775326883, TOL, "C sortino_ratio");
	CHECK_NEAR(qts_m_max_drawdown(C, n, NULL, NULL, NULL), -0.05, TOL,
		   "C max_drawdown (first-day loss: the start is the peak)");
	CHECK_NEAR(qts_m_calmar(C, n, 252), 13.134077825389298, TOL, "C calmar_ratio");
	CHECK_NEAR(qts_m_omega(C, n, 0, 0, 252), 1.24, TOL, "C omega_ratio");
	CHECK_NEAR(qts_m_tail_ratio(C, n), 0.70707070707070696, TOL, "C tail_ratio");
	CHECK_NEAR(qts_m_value_at_risk(C, n, 0.05), -0.0396, TOL, "C value_at_risk");
	CHECK_NEAR(qts_m_stability(C, n), 0.95165475304162472, TOL, "C stability_of_timeseries");
	CHECK_NEAR(qts_m_skew(C, n), -1.0841532729668077, TOL, "C scipy.stats.skew");
	CHECK_NEAR(qts_m_kurtosis(C, n), -0.26354532256953700, TOL, "C scipy.stats.kurtosis");
	/* 0.95, 0.969, 0.97869, 1.0080507: by hand */
	long pk, tr, rc;
	qts_m_max_drawdown(C, n, &pk, &tr, &rc);
	CHECK(pk == 0 && tr == 1 && rc == 4, "C drawdown peak 0 (start), trough 1, recovery 4");
}

static void benchmark(void)
{
	size_t n = N(A);
	double rf = pow(1.02, 1.0 / 252) - 1;
	CHECK_NEAR(qts_m_beta(A, B, n, 0), 1.5538838348495456, TOL, "A/B beta");
	CHECK_NEAR(qts_m_alpha(A, B, n, 0, 252), 0.14438735319996399, TOL, "A/B alpha");
	CHECK_NEAR(qts_m_beta(A, B, n, rf), 1.5538838348495456, TOL, "A/B beta, risk_free");
	CHECK_NEAR(qts_m_alpha(A, B, n, rf, 252), 0.15700192255039935, TOL, "A/B alpha, risk_free");
	CHECK_NEAR(qts_m_information_ratio(A, B, n), 0.23354968324845690, TOL, "A/B excess_sharpe");
	CHECK_NEAR(qts_m_correlation(A, B, n), 0.97818680882959352, TOL, "A/B np.corrcoef");
	CHECK(isnan(qts_m_information_ratio(A, A, n)), "information ratio against itself is undefined");
	CHECK(isnan(qts_m_beta(A, (double[10]){0}, n, 0)), "beta to a flat benchmark is undefined");
}

static void rolling(void)
{
	double out[N(A)];
	qts_m_rolling_sharpe(A, N(A), 5, 0, 252, out);
	CHECK(isnan(out[3]) && !isnan(out[4]), "rolling sharpe starts at the window");
	CHECK_NEAR(out[4], 0.22695243840934803, TOL, "rolling sharpe_ratio of A[0..5)");
	CHECK_NEAR(out[9], 5.9074006296299970, TOL, "rolling sharpe_ratio of A[5..10)");
}

static void edges(void)
{
	/* constant equity: every return 0 */
	static const double Z[] = {0, 0, 0, 0};
	CHECK(isnan(qts_m_sharpe(Z, 4, 0, 252)), "constant: sharpe undefined, not a division by 0");
	CHECK(isnan(qts_m_sortino(Z, 4, 0, 252)), "constant: sortino undefined");
	CHECK(qts_m_volatility(Z, 4, 252) == 0, "constant: volatility 0");
	CHECK(qts_m_max_drawdown(Z, 4, NULL, NULL, NULL) == 0, "constant: max drawdown 0");
	CHECK(isnan(qts_m_calmar(Z, 4, 252)), "constant: calmar undefined");
	CHECK(isnan(qts_m_omega(Z, 4, 0, 0, 252)), "constant: omega undefined");
	CHECK(isnan(qts_m_tail_ratio(Z, 4)), "constant: tail ratio undefined");
	CHECK(qts_m_stability(Z, 4) == 0, "constant: stability 0 (linregress r of a flat line)");
	CHECK(isnan(qts_m_skew(Z, 4)) && isnan(qts_m_kurtosis(Z, 4)), "constant: skew, kurtosis undefined");
	CHECK(qts_m_cagr(Z, 4, 252) == 0 && qts_m_total_return(Z, 4) == 0, "constant: no growth");
	/* constant non-zero returns are not exactly representable: the
	 * spread is rounding noise and must not make a Sharpe ratio */
	static const double K[] = {0.001, 0.001, 0.001, 0.001, 0.001, 0.001, 0.001};
	CHECK(isnan(qts_m_sharpe(K, 7, 0, 252)), "constant 0.1%: sharpe undefined");
	CHECK(isnan(qts_m_sharpe(K, 7, pow(1.02, 1.0 / 252) - 1, 252)),
	      "constant 0.1% with a risk-free rate: sharpe undefined");
	/* cash earning 4% a year, ACT/360, a day at a time: e += e * 0.04 /
	 * 360 makes returns of two values an ulp of 1 apart (1.1e-4 a day:
	 * a spread of 1e-16, far above 1e-14 of the mean), a Sharpe ratio of
	 * 2.6e13 before it was taken for what it is, noise */
	double cash[30], e = 100000;
	for (int i = 0; i < 30; i++) {
		double was = e;
		e += e * 0.04 / 360;
		cash[i] = e / was - 1;
	}
	int two_values = 0;
	for (int i = 1; i < 30; i++)
		two_values |= cash[i] != cash[0];
	CHECK(two_values, "cash at 4%: the returns differ by rounding (else this test holds nothing)");
	CHECK(isnan(qts_m_sharpe(cash, 30, 0, 252)), "cash at 4%: sharpe undefined, not 1e13");
	static const double none[30];
	CHECK(isnan(qts_m_information_ratio(cash, none, 30)), "cash at 4% against a flat benchmark: information ratio undefined");
	CHECK(isnan(qts_m_skew(cash, 30)) && isnan(qts_m_kurtosis(cash, 30)), "cash at 4%: skew, kurtosis undefined");
	/* a spread a thousand times the noise is a spread */
	double D[30];
	for (int i = 0; i < 30; i++)
		D[i] = 1e-4 + (i % 2 ? 1e-11 : -1e-11);
	CHECK(isfinite(qts_m_sharpe(D, 30, 0, 252)), "returns 1e-11 apart: a sharpe ratio");

	/* one day */
	static const double O[] = {0.01};
	CHECK_NEAR(qts_m_cagr(O, 1, 252), 11.274002099240244, TOL, "one day: annual_return");
	CHECK(isnan(qts_m_sharpe(O, 1, 0, 252)), "one day: sharpe undefined");
	CHECK(isnan(qts_m_volatility(O, 1, 252)), "one day: volatility undefined");
	CHECK(isnan(qts_m_sortino(O, 1, 0, 252)), "one day: sortino undefined");
	CHECK(isnan(qts_m_stability(O, 1)), "one day: stability undefined");
	CHECK_NEAR(qts_m_tail_ratio(O, 1), 1, TOL, "one day: tail_ratio");
	CHECK(isnan(qts_m_omega(O, 1, 0, 0, 252)), "one day: omega undefined");

	/* no returns at all */
	CHECK(isnan(qts_m_total_return(NULL, 0)) && isnan(qts_m_cagr(NULL, 0, 252)) &&
		      isnan(qts_m_max_drawdown(NULL, 0, NULL, NULL, NULL)) &&
		      isnan(qts_m_value_at_risk(NULL, 0, 0.05)),
	      "no returns: everything undefined");

	/* negative equity: 100, 50, -25 */
	static const double G[] = {-0.5, -1.5};
	CHECK_NEAR(qts_m_total_return(G, 2), -1.25, TOL, "negative equity: cum_returns_final");
	CHECK_NEAR(qts_m_max_drawdown(G, 2, NULL, NULL, NULL), -1.25, TOL,
		   "negative equity: max_drawdown beyond -100%");
	CHECK(isnan(qts_m_cagr(G, 2, 252)), "negative equity: cagr undefined (numpy: nan)");
	CHECK(isnan(qts_m_calmar(G, 2, 252)), "negative equity: calmar undefined");
}

/* The worst drawdowns: expected values from pyfolio's get_top_drawdowns
 * (timeseries.py) transliterated to plain Python and run on the series
 * below with a first return of 0, so that its curve starts at 1 as qts's
 * does; labels are indexes into the curve. */
static void drawdowns(void)
{
	static const double r[] = {0.01, -0.02, 0.005, 0.02, -0.01, -0.01, 0.03, -0.05, 0.01, 0.01,
				   0.04, -0.005, 0.006, -0.001, -0.002, 0.0035, -0.03, 0.01};
	static const qts_m_dd want[] = {
		{7, 8, 11, -0.050000000000000065},
		{16, 17, -1, -0.030000000000000065},
		{1, 2, 4, -0.019999999999999997},
		{4, 6, 7, -0.019899999999999963},
		{11, 12, 13, -0.0049999999999999776},
	};
	qts_m_dd got[5];
	size_t n = qts_m_drawdowns(r, sizeof r / sizeof *r, got, 5);
	CHECK(n == 5, "five drawdowns of six");
	for (size_t i = 0; i < n && i < 5; i++) {
		CHECK(got[i].peak == want[i].peak && got[i].trough == want[i].trough &&
			      got[i].recovery == want[i].recovery,
		      "drawdown: peak, trough and recovery");
		CHECK_NEAR(got[i].depth, want[i].depth, 1e-15, "drawdown: depth");
	}
	long pk, tr, rc;
	double mdd = qts_m_max_drawdown(r, sizeof r / sizeof *r, &pk, &tr, &rc);
	CHECK(mdd == got[0].depth && pk == got[0].peak && tr == got[0].trough && rc == got[0].recovery,
	      "the first is the max drawdown");
	CHECK(qts_m_drawdowns(r, 3, got, 5) == 1 && got[0].recovery == -1, "one, not recovered");
	static const double up[] = {0.01, 0.02};
	CHECK(qts_m_drawdowns(up, 2, got, 5) == 0, "no drawdown in a rising curve");
}

/* Returns so large that a sum of squares, a product or a power overflows
 * double: the figure is undefined (NaN), never the 0 of x / inf, an inf,
 * or a finite number left over from a NaN comparison. */
static void overflow(void)
{
	/* equity 100, 1e308, 1e-308: the spread of returns squared is inf */
	static const double H[] = {1e306 - 1, -1};
	CHECK(isnan(qts_m_sharpe(H, 2, 0, 252)), "overflow: sharpe undefined, not mean / inf = 0");
	CHECK(isnan(qts_m_volatility(H, 2, 252)), "overflow: volatility undefined, not inf");
	double roll[2];
	qts_m_rolling_sharpe(H, 2, 2, 0, 252, roll);
	CHECK(isnan(roll[1]), "overflow: rolling sharpe undefined");
	/* equity 1, 2, -1e200: the downside deviation squares -5e199 */
	static const double N[] = {1, -5e199 - 1};
	CHECK(isnan(qts_m_sortino(N, 2, 0, 252)), "overflow: sortino undefined, not -0");
	CHECK(isnan(qts_m_sharpe(N, 2, 0, 252)), "overflow: sharpe of a blow-up undefined, not -0");
	/* a benchmark whose variance overflows */
	static const double F[] = {1e200, -1e200, 0}, R[] = {0.01, 0.02, -0.01};
	CHECK(isnan(qts_m_beta(R, F, 3, 0)), "overflow: beta undefined, not cov / inf = 0");
	CHECK(isnan(qts_m_alpha(R, F, 3, 0, 252)), "overflow: alpha undefined");
	CHECK(isnan(qts_m_correlation(R, F, 3)), "overflow: correlation undefined, not 0");
	CHECK(isnan(qts_m_information_ratio(R, F, 3)), "overflow: information ratio undefined, not 0");
	/* omega's sums */
	static const double W[] = {0.5, -1e308, -1e308};
	CHECK(isnan(qts_m_omega(W, 3, 0, 0, 252)), "overflow: omega undefined, not up / inf = 0");
	static const double U[] = {1e308, 1e308, -0.5};
	CHECK(isnan(qts_m_omega(U, 3, 0, 0, 252)), "overflow: omega undefined, not inf");
	/* the compounded curve overflows (equity 1e-300, 1e-100, 1e100,
	 * 0.5e100): no drawdown can be measured against an inf peak */
	static const double X[] = {1e200, 1e200, -0.5};
	qts_m_dd dd[5];
	CHECK(isnan(qts_m_max_drawdown(X, 3, NULL, NULL, NULL)), "overflow: max drawdown undefined, not 0");
	CHECK(qts_m_drawdowns(X, 3, dd, 5) == 0, "overflow: no drawdown period listed");
	CHECK(isnan(qts_m_total_return(X, 3)) && isnan(qts_m_cagr(X, 3, 252)) && isnan(qts_m_calmar(X, 3, 252)),
	      "overflow: total return, cagr, calmar undefined, not inf");
	/* a return that is itself inf (equity 1e-300 to 1e300) */
	static const double I[] = {INFINITY, -0.5, 0.1};
	CHECK(isnan(qts_m_tail_ratio(I, 3)) && isnan(qts_m_stability(I, 3)) && isnan(qts_m_skew(I, 3)) &&
		      isnan(qts_m_kurtosis(I, 3)) && isnan(qts_m_value_at_risk(I, 3, 0.99)),
	      "overflow: tail ratio, stability, skew, kurtosis, value at risk undefined");
	/* cubes and fourth powers overflow while squares do not */
	double M[100] = {3.2e77};
	CHECK(isnan(qts_m_kurtosis(M, 100)), "overflow: kurtosis undefined, not inf");
}

int main(void)
{
	series_a();
	drawdowns();
	series_c();
	benchmark();
	rolling();
	edges();
	overflow();
	return tap_done();
}

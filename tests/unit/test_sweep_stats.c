/* qts sweep's overfitting guards against reference values.
 *
 * Origins: the inverse normal is Python's statistics.NormalDist().inv_cdf
 * (CPython 3.11, Wichura's AS241, exact to double precision); the deflated
 * Sharpe ratio is the numerical example of Bailey and López de Prado, "The
 * Deflated Sharpe Ratio" (Journal of Portfolio Management, 2014), section
 * 4: 100 trials, an annualised Sharpe ratio of 2.5 for the best, variance
 * of the trials' annualised ratios 0.5, 1250 daily returns (250 a year),
 * skewness -3, kurtosis 10: expected maximum 0.1132 a day, DSR 0.9004
 * (the paper's figures; the digits past them from the same formula in
 * Python's stdlib).  The bootstrap interval is the algorithm restated in
 * Python's stdlib (splitmix64, numpy's linear percentile, empyrical's
 * Sharpe ratio), 200 resamples of series A of test_metrics.c, seed 42. */
#include "qts_sweep.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof(a)[0])

static void inverse_normal(void)
{
	static const double p[] = { 1e-3, 0.01, 0.025, 0.5, 0.9, 0.99, 0.999999 };
	static const double want[] = { -3.090232306167813, -2.3263478740408408, -1.9599639845400538, 0.0,
				       1.2815515655446008, 2.3263478740408408, 4.753424308817089 };
	for (size_t i = 0; i < N(p); i++)
		CHECK_NEAR(qts_norm_ppf(p[i]), want[i], 1e-13 * (1 + fabs(want[i])), "NormalDist().inv_cdf");
	CHECK(isinf(qts_norm_ppf(0)) && qts_norm_ppf(0) < 0, "ppf(0) is -inf");
	CHECK(isnan(qts_norm_ppf(-1)), "ppf(-1) is nan");
	CHECK_NEAR(qts_norm_cdf(1.959963984540054), 0.975, 1e-15, "cdf(1.96)");
}

static void deflated(void)
{
	double var = 0.5 / 250, sr = 2.5 / sqrt(250);
	double sr0 = qts_expected_max_sharpe(var, 100);
	CHECK_NEAR(sr0, 0.11317200186513214, 1e-12, "paper: expected maximum of 100 trials, 0.1132");
	CHECK_NEAR(qts_psr(sr, sr0, 1250, -3, 10 - 3), 0.9003968344493904, 1e-10, "paper: DSR 0.9004");
	CHECK(qts_expected_max_sharpe(var, 1) == 0, "one trial: no deflation");
	CHECK(isnan(qts_psr(sr, 0, 1, 0, 0)), "one return: undefined");
}

static void bootstrap(void)
{
	static const double A[] = { 0.01, -0.02, 0.015, 0.003, -0.007, 0.012, -0.004, 0.02, -0.011, 0.006 };
	double lo, hi;
	CHECK(qts_bootstrap_sharpe(A, N(A), 0, 252, 200, 42, 0.95, &lo, &hi) == 0, "bootstrap runs");
	CHECK_NEAR(lo, -5.608948642767729, 1e-9, "bootstrap 2.5%");
	CHECK_NEAR(hi, 15.69888307074981, 1e-9, "bootstrap 97.5%");
	CHECK(qts_bootstrap_sharpe(A, 1, 0, 252, 200, 42, 0.95, &lo, &hi) < 0 && isnan(lo), "one return: none");
}

int main(void)
{
	inverse_normal();
	deflated();
	bootstrap();
	return tap_done();
}

/* sweep_stats.c — guards against picking a lucky combination: the
 * deflated Sharpe ratio of the best of n trials (Bailey and López de
 * Prado, 2014) and a bootstrap confidence interval of a Sharpe ratio. */
#include "qts_metrics.h"
#include "qts_sweep.h"

#include <stdlib.h>
#include <string.h>

#define EULER_GAMMA 0.57721566490153286061

double qts_norm_cdf(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

/* Peter Acklam's rational approximation (relative error 1.15e-9), then
 * one step of Halley's method on the exact distribution (erfc), which
 * brings it to machine precision. */
double qts_norm_ppf(double p)
{
	static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
				    1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
				    6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
				    -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
				    3.754408661907416e+00 };
	if (!(p > 0 && p < 1))
		return p == 0 ? -INFINITY : p == 1 ? INFINITY : NAN;
	/* the upper half by symmetry: the refinement's cdf(x) - p is exact
	 * only in the lower tail */
	if (p > 0.5)
		return -qts_norm_ppf(1 - p);
	double x, q, r;
	if (p < 0.02425) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - 0.02425) {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	} else {
		q = sqrt(-2 * log(1 - p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	double e = qts_norm_cdf(x) - p;
	double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	return x - u / (1 + x * u / 2);
}

double qts_expected_max_sharpe(double var, size_t n)
{
	if (n < 2)
		return 0;
	double nn = (double)n;
	return sqrt(var) * ((1 - EULER_GAMMA) * qts_norm_ppf(1 - 1 / nn) +
			    EULER_GAMMA * qts_norm_ppf(1 - 1 / (nn * M_E)));
}

double qts_psr(double sr, double sr0, double t, double skew, double kurt)
{
	double den = 1 - skew * sr + (kurt + 2) / 4 * sr * sr;
	if (!(t > 1) || !(den > 0) || !isfinite(sr) || !isfinite(sr0))
		return NAN;
	return qts_norm_cdf((sr - sr0) * sqrt(t - 1) / sqrt(den));
}

uint64_t qts_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int qts_bootstrap_sharpe(const double *r, size_t n, double rf, double periods, size_t b,
			 uint64_t seed, double level, double *lo, double *hi)
{
	*lo = *hi = NAN;
	if (n < 2 || b == 0)
		return -1;
	double *draw = malloc(n * sizeof *draw), *sr = malloc(b * sizeof *sr);
	if (!draw || !sr) {
		free(draw);
		free(sr);
		return -1;
	}
	size_t m = 0;
	uint64_t state = seed;
	for (size_t k = 0; k < b; k++) {
		for (size_t i = 0; i < n; i++) {
			double u = (double)(qts_splitmix64(&state) >> 11) * (1.0 / 9007199254740992.0);
			draw[i] = r[(size_t)(u * (double)n)];
		}
		double s = qts_m_sharpe(draw, n, rf, periods);
		if (!isnan(s))
			sr[m++] = s;
	}
	if (m) {
		double tail = (1 - level) / 2 * 100;
		*lo = qts_m_percentile(sr, m, tail);
		*hi = qts_m_percentile(sr, m, 100 - tail);
	}
	free(draw);
	free(sr);
	return m ? 0 : -1;
}

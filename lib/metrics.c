/* metrics.c — statistics of a return series, as empyrical defines them.
 * Each function names its empyrical (or numpy, scipy) counterpart in
 * qts_metrics.h; the comments here say where qts departs from a literal
 * translation and why. */
#include <stdlib.h>
#include <string.h>

#include "qts_metrics.h"

/* A figure whose computation overflowed double (a sum of squares of
 * returns of 1e200, a product of returns of 1e300) is not a number the
 * formula gives but an artefact of the arithmetic: it is undefined, like
 * a ratio over zero, never inf and never the 0 of x / inf. */
static double finite_or_nan(double v)
{
	return isfinite(v) ? v : NAN;
}

static double mean(const double *r, size_t n, double shift)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += r[i] - shift;
	return s / (double)n;
}

/* Sum of squared deviations from the mean (two passes, for accuracy). */
static double sumsq(const double *r, size_t n, double shift, double m)
{
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double d = r[i] - shift - m;
		s += d * d;
	}
	return s;
}

/* The rounding noise of a return: a return is a ratio of equities less
 * one, E1 / E0 - 1, whose rounding is of the ratio, near 1 (an ulp of
 * 1 is 2.2e-16): a series of returns that differ by no more than that
 * has no spread, however small its mean (cash earning 4% a year, 1.1e-4
 * a day, in returns an ulp of 1 apart).  Beyond a return of 100% a
 * period the noise is relative to the mean. */
#define NOISE_OF_ONE 1e-14

static double noise(double m)
{
	return NOISE_OF_ONE * fmax(fabs(m), 1);
}

/* A spread that is only rounding noise around the mean counts as zero, as
 * scipy does for skew and kurtosis: otherwise a constant series of returns
 * that are not exactly representable would have a Sharpe ratio of 1e16. */
static int negligible(double sd, double m)
{
	return !(sd > noise(m)) || sd == 0;
}

static double ratio(double num, double den)
{
	/* an inf denominator is an overflowed sum, not a vast spread: its
	 * quotient, 0, would be a figure where there is none */
	if (den == 0 || !isfinite(den) || !isfinite(num))
		return NAN;
	return finite_or_nan(num / den);
}

double qts_m_total_return(const double *r, size_t n)
{
	if (n == 0)
		return NAN;
	double c = 1;
	for (size_t i = 0; i < n; i++)
		c *= 1 + r[i];
	return finite_or_nan(c - 1);
}

double qts_m_cagr(const double *r, size_t n, double periods)
{
	if (n == 0)
		return NAN;
	double years = (double)n / periods;
	double end = qts_m_total_return(r, n) + 1;
	/* numpy gives NaN for a negative base to a fractional power: the
	 * equity went below zero and there is no growth rate. */
	if (!(end >= 0))
		return NAN;
	return finite_or_nan(pow(end, 1 / years) - 1);
}

double qts_m_volatility(const double *r, size_t n, double periods)
{
	if (n < 2)
		return NAN;
	double m = mean(r, n, 0);
	return finite_or_nan(sqrt(sumsq(r, n, 0, m) / (double)(n - 1)) * sqrt(periods));
}

double qts_m_sharpe(const double *r, size_t n, double rf, double periods)
{
	if (n < 2)
		return NAN;
	double m = mean(r, n, rf);
	double sd = sqrt(sumsq(r, n, rf, m) / (double)(n - 1));
	if (!isfinite(sd) || negligible(sd, m))
		return NAN;
	return finite_or_nan(m / sd * sqrt(periods));
}

double qts_m_downside_risk(const double *r, size_t n, double req, double periods)
{
	if (n == 0)
		return NAN;
	double s = 0;
	for (size_t i = 0; i < n; i++) {
		double d = r[i] - req;
		if (d < 0)
			s += d * d;
	}
	return finite_or_nan(sqrt(s / (double)n) * sqrt(periods));
}

double qts_m_sortino(const double *r, size_t n, double req, double periods)
{
	if (n < 2)
		return NAN;
	return ratio(mean(r, n, req) * periods, qts_m_downside_risk(r, n, req, periods));
}

double qts_m_max_drawdown(const double *r, size_t n, long *peak, long *trough, long *recovery)
{
	long pk = -1, tr = -1, rc = -1, runpk = 0;
	double c = 1, top = 1, worst = NAN, cpk = 1;
	if (n > 0)
		worst = 0, pk = tr = 0;
	for (size_t i = 1; i <= n; i++) {
		c *= 1 + r[i - 1];
		/* a curve compounded past double's range has no depth
		 * below its peak to measure (inf - inf) */
		if (!isfinite(c)) {
			pk = tr = rc = -1;
			worst = NAN;
			goto out;
		}
		if (c >= top) {
			/* pyfolio's peak is the last point at the running
			 * maximum before the trough */
			top = c;
			runpk = (long)i;
			continue;
		}
		double dd = (c - top) / top;
		if (dd < worst) {
			worst = dd;
			pk = runpk;
			cpk = top;
			tr = (long)i;
		}
	}
	/* The recovery is the first point after the trough back at the peak. */
	if (tr > 0) {
		c = 1;
		for (size_t i = 1; i <= n; i++) {
			c *= 1 + r[i - 1];
			if ((long)i > tr && c >= cpk) {
				rc = (long)i;
				break;
			}
		}
	}
out:
	if (peak)
		*peak = pk;
	if (trough)
		*trough = tr;
	if (recovery)
		*recovery = rc;
	return worst;
}

/* Keep out[0..*k) the deepest, deepest first, stable at equal depth. */
static void dd_insert(qts_m_dd *out, size_t *k, size_t max, qts_m_dd d)
{
	size_t i = *k;
	while (i > 0 && d.depth < out[i - 1].depth)
		i--;
	if (i >= max)
		return;
	size_t last = *k < max ? *k : max - 1;
	for (size_t j = last; j > i; j--)
		out[j] = out[j - 1];
	out[i] = d;
	if (*k < max)
		(*k)++;
}

size_t qts_m_drawdowns(const double *r, size_t n, qts_m_dd *out, size_t max)
{
	size_t k = 0;
	if (max == 0)
		return 0;
	double c = 1, top = 1;
	long runpk = 0;
	int under = 0;
	qts_m_dd cur = {0, 0, -1, 0};
	for (size_t i = 1; i <= n; i++) {
		c *= 1 + r[i - 1];
		if (!isfinite(c))
			return 0; /* as qts_m_max_drawdown: none measurable */
		if (c >= top) {
			if (under) {
				cur.recovery = (long)i;
				dd_insert(out, &k, max, cur);
				under = 0;
			}
			top = c;
			runpk = (long)i;
			continue;
		}
		double dd = (c - top) / top;
		if (!under) {
			cur = (qts_m_dd){runpk, (long)i, -1, dd};
			under = 1;
		} else if (dd < cur.depth) {
			cur.depth = dd;
			cur.trough = (long)i;
		}
	}
	if (under)
		dd_insert(out, &k, max, cur);
	return k;
}

double qts_m_calmar(const double *r, size_t n, double periods)
{
	double dd = qts_m_max_drawdown(r, n, NULL, NULL, NULL);
	if (!(dd < 0))
		return NAN;
	return ratio(qts_m_cagr(r, n, periods), fabs(dd));
}

double qts_m_omega(const double *r, size_t n, double rf, double required, double periods)
{
	if (n < 2 || required <= -1)
		return NAN;
	double t = periods == 1 ? required : pow(1 + required, 1 / periods) - 1;
	double up = 0, down = 0;
	for (size_t i = 0; i < n; i++) {
		double d = r[i] - rf - t;
		if (d > 0)
			up += d;
		else if (d < 0)
			down -= d;
	}
	/* an inf sum would make omega inf or 0 */
	return down > 0 && isfinite(up) && isfinite(down) ? finite_or_nan(up / down) : NAN;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

double qts_m_percentile(const double *r, size_t n, double p)
{
	if (n == 0)
		return NAN;
	double *s = malloc(n * sizeof *s);
	if (!s)
		return NAN;
	memcpy(s, r, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	double pos = p / 100 * (double)(n - 1);
	size_t lo = (size_t)floor(pos);
	double v = s[lo];
	if (lo + 1 < n) {
		double f = pos - (double)lo;
		/* numpy's _lerp: exact at both ends of the interval */
		double d = s[lo + 1] - s[lo];
		v = f >= 0.5 ? s[lo + 1] - d * (1 - f) : s[lo] + d * f;
	}
	free(s);
	return v;
}

double qts_m_tail_ratio(const double *r, size_t n)
{
	if (n == 0)
		return NAN;
	return ratio(fabs(qts_m_percentile(r, n, 95)), fabs(qts_m_percentile(r, n, 5)));
}

double qts_m_value_at_risk(const double *r, size_t n, double cutoff)
{
	return finite_or_nan(qts_m_percentile(r, n, 100 * cutoff));
}

double qts_m_stability(const double *r, size_t n)
{
	if (n < 2)
		return NAN;
	/* Means first, then centred sums, as scipy's linregress does. */
	double mx = (double)(n - 1) / 2, my = 0, c = 0;
	for (size_t i = 0; i < n; i++) {
		c += log1p(r[i]);
		my += c;
	}
	my /= (double)n;
	double sxx = 0, syy = 0, sxy = 0;
	c = 0;
	for (size_t i = 0; i < n; i++) {
		c += log1p(r[i]);
		double dx = (double)i - mx, dy = c - my;
		sxx += dx * dx;
		syy += dy * dy;
		sxy += dx * dy;
	}
	if (!isfinite(syy) || !isfinite(sxy))
		return NAN;
	double den = sqrt(sxx * syy);
	if (den == 0)
		return 0;
	double rr = sxy / den;
	if (rr > 1)
		rr = 1;
	if (rr < -1)
		rr = -1;
	return rr * rr;
}

/* Central moments 2..4 (biased), or -1 when the spread is negligible: as
 * in scipy.stats (m2 <= (1e-15 * mean)^2, float64 resolution), and a
 * spread within the rounding of returns (negligible). */
static int moments(const double *r, size_t n, double *m2, double *m3, double *m4)
{
	if (n == 0)
		return -1;
	double m = mean(r, n, 0), s2 = 0, s3 = 0, s4 = 0;
	for (size_t i = 0; i < n; i++) {
		double d = r[i] - m;
		s2 += d * d;
		s3 += d * d * d;
		s4 += d * d * d * d;
	}
	*m2 = s2 / (double)n;
	*m3 = s3 / (double)n;
	*m4 = s4 / (double)n;
	if (*m2 <= (1e-15 * m) * (1e-15 * m) || *m2 == 0 || negligible(sqrt(*m2), m))
		return -1;
	return 0;
}

double qts_m_skew(const double *r, size_t n)
{
	double m2, m3, m4;
	if (moments(r, n, &m2, &m3, &m4) < 0)
		return NAN;
	return ratio(m3, pow(m2, 1.5));
}

double qts_m_kurtosis(const double *r, size_t n)
{
	double m2, m3, m4;
	if (moments(r, n, &m2, &m3, &m4) < 0)
		return NAN;
	return ratio(m4, m2 * m2) - 3;
}

double qts_m_beta(const double *r, const double *f, size_t n, double rf)
{
	if (n < 2)
		return NAN;
	double mf = mean(f, n, 0), cov = 0, var = 0;
	for (size_t i = 0; i < n; i++) {
		double d = f[i] - mf;
		cov += d * (r[i] - rf);
		var += d * d;
	}
	cov /= (double)n;
	var /= (double)n;
	return var < 1e-30 ? NAN : ratio(cov, var);
}

double qts_m_alpha(const double *r, const double *f, size_t n, double rf, double periods)
{
	if (n < 2)
		return NAN;
	double b = qts_m_beta(r, f, n, rf);
	if (isnan(b))
		return NAN;
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += (r[i] - rf) - b * (f[i] - rf);
	return finite_or_nan(pow(1 + s / (double)n, periods) - 1);
}

double qts_m_information_ratio(const double *r, const double *f, size_t n)
{
	if (n < 2)
		return NAN;
	double m = 0, s = 0;
	for (size_t i = 0; i < n; i++)
		m += r[i] - f[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = r[i] - f[i] - m;
		s += d * d;
	}
	double sd = sqrt(s / (double)(n - 1));
	if (!isfinite(sd) || negligible(sd, m))
		return NAN;
	return finite_or_nan(m / sd);
}

double qts_m_correlation(const double *r, const double *f, size_t n)
{
	if (n < 2)
		return NAN;
	double mr = mean(r, n, 0), mf = mean(f, n, 0), srr = 0, sff = 0, srf = 0;
	for (size_t i = 0; i < n; i++) {
		double a = r[i] - mr, b = f[i] - mf;
		srr += a * a;
		sff += b * b;
		srf += a * b;
	}
	if (!isfinite(srr) || !isfinite(sff) || !isfinite(srf) ||
	    negligible(sqrt(srr / (double)n), mr) || negligible(sqrt(sff / (double)n), mf))
		return NAN;
	double c = srf / sqrt(srr * sff);
	return c > 1 ? 1 : c < -1 ? -1 : c;
}

void qts_m_rolling_sharpe(const double *r, size_t n, size_t window, double rf,
			  double periods, double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = i + 1 >= window && window >= 2
				 ? qts_m_sharpe(r + i + 1 - window, window, rf, periods)
				 : NAN;
}

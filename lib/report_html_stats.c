/* report_html_stats.c — the figures the tearsheet draws that no other
 * report prints: rolling volatility and beta (the rolling Sharpe ratio is
 * metrics.c's), histograms, and the benchmark's own return figures.  Each
 * is the function of metrics.c over a window or another series, so it
 * follows empyrical's conventions as the rest of the report does. */
#include <stdlib.h>
#include <string.h>

#include "report_html_priv.h"

size_t qts_roll_window(size_t nreturns, double periods)
{
	size_t half = (size_t)(periods / 2 + 0.5), month = (size_t)(periods / 12 + 0.5);
	if (half < 2)
		half = 2;
	if (month < 2)
		month = 2;
	return (double)nreturns >= periods ? half : month;
}

void qts_roll_volatility(const double *r, size_t n, size_t w, double periods, double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = i + 1 >= w && w >= 2 ? qts_m_volatility(r + i + 1 - w, w, periods) : NAN;
}

void qts_roll_beta(const double *r, const double *f, size_t n, size_t w, double rf, double *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = i + 1 >= w && w >= 2 ? qts_m_beta(r + i + 1 - w, f + i + 1 - w, w, rf) : NAN;
}

int qts_histogram(const double *v, size_t n, int bins, qts_hist *h)
{
	double lo = INFINITY, hi = -INFINITY, sum = 0;
	memset(h, 0, sizeof *h);
	h->mean = h->sd = NAN;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
		sum += v[i];
		h->n++;
	}
	if (!h->n)
		return 0;
	h->mean = sum / (double)h->n;
	if (h->n >= 2) {
		double ss = 0;
		for (size_t i = 0; i < n; i++)
			if (isfinite(v[i]))
				ss += (v[i] - h->mean) * (v[i] - h->mean);
		h->sd = sqrt(ss / (double)(h->n - 1));
	}
	double span = hi - lo;
	/* An inf span made bins of width 1 and a count of bins cast from
	 * inf (undefined behaviour); an inf mean or sd a curve of NaN.  Such
	 * values cannot be drawn to scale. */
	if (!isfinite(span) || !isfinite(h->mean) || (h->n >= 2 && !isfinite(h->sd))) {
		h->mean = h->sd = NAN;
		h->overflow = 1;
		return 0;
	}
	if (!(span > 0))
		span = fabs(lo) > 0 ? fabs(lo) / 10 : 1e-3;
	h->width = qts_nice_step(span, bins);
	h->first = floor(lo / h->width);
	h->lo = h->first * h->width;
	h->nbins = (size_t)floor((hi - h->lo) / h->width) + 1;
	/* a greatest value just under an edge by rounding opens no bin */
	while (h->nbins > 1 && hi < qts_hist_edge(h, h->nbins - 1))
		h->nbins--;
	h->count = calloc(h->nbins, sizeof *h->count);
	if (!h->count)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		double k = floor((v[i] - h->lo) / h->width);
		size_t b = k < 0 ? 0 : k >= (double)h->nbins ? h->nbins - 1 : (size_t)k;
		/* the edges as drawn, lo + k * width, decide, not the rounding
		 * of a division */
		while (b > 0 && v[i] < qts_hist_edge(h, b))
			b--;
		while (b + 1 < h->nbins && v[i] >= qts_hist_edge(h, b + 1))
			b++;
		h->count[b]++;
	}
	return 0;
}

void qts_bench_summary(const qts_run *run, const double *f, size_t n, qts_summary *s)
{
	double P = run->periods, rf = qts_risk_free_per_period(run->risk_free, P);
	for (int i = 0; i < QTS_NMETRICS; i++) {
		s->v[i] = NAN;
		s->t[i] = QTS_TS_MIN;
	}
	s->ndd = 0;
	s->ruin = QTS_TS_MIN;
	if (!run->npt || !isfinite(run->pt[0].bench))
		return;
	const qts_point *pt = run->pt;
	s->t[QTS_M_START] = pt[0].day;
	s->t[QTS_M_END] = pt[n].day;
	s->v[QTS_M_DAYS] = (double)n;
	s->v[QTS_M_TOTAL_RETURN] = qts_m_total_return(f, n);
	s->v[QTS_M_CAGR] = qts_m_cagr(f, n, P);
	s->v[QTS_M_VOLATILITY] = qts_m_volatility(f, n, P);
	s->v[QTS_M_SHARPE] = qts_m_sharpe(f, n, rf, P);
	s->v[QTS_M_SORTINO] = qts_m_sortino(f, n, rf, P);
	s->v[QTS_M_CALMAR] = qts_m_calmar(f, n, P);
	long pk, tr, rc;
	s->v[QTS_M_MAX_DRAWDOWN] = qts_m_max_drawdown(f, n, &pk, &tr, &rc);
	if (tr > 0) {
		s->t[QTS_M_DD_PEAK] = pt[pk].day;
		s->t[QTS_M_DD_TROUGH] = pt[tr].day;
		s->t[QTS_M_DD_RECOVERY] = rc >= 0 ? pt[rc].day : QTS_TS_MIN;
		s->v[QTS_M_DD_DURATION] = (double)(pt[rc >= 0 ? (size_t)rc : n].day - pt[pk].day);
	}
	s->v[QTS_M_OMEGA] = qts_m_omega(f, n, rf, 0, P);
	s->v[QTS_M_TAIL_RATIO] = qts_m_tail_ratio(f, n);
	s->v[QTS_M_STABILITY] = qts_m_stability(f, n);
	s->v[QTS_M_SKEW] = qts_m_skew(f, n);
	s->v[QTS_M_KURTOSIS] = qts_m_kurtosis(f, n);
	s->v[QTS_M_VALUE_AT_RISK] = qts_m_value_at_risk(f, n, 0.05);
	if (n) {
		double best = f[0], worst = f[0];
		for (size_t i = 0; i < n; i++) {
			best = f[i] > best ? f[i] : best;
			worst = f[i] < worst ? f[i] : worst;
		}
		s->v[QTS_M_BEST_DAY] = best;
		s->v[QTS_M_WORST_DAY] = worst;
		s->v[QTS_M_EXPOSURE] = 1; /* bought and held */
	}
	s->v[QTS_M_BENCHMARK_RETURN] = s->v[QTS_M_TOTAL_RETURN];
	s->v[QTS_M_BETA] = 1;
	s->v[QTS_M_CORRELATION] = 1;
}

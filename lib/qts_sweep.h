/* qts_sweep.h — `qts sweep`: a strategy's parameters over a grid or a
 * random sample, each combination run by the engines of `qts pipe` over
 * one copy of the input held in memory, ranked by a metric of qts-report.
 * Internal to qts (not installed). */
#ifndef QTS_SWEEP_H
#define QTS_SWEEP_H

#include "qts.h"

/* ---- the input, read once (sweep_data.c) ---------------------------------
 * Bars are kept in a compact record (symbol and timeframe by number); the
 * other events whole.  Unknown event types are dropped: every stage passes
 * them through unchanged and no metric reads them. */
typedef struct qts_sweep_data qts_sweep_data;
/* Read and merge files (as a stage's runtime merges its inputs) to their
 * end; NULL with a message in err (QTS_ERR_MAX bytes). */
qts_sweep_data *qts_sweep_data_read(char *const *files, size_t nfiles, char *err);
void qts_sweep_data_free(qts_sweep_data *d);
size_t qts_sweep_data_count(const qts_sweep_data *d);
/* The memory its events take, in bytes. */
size_t qts_sweep_data_size(const qts_sweep_data *d);
/* The time of the first and the last event (0 and 0 when empty). */
void qts_sweep_data_span(const qts_sweep_data *d, int64_t *first, int64_t *last);
/* put(arg, ev) for each event whose time is in [from, to), in order:
 * 0, or -1 when put returned -1 (*where: the number of that event, from
 * 1, in the input). */
int qts_sweep_data_replay(const qts_sweep_data *d, int64_t from, int64_t to,
			  int (*put)(void *arg, const qts_event *ev), void *arg, size_t *where);

/* ---- overfitting guards (sweep_stats.c) ---------------------------------- */

/* The standard normal distribution function and its inverse (p in (0, 1);
 * a relative error below 1e-15: Acklam's approximation refined by a step
 * of Halley's method). */
double qts_norm_cdf(double x);
double qts_norm_ppf(double p);
/* Bailey and López de Prado (2014), "The Deflated Sharpe Ratio", eq. 6:
 * the expected maximum Sharpe ratio of n trials whose Sharpe ratios have
 * variance var, under the null of no skill:
 * sqrt(var) ((1 - g) Z(1 - 1/n) + g Z(1 - 1/(n e))), g Euler's constant,
 * Z the inverse normal; 0 for n < 2. */
double qts_expected_max_sharpe(double var, size_t n);
/* Their probabilistic Sharpe ratio of sr against sr0 (both per period)
 * over t returns of skewness skew and excess kurtosis kurt:
 * Z((sr - sr0) sqrt(t - 1) / sqrt(1 - skew sr + (kurt + 2) / 4 sr^2)),
 * Z the normal distribution; with sr0 the expected maximum it is the
 * deflated Sharpe ratio.  NaN where undefined. */
double qts_psr(double sr, double sr0, double t, double skew, double kurt);
/* A plain (iid) bootstrap of the Sharpe ratio (qts_m_sharpe, annualised
 * by periods, rf per period) over r[0..n): b resamples of n returns drawn
 * with splitmix64 seeded by seed (index floor(u n), u = (x >> 11) 2^-53);
 * resamples whose ratio is undefined are left out; the percentile interval
 * (numpy's linear percentile) of level (0.95).  0, or -1 when none is
 * defined (lo, hi NaN) or out of memory. */
int qts_bootstrap_sharpe(const double *r, size_t n, double rf, double periods, size_t b,
			 uint64_t seed, double level, double *lo, double *hi);
/* The generator the sweep samples and bootstraps with. */
uint64_t qts_splitmix64(uint64_t *state);

/* `qts sweep`'s whole main (sweep.c). */
int qts_sweep_main(int argc, char **argv);

#endif

/* report_html_priv.h — the parts of qts-report's HTML tearsheet, one file
 * a concern: report_html_axis.c (ticks and scales), report_html_svg.c
 * (drawing), report_html_stats.c (figures the page draws that no other
 * report prints), report_html_charts.c, report_html_tables.c, and
 * report_html.c (the page).  Private to those files and their tests. */
#ifndef QTS_REPORT_HTML_PRIV_H
#define QTS_REPORT_HTML_PRIV_H

#include <stdio.h>

#include "qts_metrics.h"

/* ---- ticks (report_html_axis.c) --------------------------------------- */

/* A round step of 1, 2 or 5 times a power of ten, the least that cuts
 * span into at most `most` steps. */
double qts_nice_step(double span, int most);
/* The multiples of a round step (qts_nice_step(hi - lo, most)) within
 * [lo, hi]; returns how many were stored (up to max), the step in *step. */
size_t qts_nice_ticks(double lo, double hi, int most, double *out, size_t max, double *step);
/* Ticks of a logarithmic axis over [lo, hi] (both > 0): the powers of ten
 * in it, with their doubles and fives while they fit, at most `most`;
 * when fewer than two powers fall in it, round 1-2-5 values as
 * qts_nice_ticks.  Returns how many. */
size_t qts_log_ticks(double lo, double hi, int most, double *out, size_t max);

enum { QTS_DT_YEAR, QTS_DT_MONTH, QTS_DT_DAY };
/* Date ticks over session days [d0, d1]: the first days of years when the
 * span passes three years, of months when it passes 60 days, else days;
 * every 1, 2, 5, 10... years, 1, 2, 3, 6 months or 1, 2, 5, 7, 14 days so
 * that there are at most `most`.  Stores the days and returns how many;
 * the unit in *unit. */
size_t qts_date_ticks(int64_t d0, int64_t d1, int most, int64_t *out, size_t max, int *unit);
/* A tick's label: "2014", "Mar 2014", "5 Mar". */
void qts_date_label(int64_t day, int unit, char *buf, size_t size);

/* How a value axis labels its ticks. */
enum { QTS_AX_MONEY, QTS_AX_PCT, QTS_AX_NUM };
/* A value label at a tick of the given step: money compact (250k, 1.5M),
 * percentages and plain numbers with as many decimals as the step needs. */
void qts_value_label(double v, double step, int kind, char *buf, size_t size);

/* ---- drawing (report_html_svg.c) --------------------------------------- */

/* A chart: its viewBox is w x h, the plot inside the paddings; x is a
 * session day (or an index), y a value, drawn on a log10 scale when log. */
typedef struct qts_hc {
	int w, h, l, r, t, b;
	double x0, x1, y0, y1;
	int log;
} qts_hc;

#define QTS_HC_W 640
#define QTS_HC_H 250

/* A chart of the default size over x in [x0, x1] and values [y0, y1]. */
void qts_hc_init(qts_hc *c, double x0, double x1, double y0, double y1, int log);
double qts_hc_x(const qts_hc *c, double x);
double qts_hc_y(const qts_hc *c, double v);

/* <svg ...> with a class, an accessible name and extra attributes (may be
 * NULL, written as is: data-* of the figures drawn). */
void qts_svg_open(FILE *f, const qts_hc *c, const char *cls, const char *label, const char *attrs);
void qts_svg_close(FILE *f);
/* Grid lines and labels of the value axis: round ticks, or a log scale's. */
void qts_svg_yaxis(FILE *f, const qts_hc *c, int kind);
/* Date ticks under the plot. */
void qts_svg_xdates(FILE *f, const qts_hc *c);
/* A line through (x[i], y[i]) (x NULL: x = i); non-finite points break it.
 * dash: NULL or an SVG dash array. */
void qts_svg_line(FILE *f, const qts_hc *c, const double *x, const double *y, size_t n,
		  const char *color, double width, const char *dash);
/* The area between y and base. */
void qts_svg_area(FILE *f, const qts_hc *c, const double *x, const double *y, size_t n,
		  double base, const char *color);
/* A horizontal line across the plot at v. */
void qts_svg_hline(FILE *f, const qts_hc *c, double v, const char *color, const char *dash);
/* Text for HTML: < > & " escaped. */
void qts_html_str(FILE *f, const char *s);

/* ---- figures (report_html_stats.c) ------------------------------------- */

/* The rolling window: half a year of periods (126 of 252, as pyfolio's six
 * months of 21 days), a month (21) when the run is shorter than a year. */
size_t qts_roll_window(size_t nreturns, double periods);
/* out[i]: the figure of r[i+1-w..i] for i >= w-1, NaN before. */
void qts_roll_volatility(const double *r, size_t n, size_t w, double periods, double *out);
void qts_roll_beta(const double *r, const double *f, size_t n, size_t w, double rf, double *out);

/* A histogram: bins of a round width (qts_nice_step of the range, about
 * `bins` of them) whose edges are multiples of it; bin k holds the values
 * v with qts_hist_edge(k) <= v < qts_hist_edge(k + 1), the last one also
 * the greatest. */
typedef struct qts_hist {
	double lo, width; /* lo = first * width */
	double first;     /* an integer */
	size_t nbins;
	long *count;     /* nbins, the caller frees */
	long n;          /* values counted (the finite ones) */
	double mean, sd; /* of those values, sd with ddof 1 (NaN below 2) */
	int overflow;    /* their span or sums pass double's range: no bins */
} qts_hist;
int qts_histogram(const double *v, size_t n, int bins, qts_hist *h);
/* The lower edge of bin k: a whole multiple of the width, so 0.005 is
 * 0.005 and not -0.015 + 0.02. */
static inline double qts_hist_edge(const qts_hist *h, size_t k)
{
	return (h->first + (double)k) * h->width;
}

/* The return figures of the benchmark as a run of its own, in the slots
 * of qts_summary (the trade figures undefined). */
void qts_bench_summary(const qts_run *run, const double *f, size_t n, qts_summary *s);

/* ---- the parts of the page --------------------------------------------- */

/* Everything the page derives once from a run (report_html.c). */
typedef struct qts_page {
	const qts_run *run;
	double *r, *f;   /* daily returns of the strategy and the benchmark */
	size_t nr;
	double rf;       /* risk-free return per period */
	qts_period_return *monthly, *yearly, *bmonthly, *byearly;
	size_t nmonthly, nyearly, nbyearly;
} qts_page;

/* report_html_charts.c; each returns 0 or -1 (out of memory). */
int qts_chart_equity(FILE *f, const qts_page *p);
int qts_chart_underwater(FILE *f, const qts_page *p);
int qts_chart_yearly(FILE *f, const qts_page *p);
int qts_chart_histogram(FILE *f, const qts_page *p);
int qts_chart_rolling(FILE *f, const qts_page *p);
int qts_chart_exposure(FILE *f, const qts_page *p);
int qts_chart_contribution(FILE *f, const qts_page *p);
int qts_chart_trade_pnl(FILE *f, const qts_page *p);

/* report_html_tables.c */
void qts_table_metrics(FILE *f, const qts_page *p);
void qts_table_drawdowns(FILE *f, const qts_page *p);
void qts_table_monthly(FILE *f, const qts_page *p);
void qts_table_trips(FILE *f, const qts_page *p);

#endif

/* report_html_charts.c — the tearsheet's charts, as pyfolio's and
 * QuantStats' tearsheets draw them: equity against the benchmark (log
 * scale when it spans more than tenfold), underwater, yearly returns,
 * the distribution of daily returns with the normal of the same mean and
 * standard deviation, rolling volatility, Sharpe ratio and beta over half
 * a year, exposure, the contribution of each symbol, and the distribution
 * of round trips' P&L.  Each chart carries the figures it draws in data-*
 * attributes, at full precision, and in <title> tooltips: what a reader
 * hovers over and what a test checks are the same numbers. */
#include <stdlib.h>
#include <string.h>

#include "report_html_priv.h"

#define MAX_TICKS 16

/* ---- helpers ------------------------------------------------------------ */

static void card(FILE *f, const char *id, const char *cls, const char *title)
{
	fprintf(f, "<section class=\"card%s%s\" id=\"%s\"><h2>", cls ? " " : "", cls ? cls : "", id);
	qts_html_str(f, title);
	fputs("</h2>\n", f);
}

static void card_end(FILE *f)
{
	fputs("</section>\n", f);
}

static void note(FILE *f, const char *text)
{
	fputs("<p class=\"note\">", f);
	qts_html_str(f, text);
	fputs("</p>\n", f);
}

/* A number for a data-* attribute: the shortest text that reads back
 * exactly, as --json writes it. */
static const char *num(double v, char *buf)
{
	if (!isfinite(v))
		return strcpy(buf, "");
	qts_num_format(v, buf);
	return buf;
}

/* Least and greatest finite values of a and (optionally) b. */
static void span(const double *a, const double *b, size_t n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++) {
			double v = k ? (b ? b[i] : NAN) : a[i];
			if (!isfinite(v))
				continue;
			*lo = v < *lo ? v : *lo;
			*hi = v > *hi ? v : *hi;
		}
}

/* A linear value range widened to round ticks, holding 0 when zero. */
static void round_range(double *lo, double *hi, int zero)
{
	if (zero) {
		*lo = *lo > 0 ? 0 : *lo;
		*hi = *hi < 0 ? 0 : *hi;
	}
	if (!(*hi > *lo)) {
		double d = fabs(*lo) > 0 ? fabs(*lo) / 10 : 1;
		*lo -= d;
		*hi += d;
	}
	double s = qts_nice_step(*hi - *lo, 6);
	double l = floor(*lo / s + 1e-9) * s, h = ceil(*hi / s - 1e-9) * s;
	/* rounded out past double's range (1.7e308 to 2e308) it is inf, and
	 * every point drawn against it NaN: the range stays unrounded */
	if (isfinite(l) && isfinite(h)) {
		*lo = l;
		*hi = h;
	}
}

/* Round ticks along x (values, not dates). */
static void xaxis_values(FILE *f, const qts_hc *c, int kind)
{
	double tk[MAX_TICKS], step;
	size_t n = qts_nice_ticks(c->x0, c->x1, 6, tk, MAX_TICKS, &step);
	for (size_t i = 0; i < n; i++) {
		char buf[32];
		double x = qts_hc_x(c, tk[i]);
		qts_value_label(tk[i], step, kind, buf, sizeof buf);
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			   "<text class=\"xl\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			x, c->t, x, c->h - c->b, x, c->h - c->b + 17, buf);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", c->l,
		c->h - c->b, c->w - c->r, c->h - c->b);
}

static void legend_item(FILE *f, const char *color, const char *text, int dashed)
{
	if (dashed)
		fprintf(f, "<span><i style=\"height:0;border-top:2px dashed %s\"></i>", color);
	else
		fprintf(f, "<span><i style=\"background:%s\"></i>", color);
	qts_html_str(f, text);
	fputs("</span>", f);
}

/* A chart of a wide card is drawn twice: wide for a wide screen, of the
 * usual size for a narrow one, where the wide drawing's text would shrink
 * past reading; CSS shows one.  Variant 0 is the wide one. */
static void variant(FILE *f, qts_hc *c, int v, int h)
{
	if (v == 0) {
		c->w = 2 * QTS_HC_W;
		c->h = h;
	}
	fputs(v ? "<div class=\"n\">\n" : "<div class=\"w\">\n", f);
}

static double *day_x(const qts_page *p)
{
	const qts_run *run = p->run;
	double *x = malloc((run->npt ? run->npt : 1) * sizeof *x);
	if (x)
		for (size_t i = 0; i < run->npt; i++)
			x[i] = (double)run->pt[i].day;
	return x;
}

/* ---- equity --------------------------------------------------------------- */

int qts_chart_equity(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	size_t n = run->npt;
	card(f, "equity", "wide", "Equity");
	if (n < 2) {
		note(f, "Fewer than two points: nothing to draw.");
		card_end(f);
		return 0;
	}
	double *x = day_x(p), *eq = malloc(n * sizeof *eq), *bm = malloc(n * sizeof *bm);
	if (!x || !eq || !bm) {
		free(x), free(eq), free(bm);
		return -1;
	}
	int bench = run->benchmark && isfinite(run->pt[0].bench) && run->pt[0].bench != 0;
	for (size_t i = 0; i < n; i++) {
		eq[i] = run->pt[i].equity;
		/* the benchmark bought with the starting equity */
		bm[i] = bench ? run->pt[i].bench / run->pt[0].bench * run->pt[0].equity : NAN;
	}
	double lo, hi;
	span(eq, bench ? bm : NULL, n, &lo, &hi);
	int can_log = lo > 0, wide = can_log && hi / lo > 10;
	int log = can_log && (run->log_scale == QTS_LOG_ON || (run->log_scale == QTS_LOG_AUTO && wide));
	if (log) {
		/* 3% of the decades as a margin, in logs: hi / lo overflowed
		 * for equity from 1e-308 to 1e308, and a margin taking lo to
		 * 0 or hi to inf drew every point at NaN */
		double m = pow(10, 0.03 * (log10(hi) - log10(lo)));
		if (lo / m > 0)
			lo /= m;
		if (isfinite(hi * m))
			hi *= m;
	} else {
		round_range(&lo, &hi, 0);
	}
	char a[40], b[40], e[40], attrs[256];
	snprintf(attrs, sizeof attrs, "data-log=\"%d\" data-start=\"%s\" data-end=\"%s\" "
				      "data-bench-end=\"%s\"",
		 log, num(eq[0], a), num(eq[n - 1], b), num(bench ? bm[n - 1] : NAN, e));
	fputs("<p class=\"legend\">", f);
	legend_item(f, "#1f5fbf", "strategy", 0);
	if (bench) {
		char t[QTS_SYM_MAX + 40];
		snprintf(t, sizeof t, "benchmark %s, bought and held", run->benchmark);
		legend_item(f, "#8a8a8a", t, 0);
	}
	legend_item(f, "rgba(200,30,30,.25)", "the five worst drawdowns", 0);
	fputs("</p>\n", f);
	for (int var = 0; var < 2; var++) {
		qts_hc c;
		qts_hc_init(&c, x[0], x[n - 1], lo, hi, log);
		variant(f, &c, var, 380);
		qts_svg_open(f, &c, "equity", "Equity against the benchmark", attrs);
		/* the worst drawdowns shaded, as pyfolio's plot_drawdown_periods */
		for (size_t i = 0; i < run->sum.ndd; i++) {
			const qts_dd_period *d = &run->sum.dd[i];
			double x0 = qts_hc_x(&c, (double)d->peak);
			double x1 = qts_hc_x(&c, (double)(d->recovery != QTS_TS_MIN ? d->recovery : run->pt[n - 1].day));
			char pk[16], dp[40];
			qts_day_text(d->peak, pk, sizeof pk);
			qts_percent_text(d->depth, 2, "%", dp, sizeof dp);
			fprintf(f, "<rect class=\"ddp\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
				   "<title>drawdown %zu: %s from %s</title></rect>\n",
				x0, c.t, x1 - x0 > 0.5 ? x1 - x0 : 0.5, c.h - c.t - c.b, i + 1, dp, pk);
		}
		qts_svg_yaxis(f, &c, QTS_AX_MONEY);
		qts_svg_xdates(f, &c);
		if (bench)
			qts_svg_line(f, &c, x, bm, n, "#8a8a8a", 1.4, NULL);
		qts_svg_line(f, &c, x, eq, n, "#1f5fbf", 1.8, NULL);
		qts_svg_close(f);
		fputs("</div>\n", f);
	}
	char msg[200];
	if (log)
		snprintf(msg, sizeof msg, "Log scale%s: equal heights are equal returns. "
					  "--html-log off draws it linear.",
			 run->log_scale == QTS_LOG_ON ? " (--html-log on)"
						      : ", as the curve spans more than tenfold");
	else if (run->log_scale == QTS_LOG_ON)
		snprintf(msg, sizeof msg, "Linear scale: equity at or below zero has no logarithm.");
	else
		snprintf(msg, sizeof msg, "Linear scale%s. --html-log on draws it on a log scale.",
			 run->log_scale == QTS_LOG_OFF ? " (--html-log off)"
						       : ": the curve spans less than tenfold");
	note(f, msg);
	card_end(f);
	free(x), free(eq), free(bm);
	return 0;
}

/* ---- underwater ------------------------------------------------------------ */

int qts_chart_underwater(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	size_t n = run->npt;
	card(f, "underwater", "wide", "Underwater (drawdown from the running peak)");
	if (n < 2) {
		note(f, "Fewer than two points: nothing to draw.");
		card_end(f);
		return 0;
	}
	double *x = day_x(p), *dd = malloc(n * sizeof *dd);
	if (!x || !dd) {
		free(x), free(dd);
		return -1;
	}
	double top = run->pt[0].equity, least = 0;
	for (size_t i = 0; i < n; i++) {
		double e = run->pt[i].equity;
		top = e > top ? e : top;
		/* no drawdown is defined past ruin, as no return is */
		dd[i] = top > 0 && (i == 0 || run->pt[i - 1].equity > 0) ? e / top - 1 : NAN;
		if (isfinite(dd[i]) && dd[i] < least)
			least = dd[i];
	}
	double lo = least, hi = 0;
	round_range(&lo, &hi, 1);
	char a[40], attrs[96];
	snprintf(attrs, sizeof attrs, "data-min=\"%s\"", num(least, a));
	for (int var = 0; var < 2; var++) {
		qts_hc c;
		qts_hc_init(&c, x[0], x[n - 1], lo, hi, 0);
		variant(f, &c, var, 300);
		qts_svg_open(f, &c, "underwater", "Drawdown from the running peak", attrs);
		qts_svg_yaxis(f, &c, QTS_AX_PCT);
		qts_svg_xdates(f, &c);
		qts_svg_area(f, &c, x, dd, n, 0, "rgba(200,30,30,.45)");
		qts_svg_close(f);
		fputs("</div>\n", f);
	}
	card_end(f);
	free(x), free(dd);
	return 0;
}

/* ---- yearly returns ----------------------------------------------------------- */

int qts_chart_yearly(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	size_t n = p->nyearly;
	int bench = run->benchmark && p->nbyearly == n && n;
	card(f, "yearly", NULL, "Yearly returns");
	if (!n) {
		note(f, "No return.");
		card_end(f);
		return 0;
	}
	double lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 1 + bench; k++) {
			double v = k ? p->byearly[i].ret : p->yearly[i].ret;
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	round_range(&lo, &hi, 1);
	qts_hc c;
	qts_hc_init(&c, 0, (double)n, lo, hi, 0);
	fputs("<p class=\"legend\">", f);
	legend_item(f, "#1f5fbf", "strategy", 0);
	if (bench)
		legend_item(f, "#8a8a8a", run->benchmark, 0);
	fputs("</p>\n", f);
	qts_svg_open(f, &c, "yearly", "Yearly returns", NULL);
	qts_svg_yaxis(f, &c, QTS_AX_PCT);
	double slot = (qts_hc_x(&c, 1) - qts_hc_x(&c, 0));
	double bw = slot * 0.8 / (1 + bench);
	size_t every = n > 12 ? (n + 11) / 12 : 1;
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 1 + bench; k++) {
			const qts_period_return *y = k ? &p->byearly[i] : &p->yearly[i];
			if (!isfinite(y->ret))
				continue; /* undefined: no bar */
			double x = qts_hc_x(&c, (double)i) + slot * 0.1 + bw * k;
			double y0 = qts_hc_y(&c, 0), y1 = qts_hc_y(&c, y->ret);
			char v[40];
			fprintf(f, "<rect class=\"%s\" data-year=\"%d\" data-v=\"%s\" x=\"%.1f\" "
				   "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
				   "<title>%d",
				k ? "yb" : "ys", y->year, num(y->ret, v), x, y1 < y0 ? y1 : y0, bw,
				fabs(y1 - y0) > 0.5 ? fabs(y1 - y0) : 0.5,
				k ? "#8a8a8a" : y->ret < 0 ? "#c0392b" : "#1f5fbf", y->year);
			if (k) { /* a symbol is any text: escaped as every name on the page */
				fputc(' ', f);
				qts_html_str(f, run->benchmark);
			}
			qts_percent_text(y->ret, 2, "%", v, sizeof v);
			fprintf(f, ": %s</title></rect>\n", v);
		}
		if (i % every == 0)
			fprintf(f, "<text class=\"xl\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n",
				qts_hc_x(&c, (double)i + 0.5), c.h - c.b + 17, p->yearly[i].year);
	}
	qts_svg_hline(f, &c, 0, "#444", NULL);
	qts_svg_close(f);
	card_end(f);
	return 0;
}

/* ---- histograms ---------------------------------------------------------------- */

/* Bars of a histogram on a value axis of the kind given; sign: colour
 * bins below zero apart. */
static void hist_bars(FILE *f, const qts_hc *c, const qts_hist *h, int kind, const char *color,
		      int sign)
{
	qts_svg_yaxis(f, c, QTS_AX_NUM);
	xaxis_values(f, c, kind);
	for (size_t k = 0; k < h->nbins; k++) {
		double a = qts_hist_edge(h, k), b = qts_hist_edge(h, k + 1);
		double x0 = qts_hc_x(c, a), x1 = qts_hc_x(c, b);
		double y0 = qts_hc_y(c, 0), y1 = qts_hc_y(c, (double)h->count[k]);
		char lo[40], la[32], lb[32];
		qts_value_label(a, h->width, kind, la, sizeof la);
		qts_value_label(b, h->width, kind, lb, sizeof lb);
		fprintf(f, "<rect class=\"bin\" data-lo=\"%s\" data-count=\"%ld\" x=\"%.1f\" "
			   "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
			   "<title>%s to %s: %ld</title></rect>\n",
			num(a, lo), h->count[k], x0, y1, x1 - x0 > 0.6 ? x1 - x0 - 0.3 : 0.3, y0 - y1,
			sign && b <= 0 ? "#c0392b" : color, la, lb, h->count[k]);
	}
}

static double hist_top(const qts_hist *h)
{
	long top = 1;
	for (size_t k = 0; k < h->nbins; k++)
		top = h->count[k] > top ? h->count[k] : top;
	return (double)top;
}

int qts_chart_histogram(FILE *f, const qts_page *p)
{
	card(f, "histogram", NULL, "Daily returns");
	qts_hist h;
	if (qts_histogram(p->r, p->nr, 40, &h) < 0)
		return -1;
	if (h.overflow) {
		note(f, "Daily returns beyond the range of a double: no histogram.");
		card_end(f);
		return 0;
	}
	if (h.n < 2) {
		note(f, "Fewer than two daily returns.");
		free(h.count);
		card_end(f);
		return 0;
	}
	double hi = hist_top(&h), sd = h.sd, mean = h.mean;
	/* the normal density of the same mean and sd, scaled to counts */
	double scale = (double)h.n * h.width / (sd * sqrt(2 * M_PI));
	int normal = sd > 0;
	if (normal && scale > hi)
		hi = scale;
	double y0 = 0;
	round_range(&y0, &hi, 1);
	qts_hc c;
	qts_hc_init(&c, h.lo, h.lo + (double)h.nbins * h.width, 0, hi, 0);
	char a[40], b[40], w[40], l[40], attrs[256];
	snprintf(attrs, sizeof attrs, "data-n=\"%ld\" data-mean=\"%s\" data-sd=\"%s\" "
				      "data-width=\"%s\" data-lo=\"%s\"",
		 h.n, num(mean, a), num(sd, b), num(h.width, w), num(h.lo, l));
	fputs("<p class=\"legend\">", f);
	legend_item(f, "#1f5fbf", "days", 0);
	if (normal)
		legend_item(f, "#e67e22", "normal, same mean and sd", 0);
	fputs("</p>\n", f);
	qts_svg_open(f, &c, "histogram", "Distribution of daily returns", attrs);
	hist_bars(f, &c, &h, QTS_AX_PCT, "#1f5fbf", 0);
	if (normal) {
		enum { K = 160 };
		double xs[K], ys[K];
		for (int k = 0; k < K; k++) {
			xs[k] = c.x0 + (c.x1 - c.x0) * k / (K - 1);
			double z = (xs[k] - mean) / sd;
			ys[k] = scale * exp(-z * z / 2);
		}
		qts_svg_line(f, &c, xs, ys, K, "#e67e22", 1.8, NULL);
	}
	qts_svg_close(f);
	char msg[200], ms[40], ss[40], ws[48];
	/* fixed point cut a mean of 1e306 to the message's length */
	qts_percent_text(mean, 3, "%", ms, sizeof ms);
	qts_percent_text(sd, 3, "%", ss, sizeof ss);
	/* as the axis labels the bins: %g wrote 20000 as 2e+04 */
	qts_value_label(h.width, h.width, QTS_AX_PCT, ws, sizeof ws);
	snprintf(msg, sizeof msg, "%ld days in bins of %s; mean %s, sd %s.", h.n, ws, ms, ss);
	note(f, msg);
	card_end(f);
	free(h.count);
	return 0;
}

int qts_chart_trade_pnl(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	card(f, "trade-pnl", NULL, "Round trips: P&L");
	double *v = malloc((run->ntrips ? run->ntrips : 1) * sizeof *v);
	if (!v)
		return -1;
	for (size_t i = 0; i < run->ntrips; i++)
		v[i] = run->trips[i].pnl;
	qts_hist h;
	if (qts_histogram(v, run->ntrips, 30, &h) < 0) {
		free(v);
		return -1;
	}
	free(v);
	if (h.overflow) {
		note(f, "Round trips' P&L beyond the range of a double: no histogram.");
		card_end(f);
		return 0;
	}
	if (!h.n) {
		note(f, "No round trip was closed.");
		card_end(f);
		return 0;
	}
	double hi = hist_top(&h), y0 = 0;
	round_range(&y0, &hi, 1);
	qts_hc c;
	qts_hc_init(&c, h.lo, h.lo + (double)h.nbins * h.width, 0, hi, 0);
	char a[40], w[40], attrs[200];
	snprintf(attrs, sizeof attrs, "data-n=\"%ld\" data-mean=\"%s\" data-width=\"%s\"", h.n,
		 num(h.mean, a), num(h.width, w));
	fputs("<p class=\"legend\">", f);
	legend_item(f, "#27864a", "won", 0);
	legend_item(f, "#c0392b", "lost", 0);
	fputs("</p>\n", f);
	qts_svg_open(f, &c, "trade-pnl", "Distribution of round trips' P&L", attrs);
	hist_bars(f, &c, &h, QTS_AX_MONEY, "#27864a", 1);
	qts_svg_close(f);
	char msg[160];
	char ms[40], ws[48];
	qts_fixed_text(h.mean, 2, "", ms, sizeof ms);
	/* as the axis labels the bins: %g wrote 20000 as 2e+04 */
	qts_value_label(h.width, h.width, QTS_AX_NUM, ws, sizeof ws);
	snprintf(msg, sizeof msg, "%ld round trips in bins of %s; mean %s.", h.n, ws, ms);
	note(f, msg);
	card_end(f);
	free(h.count);
	return 0;
}

/* ---- rolling figures ------------------------------------------------------------ */

/* A rolling series's summary, for the reader and for a check. */
static void roll_attrs(const double *v, size_t n, size_t w, char *buf, size_t size)
{
	double lo = INFINITY, hi = -INFINITY, sum = 0, first = NAN, last = NAN;
	long k = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		if (!k)
			first = v[i];
		last = v[i];
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
		sum += v[i];
		k++;
	}
	char a[40], b[40], c[40], d[40], e[40];
	snprintf(buf, size, "data-window=\"%zu\" data-n=\"%ld\" data-first=\"%s\" data-last=\"%s\" "
			    "data-min=\"%s\" data-max=\"%s\" data-mean=\"%s\"",
		 w, k, num(first, a), num(last, b), num(k ? lo : NAN, c), num(k ? hi : NAN, d),
		 num(k ? sum / (double)k : NAN, e));
}

static double mean_of(const double *v, size_t n)
{
	double s = 0;
	long k = 0;
	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			s += v[i], k++;
	return k ? s / (double)k : NAN;
}

static void roll_chart(FILE *f, const qts_page *p, const char *id, const char *title,
		       const double *x, const double *v, const double *bv, const char *bname,
		       size_t w, int kind)
{
	size_t n = p->nr;
	double lo, hi;
	span(v, bv, n, &lo, &hi);
	card(f, id, NULL, title);
	if (!(lo <= hi)) {
		char msg[96];
		snprintf(msg, sizeof msg, "Fewer than %zu daily returns.", w);
		note(f, msg);
		card_end(f);
		return;
	}
	round_range(&lo, &hi, 1);
	qts_hc c;
	qts_hc_init(&c, x[0], x[n - 1], lo, hi, 0);
	char attrs[400];
	roll_attrs(v, n, w, attrs, sizeof attrs);
	fputs("<p class=\"legend\">", f);
	legend_item(f, "#d35400", "strategy", 0);
	if (bv)
		legend_item(f, "#8a8a8a", bname, 0);
	legend_item(f, "#1f5fbf", "its mean", 1);
	fputs("</p>\n", f);
	qts_svg_open(f, &c, id, title, attrs);
	qts_svg_yaxis(f, &c, kind);
	qts_svg_xdates(f, &c);
	qts_svg_hline(f, &c, 0, "#444", NULL);
	if (bv)
		qts_svg_line(f, &c, x, bv, n, "#8a8a8a", 1.4, NULL);
	qts_svg_line(f, &c, x, v, n, "#d35400", 1.8, NULL);
	double m = mean_of(v, n);
	if (isfinite(m))
		qts_svg_hline(f, &c, m, "#1f5fbf", "6 4");
	qts_svg_close(f);
	card_end(f);
}

int qts_chart_rolling(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	size_t n = p->nr, w = qts_roll_window(n, run->periods);
	int bench = run->benchmark != NULL;
	double *x = malloc((n ? n : 1) * sizeof *x), *v = malloc((n ? n : 1) * sizeof *v);
	double *bv = malloc((n ? n : 1) * sizeof *bv);
	if (!x || !v || !bv) {
		free(x), free(v), free(bv);
		return -1;
	}
	/* a return is drawn on the day it ends */
	for (size_t i = 0; i < n; i++)
		x[i] = (double)run->pt[i + 1].day;
	char title[96], bname[QTS_SYM_MAX + 8];
	snprintf(bname, sizeof bname, "%s", bench ? run->benchmark : "");

	qts_roll_volatility(p->r, n, w, run->periods, v);
	if (bench)
		qts_roll_volatility(p->f, n, w, run->periods, bv);
	snprintf(title, sizeof title, "Rolling volatility (%zu days)", w);
	roll_chart(f, p, "rolling-vol", title, x, v, bench ? bv : NULL, bname, w, QTS_AX_PCT);

	qts_m_rolling_sharpe(p->r, n, w, p->rf, run->periods, v);
	if (bench)
		qts_m_rolling_sharpe(p->f, n, w, p->rf, run->periods, bv);
	snprintf(title, sizeof title, "Rolling Sharpe ratio (%zu days)", w);
	roll_chart(f, p, "rolling-sharpe", title, x, v, bench ? bv : NULL, bname, w, QTS_AX_NUM);

	if (bench) {
		qts_roll_beta(p->r, p->f, n, w, p->rf, v);
		snprintf(title, sizeof title, "Rolling beta to %s (%zu days)", run->benchmark, w);
		roll_chart(f, p, "rolling-beta", title, x, v, NULL, NULL, w, QTS_AX_NUM);
	}
	free(x), free(v), free(bv);
	return 0;
}

/* ---- exposure ---------------------------------------------------------------------- */

int qts_chart_exposure(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	size_t n = run->npt;
	card(f, "exposure", "wide", "Exposure (fraction of equity)");
	double *x = day_x(p), *v[4];
	for (int k = 0; k < 4; k++)
		v[k] = malloc((n ? n : 1) * sizeof **v);
	if (!x || !v[0] || !v[1] || !v[2] || !v[3]) {
		free(x);
		for (int k = 0; k < 4; k++)
			free(v[k]);
		return -1;
	}
	size_t known = 0;
	/* long and short from gross and net: gross = L - S, net = L + S */
	for (size_t i = 0; i < n; i++) {
		double e = run->pt[i].equity;
		double g = run->gross ? run->gross[i] : NAN, t = run->net ? run->net[i] : NAN;
		int ok = isfinite(g) && isfinite(t) && e > 0;
		v[0][i] = ok ? g / e : NAN;
		v[1][i] = ok ? t / e : NAN;
		v[2][i] = ok ? (g + t) / 2 / e : NAN;
		v[3][i] = ok ? (t - g) / 2 / e : NAN;
		known += ok;
	}
	if (known < 2) {
		note(f, "Fewer than two days have an exposure: a day of equity 0 or less has none.");
	} else {
		double lo, hi, lo2, hi2;
		span(v[0], v[1], n, &lo, &hi);
		span(v[2], v[3], n, &lo2, &hi2);
		lo = lo2 < lo ? lo2 : lo;
		hi = hi2 > hi ? hi2 : hi;
		round_range(&lo, &hi, 1);
		char attrs[400], a[40], b[40], d[40], e[40];
		double glo, ghi, nlo, nhi;
		span(v[0], NULL, n, &glo, &ghi);
		span(v[1], NULL, n, &nlo, &nhi);
		snprintf(attrs, sizeof attrs, "data-n=\"%zu\" data-gross-max=\"%s\" data-gross-mean=\"%s\" "
					      "data-net-min=\"%s\" data-net-max=\"%s\"",
			 known, num(ghi, a), num(mean_of(v[0], n), b), num(nlo, d), num(nhi, e));
		fputs("<p class=\"legend\">", f);
		legend_item(f, "rgba(39,134,74,.5)", "long", 0);
		legend_item(f, "rgba(192,57,43,.5)", "short", 0);
		legend_item(f, "#333", "gross", 0);
		legend_item(f, "#1f5fbf", "net", 0);
		fputs("</p>\n", f);
		for (int var = 0; var < 2; var++) {
			qts_hc c;
			qts_hc_init(&c, x[0], x[n - 1], lo, hi, 0);
			variant(f, &c, var, 300);
			qts_svg_open(f, &c, "exposure", "Exposure over time", attrs);
			qts_svg_yaxis(f, &c, QTS_AX_PCT);
			qts_svg_xdates(f, &c);
			qts_svg_area(f, &c, x, v[2], n, 0, "rgba(39,134,74,.35)");
			qts_svg_area(f, &c, x, v[3], n, 0, "rgba(192,57,43,.35)");
			qts_svg_hline(f, &c, 0, "#444", NULL);
			qts_svg_line(f, &c, x, v[0], n, "#333", 1.2, NULL);
			qts_svg_line(f, &c, x, v[1], n, "#1f5fbf", 1, NULL);
			qts_svg_close(f);
			fputs("</div>\n", f);
		}
		note(f, "Market values of the positions at each day's last equity event over its "
			"equity: gross |long| + |short|, net long + short.");
	}
	card_end(f);
	free(x);
	for (int k = 0; k < 4; k++)
		free(v[k]);
	return 0;
}

/* ---- contribution by symbol ----------------------------------------------------------- */

/* Largest P&L first, gain or loss. */
static int by_pnl(const void *a, const void *b)
{
	double x = fabs(((const qts_sym_pnl *)a)->pnl), y = fabs(((const qts_sym_pnl *)b)->pnl);
	return x < y ? 1 : x > y ? -1 : strcmp(((const qts_sym_pnl *)a)->symbol,
						  ((const qts_sym_pnl *)b)->symbol);
}

#define MAX_SYMS_DRAWN 25

int qts_chart_contribution(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	card(f, "contribution", NULL, "Contribution to return by symbol");
	double e0 = run->npt ? run->pt[0].equity : NAN, e1 = run->npt ? run->pt[run->npt - 1].equity : NAN;
	if (!run->nsym || !(e0 > 0)) {
		note(f, run->nsym ? "No starting equity to measure against." : "No fill.");
		card_end(f);
		return 0;
	}
	qts_sym_pnl *s = malloc(run->nsym * sizeof *s);
	if (!s)
		return -1;
	memcpy(s, run->sym_pnl, run->nsym * sizeof *s);
	qsort(s, run->nsym, sizeof *s, by_pnl);
	size_t n = run->nsym, drawn = n > MAX_SYMS_DRAWN ? MAX_SYMS_DRAWN : n;
	double sum = 0, lo = 0, hi = 0;
	for (size_t i = 0; i < n; i++) {
		double c = s[i].pnl / e0;
		sum += s[i].pnl;
		if (i < drawn) {
			lo = c < lo ? c : lo;
			hi = c > hi ? c : hi;
		}
	}
	round_range(&lo, &hi, 1);
	/* horizontal bars, one a symbol */
	qts_hc c;
	qts_hc_init(&c, lo, hi, 0, (double)drawn, 0);
	c.h = 30 + 22 * (int)drawn + c.b;
	c.l = 80;
	c.y0 = 0;
	c.y1 = (double)drawn;
	char attrs[160], a[40], b[40];
	snprintf(attrs, sizeof attrs, "data-n=\"%zu\" data-pnl-sum=\"%s\" data-start=\"%s\"", n,
		 num(sum, a), num(e0, b));
	qts_svg_open(f, &c, "contribution", "Contribution to return by symbol", attrs);
	xaxis_values(f, &c, QTS_AX_PCT);
	for (size_t i = 0; i < drawn; i++) {
		double v = s[i].pnl / e0;
		double x0 = qts_hc_x(&c, 0), x1 = qts_hc_x(&c, v);
		double y = qts_hc_y(&c, (double)drawn - (double)i);
		char pnl[40], sym[QTS_SYM_MAX * 6];
		fprintf(f, "<rect class=\"sym\" data-symbol=\"");
		qts_html_str(f, s[i].symbol);
		fprintf(f, "\" data-pnl=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" "
			   "fill=\"%s\"><title>",
			num(s[i].pnl, pnl), x1 < x0 ? x1 : x0, y + 3, fabs(x1 - x0) > 0.5 ? fabs(x1 - x0) : 0.5,
			v < 0 ? "#c0392b" : "#27864a");
		qts_html_str(f, s[i].symbol);
		char vt[48], pt[48];
		qts_percent_text(v, 2, "%", vt, sizeof vt);
		qts_fixed_text(s[i].pnl, 2, "", pt, sizeof pt);
		fprintf(f, ": %s, P&amp;L %s</title></rect>\n<text class=\"yl\" x=\"%d\" "
			   "y=\"%.1f\" text-anchor=\"end\">",
			vt, pt, c.l - 5, y + 15);
		snprintf(sym, sizeof sym, "%s", s[i].symbol);
		qts_html_str(f, sym);
		fputs("</text>\n", f);
	}
	qts_svg_hline(f, &c, 0, "#444", NULL);
	fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
		qts_hc_x(&c, 0), c.t, qts_hc_x(&c, 0), c.h - c.b);
	qts_svg_close(f);
	fputs("<div class=\"scroll\"><table class=\"contrib\"><tr><th class=\"l\">Symbol</th>"
	      "<th>Fills</th><th>P&amp;L</th><th>Of start equity</th></tr>\n",
	      f);
	/* the figures as the text report writes them: a pnl of 1e308 in
	 * %.2f was a cell of 310 digits */
	char m[48], pc[48];
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td class=\"l\">", f);
		qts_html_str(f, s[i].symbol);
		qts_fixed_text(s[i].pnl, 2, "", m, sizeof m);
		qts_percent_text(s[i].pnl / e0, 2, "%", pc, sizeof pc);
		fprintf(f, "</td><td>%ld</td><td class=\"%s\">%s</td><td>%s</td></tr>\n", s[i].fills,
			s[i].pnl < 0 ? "neg" : "pos", m, pc);
	}
	double other = (e1 - e0) - sum;
	if (fabs(other) < 0.005)
		other = 0; /* rounding of the sums: no -0.00 */
	const char *const label[3] = {"<tr class=\"sum\"><td class=\"l\">All symbols",
				      "<tr><td class=\"l\">Other (cash, fees, flows)",
				      "<tr class=\"sum\"><td class=\"l\">Equity change"};
	const double row[3] = {sum, other, e1 - e0};
	for (int k = 0; k < 3; k++) {
		qts_fixed_text(row[k], 2, "", m, sizeof m);
		qts_percent_text(row[k] / e0, 2, "%", pc, sizeof pc);
		fprintf(f, "%s</td><td></td><td>%s</td><td>%s</td></tr>\n", label[k], m, pc);
	}
	fputs("</table></div>\n", f);
	note(f, "A symbol's P&L: the money of its fills (commissions paid) and its open "
		"position at its last close; over the starting equity, the parts add up to the "
		"total return.");
	free(s);
	card_end(f);
	return 0;
}

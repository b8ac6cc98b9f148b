/* report_html.c — one self-contained HTML page: inline CSS and SVG, no
 * script and nothing fetched, so it opens the same offline and in mail. */
#include <stdlib.h>
#include <string.h>

#include "qts_metrics.h"

#define SVG_W 900
#define SVG_H 240
#define PAD_L 70
#define PAD_B 24
#define MAX_PTS 1500  /* points drawn per line: more is invisible */
#define MAX_TRIPS 1000

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222;"
	"background:#fff}h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px}"
	".sub{color:#666}table{border-collapse:collapse}td,th{padding:3px 8px;text-align:right;"
	"border-bottom:1px solid #eee}th{background:#f6f6f6}td.l,th.l{text-align:left}"
	".metrics{columns:2;column-gap:32px}.metrics div{display:flex;justify-content:space-between;"
	"border-bottom:1px solid #eee;padding:2px 0}svg{background:#fcfcfc;border:1px solid #ddd}"
	".legend span{margin-right:16px}.neg{color:#b00}.pos{color:#070}\n";

static void html_str(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
}

/* A session day (days since 1970-01-01) as YYYY-MM-DD. */
static void day_text(int64_t day, char *buf, size_t size)
{
	int y;
	unsigned m, d;
	qts_civil_from_days(day, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02u", y, m, d);
}

/* The UTC date of a time, as the trades CSV gives it. */
static void date_of(int64_t ts, char *buf, size_t size)
{
	day_text(qts_floor_div(ts, QTS_NS_PER_DAY), buf, size);
}

typedef struct frame {
	double lo, hi;
	size_t n;
} frame;

static double fx(const frame *fr, size_t i)
{
	return PAD_L + (fr->n > 1 ? (double)i * (SVG_W - PAD_L - 10) / (double)(fr->n - 1) : 0);
}

static double fy(const frame *fr, double v)
{
	double h = SVG_H - PAD_B - 10;
	return 10 + (fr->hi > fr->lo ? (fr->hi - v) / (fr->hi - fr->lo) * h : h / 2);
}

static void frame_fit(frame *fr, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(v[i]))
			continue;
		fr->lo = v[i] < fr->lo ? v[i] : fr->lo;
		fr->hi = v[i] > fr->hi ? v[i] : fr->hi;
	}
}

static void svg_open(FILE *f, const frame *fr, const qts_run *run, const char *fmt, double scale)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		   "viewBox=\"0 0 %d %d\">\n",
		SVG_W, SVG_H, SVG_W, SVG_H);
	for (int k = 0; k <= 4; k++) {
		double v = fr->lo + (fr->hi - fr->lo) * k / 4;
		double y = fy(fr, v);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>",
			PAD_L, y, SVG_W - 10, y);
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
			   "fill=\"#666\">",
			PAD_L - 6, y + 4);
		fprintf(f, fmt, v * scale);
		fputs("</text>\n", f);
	}
	if (run->npt) {
		char a[16], b[16];
		day_text(run->pt[0].day, a, sizeof a);
		day_text(run->pt[run->npt - 1].day, b, sizeof b);
		fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#666\">%s</text>"
			   "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\" "
			   "fill=\"#666\">%s</text>\n",
			PAD_L, SVG_H - 6, a, SVG_W - 10, SVG_H - 6, b);
	}
}

/* A polyline of v (NaN breaks nothing: those points are skipped). */
static void svg_line(FILE *f, const frame *fr, const double *v, size_t n, const char *color)
{
	size_t step = n > MAX_PTS ? (n + MAX_PTS - 1) / MAX_PTS : 1;
	fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", color);
	for (size_t i = 0; i < n; i += step) {
		size_t j = i + step >= n ? n - 1 : i;
		if (isfinite(v[j]))
			fprintf(f, "%.1f,%.1f ", fx(fr, j), fy(fr, v[j]));
		if (j == n - 1)
			break;
	}
	fputs("\"/>\n", f);
}

static void svg_area(FILE *f, const frame *fr, const double *v, size_t n, const char *color)
{
	size_t step = n > MAX_PTS ? (n + MAX_PTS - 1) / MAX_PTS : 1;
	fprintf(f, "<polygon fill=\"%s\" stroke=\"none\" points=\"%.1f,%.1f ", color, fx(fr, 0),
		fy(fr, 0));
	for (size_t i = 0; i < n; i += step) {
		size_t j = i + step >= n ? n - 1 : i;
		fprintf(f, "%.1f,%.1f ", fx(fr, j), fy(fr, v[j]));
		if (j == n - 1)
			break;
	}
	fprintf(f, "%.1f,%.1f\"/>\n", fx(fr, n - 1), fy(fr, 0));
}

static void metric_table(FILE *f, const qts_run *run)
{
	const qts_metric_info *mt = qts_metric_table();
	fputs("<div class=\"metrics\">\n", f);
	for (int i = 0; i < QTS_NMETRICS; i++) {
		if (i >= QTS_M_BENCHMARK_RETURN && !run->benchmark)
			continue;
		const qts_summary *s = &run->sum;
		char buf[48];
		double v = s->v[i];
		if (mt[i].kind == QTS_MK_DATE) {
			if (s->t[i] == QTS_TS_MIN)
				snprintf(buf, sizeof buf, "&ndash;");
			else
				day_text(s->t[i], buf, sizeof buf);
		} else if (!isfinite(v)) {
			snprintf(buf, sizeof buf, "&ndash;");
		} else if (mt[i].kind == QTS_MK_FRAC) {
			snprintf(buf, sizeof buf, "%.2f%%", v * 100);
		} else if (mt[i].kind == QTS_MK_COUNT) {
			snprintf(buf, sizeof buf, "%.0f", v);
		} else if (mt[i].kind == QTS_MK_MONEY) {
			snprintf(buf, sizeof buf, "%.2f", v);
		} else if (mt[i].kind == QTS_MK_DAYS) {
			snprintf(buf, sizeof buf, "%.1f", v);
		} else {
			snprintf(buf, sizeof buf, "%.3f", v);
		}
		fprintf(f, "<div title=\"%s\"><span>", mt[i].name);
		html_str(f, mt[i].label);
		fprintf(f, "</span><b>%s</b></div>\n", buf);
	}
	fputs("</div>\n", f);
}

static void heatmap(FILE *f, const qts_run *run)
{
	qts_period_return *m = malloc((run->npt ? run->npt : 1) * sizeof *m);
	qts_period_return *y = malloc((run->npt ? run->npt : 1) * sizeof *y);
	if (!m || !y) {
		free(m);
		free(y);
		return;
	}
	size_t nm = qts_period_returns(run->pt, run->npt, 1, m);
	size_t ny = qts_period_returns(run->pt, run->npt, 0, y);
	double big = 1e-12;
	for (size_t i = 0; i < nm; i++)
		big = fabs(m[i].ret) > big ? fabs(m[i].ret) : big;
	fputs("<table><tr><th class=\"l\">Year</th>", f);
	static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	for (int k = 0; k < 12; k++)
		fprintf(f, "<th>%s</th>", mn[k]);
	fputs("<th>Year</th></tr>\n", f);
	size_t j = 0;
	for (size_t i = 0; i < ny; i++) {
		fprintf(f, "<tr><td class=\"l\">%d</td>", y[i].year);
		for (int k = 1; k <= 12; k++) {
			if (j < nm && m[j].year == y[i].year && m[j].month == k) {
				double a = fabs(m[j].ret) / big * 0.85 + 0.05;
				fprintf(f, "<td style=\"background:rgba(%s,%.2f)\">%.1f%%</td>",
					m[j].ret < 0 ? "200,30,30" : "20,150,40", a, m[j].ret * 100);
				j++;
			} else {
				fputs("<td></td>", f);
			}
		}
		fprintf(f, "<td class=\"%s\"><b>%.1f%%</b></td></tr>\n", y[i].ret < 0 ? "neg" : "pos",
			y[i].ret * 100);
	}
	fputs("</table>\n", f);
	free(m);
	free(y);
}

/* The worst drawdowns, as pyfolio's drawdown table. */
static void drawdown_table(FILE *f, const qts_run *run)
{
	const qts_summary *s = &run->sum;
	if (!s->ndd) {
		fputs("<p class=\"sub\">No drawdown.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>#</th><th>Depth</th><th class=\"l\">Peak</th>"
	      "<th class=\"l\">Trough</th><th class=\"l\">Recovery</th><th>Days</th></tr>\n",
	      f);
	for (size_t i = 0; i < s->ndd; i++) {
		const qts_dd_period *d = &s->dd[i];
		char pk[16], tr[16], rc[16];
		day_text(d->peak, pk, sizeof pk);
		day_text(d->trough, tr, sizeof tr);
		if (d->recovery == QTS_TS_MIN)
			snprintf(rc, sizeof rc, "&ndash;");
		else
			day_text(d->recovery, rc, sizeof rc);
		fprintf(f, "<tr><td>%zu</td><td class=\"neg\">%.2f%%</td><td class=\"l\">%s</td>"
			   "<td class=\"l\">%s</td><td class=\"l\">%s</td><td>%ld</td></tr>\n",
			i + 1, d->depth * 100, pk, tr, rc, d->days);
	}
	fputs("</table>\n", f);
}

static void trips_table(FILE *f, const qts_run *run)
{
	if (!run->ntrips) {
		fputs("<p class=\"sub\">No round trip was closed.</p>\n", f);
		return;
	}
	size_t from = run->ntrips > MAX_TRIPS ? run->ntrips - MAX_TRIPS : 0;
	if (from)
		fprintf(f, "<p class=\"sub\">The last %d of %zu round trips.</p>\n", MAX_TRIPS,
			run->ntrips);
	fputs("<table><tr><th class=\"l\">Symbol</th><th class=\"l\">Side</th><th>Qty</th>"
	      "<th class=\"l\">Entry</th><th class=\"l\">Exit</th><th>Entry price</th>"
	      "<th>Exit price</th><th>Commission</th><th>P&amp;L</th><th>Return</th></tr>\n",
	      f);
	for (size_t i = from; i < run->ntrips; i++) {
		const qts_trip *t = &run->trips[i];
		char a[16], b[16];
		date_of(t->entry_ts, a, sizeof a);
		date_of(t->exit_ts, b, sizeof b);
		fputs("<tr><td class=\"l\">", f);
		html_str(f, t->symbol);
		fprintf(f, "</td><td class=\"l\">%s</td><td>%g</td><td class=\"l\">%s</td>"
			   "<td class=\"l\">%s</td><td>%.4g</td><td>%.4g</td><td>%.2f</td>"
			   "<td class=\"%s\">%.2f</td><td>%.2f%%</td></tr>\n",
			t->dir > 0 ? "long" : "short", t->qty, a, b, t->entry_price, t->exit_price,
			t->commission, t->pnl < 0 ? "neg" : "pos", t->pnl, t->ret * 100);
	}
	fputs("</table>\n", f);
}

int qts_report_html(FILE *f, const qts_run *run)
{
	size_t n = run->npt;
	double *eq = malloc((n ? n : 1) * sizeof *eq), *bm = malloc((n ? n : 1) * sizeof *bm);
	double *dd = malloc((n ? n : 1) * sizeof *dd), *rs = malloc((n ? n : 1) * sizeof *rs);
	double *r = NULL;
	size_t nr = 0;
	if (!eq || !bm || !dd || !rs || qts_perf_returns(run->pt, n, &r, NULL, &nr) < 0) {
		free(eq), free(bm), free(dd), free(rs);
		return -1;
	}
	double top = n ? run->pt[0].equity : 0;
	for (size_t i = 0; i < n; i++) {
		eq[i] = run->pt[i].equity;
		/* the benchmark scaled to the starting equity */
		bm[i] = run->benchmark ? run->pt[i].bench / run->pt[0].bench * run->pt[0].equity : NAN;
		top = eq[i] > top ? eq[i] : top;
		dd[i] = top > 0 ? (eq[i] - top) / top : 0;
	}

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>qts report",
	      f);
	if (run->name) {
		fputs(" &ndash; ", f);
		html_str(f, run->name);
	}
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n<h1>qts report</h1>\n", style);
	fputs("<p class=\"sub\">", f);
	html_str(f, run->name);
	if (n) {
		char a[16], b[16];
		day_text(run->pt[0].day, a, sizeof a);
		day_text(run->pt[n - 1].day, b, sizeof b);
		fprintf(f, " &middot; %s to %s &middot; %zu daily returns", a, b, nr);
	}
	fprintf(f, " &middot; annualisation %g, risk-free %g%%</p>\n", run->periods,
		run->risk_free * 100);

	fputs("<h2>Equity</h2>\n<p class=\"legend\"><span style=\"color:#1f5fbf\">&#9632; "
	      "strategy</span>",
	      f);
	if (run->benchmark) {
		fputs("<span style=\"color:#999\">&#9632; benchmark ", f);
		html_str(f, run->benchmark);
		fputs(" (buy and hold)</span>", f);
	}
	fputs("</p>\n", f);
	frame fr = {INFINITY, -INFINITY, n};
	frame_fit(&fr, eq, n);
	if (run->benchmark)
		frame_fit(&fr, bm, n);
	if (n) {
		svg_open(f, &fr, run, "%.0f", 1);
		if (run->benchmark)
			svg_line(f, &fr, bm, n, "#999");
		svg_line(f, &fr, eq, n, "#1f5fbf");
		fputs("</svg>\n", f);
	}

	fputs("<h2>Underwater (drawdown)</h2>\n", f);
	frame fd = {INFINITY, 0, n};
	frame_fit(&fd, dd, n);
	if (!(fd.lo < 0))
		fd.lo = -0.01;
	if (n) {
		svg_open(f, &fd, run, "%.1f%%", 100);
		svg_area(f, &fd, dd, n, "rgba(200,30,30,0.45)");
		fputs("</svg>\n", f);
	}

	/* pyfolio's six-month window, shortened to a month on short runs */
	size_t win = nr >= 252 ? 126 : 21;
	fprintf(f, "<h2>Rolling Sharpe ratio (%zu days)</h2>\n", win);
	if (nr > win) {
		qts_m_rolling_sharpe(r, nr, win, qts_risk_free_per_period(run->risk_free, run->periods),
				     run->periods, rs);
		frame fs = {INFINITY, -INFINITY, nr};
		frame_fit(&fs, rs, nr);
		if (fs.lo > 0)
			fs.lo = 0;
		if (fs.hi < 0)
			fs.hi = 0;
		if (!(fs.hi > fs.lo))
			fs.lo = -1, fs.hi = 1;
		svg_open(f, &fs, run, "%.1f", 1);
		fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\"/>\n",
			PAD_L, fy(&fs, 0), SVG_W - 10, fy(&fs, 0));
		svg_line(f, &fs, rs, nr, "#7a3fbf");
		fputs("</svg>\n", f);
	} else {
		fprintf(f, "<p class=\"sub\">Fewer than %zu daily returns.</p>\n", win + 1);
	}

	fputs("<h2>Worst drawdowns</h2>\n", f);
	drawdown_table(f, run);
	fputs("<h2>Monthly returns</h2>\n", f);
	heatmap(f, run);
	fputs("<h2>Metrics</h2>\n", f);
	metric_table(f, run);
	fputs("<h2>Round trips</h2>\n", f);
	trips_table(f, run);
	fputs("</body></html>\n", f);
	free(eq), free(bm), free(dd), free(rs), free(r);
	return ferror(f) ? -1 : 0;
}

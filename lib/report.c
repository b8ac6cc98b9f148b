/* report.c — a run's figures as text (with the curve drawn in braille),
 * JSON, CSV, and several runs side by side. */
#include <stdlib.h>
#include <string.h>

#include "qts_metrics.h"

static const char *const month_name[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* ---- values ---------------------------------------------------------------- */

/* A session day (days since 1970-01-01) as YYYY-MM-DD. */
/* A day (days since the epoch) as YYYY-MM-DD. */
void qts_day_text(int64_t day, char *buf, size_t size)
{
	int y;
	unsigned m, d;
	qts_civil_from_days(day, &y, &m, &d);
	snprintf(buf, size, "%04d-%02u-%02u", y, m, d);
}

/* A value as the text report shows it ("-" where undefined). */
void qts_metric_text(const qts_summary *s, int i, char *buf, size_t size)
{
	const qts_metric_info *mi = &qts_metric_table()[i];
	double v = s->v[i];
	if (mi->kind == QTS_MK_DATE) {
		if (s->t[i] == QTS_TS_MIN)
			snprintf(buf, size, "-");
		else
			qts_day_text(s->t[i], buf, size);
		return;
	}
	if (!isfinite(v)) {
		snprintf(buf, size, "-");
		return;
	}
	switch (mi->kind) {
	case QTS_MK_FRAC: qts_percent_text(v, 2, "%", buf, size); break;
	case QTS_MK_COUNT: qts_fixed_text(v, 0, "", buf, size); break;
	case QTS_MK_DAYS: qts_fixed_text(v, 1, "", buf, size); break;
	case QTS_MK_MONEY: qts_fixed_text(v, 2, "", buf, size); break;
	default: qts_fixed_text(v, 3, "", buf, size); break;
	}
}

/* Drop the sign of a number that rounded to zero: -1e-9 with 2 decimals
 * was "-0.00", a loss that the figure does not show. */
static void unsign_zero(char *num)
{
	if (num[0] == '-' && num[1 + strspn(num + 1, "0.")] == 0)
		memmove(num, num + 1, strlen(num));
}

void qts_fixed_text(double v, int decimals, const char *suffix, char *buf, size_t size)
{
	char t[48];
	/* NaN and inf are undefined figures, "-" as in every table, not
	 * "nan" or "inf%" */
	if (!isfinite(v)) {
		snprintf(buf, size, "-");
		return;
	}
	/* Past 1e15 a double's digits before the point are noise, and a
	 * ratio of 1e307 in fixed point (308 digits) was cut to the
	 * buffer's 63, reading as 1e62. */
	if (fabs(v) >= 1e15) {
		snprintf(buf, size, "%.3e%s", v, suffix);
		return;
	}
	snprintf(t, sizeof t, "%.*f", decimals, v);
	unsign_zero(t);
	snprintf(buf, size, "%s%s", t, suffix);
}

/* v with sig significant digits and at least mindec decimals, without the
 * zeros after them (nor a bare point); exponent notation below 1e-8 and
 * from 1e15, "-" when not finite. */
static void sig_text(double v, int sig, int mindec, char *buf, size_t size)
{
	double a = fabs(v);
	if (!isfinite(v) || a >= 1e15 || a == 0) {
		qts_fixed_text(v, mindec, "", buf, size);
		return;
	}
	if (a < 1e-8) {
		/* fixed point would need 300 decimals for a price of 1e-300 */
		snprintf(buf, size, "%.3e", v);
		return;
	}
	int d = sig - 1 - (int)floor(log10(a));
	qts_fixed_text(v, d < mindec ? mindec : d, "", buf, size);
	char *dot = strchr(buf, '.');
	if (dot) {
		char *end = buf + strlen(buf);
		while (end > dot + mindec + 1 && end[-1] == '0')
			*--end = 0;
		if (end == dot + 1)
			*dot = 0;
	}
}

void qts_price_text(double v, char *buf, size_t size)
{
	/* 6 significant digits, as %g, so that a quote of 1.1076 is not
	 * 1.11 and one of 0.0001234 not 0.00 */
	sig_text(v, 6, 2, buf, size);
}

void qts_qty_text(double v, char *buf, size_t size)
{
	/* 10 significant digits: three lots of 0.1 that close with one of
	 * 0.09999999999999998 show it as 0.1 */
	sig_text(v, 10, 0, buf, size);
}

/* v * 10^shift in exponent notation with prec decimals, for a v whose
 * product would overflow: the exponent is shifted in the text. */
static void shifted_exp(double v, int prec, int shift, const char *suffix, char *buf, size_t size)
{
	char t[48];
	snprintf(t, sizeof t, "%.*e", prec, v);
	char *e = strchr(t, 'e');
	if (!e) {
		snprintf(buf, size, "%s%s", t, suffix);
		return;
	}
	int x = atoi(e + 1) + shift;
	*e = 0;
	snprintf(buf, size, "%se%c%02d%s", t, x < 0 ? '-' : '+', x < 0 ? -x : x, suffix);
}

void qts_percent_text(double frac, int decimals, const char *suffix, char *buf, size_t size)
{
	/* a best day of 1e308 made 100 times that inf, written "inf%" */
	if (isfinite(frac) && !isfinite(frac * 100))
		shifted_exp(frac, 3, 2, suffix, buf, size);
	else
		qts_fixed_text(frac * 100, decimals, suffix, buf, size);
}

/* Whether a metric belongs in a run's report: benchmark figures only with a
 * benchmark. */
static int shown(const qts_run *run, int i)
{
	return i < QTS_M_BENCHMARK_RETURN || run->benchmark;
}

/* ---- braille charts -------------------------------------------------------- */

#define CH_W 64 /* characters */
#define CH_H 8

typedef struct canvas {
	unsigned char cell[CH_H][CH_W];
} canvas;

static void dot(canvas *c, int x, int y)
{
	static const unsigned char bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	if (x < 0 || y < 0 || x >= CH_W * 2 || y >= CH_H * 4)
		return;
	c->cell[y / 4][x / 2] |= bit[y % 4][x % 2];
}

/* Plot v[0..n) over the canvas: a line, or (area) filled from the top. */
static void plot(canvas *c, const double *v, size_t n, double lo, double hi, int area)
{
	int W = CH_W * 2, H = CH_H * 4, prev = -1;
	for (int x = 0; x < W && n; x++) {
		size_t i = n == 1 ? 0 : (size_t)((double)x * (double)(n - 1) / (W - 1) + 0.5);
		/* halves where the span overflows (equity from -1e308 to 1e308):
		 * inf / inf was NaN, and (int)NaN undefined */
		double f = !(hi > lo)		 ? 0.5
			   : isfinite(hi - lo) ? (v[i] - lo) / (hi - lo)
					       : (v[i] / 2 - lo / 2) / (hi / 2 - lo / 2);
		int y = (H - 1) - (int)(f * (H - 1) + 0.5);
		int a = area ? 0 : prev < 0 ? y : prev, b = y;
		if (a > b) {
			int t = a;
			a = b;
			b = t;
		}
		for (int k = a; k <= b; k++)
			dot(c, x, k);
		prev = y;
	}
}

/* w: the width of the labels' column, the same for every row so that a
 * label longer than the others does not push its row of the chart right */
static int put_canvas(FILE *f, const canvas *c, int w, const char *top, const char *bottom)
{
	for (int r = 0; r < CH_H; r++) {
		fprintf(f, "%*s ", w, r == 0 ? top : r == CH_H - 1 ? bottom : "");
		for (int x = 0; x < CH_W; x++) {
			unsigned b = c->cell[r][x];
			/* U+2800 + b in UTF-8 */
			fputc(0xE2, f);
			fputc(0xA0 | (b >> 6), f);
			fputc(0x80 | (b & 0x3F), f);
		}
		fputc('\n', f);
	}
	return 0;
}

static void range(const double *v, size_t n, double *lo, double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
}

static void charts(FILE *f, const qts_run *run, const char *bold, const char *off)
{
	size_t n = run->npt;
	if (n < 2)
		return;
	double *eq = malloc(n * sizeof *eq), *dd = malloc(n * sizeof *dd);
	if (!eq || !dd) {
		free(eq);
		free(dd);
		return;
	}
	double top = run->pt[0].equity;
	for (size_t i = 0; i < n; i++) {
		eq[i] = run->pt[i].equity;
		top = eq[i] > top ? eq[i] : top;
		/* not (eq - top) / top, which overflows from 1e308 to -1e308 */
		dd[i] = top > 0 ? eq[i] / top - 1 : 0;
	}
	double lo, hi, dlo, dhi;
	char a[32], b[32], d[32], d1[16], d2[16];
	canvas c, cd;
	memset(&c, 0, sizeof c);
	range(eq, n, &lo, &hi);
	plot(&c, eq, n, lo, hi, 0);
	qts_fixed_text(hi, 2, "", a, sizeof a);
	qts_fixed_text(lo, 2, "", b, sizeof b);
	memset(&cd, 0, sizeof cd);
	range(dd, n, &dlo, &dhi);
	plot(&cd, dd, n, dlo < 0 ? dlo : -1e-9, 0, 1);
	qts_percent_text(dlo, 2, "%", d, sizeof d);
	/* one column for the labels of both charts, as wide as the widest
	 * (an equity of 1e8, "100000000.00", or "-1.000e+308"), so that the
	 * charts and the dates under them line up */
	int w = 10;
	const char *lab[] = {a, b, d};
	for (int k = 0; k < 3; k++)
		w = (int)strlen(lab[k]) > w ? (int)strlen(lab[k]) : w;
	fprintf(f, "\n%sEquity%s\n", bold, off);
	put_canvas(f, &c, w, a, b);
	qts_day_text(run->pt[0].day, d1, sizeof d1);
	qts_day_text(run->pt[n - 1].day, d2, sizeof d2);
	fprintf(f, "%*s %-*s%s\n", w, "", CH_W - (int)strlen(d2), d1, d2);

	fprintf(f, "\n%sDrawdown%s\n", bold, off);
	put_canvas(f, &cd, w, "0%", d);
	free(eq);
	free(dd);
}

/* ---- period tables ------------------------------------------------------- */

static size_t periods_of(const qts_run *run, int monthly, qts_period_return **out)
{
	*out = malloc((run->npt ? run->npt : 1) * sizeof **out);
	return *out ? qts_period_returns(run->pt, run->npt, monthly, *out) : 0;
}

/* x in a column of width w: fixed point with dec decimals where it fits,
 * else in exponent notation (a return of 1e306 would push the table 300
 * columns wide). */
static void cell(FILE *f, int w, int dec, double frac, const char *suffix)
{
	char buf[64], num[48];
	double x = frac * 100;
	int len = snprintf(num, sizeof num, "%.*f", dec, x);
	if (len >= 0 && (size_t)len < sizeof num) {
		unsign_zero(num);
		len = (int)strlen(num);
	}
	len += (int)strlen(suffix);
	snprintf(buf, sizeof buf, "%s%s", num, suffix);
	if (!isfinite(frac))
		snprintf(buf, sizeof buf, "-");
	else if (!isfinite(x))
		shifted_exp(frac, 0, 2, suffix, buf, sizeof buf);
	else if (len > w)
		snprintf(buf, sizeof buf, "%.0e%s", x, suffix);
	fprintf(f, "%*s", w, buf);
}

static void monthly_text(FILE *f, const qts_run *run, const char *bold, const char *off, int color)
{
	qts_period_return *m, *y;
	size_t nm = periods_of(run, 1, &m), ny = periods_of(run, 0, &y);
	if (nm == 0) {
		free(m);
		free(y);
		return;
	}
	fprintf(f, "\n%sMonthly returns (%%)%s\n%-6s", bold, off, "Year");
	for (int k = 0; k < 12; k++)
		fprintf(f, "%7s", month_name[k]);
	fprintf(f, "%8s\n", "Year");
	size_t j = 0;
	for (size_t i = 0; i < ny; i++) {
		fprintf(f, "%-6d", y[i].year);
		for (int k = 1; k <= 12; k++) {
			if (j < nm && m[j].year == y[i].year && m[j].month == k) {
				const char *c = !color ? "" : m[j].ret < 0 ? "\033[31m" : "\033[32m";
				fputs(c, f);
				cell(f, 7, 1, m[j].ret, "");
				fputs(color ? "\033[0m" : "", f);
				j++;
			} else {
				fprintf(f, "%7s", "");
			}
		}
		cell(f, 8, 1, y[i].ret, "");
		fputc('\n', f);
	}
	free(m);
	free(y);
}

/* The worst drawdowns, as pyfolio's drawdown table. */
static void drawdowns_text(FILE *f, const qts_summary *s, const char *bold, const char *off)
{
	if (!s->ndd)
		return;
	fprintf(f, "\n%sWorst drawdowns%s\n%-4s %9s  %-10s  %-10s  %-10s  %5s\n", bold, off, "",
		"depth", "peak", "trough", "recovery", "days");
	for (size_t i = 0; i < s->ndd; i++) {
		const qts_dd_period *d = &s->dd[i];
		char pk[16], tr[16], rc[16];
		qts_day_text(d->peak, pk, sizeof pk);
		qts_day_text(d->trough, tr, sizeof tr);
		if (d->recovery == QTS_TS_MIN)
			snprintf(rc, sizeof rc, "-");
		else
			qts_day_text(d->recovery, rc, sizeof rc);
		fprintf(f, "%-4zu ", i + 1);
		cell(f, 9, 2, d->depth, "%");
		fprintf(f, "  %-10s  %-10s  %-10s  %5ld\n", pk, tr, rc, d->days);
	}
}

int qts_report_text(FILE *f, const qts_run *run, int color)
{
	const char *bold = color ? "\033[1m" : "", *off = color ? "\033[0m" : "";
	const qts_metric_info *mt = qts_metric_table();
	char buf[64];
	fprintf(f, "%sqts report%s  %s\n\n", bold, off, run->name ? run->name : "");
	for (int i = 0; i < QTS_NMETRICS; i++) {
		if (!shown(run, i))
			continue;
		if (i == QTS_M_TOTAL_RETURN || i == QTS_M_TRADES || i == QTS_M_BENCHMARK_RETURN)
			fputc('\n', f);
		qts_metric_text(&run->sum, i, buf, sizeof buf);
		fprintf(f, "%-28s %16s\n", mt[i].label, buf);
		for (int k = 0; i == QTS_M_TOTAL_SLIPPAGE && run->sum.have_fin && k < QTS_NFIN; k++) {
			qts_fin_text(&run->sum, k, buf, sizeof buf);
			fprintf(f, "%-28s %16s\n", qts_fin_label(k), buf);
		}
	}
	if (run->sum.ruin != QTS_TS_MIN) {
		qts_day_text(run->sum.ruin, buf, sizeof buf);
		/* An account that starts at 0 or below (qts-sim --cash 0)
		 * did not fall there: it has no return at all. */
		if (!(run->sum.v[QTS_M_START_EQUITY] > 0))
			fprintf(f, "\nEquity was zero or below from the start, on %s: no return is defined.\n", buf);
		else
			fprintf(f, "\nEquity fell to zero or below on %s: no return is defined after it.\n", buf);
	}
	drawdowns_text(f, &run->sum, bold, off);
	charts(f, run, bold, off);
	monthly_text(f, run, bold, off, color);
	return ferror(f) ? -1 : 0;
}

/* ---- JSON and CSV ------------------------------------------------------- */

void qts_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	char buf[32];
	if (!isfinite(v)) {
		fputs("null", f);
		return;
	}
	qts_num_format(v, buf);
	fputs(buf, f);
}

/* The value of metric i as JSON (quoted=1) or a CSV field (quoted=0). */
static void value_raw(FILE *f, const qts_summary *s, int i, int json)
{
	const qts_metric_info *mi = &qts_metric_table()[i];
	char buf[40];
	if (mi->kind == QTS_MK_DATE) {
		if (s->t[i] == QTS_TS_MIN) {
			if (json)
				fputs("null", f);
			return;
		}
		qts_day_text(s->t[i], buf, sizeof buf);
		fprintf(f, json ? "\"%s\"" : "%s", buf);
	} else if (json) {
		json_num(f, s->v[i]);
	} else if (isfinite(s->v[i])) {
		qts_num_format(s->v[i], buf);
		fputs(buf, f);
	}
}

/* A financing amount as a CSV field: empty where the run has none. */
static void fin_raw(FILE *f, const qts_summary *s, int k)
{
	char buf[40];
	if (s->have_fin && isfinite(s->fin[k])) {
		qts_num_format(s->fin[k], buf);
		fputs(buf, f);
	}
}

void qts_report_value(FILE *f, const qts_summary *s, int i, int json)
{
	value_raw(f, s, i, json);
}

/* Whether any of the runs has financing rows. */
static int any_fin(const qts_run *runs, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (runs[k].sum.have_fin)
			return 1;
	return 0;
}

/* fin: the financing keys are written, null in a run without them (one
 * of --compare's runs may have them and another not). */
static void json_object(FILE *f, const qts_run *run, const char *indent, int fin)
{
	const qts_metric_info *mt = qts_metric_table();
	fputs("{", f);
	if (run->name) {
		fprintf(f, "\n%s\"run\": ", indent);
		qts_json_str(f, run->name);
		fputc(',', f);
	}
	for (int i = 0; i < QTS_NMETRICS; i++) {
		fprintf(f, "%s\n%s\"%s\": ", i ? "," : "", indent, mt[i].name);
		value_raw(f, &run->sum, i, 1);
		for (int k = 0; i == QTS_M_TOTAL_SLIPPAGE && fin && k < QTS_NFIN; k++) {
			fprintf(f, ",\n%s\"%s\": ", indent, qts_fin_name(k));
			json_num(f, run->sum.have_fin ? run->sum.fin[k] : NAN);
		}
	}
	for (int monthly = 1; monthly >= 0; monthly--) {
		qts_period_return *p;
		size_t n = periods_of(run, monthly, &p);
		fprintf(f, ",\n%s\"%s\": {", indent, monthly ? "monthly_returns" : "yearly_returns");
		for (size_t i = 0; i < n; i++) {
			if (monthly)
				fprintf(f, "%s\"%04d-%02d\": ", i ? ", " : "", p[i].year, p[i].month);
			else
				fprintf(f, "%s\"%04d\": ", i ? ", " : "", p[i].year);
			json_num(f, p[i].ret);
		}
		fputc('}', f);
		free(p);
	}
	fprintf(f, ",\n%s\"drawdowns\": [", indent);
	for (size_t i = 0; i < run->sum.ndd; i++) {
		const qts_dd_period *d = &run->sum.dd[i];
		char pk[16], tr[16], rc[16];
		qts_day_text(d->peak, pk, sizeof pk);
		qts_day_text(d->trough, tr, sizeof tr);
		fprintf(f, "%s{\"depth\": ", i ? ", " : "");
		json_num(f, d->depth);
		fprintf(f, ", \"peak\": \"%s\", \"trough\": \"%s\", \"recovery\": ", pk, tr);
		if (d->recovery == QTS_TS_MIN) {
			fputs("null", f);
		} else {
			qts_day_text(d->recovery, rc, sizeof rc);
			fprintf(f, "\"%s\"", rc);
		}
		fprintf(f, ", \"days\": %ld}", d->days);
	}
	fputc(']', f);
	fprintf(f, "\n%.*s}", (int)strlen(indent) - 2, indent);
}

int qts_report_json(FILE *f, const qts_run *run)
{
	qts_run r = *run;
	r.name = NULL;
	json_object(f, &r, "  ", r.sum.have_fin);
	fputc('\n', f);
	return ferror(f) ? -1 : 0;
}

int qts_report_csv(FILE *f, const qts_run *run)
{
	const qts_metric_info *mt = qts_metric_table();
	fputs("metric,value\n", f);
	for (int i = 0; i < QTS_NMETRICS; i++) {
		fprintf(f, "%s,", mt[i].name);
		value_raw(f, &run->sum, i, 0);
		fputc('\n', f);
		for (int k = 0; i == QTS_M_TOTAL_SLIPPAGE && run->sum.have_fin && k < QTS_NFIN; k++) {
			fprintf(f, "%s,", qts_fin_name(k));
			fin_raw(f, &run->sum, k);
			fputc('\n', f);
		}
	}
	for (int monthly = 1; monthly >= 0; monthly--) {
		qts_period_return *p;
		size_t n = periods_of(run, monthly, &p);
		char buf[32];
		for (size_t i = 0; i < n; i++) {
			/* undefined: an empty field, as every figure */
			if (isfinite(p[i].ret))
				qts_num_format(p[i].ret, buf);
			else
				buf[0] = 0;
			if (monthly)
				fprintf(f, "return_%04d-%02d,%s\n", p[i].year, p[i].month, buf);
			else
				fprintf(f, "return_%04d,%s\n", p[i].year, buf);
		}
		free(p);
	}
	return ferror(f) ? -1 : 0;
}

int qts_report_trades_csv(FILE *f, const qts_trip *t, size_t n)
{
	fputs("symbol,side,qty,entry_ts,exit_ts,entry_price,exit_price,commission,pnl,return,"
	      "holding_days\n",
	      f);
	for (size_t i = 0; i < n; i++) {
		char a[40], b[40], q[32], ep[32], xp[32], c[32], p[32], r[32], h[32];
		qts_time_format(t[i].entry_ts, a);
		qts_time_format(t[i].exit_ts, b);
		qts_num_format(t[i].qty, q);
		qts_num_format(t[i].entry_price, ep);
		qts_num_format(t[i].exit_price, xp);
		qts_num_format(t[i].commission, c);
		qts_num_format(t[i].pnl, p);
		qts_num_format(t[i].ret, r);
		qts_num_format(((double)t[i].exit_ts - (double)t[i].entry_ts) / (double)QTS_NS_PER_DAY, h);
		qts_csv_field(f, t[i].symbol);
		fprintf(f, ",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", t[i].dir > 0 ? "long" : "short", q, a,
			b, ep, xp, c, p, r, h);
	}
	return ferror(f) ? -1 : 0;
}

/* The name of a run's column: its file's base name. */
static const char *run_base(const qts_run *run)
{
	const char *nm = strrchr(run->name, '/');
	return nm ? nm + 1 : run->name;
}

/* A run's column: as wide as its name, at least 14.  Computed from the
 * run, not kept in an array of 64 that a 65th run shared with the 1st,
 * whose rows then took the other's width under its own heading. */
static int col_width(const qts_run *run)
{
	int len = (int)strlen(run_base(run));
	return len > 14 ? len : 14;
}

int qts_report_compare(FILE *f, const qts_run *runs, size_t n, int json, int csv)
{
	const qts_metric_info *mt = qts_metric_table();
	char buf[64];
	if (json) {
		fputc('[', f);
		for (size_t k = 0; k < n; k++) {
			fputs(k ? ",\n  " : "\n  ", f);
			json_object(f, &runs[k], "    ", any_fin(runs, n));
		}
		fputs("\n]\n", f);
		return ferror(f) ? -1 : 0;
	}
	if (csv) {
		fputs("metric", f);
		for (size_t k = 0; k < n; k++) {
			fputc(',', f);
			qts_csv_field(f, runs[k].name);
		}
		fputc('\n', f);
		for (int i = 0; i < QTS_NMETRICS; i++) {
			fputs(mt[i].name, f);
			for (size_t k = 0; k < n; k++) {
				fputc(',', f);
				value_raw(f, &runs[k].sum, i, 0);
			}
			fputc('\n', f);
			for (int j = 0; i == QTS_M_TOTAL_SLIPPAGE && any_fin(runs, n) && j < QTS_NFIN; j++) {
				fputs(qts_fin_name(j), f);
				for (size_t k = 0; k < n; k++) {
					fputc(',', f);
					fin_raw(f, &runs[k].sum, j);
				}
				fputc('\n', f);
			}
		}
		return ferror(f) ? -1 : 0;
	}
	fprintf(f, "%-28s", "");
	for (size_t k = 0; k < n; k++)
		fprintf(f, " %*s", col_width(&runs[k]), run_base(&runs[k]));
	fputc('\n', f);
	for (int i = 0; i < QTS_NMETRICS; i++) {
		int any = 0;
		for (size_t k = 0; k < n; k++)
			any |= shown(&runs[k], i);
		if (!any)
			continue;
		fprintf(f, "%-28s", mt[i].label);
		for (size_t k = 0; k < n; k++) {
			qts_metric_text(&runs[k].sum, i, buf, sizeof buf);
			fprintf(f, " %*s", col_width(&runs[k]), buf);
		}
		fputc('\n', f);
		for (int j = 0; i == QTS_M_TOTAL_SLIPPAGE && any_fin(runs, n) && j < QTS_NFIN; j++) {
			fprintf(f, "%-28s", qts_fin_label(j));
			for (size_t k = 0; k < n; k++) {
				qts_fin_text(&runs[k].sum, j, buf, sizeof buf);
				fprintf(f, " %*s", col_width(&runs[k]), buf);
			}
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}

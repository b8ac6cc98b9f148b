/* report_html_svg.c — the drawing of the tearsheet's charts: inline SVG
 * scaled by its viewBox to the width of its box (so one drawing serves a
 * wide screen and a phone), grid lines at round ticks, paths with one
 * decimal (a tenth of a unit is finer than any screen shows). */
#include <string.h>

#include "report_html_priv.h"

#define MAX_TICKS 16
#define MAX_PTS 2400 /* points a path keeps: more than a wide screen's pixels */

void qts_html_str(FILE *f, const char *s)
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

void qts_hc_init(qts_hc *c, double x0, double x1, double y0, double y1, int log)
{
	*c = (qts_hc){QTS_HC_W, QTS_HC_H, 62, 14, 10, 28, x0, x1, y0, y1, log};
}

double qts_hc_x(const qts_hc *c, double x)
{
	double w = c->w - c->l - c->r;
	return c->l + (c->x1 > c->x0 ? (x / 2 - c->x0 / 2) / (c->x1 / 2 - c->x0 / 2) * w : w / 2);
}

double qts_hc_y(const qts_hc *c, double v)
{
	double h = c->h - c->t - c->b;
	double lo = c->y0, hi = c->y1;
	if (c->log) {
		v = log10(v);
		lo = log10(lo);
		hi = log10(hi);
	}
	/* halves, exact, so that a range from -1e308 to 1e308 does not
	 * overflow to inf (and every point to 0 or NaN) */
	return c->t + (hi > lo ? (hi / 2 - v / 2) / (hi / 2 - lo / 2) * h : h / 2);
}

void qts_svg_open(FILE *f, const qts_hc *c, const char *cls, const char *label, const char *attrs)
{
	fprintf(f, "<svg class=\"chart %s\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", cls,
		c->w, c->h);
	qts_html_str(f, label);
	fprintf(f, "\"%s%s>\n", attrs ? " " : "", attrs ? attrs : "");
}

void qts_svg_close(FILE *f)
{
	fputs("</svg>\n", f);
}

void qts_svg_yaxis(FILE *f, const qts_hc *c, int kind)
{
	double tk[MAX_TICKS], step = 0;
	size_t n = c->log ? qts_log_ticks(c->y0, c->y1, 7, tk, MAX_TICKS)
			  : qts_nice_ticks(c->y0, c->y1, 6, tk, MAX_TICKS, &step);
	for (size_t i = 0; i < n; i++) {
		char buf[32];
		double st = step;
		if (c->log) {
			/* 1, 2 or 5 times a power of ten is its own step; other
			 * ticks (a narrow log axis) are a round step apart */
			double e = pow(10, floor(log10(tk[i]) + 1e-9)), m = tk[i] / e;
			int round125 = fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9;
			st = round125 ? tk[i] : qts_nice_step(c->y1 - c->y0, 7);
		}
		qts_value_label(tk[i], st, kind, buf, sizeof buf);
		double y = qts_hc_y(c, tk[i]);
		fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
			   "<text class=\"yl\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			c->l, y, c->w - c->r, y, c->l - 5, y + 4, buf);
	}
}

void qts_svg_xdates(FILE *f, const qts_hc *c)
{
	int64_t tk[MAX_TICKS];
	int unit;
	size_t n = qts_date_ticks((int64_t)ceil(c->x0), (int64_t)floor(c->x1), 6, tk, MAX_TICKS, &unit);
	for (size_t i = 0; i < n; i++) {
		char buf[32];
		double x = qts_hc_x(c, (double)tk[i]);
		qts_date_label(tk[i], unit, buf, sizeof buf);
		/* a label at an edge stays inside the drawing */
		const char *anchor = x < c->l + 30 ? "start" : x > c->w - c->r - 30 ? "end" : "middle";
		fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
			   "<text class=\"xl\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>\n",
			x, c->t, x, c->h - c->b, x, c->h - c->b + 17, anchor, buf);
	}
	fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", c->l,
		c->h - c->b, c->w - c->r, c->h - c->b);
}

static double xat(const double *x, size_t i)
{
	return x ? x[i] : (double)i;
}

void qts_svg_line(FILE *f, const qts_hc *c, const double *x, const double *y, size_t n,
		  const char *color, double width, const char *dash)
{
	size_t step = n > MAX_PTS ? (n + MAX_PTS - 1) / MAX_PTS : 1;
	int pen = 0;
	fprintf(f, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%g\"%s%s%s d=\"", color, width,
		dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
	for (size_t i = 0; i < n; i += step) {
		size_t j = i + step >= n ? n - 1 : i;
		if (!isfinite(y[j]) || (c->log && !(y[j] > 0))) {
			pen = 0;
		} else {
			fprintf(f, "%c%.1f %.1f", pen ? 'L' : 'M', qts_hc_x(c, xat(x, j)), qts_hc_y(c, y[j]));
			pen = 1;
		}
		if (j == n - 1)
			break;
	}
	fputs("\"/>\n", f);
}

void qts_svg_area(FILE *f, const qts_hc *c, const double *x, const double *y, size_t n,
		  double base, const char *color)
{
	size_t step = n > MAX_PTS ? (n + MAX_PTS - 1) / MAX_PTS : 1;
	double yb = qts_hc_y(c, base), last = 0;
	int open = 0;
	fprintf(f, "<path fill=\"%s\" stroke=\"none\" d=\"", color);
	for (size_t i = 0; i < n; i += step) {
		size_t j = i + step >= n ? n - 1 : i;
		double xx = qts_hc_x(c, xat(x, j));
		if (!isfinite(y[j])) {
			if (open)
				fprintf(f, "L%.1f %.1fZ", last, yb);
			open = 0;
		} else {
			if (!open)
				fprintf(f, "M%.1f %.1f", xx, yb);
			fprintf(f, "L%.1f %.1f", xx, qts_hc_y(c, y[j]));
			open = 1;
			last = xx;
		}
		if (j == n - 1)
			break;
	}
	if (open)
		fprintf(f, "L%.1f %.1fZ", last, yb);
	fputs("\"/>\n", f);
}

void qts_svg_hline(FILE *f, const qts_hc *c, double v, const char *color, const char *dash)
{
	double y = qts_hc_y(c, v);
	fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"%s%s%s/>\n", c->l,
		y, c->w - c->r, y, color, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
		dash ? "\"" : "");
}

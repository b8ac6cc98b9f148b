/* report_html_tables.c — the tearsheet's tables: the metrics of the
 * strategy and of the benchmark side by side (as QuantStats' "Key
 * Performance Metrics"), the worst drawdowns (pyfolio's drawdown table),
 * the monthly returns heatmap and the round trips.  Values are written as
 * the text report writes them; each row or cell carries its key and its
 * full-precision value for a check against --json. */
#include <stdlib.h>
#include <string.h>

#include "report_html_priv.h"

#define MAX_TRIPS 1000

void qts_table_metrics(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	const qts_metric_info *mt = qts_metric_table();
	int bench = run->benchmark != NULL;
	qts_summary b;
	if (bench)
		qts_bench_summary(run, p->f, p->nr, &b);
	fputs("<div class=\"scroll\"><table class=\"metrics\"><thead><tr><th class=\"l\">Metric</th>"
	      "<th>Strategy</th>",
	      f);
	if (bench) {
		fputs("<th>", f);
		qts_html_str(f, run->benchmark);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
	for (int i = 0; i < QTS_NMETRICS; i++) {
		if (i >= QTS_M_BENCHMARK_RETURN && !bench)
			continue;
		char a[64], c[64];
		qts_metric_text(&run->sum, i, a, sizeof a);
		const char *cls = i == QTS_M_TOTAL_RETURN || i == QTS_M_TRADES || i == QTS_M_BENCHMARK_RETURN
					  ? " class=\"top\""
					  : "";
		/* a label's leading spaces (a sub-figure) become an indent */
		const char *label = mt[i].label;
		int sub = *label == ' ';
		while (*label == ' ')
			label++;
		fprintf(f, "<tr data-key=\"%s\"%s><td class=\"l%s\">", mt[i].name, cls, sub ? " sub" : "");
		qts_html_str(f, label);
		fprintf(f, "</td><td class=\"s\">%s</td>", a);
		if (bench) {
			qts_metric_text(&b, i, c, sizeof c);
			fprintf(f, "<td class=\"b\">%s</td>", c);
		}
		fputs("</tr>\n", f);
		for (int k = 0; i == QTS_M_TOTAL_SLIPPAGE && run->sum.have_fin && k < QTS_NFIN; k++) {
			qts_fin_text(&run->sum, k, a, sizeof a);
			fprintf(f, "<tr data-key=\"%s\"><td class=\"l\">", qts_fin_name(k));
			qts_html_str(f, qts_fin_label(k));
			fprintf(f, "</td><td class=\"s\">%s</td>%s</tr>\n", a, bench ? "<td class=\"b\">-</td>" : "");
		}
	}
	fputs("</tbody></table></div>\n", f);
}

void qts_table_drawdowns(FILE *f, const qts_page *p)
{
	const qts_summary *s = &p->run->sum;
	if (!s->ndd) {
		fputs("<p class=\"note\">No drawdown.</p>\n", f);
		return;
	}
	fputs("<div class=\"scroll\"><table class=\"drawdowns\"><tr><th>#</th><th>Depth</th>"
	      "<th class=\"l\">Peak</th><th class=\"l\">Trough</th><th class=\"l\">Recovery</th>"
	      "<th>Days</th></tr>\n",
	      f);
	for (size_t i = 0; i < s->ndd; i++) {
		const qts_dd_period *d = &s->dd[i];
		char pk[16], tr[16], rc[16], v[40], dp[48];
		qts_day_text(d->peak, pk, sizeof pk);
		qts_day_text(d->trough, tr, sizeof tr);
		if (d->recovery == QTS_TS_MIN)
			snprintf(rc, sizeof rc, "-");
		else
			qts_day_text(d->recovery, rc, sizeof rc);
		qts_num_format(d->depth, v);
		qts_percent_text(d->depth, 2, "%", dp, sizeof dp);
		fprintf(f, "<tr class=\"dd\" data-depth=\"%s\"><td>%zu</td><td class=\"neg\">%s</td>"
			   "<td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">%s</td>"
			   "<td>%ld</td></tr>\n",
			v, i + 1, dp, pk, tr, rc, d->days);
	}
	fputs("</table></div>\n", f);
}

void qts_table_monthly(FILE *f, const qts_page *p)
{
	static const char *const mn[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	const qts_period_return *m = p->monthly, *y = p->yearly;
	size_t nm = p->nmonthly, ny = p->nyearly;
	if (!nm) {
		fputs("<p class=\"note\">No return.</p>\n", f);
		return;
	}
	double big = 1e-12;
	for (size_t i = 0; i < nm; i++)
		big = fabs(m[i].ret) > big ? fabs(m[i].ret) : big;
	fputs("<div class=\"scroll\"><table class=\"heatmap\"><tr><th class=\"l\">Year</th>", f);
	for (int k = 0; k < 12; k++)
		fprintf(f, "<th>%s</th>", mn[k]);
	fputs("<th>Year</th></tr>\n", f);
	size_t j = 0;
	for (size_t i = 0; i < ny; i++) {
		char v[40], t[40];
		fprintf(f, "<tr><td class=\"l\">%d</td>", y[i].year);
		for (int k = 1; k <= 12; k++) {
			if (j < nm && m[j].year == y[i].year && m[j].month == k && !isfinite(m[j].ret)) {
				/* undefined (compounded past double's range) */
				fprintf(f, "<td class=\"m\" data-month=\"%04d-%02d\" data-v=\"\">-</td>", m[j].year,
					m[j].month);
				j++;
			} else if (j < nm && m[j].year == y[i].year && m[j].month == k) {
				double a = fabs(m[j].ret) / big * 0.8 + 0.06;
				/* a return of 1e308 was "inf" in fixed point */
				qts_percent_text(m[j].ret, 1, "", t, sizeof t);
				fprintf(f, "<td class=\"m\" data-month=\"%04d-%02d\" data-v=\"%s\" "
					   "style=\"background:rgba(%s,%.2f)\">%s</td>",
					m[j].year, m[j].month, (qts_num_format(m[j].ret, v), v),
					m[j].ret < 0 ? "200,30,30" : "20,150,40", a, t);
				j++;
			} else {
				fputs("<td></td>", f);
			}
		}
		qts_percent_text(y[i].ret, 1, "", t, sizeof t);
		if (!isfinite(y[i].ret)) {
			fprintf(f, "<td class=\"y\" data-year=\"%d\" data-v=\"\"><b>-</b></td></tr>\n", y[i].year);
			continue;
		}
		fprintf(f, "<td class=\"y %s\" data-year=\"%d\" data-v=\"%s\"><b>%s</b></td></tr>\n",
			y[i].ret < 0 ? "neg" : "pos", y[i].year, (qts_num_format(y[i].ret, v), v), t);
	}
	fputs("</table></div>\n<p class=\"note\">Returns in percent, compounded over each month "
	      "and year of session days.</p>\n",
	      f);
}

/* The UTC date of a time, as the trades CSV gives it. */
static void date_of(int64_t ts, char *buf, size_t size)
{
	qts_day_text(qts_floor_div(ts, QTS_NS_PER_DAY), buf, size);
}

void qts_table_trips(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	if (!run->ntrips) {
		fputs("<p class=\"note\">No round trip was closed.</p>\n", f);
		return;
	}
	size_t from = run->ntrips > MAX_TRIPS ? run->ntrips - MAX_TRIPS : 0;
	if (from)
		fprintf(f, "<p class=\"note\">The last %d of %zu round trips "
			   "(qts-report --trades writes them all).</p>\n",
			MAX_TRIPS, run->ntrips);
	fputs("<div class=\"scroll tall\"><table class=\"trips\"><tr><th class=\"l\">Symbol</th>"
	      "<th class=\"l\">Side</th><th>Qty</th><th class=\"l\">Entry</th>"
	      "<th class=\"l\">Exit</th><th>Entry price</th><th>Exit price</th>"
	      "<th>Commission</th><th>P&amp;L</th><th>Return</th><th>Days</th></tr>\n",
	      f);
	for (size_t i = from; i < run->ntrips; i++) {
		const qts_trip *t = &run->trips[i];
		char a[16], b[16], v[40], q[40], ep[48], xp[48], c[48], pnl[48], r[48], d[48];
		date_of(t->entry_ts, a, sizeof a);
		date_of(t->exit_ts, b, sizeof b);
		qts_num_format(t->pnl, v);
		/* the figures as the text report writes them: a pnl of 1e308
		 * in %.2f was a cell of 310 digits */
		qts_qty_text(t->qty, q, sizeof q);
		qts_price_text(t->entry_price, ep, sizeof ep);
		qts_price_text(t->exit_price, xp, sizeof xp);
		qts_fixed_text(t->commission, 2, "", c, sizeof c);
		qts_fixed_text(t->pnl, 2, "", pnl, sizeof pnl);
		qts_percent_text(t->ret, 2, "%", r, sizeof r);
		qts_fixed_text(((double)t->exit_ts - (double)t->entry_ts) / (double)QTS_NS_PER_DAY, 1, "", d,
			       sizeof d);
		fputs("<tr class=\"trip\" data-pnl=\"", f);
		fputs(v, f);
		fputs("\"><td class=\"l\">", f);
		qts_html_str(f, t->symbol);
		fprintf(f, "</td><td class=\"l\">%s</td><td>%s</td><td class=\"l\">%s</td>"
			   "<td class=\"l\">%s</td><td>%s</td><td>%s</td><td>%s</td>"
			   "<td class=\"%s\">%s</td><td>%s</td><td>%s</td></tr>\n",
			t->dir > 0 ? "long" : "short", q, a, b, ep, xp, c, t->pnl < 0 ? "neg" : "pos", pnl, r,
			d);
	}
	fputs("</table></div>\n", f);
}

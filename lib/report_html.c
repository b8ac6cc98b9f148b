/* report_html.c — the tearsheet: one self-contained HTML page, inline CSS
 * and SVG, no script and no address of anything outside it, so it opens
 * the same offline, in mail and on a phone.  Its cards flow in a grid: two
 * columns on a wide screen, one on a phone, each chart scaled by its
 * viewBox to its card.  The parts are report_html_*.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report_html_priv.h"

static const char style[] =
	"*{box-sizing:border-box}"
	"body{margin:0;font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",sans-serif;color:#1d2330;"
	"background:#f3f4f7}"
	"main{max-width:1400px;margin:0 auto;padding:16px}"
	"header{padding:4px 4px 12px}h1{font-size:22px;margin:0 0 4px}"
	"h2{font-size:15px;margin:0 0 8px;font-weight:600}"
	".sub,.note{color:#5b6170;margin:6px 0 0;font-size:13px}"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,600px),1fr));"
	"gap:14px;align-items:start}"
	".card{background:#fff;border:1px solid #dfe2e8;border-radius:8px;padding:12px 14px;"
	"min-width:0}"
	".stack{display:flex;flex-direction:column;gap:14px;min-width:0}"
	".wide{grid-column:1/-1}.n{display:none}"
	"svg.chart{display:block;width:100%;height:auto;overflow:hidden}"
	".chart text{font-size:12px;fill:#5b6170}"
	".chart .grid{stroke:#e6e8ee;stroke-width:1}.chart .axis{stroke:#9aa0ab;stroke-width:1}"
	".chart .ddp{fill:rgba(200,30,30,.10)}"
	".legend{margin:0 0 4px;font-size:13px;color:#3a4050}"
	".legend span{display:inline-block;margin-right:14px;white-space:nowrap}"
	".legend i{display:inline-block;width:14px;height:10px;margin-right:5px;"
	"vertical-align:middle;border-radius:2px}"
	".scroll{overflow-x:auto;max-width:100%}.scroll.tall{max-height:640px;overflow-y:auto}"
	"table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}"
	"td,th{padding:3px 8px;text-align:right;border-bottom:1px solid #eceef2;white-space:nowrap}"
	"th{background:#f6f7f9;font-weight:600;position:sticky;top:0}"
	"td.l,th.l{text-align:left}td.sub{padding-left:22px;color:#5b6170}"
	"tr.top td{border-top:2px solid #dfe2e8}tr.sum td{font-weight:600}"
	".heatmap td,.heatmap th{padding:3px 4px}.heatmap td.m{color:#111}.neg{color:#b3261e}.pos{color:#1e7b3c}"
	"@media (max-width:900px){.w{display:none}.n{display:block}}"
	"@media (max-width:640px){main{padding:8px}.grid{gap:10px}"
	".card{padding:10px 8px}body{font-size:13px}"
	/* drawn text scales with the chart: larger units keep it legible */
	".chart text{font-size:19px}td,th{padding:3px 5px}}\n";

static void header(FILE *f, const qts_page *p)
{
	const qts_run *run = p->run;
	fputs("<header><h1>qts report</h1><p class=\"sub\">", f);
	qts_html_str(f, run->name);
	if (run->npt) {
		char a[16], b[16];
		qts_day_text(run->pt[0].day, a, sizeof a);
		qts_day_text(run->pt[run->npt - 1].day, b, sizeof b);
		fprintf(f, " &middot; %s to %s &middot; %zu daily returns", a, b, p->nr);
	}
	if (run->benchmark) {
		fputs(" &middot; benchmark ", f);
		qts_html_str(f, run->benchmark);
	}
	char pe[40];
	/* as given, not in %g's 6 digits (--periods 1234567 was 1.23457e+06);
	 * the rate, from -99% to 1000%, is all in %g's */
	qts_num_format(run->periods, pe);
	fprintf(f, " &middot; annualisation %s, risk-free %g%%</p></header>\n", pe, run->risk_free * 100);
}

static void free_page(qts_page *p)
{
	free(p->r);
	free(p->f);
	free(p->monthly);
	free(p->yearly);
	free(p->byearly);
}

/* Returns, and the monthly and yearly returns of the strategy and the
 * benchmark; 0 or -1. */
static int page_init(qts_page *p, const qts_run *run)
{
	size_t n = run->npt ? run->npt : 1;
	memset(p, 0, sizeof *p);
	p->run = run;
	p->rf = qts_risk_free_per_period(run->risk_free, run->periods);
	if (qts_perf_returns(run->pt, run->npt, &p->r, &p->f, &p->nr) < 0)
		return -1;
	p->monthly = malloc(n * sizeof *p->monthly);
	p->yearly = malloc(n * sizeof *p->yearly);
	p->byearly = malloc(n * sizeof *p->byearly);
	if (!p->monthly || !p->yearly || !p->byearly)
		return -1;
	p->nmonthly = qts_period_returns(run->pt, run->npt, 1, p->monthly);
	p->nyearly = qts_period_returns(run->pt, run->npt, 0, p->yearly);
	if (run->benchmark && run->npt && isfinite(run->pt[0].bench)) {
		/* the benchmark's years over the same days (and no further
		 * than the strategy's returns go) */
		qts_point *bp = malloc(n * sizeof *bp);
		if (!bp)
			return -1;
		size_t m = p->nr + 1 < run->npt ? p->nr + 1 : run->npt;
		for (size_t i = 0; i < m; i++) {
			bp[i] = run->pt[i];
			bp[i].equity = run->pt[i].bench;
		}
		p->nbyearly = qts_period_returns(bp, m, 0, p->byearly);
		free(bp);
	}
	return 0;
}

int qts_report_html(FILE *f, const qts_run *run)
{
	qts_page p;
	if (page_init(&p, run) < 0) {
		free_page(&p);
		return -1;
	}
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	      "<title>qts report",
	      f);
	if (run->name) {
		fputs(" &ndash; ", f);
		qts_html_str(f, run->name);
	}
	fprintf(f, "</title>\n<style>%s</style></head>\n<body><main>\n", style);
	header(f, &p);
	fputs("<div class=\"grid\">\n", f);
	int bad = qts_chart_equity(f, &p) < 0 || qts_chart_underwater(f, &p) < 0;
	if (!bad) {
		fputs("<section class=\"card\" id=\"metrics\"><h2>Metrics</h2>\n", f);
		qts_table_metrics(f, &p);
		/* beside the long metrics table, a column of shorter parts */
		fputs("</section>\n<div class=\"stack\">\n<section class=\"card\" id=\"drawdowns\">"
		      "<h2>Worst drawdowns</h2>\n",
		      f);
		qts_table_drawdowns(f, &p);
		fputs("</section>\n", f);
		bad = qts_chart_yearly(f, &p) < 0;
	}
	if (!bad) {
		fputs("<section class=\"card\" id=\"monthly\"><h2>Monthly returns (%)</h2>\n", f);
		qts_table_monthly(f, &p);
		fputs("</section>\n</div>\n", f);
		bad = qts_chart_histogram(f, &p) < 0 || qts_chart_rolling(f, &p) < 0 ||
		      qts_chart_exposure(f, &p) < 0 || qts_chart_contribution(f, &p) < 0 ||
		      qts_chart_trade_pnl(f, &p) < 0;
	}
	if (!bad) {
		fputs("<section class=\"card wide\" id=\"trips\"><h2>Round trips</h2>\n", f);
		qts_table_trips(f, &p);
		fputs("</section>\n", f);
	}
	fputs("</div>\n</main></body></html>\n", f);
	free_page(&p);
	if (bad) {
		errno = ENOMEM;
		return -1;
	}
	return ferror(f) ? -1 : 0;
}

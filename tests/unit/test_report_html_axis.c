/* The tearsheet's axes: round 1-2-5 steps, log ticks, date ticks and
 * labels, and the histogram and rolling windows the page draws.  Expected
 * values are worked by hand from the rules in report_html_priv.h. */
#include "report_html_priv.h"
#include "tap.h"

#include <stdlib.h>

static void ticks_str(const double *v, size_t n, char *buf, size_t size)
{
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%g", i ? " " : "", v[i]);
}

static void nice(void)
{
	CHECK_NEAR(qts_nice_step(1, 5), 0.2, 1e-15, "1 in 5 steps: 0.2");
	CHECK_NEAR(qts_nice_step(0.3, 3), 0.1, 1e-15, "0.3 in 3 steps: 0.1, not 0.2 (binary 0.3/3)");
	CHECK_NEAR(qts_nice_step(7, 6), 2, 1e-15, "7 in 6 steps: 2");
	CHECK_NEAR(qts_nice_step(2600000, 6), 500000, 1e-15, "2.6M in 6 steps: 500k");
	CHECK_NEAR(qts_nice_step(0.6, 6), 0.1, 1e-15, "0.6 in 6 steps: 0.1");
	CHECK_NEAR(qts_nice_step(0.61, 6), 0.2, 1e-15, "0.61 in 6 steps: 0.2");
	double t[16], step;
	char buf[256];
	size_t n = qts_nice_ticks(-0.57, 0, 6, t, 16, &step);
	ticks_str(t, n, buf, sizeof buf);
	CHECK_STR(buf, "-0.5 -0.4 -0.3 -0.2 -0.1 0", "drawdown ticks, no -0");
	n = qts_nice_ticks(95000, 131000, 6, t, 16, &step);
	ticks_str(t, n, buf, sizeof buf);
	CHECK_STR(buf, "100000 110000 120000 130000", "equity ticks of 10k");
	n = qts_log_ticks(70000, 2600000, 7, t, 16);
	ticks_str(t, n, buf, sizeof buf);
	CHECK_STR(buf, "100000 200000 500000 1e+06 2e+06", "log ticks 1-2-5");
	n = qts_log_ticks(1, 1e6, 7, t, 16);
	ticks_str(t, n, buf, sizeof buf);
	CHECK_STR(buf, "1 10 100 1000 10000 100000 1e+06", "log ticks: powers of ten");
	n = qts_log_ticks(1, 1e9, 7, t, 16);
	ticks_str(t, n, buf, sizeof buf);
	CHECK_STR(buf, "1 100 10000 1e+06 1e+08", "log ticks: every other power");
	n = qts_log_ticks(105, 180, 7, t, 16);
	ticks_str(t, n, buf, sizeof buf);
	CHECK_STR(buf, "120 140 160 180", "log ticks within a decade: round linear ones");
	/* 616 decades: every 128th, not linear ticks from 0 */
	n = qts_log_ticks(1e-308, 1e308, 7, t, 16);
	ticks_str(t, n, buf, sizeof buf);
	CHECK_STR(buf, "1e-256 1e-128 1 1e+128 1e+256", "log ticks over 616 decades: every 128th power");
	/* a range past double's, -1e308 to 1e308: points in the chart */
	qts_hc hc;
	qts_hc_init(&hc, -1e308, 1e308, -1e308, 1e308, 0);
	CHECK(isfinite(qts_hc_y(&hc, 0)) && fabs(qts_hc_y(&hc, 1e308) - hc.t) < 1e-9 &&
		      isfinite(qts_hc_x(&hc, 1e308)) && qts_hc_x(&hc, 1e308) > qts_hc_x(&hc, 0),
	      "a chart from -1e308 to 1e308: its points finite, not 0 / inf");
}

static void labels(void)
{
	char b[32];
	qts_value_label(1e6, 1e6, QTS_AX_MONEY, b, sizeof b);
	CHECK_STR(b, "1M", "1M");
	qts_value_label(1.5e6, 5e5, QTS_AX_MONEY, b, sizeof b);
	CHECK_STR(b, "1.5M", "1.5M");
	qts_value_label(250000, 50000, QTS_AX_MONEY, b, sizeof b);
	CHECK_STR(b, "250k", "250k");
	qts_value_label(900, 100, QTS_AX_MONEY, b, sizeof b);
	CHECK_STR(b, "900", "below a thousand: plain");
	qts_value_label(-0.25, 0.05, QTS_AX_PCT, b, sizeof b);
	CHECK_STR(b, "-25%", "-25%");
	qts_value_label(0.015, 0.005, QTS_AX_PCT, b, sizeof b);
	CHECK_STR(b, "1.5%", "1.5%");
	qts_value_label(-0.0, 0.5, QTS_AX_NUM, b, sizeof b);
	CHECK_STR(b, "0.0", "no -0");
	/* a label in fixed point past 1e15 did not fit the buffer: cut to
	 * its first digits, it read as a number 1e280 times too small */
	qts_value_label(1e308, 5e307, QTS_AX_MONEY, b, sizeof b);
	CHECK_STR(b, "1.000e+308", "1e308: exponent notation, not 31 of its digits");
	qts_value_label(1e300, 5e299, QTS_AX_PCT, b, sizeof b);
	CHECK_STR(b, "1.000e+302%", "1e302%: exponent notation");
	qts_value_label(1e-256, 1e-256, QTS_AX_MONEY, b, sizeof b);
	CHECK_STR(b, "1.000e-256", "1e-256: exponent notation, not 0.00000000");
	qts_value_label(2e30, 1e30, QTS_AX_NUM, b, sizeof b);
	CHECK_STR(b, "2.000e+30", "2e30: exponent notation");
}

static void dates(void)
{
	int64_t t[16];
	int unit;
	char b[32];
	int64_t d0 = qts_days_from_civil(1995, 1, 3), d1 = qts_days_from_civil(2014, 12, 31);
	size_t n = qts_date_ticks(d0, d1, 6, t, 16, &unit);
	CHECK(unit == QTS_DT_YEAR && n == 3, "twenty years: years, every 5: 3 ticks");
	qts_date_label(t[0], unit, b, sizeof b);
	CHECK_STR(b, "2000", "first tick 2000");
	d0 = qts_days_from_civil(2003, 1, 2);
	d1 = qts_days_from_civil(2005, 12, 30);
	n = qts_date_ticks(d0, d1, 6, t, 16, &unit);
	qts_date_label(t[0], unit, b, sizeof b);
	CHECK(unit == QTS_DT_MONTH && n == 5, "three years: every 6 months");
	CHECK_STR(b, "Jul 2003", "first tick Jul 2003");
	d0 = qts_days_from_civil(2024, 1, 2);
	d1 = qts_days_from_civil(2024, 1, 12);
	n = qts_date_ticks(d0, d1, 6, t, 16, &unit);
	qts_date_label(t[1], unit, b, sizeof b);
	CHECK(unit == QTS_DT_DAY && n == 6, "ten days: every 2 days");
	CHECK_STR(b, "4 Jan", "second tick 4 Jan");
}

static void figures(void)
{
	static const double v[] = {-0.011, -0.004, 0, 0.001, 0.0049, 0.005, 0.012};
	qts_hist h;
	/* a span past double's range: bins of width 1 counted from inf */
	static const double wide[] = {1e308, -1e308, 0};
	CHECK(qts_histogram(wide, 3, 40, &h) == 0 && h.overflow && h.nbins == 0 && isnan(h.mean),
	      "histogram of an inf span: none, not bins cast from inf");
	free(h.count);
	/* a sum past it, of values in range */
	double same[20];
	for (int i = 0; i < 20; i++)
		same[i] = 1e307;
	CHECK(qts_histogram(same, 20, 40, &h) == 0 && h.overflow && isnan(h.mean),
	      "histogram whose sum overflows: none, not a mean of inf");
	free(h.count);
	CHECK(qts_histogram(v, 7, 10, &h) == 0, "histogram");
	CHECK_NEAR(h.width, 0.005, 1e-15, "a width of 0.5% for a span of 2.3% in 10");
	CHECK_NEAR(h.lo, -0.015, 1e-15, "the first edge a multiple of the width");
	long sum = 0;
	for (size_t k = 0; k < h.nbins; k++)
		sum += h.count[k];
	CHECK(sum == 7 && h.n == 7 && h.nbins == 6, "every value in one of 6 bins");
	CHECK(h.count[2] == 1 && h.count[3] == 3 && h.count[4] == 1,
	      "0 and 0.0049 share a bin; 0.005 is the next's");
	free(h.count);
	CHECK(qts_roll_window(252, 252) == 126 && qts_roll_window(251, 252) == 21,
	      "half a year from a year of returns on, a month before");
	CHECK(qts_roll_window(52, 52) == 26, "weekly periods: 26");
	static const double r[] = {0.01, -0.02, 0.015, 0.003}, f[] = {0.005, -0.01, 0.01, 0.002};
	double out[4];
	qts_roll_beta(r, f, 4, 3, 0, out);
	CHECK(isnan(out[0]) && isnan(out[1]), "no beta before the window is full");
	CHECK_NEAR(out[3], qts_m_beta(r + 1, f + 1, 3, 0), 1e-15, "the window ending at the day");
	qts_roll_volatility(r, 4, 2, 252, out);
	CHECK_NEAR(out[1], fabs(0.01 + 0.02) / sqrt(2) * sqrt(252), 1e-12, "volatility of two returns");
}

int main(void)
{
	nice();
	labels();
	dates();
	figures();
	return tap_done();
}

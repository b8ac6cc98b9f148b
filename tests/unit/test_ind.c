/* test_ind.c — the indicator registry, option checks, and every indicator
 * against TA-Lib's own output (talib.js 0.1.0, TA-Lib's C code compiled to
 * WebAssembly; tests/fixtures/ind/gen.js made the files). */
#include "tap.h"
#include "ind_fixture.h"

#define REF_TOL 1e-12
/* TA-Lib's var, stddev and bbands take the mean of squares less the
 * squared mean, its cci the mean of a buffer summed in its own order, and
 * its mfi slides plain running sums: all round, up to 1.4e-10 relative off
 * the exact variance of these series (measured against exact rational
 * arithmetic), where qts's exact sums are within an ulp or two of it
 * (test_ind_exact.c).  So those five and ad are held to TA-Lib at 1e-9 (an mfi of
 * -2.5e-12 where no money flowed in is TA-Lib's drift), and on a flat
 * window, where TA-Lib's deviation is rounding noise (a stddev of
 * 9.7e-06, a cci of -66.7), to the exact answer. */
#define NOISY_TOL 1e-9

static char msg[256];

static void test_registry(void)
{
	size_t n;
	const qts_ind_info *t = qts_ind_table(&n);
	int sorted = 1, outs = 1, found = 1, inputs = 1, opts = 1;
	int idx;

	CHECK(n == 34, "registry: 34 indicators");
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(t[i - 1].name, t[i].name) >= 0)
			sorted = 0;
		if (t[i].noutputs < 1 || t[i].noutputs > 3 || !t[i].summary || !*t[i].summary)
			outs = 0;
		if (t[i].noutputs == 1 && strcmp(t[i].outputs[0], t[i].name) != 0)
			outs = 0;
		if (qts_ind_find(t[i].name) != &t[i])
			found = 0;
		for (int k = 0; k < t[i].noutputs; k++) {
			const qts_ind_info *o = qts_ind_find_output(t[i].outputs[k], &idx);
			if (o != &t[i] || idx != k)
				found = 0;
		}
		for (int k = 0; k < t[i].ninputs; k++) {
			const char *in = t[i].inputs[k];
			if (strcmp(in, "open") && strcmp(in, "high") && strcmp(in, "low") &&
			    strcmp(in, "close") && strcmp(in, "volume") && strcmp(in, "ts"))
				inputs = 0;
		}
		for (int k = 0; k < t[i].noptions; k++)
			if (!(t[i].min[k] <= t[i].defaults[k] && t[i].defaults[k] <= t[i].max[k]))
				opts = 0;
	}
	CHECK(sorted, "registry: sorted by name, no duplicates");
	CHECK(outs, "registry: every entry has outputs and a summary; single outputs named as the indicator");
	CHECK(found, "registry: find and find_output give back every entry and output");
	CHECK(inputs, "registry: inputs are bar fields");
	CHECK(opts, "registry: defaults within their ranges");
	CHECK(qts_ind_find("nosuch") == NULL && qts_ind_find("") == NULL &&
		      qts_ind_find("SMA") == NULL,
	      "find: unknown names give NULL");
	CHECK(qts_ind_find_output("bbupper", &idx) == qts_ind_find("bbands") && idx == 0,
	      "find_output: bbupper is bbands 0");
	CHECK(qts_ind_find_output("bblower", &idx) == qts_ind_find("bbands") && idx == 2,
	      "find_output: bblower is bbands 2");
	CHECK(qts_ind_find_output("sma", &idx) == qts_ind_find("sma") && idx == 0,
	      "find_output: sma is sma 0");
	CHECK(qts_ind_find_output("macdsignal", &idx) == qts_ind_find("macd") && idx == 1,
	      "find_output: macdsignal is macd 1");
	CHECK(qts_ind_find_output("macdhist", &idx) == qts_ind_find("macd") && idx == 2,
	      "find_output: macdhist is macd 2");
	CHECK(qts_ind_find_output("stochk", &idx) == qts_ind_find("stoch") && idx == 0,
	      "find_output: stochk is stoch 0");
	CHECK(qts_ind_find_output("fastd", &idx) == qts_ind_find("stochf") && idx == 1,
	      "find_output: fastd is stochf 1");
	CHECK(qts_ind_find_output("aroonup", &idx) == qts_ind_find("aroon") && idx == 0,
	      "find_output: aroonup is aroon 0");
	CHECK(qts_ind_find_output("aroondown", &idx) == qts_ind_find("aroon") && idx == 1,
	      "find_output: aroondown is aroon 1");
	CHECK(qts_ind_find_output("bbands", &idx) == NULL, "find_output: an indicator name with no such output is NULL");
}

static void test_options(void)
{
	size_t n;
	const qts_ind_info *t = qts_ind_table(&n);
	char err[QTS_IND_ERRMAX];
	int defaults = 1, low = 1, high = 1, frac = 1, nan_ = 1, edges = 1;

	for (size_t i = 0; i < n; i++) {
		qts_ind *ind = qts_ind_new(&t[i], NULL, err);
		if (!ind)
			defaults = 0;
		qts_ind_free(ind);
		for (int k = 0; k < t[i].noptions; k++) {
			double o[4];
			memcpy(o, t[i].defaults, sizeof o);
			o[k] = t[i].min[k];
			if (!(ind = qts_ind_new(&t[i], o, err)))
				edges = 0;
			qts_ind_free(ind);
			o[k] = t[i].max[k];
			if (t[i].max[k] <= 100000) {
				if (!(ind = qts_ind_new(&t[i], o, err)))
					edges = 0;
				qts_ind_free(ind);
			}

			o[k] = t[i].min[k] - 1 - fabs(t[i].min[k]);
			err[0] = 0;
			if (qts_ind_new(&t[i], o, err) || !strstr(err, t[i].options[k]) ||
			    !strstr(err, "out of range"))
				low = 0;
			o[k] = t[i].max[k] * 2 + 1;
			err[0] = 0;
			if (qts_ind_new(&t[i], o, err) || !strstr(err, "out of range"))
				high = 0;
			o[k] = NAN;
			err[0] = 0;
			if (qts_ind_new(&t[i], o, err) || !strstr(err, t[i].options[k]))
				nan_ = 0;
			if (strstr(t[i].options[k], "period")) {
				o[k] = t[i].defaults[k] + 0.5;
				err[0] = 0;
				if (qts_ind_new(&t[i], o, err) || !strstr(err, "not an integer"))
					frac = 0;
			}
		}
	}
	CHECK(defaults, "new: every indicator builds with its defaults");
	CHECK(edges, "new: every option accepts its min and (small) max");
	CHECK(low, "new: below min is rejected, naming the option");
	CHECK(high, "new: above max is rejected");
	CHECK(nan_, "new: NaN options are rejected");
	CHECK(frac, "new: fractional periods are rejected");

	double o[1] = { 1 };
	CHECK(qts_ind_new(qts_ind_find("sma"), o, err) == NULL, "new: sma period 1 rejected");
	CHECK_STR(err, "sma: period 1 out of range [2, 100000]", "new: the message names indicator, option, value, range");
	o[0] = 2.5;
	CHECK(qts_ind_new(qts_ind_find("rsi"), o, err) == NULL, "new: rsi period 2.5 rejected");
	CHECK_STR(err, "rsi: period 2.5 is not an integer", "new: the integer message");
	double b[3] = { 5, -1, 3 };
	qts_ind *ind = qts_ind_new(qts_ind_find("bbands"), b, err);
	CHECK(ind && qts_ind_lookback(ind) == 4, "new: bbands takes negative and fractional deviations");
	qts_ind_free(ind);
}

static int deviation(const char *ind)
{
	return !strcmp(ind, "var") || !strcmp(ind, "stddev") || !strcmp(ind, "bbands") ||
	       !strcmp(ind, "cci");
}

/* and ad, whose running sum TA-Lib keeps plain: over ORCL's 5036 days
 * from 1995 it drifts 1.2e-11 relative off the exact sum, which qts's
 * compensated one keeps to an ulp */
static int noisy(const char *ind) { return deviation(ind) || !strcmp(ind, "mfi") || !strcmp(ind, "ad"); }

/* For var, stddev, bbands and cci: whether the window of bar i is flat, and then the
 * exact outputs (no deviation; cci's 0 for no spread). */
static int flat_window(const struct series *s, const struct ref *r, int i, double want[3])
{
	int p = (int)r->opt[0], cci = !strcmp(r->ind, "cci");
	double first = 0;

	if (i < p - 1)
		return 0;
	for (int j = i - p + 1; j <= i; j++) {
		double x = cci ? (s->col[1][j] + s->col[2][j] + s->col[3][j]) / 3 : s->col[3][j];
		if (j == i - p + 1)
			first = x;
		else if (x != first)
			return 0;
	}
	want[0] = want[1] = want[2] = !strcmp(r->ind, "bbands") ? first : 0;
	return 1;
}

/* One reference file: lookback, warm-up, every output at every bar, and a
 * second instance fed the same bars agreeing exactly. */
static void test_ref(const struct series *s, const char *file)
{
	static struct ref r;
	static double out[FIX_MAXBARS][3], out2[FIX_MAXBARS][3];
	static int ok[FIX_MAXBARS], ok2[FIX_MAXBARS];
	char err[QTS_IND_ERRMAX];
	const qts_ind_info *info;
	qts_ind *a, *b;

	if (fix_ref(&r, file) < 0 || !(info = qts_ind_find(r.ind))) {
		snprintf(msg, sizeof msg, "%s: readable, names an indicator", file);
		CHECK(0, msg);
		return;
	}
	snprintf(msg, sizeof msg, "%s: %d rows and %d options for %s", file, r.n, r.nopt, r.ind);
	CHECK(r.n == s->n && r.nopt == info->noptions, msg);
	a = qts_ind_new(info, r.opt, err);
	b = qts_ind_new(info, r.opt, err);
	if (!CHECK(a && b, file))
		return;
	snprintf(msg, sizeof msg, "%s: lookback %d", file, r.lookback);
	CHECK(qts_ind_lookback(a) == r.lookback, msg);
	fix_run(a, s, out, ok);
	fix_run(b, s, out2, ok2);

	int warm = 1, bad = -1, badk = 0, same = 1, nflat = 0;
	double tol = noisy(r.ind) ? NOISY_TOL : REF_TOL;
	for (int i = 0; i < s->n; i++) {
		double flat[3];
		int isflat = deviation(r.ind) && flat_window(s, &r, i, flat);
		if (isflat) {
			nflat++;
			memcpy(r.out[i], flat, sizeof flat);
		}
		if (ok[i] != (i >= r.lookback))
			warm = 0;
		for (int k = 0; k < info->noutputs; k++) {
			if (bad < 0 && !(isflat ? out[i][k] == r.out[i][k]
						: fix_near(out[i][k], r.out[i][k], tol))) {
				bad = i;
				badk = k;
			}
			if (memcmp(&out[i][k], &out2[i][k], sizeof(double)) != 0 || ok[i] != ok2[i])
				same = 0;
		}
	}
	snprintf(msg, sizeof msg, "%s: warm-up is exactly the lookback", file);
	CHECK(warm, msg);
	if (deviation(r.ind))
		snprintf(msg, sizeof msg, "%s: equals TA-Lib at every bar within %g, exact on its %d flat windows",
			 file, tol, nflat);
	else
		snprintf(msg, sizeof msg, "%s: equals TA-Lib at every bar within %g", file, tol);
	if (!CHECK(bad < 0, msg))
		printf("#   bar %d %s: got %.17g want %.17g\n", bad, info->outputs[badk],
		       out[bad][badk], r.out[bad][badk]);
	snprintf(msg, sizeof msg, "%s: two instances fed alike agree", file);
	CHECK(same, msg);

	/* reset gives a fresh indicator */
	qts_ind_reset(a);
	fix_run(a, s, out2, ok2);
	same = 1;
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < info->noutputs; k++)
			if (memcmp(&out[i][k], &out2[i][k], sizeof(double)) != 0 || ok[i] != ok2[i])
				same = 0;
	snprintf(msg, sizeof msg, "%s: after qts_ind_reset the same outputs again", file);
	CHECK(same, msg);
	qts_ind_free(a);
	qts_ind_free(b);
}

static void test_series(const char *name)
{
	static struct series s;
	char *files[256];
	int n;

	snprintf(msg, sizeof msg, "fixture %s.txt loads", name);
	if (!CHECK(fix_series(&s, name) == 0, msg))
		return;
	n = fix_list(name, files, 256);
	snprintf(msg, sizeof msg, "%s: reference files for all 34 indicators", name);
	{
		size_t ni;
		const qts_ind_info *t = qts_ind_table(&ni);
		int all = 1;
		for (size_t i = 0; i < ni; i++) {
			char want[64];
			int have = 0;
			snprintf(want, sizeof want, "%s-%s-0.txt", name, t[i].name);
			for (int j = 0; j < n; j++)
				have |= strcmp(files[j], want) == 0;
			all &= have;
		}
		CHECK(all, msg);
	}
	for (int j = 0; j < n; j++) {
		test_ref(&s, files[j]);
		free(files[j]);
	}
}

/* vwap restarts when the UTC date of ts changes, and on qts_ind_reset. */
static void test_vwap(void)
{
	char err[QTS_IND_ERRMAX];
	qts_ind *v = qts_ind_new(qts_ind_find("vwap"), NULL, err);
	const double day = 86400e9, t0 = 19723 * day; /* 2024-01-01 */
	double out[1];
	double b1[5] = { 11, 9, 10, 100, t0 + 3600e9 };
	double b2[5] = { 22, 18, 20, 300, t0 + day - 1e9 };
	double b3[5] = { 31, 29, 30, 50, t0 + day };
	double b4[5] = { 41, 39, 40, 0, t0 + 2 * day };

	CHECK(qts_ind_lookback(v) == 0, "vwap: lookback 0");
	CHECK(qts_ind_update(v, b1, out) == 1 && out[0] == 10, "vwap: first bar is its typical price");
	qts_ind_update(v, b2, out);
	CHECK_NEAR(out[0], (10 * 100 + 20 * 300) / 400.0, 1e-12, "vwap: volume-weighted within the day");
	qts_ind_update(v, b3, out);
	CHECK(out[0] == 30, "vwap: midnight UTC starts a new day");
	qts_ind_update(v, b4, out);
	CHECK(out[0] == 40, "vwap: no volume yet gives the typical price");
	qts_ind_reset(v);
	qts_ind_update(v, b2, out);
	CHECK(out[0] == 20, "vwap: qts_ind_reset starts over");
	qts_ind_free(v);
}

/* linearreg keeps running sums: over a long stream of large prices they
 * must stay within the reference tolerance of the window summed afresh
 * as TA-Lib sums it, and a NaN must leave with its bar. */
static void test_linearreg_long(void)
{
	enum { NBAR = 200000 };
	static const int periods[] = { 2, 14, 50, 333 };
	char err[QTS_IND_ERRMAX];
	static double y[NBAR];
	double worst = 0, out[1];
	unsigned long long seed = 12345;

	y[0] = 10000;
	for (int i = 1; i < NBAR; i++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		y[i] = y[i - 1] * (1 + ((double)(seed >> 11) / 9007199254740992.0 - 0.5) * 0.01);
	}
	for (size_t k = 0; k < sizeof periods / sizeof *periods; k++) {
		int p = periods[k];
		double o[1] = { p };
		qts_ind *x = qts_ind_new(qts_ind_find("linearreg"), o, err);
		double sumx = p * (p - 1) * 0.5;
		double divisor = sumx * sumx - p * ((double)p * (p - 1) * (2 * p - 1) / 6);
		for (int i = 0; i < NBAR; i++) {
			int ok = qts_ind_update(x, &y[i], out);
			if (i < p - 1)
				continue;
			double sy = 0, sxy = 0;
			for (int a = p; a-- != 0;) {
				sy += y[i - a];
				sxy += (double)a * y[i - a];
			}
			double m = (p * sxy - sumx * sy) / divisor;
			double want = (sy - m * sumx) / p + m * (p - 1);
			double rel = fabs(out[0] - want) / fabs(want);
			if (!ok || !(rel <= worst))
				worst = ok ? rel : INFINITY;
		}
		qts_ind_free(x);
	}
	snprintf(msg, sizeof msg, "linearreg: 200000 bars, periods 2 to 333, within 1e-9 of the window summed afresh (worst %.1e)", worst);
	CHECK(worst <= 1e-9, msg);

	double o[1] = { 3 }, v[] = { 1, 2, NAN, 4, 5, 6, 7, 8, 9 };
	qts_ind *x = qts_ind_new(qts_ind_find("linearreg"), o, err);
	int good = 1;
	for (int i = 0; i < 9; i++) {
		int ok = qts_ind_update(x, &v[i], out);
		if (i >= 5 && !(ok && fabs(out[0] - v[i]) < 1e-12))
			good = 0;
	}
	CHECK(good, "linearreg: a NaN leaves the sums with its bar");
	qts_ind_free(x);
}

/* TA-Lib's MACD with a signal period of 1 inherits TA_EMA_Lookback(1) = -1
 * and misaligns its output; here an EMA of 1 is the identity. */
static void test_macd_signal1(void)
{
	char err[QTS_IND_ERRMAX];
	double o[3] = { 3, 5, 1 }, out[3], x;
	qts_ind *m = qts_ind_new(qts_ind_find("macd"), o, err);
	int good = 1;

	CHECK(m && qts_ind_lookback(m) == 4, "macd 3 5 1: lookback is slow - 1");
	for (int i = 0; i < 20; i++) {
		x = 10 + (i * 7 % 5);
		if (qts_ind_update(m, &x, out) != (i >= 4) ||
		    (i >= 4 && !(out[1] == out[0] && out[2] == 0)))
			good = 0;
	}
	CHECK(good, "macd 3 5 1: the signal is the macd line");
	qts_ind_free(m);

	qts_ind_info copy = *qts_ind_find("sma");
	m = qts_ind_new(&copy, NULL, err);
	CHECK(m && qts_ind_info_of(m) == qts_ind_find("sma") && qts_ind_lookback(m) == 29,
	      "new: a copy of an entry resolves to the registry's");
	qts_ind_free(m);
	copy.name = "nosuch";
	CHECK(qts_ind_new(&copy, NULL, err) == NULL, "new: an unknown info is refused");
	CHECK_STR(err, "nosuch: no such indicator", "new: the unknown-indicator message");
}

int main(void)
{
	test_macd_signal1();
	test_registry();
	test_options();
	test_vwap();
	test_linearreg_long();
	test_series("orcl");
	test_series("synth");
	return tap_done();
}

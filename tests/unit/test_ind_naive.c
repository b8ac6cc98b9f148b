/* test_ind_naive.c — every indicator, fed bar by bar, against a naive batch
 * version written here from the textbook definitions (windows summed
 * afresh, two-pass variances), on the options of every reference file. */
#include "tap.h"
#include "ind_fixture.h"

#define TOL 1e-7
/* Variances come from exact sums (qts_sum.h): a two-pass variance agrees
 * closely, flat windows included (TA-Lib's mean of squares less squared
 * mean, which qts used to follow, left ~1e-11 there, ~1e-5 once rooted). */
#define SD_TOL 1e-12

typedef double out3[3];
static int N;
static const double *O, *H, *L, *C, *V, *TS;

static double wmean(const double *x, int from, int to) /* inclusive */
{
	double s = 0;
	for (int j = from; j <= to; j++)
		s += x[j];
	return s / (to - from + 1);
}

static double wvar(const double *x, int from, int to)
{
	double m = wmean(x, from, to), s = 0;
	for (int j = from; j <= to; j++)
		s += (x[j] - m) * (x[j] - m);
	return s / (to - from + 1);
}

static double whi(const double *x, int from, int to)
{
	double m = x[from];
	for (int j = from; j <= to; j++)
		m = x[j] > m ? x[j] : m;
	return m;
}

static double wlo(const double *x, int from, int to)
{
	double m = x[from];
	for (int j = from; j <= to; j++)
		m = x[j] < m ? x[j] : m;
	return m;
}

/* EMA of x starting at bar start, seeded with the mean of its first p. */
static void ema_arr(const double *x, int start, int p, double *e)
{
	double k = 2.0 / (p + 1);
	for (int i = 0; i < N; i++)
		e[i] = NAN;
	if (start + p - 1 >= N)
		return;
	e[start + p - 1] = wmean(x, start, start + p - 1);
	for (int i = start + p; i < N; i++)
		e[i] = e[i - 1] + k * (x[i] - e[i - 1]);
}

static void sma_arr(const double *x, int start, int p, double *m)
{
	for (int i = 0; i < N; i++)
		m[i] = i >= start + p - 1 ? wmean(x, i - p + 1, i) : NAN;
}

static double tp(int i) { return (H[i] + L[i] + C[i]) / 3; }

static double tr(int i)
{
	double a = H[i] - L[i], b = fabs(H[i] - C[i - 1]), c = fabs(L[i] - C[i - 1]);
	return a > b ? (a > c ? a : c) : (b > c ? b : c);
}

static void n_sma(const double *o, out3 *r) { for (int i = (int)o[0] - 1; i < N; i++) r[i][0] = wmean(C, i - (int)o[0] + 1, i); }

static void n_ema(const double *o, out3 *r)
{
	static double e[FIX_MAXBARS];
	ema_arr(C, 0, (int)o[0], e);
	for (int i = 0; i < N; i++) r[i][0] = e[i];
}

static void n_wma(const double *o, out3 *r)
{
	int p = (int)o[0];
	for (int i = p - 1; i < N; i++) {
		double s = 0;
		for (int j = 0; j < p; j++) s += (p - j) * C[i - j];
		r[i][0] = s / (p * (p + 1) / 2.0);
	}
}

static void n_dema_tema(const double *o, out3 *r, int tema)
{
	static double e1[FIX_MAXBARS], e2[FIX_MAXBARS], e3[FIX_MAXBARS];
	int p = (int)o[0];
	ema_arr(C, 0, p, e1);
	ema_arr(e1, p - 1, p, e2);
	ema_arr(e2, 2 * (p - 1), p, e3);
	for (int i = 0; i < N; i++)
		r[i][0] = tema ? 3 * e1[i] - 3 * e2[i] + e3[i] : 2 * e1[i] - e2[i];
}
static void n_dema(const double *o, out3 *r) { n_dema_tema(o, r, 0); }
static void n_tema(const double *o, out3 *r) { n_dema_tema(o, r, 1); }

static void n_kama(const double *o, out3 *r)
{
	int p = (int)o[0];
	double fast = 2.0 / 3, slow = 2.0 / 31, k = C[p - 1];
	for (int i = p; i < N; i++) {
		double vol = 0, er;
		for (int j = i - p + 1; j <= i; j++) vol += fabs(C[j] - C[j - 1]);
		er = vol < 1e-14 ? 1 : fabs(C[i] - C[i - p]) / vol;
		double sc = (er * (fast - slow) + slow) * (er * (fast - slow) + slow);
		k += sc * (C[i] - k);
		r[i][0] = k;
	}
}

static void n_rsi(const double *o, out3 *r)
{
	int p = (int)o[0];
	double g = 0, l = 0;
	for (int i = 1; i < N; i++) {
		double d = C[i] - C[i - 1], up = d > 0 ? d : 0, dn = d < 0 ? -d : 0;
		if (i <= p) {
			g += up / p;
			l += dn / p;
		} else {
			g = (g * (p - 1) + up) / p;
			l = (l * (p - 1) + dn) / p;
		}
		if (i >= p) r[i][0] = g + l < 1e-14 ? 0 : 100 * g / (g + l);
	}
}

static void n_macd(const double *o, out3 *r)
{
	static double f[FIX_MAXBARS], s[FIX_MAXBARS], m[FIX_MAXBARS], sig[FIX_MAXBARS];
	int fp = (int)o[0], sp = (int)o[1];
	if (sp < fp) { int t = sp; sp = fp; fp = t; }
	ema_arr(C, 0, sp, s);
	ema_arr(C, sp - fp, fp, f);
	for (int i = 0; i < N; i++) m[i] = f[i] - s[i];
	ema_arr(m, sp - 1, (int)o[2], sig);
	for (int i = 0; i < N; i++)
		if (!isnan(sig[i])) {
			r[i][0] = m[i];
			r[i][1] = sig[i];
			r[i][2] = m[i] - sig[i];
		}
}

static void n_bbands(const double *o, out3 *r)
{
	int p = (int)o[0];
	for (int i = p - 1; i < N; i++) {
		double m = wmean(C, i - p + 1, i), sd = sqrt(wvar(C, i - p + 1, i));
		r[i][0] = m + o[1] * sd;
		r[i][1] = m;
		r[i][2] = m - o[2] * sd;
	}
}

static void n_atr_natr(const double *o, out3 *r, int natr)
{
	int p = (int)o[0];
	double a = 0;
	for (int i = 1; i < N; i++) {
		if (p == 1) { r[i][0] = tr(i); continue; }
		if (i <= p) a += tr(i) / p;
		else a = (a * (p - 1) + tr(i)) / p;
		if (i >= p) r[i][0] = natr ? 100 * a / C[i] : a;
	}
}
static void n_atr(const double *o, out3 *r) { n_atr_natr(o, r, 0); }
static void n_natr(const double *o, out3 *r) { n_atr_natr(o, r, 1); }
static void n_trange(const double *o, out3 *r) { (void)o; for (int i = 1; i < N; i++) r[i][0] = tr(i); }

static void fastk_arr(int k, double *fk)
{
	for (int i = 0; i < N; i++) {
		fk[i] = NAN;
		if (i < k - 1) continue;
		double hh = whi(H, i - k + 1, i), ll = wlo(L, i - k + 1, i);
		fk[i] = hh > ll ? 100 * (C[i] - ll) / (hh - ll) : 0;
	}
}

static void n_stoch(const double *o, out3 *r)
{
	static double fk[FIX_MAXBARS], sk[FIX_MAXBARS], sd[FIX_MAXBARS];
	int k = (int)o[0];
	fastk_arr(k, fk);
	sma_arr(fk, k - 1, (int)o[1], sk);
	sma_arr(sk, k - 1 + (int)o[1] - 1, (int)o[2], sd);
	for (int i = 0; i < N; i++)
		if (!isnan(sd[i])) { r[i][0] = sk[i]; r[i][1] = sd[i]; }
}

static void n_stochf(const double *o, out3 *r)
{
	static double fk[FIX_MAXBARS], fd[FIX_MAXBARS];
	int k = (int)o[0];
	fastk_arr(k, fk);
	sma_arr(fk, k - 1, (int)o[1], fd);
	for (int i = 0; i < N; i++)
		if (!isnan(fd[i])) { r[i][0] = fk[i]; r[i][1] = fd[i]; }
}

/* Wilder's directional movement: which = 1 +DI, 2 -DI, 3 ADX. */
static void n_dmi(const double *o, out3 *r, int which)
{
	int p = (int)o[0];
	double sp = 0, sm = 0, st = 0, sumdx = 0, adx = 0;
	for (int i = 1; i < N; i++) {
		double up = H[i] - H[i - 1], dn = L[i - 1] - L[i];
		double pdm = up > 0 && up > dn ? up : 0, mdm = dn > 0 && dn > up ? dn : 0;
		if (p == 1) {
			double d = which == 1 ? pdm : mdm;
			r[i][0] = d > 0 && tr(i) > 0 ? d / tr(i) : 0;
			continue;
		}
		if (i < p) { sp += pdm; sm += mdm; st += tr(i); continue; }
		sp += pdm - sp / p;
		sm += mdm - sm / p;
		st += tr(i) - st / p;
		double pdi = st > 1e-14 ? 100 * sp / st : 0, mdi = st > 1e-14 ? 100 * sm / st : 0;
		if (which == 1) { r[i][0] = pdi; continue; }
		if (which == 2) { r[i][0] = mdi; continue; }
		int have = st > 1e-14 && pdi + mdi > 1e-14;
		double dx = have ? 100 * fabs(pdi - mdi) / (pdi + mdi) : 0;
		if (i < 2 * p - 1) { sumdx += dx; continue; }
		if (i == 2 * p - 1) adx = (sumdx + dx) / p;
		else if (have) adx = (adx * (p - 1) + dx) / p;
		r[i][0] = adx;
	}
}
static void n_plus_di(const double *o, out3 *r) { n_dmi(o, r, 1); }
static void n_minus_di(const double *o, out3 *r) { n_dmi(o, r, 2); }
static void n_adx(const double *o, out3 *r) { n_dmi(o, r, 3); }

static void n_cci(const double *o, out3 *r)
{
	static double t[FIX_MAXBARS];
	int p = (int)o[0];
	for (int i = 0; i < N; i++) t[i] = tp(i);
	for (int i = p - 1; i < N; i++) {
		double m = wmean(t, i - p + 1, i), md = 0;
		for (int j = i - p + 1; j <= i; j++) md += fabs(t[j] - m);
		md /= p;
		/* On a flat window TA-Lib divides rounding noise by rounding
		 * noise (its output, matched by the reference test, is then
		 * e.g. -66.67): any value passes there. */
		r[i][0] = md > 1e-12 ? (t[i] - m) / (0.015 * md) : INFINITY;
	}
}

static void n_lag(const double *o, out3 *r, int kind)
{
	int p = (int)o[0];
	for (int i = p; i < N; i++) {
		double a = C[i], b = C[i - p];
		r[i][0] = kind == 3 ? a - b : b == 0 ? 0 : kind == 0 ? 100 * (a - b) / b : kind == 1 ? (a - b) / b : a / b;
	}
}
static void n_roc(const double *o, out3 *r) { n_lag(o, r, 0); }
static void n_rocp(const double *o, out3 *r) { n_lag(o, r, 1); }
static void n_rocr(const double *o, out3 *r) { n_lag(o, r, 2); }
static void n_mom(const double *o, out3 *r) { n_lag(o, r, 3); }

static void n_willr(const double *o, out3 *r)
{
	int p = (int)o[0];
	for (int i = p - 1; i < N; i++) {
		double hh = whi(H, i - p + 1, i), ll = wlo(L, i - p + 1, i);
		r[i][0] = hh > ll ? -100 * (hh - C[i]) / (hh - ll) : 0;
	}
}

static void n_mfi(const double *o, out3 *r)
{
	int p = (int)o[0];
	for (int i = p; i < N; i++) {
		double pos = 0, neg = 0;
		for (int j = i - p + 1; j <= i; j++) {
			if (tp(j) > tp(j - 1)) pos += tp(j) * V[j];
			if (tp(j) < tp(j - 1)) neg += tp(j) * V[j];
		}
		r[i][0] = pos + neg < 1 ? 0 : 100 * pos / (pos + neg);
	}
}

static void n_obv(const double *o, out3 *r)
{
	(void)o;
	double v = V[0];
	r[0][0] = v;
	for (int i = 1; i < N; i++) r[i][0] = v += C[i] > C[i - 1] ? V[i] : C[i] < C[i - 1] ? -V[i] : 0;
}

static void n_ad(const double *o, out3 *r)
{
	(void)o;
	double a = 0;
	for (int i = 0; i < N; i++) {
		if (H[i] > L[i]) a += V[i] * ((C[i] - L[i]) - (H[i] - C[i])) / (H[i] - L[i]);
		r[i][0] = a;
	}
}

static void n_stddev(const double *o, out3 *r)
{
	int p = (int)o[0];
	for (int i = p - 1; i < N; i++) r[i][0] = sqrt(wvar(C, i - p + 1, i)) * o[1];
}

static void n_var(const double *o, out3 *r)
{
	int p = (int)o[0];
	for (int i = p - 1; i < N; i++) r[i][0] = wvar(C, i - p + 1, i);
}

static void n_aroon(const double *o, out3 *r)
{
	int p = (int)o[0];
	for (int i = p; i < N; i++) {
		int hi = i - p, lo = i - p;
		for (int j = i - p; j <= i; j++) {
			if (H[j] >= H[hi]) hi = j;
			if (L[j] <= L[lo]) lo = j;
		}
		r[i][0] = 100.0 * (p - (i - hi)) / p;
		r[i][1] = 100.0 * (p - (i - lo)) / p;
	}
}

/* Wilder's parabolic SAR; the first trend is short only when the second
 * bar's fall in lows beats its rise in highs. */
static void n_sar(const double *o, out3 *r)
{
	double step = o[0] < o[1] ? o[0] : o[1], cap = o[1];
	double dn = L[0] - L[1], up = H[1] - H[0];
	int lng = !(dn > 0 && dn > up);
	double af = step, ep = lng ? H[1] : L[1], sar = lng ? L[0] : H[0];
	for (int i = 1; i < N; i++) {
		int k = i > 1 ? i - 1 : 1; /* the previous bar; bar 1 is its own */
		if (lng && L[i] <= sar) {
			lng = 0;
			sar = fmax(ep, fmax(H[k], H[i]));
			r[i][0] = sar;
			af = step;
			ep = L[i];
			sar = fmax(sar + af * (ep - sar), fmax(H[k], H[i]));
		} else if (!lng && H[i] >= sar) {
			lng = 1;
			sar = fmin(ep, fmin(L[k], L[i]));
			r[i][0] = sar;
			af = step;
			ep = H[i];
			sar = fmin(sar + af * (ep - sar), fmin(L[k], L[i]));
		} else {
			r[i][0] = sar;
			if (lng ? H[i] > ep : L[i] < ep) {
				ep = lng ? H[i] : L[i];
				af = fmin(af + step, cap);
			}
			sar += af * (ep - sar);
			sar = lng ? fmin(sar, fmin(L[k], L[i])) : fmax(sar, fmax(H[k], H[i]));
		}
	}
}

static void n_linearreg(const double *o, out3 *r)
{
	int p = (int)o[0];
	double tm = (p - 1) / 2.0;
	for (int i = p - 1; i < N; i++) {
		double ym = wmean(C, i - p + 1, i), sxy = 0, sxx = 0;
		for (int t = 0; t < p; t++) {
			sxy += (t - tm) * (C[i - p + 1 + t] - ym);
			sxx += (t - tm) * (t - tm);
		}
		r[i][0] = ym + sxy / sxx * (p - 1 - tm);
	}
}

static void n_highest(const double *o, out3 *r) { int p = (int)o[0]; for (int i = p - 1; i < N; i++) r[i][0] = whi(C, i - p + 1, i); }
static void n_lowest(const double *o, out3 *r) { int p = (int)o[0]; for (int i = p - 1; i < N; i++) r[i][0] = wlo(C, i - p + 1, i); }

static void n_vwap(const double *o, out3 *r)
{
	(void)o;
	for (int i = 0; i < N; i++) {
		double pv = 0, v = 0, day = floor(TS[i] / 86400e9);
		for (int j = i; j >= 0 && floor(TS[j] / 86400e9) == day; j--) {
			pv += tp(j) * V[j];
			v += V[j];
		}
		r[i][0] = v > 0 ? pv / v : tp(i);
	}
}

static const struct {
	const char *name;
	void (*fn)(const double *, out3 *);
	double tol;
} naive[] = {
	{ "ad", n_ad, TOL }, { "adx", n_adx, TOL }, { "aroon", n_aroon, TOL },
	{ "atr", n_atr, TOL }, { "bbands", n_bbands, SD_TOL }, { "cci", n_cci, TOL },
	{ "dema", n_dema, TOL }, { "ema", n_ema, TOL }, { "highest", n_highest, TOL },
	{ "kama", n_kama, TOL }, { "linearreg", n_linearreg, TOL }, { "lowest", n_lowest, TOL },
	{ "macd", n_macd, TOL }, { "mfi", n_mfi, TOL }, { "minus_di", n_minus_di, TOL },
	{ "mom", n_mom, TOL }, { "natr", n_natr, TOL }, { "obv", n_obv, TOL },
	{ "plus_di", n_plus_di, TOL }, { "roc", n_roc, TOL }, { "rocp", n_rocp, TOL },
	{ "rocr", n_rocr, TOL }, { "rsi", n_rsi, TOL }, { "sar", n_sar, TOL },
	{ "sma", n_sma, TOL }, { "stddev", n_stddev, SD_TOL }, { "stoch", n_stoch, TOL },
	{ "stochf", n_stochf, TOL }, { "tema", n_tema, TOL }, { "trange", n_trange, TOL },
	{ "var", n_var, SD_TOL }, { "vwap", n_vwap, TOL }, { "willr", n_willr, TOL },
	{ "wma", n_wma, TOL },
};

static void test_file(const struct series *s, const char *file)
{
	static struct ref r;
	static double got[FIX_MAXBARS][3], want[FIX_MAXBARS][3];
	static int ok[FIX_MAXBARS];
	char err[QTS_IND_ERRMAX], msg[256];
	const qts_ind_info *info;
	size_t k;

	if (fix_ref(&r, file) < 0 || !(info = qts_ind_find(r.ind)))
		return;
	for (k = 0; k < sizeof naive / sizeof *naive; k++)
		if (strcmp(naive[k].name, r.ind) == 0)
			break;
	snprintf(msg, sizeof msg, "%s: %s has a naive version", file, r.ind);
	if (!CHECK(k < sizeof naive / sizeof *naive, msg))
		return;
	qts_ind *ind = qts_ind_new(info, r.opt, err);
	fix_run(ind, s, got, ok);
	for (int i = 0; i < N; i++)
		want[i][0] = want[i][1] = want[i][2] = NAN;
	naive[k].fn(r.opt, want);
	int bad = -1, bk = 0;
	for (int i = 0; i < N && bad < 0; i++)
		for (int j = 0; j < info->noutputs && bad < 0; j++)
			if (!isinf(want[i][j]) && !fix_near(got[i][j], want[i][j], naive[k].tol)) {
				bad = i;
				bk = j;
			}
	snprintf(msg, sizeof msg, "%s: streaming equals the naive batch version", file);
	if (!CHECK(bad < 0, msg))
		printf("#   bar %d %s: got %.17g want %.17g\n", bad, info->outputs[bk],
		       got[bad][bk], want[bad][bk]);
	qts_ind_free(ind);
}

static void test_series(const char *name)
{
	static struct series s;
	char *files[256], msg[64];
	int n;

	snprintf(msg, sizeof msg, "fixture %s.txt loads", name);
	if (!CHECK(fix_series(&s, name) == 0, msg))
		return;
	N = s.n;
	O = s.col[0], H = s.col[1], L = s.col[2], C = s.col[3], V = s.col[4], TS = s.col[5];
	(void)O;
	n = fix_list(name, files, 256);
	for (int j = 0; j < n; j++) {
		test_file(&s, files[j]);
		free(files[j]);
	}
}

int main(void)
{
	test_series("orcl");
	test_series("synth");
	return tap_done();
}

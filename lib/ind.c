/* ind.c — the indicator registry and the life cycle every indicator shares.
 * The table is sorted by name (binary search); each entry names its code
 * (an ind_impl of ind_*.c, declared in ind_priv.h), so adding an indicator
 * is its code and its one entry here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ind_priv.h"

#define MAXP 100000 /* TA-Lib's upper bound for every period */
#define HUGE_D 3e37 /* TA-Lib's bound for real-valued options */
#define HLC 3, { "high", "low", "close" }
#define C1 1, { "close" }
#define PERIOD(d, lo) 1, { "period" }, { d }, { lo }, { MAXP }
#define NOOPT 0, { 0 }, { 0 }, { 0 }, { 0 }
#define OUT1(name) 1, { name }

static const qts_ind_info table[] = {
	{ "ad", "Chaikin accumulation/distribution line",
	  4, { "high", "low", "close", "volume" }, NOOPT, OUT1("ad"), &ind_ad },
	{ "adx", "average directional movement index (Wilder)",
	  HLC, PERIOD(14, 2), OUT1("adx"), &ind_adx },
	{ "aroon", "Aroon up and down: bars since the period's high and low",
	  2, { "high", "low" }, PERIOD(14, 2), 2, { "aroonup", "aroondown" }, &ind_aroon },
	{ "atr", "average true range (Wilder)",
	  HLC, PERIOD(14, 1), OUT1("atr"), &ind_atr },
	{ "bbands", "Bollinger bands: SMA +- population standard deviations",
	  C1, 3, { "period", "nbdevup", "nbdevdn" }, { 5, 2, 2 },
	  { 2, -HUGE_D, -HUGE_D }, { MAXP, HUGE_D, HUGE_D },
	  3, { "bbupper", "bbmiddle", "bblower" }, &ind_bbands },
	{ "cci", "commodity channel index (mean deviation)",
	  HLC, PERIOD(14, 2), OUT1("cci"), &ind_cci },
	{ "dema", "double exponential moving average",
	  C1, PERIOD(30, 2), OUT1("dema"), &ind_dema },
	{ "ema", "exponential moving average seeded with an SMA",
	  C1, PERIOD(30, 2), OUT1("ema"), &ind_ema },
	{ "highest", "highest value over the period (TA-Lib MAX)",
	  C1, PERIOD(30, 2), OUT1("highest"), &ind_highest },
	{ "kama", "Kaufman adaptive moving average",
	  C1, PERIOD(30, 2), OUT1("kama"), &ind_kama },
	{ "linearreg", "linear regression value at the newest bar",
	  C1, PERIOD(14, 2), OUT1("linearreg"), &ind_linearreg },
	{ "lowest", "lowest value over the period (TA-Lib MIN)",
	  C1, PERIOD(30, 2), OUT1("lowest"), &ind_lowest },
	{ "macd", "moving average convergence/divergence",
	  C1, 3, { "fastperiod", "slowperiod", "signalperiod" }, { 12, 26, 9 },
	  { 2, 2, 1 }, { MAXP, MAXP, MAXP },
	  3, { "macd", "macdsignal", "macdhist" }, &ind_macd },
	{ "mfi", "money flow index",
	  4, { "high", "low", "close", "volume" }, PERIOD(14, 2), OUT1("mfi"), &ind_mfi },
	{ "minus_di", "minus directional indicator (Wilder)",
	  HLC, PERIOD(14, 1), OUT1("minus_di"), &ind_minus_di },
	{ "mom", "momentum: price - price period bars ago",
	  C1, PERIOD(10, 1), OUT1("mom"), &ind_mom },
	{ "natr", "normalized average true range, percent of close",
	  HLC, PERIOD(14, 1), OUT1("natr"), &ind_natr },
	{ "obv", "on balance volume",
	  2, { "close", "volume" }, NOOPT, OUT1("obv"), &ind_obv },
	{ "plus_di", "plus directional indicator (Wilder)",
	  HLC, PERIOD(14, 1), OUT1("plus_di"), &ind_plus_di },
	{ "roc", "rate of change: (price/prev - 1) * 100",
	  C1, PERIOD(10, 1), OUT1("roc"), &ind_roc },
	{ "rocp", "rate of change percentage: (price - prev) / prev",
	  C1, PERIOD(10, 1), OUT1("rocp"), &ind_rocp },
	{ "rocr", "rate of change ratio: price / prev",
	  C1, PERIOD(10, 1), OUT1("rocr"), &ind_rocr },
	{ "rsi", "relative strength index (Wilder)",
	  C1, PERIOD(14, 2), OUT1("rsi"), &ind_rsi },
	{ "sar", "parabolic SAR",
	  2, { "high", "low" }, 2, { "acceleration", "maximum" }, { 0.02, 0.2 },
	  { 0, 0 }, { HUGE_D, HUGE_D }, OUT1("sar"), &ind_sar },
	{ "sma", "simple moving average",
	  C1, PERIOD(30, 2), OUT1("sma"), &ind_sma },
	{ "stddev", "population standard deviation times nbdev",
	  C1, 2, { "period", "nbdev" }, { 5, 1 }, { 2, -HUGE_D }, { MAXP, HUGE_D },
	  OUT1("stddev"), &ind_stddev },
	{ "stoch", "slow stochastic: %K and %D smoothed with SMAs",
	  HLC, 3, { "fastk_period", "slowk_period", "slowd_period" }, { 5, 3, 3 },
	  { 1, 1, 1 }, { MAXP, MAXP, MAXP }, 2, { "stochk", "stochd" }, &ind_stoch },
	{ "stochf", "fast stochastic: %K and its SMA %D",
	  HLC, 2, { "fastk_period", "fastd_period" }, { 5, 3 }, { 1, 1 },
	  { MAXP, MAXP }, 2, { "fastk", "fastd" }, &ind_stochf },
	{ "tema", "triple exponential moving average",
	  C1, PERIOD(30, 2), OUT1("tema"), &ind_tema },
	{ "trange", "true range",
	  HLC, NOOPT, OUT1("trange"), &ind_trange },
	{ "var", "population variance",
	  C1, PERIOD(5, 1), OUT1("var"), &ind_var },
	{ "vwap", "volume weighted average price of the UTC day",
	  5, { "high", "low", "close", "volume", "ts" }, NOOPT, OUT1("vwap"), &ind_vwap },
	{ "willr", "Williams' %R",
	  HLC, PERIOD(14, 2), OUT1("willr"), &ind_willr },
	{ "wma", "linearly weighted moving average",
	  C1, PERIOD(30, 2), OUT1("wma"), &ind_wma },
};

#define NIND (sizeof table / sizeof *table)

const qts_ind_info *qts_ind_table(size_t *n)
{
	*n = NIND;
	return table;
}

const qts_ind_info *qts_ind_find(const char *name)
{
	size_t lo = 0, hi = NIND;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, table[mid].name);
		if (c == 0)
			return &table[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const qts_ind_info *qts_ind_find_output(const char *name, int *output_index)
{
	for (size_t i = 0; i < NIND; i++)
		for (int j = 0; j < table[i].noutputs; j++)
			if (strcmp(name, table[i].outputs[j]) == 0) {
				if (output_index)
					*output_index = j;
				return &table[i];
			}
	return NULL;
}

void *ind_alloc(qts_ind *ind, size_t size)
{
	void *p;

	if (ind->nblk == IND_MAXBLK || !(p = qts_calloc_lines(size)))
		return NULL;
	ind->blk_size[ind->nblk] = size;
	return ind->blk[ind->nblk++] = p;
}

static void release(qts_ind *ind)
{
	while (ind->nblk > 0) {
		ind->nblk--;
		qts_free_lines(ind->blk[ind->nblk], ind->blk_size[ind->nblk]);
	}
	ind->st = NULL;
}

int qts_ind_option_integer(const char *option)
{
	size_t n = strlen(option);
	return n >= 6 && strcmp(option + n - 6, "period") == 0;
}

static int check_options(const qts_ind_info *info, const double *opt, char *err)
{
	for (int i = 0; i < info->noptions; i++) {
		const char *o = info->options[i];
		if (!(opt[i] >= info->min[i] && opt[i] <= info->max[i])) {
			snprintf(err, QTS_IND_ERRMAX, "%s: %s %g out of range [%g, %g]",
				 info->name, o, opt[i], info->min[i], info->max[i]);
			return -1;
		}
		if (qts_ind_option_integer(o) && opt[i] != floor(opt[i])) {
			snprintf(err, QTS_IND_ERRMAX, "%s: %s %g is not an integer",
				 info->name, o, opt[i]);
			return -1;
		}
	}
	return 0;
}

qts_ind *qts_ind_new(const qts_ind_info *info, const double *options, char *err)
{
	qts_ind *ind;
	const qts_ind_info *entry = info ? qts_ind_find(info->name) : NULL;

	if (!entry) {
		snprintf(err, QTS_IND_ERRMAX, "%s: no such indicator",
			 info ? info->name : "(null)");
		return NULL;
	}
	if (strcmp(entry->impl->name, entry->name) != 0) {
		snprintf(err, QTS_IND_ERRMAX, "%s: its entry names another's code", info->name);
		return NULL;
	}
	if (!options)
		options = entry->defaults;
	if (check_options(entry, options, err) < 0)
		return NULL;
	if (!(ind = qts_calloc_lines(sizeof *ind))) {
		snprintf(err, QTS_IND_ERRMAX, "%s: out of memory", info->name);
		return NULL;
	}
	ind->info = entry;
	ind->impl = entry->impl;
	memcpy(ind->opt, options, sizeof(double) * (size_t)entry->noptions);
	if (qts_ind_reset(ind) < 0) {
		snprintf(err, QTS_IND_ERRMAX, "%s: out of memory", info->name);
		qts_ind_free(ind);
		return NULL;
	}
	return ind;
}

const qts_ind_info *qts_ind_info_of(const qts_ind *ind)
{
	return ind->info;
}

int qts_ind_lookback(const qts_ind *ind)
{
	return ind->lookback;
}

int qts_ind_reset(qts_ind *ind)
{
	release(ind);
	ind->nbar = 0;
	return ind->impl->setup(ind);
}

int qts_ind_update(qts_ind *ind, const double *inputs, double *outputs)
{
	int ok = ind->impl->update(ind, inputs, outputs);

	if (!ok)
		for (int i = 0; i < ind->info->noutputs; i++)
			outputs[i] = NAN;
	ind->nbar++;
	return ok;
}

double qts_ind_step(qts_ind *ind, double x)
{
	double out[QTS_IND_MAXOUT];
	int ok;
	/* the moving-average built-ins push two SMAs a bar: called directly,
	 * not through the family's table */
	if (ind->impl == &ind_sma)
		ok = ind_sma_push(ind->st, x, out);
	else
		ok = ind->impl->update(ind, &x, out);
	ind->nbar++;
	return ok ? out[0] : NAN;
}

int ind_sma_kernel(void *state, double x, double *out) { return ind_sma_push(state, x, out); }

qts_ind_kernel_fn qts_ind_kernel_alone(qts_ind *ind, void **state)
{
	if (ind->impl != &ind_sma)
		return NULL;
	*state = ind->st;
	return ind_sma_kernel;
}

qts_ind_kernel_fn qts_ind_kernel(qts_ind *ind, void **state)
{
	qts_ind_kernel_fn fn = qts_ind_kernel_alone(ind, state);
	return fn ? ind_share_kernel(ind, fn, state) : NULL;
}

void qts_ind_free(qts_ind *ind)
{
	if (!ind)
		return;
	release(ind);
	free(ind->share);
	qts_free_lines(ind, sizeof *ind);
}

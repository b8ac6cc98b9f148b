/* qts-strategy's checkpoints (ind_state.c, strat.c's ck, expr.c's
 * qts_expr_state_ck, strategy_state.c): each saved part way through a
 * stream, restored into a fresh one, and run on: the restored one gives,
 * bit for bit, what the saved one gives.  A state of other options,
 * another program, or cut short is refused. */
#include "qts_checkpoint.h"
#include "qts_expr.h"
#include "qts_ind.h"
#include "qts_stage.h"
#include "qts_strat.h"
#include "tap.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define NBARS 400
#define CUT 173

/* A reproducible random walk of bars, a day apart, with the odd NaN. */
static double bars[NBARS][6];

static void make_bars(void)
{
	uint64_t x = 88172645463325252ull;
	double px = 100;
	for (int i = 0; i < NBARS; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double r = ((double)(x % 20001) - 10000) / 250000.0;
		double o = px;
		px *= 1 + r;
		double hi = fmax(o, px) * (1 + (double)(x % 7) / 1000), lo = fmin(o, px) * (1 - (double)(x % 5) / 1000);
		double v[6] = { o, hi, lo, px, 1000 + (double)(x % 5000), (double)i * 86400e9 };
		memcpy(bars[i], v, sizeof v);
	}
}

static int same(double a, double b)
{
	return memcmp(&a, &b, sizeof a) == 0;
}

/* Save into a fresh buffer. */
typedef void (*ck_fn)(void *thing, qts_ckpt *c);

static qts_ckpt saved(ck_fn f, void *thing)
{
	qts_ckpt c;
	qts_ck_saving(&c);
	f(thing, &c);
	return c;
}

static int restored(ck_fn f, void *thing, const qts_ckpt *from, size_t len, char *why)
{
	qts_ckpt c;
	qts_ck_loading(&c, from->buf, len);
	f(thing, &c);
	int rc = qts_ck_done(&c);
	if (why)
		snprintf(why, QTS_ERR_MAX, "%s", c.err);
	return rc;
}

static void ind_ck(void *x, qts_ckpt *c) { qts_ind_ck(x, c); }

/* Every indicator of the registry, with its defaults. */
static void test_indicators(void)
{
	size_t n;
	const qts_ind_info *t = qts_ind_table(&n);
	for (size_t i = 0; i < n; i++) {
		char err[QTS_IND_ERRMAX], what[128];
		qts_ind *a = qts_ind_new(&t[i], NULL, err), *b = qts_ind_new(&t[i], NULL, err);
		double in[5], oa[3], ob[3];
		int alike = 1;
		for (int k = 0; k < CUT; k++) {
			for (int j = 0; j < t[i].ninputs; j++) {
				const char *f = t[i].inputs[j];
				int col = !strcmp(f, "open") ? 0 : !strcmp(f, "high") ? 1 : !strcmp(f, "low") ? 2
					: !strcmp(f, "close") ? 3 : !strcmp(f, "volume") ? 4 : 5;
				in[j] = bars[k][col];
			}
			qts_ind_update(a, in, oa);
		}
		qts_ckpt c = saved(ind_ck, a);
		snprintf(what, sizeof what, "%s: restored", t[i].name);
		CHECK(qts_ck_ok(&c) && restored(ind_ck, b, &c, c.len, NULL) == 0, what);
		for (int k = CUT; k < NBARS; k++) {
			for (int j = 0; j < t[i].ninputs; j++) {
				const char *f = t[i].inputs[j];
				int col = !strcmp(f, "open") ? 0 : !strcmp(f, "high") ? 1 : !strcmp(f, "low") ? 2
					: !strcmp(f, "close") ? 3 : !strcmp(f, "volume") ? 4 : 5;
				in[j] = bars[k][col];
			}
			int ra = qts_ind_update(a, in, oa), rb = qts_ind_update(b, in, ob);
			alike &= ra == rb;
			for (int o = 0; o < t[i].noutputs; o++)
				alike &= same(oa[o], ob[o]);
		}
		snprintf(what, sizeof what, "%s: the restored one goes on as the saved one", t[i].name);
		CHECK(alike, what);
		qts_ck_free(&c);
		qts_ind_free(a);
		qts_ind_free(b);
	}
	/* one of other options, and a state cut short, are refused */
	char err[QTS_IND_ERRMAX], why[QTS_ERR_MAX];
	double o10[4] = { 10 }, o11[4] = { 11 };
	qts_ind *a = qts_ind_new(qts_ind_find("sma"), o10, err), *b = qts_ind_new(qts_ind_find("sma"), o11, err);
	qts_ind *e = qts_ind_new(qts_ind_find("ema"), o10, err), *d = qts_ind_new(qts_ind_find("sma"), o10, err);
	qts_ckpt c = saved(ind_ck, a);
	CHECK(restored(ind_ck, b, &c, c.len, why) < 0 && strstr(why, "its period was 10, not 11"),
	      "another period: refused");
	CHECK(restored(ind_ck, e, &c, c.len, why) < 0 && strstr(why, "section 'sma' where 'ema'"),
	      "another indicator: refused");
	CHECK(restored(ind_ck, d, &c, c.len - 3, why) < 0 && strstr(why, "truncated"), "cut short: refused");
	qts_ck_free(&c);
	qts_ind_free(a), qts_ind_free(b), qts_ind_free(e), qts_ind_free(d);
}

/* Every built-in strategy, with key=value words. */
static void test_strategy(const char *name, char **kv, int nkv)
{
	const qts_strat_info *s = qts_strat_find(name);
	double p[QTS_STRAT_MAXPARAM];
	char err[QTS_ERR_MAX], what[160];
	if (!CHECK(s && qts_strat_params_parse(s, kv, nkv, p, err) == 0 && s->ck, name))
		return;
	void *a = calloc(1, s->state_size + 1), *b = calloc(1, s->state_size + 1);
	s->init(a, p, err), s->init(b, p, err);
	int alike = 1, moves = 0;
	for (int k = 0; k < CUT; k++)
		s->bar(a, p, bars[k]);
	qts_ckpt c;
	qts_ck_saving(&c);
	s->ck(a, &c);
	qts_ckpt l;
	qts_ck_loading(&l, c.buf, c.len);
	s->ck(b, &l);
	snprintf(what, sizeof what, "%s %s: restored", name, nkv ? kv[0] : "");
	CHECK(qts_ck_done(&l) == 0, what);
	double prev = NAN;
	for (int k = CUT; k < NBARS; k++) {
		double x = s->bar(a, p, bars[k]), y = s->bar(b, p, bars[k]);
		alike &= same(x, y);
		moves += !same(x, prev);
		prev = x;
		if (s->orders) {
			qts_strat_order oa[2], ob[2];
			int na = s->orders(a, p, 0, oa), nb = s->orders(b, p, 0, ob);
			alike &= na == nb && (!na || (same(oa[0].stop, ob[0].stop) && same(oa[0].qty, ob[0].qty)));
		}
	}
	snprintf(what, sizeof what, "%s %s: the restored one signals as the saved one (%d changes)", name,
		 nkv ? kv[0] : "", moves);
	CHECK(alike && moves > 1, what);
	qts_ck_free(&c);
	s->free(a), s->free(b);
	free(a), free(b);
}

static void test_strategies(void)
{
	size_t n;
	const qts_strat_info *t = qts_strat_table(&n);
	for (size_t i = 0; i < n; i++) {
		char *fast[] = { "fast=5", "slow=12" };
		int ma = !strcmp(t[i].name, "sma-cross") || !strcmp(t[i].name, "ema-cross") ||
			 !strcmp(t[i].name, "macd-cross");
		if (!strcmp(t[i].name, "buy-hold"))
			continue; /* no state: one signal throughout */
		if (t[i].portfolio) { /* its state is the portfolio's (1421-checkpoints-strategy.bats) */
			CHECK(t[i].portfolio->ck != NULL, t[i].name);
			continue;
		}
		test_strategy(t[i].name, ma ? fast : NULL, ma ? 2 : 0);
	}
	char *vol[] = { "vol=0.15", "lookback=20" };
	test_strategy("momentum", vol, 2);
	char *stop[] = { "stop=1", "short=1" };
	test_strategy("donchian-breakout", stop, 2);
}

static void expr_ck(void *s, qts_ckpt *c) { qts_expr_state_ck(s, c); }

/* A program of every kind of state: indicators (one fed a variable),
 * cross, [N] of a series, of a call and of a variable, a second
 * timeframe. */
static void test_expr(void)
{
	const char *src = "f = sma(close, 5)\n"
			  "g = ema(close, 9)\n"
			  "m = macdsignal(close)\n"
			  "up = cross(f, g)\n"
			  "k = stochk(high, low, close)[2] + close[3] - close@1w\n"
			  "n = n[1] + (up ? 1 : 0)\n"
			  "s = sma(k, 4)\n"
			  "target = up ? 1 : cross(g, f) ? -1 : target[1] + 0 * m * s + 0 * n\n";
	qts_expr_error err;
	qts_expr *e = qts_expr_compile(src, QTS_EXPR_PROGRAM, &err);
	if (!CHECK(e, "the program compiles"))
		return;
	qts_expr_state *a = qts_expr_state_new(e), *b = qts_expr_state_new(e);
	size_t nv = qts_expr_count(e);
	double va[16], vb[16];
	for (int k = 0; k < CUT; k++) {
		qts_expr_bar(a, 0, bars[k]);
		if (k % 5 == 4)
			qts_expr_bar(a, 1, bars[k]);
		qts_expr_run(e, a, va);
	}
	qts_ckpt c = saved(expr_ck, a);
	CHECK(restored(expr_ck, b, &c, c.len, NULL) == 0, "an expression's state: restored");
	int alike = 1, changes = 0;
	for (int k = CUT; k < NBARS; k++) {
		qts_expr_bar(a, 0, bars[k]), qts_expr_bar(b, 0, bars[k]);
		if (k % 5 == 4)
			qts_expr_bar(a, 1, bars[k]), qts_expr_bar(b, 1, bars[k]);
		double before = va[nv - 1];
		qts_expr_run(e, a, va);
		qts_expr_run(e, b, vb);
		for (size_t i = 0; i < nv; i++)
			alike &= same(va[i], vb[i]);
		changes += !same(before, va[nv - 1]);
	}
	CHECK(alike && changes > 1, "an expression's state: the restored one runs as the saved one");
	qts_expr_error err2;
	qts_expr *other = qts_expr_compile("target = sma(close, 5)", QTS_EXPR_PROGRAM, &err2);
	qts_expr_state *o = qts_expr_state_new(other);
	char why[QTS_ERR_MAX];
	CHECK(restored(expr_ck, o, &c, c.len, why) < 0 && strstr(why, "another program"),
	      "the state of another program: refused");
	qts_ck_free(&c);
	qts_expr_state_free(o);
	qts_expr_free(other);
	qts_expr_state_free(a);
	qts_expr_state_free(b);
	qts_expr_free(e);
}

/* ---- the stage: host state, order ids, symbols --------------------------- */

static char out[2][1 << 16];
static size_t outlen[2];

static int capture(void *arg, const qts_event *ev)
{
	int k = (int)(intptr_t)arg;
	if (ev->type == QTS_BAR)
		return 0;
	outlen[k] += qts_event_to_csv(ev, out[k] + outlen[k], sizeof out[k] - outlen[k] - 1);
	out[k][outlen[k]] = '\0';
	return 0;
}

static void build(qts_stage *st, char **argv, int k)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	optind = 0;
	memset(st, 0, sizeof *st);
	qts_strategy_stage.build(st, argc, argv, capture, (void *)(intptr_t)k);
}

/* Bar i's prices; B's are the series backwards, at the same times. */
static void put_bar(qts_stage *st, int i, const char *sym)
{
	qts_event ev;
	int at = sym[0] == 'B' ? NBARS - 1 - i : i;
	qts_event_init(&ev, QTS_BAR, (int64_t)bars[at][5]);
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, "1d");
	ev.bar.open = bars[i][0], ev.bar.high = bars[i][1], ev.bar.low = bars[i][2];
	ev.bar.close = bars[i][3], ev.bar.volume = bars[i][4];
	st->ops->put(st->eng, &ev);
}

static void test_stage(const char *what, char **argv)
{
	qts_stage a, b;
	build(&a, argv, 0);
	build(&b, argv, 1);
	outlen[0] = outlen[1] = 0;
	for (int i = 0; i < CUT; i++)
		put_bar(&a, i, "A"), put_bar(&a, NBARS - 1 - i, "B");
	qts_ckpt c;
	qts_ck_saving(&c);
	CHECK(a.ops->save(a.eng, &c) == 0, what);
	qts_ckpt l;
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(b.ops->restore(b.eng, &l) == 0 && qts_ck_done(&l) == 0, what);
	outlen[0] = outlen[1] = 0;
	out[0][0] = out[1][0] = '\0';
	for (int i = CUT; i < NBARS; i++)
		put_bar(&a, i, "A"), put_bar(&a, NBARS - 1 - i, "B"), put_bar(&b, i, "A"),
			put_bar(&b, NBARS - 1 - i, "B");
	if (!CHECK(outlen[0] > 100 && !strcmp(out[0], out[1]), what))
		printf("# %zu %zu\n%.600s\n--\n%.600s\n", outlen[0], outlen[1], out[0], out[1]);
	char ca[128], cb[128];
	a.ops->counts(a.eng, ca, sizeof ca);
	b.ops->counts(b.eng, cb, sizeof cb);
	CHECK_STR(cb, ca, "the heartbeat's counts go on");
	/* restored twice: refused */
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(b.ops->restore(b.eng, &l) < 0 && strstr(l.err, "seen symbols already"), "restored twice: refused");
	qts_ck_free(&c);
	a.ops->free(a.eng);
	b.ops->free(b.eng);
}

int main(void)
{
	make_bars();
	test_indicators();
	test_strategies();
	test_expr();
	char *donchian[] = { "qts-strategy", "donchian-breakout", "entry=10", "exit=5", "stop=1", "short=1", NULL };
	test_stage("a built-in trading with orders: the order ids go on", donchian);
	char *sma[] = { "qts-strategy", "sma-cross", "fast=5", "slow=12", "short=1", NULL };
	test_stage("sma-cross: targets as uninterrupted", sma);
	char *expr[] = { "qts-strategy", "-e", "target = close > sma(close, 8) ? 10 : -10; "
		"limit = close * 0.995", NULL };
	test_stage("an expression trading with limit orders", expr);
	/* another program's state */
	char *other[] = { "qts-strategy", "-e", "target = 1", NULL };
	qts_stage a, b;
	build(&a, expr, 0);
	build(&b, other, 1);
	put_bar(&a, 0, "A");
	qts_ckpt c, l;
	qts_ck_saving(&c);
	a.ops->save(a.eng, &c);
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(b.ops->restore(b.eng, &l) < 0 && strstr(l.err, "another program"), "another program: refused");
	b.ops->free(b.eng);
	build(&b, sma, 1);
	qts_ck_loading(&l, c.buf, c.len);
	CHECK(b.ops->restore(b.eng, &l) < 0 && strstr(l.err, "another kind of strategy"),
	      "a built-in from an expression's state: refused");
	qts_ck_free(&c);
	a.ops->free(a.eng);
	b.ops->free(b.eng);
	return tap_done();
}

/* test_risk.c — the risk rules registry and each rule of the engine in
 * isolation, on events written by hand.  Expected numbers are worked out
 * in the comments from the formulas in qts-risk(1). */
#include "qts_risk.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAXOUT 64
static qts_event out[MAXOUT];
static int nout;
static int passed_same; /* the last output was the input event itself */
static const qts_event *cur;
static int norder; /* order ids o1, o2... restart with each engine */

static int collect(void *arg, const qts_event *ev)
{
	(void)arg;
	passed_same = ev == cur;
	if (nout < MAXOUT)
		out[nout++] = *ev;
	return 0;
}

static int64_t T(int sec) { return 1704205800LL * QTS_NS_PER_SEC + (int64_t)sec * QTS_NS_PER_SEC; }

static void feed(qts_risk *r, qts_event *ev)
{
	nout = 0;
	cur = ev;
	qts_risk_event(r, ev, collect, NULL);
}

static void bar(qts_risk *r, int sec, const char *sym, double close)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, "1m");
	ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = close;
	ev.bar.volume = 100;
	feed(r, &ev);
}


/* A target of strategy strat. */
static qts_event target_of(int sec, const char *sym, double v, const char *unit, const char *strat)
{
	qts_event ev;
	qts_event_init(&ev, QTS_TARGET, T(sec));
	QTS_SET(ev.symbol, sym);
	ev.target.target = v;
	QTS_SET(ev.target.unit, unit);
	QTS_SET(ev.target.strategy, strat);
	return ev;
}

static void bar_ohlc(qts_risk *r, int sec, const char *sym, double o, double h, double l, double c)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, "1m");
	ev.bar.open = o, ev.bar.high = h, ev.bar.low = l, ev.bar.close = c;
	ev.bar.volume = 100;
	feed(r, &ev);
}

/* An order of any kind: limit and stop NAN where the kind has none. */
static void order_of(qts_risk *r, int sec, const char *sym, const char *id, const char *side, double qty,
		     const char *kind, double lim, double stop, const char *tif)
{
	qts_event ev;
	qts_event_init(&ev, QTS_ORDER, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.order.id, id);
	QTS_SET(ev.order.side, side);
	ev.order.qty = qty;
	QTS_SET(ev.order.kind, kind);
	ev.order.limit = lim;
	ev.order.stop = stop;
	QTS_SET(ev.order.tif, tif);
	QTS_SET(ev.order.strategy, "t");
	feed(r, &ev);
}

/* A market order (lim NAN) or a limit, for the day, id o1, o2... */
static void order(qts_risk *r, int sec, const char *sym, const char *side, double qty, double lim)
{
	char id[16];
	snprintf(id, sizeof id, "o%d", ++norder);
	order_of(r, sec, sym, id, side, qty, isnan(lim) ? "market" : "limit", lim, NAN, "day");
}

static void cancel(qts_risk *r, int sec, const char *sym, const char *id)
{
	qts_event ev;
	qts_event_init(&ev, QTS_CANCEL, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.cancel.id, id);
	feed(r, &ev);
}

static void target(qts_risk *r, int sec, const char *sym, double v, const char *unit)
{
	qts_event ev = target_of(sec, sym, v, unit, "t");
	feed(r, &ev);
}

static void fill_id(qts_risk *r, int sec, const char *sym, const char *id, const char *side, double qty,
		    double px)
{
	qts_event ev;
	qts_event_init(&ev, QTS_FILL, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.fill.id, id);
	QTS_SET(ev.fill.side, side);
	ev.fill.qty = qty;
	ev.fill.price = px;
	ev.fill.commission = 1;
	feed(r, &ev);
}

static void fill(qts_risk *r, int sec, const char *sym, const char *side, double qty, double px)
{
	fill_id(r, sec, sym, "o1", side, qty, px);
}

static void update(qts_risk *r, int sec, const char *sym, const char *id, const char *status, double filled)
{
	qts_event ev;
	qts_event_init(&ev, QTS_UPDATE, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.update.id, id);
	QTS_SET(ev.update.status, status);
	ev.update.filled = filled;
	feed(r, &ev);
}

static qts_risk *make(const char *const *kv)
{
	qts_risk_config c;
	char err[256];
	qts_risk_config_init(&c);
	norder = 0;
	for (; kv && kv[0]; kv += 2)
		if (qts_risk_config_set(&c, kv[0], kv[1], err) < 0) {
			printf("# %s\n", err);
			exit(1);
		}
	qts_risk *r = qts_risk_new(&c, err);
	qts_risk_config_free(&c); /* the engine keeps its own copy */
	if (!r) {
		printf("# %s\n", err);
		exit(1);
	}
	return r;
}

/* Index of the first output of type t with the given rule/action, or -1. */
static int find_risk(const char *rule, const char *action)
{
	for (int i = 0; i < nout; i++)
		if (out[i].type == QTS_RISK && strcmp(out[i].risk.rule, rule) == 0 &&
		    strcmp(out[i].risk.action, action) == 0)
			return i;
	return -1;
}

static int find_type(qts_type t)
{
	for (int i = 0; i < nout; i++)
		if (out[i].type == t)
			return i;
	return -1;
}

/* out[i] is an exit: a target of 0 units for every strategy of sym,
 * which qts-sim resolves against what it really holds. */
static int is_flatten(int i, const char *sym)
{
	return i >= 0 && i < nout && out[i].type == QTS_TARGET && strcmp(out[i].symbol, sym) == 0 &&
	       out[i].target.target == 0 && !signbit(out[i].target.target) &&
	       strcmp(out[i].target.unit, "qty") == 0 && strcmp(out[i].target.strategy, "*") == 0;
}

static void test_registry(void)
{
	size_t n;
	const qts_risk_rule_info *t = qts_risk_rules(&n);
	int sorted = 1;
	for (size_t i = 1; i < n; i++)
		sorted &= strcmp(t[i - 1].name, t[i].name) < 0;
	CHECK(sorted, "registry sorted by name");
	CHECK(n >= 20, "registry lists every setting");
	CHECK(qts_risk_rule_find("max-position") != NULL, "find max-position");
	CHECK(qts_risk_rule_find("trailing-stop") != NULL, "find trailing-stop");
	CHECK(qts_risk_rule_find("nope") == NULL, "unknown rule not found");

	qts_risk_config c;
	char err[256];
	qts_risk_config_init(&c);
	CHECK(isnan(c.max_position) && c.cash == 100000 && c.vol_window == 20, "defaults");
	CHECK(qts_risk_config_set(&c, "max-position", "1000", err) == 0 && c.max_position == 1000,
	      "set max-position");
	CHECK(qts_risk_config_set(&c, "max-orders", "10/1s", err) == 0 && c.max_orders == 10 &&
		      c.order_window == QTS_NS_PER_SEC,
	      "set max-orders N/DURATION");
	CHECK(qts_risk_config_set(&c, "max-orders", "5/m", err) == 0 && c.max_orders == 5 &&
		      c.order_window == 60 * QTS_NS_PER_SEC,
	      "max-orders 5/m reads as 5/1m");
	CHECK(qts_risk_config_set(&c, "max-orders", "5", err) < 0, "max-orders without duration");
	CHECK_STR(err, "max-orders: '5' is not N/DURATION", "max-orders message");
	CHECK(qts_risk_config_set(&c, "max-orders", "5/xx", err) < 0, "max-orders bad duration");
	CHECK_STR(err, "max-orders: 'xx' is not a duration", "bad duration message");
	CHECK(qts_risk_config_set(&c, "on-drawdown", "flatten", err) == 0 &&
		      c.on_drawdown == QTS_RISK_ON_DD_FLATTEN,
	      "set on-drawdown");
	CHECK(qts_risk_config_set(&c, "on-drawdown", "panic", err) < 0, "bad on-drawdown");
	CHECK_STR(err, "on-drawdown: 'panic' is not block or flatten", "on-drawdown message");
	CHECK(qts_risk_config_set(&c, "max-position", "lots", err) < 0, "bad number");
	CHECK_STR(err, "max-position: 'lots' is not a number", "bad number message");
	CHECK(qts_risk_config_set(&c, "max-drawdown", "1.5", err) < 0, "fraction out of range");
	CHECK(qts_risk_config_set(&c, "vol-window", "1", err) < 0, "vol-window at least 2");
	CHECK(qts_risk_config_set(&c, "bogus", "1", err) < 0, "unknown name");
	CHECK_STR(err, "unknown rule 'bogus'", "unknown name message");
	CHECK(qts_risk_config_set(&c, "kill-file", "", err) < 0, "empty path");
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_rules_file(void)
{
	char path[] = "/tmp/qts-risk-rulesXXXXXX";
	int fd = mkstemp(path);
	close(fd);
	qts_risk_config c;
	char err[256], want[300];
	qts_risk_config_init(&c);
	write_file(path, "# limits\n\nmax-position 500   # per symbol\nstop-loss 0.05\n"
			 "on-drawdown flatten\n");
	CHECK(qts_risk_config_load(&c, path, err) == 0, "rules file loads");
	CHECK(c.max_position == 500 && c.stop_loss == 0.05 && c.on_drawdown == QTS_RISK_ON_DD_FLATTEN,
	      "rules file values");
	write_file(path, "max-position 10\n# ok\nmax-gross\n");
	CHECK(qts_risk_config_load(&c, path, err) < 0, "missing value fails");
	snprintf(want, sizeof want, "%s:3: max-gross: missing value", path);
	CHECK_STR(err, want, "missing value at FILE:LINE");
	write_file(path, "max-wat 10\n");
	qts_risk_config_load(&c, path, err);
	snprintf(want, sizeof want, "%s:1: unknown rule 'max-wat'", path);
	CHECK_STR(err, want, "unknown rule at FILE:LINE");
	write_file(path, "\nmax-net 1 2\n");
	qts_risk_config_load(&c, path, err);
	snprintf(want, sizeof want, "%s:2: max-net: unexpected '2' after the value", path);
	CHECK_STR(err, want, "extra word at FILE:LINE");
	write_file(path, "max-net x\n");
	CHECK(qts_risk_config_load(&c, path, err) == -1, "a bad value is a usage error (-1)");
	snprintf(want, sizeof want, "%s:1: max-net: 'x' is not a number", path);
	CHECK_STR(err, want, "bad value at FILE:LINE");
	write_file(path, "instruments /nonexistent/ins.csv\n");
	CHECK(qts_risk_config_load(&c, path, err) == -2, "a file a line names that cannot be read: -2");
	CHECK(qts_risk_config_set(&c, "instruments", "/nonexistent/ins.csv", err) == -2,
	      "--instruments that cannot be read: -2");
	unlink(path);
	CHECK(qts_risk_config_load(&c, path, err) == -2, "missing file fails: -2, a failure");
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	CHECK_STR(err, want, "missing file message");
}

static void test_pass_through(void)
{
	qts_risk *r = make(NULL);
	bar(r, 0, "A", 100);
	CHECK(nout == 1 && passed_same, "bar passes through as is");
	target(r, 60, "A", 10, "qty");
	CHECK(nout == 1 && passed_same, "target approved unchanged");
	CHECK(qts_risk_position(r, "A") == 10, "view follows the approved target");
	order(r, 60, "A", "sell", 4, NAN);
	CHECK(nout == 1 && passed_same && qts_risk_position(r, "A") == 6, "order approved, view follows");
	qts_event ev;
	qts_event_init(&ev, QTS_UNKNOWN, T(70));
	feed(r, &ev);
	CHECK(nout == 1 && passed_same, "unknown event passes through");
	bar(r, 120, "A", 110);
	/* cash 100000 - 6 * 100 = 99400; equity 99400 + 6 * 110 = 100060 */
	CHECK_NEAR(qts_risk_equity(r), 100060, 1e-12, "equity marks to the last price");
	qts_risk_free(r);
}

static void test_max_position(void)
{
	qts_risk *r = make((const char *[]){ "max-position", "1000", NULL });
	bar(r, 0, "A", 10);
	order(r, 60, "A", "buy", 500, NAN);
	CHECK(nout == 1 && passed_same, "within the limit: unchanged");
	order(r, 60, "A", "buy", 800, NAN);
	int k = find_risk("max-position", "reduce"), o = find_type(QTS_ORDER);
	CHECK(k == 0 && o == 1 && out[o].order.qty == 500, "buy 800 at 500 reduced to 500");
	CHECK_STR(out[k].risk.detail, "order o2: qty 800 reduced to 500", "reduce detail");
	order(r, 60, "A", "buy", 1, NAN);
	CHECK(nout == 1 && find_risk("max-position", "reject") == 0, "at the limit: buy rejected");
	order(r, 60, "A", "sell", 2500, NAN);
	o = find_type(QTS_ORDER);
	CHECK(o == 1 && out[o].order.qty == 2000, "sell through zero reduced to -1000");
	target(r, 60, "A", 5, "qty");
	CHECK(nout == 1 && passed_same, "target toward flat always allowed");
	target(r, 60, "A", -1500, "qty");
	o = find_type(QTS_TARGET);
	CHECK(o == 1 && out[o].target.target == -1000, "target rewritten to the limit");
	CHECK(qts_risk_position(r, "A") == -1000, "view holds the reduced target");
	qts_risk_free(r);
}

static void test_notional_pct(void)
{
	qts_risk *r = make((const char *[]){ "max-position-notional", "50000", NULL });
	target(r, 0, "A", 10, "qty");
	CHECK(find_risk("no-price", "reject") == 0, "no price yet: rejected");
	bar(r, 0, "A", 100);
	target(r, 60, "A", 1000, "qty");
	int o = find_type(QTS_TARGET);
	/* 50000 / 100 = 500 */
	CHECK(o >= 0 && out[o].target.target == 500, "notional caps at 500 shares");
	qts_risk_free(r);

	r = make((const char *[]){ "max-position-pct", "0.1", NULL });
	bar(r, 0, "A", 300);
	target(r, 60, "A", 1000, "qty");
	o = find_type(QTS_TARGET);
	/* 0.1 * 100000 / 300 = 33.3, whole units: 33 */
	CHECK(o >= 0 && out[o].target.target == 33, "pct caps at 33 whole shares");
	target(r, 60, "A", 0.5, "weight");
	CHECK(find_risk("max-position-pct", "reject") == 0, "at the cap: a weight target for more rejected");
	target(r, 60, "A", 0, "qty");
	target(r, 60, "A", 0.5, "weight");
	o = find_type(QTS_TARGET);
	/* 0.5 of equity is 166.67 shares, 166 whole (qts-sim truncates);
	 * cap 33.33 shares: 33, written in units */
	CHECK(o >= 0 && out[o].target.target == 33 && strcmp(out[o].target.unit, "qty") == 0,
	      "weight target reduced to 33 units");
	qts_risk_free(r);
}

static void test_gross_net_count(void)
{
	qts_risk *r = make((const char *[]){ "max-gross", "30000", NULL });
	bar(r, 0, "A", 100);
	bar(r, 0, "B", 50);
	target(r, 60, "A", 200, "qty");
	target(r, 60, "B", -400, "qty");
	/* gross 20000 + 20000 would be 40000: B gets (30000 - 20000) / 50 = 200 */
	int o = find_type(QTS_TARGET);
	CHECK(o >= 0 && out[o].target.target == -200 && find_risk("max-gross", "reduce") == 0,
	      "gross caps the second position");
	qts_risk_free(r);

	r = make((const char *[]){ "max-net", "10000", NULL });
	bar(r, 0, "A", 100);
	bar(r, 0, "B", 50);
	target(r, 60, "A", 300, "qty");
	o = find_type(QTS_TARGET);
	CHECK(o >= 0 && out[o].target.target == 100, "net caps a long at 10000");
	target(r, 60, "B", -300, "qty");
	CHECK(nout == 1 && passed_same, "an offsetting short lowers net: allowed");
	target(r, 60, "A", 400, "qty");
	o = find_type(QTS_TARGET);
	/* net other = -15000: A may reach (10000 + 15000) / 100 = 250 */
	CHECK(o >= 0 && out[o].target.target == 250, "net room grows with the short");
	qts_risk_free(r);

	r = make((const char *[]){ "max-positions", "1", NULL });
	bar(r, 0, "A", 10);
	bar(r, 0, "B", 10);
	order(r, 60, "A", "buy", 5, NAN);
	CHECK(nout == 1 && passed_same, "first position opens");
	order(r, 60, "B", "buy", 5, NAN);
	CHECK(nout == 1 && find_risk("max-positions", "reject") == 0, "second position rejected");
	order(r, 60, "A", "buy", 5, NAN);
	CHECK(nout == 1 && passed_same, "adding to the open position allowed");
	qts_risk_free(r);
}

static void test_sector(void)
{
	char path[] = "/tmp/qts-risk-secXXXXXX";
	int fd = mkstemp(path);
	close(fd);
	write_file(path, "symbol,sector\nA,tech\nB,tech\nC,energy\n");
	qts_risk *r = make((const char *[]){ "sectors", path, "max-sector", "0.3", NULL });
	bar(r, 0, "A", 100);
	bar(r, 0, "B", 100);
	bar(r, 0, "C", 100);
	target(r, 60, "A", 200, "qty");
	target(r, 60, "C", 250, "qty");
	CHECK(nout == 1 && passed_same, "other sector unaffected");
	target(r, 60, "B", 200, "qty");
	/* tech may hold 0.3 * 100000 = 30000: B gets (30000 - 20000) / 100 = 100 */
	int o = find_type(QTS_TARGET);
	CHECK(o >= 0 && out[o].target.target == 100 && find_risk("max-sector", "reduce") == 0,
	      "sector caps B at 100");
	qts_risk_free(r);

	qts_risk_config c;
	char err[256], want[300];
	qts_risk_config_init(&c);
	qts_risk_config_set(&c, "max-sector", "0.3", err);
	CHECK(qts_risk_new(&c, err) == NULL, "max-sector without sectors fails");
	CHECK_STR(err, "max-sector needs a sectors file", "message");
	write_file(path, "A,tech\nB\n");
	qts_risk_config_set(&c, "sectors", path, err);
	CHECK(qts_risk_new(&c, err) == NULL, "bad sectors line fails");
	snprintf(want, sizeof want, "%s:2: expected symbol,sector", path);
	CHECK_STR(err, want, "sectors FILE:LINE");
	unlink(path);
}

static void test_drawdown(void)
{
	qts_risk *r = make((const char *[]){ "max-drawdown", "0.1", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 1000, "qty");
	bar(r, 120, "A", 95); /* equity 95000: drawdown 0.05 */
	CHECK(nout == 1, "within the drawdown limit");
	bar(r, 180, "A", 89); /* equity 89000: drawdown 0.11 */
	CHECK(nout == 2 && find_risk("max-drawdown", "breach") == 1, "breach after the bar");
	CHECK(strcmp(out[1].symbol, "") == 0, "portfolio breach has no symbol");
	target(r, 240, "A", 1200, "qty");
	CHECK(find_risk("max-drawdown", "reject") == 0, "block: more risk rejected");
	target(r, 240, "A", 500, "qty");
	CHECK(nout == 1 && passed_same, "block: less risk allowed");
	bar(r, 300, "A", 60);
	CHECK(nout == 1, "breach reported once");
	qts_risk_free(r);

	r = make((const char *[]){ "max-drawdown", "0.1", "on-drawdown", "flatten", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 1000, "qty");
	bar(r, 120, "A", 85);
	int o = find_type(QTS_TARGET);
	CHECK(find_risk("max-drawdown", "flatten") == 2 && o == 3, "flatten: risk event then exit target");
	CHECK(nout == 4 && is_flatten(o, "A"), "the exit is a target of 0 for every strategy, no quantity");
	CHECK(qts_risk_position(r, "A") == 0, "view flat after the exit");
	qts_risk_free(r);
}

static void test_daily_loss(void)
{
	qts_risk *r = make((const char *[]){ "daily-loss", "1000", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 100, "qty");
	bar(r, 120, "A", 91); /* lost 900 */
	CHECK(nout == 1, "within the daily loss");
	bar(r, 180, "A", 89); /* lost 1100 */
	CHECK(find_risk("daily-loss", "breach") == 1, "daily loss breach");
	order(r, 240, "A", "buy", 1, NAN);
	CHECK(find_risk("daily-loss", "reject") == 0, "more risk rejected that day");
	bar(r, 86400, "A", 89);
	CHECK(find_risk("daily-loss", "resume") == 0 && out[1].type == QTS_BAR, "new UTC day resumes first");
	order(r, 86460, "A", "buy", 1, NAN);
	CHECK(nout == 1 && passed_same, "orders approved again");
	qts_risk_free(r);
}

static void test_target_vol(void)
{
	qts_risk *r = make((const char *[]){ "target-vol", "0.2", "vol-window", "4", NULL });
	/* closes alternate 100, 101: returns +-ln(1.01) = +-0.00995033;
	 * 4 returns +a -a +a -a: mean 0, var = 4 a^2 / 3, sd = 0.0114896;
	 * annualised: 0.0114896 * sqrt(252) = 0.182393 < 0.2: no scaling */
	double px[] = { 100, 101, 100, 101, 100 };
	for (int i = 0; i < 5; i++)
		bar(r, 60 * i, "A", px[i]);
	target(r, 300, "A", 1000, "qty");
	CHECK(nout == 1 && passed_same, "volatility below target: unchanged");
	qts_risk_free(r);

	r = make((const char *[]){ "target-vol", "0.1", "vol-window", "4", NULL });
	target(r, 0, "A", 1000, "qty");
	CHECK(nout == 1 && passed_same, "window not full: unchanged");
	for (int i = 0; i < 5; i++)
		bar(r, 60 * i, "A", px[i]);
	target(r, 300, "A", 1000, "qty");
	/* scale 0.1 / 0.182393 = 0.548268: 548 whole shares */
	int o = find_type(QTS_TARGET);
	CHECK(find_risk("target-vol", "reduce") == 0 && o == 1 && out[o].target.target == 548,
	      "target scaled by target / realised volatility");
	qts_risk_free(r);
}

static void test_stops(void)
{
	qts_risk *r = make((const char *[]){ "stop-loss", "0.05", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 10, "qty");
	bar(r, 120, "A", 96);
	CHECK(nout == 1, "4% down: no stop");
	bar(r, 180, "A", 95);
	int o = find_type(QTS_TARGET);
	CHECK(find_risk("stop-loss", "flatten") == 1 && o == 2 && nout == 3 && is_flatten(o, "A"),
	      "5% down: stop-loss flattens");
	CHECK(qts_risk_position(r, "A") == 0, "the view takes the exit as filled");
	target(r, 240, "A", -10, "qty");
	bar(r, 300, "A", 99.75);
	CHECK(find_risk("stop-loss", "flatten") == 1 && is_flatten(2, "A"), "short stopped out 5% up");
	qts_risk_free(r);

	r = make((const char *[]){ "take-profit", "0.1", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 10, "qty");
	bar(r, 120, "A", 109);
	CHECK(nout == 1, "9% up: hold");
	bar(r, 180, "A", 110);
	CHECK(find_risk("take-profit", "flatten") == 1, "10% up: take profit");
	qts_risk_free(r);

	r = make((const char *[]){ "trailing-stop", "0.1", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 10, "qty");
	bar(r, 120, "A", 130);
	bar(r, 180, "A", 118);
	CHECK(nout == 1, "9.2% off the best: hold");
	bar(r, 240, "A", 117);
	CHECK(find_risk("trailing-stop", "flatten") == 1, "10% off the best of 130: exit");
	qts_risk_free(r);
}

static void test_rate_band(void)
{
	qts_risk *r = make((const char *[]){ "max-orders", "2/1m", NULL });
	bar(r, -60, "A", 10); /* known at 0 */
	order(r, 0, "A", "buy", 1, NAN);
	order(r, 10, "A", "buy", 1, NAN);
	CHECK(nout == 1 && passed_same, "two orders within a minute");
	order(r, 59, "A", "buy", 1, NAN);
	CHECK(find_risk("max-orders", "reject") == 0, "third within the minute rejected");
	order(r, 60, "A", "buy", 1, NAN);
	CHECK(nout == 1 && passed_same, "a minute after the first: approved");
	qts_risk_free(r);

	r = make((const char *[]){ "price-band", "0.05", NULL });
	bar(r, 0, "A", 100);
	order(r, 0, "A", "buy", 1, 105);
	CHECK(nout == 1 && passed_same, "limit 5% away approved");
	order(r, 0, "A", "buy", 1, 106);
	CHECK(find_risk("price-band", "reject") == 0, "limit 6% away rejected");
	CHECK_STR(out[0].risk.detail, "order o2: limit 106 is more than 0.05 from last 100", "band detail");
	qts_risk_free(r);
}

static void test_halt_and_fills(void)
{
	qts_risk *r = make(NULL);
	bar(r, 0, "A", 100);
	bar(r, 0, "B", 50);
	target(r, 60, "A", 10, "qty");
	target(r, 60, "B", -20, "qty");
	nout = 0;
	CHECK(qts_risk_halt(r, "kill file", collect, NULL) == 0 && qts_risk_halted(r), "halt");
	CHECK(nout == 5 && find_risk("kill", "breach") == 0, "halt: breach, then per position flatten + order");
	CHECK(is_flatten(2, "A") && is_flatten(4, "B"), "flatten targets for A and B");
	CHECK(qts_risk_position(r, "A") == 0 && qts_risk_position(r, "B") == 0, "view flat");
	nout = 0;
	CHECK(qts_risk_halt(r, "again", collect, NULL) == 0 && nout == 0, "halt twice: nothing more");
	order(r, 120, "A", "sell", 1, NAN);
	CHECK(nout == 1 && find_risk("kill", "reject") == 0, "orders rejected while halted");
	nout = 0;
	qts_risk_resume(r, "file removed", collect, NULL);
	CHECK(nout == 1 && find_risk("kill", "resume") == 0 && !qts_risk_halted(r), "resume");
	order(r, 120, "A", "buy", 1, NAN);
	CHECK(nout == 1 && passed_same, "approved after resume");
	qts_risk_free(r);

	r = make((const char *[]){ "max-position", "100", NULL });
	bar(r, 0, "A", 10);
	order(r, 0, "A", "buy", 60, NAN);
	fill(r, 60, "A", "buy", 40, 10);
	CHECK(nout == 1 && passed_same, "fill passes through");
	CHECK(qts_risk_position(r, "A") == 40, "fills replace the approved view");
	CHECK(qts_risk_working(r, "A") == 20, "the rest of o1 is working");
	/* cash 100000 - 400 - 1 commission; equity 99999 */
	CHECK_NEAR(qts_risk_equity(r), 99999, 1e-12, "fill cash and commission");
	order(r, 60, "A", "buy", 100, NAN);
	CHECK(find_type(QTS_ORDER) == 1 && out[1].order.qty == 40, "limit applied to filled plus working");
	qts_risk_free(r);
}

/* Default mode: approvals are taken as filled until an update says
 * otherwise; the ids of the orders qts-sim makes from targets are known. */
static void test_updates(void)
{
	qts_risk *r = make((const char *[]){ "max-position", "100", NULL });
	bar(r, -60, "A", 10);
	order(r, 0, "A", "buy", 80, NAN);
	CHECK(qts_risk_position(r, "A") == 80 && qts_risk_working(r, "A") == 0, "approval taken as filled");
	update(r, 0, "A", "o1", "accepted", 0);
	update(r, 0, "A", "o1", "partial", 30);
	CHECK(nout == 1 && passed_same && qts_risk_position(r, "A") == 80, "updates pass; partial changes nothing");
	update(r, 0, "A", "o1", "canceled", 30);
	CHECK(nout == 1 && passed_same, "cancel passes through");
	CHECK(qts_risk_position(r, "A") == 30, "the unfilled 50 given back");
	CHECK_NEAR(qts_risk_equity(r), 100000, 1e-9, "cash given back at the approval price");
	update(r, 0, "A", "o1", "canceled", 0);
	CHECK(qts_risk_position(r, "A") == 30, "an ended order ends once");
	order(r, 0, "A", "buy", 100, NAN);
	CHECK(find_type(QTS_ORDER) == 1 && out[1].order.qty == 70, "room back for 70");
	update(r, 0, "A", "nobody", "rejected", 0);
	CHECK(qts_risk_position(r, "A") == 100, "unknown ids change nothing");
	qts_risk_free(r);

	r = make(NULL);
	bar(r, -60, "A", 10);
	target(r, 0, "A", 50, "qty");
	target(r, 0, "A", 50, "qty");
	target(r, 0, "A", 20, "qty");
	/* qts-sim: t-A-1 buys 50; the same target again makes no order (its
	 * count is not used); t-A-2 sells 30 */
	update(r, 0, "A", "t-A-2", "rejected", 0);
	CHECK(qts_risk_position(r, "A") == 50, "qts-sim's order id for the target: rejected sell undone");
	update(r, 0, "A", "t-A-1", "expired", 0);
	CHECK(qts_risk_position(r, "A") == 0, "and the buy");
	target(r, 0, "A", 0.5, "weight");
	/* 0.5 x 100000 / 10 = 5000; qts-sim's next id */
	update(r, 0, "A", "t-A-3", "rejected", 0);
	CHECK(qts_risk_position(r, "A") == 0, "weight target's order id t-A-3");
	qts_risk_free(r);
}

/* Once fills come back, approved orders work until they fill or end. */
static void test_working(void)
{
	qts_risk *r = make((const char *[]){ "max-position", "100", NULL });
	bar(r, -60, "A", 10);
	order(r, 0, "A", "buy", 60, NAN);
	order(r, 0, "A", "buy", 30, NAN);
	fill_id(r, 60, "A", "o1", "buy", 10, 10);
	CHECK(qts_risk_position(r, "A") == 10 && qts_risk_working(r, "A") == 80, "fill mode: 50 + 30 working");
	update(r, 60, "A", "o1", "partial", 10);
	CHECK(qts_risk_working(r, "A") == 80, "partial reporting the fill already seen");
	update(r, 60, "A", "o1", "partial", 25);
	CHECK(qts_risk_working(r, "A") == 65, "partial ahead of its fill reduces what works");
	fill_id(r, 60, "A", "o1", "buy", 15, 10);
	CHECK(qts_risk_position(r, "A") == 25 && qts_risk_working(r, "A") == 65, "its fill then counts once");
	order(r, 60, "A", "buy", 50, NAN);
	CHECK(find_risk("max-position", "reduce") == 0 && out[1].order.qty == 10, "25 + 65 working: 10 more");
	update(r, 60, "A", "o2", "canceled", 0);
	CHECK(qts_risk_working(r, "A") == 45, "a canceled order stops working");
	update(r, 60, "A", "o1", "filled", 60);
	fill_id(r, 60, "A", "o1", "buy", 35, 10);
	CHECK(qts_risk_position(r, "A") == 60 && qts_risk_working(r, "A") == 10, "filled ends it");
	target(r, 60, "A", 200, "qty");
	CHECK(find_type(QTS_TARGET) == 1 && out[1].target.target == 100, "targets see filled plus working");
	/* qts-sim would buy 30 as t-A-1 */
	fill_id(r, 120, "A", "t-A-1", "buy", 30, 10);
	CHECK(qts_risk_position(r, "A") == 90 && qts_risk_working(r, "A") == 10, "target's order filled");
	order(r, 120, "A", "buy", 50, NAN);
	CHECK(find_risk("max-position", "reject") == 0, "at the limit");
	qts_risk_free(r);

	/* Exits work too: no second exit while one is working. */
	r = make((const char *[]){ "stop-loss", "0.05", NULL });
	bar(r, -60, "A", 100);
	order(r, 0, "A", "buy", 10, NAN);
	fill_id(r, 60, "A", "o1", "buy", 10, 100);
	bar(r, 60, "A", 90);
	int o = find_type(QTS_TARGET);
	CHECK(is_flatten(o, "A") && qts_risk_working(r, "A") == -10, "the order qts-sim makes for the exit works");
	bar(r, 120, "A", 89);
	CHECK(nout == 1, "no second exit while it works");
	/* qts-sim names it after strategy `*`: the symbol's first order made
	 * from a target */
	update(r, 180, "A", "*-A-1", "rejected", 0);
	bar(r, 180, "A", 88);
	CHECK(find_risk("stop-loss", "flatten") == 1 && is_flatten(2, "A") && qts_risk_working(r, "A") == -10,
	      "the exit rejected: a new one");
	fill_id(r, 240, "A", "*-A-2", "sell", 10, 88);
	CHECK(qts_risk_position(r, "A") == 0 && qts_risk_working(r, "A") == 0, "flat");
	qts_risk_free(r);
}

/* qts-risk(1): the last 65536 orders are remembered. */
static void test_order_window(void)
{
	qts_risk *r = make(NULL);
	bar(r, -60, "A", 10);
	order(r, 0, "A", "buy", 1, NAN);
	fill_id(r, 0, "A", "elsewhere", "buy", 1, 10);
	CHECK(qts_risk_working(r, "A") == 1, "o1 works");
	for (int i = 0; i < 65535; i++)
		order(r, 0, "A", "buy", 1, NAN);
	CHECK(qts_risk_working(r, "A") == 65536, "65536 orders remembered");
	order(r, 0, "A", "buy", 1, NAN);
	CHECK(qts_risk_working(r, "A") == 65536, "the 65537th forgets the oldest");
	fill_id(r, 0, "A", "o2", "buy", 1, 10);
	CHECK(qts_risk_working(r, "A") == 65535, "the rest still known by id");
	qts_risk_free(r);
}

static void test_repeat_and_units(void)
{
	qts_risk *r = make((const char *[]){ "max-position", "100", NULL });
	bar(r, -60, "A", 10);
	order(r, 0, "A", "buy", 150, NAN);
	qts_event again = out[find_type(QTS_ORDER)];
	again.order.qty = 150;
	feed(r, &again);
	CHECK(nout == 1 && out[0].order.qty == 100 && qts_risk_position(r, "A") == 100,
	      "a repeated order id goes out as first approved, counted once");
	qts_risk_free(r);

	r = make(NULL);
	bar(r, -60, "A", 30);
	target(r, 0, "A", 0.5, "weight");
	/* 0.5 x 100000 / 30 = 1666.67: qts-sim buys 1666 */
	CHECK(qts_risk_position(r, "A") == 1666, "weight in whole units toward zero");
	target(r, 0, "A", -2.7, "qty");
	CHECK(qts_risk_position(r, "A") == -2, "qty target toward zero");
	qts_risk_free(r);

	qts_risk_config c;
	char err[256];
	qts_risk_config_init(&c);
	c.fractional = 1;
	r = qts_risk_new(&c, err);
	bar(r, -60, "A", 30);
	target(r, 0, "A", 0.5, "weight");
	CHECK_NEAR(qts_risk_position(r, "A"), 50000.0 / 30, 1e-9, "fractional: weight as is");
	qts_risk_free(r);
}

/* An exit carries no quantity: whatever the view holds or has working,
 * it is a target of 0 for every strategy, which qts-sim resolves against
 * its real position after canceling the symbol's working orders. */
static void test_exit_is_flatten(void)
{
	/* Approvals taken as filled: 10 bought, 5 more on a limit order the
	 * view takes as filled where the next bar reaches it (at 94: 15 at an
	 * average of 98); qts-sim may hold anything else. */
	qts_risk *r = make((const char *[]){ "stop-loss", "0.04", NULL });
	bar(r, -60, "A", 100);
	order(r, 0, "A", "buy", 10, NAN);
	order(r, 0, "A", "buy", 5, 99);
	CHECK(qts_risk_position(r, "A") == 10 && qts_risk_working(r, "A") == 5, "view: 10, the limit waiting");
	bar(r, 60, "A", 94);
	CHECK(nout == 3 && find_risk("stop-loss", "flatten") == 1 && is_flatten(2, "A"),
	      "exit: no quantity guessed from the view");
	CHECK(qts_risk_position(r, "A") == 0 && qts_risk_working(r, "A") == 0, "view flat, nothing working");
	update(r, 120, "A", "o2", "canceled", 0);
	CHECK(qts_risk_position(r, "A") == 0, "qts-sim's cancel of o2 gives nothing back: the exit took it");
	qts_risk_free(r);

	/* Fills fed back: 10 held, a limit buy of 5 working. */
	r = make((const char *[]){ "trailing-stop", "0.1", NULL });
	bar(r, -60, "A", 100);
	order(r, 0, "A", "buy", 10, NAN);
	fill_id(r, 60, "A", "o1", "buy", 10, 100);
	order(r, 60, "A", "buy", 5, 95);
	CHECK(qts_risk_position(r, "A") == 10 && qts_risk_working(r, "A") == 5, "10 held, 5 working");
	bar(r, 60, "A", 89);
	CHECK(find_risk("trailing-stop", "flatten") == 1 && is_flatten(2, "A"), "trailing stop flattens");
	CHECK(qts_risk_working(r, "A") == -10, "o2 canceled by qts-sim; its order sells the 10 held");
	bar(r, 120, "A", 85);
	CHECK(nout == 1, "no second exit while it works");
	update(r, 120, "A", "o2", "canceled", 0);
	fill_id(r, 180, "A", "*-A-1", "sell", 10, 86);
	CHECK(qts_risk_position(r, "A") == 0 && qts_risk_working(r, "A") == 0, "flat");
	qts_risk_free(r);

	/* Nothing held but an entry working: the exit cancels it. */
	r = make((const char *[]){ "max-drawdown", "0.1", "on-drawdown", "flatten", NULL });
	bar(r, -60, "A", 100);
	bar(r, -60, "B", 100);
	target(r, 0, "A", 900, "qty");
	fill_id(r, 60, "A", "t-A-1", "buy", 900, 100);
	order(r, 60, "B", "buy", 50, 90);
	bar(r, 60, "A", 88);
	CHECK(find_risk("max-drawdown", "breach") == 1 && is_flatten(3, "A") && is_flatten(5, "B") && nout == 6,
	      "drawdown flatten: A held, B only working");
	CHECK(qts_risk_working(r, "A") == -900 && qts_risk_working(r, "B") == 0, "B's entry canceled");
	qts_risk_free(r);
}

/* Without fills, a limit or stop order is not taken as filled when
 * approved: qts-sim works it on the later prices of its symbol, and so
 * does the view, with qts-sim's fill model (its prices before costs). */
static void test_resting_orders(void)
{
	qts_risk *r = make((const char *[]){ "stop-loss", "0.02", NULL });
	bar(r, -60, "A", 100);
	order_of(r, 0, "A", "s1", "buy", 10, "stop", NAN, 105, "gtc");
	CHECK(nout == 1 && qts_risk_position(r, "A") == 0 && qts_risk_working(r, "A") == 10,
	      "a buy stop above the market: working, not held");
	bar_ohlc(r, 60, "A", 101, 104, 99, 99);
	CHECK(nout == 1 && qts_risk_position(r, "A") == 0, "not reached: no position, no stop-loss on one");
	bar_ohlc(r, 120, "A", 100, 106, 99.5, 104);
	CHECK(qts_risk_position(r, "A") == 10 && qts_risk_working(r, "A") == 0 && nout == 1,
	      "reached within the bar: held at the stop, 105 (qts-sim's price)");
	bar(r, 180, "A", 102.8);
	CHECK(nout == 3 && find_risk("stop-loss", "flatten") == 1 && is_flatten(2, "A"),
	      "the stop-loss measured from 105: 102.8 is beyond 2%");
	qts_risk_free(r);

	/* A gap through the stop fills at the open, as in qts-sim. */
	r = make((const char *[]){ "take-profit", "0.05", NULL });
	bar(r, -60, "A", 100);
	order_of(r, 0, "A", "s1", "sell", 10, "stop", NAN, 95, "gtc");
	bar_ohlc(r, 60, "A", 90, 91, 89, 90);
	CHECK(qts_risk_position(r, "A") == -10 && nout == 1, "gapped through: short 10 at the open, 90");
	bar(r, 120, "A", 85.4);
	CHECK(find_risk("take-profit", "flatten") == 1, "take-profit from 90, not from 95: 85.4 is beyond 5%");
	qts_risk_free(r);

	/* The case found on ORCL: a long-only breakout whose entry stop never
	 * triggers.  Taken as filled, a sell stop's "short" lost as the price
	 * rose, and the stop-loss flattened what qts-sim really held. */
	r = make((const char *[]){ "stop-loss", "0.02", NULL });
	bar(r, -60, "A", 100);
	target(r, 0, "A", 10, "qty");
	order_of(r, 0, "A", "p1", "sell", 10, "stop", NAN, 97, "gtc");
	CHECK(qts_risk_position(r, "A") == 10 && qts_risk_working(r, "A") == -10, "long 10, a protective stop");
	bar(r, 60, "A", 110);
	CHECK(nout == 1 && qts_risk_position(r, "A") == 10, "up 10%: nothing to exit");
	bar(r, 120, "A", 107.5);
	CHECK(find_risk("stop-loss", "flatten") == -1, "107.5: no loss from 100");
	bar_ohlc(r, 180, "A", 99, 99, 96, 97);
	CHECK(qts_risk_position(r, "A") == 0 && qts_risk_working(r, "A") == 0, "the protective stop reached: flat");
	CHECK(find_risk("stop-loss", "flatten") == -1, "no exit of a position already gone");
	qts_risk_free(r);

	/* A limit: reached at its price, or at a better open. */
	r = make(NULL);
	bar(r, -60, "A", 100);
	order_of(r, 0, "A", "l1", "buy", 5, "limit", 98, NAN, "gtc");
	order_of(r, 0, "A", "l2", "sell", 3, "limit", 103, NAN, "gtc");
	bar_ohlc(r, 60, "A", 99, 101, 97, 100);
	CHECK(qts_risk_position(r, "A") == 5 && qts_risk_working(r, "A") == -3, "the buy limit reached, not the sell");
	bar_ohlc(r, 120, "A", 104, 105, 103.5, 104);
	CHECK(qts_risk_position(r, "A") == 2 && qts_risk_working(r, "A") == 0, "the sell at a better open");
	qts_risk_free(r);
}

/* A contract's limit and stop prices may be 0 or below, where qts-sim
 * fills it; a share's may not. */
static void test_resting_below_zero(void)
{
	qts_risk *r = make((const char *[]){ "instrument", "CL,multiplier=1000", NULL });
	bar(r, -60, "CL", 5);
	order_of(r, 0, "CL", "b1", "buy", 1, "limit", -2, NAN, "gtc");
	CHECK(nout == 1 && out[0].type == QTS_ORDER && qts_risk_working(r, "CL") == 1,
	      "a contract's buy limit at -2: approved, working");
	bar_ohlc(r, 60, "CL", -1, 0, -3, -2.5);
	CHECK(qts_risk_position(r, "CL") == 1 && qts_risk_working(r, "CL") == 0, "reached at -2: held");
	order_of(r, 60, "CL", "s1", "sell", 1, "stop", NAN, -4, "gtc");
	bar_ohlc(r, 120, "CL", -3, -3, -6, -5);
	CHECK(qts_risk_position(r, "CL") == 0, "its sell stop at -4 reached");
	order_of(r, 120, "CL", "x1", "buy", 1, "limit", INFINITY, NAN, "gtc");
	CHECK(find_risk("order", "reject") == 0 && strstr(out[0].risk.detail, "limit price inf is not finite"),
	      "a limit not finite: rejected");
	qts_risk_free(r);

	r = make(NULL);
	bar(r, -60, "A", 5);
	order_of(r, 0, "A", "b1", "buy", 1, "limit", -2, NAN, "gtc");
	CHECK(find_risk("order", "reject") == 0 && strstr(out[0].risk.detail, "limit price -2 is not above zero"),
	      "a share's limit at -2: rejected, as qts-sim rejects it");
	qts_risk_free(r);
}

/* Day, ioc and fok orders end unfilled as qts-sim ends them; a cancel
 * ends what qts-sim would still have working. */
static void test_resting_ends(void)
{
	qts_risk *r = make(NULL);
	bar(r, -60, "A", 100);
	order_of(r, 0, "A", "d1", "buy", 5, "limit", 90, NAN, "day");
	order_of(r, 0, "A", "i1", "buy", 7, "limit", 95, NAN, "ioc");
	CHECK(qts_risk_working(r, "A") == 12, "day and ioc limits working");
	bar(r, 60, "A", 99);
	CHECK(qts_risk_working(r, "A") == 5 && qts_risk_position(r, "A") == 0, "the ioc ends at the first price");
	order_of(r, 60, "A", "f1", "buy", 3, "limit", 95, NAN, "fok");
	order_of(r, 60, "A", "f2", "buy", 2, "limit", 99.5, NAN, "fok");
	CHECK(qts_risk_working(r, "A") == 10, "two fok limits working");
	bar(r, 120, "A", 99);
	CHECK(qts_risk_working(r, "A") == 5 && qts_risk_position(r, "A") == 2,
	      "at 99 the fok at 95 ends unfilled, the one at 99.5 fills whole");
	bar(r, 30000, "A", 99);
	CHECK(qts_risk_working(r, "A") == 5, "the same UTC day: the day order works");
	bar(r, 40000, "A", 89);
	CHECK(qts_risk_working(r, "A") == 0 && qts_risk_position(r, "A") == 2,
	      "the next UTC day: expired before it could fill at 89");
	qts_risk_free(r);

	r = make(NULL);
	bar(r, -60, "A", 100);
	order_of(r, 0, "A", "l1", "buy", 5, "limit", 90, NAN, "gtc");
	cancel(r, 0, "A", "l1");
	CHECK(nout == 1 && out[0].type == QTS_CANCEL && passed_same, "the cancel passes on");
	CHECK(qts_risk_working(r, "A") == 0, "the resting limit ends");
	bar(r, 60, "A", 85);
	CHECK(qts_risk_position(r, "A") == 0, "and never fills");
	order_of(r, 60, "A", "m1", "buy", 4, "market", NAN, NAN, "gtc");
	CHECK(qts_risk_position(r, "A") == 4, "a market order taken as filled");
	cancel(r, 60, "", "m1");
	CHECK(qts_risk_position(r, "A") == 0 && qts_risk_working(r, "A") == 0,
	      "canceled before its next price (no symbol named): qts-sim never filled it");
	order_of(r, 60, "A", "m2", "buy", 4, "market", NAN, NAN, "gtc");
	bar(r, 120, "A", 86);
	cancel(r, 120, "A", "m2");
	CHECK(qts_risk_position(r, "A") == 4, "canceled after its next price: filled there, kept");
	order_of(r, 120, "A", "l2", "buy", 5, "limit", 80, NAN, "gtc");
	cancel(r, 120, "B", "l2");
	CHECK(qts_risk_working(r, "A") == 5, "a cancel naming another symbol: qts-sim does not find it");
	update(r, 180, "A", "l2", "filled", 5);
	CHECK(qts_risk_position(r, "A") == 9 && qts_risk_working(r, "A") == 0,
	      "an update says it filled: held, at its limit");
	qts_risk_free(r);
}

/* tz and session: a day order's trading day as qts-sim --tz --session
 * reckons it.  23:30 UTC is 17:30 in Chicago, after the 17:00 open of
 * the next trading day; 00:30 UTC, a new UTC date, is the same one. */
static void test_resting_trading_day(void)
{
	for (int local = 0; local < 2; local++) {
		qts_risk *r = make(local ? (const char *[]){ "tz", "America/Chicago", "session", "17:00-16:00", NULL }
					 : NULL);
		bar(r, 32340, "E", 1.1);
		order_of(r, 32400, "E", "d1", "buy", 1, "limit", 1.09, NAN, "day");
		bar(r, 32400, "E", 1.1);
		bar_ohlc(r, 36000, "E", 1.1, 1.1, 1.08, 1.09);
		CHECK(qts_risk_position(r, "E") == (local ? 1 : 0) && qts_risk_working(r, "E") == 0,
		      local ? "Chicago's trading day: the day order fills at 00:30 UTC"
			    : "UTC dates: the day order ended at 00:30 UTC, unfilled");
		qts_risk_free(r);
	}
}

/* An exit, a kill and a drawdown flatten what a resting stop or limit
 * of the same size would not: it is no exit working. */
static void test_resting_not_an_exit(void)
{
	qts_risk *r = make(NULL);
	bar(r, -60, "A", 100);
	target(r, 0, "A", 10, "qty");
	order_of(r, 0, "A", "p1", "sell", 10, "stop", NAN, 90, "gtc");
	nout = 0;
	CHECK(qts_risk_halt(r, "kill file", collect, NULL) == 0 && is_flatten(2, "A"),
	      "kill: the long with its protective stop is flattened");
	CHECK(qts_risk_position(r, "A") == 0 && qts_risk_working(r, "A") == 0, "and the stop ends with it");
	qts_risk_free(r);

	/* Fills fed back: 10 held, a take-profit limit resting. */
	r = make((const char *[]){ "stop-loss", "0.05", NULL });
	bar(r, -60, "A", 100);
	target(r, 0, "A", 10, "qty");
	fill_id(r, 60, "A", "t-A-1", "buy", 10, 100);
	order_of(r, 60, "A", "tp", "sell", 10, "limit", 110, NAN, "gtc");
	CHECK(qts_risk_position(r, "A") == 10 && qts_risk_working(r, "A") == -10, "10 held, the limit working");
	bar(r, 120, "A", 94);
	CHECK(find_risk("stop-loss", "flatten") == 1 && is_flatten(2, "A"), "the stop-loss still exits");
	CHECK(qts_risk_working(r, "A") == -10, "through qts-sim's order for 10, the limit canceled");
	bar(r, 180, "A", 93);
	CHECK(nout == 1, "no second exit while it works");
	qts_risk_free(r);
}

/* A target for `*` from upstream (another qts-risk, a strategy) is read
 * as qts-sim reads it: the whole position, the working orders canceled. */
static void test_every_strategy_target(void)
{
	qts_risk *r = make((const char *[]){ "max-position", "100", NULL });
	bar(r, -60, "A", 100);
	order(r, 0, "A", "buy", 10, NAN);
	fill_id(r, 60, "A", "o1", "buy", 10, 100);
	order(r, 60, "A", "buy", 50, 95);
	CHECK(qts_risk_position(r, "A") == 10 && qts_risk_working(r, "A") == 50, "10 held, 50 working");
	qts_event ev = target_of(120, "A", 4, "qty", "*");
	feed(r, &ev);
	CHECK(nout == 1 && passed_same, "toward flat from the 10 held: approved");
	CHECK(qts_risk_working(r, "A") == -6, "o2 canceled; qts-sim sells 6");
	update(r, 120, "A", "o2", "canceled", 0);
	CHECK(qts_risk_working(r, "A") == -6, "qts-sim's cancel of o2 is already counted");
	fill_id(r, 180, "A", "*-A-1", "sell", 6, 100);
	CHECK(qts_risk_position(r, "A") == 4 && qts_risk_working(r, "A") == 0, "4 held");
	qts_risk_free(r);
}

static void test_drawdown_resume(void)
{
	char err[256];
	qts_risk_config c;
	qts_risk_config_init(&c);
	CHECK(qts_risk_config_set(&c, "drawdown-cooldown", "30d", err) == 0 &&
		      c.drawdown_cooldown == 30 * QTS_NS_PER_DAY,
	      "set drawdown-cooldown");
	CHECK(qts_risk_config_set(&c, "drawdown-cooldown", "0", err) < 0, "cool-down of 0");
	CHECK_STR(err, "drawdown-cooldown: '0' is not a duration above 0 (10s, 30m, 5d...)", "cool-down message");
	CHECK(qts_risk_config_set(&c, "drawdown-cooldown", "month", err) < 0, "cool-down not a duration");
	CHECK(qts_risk_new(&c, err) == NULL, "cool-down without max-drawdown");
	CHECK_STR(err, "drawdown-cooldown needs max-drawdown", "needs max-drawdown");
	qts_risk_config_init(&c);
	CHECK(qts_risk_config_set(&c, "drawdown-resume", "0.2", err) == 0 && c.drawdown_resume == 0.2,
	      "set drawdown-resume");
	CHECK(qts_risk_new(&c, err) == NULL, "drawdown-resume without max-drawdown");
	CHECK_STR(err, "drawdown-resume needs max-drawdown", "needs max-drawdown too");
	qts_risk_config_set(&c, "max-drawdown", "0.2", err);
	CHECK(qts_risk_new(&c, err) == NULL, "resume not below the limit");
	CHECK_STR(err, "drawdown-resume 0.2 must be below max-drawdown 0.2", "below message");

	/* Cool-down: the breach is known at T(180) (the bar of 120 ends
	 * then); an hour later the next price resumes, from a new peak. */
	qts_risk *r = make((const char *[]){ "max-drawdown", "0.1", "drawdown-cooldown", "1h", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 1000, "qty");
	bar(r, 120, "A", 85);
	CHECK(find_risk("max-drawdown", "breach") == 1, "breach");
	bar(r, 3660, "A", 85);
	CHECK(nout == 1, "59 minutes on: still breached");
	target(r, 3720, "A", 1200, "qty");
	CHECK(find_risk("max-drawdown", "reject") == 0, "more risk rejected");
	bar(r, 3720, "A", 85);
	CHECK(nout == 2 && find_risk("max-drawdown", "resume") == 1, "an hour after the breach: resume");
	CHECK_STR(out[1].risk.detail, "cool-down over (breach at 2024-01-02T14:33:00Z): peak restarts at equity 85000",
		  "cool-down detail");
	target(r, 3780, "A", 1200, "qty");
	CHECK(nout == 1 && passed_same, "approved again");
	/* 1200 at 85: cash -17000; at 76 equity 74200, 12.7% below the new
	 * peak of 85000 */
	bar(r, 3840, "A", 76);
	CHECK(find_risk("max-drawdown", "breach") == 1, "a new breach from the new peak");
	CHECK_STR(out[1].risk.detail, "drawdown 0.127059 beyond 0.1 (equity 74200; peak 85000)", "new breach detail");
	qts_risk_free(r);

	/* Recovery: resume once the drawdown is back to 5% of the old peak. */
	r = make((const char *[]){ "max-drawdown", "0.1", "drawdown-resume", "0.05", NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 1000, "qty");
	bar(r, 120, "A", 85);
	CHECK(find_risk("max-drawdown", "breach") == 1, "breach");
	bar(r, 180, "A", 94);
	CHECK(nout == 1, "6% down: still breached");
	bar(r, 240, "A", 95);
	CHECK(find_risk("max-drawdown", "resume") == 1, "5% down: resume");
	CHECK_STR(out[1].risk.detail, "drawdown 0.05 back within 0.05 (equity 95000; peak 100000)", "resume detail");
	target(r, 300, "A", 1100, "qty");
	CHECK(nout == 1 && passed_same, "approved again");
	qts_risk_free(r);

	/* Flatten, then a cool-down: flat and blocked until it is over. */
	r = make((const char *[]){ "max-drawdown", "0.1", "on-drawdown", "flatten", "drawdown-cooldown", "1d",
				   NULL });
	bar(r, 0, "A", 100);
	target(r, 60, "A", 1000, "qty");
	bar(r, 120, "A", 85);
	CHECK(find_risk("max-drawdown", "flatten") == 2 && is_flatten(3, "A"), "breach flattens");
	target(r, 180, "A", 10, "qty");
	CHECK(find_risk("max-drawdown", "reject") == 0, "flat and blocked");
	CHECK_STR(out[0].risk.detail, "target 10 qty: position 0; allowed up to 0", "blocked detail");
	bar(r, 86400 + 120, "A", 90);
	CHECK(find_risk("max-drawdown", "resume") == 1, "a day later: resume");
	target(r, 86400 + 180, "A", 10, "qty");
	CHECK(nout == 1 && passed_same, "approved again");
	qts_risk_free(r);
}

/* Bounds of zero print as 0, never -0. */
static void test_no_negative_zero(void)
{
	qts_risk *r = make((const char *[]){ "max-position", "0", NULL });
	bar(r, -60, "A", 10);
	target(r, 0, "A", -5, "qty");
	CHECK(find_risk("max-position", "reject") == 0, "short rejected");
	CHECK_STR(out[0].risk.detail, "target -5 qty: position 0; allowed down to 0", "down to 0, not up to -0");
	qts_risk_free(r);

	r = make((const char *[]){ "max-position-pct", "0", NULL });
	bar(r, -60, "A", 10);
	target(r, 0, "A", -0.5, "weight");
	CHECK(find_risk("max-position-pct", "reject") == 0, "short weight rejected");
	CHECK_STR(out[0].risk.detail, "target -0.5 weight: position 0; allowed down to 0", "weight: no -0");
	qts_risk_free(r);
}

/* ---- contracts: the multiplier in the view -------------------------- */

static void test_contract_view(void)
{
	/* F: 10 money a point.  Cash 100000. */
	qts_risk *r = make((const char *[]){ "instrument", "F,multiplier=10,margin=1000", "max-position-notional",
					      "50000", NULL });
	bar(r, 0, "F", 100);
	target(r, 60, "F", 1000, "qty");
	int o = find_type(QTS_TARGET);
	/* 50000 / (100 * 10) = 50 contracts, not 500 */
	CHECK(o >= 0 && out[o].target.target == 50, "notional counts the multiplier: 50 contracts");
	bar(r, 120, "F", 110);
	/* cash 100000 - 50 * 100 * 10 = 50000; equity 50000 + 50 * 110 * 10 = 105000 */
	CHECK_NEAR(qts_risk_equity(r), 105000, 1e-12, "P&L of a contract: qty x move x multiplier");
	qts_risk_free(r);

	/* A share (no spec) next to the contract: gross counts both at value. */
	r = make((const char *[]){ "instrument", "F,multiplier=10", "max-gross", "30000", NULL });
	bar(r, 0, "F", 100);
	bar(r, 0, "A", 100);
	target(r, 60, "F", 2, "qty");
	CHECK(nout == 1 && passed_same, "2 contracts = 2000 of gross: approved");
	target(r, 60, "A", 1000, "qty");
	o = find_type(QTS_TARGET);
	/* (30000 - 2 * 100 * 10) / 100 = 280 shares */
	CHECK(o >= 0 && out[o].target.target == 280, "a share beside a contract: 280 shares");
	target(r, 60, "F", 100, "qty");
	o = find_type(QTS_TARGET);
	/* (30000 - 280 * 100) / (100 * 10) = 2 contracts: no room to add */
	CHECK(find_risk("max-gross", "reject") == 0, "no room left for the contract");
	qts_risk_free(r);

	/* max-net and max-position-pct value a contract at price x multiplier. */
	r = make((const char *[]){ "instruments", "/dev/null", "instrument", "F,multiplier=50", "max-net", "60000",
				   "max-position-pct", "0.5", NULL });
	bar(r, 0, "F", 200);
	target(r, 60, "F", -100, "qty");
	o = find_type(QTS_TARGET);
	/* pct: 0.5 * 100000 / (200 * 50) = 5; net: 60000 / 10000 = 6: 5 binds */
	CHECK(o >= 0 && out[o].target.target == -5 && find_risk("max-position-pct", "reduce") >= 0,
	      "pct counts the multiplier: -5 contracts");
	qts_risk_free(r);

	/* The last spec of a symbol wins, as in qts-sim. */
	r = make((const char *[]){ "instrument", "F,multiplier=50", "instrument", "F,multiplier=2", "max-position-notional",
				   "1000", NULL });
	bar(r, 0, "F", 100);
	target(r, 60, "F", 100, "qty");
	o = find_type(QTS_TARGET);
	CHECK(o >= 0 && out[o].target.target == 5, "the later spec of F wins: 1000 / (100 * 2) = 5");
	qts_risk_free(r);
}

static void test_instrument_settings(void)
{
	qts_risk_config c;
	char err[256];
	qts_risk_config_init(&c);
	CHECK(qts_risk_config_set(&c, "instrument", "ES,multiplier=50,margin=5000,tick=0.25", err) == 0 &&
		      c.ninstruments == 1 && c.instruments[0].multiplier == 50 && c.instruments[0].tick == 0.25,
	      "instrument parsed as qts-sim parses it");
	CHECK(qts_risk_config_set(&c, "instrument", "ES,multiplier=0", err) < 0, "multiplier 0 refused");
	CHECK(strncmp(err, "instrument ES: multiplier: ", 27) == 0, "multiplier message names the symbol");
	CHECK(qts_risk_config_set(&c, "instrument", "ES,lots=3", err) < 0, "unknown key refused");
	CHECK_STR(err, "instrument ES: unknown key 'lots' (multiplier, margin, tick)", "unknown key message");
	CHECK(qts_risk_config_set(&c, "instruments", "/nonexistent/specs", err) < 0, "missing file refused");
	CHECK_STR(err, "/nonexistent/specs: No such file or directory", "missing file message");
	qts_risk_config_free(&c);
	CHECK(c.instruments == NULL && c.ninstruments == 0, "config freed");

	char path[] = "/tmp/qts-risk-rulesXXXXXX";
	int fd = mkstemp(path);
	close(fd);
	write_file(path, "instrument NQ,multiplier=20\nmax-position 3\n");
	CHECK(qts_risk_config_load(&c, path, err) == 0 && c.ninstruments == 1 &&
		      strcmp(c.instruments[0].symbol, "NQ") == 0 && c.instruments[0].multiplier == 20,
	      "an instrument line in a rules file");
	qts_risk_config_free(&c);
	unlink(path);
}

/* Risk in front of qts-sim, its fills fed back: the position the risk view
 * takes for a weight target is the quantity qts-sim orders for it. */
static qts_sim *sim;
static qts_event simout[MAXOUT];
static int nsimout;
static double simpos; /* qts-sim's position, from its position events */

static int sim_collect(void *arg, const qts_event *ev)
{
	(void)arg;
	if (nsimout < MAXOUT)
		simout[nsimout++] = *ev;
	if (ev->type == QTS_POSITION)
		simpos = ev->position.qty;
	return 0;
}

/* ev through risk, what risk writes through qts-sim, and qts-sim's fills
 * and updates back into risk. */
static void both(qts_risk *r, qts_event *ev)
{
	qts_event o[MAXOUT];
	feed(r, ev);
	int n = nout;
	memcpy(o, out, (size_t)n * sizeof *o);
	nsimout = 0;
	for (int i = 0; i < n; i++)
		qts_sim_put(sim, &o[i]);
	qts_event back[MAXOUT];
	int nb = 0;
	for (int i = 0; i < nsimout; i++)
		if (simout[i].type == QTS_FILL || simout[i].type == QTS_UPDATE)
			back[nb++] = simout[i];
	for (int i = 0; i < nb; i++)
		feed(r, &back[i]);
}

static void both_bar(qts_risk *r, int sec, const char *sym, double px)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, T(sec));
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, "1m");
	ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = px;
	ev.bar.volume = 1000000;
	both(r, &ev);
}

static void both_target(qts_risk *r, int sec, const char *sym, double v, const char *unit)
{
	qts_event ev = target_of(sec, sym, v, unit, "t");
	both(r, &ev);
}

static double sim_qty(const char *sym)
{
	(void)sym; /* one symbol */
	return simpos;
}

/* Bars when no rule reads them take a short path: their symbol and tf
 * are compared a word at a time (a name of 8 bytes or more in full), a
 * tf that changes is read again, and the order a target makes is known
 * by its id's hash alone (from its prefix, or the id itself where a long
 * name gives way).  Each must come to what the general path does. */
static void bar_tf(qts_risk *r, int64_t ts, const char *sym, const char *tf, double close)
{
	qts_event ev;
	qts_event_init(&ev, QTS_BAR, ts);
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.bar.tf, tf);
	ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = close;
	ev.bar.volume = 100;
	feed(r, &ev);
}

static void test_plain_bars(void)
{
	const char *lng = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123"; /* 30 bytes */
	const char *strat = "a-strategy-name-of-31-bytes-xyz";
	qts_risk *r = make(NULL);
	for (int day = 0; day < 3; day++) { /* interleaved: A, SEVENCH, EIGHTCHR, the long one */
		bar_tf(r, T(day * 60), "A", "1m", 100 + day);
		bar_tf(r, T(day * 60), "SEVENCH", "1m", 50);
		bar_tf(r, T(day * 60), "EIGHTCHR", "1m", 20);
		bar_tf(r, T(day * 60), lng, "1m", 10);
		CHECK(nout == 1 && passed_same, "a bar goes on as it is");
	}
	CHECK(qts_risk_now(r) == T(120) + 60 * QTS_NS_PER_SEC, "clock: the last bar's end");
	bar_tf(r, T(120), "EIGHTCHR", "1h", 21);
	CHECK(qts_risk_now(r) == T(120) + 3600 * QTS_NS_PER_SEC, "a tf that changes is read again");
	bar_tf(r, T(180), "EIGHTCHR", "1m", 22);
	CHECK(qts_risk_now(r) == T(120) + 3600 * QTS_NS_PER_SEC, "and back: the clock never goes back");

	qts_event ev = target_of(180, "EIGHTCHR", 100, "qty", "t");
	feed(r, &ev);
	ev = target_of(180, lng, 100, "qty", strat);
	feed(r, &ev);
	CHECK(qts_risk_position(r, "EIGHTCHR") == 100 && qts_risk_position(r, lng) == 100, "both approved");
	bar_tf(r, T(240), "A", "1m", 103);
	bar_tf(r, T(240), "SEVENCH", "1m", 50);
	bar_tf(r, T(240), "EIGHTCHR", "1m", 25);
	bar_tf(r, T(240), lng, "1m", 12);
	CHECK_NEAR(qts_risk_equity(r), 100000 + 100 * (25 - 22) + 100 * (12 - 10), 1e-9,
		   "equity moves with the bars of what is held");
	char id[QTS_ID_MAX];
	qts_order_id(id, "t", "EIGHTCHR", 1);
	update(r, 300, "EIGHTCHR", id, "canceled", 0);
	qts_order_id(id, strat, lng, 1);
	update(r, 300, lng, id, "canceled", 0);
	CHECK(qts_risk_position(r, "EIGHTCHR") == 0 && qts_risk_position(r, lng) == 0,
	      "the orders are known by qts-sim's ids, a long name's too");
	qts_risk_free(r);
}

static void test_weight_as_sim(void)
{
	static const char *const spec[] = { "F,multiplier=10,margin=1000", "F,multiplier=2", "F,multiplier=0.1",
					     "F,multiplier=1" };
	static const double px[] = { 3643.35, 4321.75, 97.13, 12.5 }, w[] = { 0.5, -0.37, 0.93, 0.25 };
	for (int k = 0; k < 4; k++) {
		qts_instrument ins;
		char err[256], what[200];
		qts_instrument_parse(spec[k], &ins, err);
		qts_sim_opts so;
		qts_sim_opts_default(&so);
		so.instruments = &ins;
		so.ninstruments = 1;
		sim = qts_sim_new(&so, sim_collect, NULL);
		simpos = 0;
		qts_risk *r = make((const char *[]){ "instrument", spec[k], NULL });
		/* A flat book: equity is the cash. */
		both_bar(r, 0, "F", px[k]);
		both_target(r, 60, "F", w[k], "weight");
		CHECK(nout == 1 && passed_same, "weight target approved as is");
		/* What the view approved (filled or still working), before
		 * qts-sim's fills come back and set the view to them. */
		double approved = qts_risk_position(r, "F") + qts_risk_working(r, "F");
		both_bar(r, 60, "F", px[k]);
		snprintf(what, sizeof what, "%s at %g, weight %g: view %g = qts-sim %g", spec[k], px[k], w[k],
			 approved, sim_qty("F"));
		CHECK(approved == sim_qty("F") && sim_qty("F") != 0, what);
		/* With P&L in the books: the equity both see moved by qty x
		 * move x multiplier. */
		both_bar(r, 120, "F", px[k] * 1.07);
		CHECK_NEAR(qts_risk_equity(r), 100000 + sim_qty("F") * px[k] * 0.07 * ins.multiplier, 1e-6,
			   "view's equity: qty x move x multiplier");
		both_target(r, 180, "F", -w[k], "weight");
		approved = qts_risk_position(r, "F") + qts_risk_working(r, "F");
		both_bar(r, 180, "F", px[k] * 1.07);
		snprintf(what, sizeof what, "%s after a move, weight %g: view %g = qts-sim %g", spec[k], -w[k],
			 approved, sim_qty("F"));
		CHECK(approved == sim_qty("F") && sim_qty("F") != 0, what);
		qts_risk_free(r);
		qts_sim_free(sim);
	}
}

int main(void)
{
	test_registry();
	test_rules_file();
	test_pass_through();
	test_max_position();
	test_notional_pct();
	test_gross_net_count();
	test_sector();
	test_drawdown();
	test_daily_loss();
	test_target_vol();
	test_stops();
	test_rate_band();
	test_halt_and_fills();
	test_updates();
	test_working();
	test_order_window();
	test_repeat_and_units();
	test_exit_is_flatten();
	test_resting_orders();
	test_resting_ends();
	test_resting_below_zero();
	test_resting_trading_day();
	test_resting_not_an_exit();
	test_every_strategy_target();
	test_drawdown_resume();
	test_no_negative_zero();
	test_contract_view();
	test_instrument_settings();
	test_weight_as_sim();
	test_plain_bars();
	return tap_done();
}

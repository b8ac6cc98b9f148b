/* The built-in rebalance through the registry's portfolio entry points
 * (strategy_rebalance.c), on bars made by hand: when the band is
 * crossed (strictly past it), the order of the targets (cuts first), a
 * symbol without a price getting its target at its first bar, and the
 * weights a run of --feedback sees. */
#include "qts_strat.h"
#include "tap.h"

#include <string.h>

#define DAY (86400LL * 1000000000LL)

static qts_event got[64];
static int ngot;

static int put(void *ctx, const qts_event *ev)
{
	(void)ctx;
	if (ngot < 64)
		got[ngot++] = *ev;
	return 0;
}

static void *open_with(int n, char **kv, int feedback, char *err)
{
	const qts_strat_info *s = qts_strat_find("rebalance");
	double p[QTS_STRAT_MAXPARAM];
	int status;
	if (qts_strat_params_parse(s, kv, n, p, err) < 0)
		return NULL;
	return s->portfolio->open(s, p, kv, n, feedback, err, &status);
}

/* A daily bar of symbol at day d closing at c, fed as the host does:
 * stamped with its close. */
static void bar(void *st, qts_strat_out *out, const char *symbol, int d, double c)
{
	const qts_strat_portfolio *pf = qts_strat_find("rebalance")->portfolio;
	qts_event ev;
	char err[QTS_ERR_MAX];
	qts_event_init(&ev, QTS_BAR, d * DAY);
	QTS_SET(ev.symbol, symbol);
	QTS_SET(ev.bar.tf, "1d");
	ev.bar.open = ev.bar.high = ev.bar.low = ev.bar.close = c;
	out->now = (d + 1) * DAY;
	if (pf->bar(st, &ev, out, err) < 0)
		tap_ok(0, __FILE__, __LINE__, err);
}

/* The targets written, as "SYMBOL=WEIGHT@DAY ...". */
static const char *written(char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < ngot && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%g@%lld", i ? " " : "", got[i].symbol,
					got[i].target.target, (long long)(got[i].ts / DAY));
	ngot = 0;
	return buf;
}

int main(void)
{
	const qts_strat_info *s = qts_strat_find("rebalance");
	CHECK(s && s->portfolio, "rebalance is in the registry, a strategy of the portfolio");
	char err[QTS_ERR_MAX], buf[512];
	qts_strat_out out = { put, NULL, "rebalance", 0, 0 };

	char *kv[] = { "weights=A:0.5,B:0.5", "band=0.1" };
	void *st = open_with(2, kv, 0, err);
	CHECK(st != NULL, "weights and band");
	/* day 0: A first, B without a price yet gets its target at its bar */
	bar(st, &out, "A", 0, 10);
	CHECK_STR(written(buf, sizeof buf), "A=0.5@1", "the first bar rebalances what it can price");
	bar(st, &out, "B", 0, 10);
	CHECK_STR(written(buf, sizeof buf), "B=0.5@1", "B at its first bar");
	/* B at 15: 0.75 of 1.25 is 0.6, exactly 0.1 off: not past the band */
	bar(st, &out, "A", 1, 10);
	bar(st, &out, "B", 1, 15);
	CHECK_STR(written(buf, sizeof buf), "", "a drift of exactly the band");
	/* B at 16: 0.8 of 1.3, 0.615: past it; B's cut comes before A's buy */
	bar(st, &out, "A", 2, 10);
	bar(st, &out, "B", 2, 16);
	CHECK_STR(written(buf, sizeof buf), "B=0.5@3 A=0.5@3", "past the band: the cut first");
	/* held at those closes: A 0.065, B 0.040625, no cash; B back to 10
	 * is 0.40625 of 1.05625, 0.385: past it again */
	bar(st, &out, "A", 3, 10);
	CHECK_STR(written(buf, sizeof buf), "", "no drift after the rebalance");
	bar(st, &out, "B", 3, 10);
	CHECK_STR(written(buf, sizeof buf), "A=0.5@4 B=0.5@4", "the other way: A is cut first");
	s->portfolio->close(st);

	/* --feedback: the positions and cash it says */
	char *kv2[] = { "weights=A:0.5", "band=0.05" };
	CHECK((st = open_with(2, kv2, 1, err)) != NULL, "with feedback");
	qts_event fb;
	qts_event_init(&fb, QTS_EQUITY, 0);
	fb.equity.cash = 500;
	s->portfolio->feedback(st, &fb);
	qts_event_init(&fb, QTS_POSITION, 0);
	QTS_SET(fb.symbol, "A");
	fb.position.qty = 50;
	s->portfolio->feedback(st, &fb);
	QTS_SET(fb.symbol, "Z");
	fb.position.qty = 10;
	s->portfolio->feedback(st, &fb);
	bar(st, &out, "Z", 0, 1);
	CHECK_STR(written(buf, sizeof buf), "Z=0@1", "a symbol held and not wanted: 0");
	bar(st, &out, "A", 0, 10);
	CHECK_STR(written(buf, sizeof buf), "A=0.5@1", "A at its first bar");
	/* A 50 x 10.5 = 525 of 1035: 0.507, within 0.05 */
	bar(st, &out, "A", 1, 10.5);
	CHECK_STR(written(buf, sizeof buf), "", "within the band");
	/* a fill of 30 bought at 10 leaves 200 cash: 80 x 10 of 1010 is 0.79 */
	qts_event_init(&fb, QTS_FILL, 0);
	QTS_SET(fb.symbol, "A");
	QTS_SET(fb.fill.side, "buy");
	fb.fill.qty = 30;
	fb.fill.price = 10;
	s->portfolio->feedback(st, &fb);
	bar(st, &out, "A", 2, 10);
	CHECK_STR(written(buf, sizeof buf), "A=0.5@3 Z=0@3", "a fill moves the position and the cash");
	s->portfolio->close(st);
	return tap_done();
}

/* posguard.c: a broker's position events kept in step with the fills it
 * writes, so that a reader moving a position by fills and setting it by
 * position events never counts a fill twice. */
#include "qts_broker.h"
#include "tap.h"

#include <string.h>

static qts_event position(const char *sym, double qty)
{
	qts_event ev;
	qts_event_init(&ev, QTS_POSITION, 1);
	QTS_SET(ev.symbol, sym);
	ev.position.qty = qty;
	return ev;
}

static qts_event fill(const char *sym, const char *side, double qty)
{
	qts_event ev;
	qts_event_init(&ev, QTS_FILL, 2);
	QTS_SET(ev.symbol, sym);
	QTS_SET(ev.fill.side, side);
	ev.fill.qty = qty;
	return ev;
}

/* The last event in out is a position of sym and qty. */
static int said(const qts_evbuf *out, const char *sym, double qty)
{
	const qts_event *ev = out->n ? &out->ev[out->n - 1] : NULL;
	return ev && ev->type == QTS_POSITION && !strcmp(ev->symbol, sym) && ev->position.qty == qty;
}

int main(void)
{
	qts_posguard g = { .who = "test" };
	qts_evbuf out = { 0 };
	qts_event p = position("AAPL", 100), f = fill("AAPL", "buy", 10);

	CHECK(qts_posguard_offer(&g, &p, 1, &out) == 0 && out.n == 1 && said(&out, "AAPL", 100),
	      "at connect every figure is written");
	CHECK(qts_posguard_offer(&g, &p, 0, &out) == 0 && out.n == 1, "the same figure again: nothing new, not written");

	/* TWS's position before the fill it holds */
	p = position("AAPL", 110);
	CHECK(qts_posguard_offer(&g, &p, 0, &out) == 1 && out.n == 1, "a figure ahead of the fills written is held back");
	CHECK(qts_posguard_fill(&g, &f) == 0 && qts_posguard_reoffer(&g, &out) == 0 && said(&out, "AAPL", 110) &&
		      out.n == 2,
	      "the fill written, the figure held back agrees and is written after it");
	CHECK(qts_posguard_reoffer(&g, &out) == 0 && out.n == 2, "nothing is held back any more");

	/* a fill, then the figure that holds it: written at once */
	f = fill("AAPL", "sell", 30);
	p = position("AAPL", 80);
	CHECK(qts_posguard_fill(&g, &f) == 0 && qts_posguard_offer(&g, &p, 0, &out) == 0 && said(&out, "AAPL", 80),
	      "a figure that agrees with the fills written is written");

	/* a trade made elsewhere: taken at the fifth offer, with a warning */
	p = position("AAPL", 85);
	int held = 0;
	for (int i = 1; i < 5; i++) /* five, as qts-broker(1) says */
		held += qts_posguard_offer(&g, &p, 0, &out);
	size_t before = out.n;
	CHECK(held == 4 && before == 3, "held back through four offers");
	CHECK(qts_posguard_reoffer(&g, &out) == 0 && out.n == before + 2 && out.ev[before].type == QTS_SYSTEM &&
		      !strcmp(out.ev[before].system.level, "warn") &&
		      !strcmp(out.ev[before].system.message,
			      "test: AAPL: the account holds 85, the fills written make 80; taking the account's") &&
		      said(&out, "AAPL", 85),
	      "the fifth is taken, after a warning naming both figures");

	/* a read that leaves a symbol out: it is flat */
	qts_event m = position("MSFT", 20);
	f = fill("MSFT", "buy", 20);
	qts_posguard_begin(&g);
	CHECK(qts_posguard_fill(&g, &f) == 0 && qts_posguard_offer(&g, &m, 0, &out) == 0 && said(&out, "MSFT", 20),
	      "a new symbol, bought");
	before = out.n;
	CHECK(qts_posguard_end(&g, 3, 0, &out) == 1 && out.n == before,
	      "AAPL left out of a read: a flat figure, held back (the fills make 85)");
	f = fill("AAPL", "sell", 85);
	CHECK(qts_posguard_fill(&g, &f) == 0 && qts_posguard_reoffer(&g, &out) == 0 && said(&out, "AAPL", 0),
	      "the sale written, the flat figure follows it");
	qts_posguard_begin(&g);
	before = out.n;
	CHECK(qts_posguard_offer(&g, &m, 0, &out) == 0 && qts_posguard_end(&g, 4, 0, &out) == 0 && out.n == before,
	      "flat and said so: left out again, nothing written");

	qts_posguard_free(&g);
	qts_evbuf_free(&out);
	return tap_done();
}

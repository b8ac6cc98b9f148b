/* Portfolio arithmetic: average price, realized and unrealized P&L,
 * shorts, reversals, splits and dividends; every figure worked by hand. */
#include "qts_sim.h"
#include "tap.h"

static double equity(const qts_portfolio *pf, const qts_pos *p)
{
	return pf->cash + qts_pos_value(p);
}

int main(void)
{
	qts_portfolio pf;
	qts_pos p = { .mark = NAN };
	qts_pf_init(&pf, 100000);

	/* buy 100 @ 10, fee 1: cash 100000 - 1000 - 1 = 98999 */
	qts_pf_fill(&pf, &p, QTS_BUY, 100, 10, 1);
	CHECK_NEAR(pf.cash, 98999, 1e-12, "cash after buy");
	CHECK_NEAR(p.qty, 100, 0, "qty after buy");
	CHECK_NEAR(p.avg, 10, 1e-12, "avg after buy");
	CHECK_NEAR(p.realized, -1, 1e-12, "commission is realized");
	/* buy 100 @ 12: avg (1000 + 1200) / 200 = 11 */
	qts_pf_fill(&pf, &p, QTS_BUY, 100, 12, 0);
	CHECK_NEAR(p.avg, 11, 1e-12, "avg after adding");
	p.mark = 13;
	/* unrealized 200 * (13 - 11) = 400 */
	CHECK_NEAR(qts_pos_unrealized(&p), 400, 1e-12, "unrealized long");
	CHECK_NEAR(qts_pos_value(&p), 2600, 1e-12, "market value");
	/* books balance: equity = initial + realized + unrealized */
	CHECK_NEAR(equity(&pf, &p), 100000 + p.realized + qts_pos_unrealized(&p), 1e-9, "books balance long");
	/* sell 50 @ 14, fee 2: realized -1 + 50 * 3 - 2 = 147 */
	qts_pf_fill(&pf, &p, QTS_SELL, 50, 14, 2);
	CHECK_NEAR(p.realized, 147, 1e-12, "realized on reduce");
	CHECK_NEAR(p.qty, 150, 0, "qty after reduce");
	CHECK_NEAR(p.avg, 11, 1e-12, "avg unchanged on reduce");
	/* sell 250 @ 10: closes 150 (150 * -1 = -150), opens short 100 @ 10 */
	qts_pf_fill(&pf, &p, QTS_SELL, 250, 10, 0);
	CHECK_NEAR(p.realized, -3, 1e-12, "realized on reversal");
	CHECK_NEAR(p.qty, -100, 0, "short after reversal");
	CHECK_NEAR(p.avg, 10, 1e-12, "short opened at the fill price");
	p.mark = 8;
	/* short 100 from 10, mark 8: unrealized +200 */
	CHECK_NEAR(qts_pos_unrealized(&p), 200, 1e-12, "unrealized short");
	CHECK_NEAR(qts_pos_value(&p), -800, 1e-12, "short market value");
	CHECK_NEAR(equity(&pf, &p), 100000 + p.realized + qts_pos_unrealized(&p), 1e-9, "books balance short");
	/* add to the short: sell 100 @ 8 -> avg (1000 + 800) / 200 = 9 */
	qts_pf_fill(&pf, &p, QTS_SELL, 100, 8, 0);
	CHECK_NEAR(p.avg, 9, 1e-12, "short avg");
	/* dividend 0.5 on -200: the short pays 100 */
	double cash = pf.cash;
	qts_pf_dividend(&pf, &p, 0.5);
	CHECK_NEAR(pf.cash, cash - 100, 1e-9, "short pays the dividend");
	CHECK_NEAR(p.realized, -103, 1e-12, "dividend is realized");
	/* split 2:1 -> -400 @ 4.5, mark 4 */
	qts_pf_split(&p, 2);
	CHECK_NEAR(p.qty, -400, 0, "split qty");
	CHECK_NEAR(p.avg, 4.5, 1e-12, "split avg");
	CHECK_NEAR(p.mark, 4, 1e-12, "split mark");
	CHECK_NEAR(qts_pos_unrealized(&p), 200, 1e-12, "split keeps unrealized");
	/* buy 400 @ 4 closes: realized -103 + 400 * 0.5 = 97; flat */
	qts_pf_fill(&pf, &p, QTS_BUY, 400, 4, 0);
	CHECK_NEAR(p.qty, 0, 0, "flat");
	CHECK_NEAR(p.avg, 0, 0, "flat avg is 0");
	CHECK_NEAR(p.realized, 97, 1e-9, "realized at close");
	CHECK_NEAR(qts_pos_value(&p), 0, 0, "flat value");
	CHECK_NEAR(pf.cash, 100097, 1e-9, "cash = initial + realized when flat");

	/* a long dividend: 10 shares, 1.25 each */
	qts_pos q = { .mark = 10 };
	qts_pf_fill(&pf, &q, QTS_BUY, 10, 10, 0);
	cash = pf.cash;
	qts_pf_dividend(&pf, &q, 1.25);
	CHECK_NEAR(pf.cash, cash + 12.5, 1e-9, "long receives the dividend");

	/* fractions close to dust-free: 0.1 + 0.2 bought, 0.3 sold */
	qts_pos f = { .mark = 1 };
	qts_pf_fill(&pf, &f, QTS_BUY, 0.1, 1, 0);
	qts_pf_fill(&pf, &f, QTS_BUY, 0.2, 1, 0);
	qts_pf_fill(&pf, &f, QTS_SELL, 0.3, 1, 0);
	CHECK(f.qty == 0, "no dust after closing fractions");

	/* A future: multiplier 10, margin 1000 a contract held out of cash,
	 * P&L settled into cash at each fill and mark to market. */
	qts_instrument es = { .symbol = "ES", .multiplier = 10, .margin = 1000 };
	qts_portfolio fp;
	qts_pf_init(&fp, 10000);
	qts_pos c = { .mark = NAN, .ins = &es };
	CHECK(qts_pos_margined(&c) && qts_pos_mult(&c) == 10, "a margined contract");
	/* buy 1 @ 3643.35, fee 2: cash 10000 - 2 - 1000 = 8998 */
	qts_pf_fill(&fp, &c, QTS_BUY, 1, 3643.35, 2);
	CHECK_NEAR(fp.cash, 8998, 1e-9, "margin and fee out of cash");
	c.mark = 3650;
	/* equity 8998 + 1000 + 1 * 6.65 * 10 = 10064.5 */
	CHECK_NEAR(fp.cash + qts_pos_equity(&c), 10064.5, 1e-9, "equity of a contract");
	CHECK_NEAR(qts_pos_unrealized(&c), 66.5, 1e-9, "unrealized times the multiplier");
	CHECK_NEAR(qts_pos_value(&c), 36500, 1e-9, "market value is the notional");
	CHECK_NEAR(qts_pos_exposure(&c), 1000, 0, "exposure of a contract is its margin");
	qts_pf_settle(&fp, &c);
	CHECK_NEAR(fp.cash, 9064.5, 1e-9, "mark to market into cash");
	CHECK_NEAR(fp.cash + qts_pos_equity(&c), 10064.5, 1e-9, "settling keeps equity");
	qts_pf_settle(&fp, &c);
	CHECK_NEAR(fp.cash, 9064.5, 1e-9, "settling twice moves nothing");
	/* buy 1 @ 3660, fee 2: the held contract settles to 3660 (+100),
	 * another 1000 of margin: 9064.5 - 2 + 100 - 1000 = 8162.5 */
	qts_pf_fill(&fp, &c, QTS_BUY, 1, 3660, 2);
	CHECK_NEAR(fp.cash, 8162.5, 1e-9, "adding settles the contracts held");
	CHECK_NEAR(c.avg, 3651.675, 1e-9, "average of contracts");
	c.mark = 3670;
	/* 8162.5 + 2000 + 2 * 10 * 10 = 10362.5 = 10000 - 4 + 2 * 18.325 * 10 */
	CHECK_NEAR(fp.cash + qts_pos_equity(&c), 10362.5, 1e-9, "equity of two contracts");
	CHECK_NEAR(fp.cash + qts_pos_equity(&c), 10000 + c.realized + qts_pos_unrealized(&c), 1e-9,
		   "books balance, contracts");
	/* sell 3 @ 3640, fee 6: 2 close (realized 2 * -11.675 * 10 = -233.5;
	 * cash 2 * -20 * 10 = -400 from their base), 1 opens short; margin
	 * held falls by one contract: 8162.5 - 6 - 400 + 1000 = 8756.5 */
	qts_pf_fill(&fp, &c, QTS_SELL, 3, 3640, 6);
	CHECK_NEAR(c.realized, -243.5, 1e-9, "realized times the multiplier");
	CHECK_NEAR(fp.cash, 8756.5, 1e-9, "cash after a reversal");
	CHECK_NEAR(c.qty, -1, 0, "short a contract");
	CHECK_NEAR(c.base, 3640, 0, "a reversal settles from its price");
	c.mark = 3630;
	CHECK_NEAR(fp.cash + qts_pos_equity(&c), 9856.5, 1e-9, "equity short a contract");
	CHECK_NEAR(fp.cash + qts_pos_equity(&c), 10000 + c.realized + qts_pos_unrealized(&c), 1e-9,
		   "books balance, short contract");
	qts_pf_fill(&fp, &c, QTS_BUY, 1, 3630, 2);
	CHECK_NEAR(fp.cash, 10000 + c.realized, 1e-9, "flat: cash = initial + realized, margin back");

	/* A multiplier without margin (an option, say) is paid in full. */
	qts_instrument opt = { .symbol = "OPT", .multiplier = 100, .margin = NAN };
	qts_portfolio op;
	qts_pf_init(&op, 10000);
	qts_pos o = { .mark = NAN, .ins = &opt };
	qts_pf_fill(&op, &o, QTS_BUY, 2, 3.5, 1);
	CHECK_NEAR(op.cash, 10000 - 700 - 1, 1e-9, "premium times the multiplier");
	o.mark = 4;
	CHECK_NEAR(op.cash + qts_pos_equity(&o), 10000 - 1 + 100, 1e-9, "paid-in-full equity");
	return tap_done();
}

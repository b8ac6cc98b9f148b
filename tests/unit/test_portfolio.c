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
	return tap_done();
}

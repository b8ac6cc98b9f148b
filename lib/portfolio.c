/* portfolio.c — cash and signed positions: average price, realized and
 * unrealized P&L.  The books balance: equity = initial cash + realized +
 * unrealized, because realized P&L carries commissions and dividends. */
#include "qts_sim.h"

void qts_pf_init(qts_portfolio *pf, double cash)
{
	pf->cash = pf->initial = cash;
}

void qts_pf_fill(qts_portfolio *pf, qts_pos *p, int side, double qty, double price,
		 double commission)
{
	double d = side * qty; /* signed change */
	pf->cash -= d * price + commission;
	p->realized -= commission;
	if (p->qty == 0 || (p->qty > 0) == (d > 0)) {
		/* Opening or adding: the average moves. */
		double q = p->qty + d;
		p->avg = (p->qty * p->avg + d * price) / q;
		p->qty = q;
	} else {
		/* Reducing, closing or reversing: the closed part realizes
		 * at its average; a reversal opens the rest at price. */
		double closed = fabs(d) < fabs(p->qty) ? fabs(d) : fabs(p->qty);
		double dir = p->qty > 0 ? 1 : -1;
		p->realized += closed * (price - p->avg) * dir;
		double q = p->qty + d;
		/* Rounding must not leave dust on a position meant to close. */
		if (fabs(q) <= 1e-9 * fabs(p->qty))
			q = 0;
		if (q == 0)
			p->avg = 0;
		else if ((q > 0) != (p->qty > 0))
			p->avg = price;
		p->qty = q;
	}
}

void qts_pf_split(qts_pos *p, double ratio)
{
	p->qty *= ratio;
	p->avg /= ratio;
	p->mark /= ratio;
}

void qts_pf_dividend(qts_portfolio *pf, qts_pos *p, double per_share)
{
	pf->cash += p->qty * per_share;
	p->realized += p->qty * per_share;
}

double qts_pos_value(const qts_pos *p)
{
	return p->qty == 0 ? 0 : p->qty * p->mark;
}

double qts_pos_unrealized(const qts_pos *p)
{
	return p->qty == 0 ? 0 : p->qty * (p->mark - p->avg);
}

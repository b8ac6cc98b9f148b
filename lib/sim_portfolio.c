/* sim_portfolio.c — cash and signed positions: average price, realized and
 * unrealized P&L.  The books balance: equity = initial cash + realized +
 * unrealized, because realized P&L carries commissions and dividends.
 *
 * A share is paid in full: cash moves by qty * price * multiplier.  A
 * margined contract (a future) moves cash only by the margin it holds and
 * by its P&L, settled at each fill and each mark to market, as exchanges
 * settle variation margin daily: cash + margin held + P&L not yet settled
 * is then what the position adds to equity. */
#include "qts_sim.h"

void qts_pf_init(qts_portfolio *pf, double cash)
{
	pf->cash = pf->initial = cash;
}

double qts_pos_mult(const qts_pos *p)
{
	return p->ins ? p->ins->multiplier : 1;
}

int qts_pos_margined(const qts_pos *p)
{
	return p->ins && !isnan(p->ins->margin);
}

void qts_pf_fill(qts_portfolio *pf, qts_pos *p, int side, double qty, double price,
		 double commission)
{
	double d = side * qty; /* signed change */
	double mult = qts_pos_mult(p);
	int margined = qts_pos_margined(p);
	double before = p->qty;
	pf->cash -= commission;
	p->realized -= commission;
	if (!margined)
		pf->cash -= d * price * mult;
	if (p->qty == 0 || (p->qty > 0) == (d > 0)) {
		/* Opening or adding: the average moves.  The contracts held
		 * settle to this price, which becomes the base of them all. */
		double q = p->qty + d;
		if (margined) {
			pf->cash += p->qty * (price - p->base) * mult;
			p->base = price;
		}
		p->avg = (p->qty * p->avg + d * price) / q;
		p->qty = q;
	} else {
		/* Reducing, closing or reversing: the closed part realizes
		 * at its average; a reversal opens the rest at price. */
		double closed = fabs(d) < fabs(p->qty) ? fabs(d) : fabs(p->qty);
		double dir = p->qty > 0 ? 1 : -1;
		p->realized += closed * (price - p->avg) * dir * mult;
		if (margined) /* the closed contracts settle from their base */
			pf->cash += closed * (price - p->base) * dir * mult;
		double q = p->qty + d;
		/* Rounding must not leave dust on a position meant to close. */
		if (fabs(q) <= 1e-9 * fabs(p->qty))
			q = 0;
		if (q == 0)
			p->avg = p->base = 0;
		else if ((q > 0) != (p->qty > 0))
			p->avg = p->base = price;
		p->qty = q;
	}
	if (margined)
		pf->cash -= (fabs(p->qty) - fabs(before)) * p->ins->margin;
}

void qts_pf_settle(qts_portfolio *pf, qts_pos *p)
{
	if (!qts_pos_margined(p) || p->qty == 0 || !(p->mark == p->mark))
		return;
	pf->cash += p->qty * (p->mark - p->base) * qts_pos_mult(p);
	p->base = p->mark;
}

void qts_pf_split(qts_pos *p, double ratio)
{
	p->qty *= ratio;
	p->avg /= ratio;
	p->mark /= ratio;
	p->base /= ratio;
}

void qts_pf_dividend(qts_portfolio *pf, qts_pos *p, double per_share)
{
	double cash = p->qty * per_share * qts_pos_mult(p);
	pf->cash += cash;
	p->realized += cash;
}

double qts_pos_value(const qts_pos *p)
{
	return p->qty == 0 ? 0 : p->qty * p->mark * qts_pos_mult(p);
}

double qts_pos_unrealized(const qts_pos *p)
{
	return p->qty == 0 ? 0 : p->qty * (p->mark - p->avg) * qts_pos_mult(p);
}

double qts_pos_equity(const qts_pos *p)
{
	if (p->qty == 0)
		return 0;
	if (!qts_pos_margined(p))
		return qts_pos_value(p);
	return fabs(p->qty) * p->ins->margin + p->qty * (p->mark - p->base) * qts_pos_mult(p);
}

double qts_pos_exposure(const qts_pos *p)
{
	if (p->qty == 0)
		return 0;
	return qts_pos_margined(p) ? fabs(p->qty) * p->ins->margin : fabs(qts_pos_value(p));
}

/* target_orders.c — how a target becomes an order, said once: qts-sim
 * trades by it, qts-risk mirrors it to know what qts-sim will do, and a
 * strategy trading with orders presumes it.  A target is the position
 * wanted; the order is the market order for the difference from what is
 * held and working, with an id qts-sim and qts-risk both derive. */
#include "qts.h"

double qts_whole_units(double q, int fractional)
{
	/* A weight that comes to a hair under a whole number (0.1 * 30 =
	 * 2.9999999999999996) is that number. */
	return fractional ? q : trunc(q + (q > 0 ? QTS_QTY_EPS : -QTS_QTY_EPS));
}

double qts_target_position(double target, int unit, double equity, double price, double mult,
			   int fractional)
{
	double q = target;
	if (unit == QTS_UNIT_WEIGHT)
		q = q * equity / (price * mult); /* this order of operations, everywhere */
	return qts_whole_units(q, fractional);
}

int qts_target_order(double want, double have, int *side, double *qty)
{
	double diff = want - have;
	if (!(fabs(diff) > QTS_QTY_EPS))
		return 0;
	*side = diff > 0 ? QTS_BUY : QTS_SELL;
	*qty = fabs(diff);
	return 1;
}

void qts_target_order_id(char *id, const char *strategy, const char *symbol, long *seq,
			 int (*taken)(void *arg, const char *id), void *arg)
{
	do
		qts_order_id(id, qts_target_order_prefix(strategy), symbol, (unsigned long)++*seq);
	while (taken && taken(arg, id));
}

const char *qts_target_order_prefix(const char *strategy)
{
	return *strategy ? strategy : "target";
}

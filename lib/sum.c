/* sum.c — the out-of-line parts of qts_sum.h: the value of a sum holding
 * non-finite values, and the variance's sum of squared deviations. */
#include "qts_sum.h"

double qts_sum_special(const qts_sum *t)
{
	if (t->nan || (t->pinf && t->ninf))
		return NAN;
	return t->pinf ? INFINITY : -INFINITY;
}

/* n * S2 - S1 * S1 is n times the sum of squared deviations.  With S1 and
 * S2 exact, it is evaluated as the exact sum of ten doubles (each sum split
 * into hi + lo, each product into two by qts_two_prod) accumulated in a
 * qts_sum, the two leading terms first: they cancel exactly, and what is
 * left is small, so the result is exact or nearly (a window of equal
 * values gives 0).  Dividing by n rounds once more. */
double qts_moments_ss(const qts_moments *m, double n)
{
	/* t[] below: + n*S2's parts, - S1*S1's parts */
	static const double sign[10] = { 1, -1, 1, -1, 1, -1, 1, -1, -1, -1 };
	double h1, l1, h2, l2, t[10];
	qts_sum acc = { 0 };

	if (qts_sum_nonfinite(&m->s1) || qts_sum_nonfinite(&m->s2) || !(n > 0))
		return NAN;
	qts_two_sum(m->s1.s, m->s1.c, &h1, &l1);
	qts_two_sum(m->s2.s, m->s2.c, &h2, &l2);
	qts_two_prod(n, h2, &t[0], &t[2]);
	qts_two_prod(h1, h1, &t[1], &t[3]);
	qts_two_prod(n, l2, &t[4], &t[6]);
	qts_two_prod(2 * h1, l1, &t[5], &t[7]);
	qts_two_prod(l1, l1, &t[8], &t[9]);
	for (int i = 0; i < 10; i++)
		qts_sum_add1(&acc, sign[i] * t[i]);
	double v = (acc.s + acc.c) / n;
	return v > 0 ? v : 0;
}

/* ind_util.c — building blocks of the indicators: ring, exact running SMA,
 * seeded EMA and the monotonic min/max deque. */
#include "ind_priv.h"

int ind_ring_init(qts_ind *ind, struct ind_ring *r, int cap)
{
	r->cap = cap;
	r->pos = r->n = 0;
	r->v = ind_alloc(ind, sizeof(double) * (size_t)cap);
	return r->v ? 0 : -1;
}

int ind_sma_init(qts_ind *ind, struct ind_sma *s, int period)
{
	s->period = period;
	qts_sum_clear(&s->sum);
	return ind_ring_init(ind, &s->r, period);
}

void ind_ema_init(struct ind_ema *e, int period)
{
	e->period = period;
	e->n = 0;
	e->k = IND_PER_TO_K(period);
	e->val = 0;
	qts_sum_clear(&e->seed);
}

int ind_ema_push(struct ind_ema *e, double x, double *out)
{
	if (e->n < e->period) {
		qts_sum_add(&e->seed, x);
		if (++e->n < e->period)
			return 0;
		e->val = qts_sum_value(&e->seed) / e->period;
	} else
		e->val = ((x - e->val) * e->k) + e->val;
	*out = e->val;
	return 1;
}

int ind_deque_init(qts_ind *ind, struct ind_deque *d, int window, int max)
{
	/* window + 1: the new value goes in before the expired one goes out */
	d->cap = window + 1;
	d->window = window;
	d->max = max;
	d->t = 0;
	d->head = d->n = 0;
	d->v = ind_alloc(ind, sizeof(double) * (size_t)d->cap);
	d->at = ind_alloc(ind, sizeof(long) * (size_t)d->cap);
	return d->v && d->at ? 0 : -1;
}

void ind_deque_push(struct ind_deque *d, double x)
{
	long t = d->t++;
	int i;

	while (d->n > 0) {
		double back = d->v[(d->head + d->n - 1) % d->cap];
		if (d->max ? back > x : back < x)
			break;
		d->n--;
	}
	i = (d->head + d->n) % d->cap;
	d->v[i] = x;
	d->at[i] = t;
	d->n++;
	while (d->at[d->head] <= t - d->window) {
		d->head = (d->head + 1) % d->cap;
		d->n--;
	}
}

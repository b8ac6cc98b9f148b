/* sweep_data.c — `qts sweep`'s input, read and decoded once and held in
 * memory, then replayed into each combination's engines.  A bar is a
 * record of 56 bytes (its symbol and timeframe by number), a hundred
 * times less than a whole event: ten years of daily bars of 500 symbols
 * hold in 73 MB, which the sweep's workers share. */
#include "qts_sweep.h"

#include <stdlib.h>
#include <string.h>

typedef struct rec {
	int64_t ts;
	uint32_t sym;   /* bars: the symbol's number */
	uint32_t aux;   /* bars: the timeframe's number; others: OTHER | index */
	double o, h, l, c, v;
} rec;

#define OTHER 0x80000000u

struct qts_sweep_data {
	rec *rec;
	size_t n, cap;
	char (*sym)[QTS_SYM_MAX];
	size_t nsym, capsym;
	qts_symtab *symno;           /* symbol -> its number */
	char tf[64][QTS_WORD_MAX];
	size_t ntf;
	qts_event *other;
	size_t nother, capother;
};

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 1024;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* The number of a bar's symbol, and of its timeframe; -1 when out of
 * memory or past 64 timeframes (the event is then kept whole). */
static int bar_numbers(qts_sweep_data *d, const qts_event *ev, uint32_t *sym, uint32_t *tf)
{
	size_t k = 0;
	while (k < d->ntf && strcmp(d->tf[k], ev->bar.tf))
		k++;
	if (k == d->ntf) {
		if (d->ntf == 64)
			return -1;
		QTS_SET(d->tf[d->ntf++], ev->bar.tf);
	}
	*tf = (uint32_t)k;
	uint32_t *no = qts_symtab_find(d->symno, ev->symbol);
	if (!no) {
		if (grow((void **)&d->sym, &d->capsym, d->nsym + 1, sizeof *d->sym) < 0 ||
		    !(no = qts_symtab_get(d->symno, ev->symbol)))
			return -1;
		*no = (uint32_t)d->nsym;
		QTS_SET(d->sym[d->nsym++], ev->symbol);
	}
	*sym = *no;
	return 0;
}

static int add(qts_sweep_data *d, const qts_event *ev)
{
	if (ev->type == QTS_UNKNOWN)
		return 0;
	if (grow((void **)&d->rec, &d->cap, d->n + 1, sizeof *d->rec) < 0)
		return -1;
	rec *r = &d->rec[d->n];
	r->ts = ev->ts;
	if (ev->type == QTS_BAR && bar_numbers(d, ev, &r->sym, &r->aux) == 0) {
		r->o = ev->bar.open, r->h = ev->bar.high, r->l = ev->bar.low;
		r->c = ev->bar.close, r->v = ev->bar.volume;
	} else {
		if (grow((void **)&d->other, &d->capother, d->nother + 1, sizeof *d->other) < 0)
			return -1;
		d->other[d->nother] = *ev;
		memset(&d->other[d->nother].raw, 0, sizeof ev->raw);
		r->aux = OTHER | (uint32_t)d->nother++;
	}
	d->n++;
	return 0;
}

qts_sweep_data *qts_sweep_data_read(char *const *files, size_t nfiles, char *err)
{
	qts_sweep_data *d = calloc(1, sizeof *d);
	if (!d || !(d->symno = qts_symtab_new(sizeof(uint32_t)))) {
		free(d);
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	qts_inputs *in = qts_inputs_open(files, nfiles, NULL, err, QTS_ERR_MAX);
	if (!in) {
		qts_sweep_data_free(d);
		return NULL;
	}
	qts_event ev;
	int got = 0;
	while (!qts_interrupted && (got = qts_inputs_next(in, &ev)) > 0)
		if (add(d, &ev) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			got = -2;
			break;
		}
	if (got == -1)
		snprintf(err, QTS_ERR_MAX, "%s", qts_inputs_error(in));
	else if (got == 0 && qts_upstream_failure())
		snprintf(err, QTS_ERR_MAX, "the input is incomplete: %s", qts_upstream_failure()), got = -1;
	else if (qts_interrupted)
		snprintf(err, QTS_ERR_MAX, "interrupted"), got = -1;
	qts_inputs_close(in);
	if (got < 0) {
		qts_sweep_data_free(d);
		return NULL;
	}
	return d;
}

void qts_sweep_data_free(qts_sweep_data *d)
{
	if (!d)
		return;
	free(d->rec);
	free(d->sym);
	free(d->other);
	qts_symtab_free(d->symno);
	free(d);
}

size_t qts_sweep_data_count(const qts_sweep_data *d)
{
	return d->n;
}

size_t qts_sweep_data_size(const qts_sweep_data *d)
{
	return d->n * sizeof(rec) + d->nother * sizeof(qts_event);
}

void qts_sweep_data_span(const qts_sweep_data *d, int64_t *first, int64_t *last)
{
	*first = d->n ? d->rec[0].ts : 0;
	*last = d->n ? d->rec[d->n - 1].ts : 0;
}

int qts_sweep_data_replay(const qts_sweep_data *d, int64_t from, int64_t to,
			  int (*put)(void *arg, const qts_event *ev), void *arg, size_t *where)
{
	qts_event bar;
	qts_event_init(&bar, QTS_BAR, 0);
	for (size_t i = 0; i < d->n; i++) {
		const rec *r = &d->rec[i];
		/* read in order, but between the engines' own work, which the
		 * processor's prefetch does not see through */
		if (i + 16 < d->n)
			__builtin_prefetch(r + 16);
		if (r->ts < from || r->ts >= to)
			continue;
		const qts_event *ev = &bar;
		if (r->aux & OTHER) {
			ev = &d->other[r->aux & ~OTHER];
		} else {
			bar.ts = r->ts;
			memcpy(bar.symbol, d->sym[r->sym], QTS_SYM_MAX);
			memcpy(bar.bar.tf, d->tf[r->aux], QTS_WORD_MAX);
			bar.bar.open = r->o, bar.bar.high = r->h, bar.bar.low = r->l;
			bar.bar.close = r->c, bar.bar.volume = r->v;
		}
		if (put(arg, ev) < 0) {
			*where = i + 1;
			return -1;
		}
	}
	return 0;
}

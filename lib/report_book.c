/* report_book.c — what the HTML tearsheet needs beyond the curve: the
 * exposure at each point (the gross and net market value the equity event
 * of that point carried) and each symbol's money from its fills.  Both
 * follow points and symbols in memory, never events, and cost a store or
 * a hash look-up per event. */
#include <stdlib.h>
#include <string.h>

#include "qts_metrics.h"
#include "qts_checkpoint.h"

typedef struct sym {
	double cash;      /* money received from the symbol's fills, less commissions */
	double qty;       /* open, signed */
	double mult;
	double last_fill; /* price */
	long fills;
} sym;

struct qts_book {
	double *gross, *net;
	size_t n, cap;
	qts_symtab *syms;
};

qts_book *qts_book_new(void)
{
	qts_book *b = calloc(1, sizeof *b);
	if (b && !(b->syms = qts_symtab_new(sizeof(sym)))) {
		free(b);
		return NULL;
	}
	return b;
}

void qts_book_free(qts_book *b)
{
	if (!b)
		return;
	free(b->gross);
	free(b->net);
	qts_symtab_free(b->syms);
	free(b);
}

/* Room for points 0..n-1, the new ones unknown.  The arrays exist after
 * it even for no point: a report made before the first equity event reads
 * them, and NULL would say out of memory. */
static int extend(qts_book *b, size_t n)
{
	if (n > b->cap || !b->gross || !b->net) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < n)
			cap *= 2;
		double *g = realloc(b->gross, cap * sizeof *g);
		if (!g)
			return -1;
		b->gross = g;
		double *t = realloc(b->net, cap * sizeof *t);
		if (!t)
			return -1;
		b->net = t;
		b->cap = cap;
	}
	for (; b->n < n; b->n++)
		b->gross[b->n] = b->net[b->n] = NAN;
	return 0;
}

int qts_book_exposure(qts_book *b, size_t point, double gross, double net)
{
	if (point >= b->n && extend(b, point + 1) < 0)
		return -1;
	b->gross[point] = gross;
	b->net[point] = net;
	return 0;
}

int qts_book_fill(qts_book *b, const char *symbol, int dir, double qty, double price,
		  double mult, double commission)
{
	sym *s = qts_symtab_get(b->syms, symbol); /* in the order of first fills */
	if (!s)
		return -1;
	s->cash -= dir * qty * price * mult + commission;
	s->qty += dir * qty;
	s->mult = mult;
	s->last_fill = price;
	s->fills++;
	return 0;
}

void qts_book_split(qts_book *b, const char *symbol, double ratio)
{
	sym *s = qts_symtab_find(b->syms, symbol);
	if (s) {
		s->qty *= ratio;
		s->last_fill /= ratio;
	}
}

const double *qts_book_gross(qts_book *b, size_t n)
{
	return extend(b, n) < 0 ? NULL : b->gross;
}

const double *qts_book_net(qts_book *b, size_t n)
{
	return extend(b, n) < 0 ? NULL : b->net;
}

qts_sym_pnl *qts_book_pnl(const qts_book *b, double (*last)(void *arg, const char *symbol),
			  void *arg, size_t *n)
{
	size_t k = qts_symtab_count(b->syms);
	qts_sym_pnl *out = calloc(k ? k : 1, sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < k; i++) {
		const char *name = "";
		const sym *s = qts_symtab_at(b->syms, i, &name);
		qts_sym_pnl *o = &out[i];
		double px = last ? last(arg, name) : NAN;
		if (!isfinite(px))
			px = s->last_fill;
		QTS_SET(o->symbol, name);
		/* a position closed to rounding residue is worth nothing */
		o->pnl = s->cash + (s->qty != 0 ? s->qty * px * s->mult : 0);
		o->qty = s->qty;
		o->fills = s->fills;
	}
	*n = k;
	return out;
}

/* ---- checkpoints (qts_checkpoint.h) -------------------------------------- */

int qts_book_ck(qts_book *b, qts_ckpt *c)
{
	qts_ck_tag(c, "book");
	if (c->loading && (b->n || qts_symtab_count(b->syms))) {
		qts_ck_fail(c, "restored into a book that has points");
		return -1;
	}
	size_t n = b->n;
	qts_ck_size(c, &n, c->loading ? c->len / 16 : n);
	if (c->loading && n && (!qts_ck_room(c, n, 16) || extend(b, n) < 0)) {
		qts_ck_fail(c, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n && qts_ck_ok(c); i++)
		qts_ck_f64(c, &b->gross[i]), qts_ck_f64(c, &b->net[i]);
	size_t k = qts_symtab_count(b->syms);
	qts_ck_size(c, &k, c->loading ? c->len / 40 : k);
	for (size_t i = 0; i < k && qts_ck_ok(c); i++) {
		char name[QTS_SYM_MAX];
		const char *at = NULL;
		sym *s = c->loading ? NULL : qts_symtab_at(b->syms, i, &at);
		if (at)
			QTS_SET(name, at);
		qts_ck_str(c, name, sizeof name);
		if (c->loading) {
			if (!qts_ck_ok(c))
				break;
			if (qts_symtab_find(b->syms, name)) {
				qts_ck_fail(c, "symbol %s twice", name);
				break;
			}
			if (!(s = qts_symtab_get(b->syms, name))) {
				qts_ck_fail(c, "out of memory");
				break;
			}
		}
		qts_ck_f64(c, &s->cash), qts_ck_f64(c, &s->qty), qts_ck_f64(c, &s->mult);
		qts_ck_f64(c, &s->last_fill);
		qts_ck_long(c, &s->fills);
	}
	return qts_ck_ok(c) ? 0 : -1;
}

/* ids.c — order ids, deterministic and unique within their 63 bytes, and a
 * bounded memory of the ids seen (at-least-once delivery: a stage acts on
 * an order once, however often it is delivered). */
#include "qts.h"
#include "qts_checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FNV_START 1469598103934665603ULL /* FNV-1a */

/* FNV-1a, going on from h over the n bytes of s: qts_hash64 in parts. */
static inline uint64_t fnv(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

uint64_t qts_hash64(const char *s)
{
	uint64_t h = FNV_START;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h ? h : 1; /* 0 marks an empty slot in the tables below */
}

/* Whether qts_order_id writes PREFIX-SYMBOL-N for any n: the form its
 * hash can be had without the id. */
static int plain_id(size_t lp, size_t ls)
{
	return lp + ls + 2 + 20 < QTS_ID_MAX;
}

void qts_order_id(char *id, const char *prefix, const char *symbol, unsigned long n)
{
	char buf[256];
	/* PREFIX-SYMBOL-N by hand when it fits, as the snprintf below would
	 * write it: ids are made for every target, and printf costs more
	 * than the rest of the work on one. */
	size_t lp = strlen(prefix), ls = strlen(symbol);
	if (plain_id(lp, ls)) {
		char digits[20];
		size_t k = 0;
		do
			digits[k++] = (char)('0' + n % 10);
		while (n /= 10);
		memcpy(buf, prefix, lp);
		buf[lp] = '-';
		memcpy(buf + lp + 1, symbol, ls);
		char *p = buf + lp + 1 + ls;
		*p++ = '-';
		while (k)
			*p++ = digits[--k];
		*p = '\0';
		memcpy(id, buf, (size_t)(p - buf) + 1);
		return;
	}
	/* A symbol too long to fit whole gives way to its hash; n, unique to
	 * each order, is always kept whole. */
	if (snprintf(buf, sizeof buf, "%s-%s-%lu", prefix, symbol, n) >= QTS_ID_MAX)
		snprintf(buf, sizeof buf, "%.24s-%016llx-%lu", prefix, (unsigned long long)qts_hash64(symbol), n);
	qts_strlcpy(id, buf, QTS_ID_MAX);
}

int qts_order_id_hash_start(uint64_t *start, const char *prefix, const char *symbol)
{
	size_t lp = strlen(prefix), ls = strlen(symbol);
	if (!plain_id(lp, ls))
		return 0;
	*start = fnv(fnv(fnv(fnv(FNV_START, prefix, lp), "-", 1), symbol, ls), "-", 1);
	return 1;
}

uint64_t qts_order_id_hash(uint64_t start, unsigned long n)
{
	char digits[20];
	size_t k = sizeof digits;
	do
		digits[--k] = (char)('0' + n % 10);
	while (n /= 10);
	uint64_t h = fnv(start, digits + k, sizeof digits - k);
	return h ? h : 1;
}

void qts_strategy_order_id(char *id, const char *strategy, unsigned long n)
{
	snprintf(id, QTS_ID_MAX, "%.40s-%lu", strategy, n);
}

int qts_fresh_id(qts_fresh_ids *f, const char *prefix, const char *symbol)
{
	if (f->unsure)
		return 0;
	size_t lp = strlen(prefix);
	if (!plain_id(lp, strlen(symbol))) { /* cut to fit: PREFIX-SYMBOL-N no more */
		f->unsure = 1;
		return 0;
	}
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->prefix[i], prefix) == 0)
			return 1;
	if (f->n == QTS_FRESH_PREFIXES || lp >= QTS_NAME_MAX) {
		f->unsure = 1;
		return 0;
	}
	for (int i = 0; i < f->n; i++) {
		size_t lq = strlen(f->prefix[i]);
		const char *shorter = lq < lp ? f->prefix[i] : prefix, *longer = lq < lp ? prefix : f->prefix[i];
		size_t ls = lq < lp ? lq : lp;
		if (strncmp(longer, shorter, ls) == 0 && longer[ls] == '-') {
			f->unsure = 1;
			return 0;
		}
	}
	memcpy(f->prefix[f->n++], prefix, lp + 1);
	return 1;
}

/* Open addressing over hashes (at most half full), and a ring of the
 * hashes in the order they came, to forget the oldest.  The newest
 * `pending` of the ring are not in the table yet (qts_idset_add_fresh). */
struct qts_idset {
	uint64_t *tab, *ring;
	size_t cap, tabcap, n, head, pending;
};

qts_idset *qts_idset_new(size_t cap)
{
	qts_idset *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->cap = cap;
	for (t->tabcap = 16; t->tabcap < 2 * cap; t->tabcap *= 2)
		;
	t->tab = qts_calloc_table(t->tabcap * sizeof *t->tab);
	t->ring = qts_calloc_table(cap * sizeof *t->ring); /* faulted in by the first ring_add */
	if (!t->tab || !t->ring) {
		qts_idset_free(t);
		return NULL;
	}
	return t;
}

int qts_idset_has(qts_idset *t, const char *id)
{
	return qts_idset_has_hash(t, qts_hash64(id));
}

static void put_in_table(qts_idset *t, uint64_t h)
{
	size_t i = h & (t->tabcap - 1);
	while (t->tab[i])
		i = (i + 1) & (t->tabcap - 1);
	t->tab[i] = h;
}

/* The pending hashes into the table, oldest first. */
static void settle(qts_idset *t)
{
	for (; t->pending; t->pending--)
		put_in_table(t, t->ring[(t->head + t->cap - t->pending) % t->cap]);
}

int qts_idset_has_hash(qts_idset *t, uint64_t h)
{
	if (t->pending)
		settle(t);
	for (size_t i = h & (t->tabcap - 1);; i = (i + 1) & (t->tabcap - 1)) {
		if (t->tab[i] == h)
			return 1;
		if (!t->tab[i])
			return 0;
	}
}

static void forget(qts_idset *t, uint64_t h)
{
	size_t mask = t->tabcap - 1, i = h & mask;
	while (t->tab[i] != h)
		i = (i + 1) & mask;
	t->tab[i] = 0;
	/* Backward-shift deletion keeps every probe chain unbroken. */
	for (size_t j = (i + 1) & mask; t->tab[j]; j = (j + 1) & mask) {
		size_t k = t->tab[j] & mask;
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			t->tab[i] = t->tab[j];
			t->tab[j] = 0;
			i = j;
		}
	}
}

void qts_idset_add(qts_idset *t, const char *id)
{
	qts_idset_add_hash(t, qts_hash64(id));
}

/* h onto the ring, the oldest forgotten when it is full. */
static void ring_add(qts_idset *t, uint64_t h)
{
	if (!t->n)
		qts_table_fault_in(t->ring, t->cap * sizeof *t->ring);
	if (t->n < t->cap)
		t->n++;
	else if (t->pending == t->n) /* the oldest is not in the table */
		t->pending--;
	else
		forget(t, t->ring[t->head]);
	t->ring[t->head] = h;
	t->head = (t->head + 1) % t->cap;
}

void qts_idset_add_hash(qts_idset *t, uint64_t h)
{
	if (qts_idset_has_hash(t, h))
		return;
	ring_add(t, h);
	put_in_table(t, h);
}

void qts_idset_add_fresh(qts_idset *t, uint64_t h)
{
	ring_add(t, h);
	t->pending++;
}

void qts_idset_free(qts_idset *t)
{
	if (!t)
		return;
	qts_free_table(t->tab, t->tabcap * sizeof *t->tab);
	qts_free_table(t->ring, t->cap * sizeof *t->ring);
	free(t);
}

/* Oldest first, so that a restored set forgets in the same order. */
void qts_idset_ck(qts_idset *t, qts_ckpt *c)
{
	size_t n = t->n;
	qts_ck_size(c, &n, t->cap);
	if (!c->loading) {
		for (size_t i = 0; i < n; i++) {
			uint64_t h = t->ring[(t->head + t->cap - t->n + i) % t->cap];
			qts_ck_u64(c, &h);
		}
		return;
	}
	if (!qts_ck_room(c, n, 8))
		return;
	settle(t);
	for (size_t i = 0; i < n; i++) {
		uint64_t h = 0;
		qts_ck_u64(c, &h);
		if (!qts_ck_ok(c))
			return;
		if (!h || qts_idset_has_hash(t, h)) { /* a set holds each once */
			qts_ck_fail(c, "an id hash of 0, or one twice");
			return;
		}
		ring_add(t, h);
		put_in_table(t, h);
	}
}

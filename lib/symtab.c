/* symtab.c — per-symbol state: a hash table from a symbol to a zeroed block
 * of caller-defined size, whose address never changes (stages keep
 * pointers to it).  Open addressing with linear probing; the last lookup
 * is cached, since streams usually repeat a symbol or cycle over a few. */
#include "qts.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	char key[64]; /* a symbol, or a symbol and a timeframe */
	uint64_t hash;
	void *value;
};

struct qts_symtab {
	size_t value_size, cap, count;
	struct entry *slots;   /* cap slots, NULL value = empty */
	struct entry **order;  /* insertion order, for deterministic iteration */
	struct entry *last;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

qts_symtab *qts_symtab_new(size_t value_size)
{
	qts_symtab *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->value_size = value_size ? value_size : 1;
	t->cap = 64;
	t->slots = calloc(t->cap, sizeof *t->slots);
	t->order = calloc(t->cap, sizeof *t->order);
	if (!t->slots || !t->order) {
		qts_symtab_free(t);
		return NULL;
	}
	return t;
}

static struct entry *probe(const qts_symtab *t, const char *key, uint64_t h)
{
	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct entry *e = &t->slots[i];
		if (!e->value || (e->hash == h && strcmp(e->key, key) == 0))
			return e;
	}
}

static int grow(qts_symtab *t)
{
	size_t ncap = t->cap * 2;
	struct entry *slots = calloc(ncap, sizeof *slots);
	struct entry **order = calloc(ncap, sizeof *order);
	if (!slots || !order) {
		free(slots);
		free(order);
		return -1;
	}
	struct entry *old = t->slots;
	size_t oldcap = t->cap;
	t->slots = slots;
	t->cap = ncap;
	for (size_t i = 0; i < t->count; i++) {
		struct entry *src = t->order[i];
		struct entry *dst = probe(t, src->key, src->hash);
		*dst = *src;
		order[i] = dst;
	}
	(void)oldcap;
	free(old);
	free(t->order);
	t->order = order;
	t->last = NULL;
	return 0;
}

void *qts_symtab_find(qts_symtab *t, const char *key)
{
	if (t->last && strcmp(t->last->key, key) == 0)
		return t->last->value;
	struct entry *e = probe(t, key, hash_str(key));
	if (!e->value)
		return NULL;
	t->last = e;
	return e->value;
}

void *qts_symtab_get(qts_symtab *t, const char *key)
{
	void *v = qts_symtab_find(t, key);
	if (v)
		return v;
	if ((t->count + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	uint64_t h = hash_str(key);
	struct entry *e = probe(t, key, h);
	if (!(e->value = calloc(1, t->value_size)))
		return NULL;
	qts_strlcpy(e->key, key, sizeof e->key);
	e->hash = h;
	t->order[t->count++] = e;
	t->last = e;
	return e->value;
}

size_t qts_symtab_count(const qts_symtab *t) { return t->count; }

void *qts_symtab_at(const qts_symtab *t, size_t i, const char **key)
{
	if (i >= t->count)
		return NULL;
	if (key)
		*key = t->order[i]->key;
	return t->order[i]->value;
}

void qts_symtab_free(qts_symtab *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->count; i++)
		free(t->order[i]->value);
	free(t->slots);
	free(t->order);
	free(t);
}

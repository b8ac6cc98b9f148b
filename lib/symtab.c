/* symtab.c — per-symbol state: a hash table from a symbol to a zeroed block
 * of caller-defined size, whose address never changes (stages keep
 * pointers to it).  Open addressing with linear probing; the last lookup
 * is cached, since streams usually repeat a symbol or cycle over a few.
 * Every stage looks up the symbol of nearly every event, and interleaved
 * symbols miss that cache: a key is taken as its first eight bytes in one
 * word (a symbol mostly fits), hashed and compared as that word, with no
 * call to strcmp or memcmp for a short one. */
#include "qts.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	char key[64]; /* a symbol, or a symbol and a timeframe */
	uint64_t hash;
	uint64_t word; /* key's first eight bytes, zero after its end */
	size_t len;
	void *value;
};

struct qts_symtab {
	size_t value_size, cap, count;
	struct entry *slots;   /* cap slots, NULL value = empty */
	struct entry **order;  /* insertion order, for deterministic iteration */
	struct entry *last;
};

/* A key as the lookup sees it. */
typedef struct keyval {
	const char *s;
	size_t len;
	uint64_t word, hash;
} keyval;

static inline keyval key_of(const char *s)
{
	keyval k = { s, 0, 0, 0 };
	for (; k.len < 8 && s[k.len]; k.len++)
		k.word |= (uint64_t)(unsigned char)s[k.len] << (8 * k.len);
	uint64_t h = (k.word ^ 0x5bd1e9955bd1e995ULL) * 0x9e3779b97f4a7c15ULL;
	if (k.len == 8)
		for (; s[k.len]; k.len++) /* FNV-1a on the rest */
			h = (h ^ (unsigned char)s[k.len]) * 1099511628211ULL;
	/* the high bits, where the multiplications mixed every byte */
	k.hash = h ^ (h >> 32) ^ k.len;
	return k;
}

static inline int same_key(const struct entry *e, const keyval *k)
{
	return e->word == k->word && e->len == k->len &&
	       (k->len <= 8 || (k->len < sizeof e->key && memcmp(e->key + 8, k->s + 8, k->len - 8) == 0));
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

static struct entry *probe(const qts_symtab *t, const keyval *k)
{
	for (size_t i = k->hash & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct entry *e = &t->slots[i];
		if (!e->value || (e->hash == k->hash && same_key(e, k)))
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
		keyval k = { src->key, src->len, src->word, src->hash };
		struct entry *dst = probe(t, &k);
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

static inline void *find(qts_symtab *t, const keyval *k)
{
	if (t->last && same_key(t->last, k))
		return t->last->value;
	struct entry *e = probe(t, k);
	if (!e->value)
		return NULL;
	t->last = e;
	return e->value;
}

static void *insert(qts_symtab *t, const char *key)
{
	if ((t->count + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	keyval k = key_of(key);
	struct entry *e = probe(t, &k);
	if (!(e->value = qts_calloc_lines(t->value_size)))
		return NULL;
	qts_strlcpy(e->key, key, sizeof e->key);
	e->hash = k.hash;
	e->word = k.word;
	e->len = k.len;
	t->order[t->count++] = e;
	t->last = e;
	return e->value;
}

void *qts_symtab_find(qts_symtab *t, const char *key)
{
	keyval k = key_of(key);
	return find(t, &k);
}

void *qts_symtab_get(qts_symtab *t, const char *key)
{
	keyval k = key_of(key);
	void *v = find(t, &k);
	return v ? v : insert(t, key);
}

/* A symbol field (QTS_SYM_MAX bytes, all readable) shorter than eight
 * bytes is found from one load of its first word, its NUL located in the
 * word and the bytes after it masked off: the key_of of it, without a loop
 * over its bytes, and a probe that compares words.  NULL when the symbol
 * is longer (or absent), for the general path. */
static inline void *find_short(const qts_symtab *t, const char sym[QTS_SYM_MAX])
{
	uint64_t w;
	memcpy(&w, sym, 8);
	uint64_t nul = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
	if (!nul)
		return NULL;
	/* the lowest flagged byte is the first NUL, exactly: keep what is
	 * below it */
	w &= (nul & -nul) - 1;
	size_t len = (size_t)__builtin_ctzll(nul) >> 3;
	uint64_t h = (w ^ 0x5bd1e9955bd1e995ULL) * 0x9e3779b97f4a7c15ULL;
	h = h ^ (h >> 32) ^ len;
	for (size_t i = h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		const struct entry *e = &t->slots[i];
		if (!e->value)
			return NULL;
		if (e->hash == h && e->word == w && e->len == len)
			return e->value;
	}
}

void *qts_symtab_find_field(qts_symtab *t, const char symbol[QTS_SYM_MAX])
{
	void *v = find_short(t, symbol);
	return v ? v : qts_symtab_find(t, symbol);
}

void *qts_symtab_get_field(qts_symtab *t, const char symbol[QTS_SYM_MAX])
{
	void *v = find_short(t, symbol);
	return v ? v : qts_symtab_get(t, symbol);
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
		qts_free_lines(t->order[i]->value, t->value_size);
	free(t->slots);
	free(t->order);
	free(t);
}

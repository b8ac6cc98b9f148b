/* ind_state.c — an indicator's state in a checkpoint (qts_checkpoint.h).
 *
 * Every indicator keeps its state in the blocks ind_alloc gave it, and
 * the only pointers in them are to the start of another of its blocks (a
 * ring's values, a deque's arrays).  An indicator made anew with the same
 * options has the same blocks of the same sizes, with its pointers at the
 * same places: its state is the bytes of its blocks, those pointers left
 * out.  So one function checkpoints every indicator, those to come too,
 * and the families' code (hot, tuned) is not touched.
 *
 * A pointer is a word equal to the address of one of the indicator's
 * blocks.  The places of the pointers are written and, on loading,
 * checked against those of the indicator restored into: a state of
 * another layout is refused, never read askew.  The bytes are the
 * machine's own (a state is read by the qts that wrote it). */
#include "ind_priv.h"
#include "qts_checkpoint.h"

#include <stdlib.h>
#include <string.h>

/* The block word w of block k points to, or -1. */
static int points_to(const qts_ind *ind, const unsigned char *block, size_t w)
{
	uintptr_t v;
	memcpy(&v, block + w * sizeof v, sizeof v);
	for (int j = 0; j < ind->nblk; j++)
		if (v == (uintptr_t)ind->blk[j])
			return j;
	return -1;
}

static void block_ck(qts_ind *ind, int k, qts_ckpt *c)
{
	unsigned char *block = ind->blk[k];
	size_t size = ind->blk_size[k], words = size / sizeof(uintptr_t);
	/* which words are pointers, before any is overwritten */
	signed char *to = malloc(words + 1);
	unsigned char *tmp = malloc(size + 1);
	if (!to || !tmp) {
		free(to), free(tmp);
		qts_ck_fail(c, "out of memory");
		return;
	}
	size_t np = 0;
	for (size_t w = 0; w < words; w++)
		np += (to[w] = (signed char)points_to(ind, block, w)) >= 0;
	/* where they are: written, or checked against this one's */
	size_t got = np;
	qts_ck_size(c, &got, words);
	if (c->loading && !c->bad && got != np)
		qts_ck_fail(c, "indicator %s: %zu pointers in its block %d, not %zu", ind->info->name, got, k,
			    np);
	for (size_t w = 0; w < words && !c->bad; w++) {
		if (to[w] < 0)
			continue;
		size_t at = w;
		int j = to[w];
		qts_ck_size(c, &at, words);
		qts_ck_int(c, &j);
		if (c->loading && !c->bad && (at != w || j != to[w]))
			qts_ck_fail(c, "indicator %s: its block %d is laid out otherwise", ind->info->name, k);
	}
	/* the bytes, the pointers as zeros */
	memcpy(tmp, block, size);
	for (size_t w = 0; w < words; w++)
		if (to[w] >= 0)
			memset(tmp + w * sizeof(uintptr_t), 0, sizeof(uintptr_t));
	qts_ck_bytes(c, tmp, size);
	if (c->loading && !c->bad)
		for (size_t from = 0; from < size; from += sizeof(uintptr_t)) {
			size_t w = from / sizeof(uintptr_t);
			if (w == words || to[w] < 0)
				memcpy(block + from, tmp + from, size - from < sizeof(uintptr_t) ? size - from : sizeof(uintptr_t));
		}
	free(to);
	free(tmp);
}

void qts_ind_ck(qts_ind *ind, qts_ckpt *c)
{
	qts_ck_tag(c, ind->info->name);
	for (int i = 0; i < ind->info->noptions; i++) {
		double o = ind->opt[i];
		qts_ck_f64(c, &o);
		if (c->loading && !c->bad && memcmp(&o, &ind->opt[i], sizeof o) != 0)
			qts_ck_fail(c, "indicator %s: its %s was %g, not %g", ind->info->name,
				    ind->info->options[i], o, ind->opt[i]);
	}
	qts_ck_long(c, &ind->nbar);
	size_t n = (size_t)ind->nblk;
	int st = -1;
	for (int k = 0; k < ind->nblk; k++)
		if (ind->st == ind->blk[k])
			st = k;
	int was_st = st;
	qts_ck_size(c, &n, IND_MAXBLK);
	qts_ck_int(c, &st);
	if (c->loading && !c->bad && (n != (size_t)ind->nblk || st != was_st))
		qts_ck_fail(c, "indicator %s: %zu blocks of state, not %d", ind->info->name, n, ind->nblk);
	for (int k = 0; k < ind->nblk && !c->bad; k++) {
		size_t size = ind->blk_size[k];
		qts_ck_size(c, &size, SIZE_MAX);
		if (c->loading && !c->bad && size != ind->blk_size[k])
			qts_ck_fail(c, "indicator %s: its block %d of %zu bytes, not %zu", ind->info->name, k,
				    size, ind->blk_size[k]);
		if (!c->bad)
			block_ck(ind, k, c);
	}
}

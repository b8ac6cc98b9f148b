/* ind_share.c — an indicator's values computed once for many runs over
 * the same events.  qts sweep runs the combinations of a grid in worker
 * processes forked from the one that holds the input: a grid of 10 fast
 * by 10 slow moving averages pushes 200 averages a bar where 20 differ,
 * and the averages are a sixth of a combination's work.
 *
 * The first run that makes an indicator of a key (its family, its options
 * and the window of events replayed) writes its values, event by event,
 * to memory shared with every worker; a run that finds the
 * key's series complete reads them instead of computing them.  Whether a
 * reader would have been fed what the writer was, at the same events, it
 * cannot know when it reads: both fold every (event, value) they are fed
 * into a hash, and a run's figures stand only when each series it read
 * has its writer's hash (qts_ind_share_leave); otherwise the run is made
 * again, computing alone.  Two indicators of one key in one run are fed at
 * the same event: a writer's series is then spoilt, a reader's hash wrong.
 *
 * A process maps a series' pages once (a fault each, dear on a virtual
 * machine): qts sweep's workers run one combination after another, so
 * each maps what it reads once, not once a combination.
 *
 * Only families with a kernel take part (qts_ind_kernel); an indicator's
 * output is valid once it has been fed more than its lookback, as the
 * kernels' families are. */
#include "ind_priv.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NKEYS 64
#define AHEAD 64 /* values a reader fetches ahead: 8 lines of the cache */

enum { FREE, CLAIMED, WRITING, DONE, SPOILT };

/* A key and its series' state, in the shared memory. */
struct entry {
	atomic_int state;
	const struct ind_impl *impl; /* forked processes share the addresses */
	double opt[4];
	int64_t from, to;
	uint64_t hash;
};

struct qts_ind_share {
	struct entry *key;  /* nkeys */
	double *val;        /* nkeys series of nval values, stride apart */
	size_t nval, stride;
	int nkeys;          /* NKEYS at most, as many as the budget holds */
	size_t size;        /* of the mapping */
};

/* A run's reader of a key, one a symbol: what differs between them.  They
 * come in blocks, one after another in the order the symbols came, as an
 * interleaved stream visits them: the next one is in the cache already. */
struct reader {
	struct role *role;
	int fed, lookback;
};

#define BLOCK 256

/* This process's part: what it decided for each key it met. */
struct role {
	/* what a reader reads, first (a writer writes it) */
	double *val;
	const size_t *at;
	uint64_t hash;
	const struct ind_impl *impl;
	double opt[4];
	int entry;   /* -1: computed alone */
	int writer;
	int spoilt;
	size_t next; /* the first event it may still be fed at */
	struct reader *block; /* the readers' last block, BLOCK of them */
	size_t nblock;        /* used of it */
};

static struct {
	qts_ind_share *sh;
	const size_t *at;
	int64_t from, to;
	struct role role[NKEYS];
	int nrole;
} run;

/* A run's writer of a key, one a symbol. */
struct writer {
	struct role *role;
	qts_ind_kernel_fn fn;
	void *st;
};

/* The readers' blocks of this process, freed when it joins the next run:
 * after a run's end no kernel of it is called. */
static void **blocks;
static size_t nblocks;

qts_ind_share *qts_ind_share_new(size_t nevents, size_t budget)
{
	size_t nval = nevents + 1; /* events are counted from 1 */
	size_t stride = nval + AHEAD; /* a reader's prefetch stays within */
	if (stride > SIZE_MAX / NKEYS / sizeof(double) || budget / (nval * sizeof(double)) < 1)
		return NULL;
	qts_ind_share *sh = calloc(1, sizeof *sh);
	if (!sh)
		return NULL;
	sh->nval = nval;
	sh->stride = stride;
	size_t fit = budget / (nval * sizeof(double)); /* the room after each aside */
	sh->nkeys = fit < NKEYS ? (int)fit : NKEYS;
	size_t head = (NKEYS * sizeof(struct entry) + 4095) & ~(size_t)4095;
	/* pages are given as they are written: a grid of 20 distinct
	 * averages over 1.3M events touches 208 MB */
	sh->size = head + (size_t)sh->nkeys * sh->stride * sizeof(double);
	void *p = mmap(NULL, sh->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		free(sh);
		return NULL;
	}
	sh->key = p;
	sh->val = (double *)((char *)p + head);
	return sh;
}

void qts_ind_share_free(qts_ind_share *sh)
{
	if (!sh)
		return;
	munmap(sh->key, sh->size);
	free(sh);
}

void qts_ind_share_join(qts_ind_share *sh, int64_t from, int64_t to, const size_t *at)
{
	for (size_t i = 0; i < nblocks; i++)
		free(blocks[i]);
	free(blocks);
	blocks = NULL;
	nblocks = 0;
	memset(&run, 0, sizeof run);
	run.sh = sh;
	run.at = at;
	run.from = from;
	run.to = to;
}

static int same_key(const struct ind_impl *impl, const double *opt, const struct ind_impl *impl2, const double *opt2)
{
	return impl == impl2 && memcmp(opt, opt2, sizeof(double[4])) == 0;
}

/* What this run does with a key: read a complete series, write a free
 * one, or compute alone. */
static struct role *role_of(const qts_ind *ind)
{
	for (int i = 0; i < run.nrole; i++)
		if (same_key(run.role[i].impl, run.role[i].opt, ind->impl, ind->opt))
			return &run.role[i];
	if (run.nrole == NKEYS)
		return NULL;
	struct role *r = &run.role[run.nrole++];
	memset(r, 0, sizeof *r);
	r->impl = ind->impl;
	memcpy(r->opt, ind->opt, sizeof r->opt);
	r->entry = -1;
	r->at = run.at;
	for (int i = 0; i < run.sh->nkeys; i++) {
		struct entry *e = &run.sh->key[i];
		int s = atomic_load_explicit(&e->state, memory_order_acquire);
		/* a key's fields are read once its writer has set them; a key
		 * being written is computed alone meanwhile, not written twice */
		if (s >= WRITING && same_key(e->impl, e->opt, ind->impl, ind->opt) && e->from == run.from &&
		    e->to == run.to) {
			if (s == DONE) {
				r->entry = i;
				r->val = run.sh->val + (size_t)i * run.sh->stride;
			}
			return r;
		}
	}
	for (int i = 0; i < run.sh->nkeys; i++) {
		struct entry *e = &run.sh->key[i];
		int free_ = FREE;
		if (atomic_compare_exchange_strong_explicit(&e->state, &free_, CLAIMED, memory_order_acq_rel,
							    memory_order_relaxed)) {
			e->impl = ind->impl;
			memcpy(e->opt, ind->opt, sizeof e->opt);
			e->from = run.from;
			e->to = run.to;
			atomic_store_explicit(&e->state, WRITING, memory_order_release);
			r->entry = i;
			r->val = run.sh->val + (size_t)i * run.sh->stride;
			r->writer = 1;
			return r;
		}
	}
	return r;
}

/* One (event, value) into a series' hash: their order, the events and the
 * values' bits all count.  Cheap, as a reader pays it for each value: the
 * rotation brings every bit of the last product down to the next. */
static inline uint64_t fold(uint64_t h, size_t at, double x)
{
	uint64_t b;
	memcpy(&b, &x, sizeof b);
	h ^= b;
	h = (h << 23 | h >> 41) * 0x9e3779b97f4a7c15u;
	return h + at;
}

/* A writer fed twice at one event (two indicators of its key in the
 * run) spoils its series; a reader so fed has a hash its writer's cannot
 * be, since the writer would have been spoilt. */
static int share_write(void *state, double x, double *out)
{
	struct writer *k = state;
	struct role *r = k->role;
	size_t at = *r->at;
	r->hash = fold(r->hash, at, x);
	int ok = k->fn(k->st, x, out);
	if (at < r->next || at >= run.sh->nval) {
		r->spoilt = 1;
		return ok;
	}
	r->next = at + 1;
	r->val[at] = ok ? *out : NAN;
	return ok;
}

static int share_read(void *state, double x, double *out)
{
	struct reader *k = state;
	struct role *r = k->role;
	size_t at = *r->at;
	r->hash = fold(r->hash, at, x);
	*out = r->val[at];
	/* the series is read in order, interleaved with everything else a
	 * bar touches, which the processor's own prefetch does not follow */
	__builtin_prefetch(r->val + at + AHEAD);
	if (k->fed > k->lookback)
		return 1;
	return ++k->fed > k->lookback;
}

/* A reader for a symbol, from the role's block. */
static struct reader *reader_new(struct role *r)
{
	if (!r->block || r->nblock == BLOCK) {
		void **b = realloc(blocks, (nblocks + 1) * sizeof *b);
		if (!b)
			return NULL;
		blocks = b;
		if (!(r->block = calloc(BLOCK, sizeof *r->block)))
			return NULL;
		blocks[nblocks++] = r->block;
		r->nblock = 0;
	}
	return &r->block[r->nblock++];
}

qts_ind_kernel_fn ind_share_kernel(qts_ind *ind, qts_ind_kernel_fn fn, void **state)
{
	if (!run.sh)
		return fn;
	struct role *r = role_of(ind);
	if (!r || r->entry < 0)
		return fn;
	if (!r->writer) {
		struct reader *k = reader_new(r);
		if (!k)
			return fn;
		*k = (struct reader){ r, 0, ind->lookback };
		*state = k;
		return share_read;
	}
	struct writer *k = calloc(1, sizeof *k);
	if (!k)
		return fn;
	*k = (struct writer){ r, fn, *state };
	free(ind->share);
	ind->share = k;
	*state = k;
	return share_write;
}

int qts_ind_share_leave(int ok)
{
	int agreed = 1;
	for (int i = 0; run.sh && i < run.nrole; i++) {
		struct role *r = &run.role[i];
		if (r->entry < 0)
			continue;
		struct entry *e = &run.sh->key[r->entry];
		if (r->writer) {
			/* a run that failed leaves its key taken: others compute alone */
			if (!ok)
				continue;
			e->hash = r->hash;
			atomic_store_explicit(&e->state, r->spoilt ? SPOILT : DONE, memory_order_release);
		} else if (r->hash != e->hash) {
			agreed = 0;
		}
	}
	run.sh = NULL;
	return agreed ? 0 : -1;
}

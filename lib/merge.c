/* merge.c — a k-way merge of event streams by the time each event became
 * known, streaming: one event per source is held, in a binary heap ordered
 * by (known time, symbol, source index). */
#include "qts.h"

#include <stdlib.h>
#include <string.h>

struct qts_merge {
	size_t n;
	int (*next)(void *ctx, size_t i, qts_event *ev);
	const char *(*error)(void *ctx, size_t i);
	void *ctx;
	qts_event *head;  /* the next event of each source */
	int64_t *key;     /* its known time */
	size_t *heap;     /* source indices */
	size_t nheap;
	int started;
	size_t first;     /* the sources read a first event from, so far */
	char err[1100];
};

/* Time first; at the same time by symbol, so the result does not depend
 * on the order in which files are named; then by source. */
static int before(const qts_merge *m, size_t a, size_t b)
{
	if (m->key[a] != m->key[b])
		return m->key[a] < m->key[b];
	int c = strcmp(m->head[a].symbol, m->head[b].symbol);
	return c ? c < 0 : a < b;
}

static void sift_down(qts_merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, s = i;
		if (l < m->nheap && before(m, m->heap[l], m->heap[s]))
			s = l;
		if (r < m->nheap && before(m, m->heap[r], m->heap[s]))
			s = r;
		if (s == i)
			return;
		size_t t = m->heap[i];
		m->heap[i] = m->heap[s];
		m->heap[s] = t;
		i = s;
	}
}

qts_merge *qts_merge_new_sources(size_t n, int (*next)(void *, size_t, qts_event *),
				 const char *(*error)(void *, size_t), void *ctx)
{
	qts_merge *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->n = n;
	m->next = next;
	m->error = error;
	m->ctx = ctx;
	m->head = calloc(n ? n : 1, sizeof *m->head);
	m->key = calloc(n ? n : 1, sizeof *m->key);
	m->heap = calloc(n ? n : 1, sizeof *m->heap);
	if (!m->head || !m->heap || !m->key) {
		qts_merge_free(m);
		return NULL;
	}
	return m;
}

static int reader_next(void *ctx, size_t i, qts_event *ev)
{
	return qts_reader_next(((qts_reader **)ctx)[i], ev);
}

static const char *reader_error(void *ctx, size_t i)
{
	return qts_reader_error(((qts_reader **)ctx)[i]);
}

qts_merge *qts_merge_new(qts_reader **readers, size_t n)
{
	return qts_merge_new_sources(n, reader_next, reader_error, readers);
}

const char *qts_merge_error(const qts_merge *m) { return m->err; }

/* Read source i's next event into its head slot; 1, 0 at end, -1. */
static int advance(qts_merge *m, size_t i)
{
	qts_event ev;
	qts_event_free(&m->head[i]);
	int r = m->next(m->ctx, i, &ev);
	if (r < 0)
		snprintf(m->err, sizeof m->err, "%s", m->error(m->ctx, i));
	if (r <= 0)
		return r;
	/* A source's strings may live only until its next read: keep a copy. */
	qts_event_copy(&m->head[i], &ev);
	m->key[i] = qts_event_known(&ev);
	return 1;
}

int qts_merge_next(qts_merge *m, qts_event *ev, size_t *source)
{
	if (!m->started) {
		/* Resumed at the source that failed, when called again (after
		 * a signal, for the heads read already). */
		for (; m->first < m->n; m->first++) {
			int r = advance(m, m->first);
			if (r < 0)
				return -1;
			if (r > 0)
				m->heap[m->nheap++] = m->first;
		}
		m->started = 1;
		for (size_t i = m->nheap / 2; i-- > 0;)
			sift_down(m, i);
	} else if (m->nheap) {
		/* Refill the slot of the event returned last time. */
		size_t top = m->heap[0];
		int r = advance(m, top);
		if (r < 0)
			return -1;
		if (r == 0)
			m->heap[0] = m->heap[--m->nheap];
		sift_down(m, 0);
	}
	if (!m->nheap)
		return 0;
	size_t top = m->heap[0];
	*ev = m->head[top]; /* shares the head's raw fields until the next call */
	if (source)
		*source = top;
	return 1;
}

void qts_merge_free(qts_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; m->head && i < m->n; i++)
		qts_event_free(&m->head[i]);
	free(m->head);
	free(m->key);
	free(m->heap);
	free(m);
}

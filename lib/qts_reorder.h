/* qts_reorder.h — events held a while and let go in the order they are
 * known (reorder.c): a live source's --reorder, which puts back in time
 * order what a vendor's stream sends a little out of it.  What is still
 * late when let go is the source's to judge (qts_time_order).  Events of
 * the known types: an unknown type's fields, which live in its reader,
 * are not copied (qts_event_copy would).
 *
 * Internal to qts (not installed). */
#ifndef QTS_REORDER_H
#define QTS_REORDER_H

#include "qts_net.h"

typedef struct qts_reorder {
	int64_t hold;            /* how long an event is held (ns) */
	/* [at, held.n) of held, in the order they are known (ties in the
	 * order they came), each due at due[i].at and known at due[i].known */
	qts_evbuf held;
	size_t at, due_cap;
	struct qts_reorder_due {
		int64_t at, known;
	} *due;
} qts_reorder;

/* Empty, holding each event hold ns. */
#define QTS_REORDER_START(ns) ((qts_reorder){ .hold = (ns) })

/* ev comes at now (monotonic ns): held until now + hold, behind the held
 * events known before it or at its time.  0, or -1 when out of memory.
 * Memory keeps to what is held: what went out leaves the front. */
int qts_reorder_push(qts_reorder *r, const qts_event *ev, int64_t now);

/* The event at the front into *ev when it is due at now, or whatever its
 * due time when all (the stream ends or drains): 1, else 0. */
int qts_reorder_pop(qts_reorder *r, int64_t now, int all, qts_event *ev);

/* When the front falls due (INT64_MAX: nothing held). */
int64_t qts_reorder_next_due(const qts_reorder *r);

void qts_reorder_free(qts_reorder *r);
#endif

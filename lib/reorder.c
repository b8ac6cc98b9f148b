/* reorder.c — events held a while and let go in the order they are known
 * (qts_reorder.h).  Events come nearly in order, so one goes in by a walk
 * back from the end, a step or two. */
#include "qts_reorder.h"

#include <stdlib.h>
#include <string.h>

int qts_reorder_push(qts_reorder *r, const qts_event *ev, int64_t now)
{
	/* What went out leaves the front once it is half of what is kept:
	 * each event is moved once at most (amortized), and a stream that
	 * never pauses keeps at most twice what it holds. */
	if (r->at && r->at >= r->held.n / 2) {
		size_t left = r->held.n - r->at;
		memmove(r->held.ev, r->held.ev + r->at, left * sizeof *r->held.ev);
		memmove(r->due, r->due + r->at, left * sizeof *r->due);
		r->held.n = left;
		r->at = 0;
	}
	if (qts_evbuf_push(&r->held, ev) < 0)
		return -1;
	if (r->held.n > r->due_cap) {
		size_t cap = r->due_cap ? 2 * r->due_cap : 64;
		while (cap < r->held.n)
			cap *= 2;
		struct qts_reorder_due *d = realloc(r->due, cap * sizeof *d);
		if (!d) {
			r->held.n--;
			return -1;
		}
		r->due = d;
		r->due_cap = cap;
	}
	struct qts_reorder_due d = { now + r->hold, qts_event_known(ev) };
	size_t i = r->held.n - 1;
	for (; i > r->at && r->due[i - 1].known > d.known; i--) {
		r->held.ev[i] = r->held.ev[i - 1];
		r->due[i] = r->due[i - 1];
	}
	r->held.ev[i] = *ev;
	r->due[i] = d;
	return 0;
}

int qts_reorder_pop(qts_reorder *r, int64_t now, int all, qts_event *ev)
{
	if (r->at >= r->held.n || (!all && r->due[r->at].at > now))
		return 0;
	*ev = r->held.ev[r->at++];
	return 1;
}

int64_t qts_reorder_next_due(const qts_reorder *r)
{
	return r->at < r->held.n ? r->due[r->at].at : INT64_MAX;
}

void qts_reorder_free(qts_reorder *r)
{
	qts_evbuf_free(&r->held);
	free(r->due);
	r->due = NULL;
	r->at = r->due_cap = 0;
}

/* fetch_history.c — one symbol's history from a network source, chunk by
 * chunk (a page, or the span a vendor's limits allow), so that memory
 * holds one chunk whatever the length of the history. */
#include "qts_net.h"

#include <stdlib.h>
#include <string.h>

struct qts_history {
	const qts_feed_kind *k;
	void *it;
	qts_feed_request rq;
	qts_evbuf chunk;
	size_t at;             /* next event of chunk */
	int more;              /* the iterator has chunks left */
};

qts_history *qts_history_open(const qts_feed_kind *k, qts_net *net, const qts_feed_request *rq,
			      const qts_cache_opts *co, char *err)
{
	(void)co;
	qts_history *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	h->k = k;
	h->rq = *rq;
	if (!(h->it = k->open(net, qts_feed_base_url(k), rq, err))) {
		free(h);
		return NULL;
	}
	h->more = 1;
	return h;
}

int qts_history_next(qts_history *h, qts_event *ev, char *err)
{
	for (;;) {
		while (h->at < h->chunk.n) {
			const qts_event *e = &h->chunk.ev[h->at++];
			if (e->ts < h->rq.from || e->ts >= h->rq.to)
				continue;
			*ev = *e;
			return 1;
		}
		if (!h->more)
			return 0;
		qts_evbuf_clear(&h->chunk);
		h->at = 0;
		int r = h->k->next(h->it, &h->chunk, err);
		if (r < 0)
			return -1;
		h->more = r;
	}
}

const char *qts_history_actions(qts_history *h)
{
	return h->k->actions ? h->k->actions(h->it) : NULL;
}

void qts_history_close(qts_history *h)
{
	if (!h)
		return;
	h->k->close(h->it);
	qts_evbuf_free(&h->chunk);
	free(h);
}

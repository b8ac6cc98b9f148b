/* evbuf.c — a growable array of events: a chunk of a vendor's history. */
#include "qts_net.h"

#include <stdlib.h>

int qts_evbuf_push(qts_evbuf *b, const qts_event *ev)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		qts_event *n = realloc(b->ev, cap * sizeof *n);
		if (!n)
			return -1;
		b->ev = n;
		b->cap = cap;
	}
	b->ev[b->n++] = *ev;
	return 0;
}

void qts_evbuf_clear(qts_evbuf *b)
{
	b->n = 0;
}

void qts_evbuf_free(qts_evbuf *b)
{
	free(b->ev);
	*b = (qts_evbuf){ 0 };
}

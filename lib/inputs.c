/* inputs.c — the event files a stage reads: standard input when none is
 * named, one read as it comes, several merged in the order their events
 * became known (qts_merge).  Every stage reads its inputs the same way. */
#include "qts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct qts_inputs {
	qts_reader **r;
	qts_input **raw; /* each reader's bytes */
	size_t n;
	qts_merge *m;
	size_t last; /* the source of the last event */
	int draining; /* after a signal: what was read, nothing more */
};

/* A source of the merge; after a signal a read that fails (each does
 * from then on) ends the source, so the heads read already still go out. */
static int source_next(void *ctx, size_t i, qts_event *ev)
{
	qts_inputs *in = ctx;
	int r = qts_reader_next(in->r[i], ev);
	return r < 0 && in->draining ? 0 : r;
}

static const char *source_error(void *ctx, size_t i)
{
	return qts_reader_error(((qts_inputs *)ctx)->r[i]);
}

qts_inputs *qts_inputs_open(char *const *files, size_t n, qts_writer *flush, char *err, size_t errlen)
{
	static char *const stdin_only[] = { "-" };
	if (!n)
		files = stdin_only, n = 1;
	qts_inputs *in = calloc(1, sizeof *in);
	if (!in || !(in->r = calloc(n, sizeof *in->r)) || !(in->raw = calloc(n, sizeof *in->raw))) {
		if (in)
			free(in->r);
		free(in);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < n; i++, in->n++) {
		in->raw[i] = qts_input_open(files[i]);
		if (!in->raw[i] || !(in->r[i] = qts_reader_new(in->raw[i]))) {
			if (in->raw[i]) {
				qts_input_close(in->raw[i]);
				errno = ENOMEM;
			}
			snprintf(err, errlen, "%s: %s", files[i], strerror(errno));
			qts_inputs_close(in);
			return NULL;
		}
		if (flush)
			qts_reader_on_idle(in->r[i], qts_writer_idle_flush, flush);
	}
	if (n > 1 && !(in->m = qts_merge_new_sources(n, source_next, source_error, in))) {
		snprintf(err, errlen, "out of memory");
		qts_inputs_close(in);
		return NULL;
	}
	return in;
}

int qts_inputs_next(qts_inputs *in, qts_event *ev)
{
	return in->m ? qts_merge_next(in->m, ev, &in->last) : qts_reader_next(in->r[0], ev);
}

int qts_inputs_drain(qts_inputs *in, qts_event *ev)
{
	in->draining = 1;
	return (in->m ? qts_merge_next(in->m, ev, &in->last) : source_next(in, 0, ev)) > 0;
}

const char *qts_inputs_where(const qts_inputs *in)
{
	/* A merge has read no further in the source of its last event. */
	return qts_reader_where(in->r[in->last]);
}

const char *qts_inputs_error(const qts_inputs *in)
{
	return in->m ? qts_merge_error(in->m) : qts_reader_error(in->r[0]);
}

int qts_inputs_raw(const qts_inputs *in, const void **p, size_t *len)
{
	/* A merge reads a source again only after the event it returned from
	 * it, so that source's last read is this event. */
	return qts_reader_raw(in->r[in->last], p, len);
}

void qts_inputs_on_idle(qts_inputs *in, void (*fn)(void *), void *arg)
{
	for (size_t i = 0; i < in->n; i++)
		qts_reader_on_idle(in->r[i], fn, arg);
}

void qts_inputs_on_wait(qts_inputs *in, int (*fn)(void *arg, int fd), void *arg)
{
	for (size_t i = 0; i < in->n; i++)
		qts_input_on_wait(in->raw[i], fn, arg);
}

void qts_inputs_close(qts_inputs *in)
{
	if (!in)
		return;
	qts_merge_free(in->m);
	for (size_t i = 0; i < in->n; i++)
		qts_reader_close(in->r[i]);
	free(in->r);
	free(in->raw);
	free(in);
}

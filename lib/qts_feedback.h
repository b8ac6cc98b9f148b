/* qts_feedback.h — a stage's --feedback: events read from a file or FIFO
 * as they arrive, without ever blocking, held in memory until the runtime
 * applies them between two events of the input.
 *
 * Internal to qts (not installed). */
#ifndef QTS_FEEDBACK_H
#define QTS_FEEDBACK_H

#include "qts.h"

typedef struct qts_feedback qts_feedback;

/* Open path for reading without blocking: a FIFO with no writer yet
 * neither blocks nor reads as ended (it is held open for writing too, so
 * a writer that comes and goes is no end either).  NULL with a message
 * naming path in err. */
qts_feedback *qts_feedback_open(const char *path, char *err, size_t errlen);
/* The descriptor to watch for reading; -1 once the file has ended. */
int qts_feedback_fd(const qts_feedback *fb);
/* Read what can be read now into memory: 0, or -1 on a read error. */
int qts_feedback_drain(qts_feedback *fb);
/* Whether whole events may be waiting to be taken by qts_feedback_next. */
int qts_feedback_pending(const qts_feedback *fb);
/* The next whole event read: 1, 0 when none is whole yet, -1 on bad data
 * or a read error (qts_feedback_error).  ev is valid until the next call. */
int qts_feedback_next(qts_feedback *fb, qts_event *ev);
const char *qts_feedback_error(const qts_feedback *fb);
void qts_feedback_close(qts_feedback *fb);

#endif

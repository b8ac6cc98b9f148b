/* qts_broker_journal.h — qts-broker's order journal (broker_journal.c):
 * every order as it is about to be sent, fsynced before the request
 * leaves, then what became of it and the fills reported of it, so that a
 * restart sends no order twice, forgets none and reports every fill once.
 * The format is in qts-broker(1), JOURNAL AND RECOVERY.
 *
 * Internal to qts (not installed). */
#ifndef QTS_BROKER_JOURNAL_H
#define QTS_BROKER_JOURNAL_H

#include "qts_broker.h"

/* Where an order stands in the journal. */
enum {
	QTS_BJ_INTENT = 0, /* about to be sent: whether it arrived is unknown */
	QTS_BJ_SENT,       /* the broker took it */
	QTS_BJ_ENDED       /* over: status says how (QTS_BJ_DRY: a dry run's) */
};
#define QTS_BJ_DRY (-1)

typedef struct qts_bj_entry {
	qts_broker_order o;
	int state;
	int status;              /* QTS_STATUS_* once ended, or QTS_BJ_DRY */
	double reported;         /* fills written so far: quantity */
	double reported_notional;/* and the sum of qty * price */
	/* In memory only, kept by qts-broker: fills and a final update made
	 * but held back, not yet written (before its first input event);
	 * journaled once written, so a crash meanwhile loses nothing. */
	double held, held_notional;
	int end_held;
} qts_bj_entry;

typedef struct qts_broker_journal qts_broker_journal;

/* The journal at path, read whole (a torn last record, cut by a crash
 * mid-write, is cut off the file; any other record that cannot be read
 * or fails its check is an error, the file left as it is); created when
 * missing.  path NULL: in
 * memory only (no --journal), for one run's ids.  NULL with err
 * (`FILE:LINE: what`, at least QTS_ERR_MAX bytes). */
qts_broker_journal *qts_bj_open(const char *path, char *err);
/* The same over bytes in memory (tests, fuzzing): nothing is written.
 * *torn is set to the bytes of a torn end that opening a file would cut. */
qts_broker_journal *qts_bj_parse(const char *buf, size_t len, const char *name, size_t *torn,
				 char *err);
/* The entry of id, or NULL; valid until the next qts_bj_intent. */
qts_bj_entry *qts_bj_find(qts_broker_journal *j, const char *id);
size_t qts_bj_count(const qts_broker_journal *j);
qts_bj_entry *qts_bj_at(qts_broker_journal *j, size_t i); /* in the order written */
/* Records, each appended whole.  An order about to be sent (intent), or
 * decided on and never to be sent (a refusal, a dry run's: status
 * QTS_STATUS_REJECTED or QTS_BJ_DRY), is synced to the disk before the
 * call returns; what follows is not: a process that dies keeps it, and
 * what a machine that goes down loses, the lookup at the next start
 * finds.  0, or -1 with err. */
int qts_bj_intent(qts_broker_journal *j, const qts_broker_order *o, char *err);
int qts_bj_decided(qts_broker_journal *j, const qts_broker_order *o, int status, char *err);
int qts_bj_sent(qts_broker_journal *j, const char *id, char *err);
int qts_bj_end(qts_broker_journal *j, const char *id, int status, char *err);
/* The fills of id written so far: cumulative quantity and notional. */
int qts_bj_fill(qts_broker_journal *j, const char *id, double qty, double notional, char *err);
/* In memory only (no file): all but the newest keep of the ended orders
 * forgotten, so that memory stays flat however long the stream (a run's
 * ids are new anyway: target ids count up).  Entries move: call it
 * between events, never while holding an entry or an index.  A journal
 * with a file keeps every order: its ids are never sent again. */
void qts_bj_forget(qts_broker_journal *j, size_t keep);
void qts_bj_close(qts_broker_journal *j);

#endif

/* qts_checkpoint.h — a stage's state on disk (--state FILE): the file's
 * frame (checkpoint.c), the engine's part of it written and read by one
 * function per engine (a qts_ckpt in either direction), and the count of
 * records a journal holds (checkpoint_journal.c), for a restarted stage
 * to write only what its journal lacks.  qts(7) CHECKPOINTS documents
 * the whole.
 *
 * Internal to qts (not installed). */
#ifndef QTS_CHECKPOINT_H
#define QTS_CHECKPOINT_H

#include "qts.h"
#include "qts_sum.h"

/* ---- the engine's part: one function both ways -------------------------- */

/* An engine writes its state with qts_ck_* calls on a saving qts_ckpt and
 * reads it back with the same calls, in the same order, on a loading one:
 * each call writes *v, or reads into *v.  A failed read (past the end, a
 * value out of range) marks the ckpt bad, later calls do nothing, and
 * reads give zeros: the engine checks qts_ck_ok at the end (and before
 * using a count it read to allocate).  Numbers are written little-endian,
 * doubles bit for bit. */
typedef struct qts_ckpt {
	int loading;
	unsigned char *buf;        /* saving: grown here; loading: the bytes read */
	size_t len, cap, pos;
	int bad;
	char err[QTS_ERR_MAX];     /* why, when bad */
} qts_ckpt;

void qts_ck_saving(qts_ckpt *c);                          /* an empty ckpt to write to */
void qts_ck_loading(qts_ckpt *c, const void *p, size_t n); /* read p[0..n) */
void qts_ck_free(qts_ckpt *c);                             /* a saving ckpt's buffer */
int qts_ck_ok(const qts_ckpt *c);
/* Mark the ckpt bad with a reason (the first one is kept). */
void qts_ck_fail(qts_ckpt *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Loading: every byte read (the engine's part has nothing after it). */
int qts_ck_done(qts_ckpt *c);

void qts_ck_u64(qts_ckpt *c, uint64_t *v);
void qts_ck_i64(qts_ckpt *c, int64_t *v);
void qts_ck_int(qts_ckpt *c, int *v);
void qts_ck_long(qts_ckpt *c, long *v);
void qts_ck_f64(qts_ckpt *c, double *v);
/* A count; loading, one above max makes the ckpt bad. */
void qts_ck_size(qts_ckpt *c, size_t *v, size_t max);
/* A NUL-terminated string in cap bytes; loading, one that does not fit
 * (or holds a NUL) makes the ckpt bad. */
void qts_ck_str(qts_ckpt *c, char *s, size_t cap);
void qts_ck_bytes(qts_ckpt *c, void *p, size_t n);
/* A section's name: written when saving, checked when loading (a state
 * of another layout is refused where it starts to differ). */
void qts_ck_tag(qts_ckpt *c, const char *tag);
/* A whole event, an unknown type's fields too.  Loading, *ev is a copy
 * to free with qts_event_free. */
void qts_ck_event(qts_ckpt *c, qts_event *ev);
/* Loading: the next n elements of size bytes can be there at all (a
 * count read from a corrupt file must not make a huge allocation). */
int qts_ck_room(qts_ckpt *c, size_t n, size_t size);

/* Shared pieces of engines, both ways. */
void qts_ck_sum(qts_ckpt *c, qts_sum *t);
void qts_ck_moments(qts_ckpt *c, qts_moments *m);
void qts_ck_tf(qts_ckpt *c, qts_tf *tf);
/* The ids of a qts_idset, oldest first; loading, into an empty set made
 * with the same cap (ids.c). */
void qts_idset_ck(qts_idset *t, qts_ckpt *c);
/* An indicator (ind_state.c); loading, into one made with the same
 * options, whose layout is checked. */
struct qts_ind;
void qts_ind_ck(struct qts_ind *ind, qts_ckpt *c);

/* ---- the file ---------------------------------------------------------- */

#define QTS_STATE_MAGIC "QTSSTATE"
#define QTS_STATE_VERSION 16 /* 2: qts-strategy keeps its last bars and its count of ticks, qts-broker its bars' end;
				 * 3: qts-broker each symbol's last report, and the bars' end and paper's
				 *    market time no more (the engine keeps them);
				 * 4: qts-resample its finished bars held back, qts-risk what each order
				 *    it approved was (a repeat of its id is that order again),
				 *    qts-strategy momentum its direction (a zero return holds it) and
				 *    rebalance the weight each symbol's last target asked; the head,
				 *    what a stage wrote at a pause after its last event (after),
				 *    qts-report each holding's average price (a split's test);
				 * 5: qts-risk the limit and stop orders it waits to see reached, what
				 *    of each symbol's working quantity trades at the next price, the
				 *    actions applied and the symbols delisted; qts-report the open of
				 *    each benchmark day's first bar; qts-sim the prices of 0 and the
				 *    bars of no volume its warnings count;
				 * 6: qts-strategy whether each working order's stop was touched;
				 * 7: qts-risk the side each symbol's last exit closed, and the exits
				 *    after which orders took a position past flat;
				 * 8: qts-sim the market events whose participation cap came to
				 *    less than a whole unit, the fills that paid no spread for
				 *    want of a quote, and those that paid no impact for want
				 *    of volume;
				 * 9: qts-sim the orders rejected under --slippage ticks for want of
				 *    a tick size; qts-risk the targets and orders a limit of the
				 *    symbol rejected from flat, allowing less than one unit; both
				 *    the orders rejected as not well formed;
				 * 10: qts-sim the sells canceled as their slippage took the price
				 *    to zero or below;
				 * 11: qts-sim the orders rejected for want of cash (leverage);
				 * 12: qts-sim, qts-risk and qts-broker the targets not understood;
				 * 13: qts-sim the latest time of an event not a bar;
				 * 14: qts-sim the latest time of any event given, and the
				 *    equity it holds until that time reaches it;
				 * 15: qts-sim, qts-risk and qts-broker the targets (and qts-risk
				 *    orders) rejected for want of a price or of equity;
				 * 16: qts-report the benchmark's bars that start before
				 *    the curve's start, and the close of its first bar */
#define QTS_STATE_MARKS 64 /* input hashes at events 1, 2, 4, 8... */

/* What a state file says besides the engine's part. */
typedef struct qts_state_head {
	char qts_version[32];  /* the qts that wrote it */
	char stage[64];        /* "qts-sim" */
	uint64_t options;      /* qts_state_options_hash of its options */
	uint64_t in_n;         /* input events consumed */
	uint64_t in_hash;      /* qts_state_hash over them */
	uint32_t nmarks;       /* marks[i]: the hash after the first 2^i events */
	uint64_t marks[QTS_STATE_MARKS];
	uint64_t out_n;        /* records written */
	/* Records the stage wrote at the end of its whole input, after this
	 * checkpoint: what closing its books made (qts-resample --partial's
	 * bars), which the state, taken before, does not count.  A restart
	 * compares what it writes next with them, and leaves out those that
	 * are the same (on the same input, all); from the first that
	 * differs (the input grew), the rest stay in the journal, and the
	 * stream goes on after them.  In a checkpoint taken while a restart
	 * compares, those of them still to compare; else 0 but in the state
	 * written again after the end. */
	uint64_t end_n;
	/* What the stage wrote between two events (its engine's work at a
	 * pause, a heartbeat), which no input event makes again: the
	 * checkpoint is taken with them before they go out, out_n not
	 * counting them, and a restart writes them first.  Read, a copy to
	 * free with qts_state_head_free. */
	qts_event *after;
	size_t nafter;
	const unsigned char *engine; /* the engine's part, in the buffer parsed */
	size_t engine_len;
} qts_state_head;

/* The running hash of consumed events: FNV-1a 64 over each event's
 * msgpack bytes (the same events read as CSV or msgpack hash alike). */
#define QTS_STATE_HASH0 0xcbf29ce484222325ull
uint64_t qts_state_hash(uint64_t h, const void *p, size_t n);

/* The hash of a stage's options: its words in order, those that change
 * nothing of its output left out (the runtime's --state, --checkpoint-every,
 * --output-journal, --metrics and --heartbeat with their values, and the
 * input files, which the input hash checks). */
uint64_t qts_state_options_hash(int argc, char **argv, char *const *files, size_t nfiles);

/* The file's bytes: the head, then the engine's part (n bytes). */
int qts_state_write(const char *path, const qts_state_head *h, const void *engine, size_t n, char *err,
		    size_t errlen);
/* Parse a whole file's bytes (p[0..n)) into h (h->engine points into p):
 * 0, or -1 with why in err (too short, not a state file, another
 * version, a CRC that does not match). */
int qts_state_parse(const unsigned char *p, size_t n, qts_state_head *h, char *err, size_t errlen);
/* The records h->after read by qts_state_parse. */
void qts_state_head_free(qts_state_head *h);
/* Read path whole into *buf (to free) and parse it: 1, 0 when it does
 * not exist, -1 with err naming the file. */
int qts_state_read(const char *path, unsigned char **buf, qts_state_head *h, char *err, size_t errlen);
/* A state of this stage and these options: 0, or -1 with err. */
int qts_state_match(const qts_state_head *h, const char *stage, uint64_t options, char *err, size_t errlen);

/* ---- the journal a stage's output goes to ------------------------------- */

/* The records a journal holds (FILE and its rotated FILE.NNNNNN): whole
 * blocks only, a torn last block not counted, nor a failure that ended
 * the stream (qts_journal_lone_failure), as `qts journal` would cut
 * them.  0 with *count (0 when the file does not exist), or -1 with err. */
int qts_journal_count(const char *path, uint64_t *count, char *err, size_t errlen);

/* The same counted again and again as the journal grows (a stage's
 * checkpoints): the blocks walked before are not walked again, nor the
 * rotated files while their number stays.  A lower bound: the last block
 * is not checked whole (a writer alive writes whole blocks; one that
 * died leaves a torn block that its restart cuts, and the file that
 * shrinks is counted afresh).  Zero it before the first call. */
typedef struct qts_journal_counter {
	uint64_t dev, ino, off, n;   /* FILE: walked to off, n records */
	size_t nrotated;             /* the rotated files counted, */
	uint64_t rotated_n;          /* their records */
} qts_journal_counter;
int qts_journal_count_more(const char *path, qts_journal_counter *c, uint64_t *count, char *err, size_t errlen);

/* The records of the journal (FILE and its rotated files, in the order
 * of the stream) from its record number from (0: the first) on, up to n,
 * decoded into out (each to free with qts_event_free): how many (fewer
 * when the journal holds fewer), or -1 with err (a block that is not
 * whole), none then kept.  For a restarted stage to compare what it
 * writes with what the run before wrote at its end. */
long qts_journal_records(const char *path, uint64_t from, size_t n, qts_event *out, char *err, size_t errlen);

#endif

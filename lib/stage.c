/* stage.c — the runtime that runs a stage as its own program: options
 * every stage shares, its inputs merged in time, its output, --feedback,
 * --heartbeat, --pace, and one place that decides the exit status.
 *
 * Batch work goes straight through: read, put, write.  Whenever the stage
 * would block it waits in the loop (loop.c) instead, where everything
 * else a live stage must do goes on: where a read of its input would
 * block, the engine's tick and a flush, then feedback, heartbeats, timers
 * and signals until the input is readable; where a write would block (the
 * output is made non-blocking when the stage has anything to do meanwhile)
 * the feedback is drained into memory, so that a pipeline whose last
 * stage feeds back into this one through tee never deadlocks. */
#include "qts_checkpoint.h"
#include "qts_feedback.h"
#include "qts_loop.h"
#include "qts_stage.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Busy, the clock is read (and the feedback looked at) once every so many
 * events: a few ns an event. */
#define CHECK_EVERY 256
/* After a signal, a record written in part is finished for at most this
 * long before it is left cut. */
#define PARTIAL_GRACE (1 * QTS_NS_PER_SEC)
/* --metrics FILE is rewritten this often. */
#define METRICS_EVERY (1 * QTS_NS_PER_SEC)

/* -M seen while a stage is built (qts_stage_option), for build_failed. */
static int building_msgpack;

int qts_stage_option(int c, const char *arg, qts_stage_conf *conf, const char *usage)
{
	char err[128];
	switch (c) {
	case 'M':
		conf->msgpack = building_msgpack = 1;
		return 1;
	case QTS_OPT_HEARTBEAT:
		if (qts_duration_parse(arg, &conf->heartbeat) < 0 || conf->heartbeat <= 0)
			qts_usage_error(usage, "--heartbeat: '%s' is not a positive duration (500ms, 10s, 1m)", arg);
		/* more often, heartbeats would be all a stage writes, on a
		 * core of its own */
		if (conf->heartbeat < 1000000)
			qts_usage_error(usage, "--heartbeat: '%s' is shorter than 1ms", arg);
		return 1;
	case QTS_OPT_BUSY_POLL:
		/* Up to 1s: a longer spin is a core lost more than a
		 * wake-up saved. */
		if (qts_duration_parse(arg, &conf->busy_poll) < 0 || conf->busy_poll < 0 ||
		    conf->busy_poll > QTS_NS_PER_SEC)
			qts_usage_error(usage, "--busy-poll: '%s' is not a duration from 0 to 1s (200us)", arg);
		return 1;
	case QTS_OPT_FEEDBACK:
		if (!*arg)
			qts_usage_error(usage, "--feedback: an empty file name");
		conf->feedback = arg;
		return 1;
	case QTS_OPT_METRICS:
		if (!*arg)
			qts_usage_error(usage, "--metrics: an empty file name");
		if (strcmp(arg, "-") == 0)
			qts_usage_error(usage, "--metrics: '-' is standard output, which carries the events: name a file");
		conf->metrics = arg;
		return 1;
	case QTS_OPT_BUFFER: {
		double n;
		if (qts_parse_double(arg, 1, 10000000, &n, err) < 0 || n != (double)(size_t)n)
			qts_usage_error(usage, "--buffer: '%s' is not a whole number of events from 1 to 10000000", arg);
		conf->buffer = (size_t)n;
		return 1;
	}
	case QTS_OPT_OVERFLOW:
		if (strcmp(arg, "block") != 0 && strcmp(arg, "drop") != 0)
			qts_usage_error(usage, "--overflow: '%s' is neither block nor drop", arg);
		conf->overflow_drop = strcmp(arg, "drop") == 0;
		return 1;
	case QTS_OPT_STATE:
		if (!*arg)
			qts_usage_error(usage, "--state: an empty file name");
		/* as a file name, - is the standard output, where the events
		 * go: the state's images would be written into the stream */
		if (strcmp(arg, "-") == 0)
			qts_usage_error(usage, "--state: '-' is the standard output, where the events go; a state is a file");
		conf->state = arg;
		return 1;
	case QTS_OPT_OUTPUT_JOURNAL:
		if (!*arg)
			qts_usage_error(usage, "--output-journal: an empty file name");
		conf->output_journal = arg;
		return 1;
	case QTS_OPT_CHECKPOINT_EVERY: {
		long n;
		conf->checkpoint_n = 0;
		conf->checkpoint_ns = 0;
		if (arg[0] >= '0' && arg[0] <= '9' && arg[strspn(arg, "0123456789")] == '\0') {
			if (qts_parse_long(arg, 1, 1000000000000L, &n, err) < 0)
				qts_usage_error(usage, "--checkpoint-every: %s", err);
			conf->checkpoint_n = (uint64_t)n;
		} else if (qts_duration_parse(arg, &conf->checkpoint_ns) < 0 || conf->checkpoint_ns <= 0)
			qts_usage_error(usage, "--checkpoint-every: '%s' is not a count of events or a positive duration (1000, 10s, 1m)",
					arg);
		return 1;
	}
	case QTS_OPT_PACE:
		if (qts_parse_double(arg, 1e-6, 1e12, &conf->pace, err) < 0)
			qts_usage_error(usage, "--pace: %s", err);
		return 1;
	default:
		return 0;
	}
}

struct qts_runtime {
	qts_stage *st;
	qts_writer *w;          /* NULL for a stage with conf.no_events */
	qts_loop *loop;
	qts_inputs *in;
	qts_feedback *fb;
	uint64_t fb_n;
	int write_failed;
	int failed;         /* said why already; exit 1 */
	int stop;           /* end the run: failed, or the output is gone */
	/* The input ended with a failure upstream (conf.upstream_ends):
	 * the record, written as the stream's last; or one came from
	 * --feedback (fed_end): the stage the feedback comes from failed. */
	int upstream_end, fed_end;
	qts_event upstream_ev;
	int64_t hb_next, tick_next; /* monotonic ns; -1: none */
	int64_t tick_at;            /* a tick asked for once (qts_stage_tick_at); -1: none */
	qts_stage_metrics *m;
	int64_t metrics_next;       /* monotonic ns; -1: no --metrics */
	int timed;                  /* --metrics: each event's time through the stage is measured */
	int metrics_failed;         /* said once */
	int64_t pace_t0, pace_k0;
	int paced;          /* the first event is in */
	int blocked;        /* in the wait of a write */
	int ready;          /* the descriptor waited on is ready */
	int engine_ready;   /* the engine's own descriptor (ops->watch) is */
	int engine_gone;    /* freed: the last flush may still wait, without it */
	int in_apply;       /* applying feedback */
	/* --buffer: a source's events waiting for a slow output (a ring) */
	qts_event *q;
	size_t q_head, q_n;
	int64_t q_last;     /* the time of the last event queued */
	uint64_t dropped;   /* since the system event that said the last */
	int64_t drop_first, drop_last;
	/* --state (see checkpoint_*() below) */
	int stateful;
	uint64_t suppress;    /* records the output journal holds already */
	/* The records the run before wrote at the end of its input
	 * (qts_state_head.end_n), which the journal holds after those held
	 * at its checkpoint: compared with the records this run makes next,
	 * and left out while they are the same (see compare_end); then
	 * suppress_after more, which a run since wrote after them. */
	qts_event *ends;
	size_t nends, ends_at;
	uint64_t suppress_after;
	uint64_t resumed_in;  /* the events the state had consumed */
	uint64_t in_hash;     /* qts_state_hash of the events consumed */
	uint64_t marks[QTS_STATE_MARKS];
	uint32_t nmarks;
	uint64_t skip;        /* events consumed before the restart, still to read */
	qts_state_head *was;  /* the state restored from, while skipping */
	unsigned char *was_buf;
	uint64_t ckpt_next_n; /* in_n of the next checkpoint; 0: none by count */
	int64_t ckpt_next_t;  /* monotonic ns; -1: none by time */
	int ckpt_due;
	int between;          /* waiting for the input, between two events */
	int in_busy;          /* in busy(): between two events too */
	/* Output made between two events (see hold_begin) */
	int holding;
	qts_event *held;
	unsigned char *held_hb; /* held[i] is a heartbeat (not counted in out=) */
	size_t nheld, cheld;
	char *enc;            /* an event's msgpack bytes, for the hash */
	size_t enc_cap;
	/* What each event written counts, on a line of its own: `qts pipe`
	 * writes from its second thread while this one reads. */
	_Alignas(QTS_APART) uint64_t out_n;
	uint64_t written;     /* records the writer took (or that were suppressed) */
	/* --output-journal: FILE on disk (ours: one this run wrote or
	 * restored from, the journal holding its records or to hold them),
	 * the candidate FILE.next waiting for the journal to hold its
	 * records, and the journal counted so far (keep_checkpoints) */
	int disk_ours, have_next;
	int keep_warned;      /* a failure to keep them said, once */
	uint64_t disk_out_n, next_out_n;
	qts_journal_counter jc;
	int64_t max_ts;       /* the latest time written, for a heartbeat's */
	/* What each event read sets, on a line of its own too. */
	_Alignas(QTS_APART) const qts_event *given; /* the event in the stage's put, while there */
	uint64_t in_n;
	int64_t in_latest;  /* the latest time read, and its bar's timeframe: */
	char in_latest_tf[QTS_WORD_MAX]; /* a failure before any output is dated by them */
	unsigned countdown; /* events to the next look at the clock */
};

_Thread_local int qts_stage_apart;
int qts_stage_chained;

/* A record made between two events, kept until the checkpoint taken for
 * it is written (hold_end). */
static int hold(qts_runtime *r, const qts_event *ev, int hb)
{
	if (r->nheld == r->cheld) {
		size_t cap = r->cheld ? 2 * r->cheld : 8;
		qts_event *h = realloc(r->held, cap * sizeof *h);
		unsigned char *b = h ? realloc(r->held_hb, cap) : NULL;
		if (h)
			r->held = h;
		if (!b)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		r->held_hb = b;
		r->cheld = cap;
	}
	qts_event_copy(&r->held[r->nheld], ev);
	r->held_hb[r->nheld++] = (unsigned char)hb;
	return 0;
}

int qts_runtime_given_raw(const qts_runtime *r, const qts_event *ev, const void **raw, size_t *len)
{
	return ev == r->given ? qts_inputs_raw(r->in, raw, len) : 0;
}

static void compare_end(qts_runtime *r);
static void drop_ends(qts_runtime *r);
static size_t encode(qts_runtime *r, const qts_event *ev, size_t at);

/* Whether a and b are the same record: the same bytes in msgpack, as the
 * journal holds them. */
static int same_record(qts_runtime *r, const qts_event *a, const qts_event *b)
{
	size_t n = encode(r, a, 0), m = encode(r, b, n);
	return n == m && memcmp(r->enc, r->enc + n, n) == 0;
}

/* A record the output journal of a restarted stage holds already: left
 * out, and counted as written.  First those it holds by count, then the
 * end of the run before, while this run's records are the same. */
static int journal_holds(qts_runtime *r, const qts_event *ev)
{
	if (r->suppress == 0 && r->ends_at < r->nends) {
		int same = same_record(r, ev, &r->ends[r->ends_at]);
		if (!same || ++r->ends_at == r->nends)
			compare_end(r);
		if (!same)
			return journal_holds(r, ev); /* by count now, if any */
	} else if (r->suppress > 0) {
		r->suppress--;
	} else {
		return 0;
	}
	r->written++;
	r->out_n++;
	return 1;
}

int qts_runtime_emit_raw(qts_runtime *r, const qts_event *ev, const void *raw, size_t len, int fmt)
{
	if (!r->w)
		return 0; /* conf.no_events: nothing is written */
	if (__builtin_expect(r->holding, 0))
		return hold(r, ev, 0);
	if (__builtin_expect(r->suppress > 0 || r->ends_at < r->nends, 0) && journal_holds(r, ev))
		return 0;
	if (qts_writer_put_raw(r->w, ev, raw, len, fmt) < 0) {
		r->write_failed = 1;
		r->stop = 1;
		return -1;
	}
	if (ev->ts > r->max_ts)
		r->max_ts = ev->ts;
	r->out_n++;
	r->written++;
	if (r->m)
		qts_stage_metrics_out(r->m, ev);
	return 0;
}

int64_t qts_runtime_latest_known(const qts_runtime *r)
{
	return r->w ? qts_writer_latest_known(r->w) : INT64_MIN;
}

int qts_runtime_emit(void *arg, const qts_event *ev)
{
	qts_runtime *r = arg;
	/* The very event the stage was given, passed on: its bytes as read
	 * are copied when they are what encoding it would write. */
	const void *raw = NULL;
	size_t len = 0;
	int fmt = r->w ? qts_runtime_given_raw(r, ev, &raw, &len) : 0;
	return qts_runtime_emit_raw(r, ev, raw, len, fmt);
}

/* The engine failed: say why (once), with where when given. */
static void engine_failed(qts_runtime *r, const char *where)
{
	const qts_stage_ops *ops = r->st->ops;
	const char *why = ops->error ? ops->error(r->st->eng) : NULL;
	r->stop = 1;
	if (r->write_failed || r->failed)
		return;
	if (!why)
		why = "failed";
	if (why[0]) /* "": said already */
		qts_warn("%s%s%s", where ? where : "", where ? ": " : "", why);
	r->failed = 1;
}

static void flush(qts_runtime *r);

/* The input ended with a failure upstream (conf.upstream_ends): what
 * the stage made of the events before it is out, its books stay open
 * (QTS_UPSTREAM_FINISH: the engine finishes), and the failure goes out
 * last, dated no earlier than the latest record written became known,
 * as a failure of the stage's own would be.  The exit status and the
 * message that the input is incomplete are qts_finish's. */
static void upstream_ends(qts_runtime *r)
{
	const qts_stage_ops *ops = r->st->ops;
	qts_event *ev = &r->upstream_ev;
	/* One input (a pipe from the stage before): read to its end, which
	 * comes once the stage that failed has said why, so that the last
	 * line of a pipeline's messages is still its last stage's.  Several
	 * merged: the others may be live feeds that never end.  Not after a
	 * failure fed back: the stage before has not failed, and stops on a
	 * closed pipe as in the shell. */
	if (r->st->conf.nfiles <= 1 && !r->fed_end) {
		qts_event rest;
		while (!qts_interrupted && qts_inputs_next(r->in, &rest) > 0)
			;
	}
	flush(r);
	if (r->st->conf.upstream_ends == QTS_UPSTREAM_FINISH && !r->stop && ops->finish &&
	    ops->finish(r->st->eng) < 0)
		engine_failed(r, "end of input");
	if (ops->upstream_ended)
		ops->upstream_ended(r->st->eng, ev);
	if (r->w && !r->stop) {
		int64_t t = qts_writer_latest_known(r->w);
		if (t > ev->ts)
			ev->ts = t;
		(void)qts_runtime_emit(r, ev);
	}
	qts_event_free(ev);
}

/* An event read (or, from a source, made): counted, for the state and
 * the metrics. */
static inline void count_in(qts_runtime *r, const qts_event *ev)
{
	r->in_n++;
	if (ev->ts > r->in_latest || r->in_n == 1) {
		r->in_latest = ev->ts;
		if (ev->type == QTS_BAR)
			memcpy(r->in_latest_tf, ev->bar.tf, sizeof r->in_latest_tf);
		else
			r->in_latest_tf[0] = '\0';
	}
	if (r->m)
		qts_stage_metrics_in(r->m, ev);
}

/* An event read from the input into the engine, which is told it is the
 * one read (r->given: its bytes may go out unchanged); a failure is said
 * where the input is. */
static inline int put_read(qts_runtime *r, const qts_stage_ops *ops, void *eng, qts_event *ev)
{
	r->given = ev;
	int rc = ops->put(eng, ev);
	r->given = NULL;
	if (rc < 0)
		engine_failed(r, qts_inputs_where(r->in));
	return rc;
}

static void runtime_failed(qts_runtime *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void runtime_failed(qts_runtime *r, const char *fmt, ...)
{
	char buf[1400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	r->stop = 1;
	if (!r->failed && !r->write_failed)
		qts_warn("%s", buf);
	r->failed = 1;
}

static int pump(qts_runtime *r);

static void settle(qts_runtime *r)
{
	if (r->st->ops->settle && !qts_stage_apart)
		r->st->ops->settle(r->st->eng);
}

static void flush(qts_runtime *r)
{
	settle(r);
	if (r->q) { /* --buffer: never wait here */
		pump(r);
		return;
	}
	if (r->w && !r->write_failed && qts_writer_flush(r->w) < 0) {
		r->write_failed = 1;
		r->stop = 1;
	}
}

/* ---- feedback -------------------------------------------------------- */

/* The feedback could not be read: the stage fails with it. */
static void feedback_failed(qts_runtime *r)
{
	const char *why = qts_feedback_error(r->fb);
	if (r->st->ops->feedback_failed && !r->failed && !r->write_failed) {
		r->st->ops->feedback_failed(r->st->eng, why);
		r->stop = 1;
		r->failed = 1;
		return;
	}
	runtime_failed(r, "%s", why);
}

static void drain_feedback(qts_runtime *r)
{
	if (r->fb && qts_feedback_drain(r->fb) < 0)
		feedback_failed(r);
}

static void on_feedback(void *arg, int fd, short revents)
{
	(void)fd, (void)revents;
	drain_feedback(arg);
}

/* Between two events of the input, never inside an engine's call: the
 * events fed back so far. */
static void apply_feedback(qts_runtime *r)
{
	if (!r->fb || r->in_apply || !qts_feedback_pending(r->fb))
		return;
	r->in_apply = 1;
	qts_event ev;
	int got = 0;
	while (!r->stop && !r->upstream_end && (got = qts_feedback_next(r->fb, &ev)) > 0) {
		r->fb_n++;
		if (r->st->ops->feedback(r->st->eng, &ev) < 0) {
			char where[1100];
			snprintf(where, sizeof where, "--feedback %s", r->st->conf.feedback);
			engine_failed(r, where);
		}
		/* The stage the feedback comes from failed (qts-sim, the
		 * broker): no fill will come back for what this stage would
		 * send on, so its stream ends there too, as on a failure in
		 * its input, with no books closed. */
		if (__builtin_expect(ev.type == QTS_SYSTEM, 0) && r->st->conf.upstream_ends &&
		    qts_event_is_error(&ev) && !r->stop) {
			r->upstream_end = r->fed_end = 1;
			qts_event_copy(&r->upstream_ev, &ev);
		}
	}
	if (!r->stop && got < 0)
		feedback_failed(r);
	r->in_apply = 0;
}

static void on_ready(void *arg, int fd, short revents)
{
	(void)fd, (void)revents;
	((qts_runtime *)arg)->ready = 1;
}

static void on_engine_ready(void *arg, int fd, short revents)
{
	(void)fd, (void)revents;
	((qts_runtime *)arg)->engine_ready = 1;
}

/* Watch fd (-1: none), the feedback and the engine's own descriptor,
 * wait, and stop watching.  1 when woken (a signal, qts_stage_wake) or
 * the engine's descriptor is ready: the engine's tick is due. */
static int wait_once(qts_runtime *r, int fd, short events, int64_t deadline)
{
	int fb = r->fb ? qts_feedback_fd(r->fb) : -1, woken;
	short eng_events = 0;
	int eng = r->st->ops->watch && !r->engine_gone ? r->st->ops->watch(r->st->eng, &eng_events) : -1;
	if (eng == fd || eng == fb || !eng_events)
		eng = -1; /* the caller waits on it itself */
	/* --buffer with events waiting: the output taking bytes again is
	 * work (flush, after the wait, moves them on) */
	int out = r->q && fd != STDOUT_FILENO && (r->q_n || qts_writer_pending(r->w)) ? STDOUT_FILENO : -1;
	r->ready = r->engine_ready = 0;
	if ((out >= 0 && qts_loop_watch(r->loop, out, POLLOUT, on_engine_ready, r) < 0) ||
	    (fd >= 0 && qts_loop_watch(r->loop, fd, events, on_ready, r) < 0) ||
	    (fb >= 0 && qts_loop_watch(r->loop, fb, POLLIN, on_feedback, r) < 0) ||
	    (eng >= 0 && qts_loop_watch(r->loop, eng, eng_events, on_engine_ready, r) < 0)) {
		runtime_failed(r, "out of memory");
		woken = 0;
	} else
		woken = qts_loop_wait(r->loop, deadline);
	if (fd >= 0)
		qts_loop_watch(r->loop, fd, 0, NULL, NULL);
	if (fb >= 0)
		qts_loop_watch(r->loop, fb, 0, NULL, NULL);
	if (eng >= 0)
		qts_loop_watch(r->loop, eng, 0, NULL, NULL);
	if (out >= 0) {
		qts_loop_watch(r->loop, out, 0, NULL, NULL);
		if (r->engine_ready && eng < 0)
			return woken; /* only the output: no work for the engine */
	}
	return woken || r->engine_ready;
}

/* ---- heartbeats and timers ------------------------------------------- */

/* A restarted stage writing again what its output journal holds (or
 * reading past the events its state consumed) is where the run it
 * continues did not pause: that run's records are still to come, and
 * anything made of a pause or the clock now would take the place of one
 * of them.  Neither a tick nor a heartbeat comes meanwhile. */
static int replaying(const qts_runtime *r)
{
	return r->skip || r->suppress || r->ends_at < r->nends;
}

static void put_heartbeat(qts_runtime *r, const qts_event *ev)
{
	if (r->suppress > 0) { /* the output journal has it */
		r->suppress--;
		r->written++;
	} else if (r->w && !r->write_failed) {
		if (qts_writer_put(r->w, ev) < 0) {
			r->write_failed = 1;
			r->stop = 1;
		} else {
			r->written++;
			if (r->m) /* written: counted by type as any (not in out=) */
				qts_stage_metrics_out(r->m, ev);
		}
	}
}

/* `system,TS,qts-NAME,info,heartbeat in=N out=M [feedback=K] [counts]`.
 * TS is the latest time written before it (before anything, the first
 * time qts represents): a heartbeat never moves the stream's time, so it
 * can come anywhere in it. */
static void heartbeat(qts_runtime *r, int64_t now)
{
	settle(r);
	const qts_stage *st = r->st;
	int64_t period = st->conf.heartbeat;
	r->hb_next += period;
	if (r->hb_next <= now) /* late (a long call): none to catch up on */
		r->hb_next = now + period;
	/* With --state, one only between two events, where it can be held
	 * (hold_begin): not inside an engine's call (qts_stage_wait); and
	 * none while replaying.  The next is a period later. */
	if (replaying(r) || (r->stateful && !r->between && !r->in_busy))
		return;
	char counts[160] = "", fb[40] = "";
	if (st->ops->counts)
		st->ops->counts(st->eng, counts, sizeof counts);
	if (r->fb)
		snprintf(fb, sizeof fb, " feedback=%llu", (unsigned long long)r->fb_n);
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, r->max_ts);
	QTS_SET(ev.system.source, st->name ? st->name : qts_progname);
	QTS_SET(ev.system.level, "info");
	qts_text_format(ev.system.message, sizeof ev.system.message, "heartbeat in=%llu out=%llu%s%s%s",
		 (unsigned long long)r->in_n, (unsigned long long)r->out_n, fb, counts[0] ? " " : "", counts);
	if (r->holding)
		hold(r, &ev, 1);
	else
		put_heartbeat(r, &ev);
	flush(r);
}

static void tick(qts_runtime *r, int idle)
{
	const qts_stage *st = r->st;
	if (replaying(r))
		return;
	if (st->ops->tick && !r->stop && st->ops->tick(st->eng, qts_wall_now(), idle) < 0)
		engine_failed(r, NULL);
}

static volatile sig_atomic_t metrics_asked; /* SIGUSR1 */

/* ---- checkpoints (--state) ----------------------------------------------- */

static volatile sig_atomic_t checkpoint_asked; /* SIGUSR2, qts_stage_checkpoint_soon */

void qts_stage_checkpoint_soon(void)
{
	checkpoint_asked = 1;
	qts_loop_wake();
}

static void on_usr2(int sig)
{
	(void)sig;
	qts_stage_checkpoint_soon();
}

/* FILE.next and FILE.prev beside the state FILE (keep_checkpoints). */
static void beside(const char *state, const char *ext, char *out, size_t size)
{
	snprintf(out, size, "%s.%s", state, ext);
}

/* With --output-journal, before a checkpoint replaces FILE: the stage and
 * the journal killed together (a machine's crash) lose the records in the
 * pipe between them and in the journal's block being filled, which FILE
 * counts as written; a restart then needs a checkpoint the journal holds
 * the records of (state_before_journal).  FILE.prev is always one: a
 * checkpoint becomes a candidate, FILE.next (a link to FILE as it was),
 * and FILE.prev once the journal holds every record it counts; a new
 * candidate is taken only then, so the candidate ages past the journal's
 * lag however often checkpoints come.  Renames and links only: a crash
 * at any point leaves each name whole. */
static void keep_checkpoints(qts_runtime *r)
{
	const char *state = r->st->conf.state, *j = r->st->conf.output_journal;
	char next[PATH_MAX], prev[PATH_MAX], err[PATH_MAX + QTS_ERR_MAX];
	const char *failed = NULL;
	uint64_t k;
	if (!j)
		return;
	beside(state, "next", next, sizeof next);
	beside(state, "prev", prev, sizeof prev);
	if (qts_journal_count_more(j, &r->jc, &k, err, sizeof err) < 0) {
		failed = err;
		goto said;
	}
	if (r->have_next && k >= r->next_out_n) {
		if (rename(next, prev) < 0) {
			snprintf(err, sizeof err, "%s: %s", prev, strerror(errno));
			failed = err;
			goto said;
		}
		r->have_next = 0;
	}
	if (!r->have_next && r->disk_ours) {
		if ((unlink(next) < 0 && errno != ENOENT) || link(state, next) < 0) {
			snprintf(err, sizeof err, "%s: %s", next, strerror(errno));
			failed = err;
			goto said;
		}
		r->have_next = 1;
		r->next_out_n = r->disk_out_n;
	}
	return;
said:
	/* The stage runs on: only a restart after a crash of the stage and
	 * its journal together needs them, and it would be refused. */
	if (!r->keep_warned)
		qts_warn("--state %s: the checkpoints before it are not kept (%s): a restart after the stage and "
			 "its output journal stop together would be refused", state, failed);
	r->keep_warned = 1;
}

/* Write the state: between two puts only.  What was written goes out
 * first, so that the journal downstream holds every record the state
 * counts as written. */
static int checkpoint(qts_runtime *r)
{
	const qts_stage *st = r->st;
	r->ckpt_due = 0;
	if (st->conf.checkpoint_n)
		r->ckpt_next_n = r->in_n + st->conf.checkpoint_n;
	if (st->conf.checkpoint_ns)
		r->ckpt_next_t = qts_loop_now() + st->conf.checkpoint_ns;
	flush(r);
	if (r->stop || r->skip)
		return -1;
	qts_ckpt c;
	qts_ck_saving(&c);
	if (st->ops->save(st->eng, &c) < 0 || !qts_ck_ok(&c)) {
		const char *why = c.bad ? c.err : st->ops->error ? st->ops->error(st->eng) : NULL;
		runtime_failed(r, "--state %s: %s", st->conf.state, why ? why : "the engine's state could not be written");
		qts_ck_free(&c);
		return -1;
	}
	/* The records held (hold_end) are not yet written: not in out_n,
	 * but in the state, for a restart to write first. */
	qts_state_head h = { .options = st->conf.options, .in_n = r->in_n, .in_hash = r->in_hash,
			     .nmarks = r->nmarks, .out_n = r->written, .after = r->held, .nafter = r->nheld,
			     .end_n = r->nends - r->ends_at };
	snprintf(h.stage, sizeof h.stage, "%s", st->name ? st->name : qts_progname);
	memcpy(h.marks, r->marks, sizeof h.marks);
	char err[QTS_ERR_MAX + 64];
	keep_checkpoints(r);
	int rc = qts_state_write(st->conf.state, &h, c.buf, c.len, err, sizeof err);
	if (rc < 0)
		runtime_failed(r, "--state: %s", err);
	r->disk_ours = rc == 0;
	r->disk_out_n = h.out_n;
	qts_ck_free(&c);
	return rc;
}

/* ---- output between two events ------------------------------------------- */

/* The engine's work at a pause of its input (qts-sim --live's equity,
 * paper's events held after a time's bars let go, and its equity), a
 * heartbeat: records no input event makes, written where the input
 * happened to pause or the clock said.  A restart from the checkpoint
 * before them, which writes again what follows it and leaves out by
 * count the records its output journal holds beyond the state's, would
 * count them for records of its input and leave those out: events lost,
 * others twice.  So with --state such records are held while they are
 * made, a checkpoint is taken with them (the engine as it is after them,
 * the records themselves, which a restart writes first, as the stage
 * would have next), and they go out after it.  A kill at any moment then
 * leaves a journal whose records beyond the state's count are those the
 * restart writes again, in order.  Only between two events, where a
 * checkpoint can be taken: a pause of the input (wait_input, wait_ready)
 * and the timers of a busy stage (busy). */
static void hold_begin(qts_runtime *r)
{
	if (r->stateful && r->w && !r->stop && !replaying(r))
		r->holding = 1;
}

static void hold_end(qts_runtime *r)
{
	if (!r->holding)
		return;
	r->holding = 0;
	if (!r->nheld)
		return;
	/* The engine failed making them: no checkpoint, and they go out as
	 * its last words.  The checkpoint failed: the stage stops, and a
	 * restart from the checkpoint before makes its output again
	 * without them. */
	int out = r->stop || checkpoint(r) == 0;
	for (size_t i = 0; i < r->nheld; i++) {
		if (out && r->held_hb[i])
			put_heartbeat(r, &r->held[i]);
		else if (out)
			qts_runtime_emit(r, &r->held[i]);
		qts_event_free(&r->held[i]);
	}
	r->nheld = 0;
	flush(r);
}

/* The msgpack bytes of ev into r->enc from at on: their count. */
static size_t encode(qts_runtime *r, const qts_event *ev, size_t at)
{
	size_t n = qts_event_to_msgpack(ev, r->enc ? r->enc + at : NULL, r->enc ? r->enc_cap - at : 0);
	if (at + n > r->enc_cap) {
		char *more = realloc(r->enc, r->enc_cap = (at + n) * 2);
		if (!more)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		r->enc = more;
		n = qts_event_to_msgpack(ev, r->enc + at, r->enc_cap - at);
	}
	if (n == 0)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return n;
}

/* An event of the input, with --state: into the hash; 1 when it was
 * consumed before the restart (it is skipped), 0 when it goes in; -1
 * when the input is not the one the state was made from. */
static int state_in(qts_runtime *r, const qts_event *ev)
{
	size_t n = encode(r, ev, 0);
	r->in_hash = qts_state_hash(r->in_hash, r->enc, n);
	uint64_t k = r->in_n;
	int mark = -1;
	if ((k & (k - 1)) == 0 && r->nmarks < QTS_STATE_MARKS) {
		mark = (int)r->nmarks;
		r->marks[r->nmarks++] = r->in_hash;
	}
	if (!r->skip)
		return 0;
	const qts_state_head *was = r->was;
	int differs = mark >= 0 && (uint32_t)mark < was->nmarks ? was->marks[mark] != r->in_hash
				   : r->skip == 1 && was->in_hash != r->in_hash;
	if (differs) {
		uint64_t from = mark > 0 ? k / 2 + 1 : k > 1 ? ((uint64_t)1 << (r->nmarks - 1)) + 1 : 1;
		runtime_failed(r, "%s: --state %s: the input differs from the one the state was made from, "
			       "between its events %llu and %llu (this is event %llu)",
			       qts_inputs_where(r->in), r->st->conf.state, (unsigned long long)from,
			       (unsigned long long)k, (unsigned long long)k);
		return -1;
	}
	if (--r->skip == 0) {
		free(r->was_buf);
		free(r->was);
		r->was_buf = NULL;
		r->was = NULL;
		if (r->st->conf.checkpoint_n)
			r->ckpt_next_n = r->in_n + r->st->conf.checkpoint_n;
	}
	return 1;
}

/* A --state file that cannot be written is said at the start, not at
 * the first checkpoint, after a run of work it would have kept.  After
 * the stage's own signals are taken: the writer of files guards the
 * signals left to their default. */
static void state_writable(const qts_runtime *r)
{
	const char *path = r->st->conf.state;
	struct stat sb;
	qts_outfile probe;
	char err[QTS_ERR_MAX + 4096];
	if (!path || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)))
		return;
	if (qts_outfile_open(&probe, path, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "--state %s", err);
	qts_outfile_abort(&probe);
}

/* Read the state at path into *h and *buf when it is this stage's, with
 * these options, and counts no more records written than the journal's k:
 * 1, else 0. */
static int state_held(const char *path, const char *name, uint64_t options, uint64_t k, qts_state_head **h,
		      unsigned char **buf)
{
	char err[QTS_ERR_MAX + 300];
	*buf = NULL;
	if (!(*h = calloc(1, sizeof **h)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	int got = qts_state_read(path, buf, *h, err, sizeof err);
	if (got > 0 && qts_state_match(*h, name, options, err, sizeof err) == 0 && k >= (*h)->out_n)
		return 1;
	if (got > 0)
		qts_state_head_free(*h);
	free(*h);
	free(*buf);
	*h = NULL;
	*buf = NULL;
	return 0;
}

/* With --output-journal, the checkpoint to restart from (keep_checkpoints):
 * FILE when the journal holds every record it counts as written, else
 * FILE.next, else FILE.prev, with a warning: the records lost in flight
 * are written again.  The one taken stays as FILE.prev; a FILE.next past
 * the journal goes.  None: FILE, which the journal check refuses. */
static void state_before_journal(qts_runtime *r, const char *name, uint64_t k)
{
	const qts_stage_conf *conf = &r->st->conf;
	char next[PATH_MAX], prev[PATH_MAX];
	beside(conf->state, "next", next, sizeof next);
	beside(conf->state, "prev", prev, sizeof prev);
	qts_state_head *h;
	unsigned char *buf;
	if (k >= r->was->out_n) {
		if (state_held(next, name, conf->options, k, &h, &buf)) {
			qts_state_head_free(h);
			free(h);
			free(buf);
			/* said, not fatal: FILE is the one restarted from, and
			 * the next checkpoint makes a new candidate */
			if (rename(next, prev) < 0)
				qts_warn("--state %s: the checkpoint before it is not kept (%s: %s)", conf->state, prev,
					 strerror(errno));
		}
		return;
	}
	const char *from = state_held(next, name, conf->options, k, &h, &buf) ? next
			   : state_held(prev, name, conf->options, k, &h, &buf) ? prev : NULL;
	if (!from)
		return;
	qts_warn("--state %s: its output journal %s holds %llu records, fewer than the %llu the state counts as "
		 "written (lost in flight: the stage and the journal stopped together); restarting from the "
		 "checkpoint before it (%s)",
		 conf->state, conf->output_journal, (unsigned long long)k, (unsigned long long)r->was->out_n, from);
	if (from == next ? rename(next, prev) < 0 : unlink(next) < 0 && errno != ENOENT)
		qts_die(QTS_EXIT_FAIL, "--state %s: %s", next, strerror(errno));
	qts_state_head_free(r->was);
	free(r->was);
	free(r->was_buf);
	r->was = h;
	r->was_buf = buf;
	r->disk_ours = 0; /* FILE is past the journal: never a candidate */
}

/* Before the first event: the state restored (when the file exists) and
 * the output journal counted. */
static void state_start(qts_runtime *r)
{
	qts_stage *st = r->st;
	const qts_stage_conf *conf = &st->conf;
	const char *name = st->name ? st->name : qts_progname;
	char err[QTS_ERR_MAX + 300];
	uint64_t k = 0; /* the records the output journal holds */
	int journal_counted = 0;
	if (!conf->state)
		goto journal;
	r->stateful = 1;
	r->in_hash = QTS_STATE_HASH0;
	r->ckpt_next_t = -1;
	if (!conf->checkpoint_n && !conf->checkpoint_ns)
		st->conf.checkpoint_ns = 10 * QTS_NS_PER_SEC; /* the default */
	if (conf->checkpoint_n)
		r->ckpt_next_n = conf->checkpoint_n;
	if (conf->checkpoint_ns)
		r->ckpt_next_t = qts_loop_now() + conf->checkpoint_ns;
	if (!(r->was = calloc(1, sizeof *r->was)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	int got = qts_state_read(conf->state, &r->was_buf, r->was, err, sizeof err);
	if (got < 0)
		qts_die(QTS_EXIT_FAIL, "--state %s", err);
	r->disk_ours = got > 0;
	r->disk_out_n = got > 0 ? r->was->out_n : 0;
	if (got > 0 && conf->output_journal) {
		journal_counted = 1;
		if (qts_journal_count(conf->output_journal, &k, err, sizeof err) < 0)
			qts_die(QTS_EXIT_FAIL, "--output-journal %s", err);
		state_before_journal(r, name, k);
	}
	if (got == 0 && conf->output_journal) {
		/* starting over: a FILE.next or FILE.prev left is another run's */
		char old[PATH_MAX];
		for (int i = 0; i < 2; i++) {
			beside(conf->state, i ? "prev" : "next", old, sizeof old);
			if (unlink(old) < 0 && errno != ENOENT)
				qts_die(QTS_EXIT_FAIL, "--state %s: %s", old, strerror(errno));
		}
	}
	if (got == 0) {
		free(r->was);
		r->was = NULL;
		if (conf->checkpoint_at_start)
			r->ckpt_due = 1; /* written below, once the output journal is counted */
		goto journal;
	}
	if (qts_state_match(r->was, name, conf->options, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "--state %s: %s", conf->state, err);
	qts_ckpt c;
	qts_ck_loading(&c, r->was->engine, r->was->engine_len);
	if (st->ops->restore(st->eng, &c) < 0 || qts_ck_done(&c) < 0) {
		const char *why = c.bad ? c.err : st->ops->error ? st->ops->error(st->eng) : NULL;
		qts_die(QTS_EXIT_FAIL, "--state %s: the engine's state: %s", conf->state, why ? why : "cannot be restored");
	}
	r->skip = r->resumed_in = r->was->in_n;
	r->written = r->was->out_n;
journal:
	if (conf->output_journal) {
		if (!journal_counted && qts_journal_count(conf->output_journal, &k, err, sizeof err) < 0)
			qts_die(QTS_EXIT_FAIL, "--output-journal %s", err);
		if (k < r->written)
			qts_die(QTS_EXIT_FAIL, "--output-journal %s: it holds %llu records, fewer than the %llu the state "
				"counts as written, as do the checkpoints before it (%s.next, .prev) if any: not the "
				"journal of this output, or one cut since",
				conf->output_journal, (unsigned long long)k, (unsigned long long)r->written, conf->state);
		/* The journal after the state's records: those held at the
		 * checkpoint (written first again), the end's, then what a run
		 * since wrote (grown input, stopped before its checkpoint). */
		uint64_t over = k - r->written, held = r->was ? r->was->nafter : 0, ends = r->was ? r->was->end_n : 0;
		r->suppress = over < held ? over : held;
		ends = over - r->suppress < ends ? over - r->suppress : ends;
		r->suppress_after = over - r->suppress - ends;
		if (ends && !(r->ends = calloc(ends, sizeof *r->ends)))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		long nread = ends ? qts_journal_records(conf->output_journal, r->written + r->suppress, ends, r->ends, err,
						      sizeof err)
				: 0;
		if (nread < 0)
			qts_die(QTS_EXIT_FAIL, "--output-journal %s", err);
		r->nends = (size_t)nread;
		if (r->nends < ends) /* counted, so read: a journal changed meanwhile */
			qts_die(QTS_EXIT_FAIL, "--output-journal %s: its records changed while it was read",
				conf->output_journal);
		if (!r->nends)
			compare_end(r);
	}
	/* What the stage had made between two events when the checkpoint
	 * was taken for it (hold_end): the first it writes, as it would
	 * have next; those the journal holds are left out as the rest. */
	if (r->was) {
		for (size_t i = 0; i < r->was->nafter && !r->stop; i++)
			qts_runtime_emit(r, &r->was->after[i]);
		qts_state_head_free(r->was);
	}
	if (!r->skip && r->was) {
		free(r->was_buf);
		free(r->was);
		r->was_buf = NULL;
		r->was = NULL;
	}
	if (r->ckpt_due)
		checkpoint(r);
}

/* The end records of the run before, read back, let go. */
static void drop_ends(qts_runtime *r)
{
	for (size_t i = 0; i < r->nends; i++)
		qts_event_free(&r->ends[i]);
	free(r->ends);
	r->ends = NULL;
	r->nends = r->ends_at = 0;
}

/* The end of the run before, which a restarted stage compares with what
 * it writes next (journal_holds), is over: at the first record that is
 * not the same (the input grew, and the stream goes on otherwise), or
 * when all were.  Those left stay in the journal where they are, counted
 * as written, as the stream's; nothing of this run's own is left out
 * but what a run since wrote after them, by count. */
static void compare_end(qts_runtime *r)
{
	r->written += r->nends - r->ends_at;
	drop_ends(r);
	r->suppress += r->suppress_after;
	r->suppress_after = 0;
}

/* The state written at the end of a whole input, before the books
 * closed, written again with the count of the records they wrote
 * (qts_state_head.end_n): what a restart on a grown input must not take
 * for records of its own to leave out. */
static void state_end_count(qts_runtime *r, uint64_t n)
{
	const char *path = r->st->conf.state;
	char err[QTS_ERR_MAX + 300];
	unsigned char *buf = NULL;
	qts_state_head h = { 0 };
	flush(r);
	if (qts_state_read(path, &buf, &h, err, sizeof err) <= 0 ||
	    (h.end_n = n, qts_state_write(path, &h, h.engine, h.engine_len, err, sizeof err)) < 0)
		runtime_failed(r, "--state %s", err);
	qts_state_head_free(&h);
	free(buf);
}

static void state_end(qts_runtime *r)
{
	free(r->held);
	free(r->held_hb);
	r->held = NULL;
	r->held_hb = NULL;
	drop_ends(r); /* a run that stopped before its end */
	free(r->enc);
	free(r->was_buf);
	free(r->was);
	r->enc = NULL;
	r->was_buf = NULL;
	r->was = NULL;
}

static void on_usr1(int sig)
{
	(void)sig;
	metrics_asked = 1;
	qts_loop_wake();
}

static void write_metrics(qts_runtime *r)
{
	settle(r);
	char err[QTS_ERR_MAX];
	if (qts_stage_metrics_write(r->m, qts_wall_now(), err) < 0 && !r->metrics_failed++)
		qts_warn("%s", err); /* the stage goes on: its figures are not its work */
}

/* SIGUSR1's figures and --metrics' file, when due.  They go on while a
 * write waits on the reader too (wait_output), so that a monitor sees a
 * stage held up by its reader, not a stage gone; heartbeats, ticks and
 * checkpoints wait with the output. */
static void metrics_due(qts_runtime *r, int64_t now)
{
	if (metrics_asked) {
		metrics_asked = 0;
		settle(r);
		if (r->m)
			qts_stage_metrics_print(r->m, stderr, qts_wall_now());
	}
	if (r->m && r->metrics_next >= 0 && now >= r->metrics_next) {
		r->metrics_next = now + METRICS_EVERY;
		write_metrics(r);
	}
}

static void timers(qts_runtime *r, int64_t now)
{
	if (r->stateful && (checkpoint_asked || (r->ckpt_next_t >= 0 && now >= r->ckpt_next_t))) {
		checkpoint_asked = 0;
		r->ckpt_due = 1;
	}
	metrics_due(r, now);
	if (r->hb_next >= 0 && now >= r->hb_next && !r->stop)
		heartbeat(r, now);
	if (r->tick_at >= 0 && now >= r->tick_at) {
		r->tick_at = -1;
		tick(r, 0);
	}
	if (r->tick_next >= 0 && now >= r->tick_next) {
		r->tick_next += r->st->conf.tick_every;
		if (r->tick_next <= now)
			r->tick_next = now + r->st->conf.tick_every;
		tick(r, 0);
	}
}

static int64_t next_deadline(const qts_runtime *r, int64_t until)
{
	int64_t d = until;
	if (r->hb_next >= 0 && (d < 0 || r->hb_next < d))
		d = r->hb_next;
	if (r->tick_next >= 0 && (d < 0 || r->tick_next < d))
		d = r->tick_next;
	if (r->tick_at >= 0 && (d < 0 || r->tick_at < d))
		d = r->tick_at;
	if (r->metrics_next >= 0 && (d < 0 || r->metrics_next < d))
		d = r->metrics_next;
	if (r->stateful && r->ckpt_next_t >= 0 && (d < 0 || r->ckpt_next_t < d))
		d = r->ckpt_next_t;
	return d;
}

/* Every CHECK_EVERY events of a busy stage. */
static void busy(qts_runtime *r)
{
	r->countdown = CHECK_EVERY;
	if (r->fb) {
		drain_feedback(r);
		apply_feedback(r);
	}
	if (r->hb_next >= 0 || r->tick_next >= 0 || r->tick_at >= 0 || r->metrics_next >= 0 || metrics_asked ||
	    r->stateful) {
		r->in_busy = 1;
		hold_begin(r);
		timers(r, qts_loop_now());
		hold_end(r);
		r->in_busy = 0;
	}
}

/* ---- waiting ---------------------------------------------------------- */

/* Until fd is ready for events (fd -1: until the monotonic clock reaches
 * until), doing what a live stage does meanwhile.  0, or -1 when the
 * stage is to stop. */
static int wait_ready(qts_runtime *r, int fd, short events, int64_t until)
{
	for (;;) {
		if (qts_interrupted || r->stop)
			return -1;
		int woken = wait_once(r, fd, events, next_deadline(r, until));
		/* fd's readiness now: the tick below may wait inside the
		 * engine's call (qts_stage_wait), which sets r->ready for its
		 * own descriptor; taken for fd's, a read of an idle input
		 * would block the stage, its stream and its heartbeats */
		int ready = r->ready;
		if (qts_interrupted)
			return -1;
		apply_feedback(r);
		if (r->between)
			hold_begin(r);
		if ((woken && !metrics_asked) || r->engine_ready) /* the engine has work */
			tick(r, 0);
		int64_t now = qts_loop_now();
		timers(r, now);
		hold_end(r);
		flush(r);
		if (r->ckpt_due && r->between)
			checkpoint(r);
		if (r->stop || (r->between && r->fed_end))
			return -1;
		if (fd >= 0 ? ready : now >= until)
			return 0;
	}
}

/* A read of the input would block: the engine's idle work, what it wrote
 * out, then the loop until the input is readable. */
static int wait_input(void *arg, int fd)
{
	qts_runtime *r = arg;
	if (qts_interrupted || r->stop)
		return -1;
	apply_feedback(r);
	if (r->fed_end)
		return -1;
	hold_begin(r);
	tick(r, 1);
	hold_end(r);
	flush(r);
	/* Between two events: a checkpoint due meanwhile is written now. */
	if (r->ckpt_due)
		checkpoint(r);
	r->between = 1;
	int rc = wait_ready(r, fd, POLLIN, -1);
	r->between = 0;
	return rc;
}

static qts_runtime *running; /* the runtime in qts_runtime_run */

void qts_stage_tick_at(int64_t mono)
{
	if (running && (running->tick_at < 0 || mono < running->tick_at))
		running->tick_at = mono;
}

int qts_stage_wait_input(void *unused, int fd)
{
	(void)unused;
	return running ? wait_input(running, fd) : 0;
}

int qts_stage_wait(int fd, short events, int64_t deadline)
{
	qts_runtime *r = running;
	if (!r) {
		for (;;) {
			if (qts_interrupted)
				return -1;
			int64_t now = qts_loop_now();
			if (deadline >= 0 && now >= deadline)
				return 0;
			int ms = deadline < 0 ? -1 : (int)((deadline - now + 999999) / 1000000);
			struct pollfd p = { .fd = fd, .events = events };
			int n = poll(&p, fd >= 0 ? 1 : 0, ms);
			if (n > 0)
				return 1;
			if (n < 0 && errno != EINTR)
				return -1;
		}
	}
	if (qts_interrupted || r->stop)
		return -1;
	apply_feedback(r);
	tick(r, 1);
	flush(r);
	for (;;) {
		if (qts_interrupted || r->stop)
			return -1;
		int64_t now = qts_loop_now();
		if (deadline >= 0 && now >= deadline)
			return 0;
		int woken = wait_once(r, fd, events, next_deadline(r, deadline));
		int ready = r->ready; /* fd's, before a tick waits (as in wait_ready) */
		if (qts_interrupted)
			return -1;
		apply_feedback(r);
		if (woken)
			tick(r, 0);
		now = qts_loop_now();
		timers(r, now);
		flush(r);
		if (r->stop)
			return -1;
		if (fd >= 0 && ready)
			return 1;
	}
}

static void drain_queue(qts_runtime *r);

int qts_stage_flush(void)
{
	qts_runtime *r = running;
	if (!r || !r->w)
		return 0;
	if (r->q)
		drain_queue(r);
	else
		flush(r);
	return r->write_failed ? -1 : 0;
}

/* A write waits no longer once a signal came: at once, or (a record
 * written in part) after PARTIAL_GRACE from the first look since. */
static int write_given_up(int64_t *give_up, int partial)
{
	if (!qts_interrupted)
		return 0;
	int64_t now = qts_loop_now();
	if (*give_up < 0)
		*give_up = now + PARTIAL_GRACE;
	return !partial || now >= *give_up;
}

/* A write would block, on a thread apart from the loop's (whose signals
 * it does not take): the output alone is waited for, looking at
 * qts_interrupted ten times a second. */
static int wait_output_alone(int fd, int partial)
{
	int64_t give_up = -1;
	while (!write_given_up(&give_up, partial)) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		if (poll(&p, 1, 100) > 0)
			return 0;
	}
	errno = EINTR;
	return -1;
}

/* A write would block: drain the feedback meanwhile (applying it here
 * would call the engine inside its own call).  After a signal, a record
 * written in part is finished if the reader takes it soon. */
static int wait_output(void *arg, int fd, int partial)
{
	qts_runtime *r = arg;
	if (qts_stage_apart) /* stages on a thread apart from the loop's */
		return wait_output_alone(fd, partial);
	if (r->blocked) { /* a failure's last words, written from inside a wait */
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		return poll(&p, 1, 1000) > 0 ? 0 : -1;
	}
	r->blocked = 1;
	int64_t give_up = -1;
	while (!write_given_up(&give_up, partial)) {
		int64_t until = give_up;
		if (r->metrics_next >= 0 && (until < 0 || r->metrics_next < until))
			until = r->metrics_next;
		wait_once(r, fd, POLLOUT, until);
		if (r->ready) {
			r->blocked = 0;
			return 0;
		}
		metrics_due(r, qts_loop_now());
	}
	r->blocked = 0;
	errno = EINTR;
	return -1;
}

/* --pace: a source's event goes out at its market time / FACTOR after
 * the first event's, on the wall clock. */
static int pace_wait(qts_runtime *r, const qts_event *ev)
{
	int64_t known = qts_event_known(ev), now = qts_loop_now();
	if (!r->paced) {
		r->paced = 1;
		r->pace_t0 = now;
		r->pace_k0 = known;
		return 0;
	}
	double after = ((double)known - (double)r->pace_k0) / r->st->conf.pace;
	if (after <= 0)
		return 0;
	int64_t release = after >= 9e18 - (double)r->pace_t0 ? INT64_MAX : r->pace_t0 + (int64_t)after;
	if (now >= release)
		return 0;
	flush(r);
	return wait_ready(r, -1, 0, release);
}

/* ---- the output ------------------------------------------------------ */

/* A pipe or FIFO is written without blocking while the stage has work to
 * do meanwhile; its flags, shared with whoever else holds it, are set back
 * at exit, however the program ends. */
static int saved_out = -1, saved_out_flags;

static void restore_output(void)
{
	if (saved_out < 0)
		return;
	fcntl(saved_out, F_SETFL, saved_out_flags);
	close(saved_out);
	saved_out = -1;
}

static void output_nonblocking(void)
{
	struct stat s;
	int fl = fcntl(STDOUT_FILENO, F_GETFL);
	if (saved_out >= 0 || fstat(STDOUT_FILENO, &s) < 0 || !S_ISFIFO(s.st_mode) || fl < 0 || (fl & O_NONBLOCK))
		return;
	/* through a copy of the descriptor: standard output is closed first */
	if ((saved_out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0)
		return;
	saved_out_flags = fl;
	static int registered;
	if (!registered++)
		atexit(restore_output);
	fcntl(STDOUT_FILENO, F_SETFL, fl | O_NONBLOCK);
}

/* ---- --buffer: a source that outruns its output ----------------------- */

/* The writer holds at most about this much before the queue takes over,
 * so that writing an event into it never waits. */
#define PUMP_BATCH (32 * 1024)

/* The oldest queued event into the writer; the queue's copy of it goes
 * (an event of a type qts does not know owns its fields: enqueue). */
static int dequeue_emit(qts_runtime *r)
{
	qts_event *ev = &r->q[r->q_head];
	r->q_head = (r->q_head + 1) % r->st->conf.buffer;
	r->q_n--;
	int rc = qts_runtime_emit(r, ev);
	qts_event_free(ev);
	return rc;
}

/* Queued events into the writer while the output takes them, without
 * waiting: 0, or -1 when the output failed. */
static int pump(qts_runtime *r)
{
	if (r->write_failed)
		return -1;
	for (;;) {
		int rc = qts_writer_try_flush(r->w);
		if (rc < 0) {
			r->write_failed = 1;
			r->stop = 1;
			return -1;
		}
		if (rc > 0 || !r->q_n)
			return 0;
		while (r->q_n && qts_writer_pending(r->w) < PUMP_BATCH)
			if (dequeue_emit(r) < 0)
				return -1;
	}
}

static void enqueue(qts_runtime *r, const qts_event *ev)
{
	size_t cap = r->st->conf.buffer;
	/* a copy that owns an unknown type's fields: they live in the
	 * source's reader only until its next read */
	qts_event_copy(&r->q[(r->q_head + r->q_n) % cap], ev);
	r->q_n++;
	r->q_last = ev->ts;
}

/* `system,TS,qts-NAME,warn,dropped N events from T1 to T2: ...`, after
 * the events queued before them, dated as a heartbeat is (the latest
 * time written before it), so it never moves the stream's time. */
static void say_dropped(qts_runtime *r)
{
	char t1[40], t2[40];
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, r->q_n ? r->q_last : r->max_ts);
	QTS_SET(ev.system.source, r->st->name ? r->st->name : qts_progname);
	QTS_SET(ev.system.level, "warn");
	qts_time_format(r->drop_first, t1);
	qts_time_format(r->drop_last, t2);
	snprintf(ev.system.message, sizeof ev.system.message,
		 "dropped %llu event%s from %s to %s: the output did not keep up (--buffer %zu)",
		 (unsigned long long)r->dropped, r->dropped == 1 ? "" : "s", t1, t2, r->st->conf.buffer);
	r->dropped = 0;
	enqueue(r, &ev);
}

/* A source's event out through the queue: straight into the writer while
 * nothing waits, else queued; a full queue waits for the output
 * (--overflow block) or drops the event (drop).  0, or -1 to stop. */
static int buffered_emit(qts_runtime *r, const qts_event *ev)
{
	size_t cap = r->st->conf.buffer;
	if ((r->q_n || qts_writer_pending(r->w) >= PUMP_BATCH) && pump(r) < 0)
		return -1;
	if (r->dropped && r->q_n < cap)
		say_dropped(r);
	if (!r->q_n && qts_writer_pending(r->w) < PUMP_BATCH)
		return qts_runtime_emit(r, ev);
	if (r->q_n == cap) {
		if (r->st->conf.overflow_drop) {
			if (!r->dropped++)
				r->drop_first = ev->ts;
			r->drop_last = ev->ts;
			if (r->m)
				r->m->dropped++;
			return 0;
		}
		while (r->q_n == cap) /* wait_ready's flush pumps */
			if (wait_ready(r, STDOUT_FILENO, POLLOUT, -1) < 0)
				return -1;
	}
	enqueue(r, ev);
	return 0;
}

/* The input ended or failed: what waits goes out (a drop said last).
 * After a signal nothing waits for the output: what the queue holds goes
 * into the writer, whose last flush writes what the output takes. */
static void drain_queue(qts_runtime *r)
{
	size_t cap = r->st->conf.buffer;
	while (qts_interrupted && !r->stop && !r->write_failed && (r->q_n || r->dropped)) {
		if (r->dropped && r->q_n < cap)
			say_dropped(r);
		if (dequeue_emit(r) < 0)
			return;
	}
	while (!r->stop && !qts_interrupted) {
		if (pump(r) < 0)
			break;
		if (r->dropped && r->q_n < r->st->conf.buffer)
			say_dropped(r);
		if (!r->q_n && !qts_writer_pending(r->w))
			break;
		if (wait_ready(r, STDOUT_FILENO, POLLOUT, -1) < 0)
			break;
	}
}

/* ---- the run ---------------------------------------------------------- */

static const char *where(void *in)
{
	return qts_inputs_where(in);
}

const char *qts_runtime_where(const qts_runtime *r)
{
	return r->in ? qts_inputs_where(r->in) : "end of input";
}

qts_runtime *qts_runtime_new(void)
{
	/* the counts of what it writes are on lines apart */
	qts_runtime *r = qts_calloc_aligned(_Alignof(qts_runtime), sizeof *r);
	if (!r)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return r;
}

void qts_stage_wake(void)
{
	qts_loop_wake();
}

uint64_t qts_stage_event_number(void)
{
	return running ? running->in_n : 0;
}

/* A stage that fails on its data as it is built (a file an option names
 * that cannot be read, a bad line in it: exit 1) ends its stream with
 * the failure as it would a moment later, when its input cannot be
 * opened: without it, the stage after it read no events and took that
 * for an empty input (qts-sim --actions BAD | qts-report said "no
 * events" and exited 0).  A usage error (exit 2) writes nothing. */
static void build_failed(const char *why)
{
	if (qts_fail_status != QTS_EXIT_FAIL)
		return;
	qts_writer *w = qts_writer_new(STDOUT_FILENO, qts_output_format(building_msgpack));
	if (!w)
		return;
	qts_writer_fail(w, why);
	qts_writer_close(w);
}

int qts_stage_main(const qts_stage_def *def, int argc, char **argv)
{
	qts_init(argv[0]);
	argv[0] = (char *)qts_progname; /* getopt's messages name argv[0]: qts-sim, not /usr/bin/qts-sim */
	qts_stage st = { 0 };
	qts_runtime *r = qts_runtime_new();
	void (*was)(const char *) = qts_fail_hook;
	if (!def->writes_report)
		qts_fail_hook = build_failed;
	def->build(&st, argc, argv, qts_runtime_emit, r);
	qts_fail_hook = was;
	if (st.conf.state)
		st.conf.options = qts_state_options_hash(argc, argv, st.conf.files, st.conf.nfiles);
	return qts_runtime_run(r, &st);
}

/* Two of the files named write one (each would overwrite the other), or
 * one written is an input (it would be replaced): a usage error. */
void qts_stage_files_distinct(const qts_stage_conf *conf)
{
	struct { const char *flag, *path; } out[8];
	int n = 0;
	for (int i = 0; i < conf->nwrites && n < 8; i++)
		if (conf->writes[i].path)
			out[n].flag = conf->writes[i].flag, out[n++].path = conf->writes[i].path;
	if (conf->state)
		out[n].flag = "--state", out[n++].path = conf->state;
	if (conf->metrics)
		out[n].flag = "--metrics", out[n++].path = conf->metrics;
	if (conf->output_journal)
		out[n].flag = "--output-journal", out[n++].path = conf->output_journal;
	for (int i = 0; i < n; i++) {
		for (int j = i + 1; j < n; j++)
			if (qts_same_file(out[i].path, out[j].path))
				qts_die(QTS_EXIT_USAGE, "%s and %s name one file, '%s': each would overwrite the other",
					out[i].flag, out[j].flag, out[j].path);
		if (conf->feedback && qts_same_file(out[i].path, conf->feedback))
			qts_die(QTS_EXIT_USAGE, "%s '%s' is the --feedback file: it would be read while written", out[i].flag,
				out[i].path);
		for (size_t k = 0; k < conf->nfiles; k++)
			if (qts_same_file(out[i].path, conf->files[k]))
				qts_die(QTS_EXIT_USAGE, "%s '%s' is an input: it would be replaced", out[i].flag,
					out[i].path);
	}
}

/* Options that do not go together, refused before anything is written
 * (a usage error, not a failure the stream would report). */
static void conf_check(const qts_stage *st)
{
	const qts_stage_conf *conf = &st->conf;
	const char *name = st->name ? st->name : qts_progname;
	qts_stage_files_distinct(conf);
	if (conf->output_journal && conf->no_events)
		qts_die(QTS_EXIT_USAGE, "--output-journal: %s writes no events", name);
	if (conf->overflow_drop && !conf->buffer)
		qts_die(QTS_EXIT_USAGE, "--overflow drop goes with --buffer: without it nothing waits, so nothing is dropped");
	if (!conf->state) {
		if (conf->checkpoint_n || conf->checkpoint_ns)
			qts_die(QTS_EXIT_USAGE, "--checkpoint-every goes with --state: without it no checkpoint is kept");
		return;
	}
	if (st->ops->next)
		qts_die(QTS_EXIT_USAGE, "--state: %s is a source: it keeps no checkpoints", name);
	if (!st->ops->save || !st->ops->restore)
		qts_die(QTS_EXIT_USAGE, "--state: %s keeps no checkpoints", name);
	if (conf->feedback)
		qts_die(QTS_EXIT_USAGE, "--state with --feedback: not supported (checkpoints of a stage with feedback are not kept)");
}

int qts_runtime_run(qts_runtime *r, qts_stage *stage)
{
	qts_stage st = *stage;
	const qts_stage_ops *ops = st.ops;
	conf_check(&st);
	r->st = &st;
	r->max_ts = QTS_TS_MIN;
	r->hb_next = r->tick_next = r->tick_at = -1;
	/* A stage that writes no events (qts-report, qts-strategy --print)
	 * has no stream on standard output: not even the system event that
	 * ends a failed one. */
	if ((!st.conf.no_events && !(r->w = qts_writer_new(STDOUT_FILENO, qts_output_format(st.conf.msgpack)))) ||
	    !(r->loop = qts_loop_new()))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	if (r->w)
		qts_writer_on_block(r->w, wait_output, r);
	qts_loop_busy_poll(r->loop, st.conf.busy_poll);

	char err[1200];
	if (st.conf.feedback && ops->feedback && !(r->fb = qts_feedback_open(st.conf.feedback, err, sizeof err))) {
		if (!ops->feedback_failed)
			qts_die(QTS_EXIT_FAIL, "%s", err);
		/* `qts pipe`'s chain: the stage that takes the feedback
		 * fails, in its own name, and ends its stream with it for the
		 * stages after, as that program does in the shell; nothing
		 * is read (r->stop). */
		ops->feedback_failed(st.eng, err);
		r->stop = r->failed = 1;
	}
	int64_t now = qts_loop_now();
	if (st.conf.heartbeat > 0)
		r->hb_next = now + st.conf.heartbeat;
	if (st.conf.tick_every > 0)
		r->tick_next = now + st.conf.tick_every;
	/* The figures are counted always, for SIGUSR1 (unless the stage took
	 * the signal for itself, as qts-risk does); each event is timed only
	 * for --metrics, which costs two reads of the clock an event. */
	r->metrics_next = -1;
	struct sigaction old;
	int usr1 = sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO);
	if (st.conf.metrics || usr1) {
		if (!(r->m = qts_stage_metrics_new(st.name ? st.name : qts_progname, st.conf.metrics, qts_wall_now())))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		if (st.conf.metrics) {
			r->metrics_next = now;
			r->timed = 1;
		}
	}
	if (usr1) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGUSR1, &sa, NULL);
	}
	int live = r->fb || r->hb_next >= 0 || r->tick_next >= 0 || r->metrics_next >= 0;
	r->countdown = CHECK_EVERY;
	if (ops->next && st.conf.buffer && r->w) {
		if (!(r->q = malloc(st.conf.buffer * sizeof *r->q)))
			qts_die(QTS_EXIT_FAIL, "--buffer %zu: out of memory", st.conf.buffer);
	}
	/* A stage with a thread of its own (`qts pipe`'s later stages) writes
	 * there without blocking too: a pipe that stops taking its output
	 * then holds it only until a signal, as it holds the loop's. */
	if (live || (ops->next && (st.conf.pace > 0 || r->q)) || ops->settle)
		output_nonblocking();

	/* Failed already (the feedback), a chain reads nothing: its first
	 * stage would have stopped at once. */
	if (!ops->next && !r->stop) {
		r->in = qts_inputs_open(st.conf.files, st.conf.nfiles, NULL, err, sizeof err);
		if (r->in) {
			qts_inputs_on_wait(r->in, wait_input, r);
			if (ops->locate)
				ops->locate(st.eng, where, r->in);
		} else if (ops->input_failed) {
			/* `qts pipe`'s chain: in the shell the first stage
			 * ends its stream with the failure, and the stages
			 * after it read that, finish and say so, as after a
			 * bad record.  Nothing is read (r->stop). */
			runtime_failed(r, "%s", err);
			ops->input_failed(st.eng);
		} else {
			qts_die(QTS_EXIT_FAIL, "%s", err);
		}
	}
	state_start(r);
	if (r->stateful) {
		struct sigaction o2;
		if (sigaction(SIGUSR2, NULL, &o2) == 0 && o2.sa_handler == SIG_DFL && !(o2.sa_flags & SA_SIGINFO)) {
			struct sigaction sa = { .sa_handler = on_usr2, .sa_flags = SA_RESTART };
			sigemptyset(&sa.sa_mask);
			sigaction(SIGUSR2, &sa, NULL);
		}
	}
	state_writable(r);
	if (r->metrics_next >= 0) {
		/* written at once, the signals taken (the file says the stage
		 * is up): a file that cannot be is said before any event is
		 * read, as a file to read that cannot be; later failures are
		 * said once, and the stage goes on */
		char why[QTS_ERR_MAX];
		if (r->stop) {
			/* a chain failed before (its input): the program
			 * would have died before it wrote the file */
			r->metrics_next = -1;
		} else if (qts_stage_metrics_write(r->m, qts_wall_now(), why) < 0) {
			if (!ops->input_failed)
				qts_die(QTS_EXIT_FAIL, "%s", why);
			/* `qts pipe`'s chain: its first stage's failure,
			 * which the stages after read, as in the shell */
			runtime_failed(r, "%s", why);
			ops->input_failed(st.eng);
			r->metrics_next = -1;
		} else {
			r->metrics_next = qts_loop_now() + METRICS_EVERY;
		}
	}
	/* What the feedback holds already (all of a regular file) goes in
	 * before the first event of the input. */
	if (r->fb) {
		drain_feedback(r);
		apply_feedback(r);
	}

	running = r;
	int got = 0;
	qts_event ev;
	while (!r->stop && !r->fed_end && !qts_interrupted) {
		got = r->in ? qts_inputs_next(r->in, &ev) : ops->next(st.eng, &ev);
		if (got <= 0 || r->fed_end) /* fed back while the read waited: not put */
			break;
		count_in(r, &ev);
		/* A failure upstream ends the stream: read no further, and
		 * before the state could count it (a restart on the mended
		 * input would find it differs). */
		if (__builtin_expect(ev.type == QTS_SYSTEM, 0) && r->in && st.conf.upstream_ends &&
		    qts_event_is_error(&ev)) {
			r->upstream_end = 1;
			qts_event_copy(&r->upstream_ev, &ev);
			break;
		}
		if (__builtin_expect(r->stateful, 0)) {
			int consumed = state_in(r, &ev);
			if (consumed < 0)
				break;
			if (consumed) { /* before the restart */
				if (--r->countdown == 0)
					busy(r);
				continue;
			}
		}
		int64_t t0 = r->timed ? qts_loop_now() : 0;
		if (r->in) {
			if (put_read(r, ops, st.eng, &ev) < 0)
				break;
		} else {
			/* Held for its time when the signal came: read, so
			 * written (and the loop ends after it). */
			if (st.conf.pace > 0 && pace_wait(r, &ev) < 0 && (r->stop || !qts_interrupted))
				break;
			if (r->timed) /* a source's time is its own, not the pace's */
				t0 = qts_loop_now();
			if (r->q ? buffered_emit(r, &ev) < 0 : qts_runtime_emit(r, &ev) < 0)
				break;
		}
		if (r->timed)
			qts_stage_metrics_latency(r->m, qts_loop_now() - t0);
		if (__builtin_expect(--r->countdown == 0, 0))
			busy(r);
		if (__builtin_expect(r->stateful, 0) && !r->stop &&
		    (r->ckpt_due || (r->ckpt_next_n && r->in_n >= r->ckpt_next_n)))
			checkpoint(r);
	}
	/* Stopped by a signal, a stage puts the events it has read already
	 * (held to merge its inputs, whole lines of its last read) and a
	 * source writes them: every event read before a signal is written,
	 * and the system event that ends the stream is dated by the last of
	 * them.  Not with --state (a restart reads them again, after the
	 * checkpoint that counts what was put), nor where the stage says so. */
	if (qts_interrupted && r->in && !r->stateful && !st.conf.put_nothing_after_signal)
		while (!r->stop && qts_inputs_drain(r->in, &ev)) {
			count_in(r, &ev);
			if (put_read(r, ops, st.eng, &ev) < 0)
				break;
		}
	if (qts_interrupted && ops->drain && r->w) {
		if (r->q) /* what waits in the --buffer first */
			drain_queue(r);
		while (!r->stop && ops->drain(st.eng, &ev) > 0) {
			count_in(r, &ev);
			if (qts_runtime_emit(r, &ev) < 0)
				break;
		}
	}
	if (r->q)
		drain_queue(r);
	if (got == 0 && r->skip && !r->stop && !qts_interrupted)
		runtime_failed(r, "--state %s: the input ends at its event %llu, before the %llu events the state has consumed",
			       st.conf.state, (unsigned long long)r->in_n, (unsigned long long)r->was->in_n);
	/* The last checkpoint: at the end of a whole input (before the books
	 * close: a restart on the same input closes them again, and the
	 * output journal holds what they wrote), or at a signal. */
	int final = 0;
	/* The input grew since the run before ended: what closing the books
	 * writes now is of another end, the end before not all made again,
	 * and the state taken here counts what the journal holds of it. */
	if (got == 0 && r->in_n > r->resumed_in && r->nends)
		compare_end(r);
	if (r->stateful && !r->stop && !r->failed && !r->write_failed && !r->skip && !r->upstream_end &&
	    (got == 0 || qts_interrupted))
		final = checkpoint(r) == 0 && got == 0 && !qts_interrupted;
	if (got < 0 && !r->stop && !r->fed_end && !qts_interrupted) {
		const char *why = r->in ? qts_inputs_error(r->in) : ops->error ? ops->error(st.eng) : NULL;
		runtime_failed(r, "%s", why && why[0] ? why : "failed");
		if (ops->input_failed)
			ops->input_failed(st.eng);
	}
	/* The books close only on a whole input: after an error or a signal
	 * the last events would misstate where the stream stopped.  The
	 * feedback already read goes in first (a failure in it ends the
	 * stream instead). */
	if (got == 0 && !r->stop && !r->upstream_end && !qts_interrupted) {
		drain_feedback(r);
		apply_feedback(r);
	}
	if (r->upstream_end && !r->stop && !qts_interrupted)
		upstream_ends(r);
	else if (got == 0 && !r->stop && !qts_interrupted) {
		/* What is written goes out first: an output gone (a closed
		 * pipe) ends the stage quietly, before the engine's last words
		 * (qts-resample's bars dropped) are said for no reader. */
		flush(r);
		/* The end the run before wrote, the input the same: the
		 * journal holds what closing the books writes again, left out
		 * as it is the same (journal_holds). */
		uint64_t before = r->written;
		if (!r->stop && ops->finish && ops->finish(st.eng) < 0)
			engine_failed(r, "end of input");
		if (r->nends)
			compare_end(r);
		if (final && !r->stop && !r->failed && r->written > before)
			state_end_count(r, r->written - before);
	}
	/* A failed write is said by qts_finish, where the writer closes. */
	int status = r->failed ? QTS_EXIT_FAIL : QTS_EXIT_OK;
	if (r->m) {
		/* a reader that closed the pipe (`| head`) is no failure */
		if (r->failed || (r->write_failed && !qts_writer_closed(r->w)) || qts_interrupted)
			qts_stage_metrics_failed(r->m);
		if (r->metrics_next >= 0)
			write_metrics(r);
		qts_stage_metrics_free(r->m);
		r->m = NULL;
	}
	running = NULL;
	state_end(r);
	static char signal_name[64];
	if (qts_interrupted && ops->signal_name)
		QTS_SET(signal_name, ops->signal_name(st.eng));
	/* A failure before any output is dated by the latest event the
	 * stage that writes it was put. */
	int64_t latest_ts = r->in_latest;
	const char *latest_tf = r->in_latest_tf;
	int latest_any = r->in_n > 0;
	char tf_copy[QTS_WORD_MAX];
	if (ops->input_latest) {
		latest_any = ops->input_latest(st.eng, &latest_ts, &latest_tf);
		if (latest_any) {
			QTS_SET(tf_copy, latest_tf);
			latest_tf = tf_copy;
		}
	}
	if (ops->free)
		ops->free(st.eng);
	/* The last flush may wait on a slow reader: neither the engine (its
	 * descriptor, its tick) nor a heartbeat is part of that wait. */
	r->engine_gone = 1;
	r->hb_next = r->tick_next = r->tick_at = r->metrics_next = -1;
	qts_inputs_close(r->in);
	qts_feedback_close(r->fb);
	r->fb = NULL;
	/* The last words may wait on the reader too: the loop stays. */
	/* Stopped by a signal, a stage whose output goes to a journal ends
	 * its stream without the system event that marks it cut: the journal
	 * keeps the stream alone, and the restart continues it. */
	if (r->w && st.conf.output_journal && qts_interrupted && !r->failed) {
		qts_writer_close(r->w);
		r->w = NULL;
	}
	if (signal_name[0])
		qts_progname = signal_name;
	if (r->w && latest_any)
		qts_writer_date_unwritten(r->w, latest_ts, latest_tf);
	status = qts_finish(r->w, status);
	restore_output();
	qts_loop_free(r->loop);
	for (; r->q && r->q_n; r->q_n--, r->q_head = (r->q_head + 1) % st.conf.buffer)
		qts_event_free(&r->q[r->q_head]);
	free(r->q);
	free(r);
	return status;
}

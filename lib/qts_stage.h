/* qts_stage.h — a stage: an engine that the runtime feeds, built from a
 * program's own arguments.  The same engine runs as its own program
 * (qts_stage_main: inputs merged in time, --feedback, --heartbeat, one
 * place for the exit status) or chained with others by function calls in
 * one process (`qts pipe`), where one stage's emit is the next one's put.
 *
 * Internal to qts (not installed): see include/qts/ for the plugin ABI. */
#ifndef QTS_STAGE_H
#define QTS_STAGE_H

#include "qts.h"

struct qts_ckpt;

/* Where an engine sends what it writes: the next stage's put, or the
 * writer.  0, or -1 when the output failed (the engine stops). */
typedef int (*qts_emit_fn)(void *arg, const qts_event *ev);

/* What an engine does.  Every function returns 0, or -1 to stop: because
 * emit failed (error returns NULL) or because of the input (error says
 * what; the runtime names where). */
typedef struct qts_stage_ops {
	/* An event of the input, in the order the inputs merge to. */
	int (*put)(void *eng, const qts_event *ev);
	/* An event from --feedback (fills, positions, order updates, equity),
	 * applied at once, between two puts; nothing is emitted for it unless
	 * the engine must act (an exit on a real position).  NULL: the stage
	 * takes no --feedback. */
	int (*feedback)(void *eng, const qts_event *ev);
	/* Live work when the input pauses (idle = 1) or at a timer the engine
	 * asked for (idle = 0): qts-sim --live's equity, a plugin's reload,
	 * the emergency stop's kill file.  now is the wall clock (ns since the
	 * epoch).  NULL: nothing to do. */
	int (*tick)(void *eng, int64_t now, int idle);
	/* A source's next event (qts-fetch): 1, 0 at the end, -1.  NULL for a
	 * stage that reads a stream. */
	int (*next)(void *eng, qts_event *ev);
	/* After a signal, a source's events read already (rows read ahead,
	 * those it held to merge in time, whole lines of its last read), one
	 * a call, nothing more read: 1, 0 when none is left; every event read
	 * before a signal is written.  NULL: it holds none. */
	int (*drain)(void *eng, qts_event *ev);
	/* The input ended whole: the last events (the books close, open bars
	 * go out).  Not called after an error or a signal. */
	int (*finish)(void *eng);
	/* The input failed (the runtime said why, in this stage's name):
	 * not a whole input, so no finish; `qts pipe`'s chain passes the
	 * failure on past its later stages, which end there too, as in a
	 * shell pipeline.  NULL: nothing to do. */
	void (*input_failed)(void *eng);
	/* The input ended with a failure upstream, *ev (conf.upstream_ends
	 * not QTS_UPSTREAM_PASS), which the runtime writes next: `qts pipe`'s
	 * chain says, stage by stage, that the input is incomplete, and dates
	 * ev no earlier than any of them wrote, as each program would.  NULL:
	 * nothing to do. */
	void (*upstream_ended)(void *eng, qts_event *ev);
	/* The feedback could not be read, why: said by the stage in its own
	 * name (`qts pipe`'s chain: the stage of the chain that takes it),
	 * which then ends as after its own failure.  NULL: the runtime says
	 * why. */
	void (*feedback_failed)(void *eng, const char *why);
	/* Why the last call returned -1 when it was not emit; else NULL.
	 * "" when the stage has said why itself: `qts pipe`'s chain names
	 * which of its stages failed and where; the runtime then adds no
	 * message and exits 1. */
	const char *(*error)(void *eng);
	/* The engine's own counts for the heartbeat (`positions=3 open=2`);
	 * writes at most size bytes with the NUL.  May be NULL. */
	void (*counts)(void *eng, char *buf, size_t size);
	/* The program that says the stream was stopped by a signal (its last
	 * record): qts pipe's last stage, as in the shell, where the signal
	 * stops every stage and the reader hears the last one.  NULL: the
	 * stage's own. */
	const char *(*signal_name)(void *eng);
	/* The latest time the engine's own last stage was put, and its bar's
	 * timeframe ("": not a bar), when that is not the latest the runtime
	 * read (qts pipe's chain: its last stage's input): a failure before
	 * anything was written is dated by it.  1, or 0 when it was put
	 * nothing; called once before free.  NULL: the runtime's input. */
	int (*input_latest)(void *eng, int64_t *ts, const char **tf);
	void (*free)(void *eng);
	/* Called by the runtime once before the first put: where(ctx) says
	 * where the event being handled was read (`FILE:LINE`), for the
	 * messages of an engine that goes on after them (a plugin's refused
	 * calls).  May be NULL. */
	void (*locate)(void *eng, const char *(*where)(void *ctx), void *ctx);
	/* The files the stage reads are named apart from its own words
	 * (`qts pipe 'A | B' FILE...`): the first is name.  For a stage that
	 * names its input in what it writes (qts-report's title).  May be
	 * NULL. */
	void (*input_named)(void *eng, const char *name);
	/* A descriptor of the engine's own (a broker's socket) that the
	 * runtime watches, with the events in *events, whenever it waits:
	 * when it is ready the engine's tick runs (idle = 0).  -1: none now.
	 * Asked before every wait.  A tick may come while the engine itself
	 * waits inside a put (qts_stage_wait): the engine guards against
	 * that.  May be NULL. */
	int (*watch)(void *eng, short *events);
	/* --state FILE (qts_checkpoint.h): write the engine's whole state
	 * between two puts, and read it back into an engine just built
	 * from the same options, before the first put.  0, or -1 (the
	 * ckpt says why when it is bad, else error).  NULL: the stage
	 * keeps no state to checkpoint, and refuses --state. */
	int (*save)(void *eng, struct qts_ckpt *c);
	int (*restore)(void *eng, struct qts_ckpt *c);
	/* Every event put so far is through the engine, and what it emitted
	 * is in the writer: called by the runtime before it touches the
	 * output or reads what was written (a flush, a heartbeat, the
	 * metrics), for an engine that works on a thread of its own (`qts
	 * pipe`'s later stages); its own calls (tick, finish...) settle as
	 * they need.  May be NULL. */
	void (*settle)(void *eng);
} qts_stage_ops;

/* What every stage takes besides its own options. */
typedef struct qts_stage_conf {
	int msgpack;          /* -M: write msgpack */
	int64_t heartbeat;    /* --heartbeat, ns of wall clock; 0: none */
	int64_t busy_poll;    /* --busy-poll, ns (qts_loop_busy_poll); 0: none */
	int64_t tick_every;   /* the engine's own timer, ns; 0: none */
	const char *feedback; /* --feedback FILE, or NULL */
	double pace;          /* --pace FACTOR for a source; 0: as fast as read */
	/* --buffer N for a source: up to N events wait for a slow output
	 * while the source goes on reading (0: none, the source waits for
	 * the output); then --overflow block (the source waits) or drop (the
	 * event is dropped, counted, and said in a system event). */
	size_t buffer;
	int overflow_drop;
	const char *metrics;  /* --metrics FILE, or NULL */
	char **files;         /* FILE...; none: standard input */
	size_t nfiles;
	/* The stage writes something else than events (qts-report's
	 * report, qts-strategy --print's table, to standard output): the
	 * runtime writes nothing there,
	 * not even the system event that ends a failed stream. */
	int no_events;
	/* After a signal, the events read and not yet put are dropped, not
	 * put (qts-broker: an order is not sent after it); else they are put
	 * before the stream ends. */
	int put_nothing_after_signal;
	/* What a failure record read from the input (a system event of level
	 * error, which ends a stream) does: QTS_UPSTREAM_PASS, put as any
	 * event (qts journal keeps it); QTS_UPSTREAM_STOP, the stream ends
	 * there: nothing more is read, the books do not close (the input is
	 * not whole), no checkpoint counts it, and the failure goes out as
	 * the stream's last record, so that a restart on the mended input
	 * goes on from the last checkpoint; QTS_UPSTREAM_FINISH, the same but
	 * the engine finishes before it (qts-report's report, qts-broker's
	 * last updates: what happened, not books closed). */
	int upstream_ends;
	/* The engine runs code guarded for the whole process (a plugin: its
	 * calls timed by one signal handler and one timer): `qts pipe` keeps
	 * a chain holding it on one thread. */
	int one_thread;
	/* Checkpoints (qts(7) CHECKPOINTS): --state FILE, written every
	 * checkpoint_n input events or checkpoint_ns of wall clock (0:
	 * neither), on SIGUSR2 and at exit; --output-journal J, the
	 * journal the output goes to, whose records are not written
	 * again; options, the hash of the options the state belongs to
	 * (qts_stage_main sets it). */
	const char *state;
	/* The engine keeps state outside the process that a restart rolls
	 * back to the checkpoint's (the paper broker's order journal): with
	 * --state and no state file yet, one is written before the first
	 * event, so that a run killed before its first checkpoint restarts
	 * from one, not from nothing with the journal of the run killed. */
	int checkpoint_at_start;
	uint64_t checkpoint_n;
	int64_t checkpoint_ns;
	const char *output_journal;
	uint64_t options;
	/* Files the stage writes beside the runtime's (qts-report's -o and
	 * --html), by the flag that names them: none may be another output
	 * or an input (qts_same_file). */
	struct { const char *flag, *path; } writes[4];
	int nwrites;
} qts_stage_conf;

enum { QTS_UPSTREAM_PASS, QTS_UPSTREAM_STOP, QTS_UPSTREAM_FINISH };

typedef struct qts_stage {
	const char *name;         /* the program: "qts-sim" */
	const qts_stage_ops *ops;
	void *eng;
	qts_stage_conf conf;
} qts_stage;

/* A stage's builder: parses argv with getopt_long (the caller has reset
 * optind), handles --help and --version, builds the engine that emits
 * through emit(arg, ev) and fills st.  A bad option or argument exits 2
 * (qts_usage_error), a file named by an option that cannot be read exits
 * 1, in every program alike. */
typedef void (*qts_stage_build_fn)(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg);

typedef struct qts_stage_def {
	const char *name; /* "qts-sim" */
	qts_stage_build_fn build;
	/* its standard output is a report, not a stream (qts-report): a
	 * failure as it is built writes no failure event there */
	int writes_report;
} qts_stage_def;

/* Exits 2 when two of the files conf writes are one, or one is an input
 * or the --feedback file: the runtime's check before a run, for a program
 * that writes its files without it (qts-report --compare). */
void qts_stage_files_distinct(const qts_stage_conf *conf);

/* The stages, each in its own file (lib/NAME_stage.c). */
extern const qts_stage_def qts_sim_stage;
extern const qts_stage_def qts_resample_stage;
extern const qts_stage_def qts_report_stage;
extern const qts_stage_def qts_strategy_stage;
extern const qts_stage_def qts_risk_stage;
extern const qts_stage_def qts_fetch_stage; /* a source: not for `qts pipe` */
extern const qts_stage_def qts_journal_stage; /* `qts journal FILE` */

/* The stages `qts pipe` can chain, by program name; NULL when unknown. */
const qts_stage_def *qts_stage_find(const char *name);
/* The i-th of them, for a list; NULL past the last. */
const qts_stage_def *qts_stage_at(size_t i);

/* The options every stage shares, for a builder's getopt_long table:
 * QTS_STAGE_OPTIONS in the table, then qts_stage_option(c, optarg, conf)
 * for each option it does not know itself: 1 when it was one of these, 0
 * when not, and a bad value exits 2 with usage.  --feedback is offered
 * only by stages with a feedback function (QTS_STAGE_FEEDBACK_OPTION). */
enum { QTS_OPT_HEARTBEAT = 0x7100, QTS_OPT_FEEDBACK, QTS_OPT_PACE, QTS_OPT_METRICS, QTS_OPT_BUFFER,
       QTS_OPT_OVERFLOW, QTS_OPT_BUSY_POLL };
#define QTS_STAGE_OPTIONS \
	{ "msgpack", no_argument, NULL, 'M' }, \
	{ "heartbeat", required_argument, NULL, QTS_OPT_HEARTBEAT }, \
	{ "metrics", required_argument, NULL, QTS_OPT_METRICS }, \
	{ "busy-poll", required_argument, NULL, QTS_OPT_BUSY_POLL }
#define QTS_STAGE_FEEDBACK_OPTION { "feedback", required_argument, NULL, QTS_OPT_FEEDBACK }
/* A source's: --pace, --buffer, --overflow. */
#define QTS_STAGE_SOURCE_OPTIONS \
	{ "pace", required_argument, NULL, QTS_OPT_PACE }, \
	{ "buffer", required_argument, NULL, QTS_OPT_BUFFER }, \
	{ "overflow", required_argument, NULL, QTS_OPT_OVERFLOW }
/* --state, --checkpoint-every and --output-journal, for the stages whose
 * engine has save and restore. */
enum { QTS_OPT_STATE = 0x7180, QTS_OPT_CHECKPOINT_EVERY, QTS_OPT_OUTPUT_JOURNAL };
#define QTS_STAGE_STATE_OPTIONS \
	{ "state", required_argument, NULL, QTS_OPT_STATE }, \
	{ "checkpoint-every", required_argument, NULL, QTS_OPT_CHECKPOINT_EVERY }, \
	{ "output-journal", required_argument, NULL, QTS_OPT_OUTPUT_JOURNAL }
/* The lines of --help for them, the same in every stage: _HELP where long
 * options stand after the column of short ones, _HELP_2 where they start
 * at column 2 as the short ones do (qts-sim, qts-risk, qts-broker).  in:
 * the indent of an option, gap: what follows the longest one, col: the
 * indent of a description's next line. */
#define QTS_STAGE_STATE_HELP_AT(in, gap, col) \
	in "--state FILE      " gap "restore from FILE when it exists, skip the input it\n" \
	col "has consumed, and checkpoint into it (qts(7))\n" \
	in "--checkpoint-every N|DURATION\n" \
	col "checkpoint every N input events or DURATION (10s)\n" \
	in "--output-journal J" gap "the output goes to `qts journal J`: do not write\n" \
	col "again what J already holds\n"
#define QTS_STAGE_STATE_HELP_2 QTS_STAGE_STATE_HELP_AT("  ", "      ", "                          ")
#define QTS_STAGE_STATE_HELP QTS_STAGE_STATE_HELP_AT("      ", "   ", "                           ")

int qts_stage_option(int c, const char *optarg, qts_stage_conf *conf, const char *usage);

/* The runtime that runs a stage (stage.c): its inputs, its output, the
 * loop.  Build the stage (or a chain of them, `qts pipe`) with
 * qts_runtime_emit and the runtime as the last emit, then run it. */
typedef struct qts_runtime qts_runtime;
qts_runtime *qts_runtime_new(void); /* exits 1 when out of memory */
/* The runtime's output: writes ev (after the stage is built and running). */
int qts_runtime_emit(void *runtime, const qts_event *ev);
/* Run st over its inputs (st->conf) to the end, free it and the runtime;
 * returns the exit status: 0; 1 for bad data or a failed write; 128 + n
 * after signal n; a closed pipe downstream ends the stage quietly. */
int qts_runtime_run(qts_runtime *rt, qts_stage *st);
/* Where the runtime's input is now (`file:line`, `file: byte N`), for
 * `qts pipe`'s chain, which says itself which of its stages failed. */
const char *qts_runtime_where(const qts_runtime *rt);
/* Async-signal-safe: wake the loop so the stage's tick runs soon (a
 * stage's own signal handler, such as qts-risk's SIGUSR1, calls it). */
void qts_stage_wake(void);
/* The running stage's tick runs once more when the monotonic clock
 * (qts_loop_now) reaches mono, besides its tick_every (the earliest of
 * such times asked for; a stage waiting for a pause to last does).
 * Outside a run, nothing. */
void qts_stage_tick_at(int64_t mono);
/* The number of the running stage's input event last read: 1 for the
 * first of the stream, counted on across a restart with --state (the
 * events its state consumed are read again, and counted); 0 outside a
 * run.  qts-broker journals it with the orders it decides. */
uint64_t qts_stage_event_number(void);
/* Async-signal-safe: write a checkpoint (--state) soon, between two
 * events (SIGUSR2 does it; qts-risk's own handler calls it). */
void qts_stage_checkpoint_soon(void);
/* For a source that reads files itself (qts_input_on_wait(in,
 * qts_stage_wait_input, NULL)): where a read would block, what was written
 * goes out and the running stage's loop waits (heartbeats, signals) until
 * fd is readable.  0, or -1 when the stage is to stop; outside a run, 0 at
 * once (the read then blocks). */
int qts_stage_wait_input(void *unused, int fd);
/* For a source that talks to the network: what was written goes out,
 * then the running stage's loop waits (heartbeats, feedback, signals)
 * until fd is ready for events (POLLIN, POLLOUT; fd -1: none) or the
 * monotonic clock (qts_loop_now) reaches deadline (-1: none).  1 when fd
 * is ready, 0 at the deadline, -1 when the stage is to stop.  Outside a
 * run it polls (or sleeps) the same way, without the loop. */
int qts_stage_wait(int fd, short events, int64_t deadline);
/* What the running stage has written goes out now, waiting for the
 * output if need be (qts-broker, before it journals a fill as reported).
 * 0, or -1 when the output failed; outside a run, 0. */
int qts_stage_flush(void);

/* The runtime's output as qts_runtime_emit, for events of the input
 * handled on another thread: raw (len bytes in format fmt, 0: none) are
 * the bytes the event was read as, which qts_runtime_given_raw gave on
 * the runtime's thread when ev was the event just read. */
int qts_runtime_emit_raw(qts_runtime *r, const qts_event *ev, const void *raw, size_t len, int fmt);
/* When the latest event the runtime wrote became known; INT64_MIN when
 * none was (or it writes no events). */
int64_t qts_runtime_latest_known(const qts_runtime *r);
int qts_runtime_given_raw(const qts_runtime *r, const qts_event *ev, const void **raw, size_t *len);
/* `qts pipe`'s second thread (pipe_apart.c): fn(ctx, ev, raw, len, fmt)
 * called there on each event pushed, in order, with the bytes it was read
 * as (raw NULL: none, or too long to carry).  Start: NULL when no thread
 * can be made.  Settle: every event pushed is handled (what the second
 * thread did is seen).  Stop: settled, the thread ended and freed. */
typedef struct qts_apart qts_apart;
typedef void (*qts_apart_fn)(void *ctx, const qts_event *ev, const void *raw, size_t len, int fmt);
qts_apart *qts_apart_start(qts_apart_fn fn, void *ctx, const char *progname);
void qts_apart_push(qts_apart *a, const qts_event *ev, const void *raw, size_t len, int fmt);
void qts_apart_settle(qts_apart *a);
void qts_apart_stop(qts_apart *a);
/* Set on a thread that runs stages apart from the runtime's: what it
 * writes waits on the output alone, never in the runtime's loop. */
extern _Thread_local int qts_stage_apart;
/* Set while `qts pipe` builds the stages of a chain: a program that is
 * not then a stage (qts-report --compare, which reads finished files
 * whole, not a stream) builds nothing, leaving st->ops NULL, and the
 * chain refuses it. */
extern int qts_stage_chained;

/* A running stage's figures (stage_metrics.c), for --metrics FILE (the
 * Prometheus text format, rewritten atomically every second and at the
 * end) and SIGUSR1 (the same on standard error). */
#define QTS_METRICS_TYPES (QTS_SYSTEM + 2) /* the known types and QTS_UNKNOWN */
#define QTS_METRICS_BOUNDS 16
typedef struct qts_stage_metrics {
	/* Counted inline, on every event's way (a few instructions). */
	uint64_t in[QTS_METRICS_TYPES];
	/* on lines apart: `qts pipe` counts out on its second thread */
	_Alignas(QTS_APART) uint64_t out[QTS_METRICS_TYPES];
	int64_t last_ts;              /* the latest event time out; INT64_MIN: none */
	uint64_t errors, warnings;
	uint64_t dropped;             /* a source's events dropped (--overflow drop) */
	uint64_t buckets[QTS_METRICS_BOUNDS + 1]; /* the last: above every bound */
	uint64_t latency_n;
	double latency_sum;           /* seconds */
	int64_t started;              /* wall clock, ns */
	char stage[64];
	char *path;
} qts_stage_metrics;
/* path NULL: for SIGUSR1 only.  NULL when out of memory. */
qts_stage_metrics *qts_stage_metrics_new(const char *stage, const char *path, int64_t wall_now);
void qts_stage_metrics_free(qts_stage_metrics *m);
static inline size_t qts_metrics_slot(qts_type t)
{
	return (size_t)t < QTS_METRICS_TYPES - 1 ? (size_t)t : QTS_METRICS_TYPES - 1;
}
static inline void qts_stage_metrics_in(qts_stage_metrics *m, const qts_event *ev)
{
	m->in[qts_metrics_slot(ev->type)]++;
}
void qts_stage_metrics_system(qts_stage_metrics *m, const qts_event *ev);
static inline void qts_stage_metrics_out(qts_stage_metrics *m, const qts_event *ev)
{
	m->out[qts_metrics_slot(ev->type)]++;
	if (ev->ts > m->last_ts)
		m->last_ts = ev->ts;
	if (ev->type == QTS_SYSTEM)
		qts_stage_metrics_system(m, ev);
}
void qts_stage_metrics_failed(qts_stage_metrics *m);
void qts_stage_metrics_latency(qts_stage_metrics *m, int64_t ns);
int qts_stage_metrics_print(const qts_stage_metrics *m, FILE *f, int64_t wall_now);
/* 0, or -1 with err (the file could not be written). */
int qts_stage_metrics_write(const qts_stage_metrics *m, int64_t wall_now, char *err);

/* `qts pipe` (pipe.c): the stages of line, a shell pipeline ('A ARGS |
 * B ARGS'), built from their own words, chained by function calls and
 * made one stage in st, ending in the runtime rt.  Input: files (from
 * qts pipe's command line) or those named in the first stage; msgpack:
 * write msgpack (else the last stage's -M decides).  A bad pipeline, an
 * unknown stage or a bad option exits 2 naming the stage. */
void qts_pipe_build(qts_stage *st, const char *line, char **files, size_t nfiles, int msgpack,
		    int threads, qts_runtime *rt);
/* The same chain for a host that feeds it itself (`qts sweep`, from
 * events held in memory): the last stage emits to emit(arg, ev), and a
 * failure of the first stage is said at where(where_ctx). */
void qts_pipe_build_to(qts_stage *st, const char *line, qts_emit_fn emit, void *arg,
		       const char *(*where)(void *ctx), void *where_ctx);
/* Stage i of a chain built by either, NULL past the last. */
const qts_stage *qts_pipe_stage(const qts_stage *chain, size_t i);
/* qts-report's engine (report_stage.c) held for `qts sweep`: its finish
 * writes nothing, and qts_report_stage_run gives the figures it would have
 * written, computed by the same code, of the events from time `from` on
 * (a walk-forward's test window, after the warm-up; INT64_MIN: all),
 * starting from the last equity at or before `from`.  -1
 * with a message in err (at least QTS_ERR_MAX bytes) when its options ask
 * for a report of its own. */
struct qts_run;
int qts_report_stage_hold(void *eng, int64_t from, char *err);
/* The run of a held report engine after its finish (valid until it is
 * freed). */
void qts_report_stage_run(void *eng, struct qts_run *run);

/* `qts top`'s whole main (top.c): the stages of a running pipeline from
 * their --metrics files. */
int qts_top_main(int argc, char **argv);

/* A program's whole main: qts_init, build the stage from argv with the
 * runtime's emit, qts_runtime_run. */
int qts_stage_main(const qts_stage_def *def, int argc, char **argv);

#endif

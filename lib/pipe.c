/* pipe.c — `qts pipe 'A ARGS | B ARGS | C ARGS'`: the stages of a shell
 * pipeline built in one process from the same arguments and chained by
 * function calls, stage i's emit being stage i+1's put, with no encoding
 * between them.  The chain is one stage to the runtime, and behaves as the
 * shell pipeline does, byte for byte: a stage that fails ends its stream
 * with a system event, and the stages after it see that event, finish and
 * say that their input is incomplete.
 *
 * Two threads where it pays: the first stage on the runtime's, the rest
 * on a second (pipe_apart.c), fed the events the first emits in batches.
 * Whatever else touches the later stages (a tick, a system event, the
 * end, a failure, a message of the first thread) waits for the second
 * thread to catch up and runs on the first, so the bytes out and the
 * messages are those of one thread.  Whether two threads are faster than
 * one depends on how far apart the machine's cores are at the moment
 * (see adapt()). */
#include "qts_loop.h"
#include "qts_stage.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* ---- the words of a pipeline, as a shell splits them --------------------- */

typedef struct word {
	char *text;   /* unquoted */
	char *raw;    /* as written, for messages */
	char bad;     /* the first character a shell would act on, or 0 */
} word;

typedef struct stage_words {
	word *w;
	size_t n, cap;
} stage_words;

static void *xrealloc(void *p, size_t size)
{
	if (!(p = realloc(p, size)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return p;
}

static void push_word(stage_words *sw, word w)
{
	if (sw->n == sw->cap) {
		sw->cap = sw->cap ? 2 * sw->cap : 8;
		sw->w = xrealloc(sw->w, sw->cap * sizeof *sw->w);
	}
	sw->w[sw->n++] = w;
}

/* Characters a shell would expand or act on when not quoted.  qts pipe
 * takes them for none of that, and not silently as text either. */
static int shell_special(char c, int at_start)
{
	return strchr("<>$`;&()*?[", c) || (at_start && (c == '~' || c == '#'));
}

/* Split line into stages at unquoted `|`, each into words: blanks part
 * words, '...' is literal, "..." literal but for \", \\, \$ and \`, and a
 * backslash outside quotes takes the next character as it is.  Returns
 * the count of stages; 0 on a quote left open or an empty stage, with
 * the message in err.  *out holds what was split so far, in any case. */
static size_t split(const char *line, stage_words **out, size_t *nout, char *err, size_t errlen)
{
	size_t nst = 1;
	stage_words *st = xrealloc(NULL, sizeof *st);
	memset(st, 0, sizeof *st);
	*out = st, *nout = 1;
	size_t len = strlen(line);
	char *text = xrealloc(NULL, len + 1);
	const char *p = line;
#define SPLIT_FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); free(text); return 0; } while (0)
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p || *p == '|') {
			if (!st[nst - 1].n)
				SPLIT_FAIL("stage %zu is empty: '%s'", nst, line);
			if (!*p)
				break;
			p++;
			st = xrealloc(st, ++nst * sizeof *st);
			memset(&st[nst - 1], 0, sizeof *st);
			*out = st, *nout = nst;
			continue;
		}
		const char *start = p;
		size_t n = 0;
		char bad = 0;
		while (*p && !strchr(" \t\n|", *p)) {
			char c = *p;
			if (c == '\'') {
				const char *end = strchr(p + 1, '\'');
				if (!end)
					SPLIT_FAIL("a quote (') is not closed: %s", start);
				memcpy(text + n, p + 1, (size_t)(end - p - 1));
				n += (size_t)(end - p - 1);
				p = end + 1;
			} else if (c == '"') {
				for (p++; *p != '"'; p++) {
					if (!*p)
						SPLIT_FAIL("a quote (\") is not closed: %s", start);
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					else if ((*p == '$' || *p == '`') && !bad)
						bad = *p;
					text[n++] = *p;
				}
				p++;
			} else if (c == '\\') {
				if (!p[1])
					SPLIT_FAIL("a backslash ends the pipeline: '%s'", line);
				text[n++] = p[1];
				p += 2;
			} else {
				if (!bad && shell_special(c, p == start))
					bad = c;
				text[n++] = c;
				p++;
			}
		}
		word w = { xrealloc(NULL, n + 1), xrealloc(NULL, (size_t)(p - start) + 1), bad };
		memcpy(w.text, text, n);
		w.text[n] = '\0';
		memcpy(w.raw, start, (size_t)(p - start));
		w.raw[p - start] = '\0';
		push_word(&st[nst - 1], w);
	}
	free(text);
	return nst;
#undef SPLIT_FAIL
}

/* What a word the shell would act on is refused as: exit 2, naming the
 * stage (name, or NULL while it is not known) and the word. */
static void refuse_specials(const stage_words *sw, size_t index, const char *name)
{
	for (size_t i = 0; i < sw->n; i++) {
		char c = sw->w[i].bad;
		const char *why;
		if (!c)
			continue;
		if (c == '<' || c == '>')
			why = "redirections are not available in qts pipe (it reads FILE... and writes to standard output)";
		else if (c == '$' || c == '`')
			why = "variables and command substitution are not available in qts pipe; quote it ('...') to mean it as text";
		else if (c == '*' || c == '?' || c == '[')
			why = "qts pipe does no globbing: name the files, or quote it ('...') to mean it as text";
		else if (c == '~' || c == '#')
			why = "qts pipe expands no '~' and takes no comments: quote it ('...') to mean it as text";
		else
			why = "only '|' joins stages in qts pipe; quote it ('...') to mean it as text";
		if (name)
			qts_die(QTS_EXIT_USAGE, "stage %zu (%s): '%s': %s", index + 1, name, sw->w[i].raw, why);
		qts_die(QTS_EXIT_USAGE, "stage %zu: '%s': %s", index + 1, sw->w[i].raw, why);
	}
}

/* ---- the chain: one stage made of several -------------------------------- */

typedef struct chain chain;

typedef struct node {
	_Alignas(QTS_APART) qts_stage st; /* stages on two threads: each its own lines */
	chain *c;
	size_t index;
	uint64_t in;               /* events put into it: its input's line, in CSV */
	/* the latest time put into it, and its bar's timeframe: a failure
	 * before it emitted anything is dated by them, as its program's
	 * runtime dates it by the latest event it read (qts_writer_date_unwritten) */
	int64_t in_latest;
	char in_latest_tf[QTS_WORD_MAX];
	int in_any;
	/* when the latest event it emitted became known: the time its
	 * failure event takes, as its writer would stamp it */
	qts_latest_known latest;
	/* it emitted a system event of level error: its stream has ended
	 * with one, and its own failure adds none, as its writer would not */
	int ended;
	/* the first such event put into it or fed back to it, said as its
	 * program would say it (qts_upstream_failure) */
	char upstream[QTS_UPSTREAM_MAX];
	char **argv;               /* its words: options point into them */
	const qts_stage_def *def;
} node;

enum { RUNNING, FAILED_SAID, FAILED_WRITE };

struct chain {
	node *node;
	size_t n;
	qts_runtime *rt; /* or NULL: where says where the input is */
	const char *(*where)(void *ctx);
	void *where_ctx;
	_Atomic int failed; /* RUNNING, or how the chain stopped (set on either thread) */
	int feedback_to; /* the stage that takes --feedback, or -1 */
	int fed_failure; /* a failure came from --feedback: the runtime ends there */
	stage_words *sw; /* while it is built */
	qts_emit_fn out; /* the last stage's output, and its argument */
	void *out_arg;
	/* Stages 1.. on a second thread (pipe_apart.c), or NULL: one thread. */
	qts_apart *apart;
	int direct;      /* for now the first thread runs them (apart idle) */
	/* Which is faster, two threads or one, measured as the chain runs
	 * (see adapt()): events to the end of the window, the window's
	 * start, what it is, the run's windows left, whether one thread won
	 * a first probe, and the time each way took. */
	uint32_t adapt_left;
	int64_t adapt_t0;
	enum { WARM_UP, TIME_APART, TIME_DIRECT, RUN } adapt_phase;
	unsigned adapt_runs;
	int direct_won;
	int64_t took_apart, took_direct;
	/* on the second thread: the event in stage 1's put, and its bytes
	 * (on a line of their own: the first thread reads the fields above
	 * on every event) */
	_Alignas(QTS_APART) const qts_event *cur;
	const void *cur_raw;
	size_t cur_len;
	int cur_fmt;
};

static int stopped(chain *c, size_t k, int at_end);
static void pass_on(chain *c, size_t k);
static int tick_all(chain *c, int64_t now, int idle);

/* An error event read by stage d, from its input or its --feedback: the
 * first is the failure upstream it names at its end.  Out of line, so
 * that the calls on every event stay light. */
static __attribute__((noinline, cold)) void note_upstream(node *d, const qts_event *ev)
{
	if (!d->upstream[0])
		qts_upstream_format(d->upstream, ev->system.source, ev->system.message);
}

/* What stage from keeps of an event it emits, for the failure event
 * that would end its stream. */
static inline void emitted(node *from, node *to, const qts_event *ev)
{
	qts_latest_known_note(&from->latest, ev);
	if (ev->type != QTS_BAR && qts_event_is_error(ev)) {
		from->ended = 1;
		note_upstream(to, ev);
	}
}

/* The latest time put into stage to, as the runtime counts what it reads
 * (count_in): a later time, or the first event. */
static inline void note_in(node *to, const qts_event *ev)
{
	if (__builtin_expect(ev->ts > to->in_latest || !to->in_any, 0)) {
		to->in_any = 1;
		to->in_latest = ev->ts;
		if (ev->type == QTS_BAR)
			memcpy(to->in_latest_tf, ev->bar.tf, sizeof to->in_latest_tf);
		else
			to->in_latest_tf[0] = '\0';
	}
}

/* An event into stage to's put. */
static inline int put_into(node *to, const qts_event *ev)
{
	to->in++;
	note_in(to, ev);
	qts_progname = to->st.name;
	if (__builtin_expect(to->st.ops->put(to->st.eng, ev) < 0, 0))
		return stopped(to->c, to->index, 0);
	return 0;
}

static int ends_here(node *from, const qts_event *ev);

/* Stage from's emit: the next stage's put.  The program's name follows
 * the events, so whatever a stage says reads as in the shell. */
static int link_emit(void *arg, const qts_event *ev)
{
	node *to = arg, *from = to - 1;
	emitted(from, to, ev);
	if (__builtin_expect(ev->type == QTS_SYSTEM, 0) && qts_event_is_error(ev))
		return ends_here(from, ev);
	if (put_into(to, ev) < 0)
		return -1;
	qts_progname = from->st.name;
	return 0;
}

/* ---- two threads: the first stage on the runtime's, the rest apart ---- */

/* Everything pushed to the second thread is through it, and for now the
 * first thread runs the whole chain (a tick, a system event). */
static void settle_apart(chain *c)
{
	qts_apart_settle(c->apart);
}

/* The chain whose later stages run on a second thread, for the gate. */
static chain *gated;

/* qts_warn_gate: a message of the first thread comes after what the
 * second says of the events before, and not at all when that was its
 * failure. */
static int warn_gate(void)
{
	if (qts_stage_apart || !gated || !gated->apart)
		return 0;
	int was = gated->failed;
	settle_apart(gated);
	return was == RUNNING && gated->failed != RUNNING;
}

/* The second thread ends for good (the input has ended or failed): from
 * here on, the first runs the chain, as with one thread. */
static void together(chain *c)
{
	if (!c->apart)
		return;
	qts_apart_stop(c->apart);
	c->apart = NULL;
	if (gated == c) {
		gated = NULL;
		qts_warn_gate = NULL;
	}
	/* A stage of the second thread failed: its messages named the last
	 * stage last (pass_on), and so does what the runtime says now. */
	if (c->failed != RUNNING)
		qts_progname = c->node[c->n - 1].st.name;
}

/* On the second thread: an event stage 0 emitted, into stage 1. */
static void apart_put(void *ctx, const qts_event *ev, const void *raw, size_t len, int fmt)
{
	chain *c = ctx;
	if (c->failed != RUNNING)
		return; /* as the shell's stage 1, gone: nothing more is read */
	c->cur = ev;
	c->cur_raw = raw;
	c->cur_len = len;
	c->cur_fmt = fmt;
	(void)put_into(&c->node[1], ev);
	c->cur = NULL;
}

/* Stage 0's emit, with two threads: an event of a known type goes to the
 * second thread, with the bytes it was read as (stage 0 passed it on
 * unchanged); a system event or one of a type qts does not know (whose
 * fields live in the reader until its next read) waits for those before
 * it, and goes through the chain here. */
static int split_emit(void *arg, const qts_event *ev)
{
	/* from the chain: stage 1's node is the second thread's to write */
	chain *c = arg;
	node *from = &c->node[0], *to = &c->node[1];
	if (!c->apart || c->direct)
		return link_emit(to, ev);
	if (__builtin_expect(ev->type >= QTS_SYSTEM, 0)) {
		settle_apart(c);
		c->direct = 1;
		int rc = c->failed != RUNNING ? -1 : link_emit(to, ev);
		c->direct = 0;
		return rc;
	}
	if (__builtin_expect(c->failed != RUNNING, 0))
		return -1;
	emitted(from, to, ev);
	const void *raw = NULL;
	size_t len = 0;
	int fmt = qts_runtime_given_raw(c->rt, ev, &raw, &len);
	qts_apart_push(c->apart, ev, raw, len, fmt);
	return 0;
}

/* The last stage's emit, into the runtime's output: on the second
 * thread, with the bytes of the event when it is the one read. */
static int last_emit(void *arg, const qts_event *ev)
{
	chain *c = arg;
	if (!qts_stage_apart)
		return c->out(c->out_arg, ev);
	if (ev == c->cur)
		return qts_runtime_emit_raw(c->rt, ev, c->cur_raw, c->cur_len, c->cur_fmt);
	return qts_runtime_emit_raw(c->rt, ev, NULL, 0, 0);
}

/* The failure stage k read upstream of it, or NULL.  The runtime keeps
 * the first error it read, from the input or the feedback, whichever
 * stage that went to: each stage keeps its own instead. */
static const char *upstream_of(const chain *c, size_t k)
{
	return c->node[k].upstream[0] ? c->node[k].upstream : NULL;
}

static int64_t last_known(const node *f);

/* Stage k (not the last) has finished.  Had it read a failure upstream,
 * it ends its stream as its program would (qts_finish): with a system
 * event of that failure, unless one passed through it already, and says
 * its input is incomplete.  Only in a chain without the runtime (a
 * sweep's), whose first stage kept a failure in its input to itself:
 * the runtime ends the chain at one in its input or its feedback before
 * any stage finishes.  0, or -1 when the stage after failed on it. */
static int stage_ends(chain *c, size_t k)
{
	node *d = &c->node[k];
	const char *up = upstream_of(c, k);
	if (k + 1 >= c->n || !up)
		return 0;
	if (!d->ended) { /* the stages after end with it (ends_here), and say so */
		qts_event ev;
		qts_event_init(&ev, QTS_SYSTEM, last_known(d));
		QTS_SET(ev.system.source, d->st.name);
		QTS_SET(ev.system.level, "error");
		QTS_SET_TEXT(ev.system.message, up);
		return link_emit(&c->node[k + 1], &ev);
	}
	qts_warn_incomplete(up);
	return 0;
}

/* The runtime ends the stream of the chain's last stage, and says what
 * failed upstream of it: that stage's, not the first's. */
static void last_upstream(const chain *c)
{
	if (c->n > 1)
		qts_upstream_set(upstream_of(c, c->n - 1));
}

/* When the latest event stage k wrote became known, as its writer would
 * stamp the system event that ends its stream; before it wrote any, when
 * the latest it was put became known (qts_writer_fail). */
static int64_t last_known(const node *f)
{
	int64_t dflt = 0;
	if (f->in_any) {
		qts_event ev;
		qts_event_init(&ev, f->in_latest_tf[0] ? QTS_BAR : QTS_SYSTEM, f->in_latest);
		if (f->in_latest_tf[0])
			QTS_SET(ev.bar.tf, f->in_latest_tf);
		dflt = qts_event_known(&ev);
	}
	return qts_latest_known_time(&f->latest, dflt);
}

/* Stage k failed, why, and says so naming where (NULL: nowhere).  As in
 * a shell pipeline: its stream ends with a system event; the stages
 * after it read that event, finish, and (but the last, whose runtime
 * does it) say that their input is incomplete. */
static void fail_at(chain *c, size_t k, const char *where, const char *why)
{
	/* On the first thread, ahead of the second: the later stages catch
	 * up first, and when they failed on an earlier event, that is the
	 * failure (stage 0 would not have read this far). */
	if (c->apart && !qts_stage_apart) {
		settle_apart(c);
		if (c->failed != RUNNING)
			return;
	}
	c->failed = FAILED_SAID;
	qts_progname = c->node[k].st.name;
	if (where)
		qts_warn("%s: %s", where, why);
	else
		qts_warn("%s", why);
	if (k + 1 < c->n)
		pass_on(c, k);
	else
		last_upstream(c);
}

/* A failure record ev that ends the stream before stage from, past it
 * and the stages after, as each program's runtime passes one it reads
 * (conf.upstream_ends): a stage of QTS_UPSTREAM_FINISH (qts-report)
 * finishes first, the others close no books; each dates it no earlier
 * than what it wrote became known and says its input is incomplete (the
 * last as the runtime ends, which then writes it, when write). */
static void end_from(chain *c, size_t from, qts_event *ev, int write)
{
	for (size_t j = from; j < c->n; j++) {
		node *d = &c->node[j];
		qts_progname = d->st.name;
		if (!d->upstream[0])
			qts_upstream_format(d->upstream, ev->system.source, ev->system.message);
		if (d->st.conf.upstream_ends == QTS_UPSTREAM_FINISH && d->st.ops->finish) {
			qts_upstream_set(d->upstream);
			if (d->st.ops->finish(d->st.eng) < 0) {
				const char *w = d->st.ops->error ? d->st.ops->error(d->st.eng) : NULL;
				if (w && w[0])
					qts_warn("end of input: %s", w);
			}
		}
		if (j + 1 == c->n)
			break;
		int64_t t = qts_latest_known_time(&d->latest, INT64_MIN);
		if (t > ev->ts)
			ev->ts = t;
		qts_warn_incomplete(d->upstream);
	}
	qts_progname = c->node[c->n - 1].st.name;
	last_upstream(c);
	if (write) {
		int64_t t = c->rt ? qts_runtime_latest_known(c->rt) : INT64_MIN;
		if (t > ev->ts)
			ev->ts = t;
		(void)last_emit(c, ev);
	}
}

/* Stage k failed and said so (qts_last_message): its stream ends with a
 * system event, unless an error passed through it already ended it, and
 * the stages after it end there, as in the shell (end_from). */
static void pass_on(chain *c, size_t k)
{
	node *f = &c->node[k];
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, last_known(f));
	QTS_SET(ev.system.source, f->st.name);
	QTS_SET(ev.system.level, "error");
	QTS_SET_TEXT(ev.system.message, qts_last_message());
	/* A failure read from upstream before stage k's own: the failing
	 * program says that too as it exits in the shell. */
	if (upstream_of(c, k))
		qts_warn_incomplete(upstream_of(c, k));
	end_from(c, k + 1, &ev, !f->ended);
}

/* Stage from wrote a failure record, ev (one it passed on from its input
 * in a chain without the runtime, or the one stage_ends writes): its
 * stream ends there, and the stages after it end as they do on reading it
 * (end_from); the chain is done, and from is told so as by an output
 * gone. */
static __attribute__((noinline, cold)) int ends_here(node *from, const qts_event *ev)
{
	chain *c = from->c;
	if (c->failed != RUNNING)
		return -1;
	c->failed = FAILED_SAID;
	qts_event copy = *ev;
	if (upstream_of(c, from->index)) {
		qts_progname = from->st.name;
		qts_warn_incomplete(upstream_of(c, from->index));
	}
	end_from(c, from->index + 1, &copy, 1);
	return -1;
}

/* The runtime's input ended with a failure upstream, ev, which it
 * writes next: past every stage, as in the shell.  One fed back ends the
 * stream of the stage that takes the feedback: the stages before it are
 * cut off as by a closed pipe, and say nothing. */
static void chain_upstream_ended(void *eng, qts_event *ev)
{
	chain *c = eng;
	together(c);
	end_from(c, c->fed_failure ? (size_t)c->feedback_to : 0, ev, 0);
}

/* A call into stage k returned -1: its own failure, or one after it that
 * is already handled, or the runtime's output failing. */
static int stopped_at(chain *c, size_t k, const char *where)
{
	if (c->failed == RUNNING) {
		node *f = &c->node[k];
		const char *why = f->st.ops->error ? f->st.ops->error(f->st.eng) : NULL;
		if (why)
			fail_at(c, k, where, why);
		else
			c->failed = FAILED_WRITE;
	}
	return -1;
}

/* The same, on an event of stage k's input (at its end when at_end),
 * named where in that input as its program would. */
static int stopped(chain *c, size_t k, int at_end)
{
	char where[64];
	if (c->failed != RUNNING) /* handled: where is not needed */
		return -1;
	if (at_end)
		return stopped_at(c, k, "end of input");
	if (k == 0)
		return stopped_at(c, k, c->rt ? qts_runtime_where(c->rt) : c->where(c->where_ctx));
	snprintf(where, sizeof where, "-:%llu", (unsigned long long)c->node[k].in);
	return stopped_at(c, k, where);
}

static int put_first(chain *c, const qts_event *ev)
{
	node *first = &c->node[0];
	note_in(first, ev);
	if (__builtin_expect(first->st.ops->put(first->st.eng, ev) < 0, 0))
		return stopped(c, 0, 0);
	return 0;
}

/* A system event into the chain: an error is the first stage's failure
 * upstream.  Apart, so that the put of every other event stays light. */
static __attribute__((noinline)) int put_system(chain *c, const qts_event *ev)
{
	if (qts_event_is_error(ev))
		note_upstream(&c->node[0], ev);
	return put_first(c, ev);
}

/* The chain stopped (on the second thread, perhaps): what that thread
 * said and wrote is done before the runtime looks. */
static __attribute__((noinline, cold)) int chain_stopped(chain *c)
{
	together(c);
	return -1;
}

/* Two threads pay for every event that crosses between them, by the
 * cache lines it takes from one core to the other.  Where the cores share
 * a cache that is little, and strategy | risk | sim ran 1.6x as fast as
 * on one thread on the bench machine (a virtual one); at other times
 * there, its cores far apart, the lines cost more than the stages' work,
 * and two threads took twice the time of one.  Either held for seconds,
 * then changed.  So the chain probes: it warms up two threads, times
 * them, then one, over ADAPT_PROBE events each; runs the faster for
 * ADAPT_RUN windows of ADAPT_EVENTS; and probes again.  The probes are
 * short, since one thread is as a rule the slower: probed as long as a
 * run's window, it took a tenth of a million bars' time.  A short window
 * is the more easily disturbed, so one thread runs only when it won two
 * probes in a row, each by a fifth.  The output is the same bytes either
 * way. */
#define ADAPT_PROBE (1u << 14)
#define ADAPT_EVENTS (1u << 17)
#define ADAPT_RUN 14

static __attribute__((noinline)) void adapt(chain *c)
{
	int64_t took = qts_loop_now() - c->adapt_t0;
	int direct = 0;
	c->adapt_left = ADAPT_PROBE;
	switch (c->adapt_phase) {
	case WARM_UP: /* their first events make each symbol's state */
		c->adapt_phase = TIME_APART;
		break;
	case TIME_APART:
		c->took_apart = took;
		c->adapt_phase = TIME_DIRECT;
		direct = 1;
		break;
	case TIME_DIRECT: {
		c->took_direct = took;
		int won = c->took_direct * 5 < c->took_apart * 4;
		if (won && !c->direct_won) { /* again, to be sure */
			c->direct_won = 1;
			c->adapt_phase = WARM_UP;
			break;
		}
		c->direct_won = 0;
		c->adapt_phase = RUN;
		c->adapt_runs = ADAPT_RUN;
		c->adapt_left = ADAPT_EVENTS;
		direct = won;
		break;
	}
	case RUN:
		if (--c->adapt_runs) {
			c->adapt_left = ADAPT_EVENTS;
			direct = c->direct;
		} else /* two threads warm up again after one ran */
			c->adapt_phase = c->direct ? WARM_UP : TIME_APART;
		break;
	}
	if (direct && !c->direct)
		settle_apart(c);
	c->direct = direct;
	c->adapt_t0 = qts_loop_now();
}

static int chain_put(void *eng, const qts_event *ev)
{
	chain *c = eng;
	if (c->apart && __builtin_expect(--c->adapt_left == 0, 0))
		adapt(c);
	/* stopped already (by a tick, say): nothing goes in any more */
	if (__builtin_expect(c->failed != RUNNING, 0))
		return chain_stopped(c);
	if (__builtin_expect(ev->type == QTS_SYSTEM, 0)) {
		if (put_system(c, ev) < 0)
			return chain_stopped(c);
		return 0;
	}
	if (__builtin_expect(put_first(c, ev) < 0, 0))
		return chain_stopped(c);
	return 0;
}

static void chain_settle(void *eng)
{
	settle_apart(eng);
}

static int chain_feedback(void *eng, const qts_event *ev)
{
	chain *c = eng;
	node *d = &c->node[c->feedback_to];
	qts_progname = d->st.name;
	if (qts_event_is_error(ev)) {
		note_upstream(d, ev);
		c->fed_failure = 1;
	}
	if (d->st.ops->feedback(d->st.eng, ev) < 0) {
		char where[1100];
		snprintf(where, sizeof where, "--feedback %s", d->st.conf.feedback);
		return stopped_at(c, (size_t)c->feedback_to, where);
	}
	qts_progname = c->node[0].st.name;
	return 0;
}

/* The feedback could not be read (a bad record, say): the failure of
 * the stage that takes it, as in the shell. */
static void chain_feedback_failed(void *eng, const char *why)
{
	chain *c = eng;
	if (c->failed == RUNNING)
		fail_at(c, (size_t)c->feedback_to, NULL, why);
}

static int chain_tick(void *eng, int64_t now, int idle)
{
	chain *c = eng;
	if (c->apart) { /* a stage's tick emits: through the chain here */
		int was = c->direct;
		settle_apart(c);
		if (c->failed != RUNNING)
			return chain_stopped(c);
		c->direct = 1;
		int rc = tick_all(c, now, idle);
		c->direct = was;
		return rc < 0 ? chain_stopped(c) : 0;
	}
	return tick_all(c, now, idle);
}

static int tick_all(chain *c, int64_t now, int idle)
{
	for (size_t i = 0; i < c->n; i++) {
		node *d = &c->node[i];
		if (!d->st.ops->tick)
			continue;
		qts_progname = d->st.name;
		if (d->st.ops->tick(d->st.eng, now, idle) < 0)
			return stopped(c, i, 0);
	}
	qts_progname = c->node[0].st.name;
	return 0;
}

/* Each stage finishes in turn, so its last events flow through the
 * stages after it before they finish, as in the shell. */
static int chain_finish(void *eng)
{
	chain *c = eng;
	together(c);
	if (c->failed != RUNNING) /* the second thread's stages failed, said */
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		node *d = &c->node[i];
		qts_progname = d->st.name;
		/* The stage before wrote nothing: in the shell, this one's
		 * reader would say so at the end of its input. */
		if (i > 0 && !d->in)
			qts_warn_no_events("-", 0);
		/* what it read failed upstream, for its last words, as its
		 * program's reader would have noted it */
		qts_upstream_set(upstream_of(c, i));
		if (d->st.ops->finish && d->st.ops->finish(d->st.eng) < 0)
			return stopped(c, i, 1);
		if (c->failed != RUNNING)
			return -1;
		/* A failure read upstream of a stage: each stage of a shell
		 * pipeline says so as it ends. */
		if (stage_ends(c, i) < 0)
			return -1;
	}
	last_upstream(c);
	return 0;
}

/* The runtime's input failed, said in the first stage's name: the stages
 * after it see the failure and finish, as in the shell. */
static void chain_input_failed(void *eng)
{
	chain *c = eng;
	together(c);
	if (c->failed != RUNNING)
		return;
	c->failed = FAILED_SAID;
	if (c->n > 1)
		pass_on(c, 0);
}

static const char *chain_error(void *eng)
{
	chain *c = eng;
	return c->failed == FAILED_SAID ? "" : NULL;
}

static void chain_counts(void *eng, char *buf, size_t size)
{
	chain *c = eng;
	size_t len = 0;
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < c->n && len + 1 < size; i++) {
		node *d = &c->node[i];
		char one[256];
		if (!d->st.ops->counts)
			continue;
		one[0] = '\0';
		d->st.ops->counts(d->st.eng, one, sizeof one);
		if (one[0])
			len += (size_t)snprintf(buf + len, size - len, "%s%s: %s", len ? "; " : "", d->st.name, one);
	}
}

static void chain_free(void *eng)
{
	chain *c = eng;
	together(c);
	for (size_t i = 0; i < c->n; i++) {
		node *d = &c->node[i];
		if (d->st.ops && d->st.ops->free)
			d->st.ops->free(d->st.eng);
		for (char **a = d->argv; a && *a; a++)
			free(*a);
		free(d->argv);
	}
	free(c->node);
	free(c);
}

/* The runtime's output is the last stage's: a failure of it before it
 * wrote anything is dated by what that stage was put, not by the
 * chain's input (a day's bar it failed on, where the first stage had
 * read that day's hours and the next), as its program's runtime would. */
static int chain_input_latest(void *eng, int64_t *ts, const char **tf)
{
	chain *c = eng;
	together(c);
	const node *d = &c->node[c->n - 1];
	if (!d->in_any)
		return 0;
	*ts = d->in_latest;
	*tf = d->in_latest_tf;
	return 1;
}

/* The runtime reads --feedback only when conf.feedback is set, which is
 * when a stage of the chain took it: one table serves both. */
static const char *chain_signal_name(void *eng)
{
	const chain *c = eng;
	return c->node[c->n - 1].st.name;
}

static const qts_stage_ops chain_ops = {
	.put = chain_put,
	.feedback = chain_feedback,
	.tick = chain_tick,
	.finish = chain_finish,
	.error = chain_error,
	.input_failed = chain_input_failed,
	.upstream_ended = chain_upstream_ended,
	.feedback_failed = chain_feedback_failed,
	.counts = chain_counts,
	.signal_name = chain_signal_name,
	.input_latest = chain_input_latest,
	.free = chain_free,
};

/* The same and settle, for a chain whose later stages run on a second
 * thread: the runtime lets them catch up before it touches the output
 * (set when the first such chain is built). */
static qts_stage_ops chain_apart_ops;

/* The same without input_failed, for a chain of one stage: it has no
 * stage after it to pass a failure on to, and the runtime then exits
 * where the program would, at an input it cannot open, before the stage
 * is freed (qts-strategy --print's table would write its header). */
static qts_stage_ops chain_one_ops;

/* The stages qts pipe knows, for a message. */
static void stage_names(char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; qts_stage_at(i) && len + 1 < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", qts_stage_at(i)->name);
}

/* A time zone is the process's (qts_clock_init sets TZ): two stages that
 * want different ones cannot share a process. */
static void check_zone(char **zone, size_t i)
{
	const char *tz = getenv("TZ");
	if (!tz || (*zone && strcmp(*zone, tz) == 0))
		return;
	if (*zone)
		qts_die(QTS_EXIT_USAGE, "stage %zu: time zone %s, where a stage before it uses %s: one zone in one process",
			i + 1, tz, *zone);
	if (!(*zone = strdup(tz)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
}

static void build_chain(qts_stage *st, const char *line, char **files, size_t nfiles, int msgpack,
			int threads, qts_runtime *rt, qts_emit_fn out, void *out_arg,
			const char *(*where)(void *ctx), void *where_ctx)
{
	/* Whatever is allocated hangs from st, even when a stage's options
	 * end the program. */
	/* on lines: what the second thread writes is apart from the rest */
	chain *c = qts_calloc_aligned(_Alignof(chain), sizeof *c);
	if (!c)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	st->eng = c;
	c->feedback_to = -1;
	c->rt = rt;
	c->out = out;
	c->out_arg = out_arg;
	c->where = where;
	c->where_ctx = where_ctx;
	char err[512];
	size_t nsw;
	size_t n = split(line, &c->sw, &nsw, err, sizeof err);
	if (!n)
		qts_die(QTS_EXIT_USAGE, "%s", err);
	stage_words *sw = c->sw;
	(void)nsw;
	if (!(c->node = qts_calloc_aligned(_Alignof(node), n * sizeof *c->node)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	c->n = n;

	/* The program names first: a typo is said before any stage runs. */
	for (size_t i = 0; i < n; i++) {
		const char *prog = sw[i].w[0].text;
		char full[64];
		snprintf(full, sizeof full, "%s%s", strncmp(prog, "qts-", 4) == 0 ? "" : "qts-", prog);
		if (sw[i].w[0].bad)
			refuse_specials(&sw[i], i, NULL);
		if (!(c->node[i].def = qts_stage_find(full))) {
			char names[256];
			stage_names(names, sizeof names);
			qts_die(QTS_EXIT_USAGE, "stage %zu: unknown stage '%s' (qts pipe runs %s)", i + 1,
				sw[i].w[0].raw, names);
		}
		refuse_specials(&sw[i], i, c->node[i].def->name);
	}

	const char *progname = qts_progname;
	const char *env_tz = getenv("TZ");
	char *zone = env_tz ? strdup(env_tz) : NULL;
	for (size_t i = 0; i < n; i++) {
		node *d = &c->node[i];
		d->c = c;
		d->index = i;
		d->argv = xrealloc(NULL, (sw[i].n + 1) * sizeof *d->argv);
		d->argv[0] = strdup(c->node[i].def->name);
		for (size_t j = 1; j < sw[i].n; j++)
			d->argv[j] = sw[i].w[j].text, sw[i].w[j].text = NULL;
		d->argv[sw[i].n] = NULL;
		if (!d->argv[0])
			qts_die(QTS_EXIT_FAIL, "out of memory");
		/* Messages of a bad option name the stage, as in the shell. */
		qts_progname = c->node[i].def->name;
		optind = 0; /* getopt_long starts afresh on each stage's words */
		/* the first stage's emit may hand its events to a second
		 * thread; the last one's writes them there */
		qts_emit_fn emit = i + 1 < n ? (i == 0 ? split_emit : link_emit) : rt ? last_emit : out;
		void *arg = i + 1 < n ? (i == 0 ? (void *)c : (void *)&c->node[i + 1]) : rt ? (void *)c : out_arg;
		qts_stage_chained = 1;
		c->node[i].def->build(&d->st, (int)sw[i].n, d->argv, emit, arg);
		qts_stage_chained = 0;
		qts_progname = progname;
		if (!d->st.ops)
			qts_die(QTS_EXIT_USAGE,
				"stage %zu (%s): --compare reads finished files whole, not a stream: it is not a stage (run qts-report --compare alone)",
				i + 1, c->node[i].def->name);
		check_zone(&zone, i);
		if (i > 0 && d->st.conf.nfiles)
			qts_die(QTS_EXIT_USAGE,
				"stage %zu (%s): '%s': only the first stage reads files (or name them after the pipeline)",
				i + 1, d->st.name, d->st.conf.files[0]);
		/* In the shell its report or table would be the next stage's
		 * input, text no stage reads as events. */
		if (d->st.conf.no_events && i + 1 < n)
			qts_die(QTS_EXIT_USAGE,
				"stage %zu (%s): it writes a report or a table, not events for the stage after it: put it last, or give qts-report --tee",
				i + 1, d->st.name);
		if (d->st.ops->next && n > 1)
			qts_die(QTS_EXIT_USAGE, "stage %zu (%s): a source cannot be chained yet", i + 1,
				d->st.name);
		if (d->st.conf.state || d->st.conf.output_journal)
			qts_die(QTS_EXIT_USAGE, "stage %zu (%s): %s: checkpoints are taken by a stage run as its own program, not inside qts pipe",
				i + 1, d->st.name, d->st.conf.state ? "--state" : "--output-journal");
		/* The chain is one stage to the runtime: its figures are counted
		 * where the events come in and go out, at the first stage's
		 * --metrics; a later stage's would be a file never written. */
		if (i > 0 && d->st.conf.metrics)
			qts_die(QTS_EXIT_USAGE,
				"stage %zu (%s): --metrics: the chain's figures are one stage's, given to the first",
				i + 1, d->st.name);
		if (d->st.conf.feedback) {
			if (c->feedback_to >= 0)
				qts_die(QTS_EXIT_USAGE, "--feedback in %s and in %s: one stage of a chain takes it",
					c->node[c->feedback_to].st.name, d->st.name);
			c->feedback_to = (int)i;
		}
	}
	free(zone);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < sw[i].n; j++)
			free(sw[i].w[j].text), free(sw[i].w[j].raw);
		free(sw[i].w);
	}
	free(sw);
	c->sw = NULL;

	/* The chain's own settings: its input is the first stage's (or the
	 * files given to qts pipe), its output the last one's. */
	const node *first = &c->node[0], *last = &c->node[n - 1];
	qts_stage_conf conf = first->st.conf;
	if (nfiles) {
		if (first->st.conf.nfiles)
			qts_die(QTS_EXIT_USAGE, "files named both in %s ('%s') and after the pipeline ('%s')",
				first->st.name, first->st.conf.files[0], files[0]);
		conf.files = files;
		conf.nfiles = nfiles;
		if (first->st.ops->input_named)
			first->st.ops->input_named(first->st.eng, files[0]);
	}
	/* What goes between stages is never encoded: only the last -M counts. */
	if (msgpack && last->st.conf.no_events)
		qts_die(QTS_EXIT_USAGE, "-M: the last stage (%s) writes a report or a table, not events",
			last->st.name);
	conf.msgpack = msgpack || last->st.conf.msgpack;
	conf.no_events = last->st.conf.no_events;
	conf.upstream_ends = QTS_UPSTREAM_STOP; /* each stage as its own says (chain_upstream_ended) */
	conf.feedback = c->feedback_to >= 0 ? c->node[c->feedback_to].st.conf.feedback : NULL;
	conf.heartbeat = conf.tick_every = 0;
	int one_thread = 0;
	for (size_t i = 0; i < n; i++) {
		const qts_stage_conf *sc = &c->node[i].st.conf;
		one_thread |= sc->one_thread;
		/* one loop for the chain: the longest spin any stage asked */
		if (sc->busy_poll > conf.busy_poll)
			conf.busy_poll = sc->busy_poll;
		if (sc->heartbeat && (!conf.heartbeat || sc->heartbeat < conf.heartbeat))
			conf.heartbeat = sc->heartbeat;
		if (sc->tick_every && (!conf.tick_every || sc->tick_every < conf.tick_every))
			conf.tick_every = sc->tick_every;
	}
	/* Two threads, the first stage on the runtime's and the rest on a
	 * second, for a chain of two stages or more that does nothing but
	 * read, work and write: live work (feedback, heartbeats, timers,
	 * metrics, busy polling) stays on one thread, which the runtime's
	 * loop times, and so does a plugin. */
	if (rt && n > 1 && threads > 1 && !one_thread && !conf.feedback && !conf.heartbeat && !conf.tick_every &&
	    !conf.busy_poll && !conf.metrics && qts_cpus_allowed() > 1)
		if ((c->apart = qts_apart_start(apart_put, c, c->node[1].st.name))) {
			c->adapt_left = ADAPT_PROBE;
			c->adapt_t0 = qts_loop_now();
			gated = c;
			qts_warn_gate = warn_gate;
		}
	/* The runtime reads for the first stage: a bad input is its to say. */
	qts_progname = first->st.name;
	st->name = first->st.name;
	st->ops = &chain_ops;
	if (c->apart) {
		chain_apart_ops = chain_ops;
		chain_apart_ops.settle = chain_settle;
		st->ops = &chain_apart_ops;
	} else if (n == 1) {
		chain_one_ops = chain_ops;
		chain_one_ops.input_failed = NULL;
		st->ops = &chain_one_ops;
	}
	st->eng = c;
	st->conf = conf;
}

void qts_pipe_build(qts_stage *st, const char *line, char **files, size_t nfiles, int msgpack,
		    int threads, qts_runtime *rt)
{
	build_chain(st, line, files, nfiles, msgpack, threads, rt, qts_runtime_emit, rt, NULL, NULL);
}

void qts_pipe_build_to(qts_stage *st, const char *line, qts_emit_fn emit, void *arg,
		       const char *(*where)(void *ctx), void *where_ctx)
{
	build_chain(st, line, NULL, 0, 0, 1, NULL, emit, arg, where, where_ctx);
}

const qts_stage *qts_pipe_stage(const qts_stage *whole, size_t i)
{
	const chain *c = whole->eng;
	return (whole->ops == &chain_ops || whole->ops == &chain_apart_ops || whole->ops == &chain_one_ops) && i < c->n
		       ? &c->node[i].st
		       : NULL;
}

/* stage.c — running one stage as its own program: options every stage
 * shares, its inputs merged in time, its output, and one place that
 * decides the exit status. */
#include "qts_stage.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int qts_stage_option(int c, const char *arg, qts_stage_conf *conf, const char *usage)
{
	switch (c) {
	case 'M':
		conf->msgpack = 1;
		return 1;
	case QTS_OPT_HEARTBEAT:
		if (qts_duration_parse(arg, &conf->heartbeat) < 0 || conf->heartbeat <= 0)
			qts_usage_error(usage, "--heartbeat: '%s' is not a positive duration (500ms, 10s, 1m)", arg);
		return 1;
	case QTS_OPT_FEEDBACK:
		conf->feedback = arg;
		return 1;
	default:
		return 0;
	}
}

struct qts_runtime {
	qts_stage *st;
	qts_writer *w;          /* NULL for a stage with conf.no_events */
	qts_inputs *inputs;     /* for qts_runtime_where */
	const qts_event *given; /* the event in the stage's put, while there */
	uint64_t in, out;
	int write_failed;
};

int qts_runtime_emit(void *arg, const qts_event *ev)
{
	qts_runtime *r = arg;
	if (!r->w)
		return 0; /* conf.no_events: nothing is written */
	/* The very event the stage was given, passed on: its bytes as read
	 * are copied when they are what encoding it would write. */
	const void *raw = NULL;
	size_t len = 0;
	int fmt = ev == r->given ? qts_inputs_raw(r->inputs, &raw, &len) : 0;
	if (qts_writer_put_raw(r->w, ev, raw, len, fmt) < 0) {
		r->write_failed = 1;
		return -1;
	}
	r->out++;
	return 0;
}

static int64_t wall_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * QTS_NS_PER_SEC + t.tv_nsec;
}

static void on_idle(void *arg)
{
	qts_runtime *r = arg;
	if (r->st->ops->tick && !r->write_failed && r->st->ops->tick(r->st->eng, wall_now(), 1) < 0)
		r->write_failed = !r->st->ops->error || !r->st->ops->error(r->st->eng);
	if (r->w && qts_writer_flush(r->w) < 0)
		r->write_failed = 1;
}

const char *qts_runtime_where(const qts_runtime *r)
{
	return r->inputs ? qts_inputs_where(r->inputs) : "end of input";
}

static const char *where(void *in)
{
	return qts_inputs_where(in);
}

qts_runtime *qts_runtime_new(void)
{
	qts_runtime *r = calloc(1, sizeof *r);
	if (!r)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return r;
}

void qts_stage_wake(void)
{
}

int qts_stage_main(const qts_stage_def *def, int argc, char **argv)
{
	qts_init(argv[0]);
	qts_stage st = { 0 };
	qts_runtime *r = qts_runtime_new();
	def->build(&st, argc, argv, qts_runtime_emit, r);
	return qts_runtime_run(r, &st);
}

int qts_runtime_run(qts_runtime *r, qts_stage *stage)
{
	qts_stage st = *stage;
	r->st = &st;
	/* A stage that writes no events (qts-report) has no stream on
	 * standard output: not even the system event that ends a failed one. */
	if (!st.conf.no_events && !(r->w = qts_writer_new(STDOUT_FILENO, qts_output_format(st.conf.msgpack))))
		qts_die(QTS_EXIT_FAIL, "out of memory");

	char err[512];
	qts_inputs *in = NULL;
	if (!st.ops->next) {
		in = qts_inputs_open(st.conf.files, st.conf.nfiles, r->w, err, sizeof err);
		if (!in)
			qts_die(QTS_EXIT_FAIL, "%s", err);
		qts_inputs_on_idle(in, on_idle, r);
		if (st.ops->locate)
			st.ops->locate(st.eng, where, in);
	}
	r->inputs = in;

	int status = QTS_EXIT_OK, got = 0, stopped = 0;
	qts_event ev;
	while (!qts_interrupted && !r->write_failed) {
		got = in ? qts_inputs_next(in, &ev) : st.ops->next(st.eng, &ev);
		if (got <= 0)
			break;
		r->in++;
		r->given = in ? &ev : NULL;
		int rc = in ? st.ops->put(st.eng, &ev) : qts_runtime_emit(r, &ev);
		r->given = NULL;
		if (rc < 0) {
			stopped = 1;
			break;
		}
	}
	const char *why = NULL;
	if (!stopped && got < 0 && !qts_interrupted) {
		qts_warn("%s", in ? qts_inputs_error(in) : st.ops->error(st.eng));
		status = QTS_EXIT_FAIL;
		if (st.ops->input_failed)
			st.ops->input_failed(st.eng);
	}
	/* The books close only on a whole input: after an error the last
	 * events would misstate where the stream stopped. */
	if (!stopped && !r->write_failed && status == QTS_EXIT_OK && !qts_interrupted && st.ops->finish &&
	    st.ops->finish(st.eng) < 0)
		stopped = 1, got = 0;
	if (stopped && !r->write_failed && st.ops->error && (why = st.ops->error(st.eng))) {
		if (!why[0])
			; /* said by the stage itself (qts pipe's chain) */
		else if (got > 0 && in)
			qts_warn("%s: %s", qts_inputs_where(in), why);
		else
			qts_warn("end of input: %s", why);
		status = QTS_EXIT_FAIL;
	} else if (r->write_failed && errno != EPIPE) {
		qts_warn("write error: %s", strerror(errno));
		status = QTS_EXIT_FAIL;
	}
	if (st.ops->free)
		st.ops->free(st.eng);
	qts_inputs_close(in);
	qts_writer *w = r->w;
	free(r);
	return qts_finish(w, status);
}

/* The stage runtime with a stand-in engine: --feedback read as it arrives
 * from a FIFO (no writer yet, records cut across writes, CSV and msgpack)
 * and applied between puts, and the output of a stage whose write would
 * block.  Run as `test_stage stage [--feedback FILE] [FILE...]`, it is
 * that stage, for the pipeline tests (tests/1100-runtime.bats): it passes
 * its input through and, at the end, says how many events came back. */
#include "qts.h"
#include "qts_loop.h"
#include "qts_stage.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the stand-in stage ------------------------------------------------ */

typedef struct fake {
	qts_emit_fn emit;
	void *arg;
	long fed, fills;
	int in_put; /* feedback must never come inside a put */
	int reentered;
	int64_t asked_at; /* when the first pause asked for a tick 20 ms on */
	int timed;        /* 1: that tick came, no sooner; -1: one came sooner */
} fake;

static int fake_put(void *eng, const qts_event *ev)
{
	fake *f = eng;
	f->in_put = 1;
	int r = f->emit(f->arg, ev);
	f->in_put = 0;
	return r;
}

static int fake_feedback(void *eng, const qts_event *ev)
{
	fake *f = eng;
	f->reentered |= f->in_put;
	f->fed++;
	f->fills += ev->type == QTS_FILL;
	return 0;
}

/* At the first pause, a tick asked for 20 ms on (qts_stage_tick_at): the
 * next tick that is not a pause's must be that one. */
static int fake_tick(void *eng, int64_t now, int idle)
{
	fake *f = eng;
	(void)now;
	int64_t mono = qts_loop_now();
	if (idle && !f->asked_at) {
		f->asked_at = mono;
		qts_stage_tick_at(mono + 20000000);
	} else if (!idle && f->asked_at && !f->timed)
		f->timed = mono - f->asked_at >= 20000000 ? 1 : -1;
	return 0;
}

static int fake_finish(void *eng)
{
	fake *f = eng;
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, 0);
	QTS_SET(ev.system.source, "fake");
	QTS_SET(ev.system.level, "info");
	snprintf(ev.system.message, sizeof ev.system.message, "fed=%ld fills=%ld reentered=%d timed=%d", f->fed,
		 f->fills, f->reentered, f->timed);
	/* after everything: at the latest time qts has, in order */
	ev.ts = INT64_MAX;
	return f->emit(f->arg, &ev);
}

static const char *fake_error(void *eng)
{
	(void)eng;
	return NULL;
}

static void fake_counts(void *eng, char *buf, size_t size)
{
	snprintf(buf, size, "fed=%ld", ((fake *)eng)->fed);
}

static void fake_free(void *eng)
{
	free(eng);
}

static const qts_stage_ops fake_ops = {
	.put = fake_put, .feedback = fake_feedback, .tick = fake_tick, .finish = fake_finish,
	.error = fake_error, .counts = fake_counts, .free = fake_free,
};

static const char fake_usage[] = "usage: test_stage stage [-M] [--feedback FILE] [--heartbeat D] [FILE...]\n";

static void fake_build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	static const struct option longs[] = { QTS_STAGE_OPTIONS, QTS_STAGE_FEEDBACK_OPTION, { 0 } };
	int c;
	while ((c = getopt_long(argc, argv, "M", longs, NULL)) != -1)
		if (!qts_stage_option(c, optarg, &st->conf, fake_usage))
			qts_usage_error(fake_usage, NULL);
	fake *f = calloc(1, sizeof *f);
	f->emit = emit;
	f->arg = arg;
	st->name = "test_stage";
	st->ops = &fake_ops;
	st->eng = f;
	st->conf.files = argv + optind;
	st->conf.nfiles = (size_t)(argc - optind);
}

static const qts_stage_def fake_def = { "test_stage", fake_build };

/* ---- the tests ----------------------------------------------------------- */

static char dir[] = "/tmp/qts-stage-XXXXXX";
static char path_fifo[300], path_in[300], path_out[300];

/* Run the stand-in stage on input fd `in` with --feedback fb, its output
 * into path_out; returns its pid. */
static pid_t start(const char *self, int in, const char *fb, int parent_end)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (parent_end >= 0)
			close(parent_end);
		alarm(30); /* a hang fails the test rather than the run */
		int out = open(path_out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_WRONLY);
		dup2(in, 0);
		dup2(out, 1);
		dup2(null, 2);
		execl(self, self, "stage", "--feedback", fb, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int finish(pid_t pid, char *out, size_t size)
{
	int st;
	waitpid(pid, &st, 0);
	int fd = open(path_out, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, out, size - 1) : -1;
	out[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* A stage that already stopped (bad feedback) may have closed its end:
 * that is for the checks after to judge, not a failure of the writing. */
static void put_all(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n && errno != EPIPE)
		exit(1);
}

static const char fill_csv[] = "fill,2024-01-02T00:00:00Z,A,o-1,buy,1,10,0,0\n";

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "stage") == 0)
		return qts_stage_main(&fake_def, argc - 1, argv + 1);
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path_fifo, sizeof path_fifo, "%s/fb", dir);
	snprintf(path_in, sizeof path_in, "%s/in.csv", dir);
	snprintf(path_out, sizeof path_out, "%s/out", dir);
	if (mkfifo(path_fifo, 0600) < 0)
		return 1;
	int fd = open(path_in, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	put_all(fd, "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n", 40);
	close(fd);
	char out[4096];

	/* A FIFO nobody writes: the stage neither waits for a writer nor
	 * for its end. */
	int in = open(path_in, O_RDONLY);
	int rc = finish(start(argv[0], in, path_fifo, -1), out, sizeof out);
	close(in);
	CHECK(rc == 0 && strstr(out, "fed=0 fills=0"), "a feedback FIFO without a writer: the stage ends with its input");

	/* Feedback written before the input ends is applied, one record cut
	 * across two writes, a quoted newline inside a field. */
	int p[2];
	if (pipe(p) < 0)
		return 1;
	pid_t pid = start(argv[0], p[0], path_fifo, p[1]);
	close(p[0]);
	int fb = open(path_fifo, O_WRONLY); /* waits for the stage to open it */
	put_all(fb, fill_csv, 20);
	usleep(50000);
	put_all(fb, fill_csv + 20, sizeof fill_csv - 21);
	put_all(fb, fill_csv, sizeof fill_csv - 1);
	static const char quoted[] = "update,2024-01-02T00:00:00Z,A,o-1,rejected,0,,\"two\nlines\"\n";
	put_all(fb, quoted, 30);
	usleep(50000);
	put_all(fb, quoted + 30, sizeof quoted - 31);
	usleep(100000);
	put_all(p[1], "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n", 40);
	close(p[1]);
	rc = finish(pid, out, sizeof out);
	CHECK(rc == 0 && strstr(out, "fed=3 fills=2 reentered=0"), "CSV feedback cut anywhere is applied whole, between puts");
	if (!strstr(out, "fed=3"))
		printf("# rc %d: %s\n", rc, out);
	close(fb);

	/* A tick asked for at a pause comes when due, the input still open
	 * and quiet. */
	if (pipe(p) < 0)
		return 1;
	pid = start(argv[0], p[0], path_fifo, p[1]);
	close(p[0]);
	put_all(p[1], "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n", 40);
	usleep(200000);
	put_all(p[1], "bar,2024-01-03T00:00:00Z,A,1d,1,1,1,1,1\n", 40);
	close(p[1]);
	rc = finish(pid, out, sizeof out);
	CHECK(rc == 0 && strstr(out, "timed=1"), "a tick asked for at a pause comes when due (qts_stage_tick_at)");

	/* msgpack, cut inside a record */
	if (pipe(p) < 0)
		return 1;
	pid = start(argv[0], p[0], path_fifo, p[1]);
	close(p[0]);
	fb = open(path_fifo, O_WRONLY);
	qts_event ev;
	qts_event_init(&ev, QTS_FILL, 1704153600LL * QTS_NS_PER_SEC);
	QTS_SET(ev.symbol, "A");
	QTS_SET(ev.fill.id, "o-1");
	QTS_SET(ev.fill.side, "buy");
	ev.fill.qty = 1;
	ev.fill.price = 10;
	qts_writer *w = qts_writer_new(fb, QTS_FMT_MSGPACK);
	qts_writer_put(w, &ev);
	qts_writer_put(w, &ev);
	qts_writer_close(w);
	usleep(100000);
	put_all(p[1], "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n", 40);
	close(p[1]);
	rc = finish(pid, out, sizeof out);
	CHECK(rc == 0 && strstr(out, "fed=2 fills=2"), "msgpack feedback is applied");
	close(fb);

	/* Bad feedback fails the stage, saying where. */
	if (pipe(p) < 0)
		return 1;
	pid = start(argv[0], p[0], path_fifo, p[1]);
	close(p[0]);
	fb = open(path_fifo, O_WRONLY);
	put_all(fb, "fill,yesterday,A\n", 17);
	usleep(100000);
	put_all(p[1], "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n", 40);
	close(p[1]);
	rc = finish(pid, out, sizeof out);
	CHECK(rc == 1 && strstr(out, "system,") && strstr(out, "--feedback"), "bad feedback exits 1 with the error in the stream");
	close(fb);

	/* A feedback file that cannot be read: 1, as for any file named by
	 * an option. */
	in = open(path_in, O_RDONLY);
	char missing[320];
	snprintf(missing, sizeof missing, "%s/none", dir);
	rc = finish(start(argv[0], in, missing, -1), out, sizeof out);
	close(in);
	CHECK(rc == 1, "a missing feedback file exits 1");

	unlink(path_fifo);
	unlink(path_in);
	unlink(path_out);
	rmdir(dir);
	return tap_done();
}

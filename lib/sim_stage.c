/* sim_stage.c — qts-sim as a stage: its options, and the simulated broker
 * (sim.c) fed by the runtime.  The models live in sim.c, sim_costs.c,
 * sim_fillmodel.c and sim_portfolio.c; this file is the wiring. */
#include "qts_sim.h"
#include "qts_stage.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: qts-sim [-M] [--cash N] [--commission SPEC] [--slippage SPEC]\n"
	"               [--impact sqrt,k=X[,window=N]] [--latency DURATION]\n"
	"               [--max-participation F] [--leverage N] [--no-short]\n"
	"               [--fractional] [--instrument SPEC]... [--instruments FILE]\n"
	"               [--actions FILE] [--close-at-end] [--cash-rate RATE]\n"
	"               [--margin-rate RATE] [--borrow-rate [SYM=]RATE]...\n"
	"               [--day-count 360|365] [--tz ZONE] [--session HH:MM-HH:MM]\n"
	"               [--live]\n"
	"               [--heartbeat DURATION] [--metrics FILE] [--busy-poll DURATION]\n"
	"               [--state FILE] [--checkpoint-every N|DURATION]\n"
	"               [--output-journal J] [FILE...]\n"
	"       qts-sim --version | --help\n"
	"Fill orders and targets on market data; write fills, order updates,\n"
	"positions and equity (qts-sim(1)).\n"
	"  -M, --msgpack           write msgpack instead of CSV\n"
	QTS_SIM_OPTIONS_USAGE
	"  --live                  write the latest equity when the input pauses\n"
	"  --heartbeat DURATION    a system event every DURATION (10s, 1m)\n"
	"  --metrics FILE          Prometheus metrics of the stage in FILE, each second\n"
	"  --busy-poll DURATION    poll without sleeping up to DURATION before a wait\n"
	QTS_STAGE_STATE_HELP_2
	"  -h, --help              print this help\n"
	"  --version               print the version\n";

enum { OPT_LIVE = 256, OPT_VERSION };

static const struct option longopts[] = {
	QTS_STAGE_OPTIONS,
	QTS_SIM_OPTIONS,
	QTS_STAGE_STATE_OPTIONS,
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

typedef struct options {
	int live;
	qts_sim_conf sim;
	qts_stage_conf conf;
} options;

static void parse_options(int argc, char **argv, options *op)
{
	char err[QTS_ERR_MAX];
	int c, rc;
	memset(op, 0, sizeof *op);
	qts_sim_conf_init(&op->sim);
	while ((c = getopt_long(argc, argv, "Mh", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		case OPT_LIVE: op->live = 1; break;
		default:
			if ((rc = qts_sim_option(&op->sim, c, optarg, err)) == -1)
				qts_usage_error(usage, "%s", err);
			if (rc == -2)
				qts_die(QTS_EXIT_FAIL, "%s", err);
			if (rc == 0 && !qts_stage_option(c, optarg, &op->conf, usage))
				qts_usage_error(usage, NULL);
		}
	}
	if (qts_sim_conf_check(&op->sim, err) < 0)
		qts_usage_error(usage, "%s", err);
	op->conf.files = argv + optind; /* none: stdin */
	op->conf.nfiles = (size_t)(argc - optind);
}

typedef struct engine {
	qts_sim *sim;
	int live;
	qts_sim_conf conf; /* what the engine's options point into */
	char error[QTS_ERR_MAX];
} engine;

/* A stream executed already: qts_report_in_input_why. */
static __attribute__((noinline)) int refuse_books(engine *e, const qts_event *ev)
{
	qts_report_in_input_why(ev, "qts-sim", e->error, sizeof e->error);
	return -1;
}

static int sim_put(void *eng, const qts_event *ev)
{
	engine *e = eng;
	if (__builtin_expect(ev->type != QTS_BAR, 0) && qts_event_is_books(ev))
		return refuse_books(e, ev);
	return qts_sim_put(e->sim, ev);
}

/* --live: the input paused, so the bars of the latest time are all in:
 * their equity goes out now, not a bar later. */
static int sim_tick(void *eng, int64_t now, int idle)
{
	engine *e = eng;
	(void)now;
	return e->live && idle ? qts_sim_pause(e->sim) : 0;
}

static int sim_finish(void *eng)
{
	engine *e = eng;
	if (qts_sim_finish(e->sim) < 0)
		return -1;
	qts_sim_warn_options(e->sim, e->conf.actions_file);
	qts_sim_warn_unpriced(e->sim);
	return 0;
}

static const char *sim_error(void *eng)
{
	engine *e = eng;
	return *e->error ? e->error : qts_sim_error(e->sim);
}

static void sim_free(void *eng)
{
	engine *e = eng;
	qts_sim_free(e->sim);
	qts_sim_conf_free(&e->conf);
	free(e);
}

static int sim_save(void *eng, struct qts_ckpt *c)
{
	return qts_sim_save(((engine *)eng)->sim, c);
}

static int sim_restore(void *eng, struct qts_ckpt *c)
{
	return qts_sim_restore(((engine *)eng)->sim, c);
}

static const qts_stage_ops sim_ops = {
	.save = sim_save,
	.restore = sim_restore,
	.put = sim_put,
	.tick = sim_tick,
	.finish = sim_finish,
	.error = sim_error,
	.free = sim_free,
};

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	options op;
	parse_options(argc, argv, &op);
	engine *e = calloc(1, sizeof *e);
	if (!e)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	char err[QTS_ERR_MAX];
	e->conf = op.sim;
	if (qts_sim_conf_ready(&e->conf, err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	e->live = op.live;
	if (!(e->sim = qts_sim_new(&e->conf.sim, emit, arg)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	st->name = "qts-sim";
	st->ops = &sim_ops;
	st->eng = e;
	st->conf = op.conf;
	st->conf.upstream_ends = QTS_UPSTREAM_STOP;
}

const qts_stage_def qts_sim_stage = { "qts-sim", build };


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
	"               [--actions FILE] [--close-at-end] [--live]\n"
	"               [--heartbeat DURATION] [--metrics FILE] [--state FILE]\n"
	"               [--checkpoint-every N|DURATION] [--output-journal J] [FILE...]\n"
	"       qts-sim --version | --help\n"
	"Fill orders and targets on market data; write fills, order updates,\n"
	"positions and equity (qts-sim(1)).\n"
	"  -M, --msgpack           write msgpack instead of CSV\n"
	"  --cash N                initial cash (default 100000)\n"
	"  --commission SPEC       bps=N (of the notional, N <= 10000) or\n"
	"                          per-share=X[,min=Y][,max-pct=Z] (per-contract=X\n"
	"                          the same; Y a minimum a fill, Z% cap, 0 < Z <= 100)\n"
	"  --slippage SPEC         bps=N (N < 10000), ticks=N[,tick=X] (the symbol's\n"
	"                          tick first) or spread (half the last quote)\n"
	"  --impact sqrt,k=X[,window=N]\n"
	"                          add X * sigma * price * sqrt(qty / adv) of N bars\n"
	"  --latency DURATION      delay before an order may fill (250ms, 2s, 1m)\n"
	"  --max-participation F   fill at most F (0 < F <= 1) of a bar's volume\n"
	"  --leverage N            gross exposure up to N x equity (default 1)\n"
	"  --no-short              reject orders that would leave a position short\n"
	"  --fractional            keep fractional quantities\n"
	"  --instrument SYM,multiplier=M,margin=X[,tick=T]\n"
	"                          a contract: P&L x M, X a contract held out of\n"
	"                          cash, P&L settled into cash at each bar close\n"
	"  --instruments FILE      one such spec a line\n"
	"  --actions FILE          splits, dividends and delistings by date\n"
	"  --close-at-end          close every position at the end of input\n"
	"  --live                  write the latest equity when the input pauses\n"
	"  --heartbeat DURATION    a system event every DURATION (10s, 1m)\n"
	"  --metrics FILE          Prometheus metrics of the stage in FILE, each second\n"
	QTS_STAGE_STATE_HELP
	"  -h, --help              print this help\n"
	"  --version               print the version\n";

enum { OPT_CASH = 256, OPT_COMMISSION, OPT_SLIPPAGE, OPT_IMPACT, OPT_LATENCY, OPT_PART,
       OPT_LEVERAGE, OPT_NO_SHORT, OPT_FRACTIONAL, OPT_ACTIONS, OPT_CLOSE, OPT_LIVE, OPT_VERSION,
       OPT_INSTRUMENT, OPT_INSTRUMENTS };

static const struct option longopts[] = {
	QTS_STAGE_OPTIONS,
	QTS_STAGE_STATE_OPTIONS,
	{ "cash", required_argument, NULL, OPT_CASH },
	{ "commission", required_argument, NULL, OPT_COMMISSION },
	{ "slippage", required_argument, NULL, OPT_SLIPPAGE },
	{ "impact", required_argument, NULL, OPT_IMPACT },
	{ "latency", required_argument, NULL, OPT_LATENCY },
	{ "max-participation", required_argument, NULL, OPT_PART },
	{ "leverage", required_argument, NULL, OPT_LEVERAGE },
	{ "no-short", no_argument, NULL, OPT_NO_SHORT },
	{ "fractional", no_argument, NULL, OPT_FRACTIONAL },
	{ "actions", required_argument, NULL, OPT_ACTIONS },
	{ "instrument", required_argument, NULL, OPT_INSTRUMENT },
	{ "instruments", required_argument, NULL, OPT_INSTRUMENTS },
	{ "close-at-end", no_argument, NULL, OPT_CLOSE },
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ 0 },
};

typedef struct options {
	int live;
	const char *actions_file;
	qts_sim_opts sim;
	qts_instrument *instruments;
	size_t ninstruments;
	qts_stage_conf conf;
} options;

static void parse_options(int argc, char **argv, options *op)
{
	char err[512];
	int c;
	memset(op, 0, sizeof *op);
	qts_sim_opts_default(&op->sim);
	while ((c = getopt_long(argc, argv, "Mh", longopts, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		case OPT_CASH:
			if (qts_parse_double(optarg, 0, 1e15, &op->sim.cash, err) < 0)
				qts_usage_error(usage, "--cash: %s", err);
			break;
		case OPT_COMMISSION:
			if (qts_commission_parse(optarg, &op->sim.commission, err) < 0)
				qts_usage_error(usage, "--%s", err);
			break;
		case OPT_SLIPPAGE:
			if (qts_slippage_parse(optarg, &op->sim.slippage, err) < 0)
				qts_usage_error(usage, "--%s", err);
			break;
		case OPT_IMPACT:
			if (qts_impact_parse(optarg, &op->sim.impact, err) < 0)
				qts_usage_error(usage, "--%s", err);
			break;
		case OPT_LATENCY:
			if (qts_duration_parse(optarg, &op->sim.latency) < 0 || op->sim.latency < 0)
				qts_usage_error(usage, "--latency: '%s' is not a duration (250ms, 2s, 1m)", optarg);
			break;
		case OPT_PART:
			if (qts_parse_double(optarg, 1e-9, 1, &op->sim.participation, err) < 0)
				qts_usage_error(usage, "--max-participation: %s", err);
			break;
		case OPT_LEVERAGE:
			if (qts_parse_double(optarg, 1e-9, 1000, &op->sim.leverage, err) < 0)
				qts_usage_error(usage, "--leverage: %s", err);
			break;
		case OPT_NO_SHORT: op->sim.no_short = 1; break;
		case OPT_FRACTIONAL: op->sim.fractional = 1; break;
		case OPT_ACTIONS: op->actions_file = optarg; break;
		case OPT_INSTRUMENT: {
			int rc = qts_instrument_add_spec(&op->instruments, &op->ninstruments, optarg, err);
			if (rc == -1)
				qts_usage_error(usage, "--%s", err);
			if (rc < 0)
				qts_die(QTS_EXIT_FAIL, "%s", err);
			break;
		}
		case OPT_INSTRUMENTS:
			/* Read in place: an --instrument after it wins. */
			if (qts_instruments_load(optarg, &op->instruments, &op->ninstruments, err) < 0)
				qts_die(QTS_EXIT_FAIL, "%s", err);
			break;
		case OPT_CLOSE: op->sim.close_at_end = 1; break;
		case OPT_LIVE: op->live = 1; break;
		default:
			if (!qts_stage_option(c, optarg, &op->conf, usage))
				qts_usage_error(usage, NULL);
		}
	}
	op->sim.instruments = op->instruments;
	op->sim.ninstruments = op->ninstruments;
	op->conf.files = argv + optind; /* none: stdin */
	op->conf.nfiles = (size_t)(argc - optind);
}

typedef struct engine {
	qts_sim *sim;
	int live;
	qts_action *actions;
	qts_instrument *instruments;
} engine;

static int sim_put(void *eng, const qts_event *ev)
{
	return qts_sim_put(((engine *)eng)->sim, ev);
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
	return qts_sim_finish(((engine *)eng)->sim);
}

static const char *sim_error(void *eng)
{
	return qts_sim_error(((engine *)eng)->sim);
}

static void sim_free(void *eng)
{
	engine *e = eng;
	qts_sim_free(e->sim);
	free(e->actions);
	free(e->instruments);
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
	if (op.actions_file) {
		char err[512];
		if (qts_actions_load(op.actions_file, &e->actions, &op.sim.nactions, err) < 0)
			qts_die(QTS_EXIT_FAIL, "%s", err);
		op.sim.actions = e->actions;
	}
	e->instruments = op.instruments;
	e->live = op.live;
	if (!(e->sim = qts_sim_new(&op.sim, emit, arg)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	st->name = "qts-sim";
	st->ops = &sim_ops;
	st->eng = e;
	st->conf = op.conf;
}

const qts_stage_def qts_sim_stage = { "qts-sim", build };


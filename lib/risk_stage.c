/* risk_stage.c — qts-risk as a stage: its options, the risk engine (risk.c)
 * fed by the runtime, the executing stage's feedback, and the emergency
 * stop (the kill file, SIGUSR1 and SIGUSR2) looked at between events and
 * on the runtime's ticks.  The rules live in risk.c and risk_rules.c; this
 * file is the wiring. */
#include "qts_checkpoint.h"
#include "qts_risk.h"
#include "qts_stage.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char usage[8192];

static void build_usage(void)
{
	size_t n, len;
	const qts_risk_rule_info *t = qts_risk_rules(&n);
	len = (size_t)snprintf(usage, sizeof usage,
			       "usage: qts-risk [-M] [--fractional] [--rules FILE] [--instrument SPEC]...\n"
			       "                [--instruments FILE] [--actions FILE] [--RULE VALUE]...\n"
			       "                [--feedback FILE] [--heartbeat DURATION] [--metrics FILE]\n"
			       "                [--busy-poll DURATION] [--state FILE]\n"
			       "                [--checkpoint-every N|DURATION] [--output-journal J] [FILE...]\n"
			       "       qts-risk [--rules FILE] [--RULE VALUE]... --list\n"
			       "       qts-risk --help | --version\n"
			       "Approve, reduce or reject targets and orders against risk rules; exit\n"
			       "positions; stop everything on an emergency stop (qts-risk(1)).\n"
			       "  -M, --msgpack                write msgpack\n"
			       "  --fractional                 targets in fractional units (as qts-sim --fractional)\n"
			       "  --rules FILE                 read `RULE VALUE` lines from FILE\n"
			       "  --feedback FILE              fills, positions, updates and equity of the\n"
			       "                               executing stage: limits and exits use them\n"
			       "  --heartbeat DURATION         a system event with the counts each DURATION\n"
			       "  --metrics FILE               Prometheus metrics of the stage in FILE, each second\n"
			       "  --busy-poll DURATION         poll without sleeping up to DURATION before a wait\n"
			       QTS_STAGE_STATE_HELP_2
			       "  --list                       list the rules with the values in effect\n");
	for (size_t i = 0; i < n && len < sizeof usage; i++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s %s", t[i].name, t[i].param);
		len += (size_t)snprintf(usage + len, sizeof usage - len, "  %-28s %s\n", flag, t[i].summary);
	}
	if (len < sizeof usage)
		len += (size_t)snprintf(usage + len, sizeof usage - len, "  %-28s %s\n  %-28s %s\n", "-h, --help",
					"print this help", "--version", "print the version");
	if (len >= sizeof usage)
		qts_die(QTS_EXIT_FAIL, "the help is longer than its buffer");
}

/* The rules with the values in effect after every flag and rules file
 * before and after --list, as they would be written in a rules file:
 * what the stage would run with, not the placeholders of --help. */
static int list(const qts_risk_config *c)
{
	size_t n;
	const qts_risk_rule_info *t = qts_risk_rules(&n);
	char v[2 * QTS_RISK_PATH_MAX];
	puts("# rules: NAME VALUE SUMMARY, the values in effect (- is off)");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; qts_risk_config_value(c, i, j, v, sizeof v); j++)
			printf("%-22s %-14s %s\n", t[i].name, v, t[i].summary);
	return qts_close_stdout();
}

typedef struct options {
	qts_risk_config cfg;
	qts_stage_conf conf;
} options;

/* A setting that cannot be used: a file it names that cannot be read is a
 * failure (exit 1), as in every program; anything else is usage (exit 2). */
static _Noreturn void bad_setting(int rc, const char *what, const char *err)
{
	if (rc == -2)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	qts_usage_error(usage, "%s%s", what, err);
}

static void parse_options(int argc, char **argv, options *op)
{
	enum { OPT_RULES = 256, OPT_LIST, OPT_VERSION, OPT_RULE, OPT_FRACTIONAL };
	size_t n;
	const qts_risk_rule_info *t = qts_risk_rules(&n);
	static struct option lo[64];
	if (n + 13 > sizeof lo / sizeof lo[0])
		qts_die(QTS_EXIT_FAIL, "too many rules for the option table");
	size_t k = 0;
	const struct option shared[] = { QTS_STAGE_OPTIONS, QTS_STAGE_FEEDBACK_OPTION, QTS_STAGE_STATE_OPTIONS };
	for (size_t i = 0; i < sizeof shared / sizeof shared[0]; i++)
		lo[k++] = shared[i];
	lo[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[k++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	lo[k++] = (struct option){ "list", no_argument, NULL, OPT_LIST };
	lo[k++] = (struct option){ "rules", required_argument, NULL, OPT_RULES };
	lo[k++] = (struct option){ "fractional", no_argument, NULL, OPT_FRACTIONAL };
	for (size_t i = 0; i < n; i++)
		lo[k++] = (struct option){ t[i].name, required_argument, NULL, OPT_RULE };
	lo[k] = (struct option){ 0 };
	memset(op, 0, sizeof *op);
	qts_risk_config_init(&op->cfg);
	build_usage();
	int c, idx, rc, listing = 0;
	const char *stream_opt = NULL; /* the first option of the stream, which --list would ignore */
	char err[256];
	while ((c = getopt_long(argc, argv, "Mh", lo, &idx)) != -1)
		switch (c) {
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		case OPT_LIST: listing = 1; break;
		case OPT_FRACTIONAL: op->cfg.fractional = 1; stream_opt = "--fractional"; break;
		case OPT_RULES:
			if (!*optarg)
				qts_usage_error(usage, "--rules: an empty file name");
			if ((rc = qts_risk_config_load(&op->cfg, optarg, err)) < 0) {
				/* A bad line says FILE:LINE: what, with no usage after it. */
				if (rc == -1)
					qts_die(QTS_EXIT_USAGE, "%s", err);
				bad_setting(rc, "", err);
			}
			break;
		case OPT_RULE:
			if ((rc = qts_risk_config_set(&op->cfg, lo[idx].name, optarg, err)) < 0)
				bad_setting(rc, "--", err);
			break;
		default:
			if (!qts_stage_option(c, optarg, &op->conf, usage))
				qts_usage_error(usage, NULL);
			if (!stream_opt)
				stream_opt = c == 'M' ? "-M" : argv[optind - 1 - (optarg != NULL && optarg == argv[optind - 1])];
		}
	/* --list reads no stream: an input or an option of the stream would
	 * be ignored, which is a usage error, as in qts-strategy */
	if (listing && optind < argc)
		qts_usage_error(usage, "--list takes no operands: '%s'", argv[optind]);
	if (listing && stream_opt)
		qts_usage_error(usage, "--list goes with --rules and rules alone: not %.*s", (int)strcspn(stream_opt, "="),
				stream_opt);
	if (listing)
		exit(list(&op->cfg));
	op->conf.files = argv + optind; /* none: standard input */
	op->conf.nfiles = (size_t)(argc - optind);
}

/* ---- the emergency stop ------------------------------------------------ */

/* The kill file is looked at on the first event, then after every this
 * many events, at every tick of the runtime (the input paused, or the
 * timer asked for below), and on the first event after a tick:
 * a stat per event would cost more than the rest.  Not by stream time: a
 * replay's stream time runs far ahead of the clock (a stat a bar of
 * minute bars), and the wall-clock timer already bounds how late a stop
 * is seen.  The look after a pause is for a feed that resumes after the
 * file was made while it waited: its first events see the stop. */
enum { CHECK_EVENTS = 1024 };
#define TICK_NS (100 * 1000000LL)

/* Signals counted, not flagged: every qts-risk engine in the process (a
 * `qts pipe` may hold more than one) acts on each signal once.  signals
 * counts both, after them: an event's path looks at it alone. */
static volatile sig_atomic_t halts, resumes, signals;

static void on_usr(int sig)
{
	if (sig == SIGUSR1)
		halts++;
	else
		resumes++;
	signals++;
	qts_stage_wake();
}

typedef struct engine {
	qts_risk *risk;
	char actions_file[QTS_RISK_PATH_MAX]; /* "" none */
	char sectors_file[QTS_RISK_PATH_MAX]; /* "" none */
	qts_emit_fn emit;
	void *arg;
	char kill_file[QTS_RISK_PATH_MAX]; /* "" none */
	int file_seen;     /* the kill file existed at the last look */
	long since;        /* events since the last look */
	sig_atomic_t halts, resumes, signals; /* the signals acted on */
} engine;

static int signalled(const engine *e)
{
	return e->signals != signals;
}

/* Act on the emergency stop's inputs: the kill file appearing or going
 * away, SIGUSR1 and SIGUSR2.  Each acts on a change, so SIGUSR2 lifts a
 * stop even while the file is still there. */
static int watch(engine *e, int look)
{
	e->signals = signals; /* first: one that comes after is seen next time */
	if (e->kill_file[0] && look) {
		struct stat sb;
		int seen = stat(e->kill_file, &sb) == 0;
		e->since = 0;
		if (seen && !e->file_seen) {
			qts_warn("emergency stop: %s exists: flattening, rejecting every order", e->kill_file);
			if (qts_risk_halt(e->risk, "kill file", e->emit, e->arg) < 0)
				return -1;
		} else if (!seen && e->file_seen && qts_risk_halted(e->risk)) {
			qts_warn("emergency stop lifted: %s removed", e->kill_file);
			if (qts_risk_resume(e->risk, "kill file removed", e->emit, e->arg) < 0)
				return -1;
		}
		e->file_seen = seen;
	}
	if (e->halts != halts) {
		e->halts = halts;
		if (!qts_risk_halted(e->risk)) {
			qts_warn("emergency stop: SIGUSR1: flattening, rejecting every order");
			if (qts_risk_halt(e->risk, "SIGUSR1", e->emit, e->arg) < 0)
				return -1;
		}
		qts_stage_checkpoint_soon(); /* --state: the stop is kept at once */
	}
	if (e->resumes != resumes) {
		e->resumes = resumes;
		if (qts_risk_halted(e->risk)) {
			qts_warn("emergency stop lifted: SIGUSR2");
			if (qts_risk_resume(e->risk, "SIGUSR2", e->emit, e->arg) < 0)
				return -1;
		}
		qts_stage_checkpoint_soon(); /* --state: SIGUSR2 is also qts-risk's checkpoint signal */
	}
	return 0;
}

/* ---- the engine --------------------------------------------------------- */

/* An event when a kill file is watched or a signal came: the stop's
 * inputs are looked at first. */
static __attribute__((noinline)) int watched_put(engine *e, const qts_event *ev)
{
	int look = ++e->since >= CHECK_EVENTS;
	if (look || signalled(e)) {
		/* What the stop emits is dated by the event that revealed
		 * it, at the time it became known. */
		qts_risk_clock(e->risk, qts_event_known(ev));
		if (watch(e, look) < 0)
			return -1;
	}
	return qts_risk_event(e->risk, ev, e->emit, e->arg);
}

static int risk_put(void *eng, const qts_event *ev)
{
	engine *e = eng;
	if (__builtin_expect(e->kill_file[0] || signalled(e), 0))
		return watched_put(e, ev);
	return qts_risk_event(e->risk, ev, e->emit, e->arg);
}

static int risk_feedback(void *eng, const qts_event *ev)
{
	engine *e = eng;
	return qts_risk_feedback(e->risk, ev, e->emit, e->arg);
}

/* The input paused, or the timer: a quiet feed sees the stop take effect
 * too, dated at the last event. */
static int risk_tick(void *eng, int64_t now, int idle)
{
	(void)now;
	(void)idle;
	engine *e = eng;
	if (watch(e, 1) < 0)
		return -1;
	/* and again on the next event: it may be the first after a wait,
	 * during which the file was made */
	e->since = CHECK_EVENTS;
	return 0;
}

/* The engine's word on the input (a bar for a time had), or NULL when
 * only emit failed: the output's errors are the runtime's. */
static const char *risk_error(void *eng)
{
	engine *e = eng;
	return qts_risk_error(e->risk);
}

static void risk_counts(void *eng, char *buf, size_t size)
{
	engine *e = eng;
	snprintf(buf, size, "positions=%zu equity=%.10g halted=%d applied=%llu", qts_risk_positions(e->risk),
		 qts_risk_equity(e->risk), qts_risk_halted(e->risk),
		 (unsigned long long)qts_risk_feedback_count(e->risk));
}

/* What n rejections, targets of them targets, were of. */
static const char *orders_and_targets(uint64_t n, uint64_t targets)
{
	return !targets ? (n == 1 ? "order" : "orders") : targets == n ? (n == 1 ? "target" : "targets") : "orders and targets";
}

/* The end of the input: actions none of which matched are said, as in
 * qts-sim, so a mistyped symbol is not taken for a split applied. */
static int risk_finish(void *eng)
{
	engine *e = eng;
	const char *one;
	qts_risk_warn_unmatched(e->risk, e->actions_file);
	if ((one = qts_risk_sectors_unmatched(e->risk)))
		qts_warn("--sectors %s: no symbol of the stream is in it (%s is not): --max-sector limited nothing",
			 e->sectors_file, one);
	int fractional;
	uint64_t n = qts_risk_subunit(e->risk, &one, &fractional);
	if (n)
		qts_warn("%llu target%s or order%s rejected from flat: a limit of the symbol allowed less than one "
			 "whole unit (the first: %s)%s", (unsigned long long)n, n == 1 ? "" : "s", n == 1 ? "" : "s", one,
			 fractional ? "" : "; --fractional keeps fractions");
	uint64_t targets;
	n = qts_risk_malformed(e->risk, &one, &targets);
	if (n)
		qts_warn("%llu %s rejected as not well formed (the first: %s)", (unsigned long long)n,
			 orders_and_targets(n, targets), one);
	n = qts_risk_priceless(e->risk, &one, &targets);
	if (n)
		qts_warn("%llu %s rejected for want of a price or of equity (the first: %s)", (unsigned long long)n,
			 orders_and_targets(n, targets), one);
	n = qts_risk_past_flat(e->risk, &one);
	if (n)
		qts_warn("after %llu exit%s here, the strategy's orders took a position past flat to the other side "
			 "(the first: %s): it was not told of the exit%s; feed the fills back to it and to qts-risk "
			 "(--feedback)", (unsigned long long)n, n == 1 ? "" : "s", one, n == 1 ? "" : "s");
	return 0;
}

static void risk_free(void *eng)
{
	engine *e = eng;
	qts_risk_free(e->risk);
	free(e);
}

/* The engine and the emergency stop's own watch, both ways. */
static int risk_ck(engine *e, qts_ckpt *c)
{
	int rc = c->loading ? qts_risk_restore(e->risk, c) : qts_risk_save(e->risk, c);
	qts_ck_int(c, &e->file_seen);
	/* The events since the last look and, once, the stream time of it:
	 * kept in the layout, so that state files written before stay
	 * readable, but not used: a restarted stage looks on its first event. */
	long since = e->since;
	int64_t unused = 0;
	qts_ck_long(c, &since);
	qts_ck_i64(c, &unused);
	return rc < 0 || !qts_ck_ok(c) ? -1 : 0;
}

static int risk_save(void *eng, qts_ckpt *c)
{
	return risk_ck(eng, c);
}

static int risk_restore(void *eng, qts_ckpt *c)
{
	return risk_ck(eng, c);
}

static const qts_stage_ops risk_ops = {
	.save = risk_save,
	.restore = risk_restore,
	.put = risk_put,
	.feedback = risk_feedback,
	.tick = risk_tick,
	.finish = risk_finish,
	.error = risk_error,
	.counts = risk_counts,
	.free = risk_free,
};

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	options op;
	parse_options(argc, argv, &op);
	char err[256];
	qts_risk *risk = qts_risk_new(&op.cfg, err);
	if (!risk) /* a sectors file that cannot be read is a failure */
		qts_die(errno ? QTS_EXIT_FAIL : QTS_EXIT_USAGE, "%s", err);
	qts_risk_config_free(&op.cfg); /* the engine keeps its own copy */
	engine *e = calloc(1, sizeof *e);
	if (!e)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	e->risk = risk;
	if (op.conf.feedback)
		qts_risk_use_feedback(e->risk);
	e->emit = emit;
	e->arg = arg;
	QTS_SET(e->kill_file, op.cfg.kill_file);
	QTS_SET(e->actions_file, op.cfg.actions_file);
	QTS_SET(e->sectors_file, op.cfg.sectors);
	e->since = CHECK_EVENTS;
	e->halts = halts;
	e->resumes = resumes;
	e->signals = signals;
	/* The stop works on a quiet feed too: the runtime ticks at this
	 * period while a kill file is to be watched, and a signal wakes it. */
	if (e->kill_file[0])
		op.conf.tick_every = TICK_NS;
	struct sigaction sa = { .sa_handler = on_usr, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	st->name = "qts-risk";
	st->ops = &risk_ops;
	st->eng = e;
	st->conf = op.conf;
	st->conf.upstream_ends = QTS_UPSTREAM_STOP;
}

const qts_stage_def qts_risk_stage = { "qts-risk", build };

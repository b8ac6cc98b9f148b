/* resample_stage.c — qts-resample as a stage: its options, and the bar
 * aggregator (resample.c) fed by the runtime.  Market data goes to the
 * aggregator, every other event passes through. */
#include "qts_resample.h"
#include "qts_stage.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: qts-resample [-kpM] [-z ZONE] [-s HH:MM-HH:MM] [--offset DURATION] TF[,TF...] [FILE...]\n"
	"       qts-resample --state FILE [--checkpoint-every N|DURATION] [--output-journal J] ...\n"
	"  -z, --tz ZONE          day, week and month boundaries in ZONE (default UTC)\n"
	"  -s, --session HH:MM-HH:MM  keep only intraday inputs within these local hours;\n"
	"                         an overnight one (17:00-16:00) also starts the trading day\n"
	"      --offset DURATION  intraday bars start this long after the day's start (30m)\n"
	"  -p, --partial          write the unfinished last bars at end of input\n"
	"  -k, --keep             also pass the input bars, ticks and quotes through\n"
	"      --heartbeat DURATION  a system event every DURATION (10s, 1m)\n"
	"      --metrics FILE     Prometheus metrics of the stage in FILE, each second\n"
	"      --busy-poll DURATION  poll without sleeping up to DURATION before a wait\n"
	QTS_STAGE_STATE_HELP
	"  -M, --msgpack          write msgpack (also QTS_FORMAT=msgpack)\n"
	"  -h, --help             this help\n"
	"      --version          print the version\n";

#define MAX_TF 32

enum { OPT_VERSION = 256, OPT_OFFSET };

static const struct option longopts[] = {
	QTS_STAGE_OPTIONS,
	QTS_STAGE_STATE_OPTIONS,
	{ "tz", required_argument, NULL, 'z' },
	{ "session", required_argument, NULL, 's' },
	{ "partial", no_argument, NULL, 'p' },
	{ "keep", no_argument, NULL, 'k' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "offset", required_argument, NULL, OPT_OFFSET },
	{ 0 },
};

typedef struct options {
	qts_tf tf[MAX_TF];
	size_t ntf;
	const char *zone;
	const char *session_arg;
	qts_session session;
	int64_t offset;
	int has_session, partial, keep;
	qts_stage_conf conf;
} options;

static void parse_tfs(options *o, const char *arg)
{
	char buf[1024], canon[MAX_TF][16];
	if (strlen(arg) >= sizeof buf)
		qts_usage_error(usage, "timeframe list too long");
	memcpy(buf, arg, strlen(arg) + 1);
	/* strtok would skip an empty one: `1d,,1w` is a slip, not two */
	if (buf[0] == ',' || strstr(buf, ",,") || (buf[0] && buf[strlen(buf) - 1] == ','))
		qts_usage_error(usage, "'%s': an empty timeframe (TF[,TF...])", arg);
	char *save = NULL;
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (o->ntf == MAX_TF)
			qts_usage_error(usage, "more than %d timeframes", MAX_TF);
		char hint[32];
		if (qts_tf_parse(p, &o->tf[o->ntf]) != 0)
			qts_usage_error(usage, "bad timeframe '%s'%s", p, qts_tf_hint(p, hint));
		/* Seconds, minutes and hours count from the start of each day
		 * (and the last interval ends at its end), so 48h would make a
		 * bar of each day labelled 48h, overlapping the next: days are
		 * what is meant, and d says so. */
		int64_t len = qts_tf_ns(o->tf[o->ntf]);
		if (strchr("smh", o->tf[o->ntf].unit) && len > QTS_NS_PER_DAY) {
			char days[32] = "";
			if (len % QTS_NS_PER_DAY == 0)
				snprintf(days, sizeof days, ": write %lldd", (long long)(len / QTS_NS_PER_DAY));
			qts_usage_error(usage, "timeframe '%s' is longer than a day, within which seconds, minutes and hours count%s",
					p, days);
		}
		qts_tf_format(o->tf[o->ntf], canon[o->ntf]);
		/* 1h and 60m: the same bars twice (qts_tf_parse reads both as
		 * 1h; days and weeks follow the calendar, and stay apart) */
		for (size_t i = 0; i < o->ntf; i++)
			if (strcmp(canon[i], canon[o->ntf]) == 0) {
				if (strcmp(p, canon[i]) != 0)
					qts_usage_error(usage, "timeframe '%s' is %s, given already", p, canon[i]);
				qts_usage_error(usage, "timeframe '%s' given twice", p);
			}
		o->ntf++;
	}
	if (!o->ntf)
		qts_usage_error(usage, "no timeframe in '%s'", arg);
}

static void parse_options(int argc, char **argv, options *o)
{
	char err[QTS_ERR_MAX];
	int c;
	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "z:s:pkMh", longopts, NULL)) != -1)
		switch (c) {
		case 'z':
			if (qts_tz_option("--tz", optarg, err, sizeof err) < 0)
				qts_usage_error(usage, "%s", err);
			o->zone = optarg;
			break;
		case 's':
			if (qts_session_option("--session", optarg, &o->session, err, sizeof err) < 0)
				qts_usage_error(usage, "%s", err);
			o->has_session = 1;
			o->session_arg = optarg;
			break;
		case OPT_OFFSET:
			if (qts_duration_parse(optarg, &o->offset) != 0 || o->offset >= QTS_NS_PER_DAY)
				qts_usage_error(usage, "--offset: '%s' is not a duration under a day (30m, 1h)", optarg);
			break;
		case 'p': o->partial = 1; break;
		case 'k': o->keep = 1; break;
		case 'h':
			fputs(usage, stdout);
			exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		default:
			if (!qts_stage_option(c, optarg, &o->conf, usage))
				qts_usage_error(usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(usage, "no timeframe given");
	parse_tfs(o, argv[optind++]);
	o->conf.files = argv + optind; /* none: stdin */
	o->conf.nfiles = (size_t)(argc - optind);
}

typedef struct engine {
	qts_resampler *rs;
	qts_clock clock;      /* the aggregator's, so they live as long */
	qts_session session;
	qts_emit_fn emit;
	void *arg;
	int partial;
	const char *zone, *session_arg; /* as given, for the end's words */
	int emit_failed;      /* the last -1 came from emit: no error to say */
} engine;

/* The aggregator's emit, in the runtime's order of arguments. */
static int rs_emit(const qts_event *ev, void *arg)
{
	engine *e = arg;
	return e->emit(e->arg, ev);
}

/* An event other than market data, passed on after the bars it comes
 * after; reports are in order only among themselves (qts-events(5)). */
static __attribute__((noinline)) int pass_other(engine *e, const qts_event *ev)
{
	int rc = qts_event_is_news(ev) ? 0 : qts_rs_advance(e->rs, qts_event_known(ev));
	e->emit_failed = rc != -1;
	return rc ? -1 : e->emit(e->arg, ev);
}

static int resample_put(void *eng, const qts_event *ev)
{
	engine *e = eng;
	if (ev->type != QTS_BAR && ev->type != QTS_TICK && ev->type != QTS_QUOTE)
		return pass_other(e, ev);
	int rc = qts_rs_put(e->rs, ev);
	if (rc == 0)
		return 0;
	e->emit_failed = rc == -2;
	return -1;
}

static int resample_finish(void *eng)
{
	engine *e = eng;
	int failed;
	/* A symbol that made no bar, its every input dropped, would leave no
	 * trace in the output: a session in another zone than the data's (-z
	 * forgotten) gave an empty stream and exit 0. */
	const char *first = NULL;
	qts_type kind = QTS_BAR;
	size_t nb = qts_rs_barren(e->rs, &first, &kind);
	if (nb) {
		char more[64] = "";
		if (nb > 1)
			snprintf(more, sizeof more, " (and %zu more symbol%s without a bar)", nb - 1, nb == 2 ? "" : "s");
		if (!e->session_arg)
			qts_warn("%s: no bar: none of its quotes has both a bid and an ask%s", first, more);
		else
			qts_warn("%s: no bar: none of its %s lies within the session %s in %s%s", first,
				 kind == QTS_QUOTE ? "quotes with a bid and an ask" : "inputs", e->session_arg,
				 e->zone ? e->zone : "UTC", more);
	}
	/* The first bar of a symbol may hold part of its interval, as the
	 * last does: the last is dropped (it is not known to be complete),
	 * the first written (its input did not begin before), and either way
	 * a user is told, unless --partial asked for such bars. */
	const char *rsym, *rtf;
	int64_t rstart, rfrom;
	size_t nr = qts_rs_ragged(e->rs, &rsym, &rtf, &rstart, &rfrom);
	if (nr && !e->partial) {
		char a[40], b[40], more[64] = "";
		qts_time_format(rstart, a);
		qts_time_format(rfrom, b);
		if (nr > 1)
			snprintf(more, sizeof more, " (and %zu more first bar%s)", nr - 1, nr == 2 ? "" : "s");
		qts_warn("%s: the first %s bar, from %s, may be partial: its input starts at %s, later in it than in "
			 "the next%s",
			 rsym, rtf, a, b, more);
	}
	size_t n = qts_rs_finish(e->rs, e->partial, &failed);
	if (n && !e->partial)
		qts_warn("dropped %zu unfinished bar%s (use --partial)", n, n == 1 ? "" : "s");
	e->emit_failed = 1;
	return failed ? -1 : 0;
}

static const char *resample_error(void *eng)
{
	engine *e = eng;
	return e->emit_failed ? NULL : qts_rs_error(e->rs);
}

static void resample_free(void *eng)
{
	engine *e = eng;
	qts_rs_free(e->rs);
	free(e);
}

static int resample_save(void *eng, struct qts_ckpt *c)
{
	return qts_rs_save(((engine *)eng)->rs, c);
}

static int resample_restore(void *eng, struct qts_ckpt *c)
{
	return qts_rs_restore(((engine *)eng)->rs, c);
}

static const qts_stage_ops resample_ops = {
	.save = resample_save,
	.restore = resample_restore,
	.put = resample_put,
	.finish = resample_finish,
	.error = resample_error,
	.free = resample_free,
};

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	options o;
	parse_options(argc, argv, &o);
	engine *e = calloc(1, sizeof *e);
	if (!e)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	if (qts_clock_init(&e->clock, o.zone) != 0) /* checked as parsed */
		qts_die(QTS_EXIT_USAGE, "--tz: '%s' is not an installed time zone", o.zone);
	/* An overnight session makes the trading day: it starts at the open,
	 * the evening before its date. */
	qts_clock_set_day(&e->clock, o.has_session ? qts_session_roll(&o.session) : 0,
			  o.offset);
	e->emit = emit;
	e->arg = arg;
	e->partial = o.partial;
	e->session = o.session;
	e->zone = o.zone;
	e->session_arg = o.has_session ? o.session_arg : NULL;
	/* qts_rs_new copies the timeframes, not the clock or the session. */
	qts_rs_conf rc = { o.tf, o.ntf, &e->clock, o.has_session ? &e->session : NULL, o.keep, rs_emit, e };
	if (!(e->rs = qts_rs_new(&rc)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	st->name = "qts-resample";
	st->ops = &resample_ops;
	st->eng = e;
	st->conf = o.conf;
	st->conf.upstream_ends = QTS_UPSTREAM_STOP;
}

const qts_stage_def qts_resample_stage = { "qts-resample", build };

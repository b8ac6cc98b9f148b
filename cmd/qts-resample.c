/* qts-resample — bars of larger timeframes from bars, ticks and quotes. */
#include "qts_resample.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts-resample [-kpM] [-z ZONE] [-s HH:MM-HH:MM] [--offset DURATION] TF[,TF...] [FILE...]\n"
	"  -z, --tz ZONE          day, week and month boundaries in ZONE (default UTC)\n"
	"  -s, --session HH:MM-HH:MM  keep only intraday inputs within these local hours;\n"
	"                         an overnight one (17:00-16:00) also starts the trading day\n"
	"      --offset DURATION  intraday bars start this long after the day's start (30m)\n"
	"  -p, --partial          write the unfinished last bars at end of input\n"
	"  -k, --keep             also pass the input bars, ticks and quotes through\n"
	"  -M, --msgpack          write msgpack (also QTS_FORMAT=msgpack)\n"
	"  -h, --help             this help\n"
	"      --version          print the version\n";

#define MAX_TF 32

struct opts {
	qts_tf tf[MAX_TF];
	size_t ntf;
	const char *zone;
	qts_session session;
	int64_t offset;
	int has_session, partial, keep, msgpack;
	char **files;
	int nfiles;
};

static void parse_tfs(struct opts *o, const char *arg)
{
	char buf[1024], canon[MAX_TF][16];
	if (strlen(arg) >= sizeof buf)
		qts_usage_error(usage, "timeframe list too long");
	memcpy(buf, arg, strlen(arg) + 1);
	char *save = NULL;
	for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		if (o->ntf == MAX_TF)
			qts_usage_error(usage, "more than %d timeframes", MAX_TF);
		if (qts_tf_parse(p, &o->tf[o->ntf]) != 0)
			qts_usage_error(usage, "bad timeframe '%s'", p);
		qts_tf_format(o->tf[o->ntf], canon[o->ntf]);
		for (size_t i = 0; i < o->ntf; i++)
			if (strcmp(canon[i], canon[o->ntf]) == 0)
				qts_usage_error(usage, "timeframe '%s' given twice", p);
		o->ntf++;
	}
	if (!o->ntf)
		qts_usage_error(usage, "no timeframe in '%s'", arg);
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tz", required_argument, NULL, 'z' }, { "session", required_argument, NULL, 's' },
		{ "partial", no_argument, NULL, 'p' }, { "keep", no_argument, NULL, 'k' },
		{ "msgpack", no_argument, NULL, 'M' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { "offset", required_argument, NULL, 'O' }, { 0 } };
	int c;
	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "z:s:pkMh", longopts, NULL)) != -1)
		switch (c) {
		case 'z': o->zone = optarg; break;
		case 's':
			if (qts_session_parse(optarg, &o->session) != 0)
				qts_usage_error(usage, "bad session '%s' (want HH:MM-HH:MM)", optarg);
			o->has_session = 1;
			break;
		case 'O':
			if (qts_duration_parse(optarg, &o->offset) != 0 || o->offset >= QTS_NS_PER_DAY)
				qts_usage_error(usage, "--offset: '%s' is not a duration under a day (30m, 1h)", optarg);
			break;
		case 'p': o->partial = 1; break;
		case 'k': o->keep = 1; break;
		case 'M': o->msgpack = 1; break;
		case 'h':
			fputs(usage, stdout);
			exit(qts_close_stdout());
		case 'V': qts_print_version();
		default: qts_usage_error(usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(usage, "no timeframe given");
	parse_tfs(o, argv[optind++]);
	o->files = argv + optind; /* none: stdin */
	o->nfiles = argc - optind;
}

static int put(const qts_event *ev, void *w)
{
	return qts_writer_put(w, ev) < 0 ? -1 : 0;
}

/* Read every input in time order (one input: as it comes), resample the
 * market data, pass the rest through.  Returns the exit status. */
static int run(const struct opts *o, qts_resampler *rs, qts_writer *w)
{
	char err[512];
	qts_inputs *in = qts_inputs_open(o->files, (size_t)o->nfiles, w, err, sizeof err);
	if (!in)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	qts_event ev;
	int got = 0, status = QTS_EXIT_OK, write_failed = 0;
	while (!qts_interrupted && (got = qts_inputs_next(in, &ev)) > 0) {
		int rc;
		if (ev.type == QTS_BAR || ev.type == QTS_TICK || ev.type == QTS_QUOTE)
			rc = qts_rs_put(rs, &ev);
		else
			rc = qts_writer_put(w, &ev) < 0 ? -2 : 0;
		if (rc == -1) {
			qts_warn("%s: %s", qts_inputs_where(in), qts_rs_error(rs));
			status = QTS_EXIT_FAIL;
			break;
		}
		if (rc == -2) {
			/* qts_writer_close reports it (quietly for a closed pipe). */
			write_failed = 1;
			break;
		}
	}
	if (got < 0 && !write_failed && !qts_interrupted) {
		qts_warn("%s", qts_inputs_error(in));
		status = QTS_EXIT_FAIL;
	}
	if (status == QTS_EXIT_OK && !write_failed && !qts_interrupted) {
		int failed;
		size_t n = qts_rs_finish(rs, o->partial, &failed);
		if (n && !o->partial)
			qts_warn("dropped %zu unfinished bar%s (use --partial)", n, n == 1 ? "" : "s");
	}
	qts_inputs_close(in);
	return status;
}

int main(int argc, char **argv)
{
	struct opts o;
	qts_clock clock;
	qts_init(argv[0]);
	parse_args(&o, argc, argv);
	if (qts_clock_init(&clock, o.zone) != 0)
		qts_usage_error(usage, "unknown time zone '%s'", o.zone);
	/* An overnight session makes the trading day: it starts at the open,
	 * the evening before its date. */
	qts_clock_set_day(&clock, o.has_session && o.session.start > o.session.end ? o.session.start : 0, o.offset);

	qts_writer *w = qts_writer_new(STDOUT_FILENO, qts_output_format(o.msgpack));
	qts_rs_conf conf = { o.tf, o.ntf, &clock, o.has_session ? &o.session : NULL, o.keep, put, NULL };
	conf.arg = w;
	qts_resampler *rs = w ? qts_rs_new(&conf) : NULL;
	if (!rs)
		qts_die(QTS_EXIT_FAIL, "out of memory");

	int status = run(&o, rs, w);
	qts_rs_free(rs);
	return qts_finish(w, status);
}

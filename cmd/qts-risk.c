/* qts-risk — approves, reduces or rejects targets and orders against risk
 * rules, generates exits, and stops everything on an emergency stop. */
#include "qts_risk.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char usage[8192];

/* The kill file is looked at on the first event, then whenever this many
 * events or this much stream time went by, and every IDLE_MS while the
 * input is idle: a stat per event would cost more than the rest. */
enum { CHECK_EVENTS = 1024, IDLE_MS = 100 };
#define CHECK_NS (100 * 1000000LL)

struct opts {
	qts_risk_config cfg;
	int msgpack;
	const char *input;
};

struct run {
	qts_risk *risk;
	qts_writer *w;
	const char *kill_file;
	int fd;
	int file_seen;  /* the kill file existed at the last look */
	long since;     /* events since the last look */
	int64_t last_ts;
	int failed;     /* a write failed */
};

static volatile sig_atomic_t want_halt, want_resume;

static void on_usr(int sig)
{
	if (sig == SIGUSR1)
		want_halt = 1;
	else
		want_resume = 1;
}

static void build_usage(void)
{
	size_t n, len;
	const qts_risk_rule_info *t = qts_risk_rules(&n);
	len = (size_t)snprintf(usage, sizeof usage,
			       "usage: qts-risk [-M] [--fractional] [--rules FILE] [--instrument SPEC]...\n"
			       "                [--instruments FILE] [--RULE VALUE]... [FILE]\n"
			       "       qts-risk --list | --help | --version\n"
			       "  -M, --msgpack                write msgpack\n"
			       "  --fractional                 targets in fractional units (as qts-sim --fractional)\n"
			       "  --rules FILE                 read `RULE VALUE` lines from FILE\n"
			       "  --list                       list the rules\n");
	for (size_t i = 0; i < n && len < sizeof usage; i++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s %s", t[i].name, t[i].param);
		len += (size_t)snprintf(usage + len, sizeof usage - len, "  %-28s %s\n", flag, t[i].summary);
	}
}

static int list(void)
{
	size_t n;
	const qts_risk_rule_info *t = qts_risk_rules(&n);
	for (size_t i = 0; i < n; i++)
		printf("%-22s %-14s %s\n", t[i].name, t[i].param, t[i].summary);
	return qts_close_stdout();
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	enum { OPT_RULES = 256, OPT_LIST, OPT_VERSION, OPT_RULE, OPT_FRACTIONAL };
	size_t n;
	const qts_risk_rule_info *t = qts_risk_rules(&n);
	static struct option lo[64];
	if (n + 7 > sizeof lo / sizeof lo[0])
		qts_die(QTS_EXIT_FAIL, "too many rules for the option table");
	size_t k = 0;
	lo[k++] = (struct option){ "msgpack", no_argument, NULL, 'M' };
	lo[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[k++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	lo[k++] = (struct option){ "list", no_argument, NULL, OPT_LIST };
	lo[k++] = (struct option){ "rules", required_argument, NULL, OPT_RULES };
	lo[k++] = (struct option){ "fractional", no_argument, NULL, OPT_FRACTIONAL };
	for (size_t i = 0; i < n; i++)
		lo[k++] = (struct option){ t[i].name, required_argument, NULL, OPT_RULE };
	qts_risk_config_init(&o->cfg);
	int c, idx;
	char err[256];
	while ((c = getopt_long(argc, argv, "Mh", lo, &idx)) != -1)
		switch (c) {
		case 'M': o->msgpack = 1; break;
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		case OPT_LIST: exit(list());
		case OPT_FRACTIONAL: o->cfg.fractional = 1; break;
		case OPT_RULES:
			if (qts_risk_config_load(&o->cfg, optarg, err) < 0)
				qts_die(QTS_EXIT_USAGE, "%s", err);
			break;
		case OPT_RULE:
			if (qts_risk_config_set(&o->cfg, lo[idx].name, optarg, err) < 0) {
				/* A file that will not read is a failure, as in qts-sim. */
				if (strcmp(lo[idx].name, "instruments") == 0)
					qts_die(QTS_EXIT_FAIL, "%s", err);
				qts_usage_error(usage, "--%s", err);
			}
			break;
		default: qts_usage_error(usage, NULL);
		}
	if (argc - optind > 1)
		qts_usage_error(usage, "one input at most");
	o->input = optind < argc ? argv[optind] : "-";
}

static int emit(void *arg, const qts_event *ev)
{
	struct run *st = arg;
	if (qts_writer_put(st->w, ev) < 0) {
		st->failed = 1;
		return -1;
	}
	return 0;
}

/* Act on the emergency stop's inputs: the kill file appearing or going
 * away, SIGUSR1 and SIGUSR2.  Each acts on a change, so SIGUSR2 lifts a
 * stop even while the file is still there. */
static void watch(struct run *st, int look)
{
	if (st->kill_file && look) {
		struct stat sb;
		int seen = stat(st->kill_file, &sb) == 0;
		st->since = 0;
		if (seen && !st->file_seen) {
			qts_warn("emergency stop: %s exists: flattening, rejecting every order", st->kill_file);
			if (qts_risk_halt(st->risk, "kill file", emit, st) < 0)
				return;
		} else if (!seen && st->file_seen && qts_risk_halted(st->risk)) {
			qts_warn("emergency stop lifted: %s removed", st->kill_file);
			if (qts_risk_resume(st->risk, "kill file removed", emit, st) < 0)
				return;
		}
		st->file_seen = seen;
	}
	if (want_halt) {
		want_halt = 0;
		if (!qts_risk_halted(st->risk)) {
			qts_warn("emergency stop: SIGUSR1: flattening, rejecting every order");
			if (qts_risk_halt(st->risk, "SIGUSR1", emit, st) < 0)
				return;
		}
	}
	if (want_resume) {
		want_resume = 0;
		if (qts_risk_halted(st->risk)) {
			qts_warn("emergency stop lifted: SIGUSR2");
			qts_risk_resume(st->risk, "SIGUSR2", emit, st);
		}
	}
}

/* The input would block: flush, then keep watching until it is readable
 * so an emergency stop takes effect on a quiet feed too. */
static void on_idle(void *arg)
{
	struct run *st = arg;
	for (;;) {
		if (qts_writer_flush(st->w) < 0)
			st->failed = 1;
		if (st->failed || qts_interrupted)
			return;
		struct pollfd p = { .fd = st->fd, .events = POLLIN };
		int n = poll(&p, 1, IDLE_MS);
		if (n > 0 || (n < 0 && errno != EINTR))
			return;
		watch(st, 1);
	}
}

static int run(const struct opts *o)
{
	char err[256];
	struct run st = { .kill_file = o->cfg.kill_file[0] ? o->cfg.kill_file : NULL, .since = CHECK_EVENTS };
	if (!(st.risk = qts_risk_new(&o->cfg, err)))
		qts_die(QTS_EXIT_USAGE, "%s", err);
	st.fd = strcmp(o->input, "-") == 0 ? STDIN_FILENO : open(o->input, O_RDONLY | O_CLOEXEC);
	if (st.fd < 0)
		qts_die(QTS_EXIT_FAIL, "%s: %s", o->input, strerror(errno));
	qts_reader *r = qts_reader_fdopen(st.fd, o->input);
	if (!r || !(st.w = qts_writer_new(STDOUT_FILENO, qts_output_format(o->msgpack))))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_reader_on_idle(r, on_idle, &st);

	qts_event ev;
	int got = 0, status = QTS_EXIT_OK;
	while (!st.failed && (got = qts_reader_next(r, &ev)) > 0) {
		int look = ++st.since >= CHECK_EVENTS || (uint64_t)ev.ts - (uint64_t)st.last_ts >= (uint64_t)CHECK_NS;
		if (look || want_halt || want_resume) {
			/* What the stop emits is dated by the event that revealed it,
			 * at the time it became known. */
			if (st.kill_file || want_halt || want_resume)
				qts_risk_clock(st.risk, qts_event_known(&ev));
			if (look)
				st.last_ts = ev.ts;
			watch(&st, look);
			if (st.failed)
				break;
		}
		if (qts_risk_event(st.risk, &ev, emit, &st) < 0)
			break;
	}
	if (!st.failed && got < 0 && !qts_interrupted) {
		qts_warn("%s", qts_reader_error(r));
		status = QTS_EXIT_FAIL;
	}
	qts_reader_close(r);
	if (status)
		qts_writer_fail(st.w, NULL);
	if (qts_writer_close(st.w) < 0 || st.failed) {
		if (errno != EPIPE)
			qts_warn("write error: %s", strerror(errno));
		status = errno == EPIPE ? status : QTS_EXIT_FAIL;
	}
	qts_risk_free(st.risk);
	return status;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	qts_init(argv[0]);
	struct sigaction sa = { .sa_handler = on_usr, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	build_usage();
	parse_args(argc, argv, &o);
	int status = run(&o);
	qts_risk_config_free(&o.cfg);
	if (qts_interrupted)
		return 128 + qts_interrupted;
	int s = qts_close_stdout();
	return status ? status : s;
}

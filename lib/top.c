/* top.c — `qts top`: the live view of a running pipeline, read from the
 * metrics files its stages write (--metrics), one line a stage, refreshed.
 * Rates come from two readings; latency quantiles from the histogram's
 * buckets (the bucket's upper bound, as Prometheus's histogram_quantile
 * would say it at most). */
#include "qts.h"
#include "qts_loop.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts top [-n COUNT] [-d DURATION] [--once] FILE|DIR...\n"
	"       qts top --version | --help\n"
	"Show the stages of a pipeline from their --metrics files (qts(1)).\n"
	"  -d, --delay DURATION      refresh every DURATION (1s)\n"
	"  -n, --iterations COUNT    stop after COUNT screens\n"
	"      --once                print one table, without screen control, and exit\n"
	"  -h, --help                this help\n"
	"      --version             print the version\n";

#define BOUNDS 17

typedef struct stage_view {
	char path[512];
	char name[64];
	int ok;                   /* read this time */
	double in, out, errors, warnings, lag, uptime;
	double bucket[BOUNDS];    /* cumulative counts by le */
	double le[BOUNDS];
	int nb;
	double count;
	double prev_in, prev_out; /* the write before, for rates (rates) */
	double prev_up;
	int64_t prev_at;          /* when it was read */
	double in_rate, out_rate;
} stage_view;

/* A stage's rates from two writes of its metrics: the counts' change
 * over the change of its uptime, written with them, so that a refresh
 * out of step with the stage's writes (each second) reads neither a burst
 * nor a stop.  A file not written again since keeps its rates, until it
 * is longer unwritten than a live stage leaves it (held up or idle, it
 * writes each second): then the stage is gone, and its rates 0. */
static void rates(stage_view *v, int64_t now)
{
	if (v->uptime == v->prev_up) {
		if (now - v->prev_at > 3 * QTS_NS_PER_SEC)
			v->in_rate = v->out_rate = 0;
		return;
	}
	double dt = v->uptime - v->prev_up; /* NaN the first time */
	v->in_rate = dt > 0 ? (v->in - v->prev_in) / dt : NAN;
	v->out_rate = dt > 0 ? (v->out - v->prev_out) / dt : NAN;
	v->prev_in = v->in;
	v->prev_out = v->out;
	v->prev_up = v->uptime;
	v->prev_at = now;
}

/* A label's value from p (after its opening quote) into out, as the
 * exposition format escapes it (\\, \", \n), and shown safe: a control
 * character (a terminal's escape sequence in a file written by anyone)
 * becomes '?'. */
static void label_value(const char *p, char *out, size_t size)
{
	size_t n = 0;
	for (; *p && *p != '"' && n + 1 < size; p++) {
		char c = *p;
		if (c == '\\' && p[1]) {
			c = *++p;
			if (c == 'n')
				c = '\n';
		}
		out[n++] = (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
	}
	out[n] = '\0';
}

static int parse_file(stage_view *v)
{
	FILE *f = fopen(v->path, "r");
	if (!f)
		return -1;
	char line[1024];
	v->in = v->out = v->errors = v->warnings = v->count = 0;
	v->lag = v->uptime = NAN;
	v->nb = 0;
	v->name[0] = '\0';
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#')
			continue;
		char *brace = strchr(line, '{'), *close = brace ? strchr(brace, '}') : NULL;
		if (!brace || !close)
			continue;
		*brace = '\0';
		double value = strtod(close + 1, NULL);
		const char *stage = strstr(brace + 1, "stage=\"");
		if (stage && !v->name[0])
			label_value(stage + 7, v->name, sizeof v->name);
		const char *name = line;
		if (!strcmp(name, "qts_events_in_total"))
			v->in += value;
		else if (!strcmp(name, "qts_events_out_total"))
			v->out += value;
		else if (!strcmp(name, "qts_errors_total"))
			v->errors = value;
		else if (!strcmp(name, "qts_warnings_total"))
			v->warnings = value;
		else if (!strcmp(name, "qts_lag_seconds"))
			v->lag = value;
		else if (!strcmp(name, "qts_uptime_seconds"))
			v->uptime = value;
		else if (!strcmp(name, "qts_event_seconds_count"))
			v->count = value;
		else if (!strcmp(name, "qts_event_seconds_bucket") && v->nb < BOUNDS) {
			const char *le = strstr(brace + 1, "le=\"");
			v->le[v->nb] = le ? (strncmp(le + 4, "+Inf", 4) == 0 ? INFINITY : strtod(le + 4, NULL)) : NAN;
			v->bucket[v->nb++] = value;
		}
	}
	fclose(f);
	return v->name[0] ? 0 : -1;
}

/* The upper bound of the bucket where quantile q falls, seconds. */
static double quantile(const stage_view *v, double q)
{
	if (v->count <= 0)
		return NAN;
	for (int i = 0; i < v->nb; i++)
		if (v->bucket[i] >= q * v->count)
			return v->le[i];
	return INFINITY;
}

static void fmt_seconds(double s, char *buf, size_t n)
{
	if (isnan(s))
		snprintf(buf, n, "-");
	else if (isinf(s))
		snprintf(buf, n, ">100ms");
	else if (fabs(s) < 1e-3)
		snprintf(buf, n, "%.0fus", s * 1e6);
	else if (fabs(s) < 1)
		snprintf(buf, n, "%.1fms", s * 1e3);
	else if (fabs(s) < 120)
		snprintf(buf, n, "%.1fs", s);
	else if (fabs(s) < 7200)
		snprintf(buf, n, "%.0fm", s / 60);
	else if (fabs(s) < 172800)
		snprintf(buf, n, "%.0fh", s / 3600);
	else
		snprintf(buf, n, "%.0fd", s / 86400);
}

static void fmt_count(double c, char *buf, size_t n)
{
	if (isnan(c))
		snprintf(buf, n, "-");
	else if (c < 1e4)
		snprintf(buf, n, "%.0f", c);
	else if (c < 1e7)
		snprintf(buf, n, "%.1fk", c / 1e3);
	else if (c < 1e10)
		snprintf(buf, n, "%.1fM", c / 1e6);
	else
		snprintf(buf, n, "%.1fG", c / 1e9);
}

/* The metrics files named: FILEs, and the *.prom files of DIRs. */
static size_t collect(char **args, int n, stage_view **views, size_t have)
{
	char paths[256][512];
	size_t np = 0;
	for (int i = 0; i < n && np < 256; i++) {
		struct stat st;
		if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(args[i]);
			struct dirent *e;
			while (d && (e = readdir(d)) && np < 256) {
				size_t len = strlen(e->d_name);
				if (len > 5 && strcmp(e->d_name + len - 5, ".prom") == 0)
					snprintf(paths[np++], 512, "%s/%s", args[i], e->d_name);
			}
			if (d)
				closedir(d);
		} else
			snprintf(paths[np++], 512, "%s", args[i]);
	}
	/* keep what was known of each path (for its rates) */
	stage_view *next = calloc(np ? np : 1, sizeof *next);
	if (!next)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	for (size_t i = 0; i < np; i++) {
		QTS_SET(next[i].path, paths[i]);
		next[i].prev_up = NAN;
		for (size_t j = 0; j < have; j++)
			if (strcmp((*views)[j].path, paths[i]) == 0)
				next[i] = (*views)[j];
	}
	free(*views);
	*views = next;
	return np;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const stage_view *)a)->name, ((const stage_view *)b)->name);
}

static void screen(FILE *o, stage_view *v, size_t n, int interactive)
{
	if (interactive)
		fputs("\033[H\033[2J", o);
	fprintf(o, "%-16s %9s %9s %9s %9s %6s %6s %8s %8s %8s %8s\n", "STAGE", "IN", "IN/S", "OUT", "OUT/S", "ERR",
		"WARN", "LAG", "P50", "P99", "UP");
	int shown = 0;
	for (size_t i = 0; i < n; i++) {
		if (!v[i].ok)
			continue;
		char in[16], ir[16], out[16], or[16], lag[16], p50[16], p99[16], up[16];
		fmt_count(v[i].in, in, sizeof in);
		fmt_count(v[i].in_rate, ir, sizeof ir);
		fmt_count(v[i].out, out, sizeof out);
		fmt_count(v[i].out_rate, or, sizeof or);
		fmt_seconds(v[i].lag, lag, sizeof lag);
		fmt_seconds(quantile(&v[i], 0.5), p50, sizeof p50);
		fmt_seconds(quantile(&v[i], 0.99), p99, sizeof p99);
		fmt_seconds(v[i].uptime, up, sizeof up);
		fprintf(o, "%-16.16s %9s %9s %9s %9s %6.0f %6.0f %8s %8s %8s %8s\n", v[i].name, in, ir, out, or,
			v[i].errors, v[i].warnings, lag, p50, p99, up);
		shown++;
	}
	if (!shown)
		fprintf(o, "(no metrics files yet)\n");
	if (interactive)
		fputs("\nq: quit\n", o);
	fflush(o);
}

static struct termios saved_tty;
static int tty_raw;

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
	tty_raw = 0;
}

int qts_top_main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "delay", required_argument, NULL, 'd' }, { "iterations", required_argument, NULL, 'n' },
		{ "once", no_argument, NULL, 'o' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { 0 } };
	int64_t delay = QTS_NS_PER_SEC;
	long iterations = 0;
	int once = 0, c;
	char err[128];
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:n:h", longs, NULL)) != -1)
		switch (c) {
		case 'd':
			if (qts_duration_parse(optarg, &delay) < 0 || delay < 100000000 || delay > 3600 * QTS_NS_PER_SEC)
				qts_usage_error(usage, "--delay: '%s' is not a duration from 100ms to 1h", optarg);
			break;
		case 'n':
			if (qts_parse_long(optarg, 1, 1000000000L, &iterations, err) < 0)
				qts_usage_error(usage, "--iterations: %s", err);
			break;
		case 'o': once = 1; break;
		case 'h': fputs(usage, stdout); return qts_close_stdout();
		case 'V': qts_print_version();
		default: qts_usage_error(usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(usage, "no metrics FILE or DIR given");
	int interactive = !once && isatty(STDOUT_FILENO);
	if (interactive && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
		struct termios raw = saved_tty;
		raw.c_lflag &= (tcflag_t) ~(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0) {
			tty_raw = 1;
			atexit(restore_tty);
		}
	}
	stage_view *v = NULL;
	size_t n = 0;
	int status = QTS_EXIT_OK;
	for (long shown = 0; !qts_interrupted; shown++) {
		n = collect(argv + optind, argc - optind, &v, n);
		int64_t now = qts_loop_now();
		size_t ok = 0;
		for (size_t i = 0; i < n; i++) {
			v[i].ok = parse_file(&v[i]) == 0;
			if (!v[i].ok)
				continue;
			ok++;
			rates(&v[i], now);
		}
		qsort(v, n, sizeof *v, by_name);
		if (once) {
			screen(stdout, v, n, 0);
			if (!ok) {
				qts_warn("no metrics file could be read");
				status = QTS_EXIT_FAIL;
			}
			break;
		}
		screen(stdout, v, n, interactive);
		if (iterations && shown + 1 >= iterations)
			break;
		/* wait for the delay, or a q typed */
		int64_t until = qts_loop_now() + delay;
		int quit = 0;
		while (!qts_interrupted && !quit) {
			int64_t left = until - qts_loop_now();
			if (left <= 0)
				break;
			struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
			if (poll(&p, tty_raw ? 1 : 0, (int)(left / 1000000) + 1) > 0) {
				char ch;
				if (read(STDIN_FILENO, &ch, 1) == 1 && (ch == 'q' || ch == 'Q'))
					quit = 1;
			}
		}
		if (quit)
			break;
	}
	free(v);
	restore_tty();
	if (qts_interrupted) /* Ctrl-C is how a view is left: said by the status alone */
		return 128 + qts_interrupted;
	return status == QTS_EXIT_OK ? qts_close_stdout() : status;
}

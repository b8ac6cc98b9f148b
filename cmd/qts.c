/* qts — runs `qts NAME ARGS` as `qts-NAME ARGS` (as git does), and holds the
 * small helpers that do not deserve a name of their own. */
#include "qts.h"
#include "qts_journal.h"
#include "qts_parquet.h"
#include "qts_stage.h"
#include "qts_sweep.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts NAME [ARG...]      run qts-NAME\n"
	"       qts help               list the programs\n"
	"       qts cat [-M | --msgpack] [FILE...]\n"
	"                              copy event streams, converting CSV and msgpack\n"
	"       qts cat --parquet OUT [FILE...]\n"
	"                              write the events as a Parquet file OUT (snappy),\n"
	"                              of the first event's type qts knows; others are skipped\n"
	"       qts pipe [-M | --msgpack] [--threads 1|2] 'STAGE [ARG...] | STAGE [ARG...] ...' [FILE...]\n"
	"                              run a pipeline of stages in one process\n"
	"       qts journal [OPTION...] FILE [INPUT...]\n"
	"                              append the stream to a journal, passing it on\n"
	"       qts journal cat [OPTION...] FILE...\n"
	"                              replay journals as a stream\n"
	"       qts sweep [OPTION...] 'STAGE [ARG...] | ...' PARAM=SPEC... [FILE...]\n"
	"                              a backtest over a grid of parameters (qts sweep --help)\n"
	"       qts top [-n COUNT] [-d DURATION] [--once] FILE|DIR...\n"
	"                              the live view of a pipeline's --metrics files\n"
	"       qts bus pub|sub [OPTION...] SUBJECT\n"
	"                              bridge a stream to a NATS subject (runs qts-bus)\n"
	"       qts --version | --help\n";

static const char cat_usage[] =
	"usage: qts cat [-M | --msgpack] [FILE...]\n"
	"       qts cat --parquet OUT [FILE...]\n"
	"       qts cat --version | --help\n"
	"Copy event streams, converting CSV and msgpack (qts(1)).\n"
	"  -M, --msgpack      write msgpack (also QTS_FORMAT=msgpack)\n"
	"      --parquet OUT  write the events as a Parquet file OUT (snappy), of the\n"
	"                     first event's type qts knows; others are skipped\n"
	"  -h, --help         this help\n"
	"      --version      print the version\n";

static const char pipe_usage[] =
	"usage: qts pipe [-M | --msgpack] [--threads 1|2] 'STAGE [ARG...] | STAGE [ARG...] ...' [FILE...]\n"
	"       qts pipe --version | --help\n"
	"Run a pipeline of stages in one process (qts(1)).\n"
	"  -M, --msgpack      write msgpack (also QTS_FORMAT=msgpack)\n"
	"      --threads 1|2  threads the stages run on (default 2)\n"
	"  -h, --help         this help\n"
	"      --version      print the version\n";

/* Where this program lives, so its siblings are found before PATH. */
static void self_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	dir[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* qts help: the qts-* programs beside this one. */
static int help(void)
{
	char dir[PATH_MAX];
	self_dir(dir, sizeof dir);
	DIR *d = opendir(dir);
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while (d && (e = readdir(d)) && n < 64)
		if (strncmp(e->d_name, "qts-", 4) == 0)
			names[n++] = strdup(e->d_name);
	if (d)
		closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	fputs(usage, stdout);
	puts("\nprograms (see each one's man page):");
	for (size_t i = 0; i < n; i++) {
		printf("  %s\n", names[i] + 4);
		free(names[i]);
	}
	return qts_close_stdout();
}

/* qts cat --parquet OUT: the events of one type (the first event's) as a
 * Parquet file, written whole; events of other types are counted and
 * said, not written. */
static int cat_parquet(const char *out, char **files, int nfiles)
{
	char err[QTS_ERR_MAX];
	qts_pq_writer *pw = qts_pq_writer_open(out, QTS_PQ_SNAPPY, err, sizeof err);
	if (!pw)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	long skipped = 0, written = 0;
	for (int i = 0; i < nfiles && !qts_interrupted; i++) {
		qts_reader *r = qts_reader_open(files[i]);
		if (!r) {
			qts_pq_writer_abort(pw);
			qts_die(QTS_EXIT_FAIL, "%s: %s", files[i], strerror(errno));
		}
		qts_event ev;
		int got, put;
		while ((got = qts_reader_next(r, &ev)) > 0) {
			if ((put = qts_pq_writer_put(pw, &ev, err, sizeof err)) < 0) {
				qts_pq_writer_abort(pw);
				if (put == QTS_PQ_NO_COLUMNS)
					qts_die(QTS_EXIT_FAIL, "%s: %s; %s not written", qts_reader_where(r), err, out);
				qts_die(QTS_EXIT_FAIL, "%s", err);
			}
			put ? written++ : skipped++;
		}
		if (got < 0 || qts_interrupted || qts_upstream_failure()) {
			/* A stream cut short makes no file: a reader would take it as all. */
			qts_pq_writer_abort(pw);
			if (qts_interrupted)
				return 128 + qts_interrupted;
			qts_die(QTS_EXIT_FAIL, "%s; %s not written", got < 0 ? qts_reader_error(r)
				: qts_upstream_failure(), out);
		}
		qts_reader_close(r);
	}
	const char *type = qts_type_name(qts_pq_writer_type(pw));
	if (qts_pq_writer_close(pw, err, sizeof err) < 0)
		qts_die(QTS_EXIT_FAIL, "%s", err);
	if (skipped)
		qts_warn("%s: %ld %s event%s written; %ld event%s of other types skipped (a Parquet file holds "
			 "one type qts knows: the first such event's)", out, written, type ? type : "bar", written == 1 ? "" : "s",
			 skipped, skipped == 1 ? "" : "s");
	return qts_close_stdout();
}

static int cat(int argc, char **argv)
{
	enum { OPT_PARQUET = 256, OPT_VERSION };
	static const struct option opts[] = {
		{ "msgpack", no_argument, NULL, 'M' }, { "parquet", required_argument, NULL, OPT_PARQUET },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, OPT_VERSION }, { 0 } };
	int c, msgpack = 0;
	const char *parquet = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "Mh", opts, NULL)) != -1)
		switch (c) {
		case 'M': msgpack = 1; break;
		case OPT_PARQUET:
			if (!*optarg)
				qts_usage_error(cat_usage, "--parquet: an empty file name");
			parquet = optarg;
			break;
		case 'h': fputs(cat_usage, stdout); return qts_close_stdout();
		case OPT_VERSION: qts_print_version();
		default: qts_usage_error(cat_usage, NULL);
		}
	if (parquet && msgpack)
		qts_usage_error(cat_usage, "--parquet and --msgpack: one output format");
	/* What the stream says of itself is the reader's, `qts: FILE:LINE:`,
	 * as scripts know it */
	qts_progname = "qts";
	if (parquet) {
		char *stdin_one[] = { "-" };
		return cat_parquet(parquet, optind < argc ? argv + optind : stdin_one, optind < argc ? argc - optind : 1);
	}
	qts_writer *w = qts_writer_new(STDOUT_FILENO, qts_output_format(msgpack));
	if (!w)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	char *stdin_only[] = { "-" };
	char **files = optind < argc ? argv + optind : stdin_only;
	int nfiles = optind < argc ? argc - optind : 1, status = QTS_EXIT_OK;

	/* The files one after the other make one stream: in time order as a
	 * whole (a stage reading it refuses one going back), and ended by the
	 * first bad record, as a reader stops there. */
	qts_time_order order = QTS_TIME_ORDER_START;
	int ended = 0; /* by a bad record */
	for (int i = 0; i < nfiles && !qts_interrupted && !ended; i++) {
		qts_reader *r = qts_reader_open(files[i]);
		if (!r) { /* said, and the others read, as cat(1) does */
			qts_warn("%s: %s", files[i], strerror(errno));
			status = QTS_EXIT_FAIL;
			continue;
		}
		qts_reader_on_idle(r, qts_writer_idle_flush, w);
		qts_event ev;
		int got;
		while ((got = qts_reader_next(r, &ev)) > 0) {
			if (nfiles > 1 && !qts_reader_untimed_last(r)) {
				if (i > 0 && qts_time_order_late(&order, &ev)) {
					char why[QTS_ERR_MAX];
					qts_time_order_why(&order, &ev, why, sizeof why);
					qts_warn("%s: %s in the files before it: out of time order (qts-fetch merges files by time)",
						 qts_reader_where(r), why);
					status = QTS_EXIT_FAIL;
					ended = 1;
					break;
				}
				if (qts_time_order_take(&order, &ev) < 0)
					qts_die(QTS_EXIT_FAIL, "out of memory");
			}
			if (qts_writer_put(w, &ev) < 0)
				break;
		}
		if (got < 0 && !qts_interrupted) {
			qts_warn("%s", qts_reader_error(r));
			status = QTS_EXIT_FAIL;
			ended = 1;
		}
		qts_reader_close(r);
	}
	qts_time_order_free(&order);
	return qts_finish(w, status);
}

/* qts pipe: the stages of a shell pipeline, chained in this process
 * (pipe.c), as fast as the engines go and with the same output. */
static int pipe_run(int argc, char **argv)
{
	enum { OPT_VERSION = 256 };
	static const struct option opts[] = {
		{ "msgpack", no_argument, NULL, 'M' }, { "threads", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, OPT_VERSION }, { 0 } };
	int c, msgpack = 0;
	long threads = 2;
	char err[QTS_ERR_MAX];
	optind = 1;
	/* options anywhere, as every stage takes them (qts pipe 'qts-sim' FILE
	 * -M): the pipeline is one word, its stages' options inside it */
	while ((c = getopt_long(argc, argv, "Mh", opts, NULL)) != -1)
		switch (c) {
		case 'M': msgpack = 1; break;
		case 'T':
			if (qts_parse_long(optarg, 1, 2, &threads, err) < 0)
				qts_usage_error(pipe_usage, "--threads: %s", err);
			break;
		case 'h': fputs(pipe_usage, stdout); return qts_close_stdout();
		case OPT_VERSION: qts_print_version();
		default: qts_usage_error(pipe_usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(pipe_usage, "no pipeline given");
	qts_stage st = { 0 };
	qts_runtime *rt = qts_runtime_new();
	qts_pipe_build(&st, argv[optind], argv + optind + 1, (size_t)(argc - optind - 1), msgpack, (int)threads, rt);
	return qts_runtime_run(rt, &st);
}

/* argv of the command NAME, named so for its messages */
static char **as_command(char **argv, const char *name)
{
	qts_progname = name;
	argv[0] = (char *)name;
	return argv;
}

int main(int argc, char **argv)
{
	qts_init(argv[0]);
	if (argc < 2)
		qts_usage_error(usage, NULL);
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0)
		qts_print_version();
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		fputs(usage, stdout);
		return qts_close_stdout();
	}
	if (strcmp(name, "help") == 0)
		return help();
	/* A command's messages and --version say `qts NAME`, getopt's too
	 * (it names argv[0]): `cat: unrecognized option` would be cat(1)'s */
	if (strcmp(name, "cat") == 0)
		return cat(argc - 1, as_command(argv + 1, "qts cat"));
	if (strcmp(name, "pipe") == 0)
		return pipe_run(argc - 1, as_command(argv + 1, "qts pipe"));
	if (strcmp(name, "top") == 0)
		return qts_top_main(argc - 1, as_command(argv + 1, "qts top"));
	if (strcmp(name, "sweep") == 0)
		return qts_sweep_main(argc - 1, as_command(argv + 1, "qts sweep"));
	if (strcmp(name, "journal") == 0) {
		if (argc > 2 && strcmp(argv[2], "cat") == 0)
			return qts_journal_cat_main(argc - 2, as_command(argv + 2, "qts journal cat"));
		return qts_stage_main(&qts_journal_stage, argc - 1, as_command(argv + 1, "qts journal"));
	}
	/* bus is qts-bus, run below like any program: built in, it would
	 * load libnats and the TLS libraries at every start of qts. */
	if (name[0] == '-')
		qts_usage_error(usage, "unknown option '%s'", name);
	if (strchr(name, '/')) /* a file where a command goes: qts reads none itself */
		qts_usage_error(usage, "'%s' is not a command: a file is read by a command (qts cat %s)", name, name);
	char prog[256], path[PATH_MAX + 300];
	snprintf(prog, sizeof prog, "qts-%s", name);
	char dir[PATH_MAX];
	self_dir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/%s", dir, prog);
	argv[1] = prog;
	if (access(path, X_OK) == 0)
		execv(path, argv + 1);
	execvp(prog, argv + 1);
	qts_die(errno == ENOENT ? QTS_EXIT_USAGE : QTS_EXIT_FAIL, "'%s' is not a qts program (%s: %s); see 'qts help'",
		name, prog, strerror(errno));
}

/* journal_stage.c — `qts journal FILE`: a stage that appends the stream
 * passing through it to a journal (journal.c) and passes it on unchanged.
 * A record goes into the block being filled before it goes on, and the
 * block is written (and synced, per --sync) when it is full, when the
 * input pauses, and when the stage ends, by a signal too. */
#include "qts_journal.h"
#include "qts_stage.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: qts journal [options] FILE [INPUT...]\n"
	"       qts journal cat [--from TIME] [--to TIME] [--types T,...] [--salvage] [-M] FILE...\n"
	"Append the stream to the journal FILE and pass it on unchanged (qts(1)).\n"
	"      --sync block|DURATION|none  fsync every block (block), at most every\n"
	"                           DURATION, or never (block)\n"
	"      --block-size SIZE    close a block at SIZE bytes of records (64k; 1k to 16M)\n"
	"      --rotate-size SIZE   start a new file past SIZE bytes (e.g. 100M)\n"
	"      --rotate-daily       start a new file when the records' UTC day changes\n"
	"      --heartbeat DURATION a system event every DURATION (10s, 1m)\n"
	"      --metrics FILE       Prometheus metrics of the stage in FILE, each second\n"
	"      --busy-poll DURATION poll without sleeping up to DURATION before a wait\n"
	"  -M, --msgpack            write msgpack (also QTS_FORMAT=msgpack)\n"
	"  -h, --help               this help\n"
	"      --version            print the version\n";

typedef struct engine {
	qts_journal *j;
	qts_emit_fn emit;
	void *arg;
	char *rec;
	size_t rec_cap;
	char err[QTS_ERR_MAX];
} engine;

/* SIZE: a count of bytes with an optional k, M or G (powers of 1024). */
static uint64_t parse_size(const char *name, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	errno = 0;
	unsigned long long n = isdigit((unsigned char)*s) ? strtoull(s, &end, 10) : 0;
	uint64_t mult = 1;
	if (isdigit((unsigned char)*s) && !errno) {
		if (*end == 'k' || *end == 'K')
			mult = 1024, end++;
		else if (*end == 'M')
			mult = 1024 * 1024, end++;
		else if (*end == 'G')
			mult = 1024 * 1024 * 1024, end++;
	}
	if (!isdigit((unsigned char)*s) || errno || *end || n > max / mult || n * mult < min)
		qts_usage_error(usage, "%s: '%s' is not a size from %llu to %llu bytes (64k, 100M, 2G)", name, s,
				(unsigned long long)min, (unsigned long long)max);
	return n * mult;
}

static int journal_put(void *eng, const qts_event *ev)
{
	engine *e = eng;
	size_t n = qts_event_to_msgpack(ev, e->rec, e->rec_cap);
	if (n > e->rec_cap) {
		char *r = realloc(e->rec, n);
		if (!r) {
			QTS_SET(e->err, "out of memory");
			return -1;
		}
		e->rec = r;
		e->rec_cap = n;
		n = qts_event_to_msgpack(ev, e->rec, e->rec_cap);
	}
	if (!n) {
		QTS_SET(e->err, "out of memory");
		return -1;
	}
	if (qts_journal_add(e->j, e->rec, n, ev, e->err) < 0)
		return -1;
	return e->emit(e->arg, ev);
}

/* The input paused: what it gave is written; --sync DURATION's timer
 * syncs it. */
static int journal_tick(void *eng, int64_t now, int idle)
{
	engine *e = eng;
	(void)now;
	return (idle ? qts_journal_flush(e->j, 0, e->err) : qts_journal_sync(e->j, e->err)) < 0 ? -1 : 0;
}

static int journal_finish(void *eng)
{
	engine *e = eng;
	qts_journal *j = e->j;
	e->j = NULL;
	return qts_journal_close(j, e->err);
}

static const char *journal_error(void *eng)
{
	return ((engine *)eng)->err[0] ? ((engine *)eng)->err : NULL;
}

static void journal_counts(void *eng, char *buf, size_t size)
{
	engine *e = eng;
	uint64_t records = 0, blocks = 0, bytes = 0;
	if (e->j)
		qts_journal_counts(e->j, &records, &blocks, &bytes);
	snprintf(buf, size, "records=%llu blocks=%llu bytes=%llu", (unsigned long long)records,
		 (unsigned long long)blocks, (unsigned long long)bytes);
}

/* After an error or a signal too: what went on downstream is kept.  A
 * close that fails after a failure already said (the block that would not
 * go to a full disk, again) is not said twice. */
static void journal_free(void *eng)
{
	engine *e = eng;
	char err[QTS_ERR_MAX];
	if (e->j && qts_journal_close(e->j, err) < 0 && !e->err[0])
		qts_warn("%s", err);
	free(e->rec);
	free(e);
}

static const qts_stage_ops journal_ops = {
	.put = journal_put,
	.tick = journal_tick,
	.finish = journal_finish,
	.error = journal_error,
	.counts = journal_counts,
	.free = journal_free,
};

static void build(qts_stage *st, int argc, char **argv, qts_emit_fn emit, void *arg)
{
	enum { OPT_SYNC = 256, OPT_BLOCK, OPT_ROTATE_SIZE, OPT_ROTATE_DAILY, OPT_VERSION };
	static const struct option longs[] = {
		{ "sync", required_argument, NULL, OPT_SYNC }, { "block-size", required_argument, NULL, OPT_BLOCK },
		{ "rotate-size", required_argument, NULL, OPT_ROTATE_SIZE },
		{ "rotate-daily", no_argument, NULL, OPT_ROTATE_DAILY }, QTS_STAGE_OPTIONS,
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, OPT_VERSION }, { 0 } };
	qts_journal_opts o = { 0 };
	qts_stage_conf conf = { 0 };
	int c;
	while ((c = getopt_long(argc, argv, "Mh", longs, NULL)) != -1)
		switch (c) {
		case OPT_SYNC:
			if (strcmp(optarg, "block") == 0)
				o.sync = QTS_JOURNAL_SYNC_BLOCK;
			else if (strcmp(optarg, "none") == 0)
				o.sync = QTS_JOURNAL_SYNC_NONE;
			else if (qts_duration_parse(optarg, &o.sync_every) == 0 && o.sync_every > 0)
				o.sync = QTS_JOURNAL_SYNC_INTERVAL;
			else
				qts_usage_error(usage, "--sync: '%s' is not block, none or a positive duration (1s, 100ms)",
						optarg);
			break;
		case OPT_BLOCK: o.block_bytes = parse_size("--block-size", optarg, 1024, 16u << 20); break;
		case OPT_ROTATE_SIZE: o.rotate_bytes = parse_size("--rotate-size", optarg, 1024, UINT64_MAX >> 1); break;
		case OPT_ROTATE_DAILY: o.rotate_daily = 1; break;
		case 'h': fputs(usage, stdout); exit(qts_close_stdout());
		case OPT_VERSION: qts_print_version();
		default:
			if (!qts_stage_option(c, optarg, &conf, usage))
				qts_usage_error(usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(usage, "no journal FILE given");
	const char *path = argv[optind++];
	for (int i = optind; i < argc; i++)
		if (qts_same_file(path, argv[i]))
			qts_die(QTS_EXIT_USAGE, "the journal '%s' is an input: it would be written while it is read", path);
	engine *e = calloc(1, sizeof *e);
	if (!e)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	char warn[QTS_ERR_MAX], err[QTS_ERR_MAX];
	if (!(e->j = qts_journal_open(path, &o, warn, sizeof warn, err)))
		qts_die(QTS_EXIT_FAIL, "%s", err);
	if (warn[0])
		qts_warn("%s", warn);
	e->emit = emit;
	e->arg = arg;
	if (o.sync == QTS_JOURNAL_SYNC_INTERVAL)
		conf.tick_every = o.sync_every;
	conf.files = argv + optind;
	conf.nfiles = (size_t)(argc - optind);
	st->name = "qts-journal";
	st->ops = &journal_ops;
	st->eng = e;
	st->conf = conf;
}

const qts_stage_def qts_journal_stage = { "qts-journal", build };

/* journal_cat.c — `qts journal cat FILE...`: a journal replayed as a
 * stream.  Blocks are checked (the header's CRC-16, the records' CRC-32
 * and length; a header written before the CRC-16, its count and times
 * against the records) before their records go out; blocks wholly outside --from/--to by a header
 * under its CRC-16 are not parsed.  A corrupt
 * block stops the replay with its offset, after every record before it;
 * --salvage skips it instead and counts what was lost.  A torn block at
 * a file's end (a crash's, or a writer's block half written right now)
 * is said and left, except in a rotated file (FILE.NNNNNN): that one was
 * synced whole before its rename, so a bad end there is corruption. */
#include "qts_journal.h"
#include "qts_time.h"
#include "reader_priv.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"usage: qts journal cat [--from TIME] [--to TIME] [--types T,...] [--salvage] [-M] FILE...\n"
	"       qts journal cat --version | --help\n"
	"Replay journal files as one stream, in the order named (qts(1)).\n"
	"  -f, --from TIME      records from TIME (RFC 3339 or YYYY-MM-DD)\n"
	"  -u, --to TIME        records before TIME (a date: to the end of that day)\n"
	"  -T, --types T,...    only these event types (bar,fill,...)\n"
	"      --salvage        skip corrupt blocks, counting what is lost, instead of stopping\n"
	"  -M, --msgpack        write msgpack (also QTS_FORMAT=msgpack)\n"
	"  -h, --help           this help\n"
	"      --version        print the version\n";

typedef struct replay {
	FILE *f;
	const char *path;
	int salvage;
	int rotated;              /* FILE.NNNNNN: synced whole, never torn */
	int64_t from, to;
	uint64_t off;             /* of the next block in the file */
	unsigned char *blk, *out; /* a block as read, its records */
	size_t at, len;           /* records of out not handed over yet */
	long skipped_blocks;      /* --salvage */
	uint64_t lost_records, lost_bytes;
	int lost_unknown;         /* a skipped region whose count was unreadable */
	qts_reader *rd;           /* reading the file's records */
	uint64_t records;         /* in the whole blocks met, read or skipped */
	int64_t least, greatest;  /* their first_ts and last_known */
} replay;

static size_t read_at(replay *r, uint64_t off, unsigned char *buf, size_t n)
{
	if (fseeko(r->f, (off_t)off, SEEK_SET) != 0)
		return 0;
	return fread(buf, 1, n, r->f);
}

/* Whether nothing of block b is asked for. */
static int outside(const replay *r, const qts_journal_block *b)
{
	return b->last_known < r->from || b->first_ts >= r->to;
}

/* A block at off, checked and inflated: its record bytes, or -1 with why.
 * *b gets its header when there is one (size 0 when not).  A header under
 * its CRC-16 is believed, as a restart's count believes it: reading its
 * records again to check them against it would cost a replay a third of
 * its time, for records that go out the same whatever the header says.
 * One written before the CRC-16 is believed only once its records agree
 * with it (qts_journal_check), so it is never skipped on its word alone. */
static long block_at(replay *r, uint64_t off, qts_journal_block *b, char *why, size_t whylen, int *torn)
{
	unsigned char head[QTS_JOURNAL_HEAD];
	size_t n = read_at(r, off, head, sizeof head);
	*torn = 0;
	b->size = 0;
	int h = qts_journal_parse_head(head, n, b);
	if (h <= 0) {
		*torn = h == -1; /* a header cut short: the end of what was written */
		if (h == -1)
			snprintf(why, whylen, "%zu bytes of a block header", n);
		else
			snprintf(why, whylen, "%s", qts_journal_head_why(h));
		return -1;
	}
	if (read_at(r, off, r->blk, b->size) != b->size) {
		*torn = 1;
		snprintf(why, whylen, "a block of %u bytes cut short", b->size);
		return -1;
	}
	long got = qts_journal_inflate(r->blk, b, r->out, QTS_JOURNAL_BLOCK_MAX, why, whylen);
	if (got >= 0 && !b->checked && qts_journal_check(r->out, (size_t)got, b, r->path, why, whylen) < 0) {
		b->size = 0; /* its count is not to be believed */
		return -1;
	}
	return got;
}

/* The next block header after off that starts a whole block, else 0. */
static uint64_t next_good(replay *r, uint64_t off)
{
	unsigned char buf[65536 + QTS_JOURNAL_HEAD];
	for (uint64_t at = off;; at += 65536) {
		size_t n = read_at(r, at, buf, sizeof buf);
		if (!n)
			return 0;
		for (size_t i = 0; i < n && i < 65536; i++) {
			qts_journal_block b;
			char why[128];
			int torn;
			if (buf[i] != 0x1f || qts_journal_parse_head(buf + i, n - i, &b) != 1)
				continue;
			if (block_at(r, at + i, &b, why, sizeof why, &torn) >= 0)
				return at + i;
		}
		if (n < sizeof buf)
			return 0;
	}
}

/* qts_input_from's pull: the records of the next block that passes. */
static long pull(void *arg, unsigned char *dst, size_t max, char *err, size_t errlen)
{
	replay *r = arg;
	while (r->at == r->len) {
		qts_journal_block b;
		char why[160];
		int torn;
		unsigned char probe;
		if (read_at(r, r->off, &probe, 1) == 0)
			return 0; /* the end of the file */
		long got = block_at(r, r->off, &b, why, sizeof why, &torn);
		if (got >= 0) {
			r->off += b.size;
			r->records += b.count;
			if (b.first_ts < r->least)
				r->least = b.first_ts;
			if (b.last_known > r->greatest)
				r->greatest = b.last_known;
			if (outside(r, &b)) {
				/* nothing of it is asked for: the file is not
				 * empty for all the reader sees */
				qts_reader_quiet_if_empty(r->rd);
				continue;
			}
			r->at = 0;
			r->len = (size_t)got;
			break;
		}
		/* Bad data with no whole block after it is a crash's torn end,
		 * as qts journal takes it when it opens the file to append
		 * (and cuts it): garbage or zeros where the last block was
		 * being written.  At the start of a file, only zeros: other
		 * bytes there are no journal. */
		uint64_t next = next_good(r, r->off + 1);
		if (!next && !r->rotated && (torn || r->off > 0 || qts_journal_zeros_at(fileno(r->f), r->off))) {
			qts_warn("%s: byte %llu: a torn block at the end (%s), as a crash leaves it: left out", r->path,
				 (unsigned long long)r->off, why);
			return 0;
		}
		if (!r->salvage) {
			snprintf(err, errlen, "byte %llu: a corrupt block (%s)%s; --salvage skips it",
				 (unsigned long long)r->off, why,
				 !next && r->rotated ? " at the end of a rotated file, which no crash tears" : "");
			return -1;
		}
		uint64_t end = next;
		if (!end) {
			fseeko(r->f, 0, SEEK_END);
			end = (uint64_t)ftello(r->f);
		}
		qts_warn("%s: byte %llu: skipped %llu bytes of corrupt data (%s)", r->path, (unsigned long long)r->off,
			 (unsigned long long)(end - r->off), why);
		r->skipped_blocks++;
		r->lost_bytes += end - r->off;
		if (b.size)
			r->lost_records += b.count;
		else
			r->lost_unknown = 1;
		if (!next)
			return 0;
		r->off = next;
	}
	size_t n = r->len - r->at < max ? r->len - r->at : max;
	memcpy(dst, r->out + r->at, n);
	r->at += n;
	return (long)n;
}

static int64_t parse_time_arg(const char *name, const char *s, int end_of_day)
{
	int64_t ns, end;
	int code = qts_time_parse(s, strlen(s), &ns);
	if (code < 0)
		qts_usage_error(usage, "%s: '%s' %s", name, s, qts_time_wrong(code));
	if (end_of_day && strlen(s) == 10)
		return qts_time_add(ns, QTS_NS_PER_DAY, &end) ? INT64_MAX : end;
	return ns;
}

/* --types: a mask of the event types qts knows, and the names of others
 * (qts-events(5): any lowercase name is a type, passed on by every stage,
 * so a journal holds them too). */
#define OTHER_TYPES 16
typedef struct type_filter {
	unsigned mask;
	size_t nother;
	const char *other[OTHER_TYPES];
	size_t other_len[OTHER_TYPES];
} type_filter;

static void parse_types(const char *s, type_filter *tf)
{
	*tf = (type_filter){ 0 };
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, ",");
		qts_type t = qts_type_from_name(p, n);
		if (t != QTS_UNKNOWN)
			tf->mask |= 1u << t;
		else if (!qts_reader_type_name_ok(p, n))
			qts_usage_error(usage, "--types: '%.*s' is not an event type (a lowercase name: bar, fill, "
					       "signal...)", (int)n, p);
		else if (tf->nother == OTHER_TYPES)
			qts_usage_error(usage, "--types: more than %d types qts does not know", OTHER_TYPES);
		else
			tf->other[tf->nother] = p, tf->other_len[tf->nother++] = n;
		p += n + (p[n] == ',');
	}
	if (!tf->mask && !tf->nother)
		qts_usage_error(usage, "--types: '%s' names no type", s);
}

/* Whether ev is of a type --types names (every type without it). */
static int type_wanted(const type_filter *tf, const qts_event *ev)
{
	if (!tf->mask && !tf->nother)
		return 1;
	if (ev->type != QTS_UNKNOWN)
		return tf->mask >> ev->type & 1;
	if (!ev->raw.n || ev->raw.field[0].kind != QTS_RAW_STR)
		return 0;
	for (size_t i = 0; i < tf->nother; i++)
		if (ev->raw.field[0].len == tf->other_len[i] &&
		    memcmp(ev->raw.field[0].str, tf->other[i], tf->other_len[i]) == 0)
			return 1;
	return 0;
}

/* Journals that hold records of which --from, --to and --types chose
 * none: an empty stream and exit 0 would read as a quiet day, where the
 * window is on the wrong year or the type misspelt for the one meant.
 * Said with what the journals do hold, as qts-fetch says of a file. */
static void selected_nothing(const replay *r, const char *types, int window, int files)
{
	char a[40], b[40], of[200] = "";
	if (!r->records || (!types && !window))
		return;
	if (types)
		snprintf(of, sizeof of, " of --types %.150s", types);
	qts_time_format(r->least, a);
	qts_time_format(r->greatest, b);
	qts_warn("no record%s%s: the %s %llu record%s span %s to %s", of, window ? " within --from and --to" : "",
		 files > 1 ? "journals'" : "journal's", (unsigned long long)r->records, r->records == 1 ? "" : "s", a, b);
}

int qts_journal_cat_main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 'u' },
		{ "types", required_argument, NULL, 'T' }, { "salvage", no_argument, NULL, 'S' },
		{ "msgpack", no_argument, NULL, 'M' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { 0 } };
	int64_t from = INT64_MIN, to = INT64_MAX;
	type_filter types = { 0 };
	const char *optarg_types = NULL;
	int c, msgpack = 0, salvage = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:u:T:Mh", longs, NULL)) != -1)
		switch (c) {
		case 'f': from = parse_time_arg("--from", optarg, 0); break;
		case 'u': to = parse_time_arg("--to", optarg, 1); break;
		case 'T': parse_types(optarg, &types), optarg_types = optarg; break;
		case 'S': salvage = 1; break;
		case 'M': msgpack = 1; break;
		case 'h': fputs(usage, stdout); return qts_close_stdout();
		case 'V': qts_print_version();
		default: qts_usage_error(usage, NULL);
		}
	if (optind >= argc)
		qts_usage_error(usage, "no journal FILE given");
	if (to <= from)
		qts_usage_error(usage, "--to is not after --from");
	qts_writer *w = qts_writer_new(STDOUT_FILENO, qts_output_format(msgpack));
	replay r = { .salvage = salvage, .from = from, .to = to, .least = INT64_MAX, .greatest = INT64_MIN };
	uint64_t written = 0;
	r.blk = malloc(QTS_JOURNAL_HEAD + QTS_JOURNAL_TAIL + QTS_JOURNAL_BLOCK_MAX + QTS_JOURNAL_BLOCK_MAX / 1000 + 64);
	r.out = malloc(QTS_JOURNAL_BLOCK_MAX);
	if (!w || !r.blk || !r.out)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	int status = QTS_EXIT_OK;
	/* The journals one after the other make one stream, in time order as
	 * a whole, as qts cat's files: named out of order (journal
	 * journal.* for journal.* journal) or one twice, they went out as a
	 * stream every stage refuses, with exit 0. */
	qts_time_order order = QTS_TIME_ORDER_START;
	for (int i = optind; i < argc && status == QTS_EXIT_OK && !qts_interrupted; i++) {
		r.path = argv[i];
		r.rotated = qts_journal_is_rotated(r.path);
		r.off = r.at = r.len = 0;
		if (!(r.f = fopen(r.path, "rb"))) {
			qts_warn("%s: %s", r.path, strerror(errno));
			status = QTS_EXIT_FAIL;
			break;
		}
		qts_input *in = qts_input_from(pull, &r, r.path);
		qts_reader *rd = in ? qts_reader_new(in) : NULL;
		if (!rd)
			qts_die(QTS_EXIT_FAIL, "out of memory");
		r.rd = rd;
		qts_event ev;
		int got;
		while ((got = qts_reader_next(rd, &ev)) > 0) {
			if (argc - optind > 1 && !qts_reader_untimed_last(rd)) {
				if (i > optind && qts_time_order_late(&order, &ev)) {
					char why[QTS_ERR_MAX];
					qts_time_order_why(&order, &ev, why, sizeof why);
					qts_warn("%s: %s in the journals before it: out of time order (name a journal's "
						 "rotated files first, oldest first: journal.* journal)",
						 qts_reader_where(rd), why);
					status = QTS_EXIT_FAIL;
					break;
				}
				if (qts_time_order_take(&order, &ev) < 0)
					qts_die(QTS_EXIT_FAIL, "out of memory");
			}
			if (ev.ts < from || ev.ts >= to || !type_wanted(&types, &ev))
				continue;
			if (qts_writer_put(w, &ev) < 0)
				break;
			written++;
		}
		if (got < 0 && !qts_interrupted) {
			qts_warn("%s", qts_reader_error(rd));
			status = QTS_EXIT_FAIL;
		}
		qts_reader_close(rd);
		fclose(r.f);
	}
	if (r.skipped_blocks)
		qts_warn("--salvage: skipped %ld corrupt region%s, %llu bytes, %s%llu record%s lost", r.skipped_blocks,
			 r.skipped_blocks == 1 ? "" : "s", (unsigned long long)r.lost_bytes,
			 r.lost_unknown ? "at least " : "", (unsigned long long)r.lost_records,
			 r.lost_records == 1 ? "" : "s");
	if (status == QTS_EXIT_OK && !qts_interrupted && !written)
		selected_nothing(&r, optarg_types, from != INT64_MIN || to != INT64_MAX, argc - optind);
	qts_time_order_free(&order);
	free(r.blk);
	free(r.out);
	return qts_finish(w, status);
}

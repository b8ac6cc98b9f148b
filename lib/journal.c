/* journal.c — the event journal's blocks on disk: written whole, synced
 * as asked, rotated by size or day, a torn last block cut on reopen, and
 * checked when read (the header's CRC-16, the records' CRC-32 and
 * length, the header's count and times against the records).  See
 * qts_journal.h for the layout. */
#include "qts_journal.h"
#include "qts_time.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct qts_journal {
	int fd;
	char path[256];
	qts_journal_opts o;
	uint64_t size;            /* of the file: whole blocks */
	int64_t day;              /* UTC day of the file's last record; INT64_MIN: none */
	unsigned char *rec;       /* records of the block being filled */
	size_t len, rec_cap;
	uint32_t count;
	int64_t first_ts, last_known, last_ts;
	int64_t max_ts;           /* the latest ts of the records written */
	int64_t end_known;        /* of the file when opened; INT64_MIN: none */
	/* the latest ts of its records (at most end_known): an event not a
	 * bar goes on the stream from it, known no earlier (the reader's
	 * rule), where a bar goes on from end_known, its end after every
	 * record known before it */
	int64_t end_ts;
	int start_checked;        /* the stream's first record not a report checked against end */
	uint64_t added;           /* records added since opened */
	/* The blocks of the file the journal ends in (this one, or its
	 * latest rotated file when this one holds none): each one's offset
	 * and the latest time a record of it became known, for the reports
	 * an appended report is checked against (report_after). */
	char ends_in[256];
	struct block_at { uint64_t at; int64_t known; } *index;
	size_t nindex, cindex;
	/* The latest report (fill, update, position) of each symbol among
	 * the records of that file later than reports_after: read back
	 * lazily, for an appended report dated before end_ts. */
	qts_symtab *reports;
	int64_t reports_after;
	unsigned char *out;       /* the block as written */
	size_t out_cap;
	z_stream zs;
	int unsynced;
	uint64_t records, blocks, bytes;
};

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xff);
}

static uint64_t get_le(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int qts_journal_parse_head(const unsigned char *p, size_t n, qts_journal_block *b)
{
	/* FLG: FEXTRA and FHCRC as written now; FEXTRA alone before */
	static const unsigned char magic[] = { 0x1f, 0x8b, 8 };
	size_t have = n < 3 ? n : 3;
	if (memcmp(p, magic, have) != 0)
		return 0;
	if (n < 4)
		return -1;
	int checked = p[3] == (4 | 2);
	if (!checked && p[3] != 4)
		return 0;
	uint32_t head = checked ? QTS_JOURNAL_HEAD : QTS_JOURNAL_HEAD_OLD;
	if (n < head)
		return -1;
	if (get_le(p + 10, 2) != 28 || p[12] != 'Q' || p[13] != 'J' || get_le(p + 14, 2) != 24)
		return 0;
	/* RFC 1952: the CRC-16 is the low half of the CRC-32 of the header's
	 * bytes before it; zcat checks it too */
	if (checked && (crc32(0L, p, head - 2) & 0xffff) != get_le(p + head - 2, 2))
		return -2;
	qts_journal_block v = { .size = (uint32_t)get_le(p + 16, 4), .count = (uint32_t)get_le(p + 20, 4),
				.first_ts = (int64_t)get_le(p + 24, 8), .last_known = (int64_t)get_le(p + 32, 8),
				.head = head, .checked = checked };
	/* Deflate makes at most 5 bytes of overhead a 16 KiB stored block. */
	if (v.size < head + QTS_JOURNAL_TAIL + 2 ||
	    v.size > head + QTS_JOURNAL_TAIL + QTS_JOURNAL_BLOCK_MAX + QTS_JOURNAL_BLOCK_MAX / 1000 + 64 ||
	    v.count == 0 || v.first_ts > v.last_known)
		return checked ? -3 : 0; /* a header made so, its CRC-16 and all */
	*b = v;
	return 1;
}

const char *qts_journal_head_why(int h)
{
	switch (h) {
	case -3: return "its header's size, count or times are not a block's";
	case -2: return "its header fails its CRC-16";
	case -1: return "a block header cut short";
	default: return "not a block header";
	}
}

qts_reader *qts_journal_reader(const unsigned char *rec, size_t n, const char *name)
{
	qts_input *in = qts_input_mem(rec, n, name);
	qts_reader *r = in ? qts_reader_new(in) : NULL;
	if (!r) {
		qts_input_close(in);
		return NULL;
	}
	qts_reader_quiet_if_empty(r);
	qts_reader_failure_unnoted(r);
	return r;
}

int qts_journal_check(const unsigned char *rec, size_t n, const qts_journal_block *b, const char *name, char *why,
		      size_t whylen)
{
	qts_reader *r = qts_journal_reader(rec, n, name);
	if (!r) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	qts_event ev;
	int got;
	uint64_t count = 0;
	int64_t least = INT64_MAX, known = INT64_MIN;
	while ((got = qts_reader_next(r, &ev)) > 0) {
		int64_t k = qts_event_known(&ev);
		count++;
		if (ev.ts < least)
			least = ev.ts;
		if (k > known)
			known = k;
	}
	int rc = -1;
	char a[48], c[48], d[48], e[48];
	if (got < 0)
		snprintf(why, whylen, "its records do not read: %s", qts_reader_error(r));
	else if (count != b->count)
		snprintf(why, whylen, "its header counts %u records, its data holds %llu", b->count,
			 (unsigned long long)count);
	else if (least != b->first_ts || known != b->last_known) {
		qts_time_format(b->first_ts, a);
		qts_time_format(b->last_known, c);
		qts_time_format(least, d);
		qts_time_format(known, e);
		snprintf(why, whylen, "its header's times (%s to %s) are not its records' (%s to %s)", a, c, d, e);
	} else
		rc = 0;
	qts_reader_close(r);
	return rc;
}

uint32_t qts_journal_isize(const unsigned char *p, const qts_journal_block *b)
{
	return (uint32_t)get_le(p + b->size - QTS_JOURNAL_TAIL + 4, 4);
}

long qts_journal_inflate(const unsigned char *p, const qts_journal_block *b, unsigned char *out, size_t cap,
			 char *err, size_t errlen)
{
	const unsigned char *tail = p + b->size - QTS_JOURNAL_TAIL;
	uint32_t crc = (uint32_t)get_le(tail, 4), isize = (uint32_t)get_le(tail + 4, 4);
	if (isize > QTS_JOURNAL_BLOCK_MAX || isize > cap) {
		snprintf(err, errlen, "its records would take %u bytes", isize);
		return -1;
	}
	z_stream zs = { 0 };
	if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	zs.next_in = (unsigned char *)(uintptr_t)(p + b->head);
	zs.avail_in = b->size - b->head - QTS_JOURNAL_TAIL;
	zs.next_out = out;
	zs.avail_out = isize; /* more is a length mismatch */
	int z = inflate(&zs, Z_FINISH);
	long got = (long)zs.total_out;
	int rest = (int)zs.avail_in;
	inflateEnd(&zs);
	if (z == Z_BUF_ERROR && zs.avail_out == 0) {
		snprintf(err, errlen, "CRC-32 or length mismatch");
		return -1;
	}
	if (z != Z_STREAM_END) {
		snprintf(err, errlen, z == Z_DATA_ERROR ? "its deflate data is corrupt" : "its deflate data is cut short");
		return -1;
	}
	if (rest) {
		snprintf(err, errlen, "%d bytes after its data", rest);
		return -1;
	}
	if ((uint32_t)got != isize || crc32(0L, out, (uInt)got) != crc) {
		snprintf(err, errlen, "CRC-32 or length mismatch");
		return -1;
	}
	return got;
}

long qts_journal_read_block(int fd, uint64_t at, const qts_journal_block *b, unsigned char **out, char *why,
			    size_t whylen)
{
	unsigned char *blk = malloc(b->size);
	uint32_t isize = 0;
	long n = -1;
	*out = NULL;
	if (!blk)
		return -2;
	if (pread(fd, blk, b->size, (off_t)at) != (ssize_t)b->size)
		snprintf(why, whylen, "cut short");
	else if (!(isize = qts_journal_isize(blk, b)) || isize > QTS_JOURNAL_BLOCK_MAX)
		snprintf(why, whylen, "no records");
	else if (!(*out = malloc(isize)))
		n = -2;
	else if ((n = qts_journal_inflate(blk, b, *out, isize, why, whylen)) >= 0 &&
		 qts_journal_check(*out, (size_t)n, b, "block", why, whylen) < 0)
		n = -1;
	free(blk);
	if (n < 0) {
		free(*out);
		*out = NULL;
	}
	return n;
}

int qts_journal_lone_failure(const unsigned char *rec, size_t n, uint32_t count, const char *name, char *failure)
{
	if (count != 1)
		return 0;
	qts_reader *r = qts_journal_reader(rec, n, name);
	if (!r)
		return 0;
	qts_event ev;
	int lone = qts_reader_next(r, &ev) > 0 && qts_event_is_error(&ev);
	if (lone)
		qts_upstream_format(failure, ev.system.source, ev.system.message);
	qts_reader_close(r);
	return lone;
}

static int64_t day_of(int64_t ts)
{
	return qts_floor_div(ts, QTS_NS_PER_DAY);
}

static int fail(char *err, const char *path, const char *what)
{
	snprintf(err, QTS_ERR_MAX, "%s: %s: %s", path, what, strerror(errno));
	return -1;
}

uint64_t qts_journal_later_block(int fd, uint64_t from, uint64_t file_size)
{
	unsigned char buf[65536 + QTS_JOURNAL_HEAD];
	for (uint64_t at = from; at < file_size; at += 65536) {
		ssize_t n = pread(fd, buf, sizeof buf, (off_t)at);
		if (n <= 0)
			return 0;
		for (ssize_t i = 0; i < n && i < 65536; i++) {
			qts_journal_block b;
			if (buf[i] == 0x1f && qts_journal_parse_head(buf + i, (size_t)(n - i), &b) == 1 &&
			    at + (uint64_t)i + b.size <= file_size)
				return at + (uint64_t)i;
		}
	}
	return 0;
}

int qts_journal_zeros_at(int fd, uint64_t off)
{
	unsigned char buf[65536];
	ssize_t n = pread(fd, buf, sizeof buf, (off_t)off);
	for (ssize_t i = 0; i < n; i++)
		if (buf[i])
			return 0;
	return n > 0;
}

/* The last blocks of a file, latest first: their offsets (UINT64_MAX
 * where none) and the greatest time their records became known. */
#define BACK 4
typedef struct back_blocks {
	uint64_t at[BACK];
	int64_t known[BACK];
} back_blocks;

static void back_push(back_blocks *bb, uint64_t at, int64_t known)
{
	memmove(bb->at + 1, bb->at, (BACK - 1) * sizeof *bb->at);
	memmove(bb->known + 1, bb->known, (BACK - 1) * sizeof *bb->known);
	bb->at[0] = at;
	bb->known[0] = known;
}

static void back_drop(back_blocks *bb)
{
	memmove(bb->at, bb->at + 1, (BACK - 1) * sizeof *bb->at);
	memmove(bb->known, bb->known + 1, (BACK - 1) * sizeof *bb->known);
	bb->at[BACK - 1] = UINT64_MAX;
	bb->known[BACK - 1] = INT64_MIN;
}

static int index_push(qts_journal *j, uint64_t at, int64_t known)
{
	if (j->nindex == j->cindex) {
		size_t c = j->cindex ? 2 * j->cindex : 64;
		struct block_at *x = realloc(j->index, c * sizeof *x);
		if (!x)
			return -1;
		j->index = x;
		j->cindex = c;
	}
	j->index[j->nindex++] = (struct block_at){ at, known };
	return 0;
}

/* Walk the file's blocks by their headers; verify the last one whole.
 * Returns the offset past the last good block, or -1 on a read error;
 * bb: the last blocks kept. */
static int64_t walk(qts_journal *j, uint64_t file_size, int64_t *known, uint64_t *tail, back_blocks *bb,
		    char *warn, size_t warnlen, char *err)
{
	uint64_t off = 0, good = 0, last_at = 0, before_at = UINT64_MAX;
	*tail = UINT64_MAX;
	for (int k = 0; k < BACK; k++)
		bb->at[k] = UINT64_MAX, bb->known[k] = INT64_MIN;
	qts_journal_block last = { 0 };
	int64_t before_last = INT64_MIN; /* the end of the block before the last */
	j->nindex = 0;
	unsigned char head[QTS_JOURNAL_HEAD];
	while (off < file_size) {
		ssize_t n = pread(j->fd, head, sizeof head, (off_t)off);
		if (n < 0)
			return fail(err, j->path, "read"), -1;
		qts_journal_block b;
		int h = qts_journal_parse_head(head, (size_t)n, &b);
		if (h == 0 && off == 0 && !qts_journal_zeros_at(j->fd, 0)) {
			/* No block where the first goes, and not the zeros a crash
			 * may leave: another file (events, a plain .gz), which
			 * cutting "a torn block" would empty. */
			snprintf(err, QTS_ERR_MAX, "%s: not a qts journal (no journal block at its start); not appending to it",
				 j->path);
			return -1;
		}
		if (h != 1 || off + b.size > file_size)
			break;
		if (good > 0) {
			before_last = last.last_known;
			before_at = last_at;
		}
		last = b;
		last_at = off;
		back_push(bb, off, b.last_known);
		if (index_push(j, off, b.last_known) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return -1;
		}
		off += b.size;
		good = off;
	}
	char failure[QTS_UPSTREAM_MAX];
	int lone = 0;
	if (good > 0) { /* the last block is checked whole: a crash may leave garbage in it */
		unsigned char *out;
		char why[128];
		long n = qts_journal_read_block(j->fd, last_at, &last, &out, why, sizeof why);
		if (n == -2) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return -1;
		}
		/* cut, the journal ends where the block before it did: an
		 * append is checked against that time (and its day) */
		lone = n >= 0 && qts_journal_lone_failure(out, (size_t)n, last.count, j->path, failure);
		free(out);
		if (n < 0 || lone) {
			back_drop(bb);
			j->nindex--;
			good = last_at;
			*known = before_last;
			*tail = before_at;
		} else {
			*known = last.last_known;
			*tail = last_at;
		}
	}
	/* What follows the last whole block is looked at after a failure
	 * too: cut with it, whole blocks there would be lost.  A last block
	 * that is bad is looked into from its start: its size, when
	 * corrupt (a header without the CRC-16), may span whole blocks. */
	uint64_t bad = lone ? off : good;
	if (bad < file_size) {
		/* Whole blocks after a bad one: corruption, not a crash's torn
		 * end; cutting would lose them. */
		uint64_t at = qts_journal_later_block(j->fd, bad + 1, file_size);
		if (at) {
			snprintf(err, QTS_ERR_MAX, "%s: byte %llu: a corrupt block with whole blocks after it (at byte %llu); "
				 "not appending (qts journal cat --salvage copies what is whole)", j->path,
				 (unsigned long long)bad, (unsigned long long)at);
			return -1;
		}
	}
	if (lone) {
		int w = snprintf(warn, warnlen, "%s: the failure that ended its stream (%s) cut from its end: the stream goes on",
				 j->path, failure);
		if (off < file_size && w >= 0 && (size_t)w < warnlen)
			snprintf(warn + w, warnlen - (size_t)w, "; a torn block after it cut at byte %llu (%llu bytes): what a crash left",
				 (unsigned long long)off, (unsigned long long)(file_size - off));
	} else if (good < file_size)
		snprintf(warn, warnlen, "%s: cut a torn block at byte %llu (%llu bytes): what a crash left", j->path,
			 (unsigned long long)good, (unsigned long long)(file_size - good));
	return (int64_t)good;
}

/* The latest time of the records of the whole block at offset at: 0, or
 * -1 when it cannot be read back. */
static int block_last_ts(qts_journal *j, uint64_t at, int64_t *last_ts)
{
	unsigned char head[QTS_JOURNAL_HEAD], *out = NULL;
	qts_journal_block b;
	char why[128];
	long n = -1;
	if (pread(j->fd, head, sizeof head, (off_t)at) == (ssize_t)sizeof head &&
	    qts_journal_parse_head(head, sizeof head, &b) == 1)
		n = qts_journal_read_block(j->fd, at, &b, &out, why, sizeof why);
	qts_reader *r = n >= 0 ? qts_journal_reader(out, (size_t)n, j->path) : NULL;
	free(out);
	if (!r)
		return -1;
	qts_event ev;
	int got, any = 0;
	*last_ts = INT64_MIN;
	while ((got = qts_reader_next(r, &ev)) > 0) {
		any = 1;
		if (ev.ts > *last_ts)
			*last_ts = ev.ts;
	}
	qts_reader_close(r);
	return got == 0 && any ? 0 : -1;
}

/* The latest ts of the records of the file's blocks bb (the journal's
 * end_ts), known no later than end_known: a block before the last may
 * hold a later one (the last holding bars that started before it), so
 * blocks are read back while one could; end_known itself when more
 * would have to be, or one cannot be read. */
static int64_t stream_end_ts(qts_journal *j, const back_blocks *bb, int64_t end_known)
{
	int64_t end = INT64_MIN, t;
	for (int k = 0; k < BACK && bb->at[k] != UINT64_MAX && bb->known[k] > end; k++) {
		if (k == BACK - 1 || block_last_ts(j, bb->at[k], &t) < 0)
			return end_known;
		end = t > end ? t : end;
	}
	return end;
}

long qts_journal_rotated_no(const char *base, const char *name)
{
	size_t blen = strlen(base);
	const char *num = name + blen + 1;
	if (strncmp(name, base, blen) != 0 || name[blen] != '.' || strlen(num) < 6 || strlen(num) > 18 ||
	    strspn(num, "0123456789") != strlen(num))
		return 0;
	return strtol(num, NULL, 10);
}

int qts_journal_is_rotated(const char *path)
{
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	const char *dot = strrchr(name, '.');
	char base[PATH_MAX];
	if (!dot || (size_t)(dot - name) >= sizeof base)
		return 0;
	memcpy(base, name, (size_t)(dot - name));
	base[dot - name] = '\0';
	return qts_journal_rotated_no(base, name) > 0;
}

/* The number of path's latest rotated file (path.000001 ...), 0 when none. */
static long last_rotated(const char *path)
{
	char dir[PATH_MAX], base[PATH_MAX];
	QTS_SET(dir, path);
	QTS_SET(base, path);
	const char *d = dirname(dir), *b = basename(base);
	long last = 0;
	DIR *dp = opendir(d);
	struct dirent *e;
	while (dp && (e = readdir(dp))) {
		long n = qts_journal_rotated_no(b, e->d_name);
		if (n > last)
			last = n;
	}
	if (dp)
		closedir(dp);
	return last;
}

/* The current file holds no whole block (new since a rotation, or all of
 * it cut: a torn block, a failure): the journal ends where its latest
 * rotated file does, and the stream goes on from there.  Read only; a
 * file that cannot be read leaves the end unknown, as before any.  One
 * that is corrupt (whole blocks after a bad one) has no end to be sure
 * of, and appending on as if it had none would take a stream out of
 * order: -1 with err, 0 otherwise. */
static int rotated_end(qts_journal *j, char *err)
{
	long n = last_rotated(j->path);
	if (!n)
		return 0;
	qts_journal r = { .fd = -1 };
	int len = snprintf(r.path, sizeof r.path, "%s.%06ld", j->path, n);
	struct stat st;
	if (len < 0 || (size_t)len >= sizeof r.path || (r.fd = open(r.path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(r.fd, &st) < 0) {
		if (r.fd >= 0)
			close(r.fd);
		return 0;
	}
	char warn[8];
	int64_t known = INT64_MIN, last_ts;
	uint64_t tail;
	back_blocks bb;
	int rc = 0;
	if (walk(&r, (uint64_t)st.st_size, &known, &tail, &bb, warn, 0, err) < 0)
		rc = -1;
	else if (tail != UINT64_MAX) {
		j->end_known = known;
		j->end_ts = stream_end_ts(&r, &bb, known);
		j->day = block_last_ts(&r, tail, &last_ts) == 0 ? day_of(last_ts) : day_of(known - 1);
		free(j->index);
		j->index = r.index;
		j->nindex = r.nindex;
		j->cindex = r.cindex;
		r.index = NULL;
		QTS_SET(j->ends_in, r.path);
	}
	free(r.index);
	close(r.fd);
	return rc;
}

static int open_file(qts_journal *j, char *warn, size_t warnlen, char *err)
{
	j->fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (j->fd < 0)
		return fail(err, j->path, "open");
	struct stat st;
	if (fstat(j->fd, &st) < 0)
		return fail(err, j->path, "stat");
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, QTS_ERR_MAX, "%s: not a regular file", j->path);
		return -1;
	}
	j->end_known = INT64_MIN;
	uint64_t tail;
	back_blocks bb;
	int64_t good = walk(j, (uint64_t)st.st_size, &j->end_known, &tail, &bb, warn, warnlen, err);
	if (good < 0)
		return -1;
	QTS_SET(j->ends_in, j->path);
	j->end_ts = tail == UINT64_MAX ? INT64_MIN : stream_end_ts(j, &bb, j->end_known);
	/* The day of the file's last record, as the writer kept it
	 * (rotate_daily): the latest time of the last block's records. */
	int64_t last_ts;
	j->day = tail == UINT64_MAX ? INT64_MIN
		 : block_last_ts(j, tail, &last_ts) == 0 ? day_of(last_ts)
							  : day_of(j->end_known - 1);
	if ((uint64_t)good < (uint64_t)st.st_size && (ftruncate(j->fd, good) < 0 || fsync(j->fd) < 0))
		return fail(err, j->path, "cut its end");
	j->size = (uint64_t)good;
	if (lseek(j->fd, good, SEEK_SET) < 0)
		return fail(err, j->path, "seek");
	return 0;
}

qts_journal *qts_journal_open(const char *path, const qts_journal_opts *o, char *warn, size_t warnlen, char *err)
{
	if (warnlen)
		warn[0] = '\0';
	qts_journal *j = calloc(1, sizeof *j);
	if (!j) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	j->fd = -1;
	j->o = *o;
	if (!j->o.block_bytes)
		j->o.block_bytes = 64 * 1024;
	if (!j->o.level)
		j->o.level = 6;
	if (strlen(path) >= sizeof j->path - 8) {
		snprintf(err, QTS_ERR_MAX, "%s: the name is too long", path);
		free(j);
		return NULL;
	}
	QTS_SET(j->path, path);
	if (deflateInit2(&j->zs, j->o.level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(j);
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	if (open_file(j, warn, warnlen, err) < 0 || (j->size == 0 && rotated_end(j, err) < 0)) {
		if (j->fd >= 0)
			close(j->fd);
		deflateEnd(&j->zs);
		free(j->index);
		free(j);
		return NULL;
	}
	j->max_ts = j->end_ts;
	return j;
}

/* write(2) all of it; on a failure the file is cut back to whole blocks. */
static int write_block(qts_journal *j, size_t n, char *err)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(j->fd, j->out + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;
			if (ftruncate(j->fd, (off_t)j->size) == 0)
				lseek(j->fd, (off_t)j->size, SEEK_SET);
			errno = e;
			return fail(err, j->path, "write");
		}
		done += (size_t)w;
	}
	j->size += n;
	j->unsynced = 1;
	return 0;
}

int qts_journal_sync(qts_journal *j, char *err)
{
	if (!j->unsynced)
		return 0;
	if (fdatasync(j->fd) < 0)
		return fail(err, j->path, "sync");
	j->unsynced = 0;
	return 0;
}

/* A rotated file is named FILE.000001, FILE.000002...: the next number
 * after the greatest in the directory, so that FILE.* sorts in time. */
static int rotate(qts_journal *j, char *err)
{
	if (qts_journal_sync(j, err) < 0)
		return -1;
	char dir[PATH_MAX];
	QTS_SET(dir, j->path);
	const char *d = dirname(dir);
	char to[PATH_MAX + 16];
	snprintf(to, sizeof to, "%s.%06ld", j->path, last_rotated(j->path) + 1);
	if (rename(j->path, to) < 0)
		return fail(err, j->path, "rotate");
	close(j->fd);
	int dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd); /* the rename itself survives a crash */
		close(dfd);
	}
	char warn[8];
	return open_file(j, warn, 0, err);
}

int qts_journal_flush(qts_journal *j, int force_sync, char *err)
{
	if (j->count) {
		unsigned char *p = j->out;
		if (deflateReset(&j->zs) != Z_OK) {
			snprintf(err, QTS_ERR_MAX, "%s: deflate failed", j->path);
			return -1;
		}
		j->zs.next_in = j->rec;
		j->zs.avail_in = (uInt)j->len;
		j->zs.next_out = p + QTS_JOURNAL_HEAD;
		j->zs.avail_out = (uInt)(j->out_cap - QTS_JOURNAL_HEAD - QTS_JOURNAL_TAIL);
		if (deflate(&j->zs, Z_FINISH) != Z_STREAM_END) {
			snprintf(err, QTS_ERR_MAX, "%s: deflate failed", j->path);
			return -1;
		}
		size_t data = j->zs.total_out, size = QTS_JOURNAL_HEAD + data + QTS_JOURNAL_TAIL;
		/* FLG: FEXTRA, and FHCRC for the header's own check */
		static const unsigned char gz[] = { 0x1f, 0x8b, 8, 4 | 2, 0, 0, 0, 0, 0, 0xff, 28, 0, 'Q', 'J', 24, 0 };
		memcpy(p, gz, sizeof gz);
		put_le(p + 16, size, 4);
		put_le(p + 20, j->count, 4);
		put_le(p + 24, (uint64_t)j->first_ts, 8);
		put_le(p + 32, (uint64_t)j->last_known, 8);
		put_le(p + QTS_JOURNAL_HEAD - 2, crc32(0L, p, QTS_JOURNAL_HEAD - 2) & 0xffff, 2);
		put_le(p + QTS_JOURNAL_HEAD + data, crc32(0L, j->rec, (uInt)j->len), 4);
		put_le(p + QTS_JOURNAL_HEAD + data + 4, j->len, 4);
		if (write_block(j, size, err) < 0)
			return -1;
		j->blocks++;
		j->bytes += size;
		j->day = day_of(j->last_ts);
		j->end_known = j->last_known;
		j->end_ts = j->max_ts;
		j->len = 0;
		j->count = 0;
	}
	if (force_sync || j->o.sync == QTS_JOURNAL_SYNC_BLOCK)
		return qts_journal_sync(j, err);
	return 0;
}

/* The latest report of ev's symbol among the records of the file the
 * journal ends in, when later than ev (in *later): 1, else 0.  Only the
 * blocks holding a record known after ev are read, the last few; the
 * table read is kept for the reports after it.  A block that cannot be
 * read back is passed over: the end was checked at open, and qts
 * journal cat names a bad block where it is. */
typedef struct report_seen {
	int64_t ts;
	int any;
} report_seen;

static int report_after(qts_journal *j, const qts_event *ev, int64_t *later)
{
	if (!j->reports || ev->ts < j->reports_after) {
		qts_symtab_free(j->reports);
		if (!(j->reports = qts_symtab_new(sizeof(report_seen))))
			qts_die(QTS_EXIT_FAIL, "out of memory");
		j->reports_after = ev->ts;
		int own = strcmp(j->ends_in, j->path) == 0;
		int fd = own ? j->fd : open(j->ends_in, O_RDONLY | O_CLOEXEC);
		for (size_t k = 0; fd >= 0 && k < j->nindex; k++) {
			if (j->index[k].known <= j->reports_after)
				continue;
			unsigned char head[QTS_JOURNAL_HEAD], *out = NULL;
			qts_journal_block b;
			char why[128];
			long n = -1;
			if (pread(fd, head, sizeof head, (off_t)j->index[k].at) == (ssize_t)sizeof head &&
			    qts_journal_parse_head(head, sizeof head, &b) == 1)
				n = qts_journal_read_block(fd, j->index[k].at, &b, &out, why, sizeof why);
			qts_reader *r = n >= 0 ? qts_journal_reader(out, (size_t)n, j->ends_in) : NULL;
			free(out);
			qts_event x;
			while (r && qts_reader_next(r, &x) > 0) {
				if (!qts_event_is_news(&x) || x.ts <= j->reports_after)
					continue;
				report_seen *seen = qts_symtab_get_field(j->reports, x.symbol);
				if (!seen)
					qts_die(QTS_EXIT_FAIL, "out of memory");
				if (!seen->any || x.ts > seen->ts)
					*seen = (report_seen){ x.ts, 1 };
			}
			if (r)
				qts_reader_close(r);
		}
		if (!own && fd >= 0)
			close(fd);
	}
	const report_seen *seen = qts_symtab_find_field(j->reports, ev->symbol);
	if (!seen || !seen->any || seen->ts <= ev->ts)
		return 0;
	*later = seen->ts;
	return 1;
}

int qts_journal_add(qts_journal *j, const void *rec, size_t len, const qts_event *ev, char *err)
{
	if (len > QTS_JOURNAL_BLOCK_MAX) {
		snprintf(err, QTS_ERR_MAX, "%s: a record of %zu bytes", j->path, len);
		return -1;
	}
	/* A failure in a block of its own, for a restart to cut
	 * (qts_journal_lone_failure), the file's last block: no reason to
	 * rotate.  It is dated at the last event its stage wrote, the epoch
	 * when none (a stage restarted that fails at once): kept at the
	 * journal's end at the earliest, for the stream to read in order. */
	int failure = qts_event_is_error(ev);
	qts_event redated;
	char again[QTS_NAME_MAX + QTS_WORD_MAX + QTS_TEXT_MAX + 64];
	if (failure) {
		int64_t end = j->count && j->last_known > j->end_known ? j->last_known : j->end_known;
		if (ev->ts < end) {
			redated = *ev;
			redated.ts = end;
			size_t n = qts_event_to_msgpack(&redated, again, sizeof again);
			if (n && n <= sizeof again)
				ev = &redated, rec = again, len = n;
		}
		if (j->count && qts_journal_flush(j, 0, err) < 0)
			return -1;
	}
	int64_t ts = ev->ts, known = qts_event_known(ev);
	/* A stream that goes on where the file ends (a stage restarted from
	 * its checkpoint) is in time order with it, by the readers' rule: a
	 * bar ends no earlier than the time the file's records were known
	 * by, anything else is known no earlier than their latest time (a
	 * fill at the open of the file's last bar); an account's news aside
	 * (qts_event_is_news). */
	int64_t end = ev->type == QTS_BAR ? j->end_known : j->end_ts;
	if (qts_event_is_news(ev)) {
		/* Reports go by symbol among themselves: one is checked
		 * against the journal's of its symbol, wherever in the stream
		 * it comes (after a bar, one dated earlier is in order). */
		int64_t later;
		if (ts < j->end_ts && report_after(j, ev, &later)) {
			char a[48], b[48];
			qts_time_format(ts, a);
			qts_time_format(later, b);
			snprintf(err, QTS_ERR_MAX, "%.200s: the stream's %s of %s at %s comes before the journal's report "
				 "of that symbol at %s: a journal is one stream in time order (start another file)", j->path,
				 qts_type_name(ev->type), ev->symbol, a, b);
			return -1;
		}
	} else if (!j->start_checked) {
		/* The first record of the rest, though reports came before
		 * it: later ones follow it, by the stream's own order. */
		j->start_checked = 1;
		if (known < end) {
			const char *which = j->added ? "first record after its reports" : "first record";
			char a[48], b[48];
			qts_time_format(known, a);
			qts_time_format(end, b);
			snprintf(err, QTS_ERR_MAX, "%s: the stream's %s, known at %s, comes before the journal's end "
				 "(%s): a journal is one stream in time order (start another file)", j->path, which, a, b);
			return -1;
		}
	}
	if (j->len + len > j->rec_cap) { /* a block's records, and one more */
		size_t cap = j->o.block_bytes + len > j->len + len ? j->o.block_bytes + len : j->len + len;
		size_t out_cap = deflateBound(&j->zs, cap) + QTS_JOURNAL_HEAD + QTS_JOURNAL_TAIL;
		unsigned char *r = realloc(j->rec, cap), *o;
		if (r)
			j->rec = r;
		if (!r || !(o = realloc(j->out, out_cap))) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return -1;
		}
		j->out = o;
		j->rec_cap = cap;
		j->out_cap = out_cap;
	}
	int64_t day = day_of(ts), last_day = j->count ? day_of(j->last_ts) : j->day;
	/* A new day starts a new block, and a new file when rotating daily. */
	if (j->o.rotate_daily && last_day != INT64_MIN && day != last_day && !failure) {
		if (qts_journal_flush(j, 0, err) < 0)
			return -1;
		if (j->size > 0 && rotate(j, err) < 0)
			return -1;
	} else if (j->count && j->len + len > j->o.block_bytes && qts_journal_flush(j, 0, err) < 0)
		return -1;
	if (!j->count && !failure && j->o.rotate_bytes && j->size >= j->o.rotate_bytes && rotate(j, err) < 0)
		return -1;
	if (!j->count) {
		j->first_ts = j->last_ts = ts;
		j->last_known = known;
	}
	memcpy(j->rec + j->len, rec, len);
	j->added++;
	j->len += len;
	j->count++;
	j->records++;
	if (ts < j->first_ts)
		j->first_ts = ts;
	if (ts > j->last_ts)
		j->last_ts = ts;
	if (known > j->last_known)
		j->last_known = known;
	if (ts > j->max_ts)
		j->max_ts = ts;
	if ((failure || j->len >= j->o.block_bytes) && qts_journal_flush(j, 0, err) < 0)
		return -1;
	return 0;
}

void qts_journal_counts(const qts_journal *j, uint64_t *records, uint64_t *blocks, uint64_t *bytes)
{
	*records = j->records;
	*blocks = j->blocks;
	*bytes = j->bytes;
}

int qts_journal_close(qts_journal *j, char *err)
{
	if (!j)
		return 0;
	int rc = qts_journal_flush(j, 1, err);
	if (close(j->fd) < 0 && rc == 0)
		rc = fail(err, j->path, "close");
	deflateEnd(&j->zs);
	free(j->rec);
	free(j->out);
	free(j->index);
	qts_symtab_free(j->reports);
	free(j);
	return rc;
}

/* checkpoint_journal.c — how many records a journal holds, for a stage
 * restarted from its state: what it writes again that its output journal
 * already holds is not written twice.  Counted as `qts journal` reopening
 * the file would keep it: whole blocks, the last one checked whole (a
 * crash may leave a torn one, which the journal cuts), a failure that
 * ended the stream not counted (the journal cuts it too). */
#include "qts_checkpoint.h"
#include "qts_journal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Whether the journal's last block, b at offset at, counts: 1; 0 when
 * it is torn (its writer cuts it: why says why, else is empty) or a
 * failure alone (cut when the stream goes on: qts_journal_lone_failure);
 * -1 when out of memory. */
static int last_counts(int fd, uint64_t at, const qts_journal_block *b, const char *path, char *why, size_t whylen)
{
	unsigned char *out;
	char failure[QTS_UPSTREAM_MAX];
	long r = qts_journal_read_block(fd, at, b, &out, why, whylen);
	int lone = r >= 0 && qts_journal_lone_failure(out, (size_t)r, b->count, path, failure);
	free(out);
	if (r != -1)
		why[0] = '\0';
	return r == -2 ? -1 : r >= 0 && !lone;
}

/* The count of block b at offset at: 1 when it is to be believed (its
 * header is under its CRC-16, or, written before that, its records agree
 * with it); 0 with err naming it when not; -1 when out of memory. */
static int count_believed(int fd, uint64_t at, const qts_journal_block *b, const char *path, char *err, size_t errlen)
{
	if (b->checked)
		return 1;
	unsigned char *out;
	char why[160];
	long r = qts_journal_read_block(fd, at, b, &out, why, sizeof why);
	free(out);
	if (r == -2)
		return -1;
	if (r < 0)
		snprintf(err, errlen, "%s: byte %llu: a corrupt block (%s): the journal's records cannot be counted", path,
			 (unsigned long long)at, why);
	return r >= 0;
}

/* Where the walk of a journal's headers stopped, at off short of its
 * size, with why: a torn end (what a crash leaves, which its writer cuts)
 * when no whole block follows; else corruption, past which no count
 * holds: -1 with err naming the file and the offset. */
static int stopped_at(int fd, uint64_t off, uint64_t size, const char *why, const char *path, char *err,
		      size_t errlen)
{
	uint64_t at = off < size ? qts_journal_later_block(fd, off + 1, size) : 0;
	if (!at)
		return 0;
	snprintf(err, errlen, "%s: byte %llu: a corrupt block (%s) with whole blocks after it (at byte %llu): the "
		 "journal's records cannot be counted", path, (unsigned long long)off, why, (unsigned long long)at);
	return -1;
}

/* The header of the block at off that fits in size bytes: 1; else 0
 * with why. */
static int head_at(int fd, uint64_t off, uint64_t size, qts_journal_block *b, const char **why)
{
	unsigned char head[QTS_JOURNAL_HEAD];
	ssize_t got = pread(fd, head, sizeof head, (off_t)off);
	int h = got > 0 ? qts_journal_parse_head(head, (size_t)got, b) : -1;
	if (h == 1 && off + b->size > size)
		h = -1, *why = "a block cut short";
	else if (h != 1)
		*why = qts_journal_head_why(h);
	return h == 1;
}

/* A file of the journal opened for reading, its size in *size: the
 * descriptor; -1 when it does not exist (a journal not begun: no
 * records), -2 with err. */
static int open_file(const char *path, uint64_t *size, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return -1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -2;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -2;
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* The records of the file at path added to *count: 0, or -1 with err.
 * rotated: a rotated file, synced whole before its rename, so that a bad
 * end there is no crash's torn block to leave out but corruption. */
static int count_file(const char *path, int rotated, uint64_t *count, char *err, size_t errlen)
{
	uint64_t size;
	int fd = open_file(path, &size, err, errlen);
	if (fd < 0)
		return fd == -1 ? 0 : -1;
	uint64_t off = 0, n = 0, last_at = 0;
	qts_journal_block b, last = { 0 };
	const char *why = NULL;
	int bad = 0;
	while (off < size && head_at(fd, off, size, &b, &why)) {
		/* the last block is checked whole below */
		int believed = off + b.size < size ? count_believed(fd, off, &b, path, err, errlen) : 1;
		if (believed <= 0) {
			bad = believed < 0 ? -1 : 1;
			break;
		}
		last = b;
		last_at = off;
		n += b.count;
		off += b.size;
	}
	if (!bad && off < size && stopped_at(fd, off, size, why, path, err, errlen) < 0)
		bad = 1;
	if (!bad && off < size && rotated) {
		snprintf(err, errlen, "%s: byte %llu: a corrupt block (%s) at the end of a rotated file, which no crash "
			 "tears: the journal's records cannot be counted", path, (unsigned long long)off, why);
		bad = 1;
	}
	char last_why[160] = "";
	int counts = bad ? 0 : last.size ? last_counts(fd, last_at, &last, path, last_why, sizeof last_why) : 1;
	/* a last block that is bad, looked into from its start: its size,
	 * when corrupt (a header without the CRC-16), may span whole blocks */
	if (!bad && !counts && last_why[0] && stopped_at(fd, last_at, size, last_why, path, err, errlen) < 0)
		bad = 1;
	if (!bad && !counts && last_why[0] && rotated) {
		snprintf(err, errlen, "%s: byte %llu: a corrupt block (%s) at the end of a rotated file, which no crash "
			 "tears: the journal's records cannot be counted", path, (unsigned long long)last_at, last_why);
		bad = 1;
	}
	close(fd);
	if (bad < 0 || counts < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (bad)
		return -1;
	if (!counts)
		n -= last.count;
	*count += n;
	return 0;
}

/* A rotated file of a journal, by its number. */
typedef struct rotated_file {
	long no;
	char path[PATH_MAX * 2 + 2];
} rotated_file;

static int by_number(const void *a, const void *b)
{
	long x = ((const rotated_file *)a)->no, y = ((const rotated_file *)b)->no;
	return (x > y) - (x < y);
}

/* The rotated files of path (FILE.NNNNNN, journal.c's rotate): their
 * number into *nfiles, their records added to *count unless count is
 * NULL, and, when list is not NULL, the files in the order of the stream
 * (by number) into *list (to free).  0, or -1 with err. */
static int rotated_list(const char *path, size_t *nfiles, uint64_t *count, rotated_file **list, char *err,
			size_t errlen)
{
	char dir[PATH_MAX], base[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	snprintf(base, sizeof base, "%s", path);
	const char *d = dirname(dir), *b = basename(base);
	DIR *dp = opendir(d);
	struct dirent *e;
	rotated_file *files = NULL;
	size_t cap = 0;
	int rc = 0;
	*nfiles = 0;
	while (dp && (e = readdir(dp))) {
		long no = qts_journal_rotated_no(b, e->d_name);
		if (!no)
			continue;
		char full[PATH_MAX * 2 + 2];
		snprintf(full, sizeof full, "%s/%s", d, e->d_name);
		if (count && count_file(full, 1, count, err, errlen) < 0) {
			rc = -1;
			break;
		}
		if (list && *nfiles == cap) {
			rotated_file *more = realloc(files, (cap = cap ? 2 * cap : 8) * sizeof *files);
			if (!more) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
				break;
			}
			files = more;
		}
		if (list) {
			files[*nfiles].no = no;
			snprintf(files[*nfiles].path, sizeof files[*nfiles].path, "%s", full);
		}
		++*nfiles;
	}
	if (dp)
		closedir(dp);
	if (rc < 0 || !list) {
		free(files);
		return rc;
	}
	if (files)
		qsort(files, *nfiles, sizeof *files, by_number);
	*list = files;
	return 0;
}

static int rotated(const char *path, size_t *nfiles, uint64_t *count, char *err, size_t errlen)
{
	return rotated_list(path, nfiles, count, NULL, err, errlen);
}

int qts_journal_count(const char *path, uint64_t *count, char *err, size_t errlen)
{
	size_t nfiles;
	*count = 0;
	if (rotated(path, &nfiles, count, err, errlen) < 0)
		return -1;
	return count_file(path, 0, count, err, errlen);
}

int qts_journal_count_more(const char *path, qts_journal_counter *c, uint64_t *count, char *err, size_t errlen)
{
	size_t nfiles;
	if (rotated(path, &nfiles, NULL, err, errlen) < 0)
		return -1;
	if (nfiles != c->nrotated) {
		c->rotated_n = 0;
		if (rotated(path, &c->nrotated, &c->rotated_n, err, errlen) < 0)
			return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if ((fd < 0 && errno != ENOENT) || (fd >= 0 && fstat(fd, &st) < 0)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 || (uint64_t)st.st_dev != c->dev || (uint64_t)st.st_ino != c->ino || (uint64_t)st.st_size < c->off) {
		c->off = c->n = 0; /* another file (rotated), or one cut */
		c->dev = fd >= 0 ? (uint64_t)st.st_dev : 0;
		c->ino = fd >= 0 ? (uint64_t)st.st_ino : 0;
	}
	if (fd >= 0) {
		qts_journal_block b;
		uint64_t size = (uint64_t)st.st_size;
		const char *why = NULL;
		char why_buf[160];
		int bad = 0;
		/* what follows the last whole block may be the block its
		 * writer is writing now: walked again next time */
		while (c->off < size && head_at(fd, c->off, size, &b, &why)) {
			if (b.count == 1 && c->off + b.size == size && last_counts(fd, c->off, &b, path, why_buf, sizeof why_buf) == 0)
				break; /* a failure alone: walked again when the journal goes on past it */
			int believed = count_believed(fd, c->off, &b, path, err, errlen);
			if (believed < 0)
				snprintf(err, errlen, "out of memory");
			if (believed <= 0) {
				bad = 1;
				break;
			}
			c->n += b.count;
			c->off += b.size;
		}
		if (!bad && c->off < size && stopped_at(fd, c->off, size, why, path, err, errlen) < 0)
			bad = 1;
		close(fd);
		if (bad)
			return -1;
	}
	*count = c->rotated_n + c->n;
	return 0;
}

/* The records of block b (at offset at of fd) from its record skip on,
 * decoded into out[*got..want): 0, or -1 with err. */
static int block_records(int fd, const char *path, uint64_t at, const qts_journal_block *b, uint64_t skip,
			 qts_event *out, size_t want, size_t *got, char *err, size_t errlen)
{
	unsigned char *rec;
	char why[128];
	long n = qts_journal_read_block(fd, at, b, &rec, why, sizeof why);
	if (n < 0) {
		snprintf(err, errlen, "%s: the block at byte %llu: %s", path, (unsigned long long)at,
			 n == -2 ? "out of memory" : why);
		return -1;
	}
	qts_reader *r = qts_journal_reader(rec, (size_t)n, path);
	free(rec);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	qts_event ev;
	int rc = 0;
	for (uint64_t i = 0; *got < want; i++) {
		int k = qts_reader_next(r, &ev);
		if (k <= 0) {
			if (k < 0 || i < b->count)
				snprintf(err, errlen, "%s: the block at byte %llu: %s", path, (unsigned long long)at,
					 k < 0 ? qts_reader_error(r) : "fewer records than its header says");
			rc = k < 0 || i < b->count ? -1 : 0;
			break;
		}
		if (i >= skip)
			qts_event_copy(&out[(*got)++], &ev);
	}
	qts_reader_close(r);
	return rc;
}

/* Walk one file of the journal: the records *at (counted over the
 * journal from its first) to from + want are decoded into out. */
static int file_records(const char *path, uint64_t *at, uint64_t from, qts_event *out, size_t want, size_t *got,
			char *err, size_t errlen)
{
	uint64_t size, off = 0;
	int fd = open_file(path, &size, err, errlen), rc = 0;
	if (fd < 0)
		return fd == -1 ? 0 : -1;
	qts_journal_block b;
	const char *why;
	while (off < size && *got < want && head_at(fd, off, size, &b, &why)) {
		uint64_t first = *at, skip = from + *got > first ? from + *got - first : 0;
		if (skip < b.count && (rc = block_records(fd, path, off, &b, skip, out, want, got, err, errlen)) < 0)
			break;
		*at += b.count;
		off += b.size;
	}
	close(fd);
	return rc;
}

long qts_journal_records(const char *path, uint64_t from, size_t n, qts_event *out, char *err, size_t errlen)
{
	size_t nfiles = 0, got = 0;
	rotated_file *files = NULL;
	uint64_t at = 0;
	if (n == 0)
		return 0;
	if (rotated_list(path, &nfiles, NULL, &files, err, errlen) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i <= nfiles && got < n && rc == 0; i++)
		rc = file_records(i < nfiles ? files[i].path : path, &at, from, out, n, &got, err, errlen);
	free(files);
	if (rc < 0) {
		while (got)
			qts_event_free(&out[--got]);
		return -1;
	}
	return (long)got;
}

/* input.c — bytes from a file or a pipe, gzip or plain, detected by the
 * magic number.  zlib's inflate is driven here rather than through gzdopen
 * so that the program learns when a read would block (to flush its output
 * first: a live pipeline must never hold events back) and so that a signal
 * can interrupt a read.  A plain regular file of some size is mapped into
 * memory a window at a time instead: copying it out with read(2) takes a
 * fifth of the time of a stage that reads bars (bench/resample.sh). */
#include "qts.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (64 * 1024)
#define MAP_WINDOW (1 << 20) /* bytes mapped at once: memory stays flat */
#define MAP_MIN (1 << 20)    /* smaller files are read */

struct qts_input {
	int fd, own_fd, pollable;
	char *name;
	unsigned char *buf;      /* decoded bytes: [pos, len) unread */
	size_t cap, pos, len;
	uint64_t consumed;
	int detected, gz, raw_eof, eof, failed;
	int mappable, mapped;    /* mapped: buf is a window of the file, */
	off_t map_at, size;      /* starting at this offset, of a file this long */
	unsigned char *heap;     /* the buffer for reads, while buf is mapped */
	z_stream zs;
	unsigned char *zbuf;     /* compressed bytes: [zs.next_in, +avail_in) */
	char err[256];
	void (*idle)(void *);
	void *idle_arg;
	int (*wait)(void *, int);
	void *wait_arg;
};

qts_input *qts_input_fdopen(int fd, const char *name)
{
	qts_input *in = calloc(1, sizeof *in);
	if (!in || !(in->name = strdup(name)) || !(in->buf = malloc(CHUNK))) {
		if (in)
			free(in->name);
		free(in);
		errno = ENOMEM;
		return NULL;
	}
	in->fd = fd;
	in->cap = CHUNK;
	struct stat st;
	int stated = fstat(fd, &st) == 0;
	in->pollable = stated && !S_ISREG(st.st_mode);
	/* Reading starts where the descriptor stands, as read(2) would: a
	 * shell may have read a header from it first. */
	in->map_at = stated && S_ISREG(st.st_mode) ? lseek(fd, 0, SEEK_CUR) : -1;
	in->mappable = in->map_at >= 0 && st.st_size - in->map_at >= MAP_MIN;
	in->size = stated ? st.st_size : 0;
	return in;
}

qts_input *qts_input_open(const char *path)
{
	if (strcmp(path, "-") == 0)
		return qts_input_fdopen(STDIN_FILENO, "-");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	qts_input *in = qts_input_fdopen(fd, path);
	if (!in) {
		close(fd);
		return NULL;
	}
	in->own_fd = 1;
	return in;
}

const char *qts_input_name(const qts_input *in) { return in->name; }
const char *qts_input_error(const qts_input *in) { return in->err; }
uint64_t qts_input_offset(const qts_input *in) { return in->consumed; }

void qts_input_on_idle(qts_input *in, void (*fn)(void *), void *arg)
{
	in->idle = fn;
	in->idle_arg = arg;
}

void qts_input_on_wait(qts_input *in, int (*fn)(void *arg, int fd), void *arg)
{
	in->wait = fn;
	in->wait_arg = arg;
}

static long fail(qts_input *in, const char *what)
{
	snprintf(in->err, sizeof in->err, "%s: %s", in->name, what);
	in->failed = 1;
	return -1;
}

/* One read(2) of raw bytes, telling the program first if it would block. */
static long read_raw(qts_input *in, unsigned char *dst, size_t max)
{
	if ((in->idle || in->wait) && in->pollable) {
		struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
		if (poll(&pfd, 1, 0) == 0) {
			if (!in->wait)
				in->idle(in->idle_arg);
			else if (in->wait(in->wait_arg, in->fd) < 0)
				return fail(in, "interrupted");
		}
	}
	for (;;) {
		if (qts_interrupted)
			return fail(in, "interrupted");
		ssize_t r = read(in->fd, dst, max);
		if (r >= 0)
			return (long)r;
		if (errno != EINTR && errno != EAGAIN)
			return fail(in, strerror(errno));
		if (errno == EAGAIN && in->wait) {
			if (in->wait(in->wait_arg, in->fd) < 0)
				return fail(in, "interrupted");
		} else if (errno == EAGAIN) {
			struct pollfd pfd = { .fd = in->fd, .events = POLLIN };
			poll(&pfd, 1, -1);
		}
	}
}

/* Append decoded bytes to buf[len..cap); returns bytes added, 0 at end. */
static long decode_more(qts_input *in)
{
	unsigned char *dst = in->buf + in->len;
	size_t room = in->cap - in->len;
	if (!in->gz) {
		if (in->raw_eof)
			return 0;
		long r = read_raw(in, dst, room);
		if (r == 0)
			in->raw_eof = 1;
		return r;
	}
	for (;;) {
		if (in->zs.avail_in == 0 && !in->raw_eof) {
			long r = read_raw(in, in->zbuf, CHUNK);
			if (r < 0)
				return -1;
			if (r == 0)
				in->raw_eof = 1;
			in->zs.next_in = in->zbuf;
			in->zs.avail_in = (uInt)r;
		}
		if (in->zs.avail_in == 0 && in->raw_eof)
			return in->gz == 2 ? 0 : fail(in, "truncated gzip data");
		int between = in->gz == 2;
		if (between) {
			/* After a member ends, another may follow (gzip -c a b). */
			if (inflateReset(&in->zs) != Z_OK)
				return fail(in, "gzip: reset failed");
			in->gz = 1;
		}
		in->zs.next_out = dst;
		in->zs.avail_out = (uInt)room;
		int z = inflate(&in->zs, Z_NO_FLUSH);
		long got = (long)(room - in->zs.avail_out);
		if (z == Z_STREAM_END)
			in->gz = 2;
		else if (z != Z_OK && z != Z_BUF_ERROR)
			/* zlib's "incorrect header check" would not say that the
			 * data itself was whole. */
			return fail(in, between && got == 0 ? "trailing garbage after gzip data"
				    : in->zs.msg ? in->zs.msg : "corrupt gzip data");
		if (got > 0)
			return got;
	}
}

/* Map the window from the page holding the first unread byte on, at least
 * n bytes long where the file has them; at the end of the file, see
 * whether it grew.  Returns -1 on error, 0 at the end, else 1. */
static int map_more(qts_input *in, size_t n)
{
	off_t next = in->map_at + (off_t)in->pos;
	if (next + (off_t)n > in->size) {
		struct stat st;
		if (fstat(in->fd, &st) < 0)
			return (int)fail(in, strerror(errno));
		in->size = st.st_size;
		/* Nothing beyond what is mapped already: the end. */
		if (next >= in->size || (in->mapped && in->map_at + (off_t)in->len >= in->size))
			return 0;
	}
	off_t start = next - next % (off_t)sysconf(_SC_PAGESIZE);
	size_t len = (size_t)(next - start) + n;
	if (len < MAP_WINDOW)
		len = MAP_WINDOW;
	if ((off_t)len > in->size - start)
		len = (size_t)(in->size - start);
	void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, in->fd, start);
	if (m == MAP_FAILED)
		return (int)fail(in, strerror(errno));
	if (in->mapped)
		munmap(in->buf, in->len);
	else
		qts_inputs_mapped++;
	in->buf = m;
	in->mapped = 1;
	in->map_at = start;
	in->pos = (size_t)(next - start);
	in->len = len;
	return 1;
}

static int detect(qts_input *in)
{
	in->detected = 1;
	if (in->mappable) {
		in->heap = in->buf;
		int r = map_more(in, 2);
		if (r > 0 && !(in->buf[0] == 0x1f && in->buf[1] == 0x8b))
			return 0;
		/* gzip, nothing, or a file system that cannot map it: read
		 * after all, from the start. */
		in->failed = 0;
		if (in->mapped) {
			munmap(in->buf, in->len);
			qts_inputs_mapped--;
		}
		in->buf = in->heap;
		in->heap = NULL;
		in->mapped = in->mappable = 0;
		in->pos = in->len = 0;
	}
	/* Read the first bytes raw to look for the gzip magic 1f 8b. */
	while (in->len < 2 && !in->raw_eof) {
		long r = read_raw(in, in->buf + in->len, in->cap - in->len);
		if (r < 0)
			return -1;
		if (r == 0)
			in->raw_eof = 1;
		in->len += (size_t)r;
	}
	if (in->len >= 2 && in->buf[0] == 0x1f && in->buf[1] == 0x8b) {
		in->zbuf = malloc(CHUNK);
		if (!in->zbuf || inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK)
			return fail(in, "out of memory");
		memcpy(in->zbuf, in->buf, in->len);
		in->zs.next_in = in->zbuf;
		in->zs.avail_in = (uInt)in->len;
		in->len = 0;
		in->gz = 1;
	}
	return 0;
}

long qts_input_need(qts_input *in, size_t n, const unsigned char **p)
{
	if (in->failed)
		return -1;
	if (!in->detected && detect(in) < 0)
		return -1;
	while (in->mapped && in->len - in->pos < n && !in->eof) {
		if (qts_interrupted)
			return fail(in, "interrupted");
		int r = map_more(in, n);
		if (r < 0)
			return -1;
		if (r == 0) {
			in->eof = 1;
			lseek(in->fd, in->map_at + (off_t)in->len, SEEK_SET); /* as at close */
		}
	}
	while (in->len - in->pos < n && !in->eof) {
		if (in->pos > 0) { /* compact */
			memmove(in->buf, in->buf + in->pos, in->len - in->pos);
			in->len -= in->pos;
			in->pos = 0;
		}
		if (in->cap - in->len < CHUNK / 2 || in->cap < n) {
			size_t ncap = in->cap * 2 > n ? in->cap * 2 : n + CHUNK;
			unsigned char *nb = realloc(in->buf, ncap);
			if (!nb)
				return fail(in, "out of memory");
			in->buf = nb;
			in->cap = ncap;
		}
		long r = decode_more(in);
		if (r < 0)
			return -1;
		if (r == 0)
			in->eof = 1;
		in->len += (size_t)r;
	}
	*p = in->buf + in->pos;
	return (long)(in->len - in->pos);
}

long qts_input_fill(qts_input *in, const unsigned char **p)
{
	return qts_input_need(in, 1, p);
}

long qts_input_peek(qts_input *in, const unsigned char **p, size_t n)
{
	long r = qts_input_need(in, n, p);
	return r > (long)n ? (long)n : r;
}

void qts_input_consume(qts_input *in, size_t n)
{
	in->pos += n;
	in->consumed += n;
}

long qts_input_read(qts_input *in, void *buf, size_t max)
{
	const unsigned char *p;
	long r = qts_input_fill(in, &p);
	if (r <= 0)
		return r;
	if ((size_t)r > max)
		r = (long)max;
	memcpy(buf, p, (size_t)r);
	qts_input_consume(in, (size_t)r);
	return r;
}

void qts_input_close(qts_input *in)
{
	if (!in)
		return;
	if (in->zbuf)
		inflateEnd(&in->zs);
	if (in->own_fd)
		close(in->fd);
	free(in->zbuf);
	if (in->mapped) {
		/* Leave the descriptor where read(2) would have: past what was
		 * taken in, for whoever reads it next ({ qts cat; cat; } <f). */
		lseek(in->fd, in->map_at + (off_t)in->len, SEEK_SET);
		munmap(in->buf, in->len);
		qts_inputs_mapped--;
		in->buf = in->heap;
	}
	free(in->buf);
	free(in->name);
	free(in);
}

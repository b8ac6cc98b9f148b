/* input.c — bytes from a file or a pipe, gzip or plain, detected by the
 * magic number.  zlib's inflate is driven here rather than through gzdopen
 * so that the program learns when a read would block (to flush its output
 * first: a live pipeline must never hold events back) and so that a signal
 * can interrupt a read.  Regular files are read too, not mapped: on the
 * bench machine (a virtual one) mapping a file costs three times what
 * read(2) does to copy it (each page mapped is a trip to the hypervisor),
 * a third of the time of a stage that reads bars (bench/resample.sh). */
#include "qts.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (64 * 1024)

struct qts_input {
	int fd, own_fd, pollable;
	int fifo;                /* a named FIFO, opened without waiting for its writer */
	char *name;
	unsigned char *buf;      /* decoded bytes: [pos, len) unread */
	size_t cap, pos, len;
	uint64_t consumed;
	int detected, gz, raw_eof, eof, failed;
	int regular;             /* a regular file, */
	off_t raw_at;            /* and the offset of its next byte */
	z_stream zs;
	unsigned char *zbuf;     /* compressed bytes: [zs.next_in, +avail_in) */
	uint64_t zin, zout;      /* compressed bytes put in zbuf, bytes decoded */
	char err[256];
	void (*idle)(void *);
	void *idle_arg;
	int (*wait)(void *, int);
	void *wait_arg;
	/* A source of bytes other than a descriptor (qts_input_from). */
	long (*pull)(void *arg, unsigned char *dst, size_t max, char *err, size_t errlen);
	void *pull_arg;
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
	/* Reading starts where the descriptor stands: a shell may have read
	 * a header from it first. */
	in->regular = stated && S_ISREG(st.st_mode) && (in->raw_at = lseek(fd, 0, SEEK_CUR)) >= 0;
	return in;
}

int qts_input_streamed(const qts_input *in) { return in->pollable; }

qts_input *qts_input_from(long (*pull)(void *arg, unsigned char *dst, size_t max, char *err, size_t errlen),
			  void *arg, const char *name)
{
	qts_input *in = qts_input_fdopen(-1, name);
	if (in) {
		in->pull = pull;
		in->pull_arg = arg;
		in->pollable = 0;
	}
	return in;
}

void qts_input_resume(qts_input *in)
{
	if (in->pull && !in->failed)
		in->eof = in->raw_eof = 0;
}

qts_input *qts_input_open(const char *path)
{
	if (strcmp(path, "-") == 0)
		return qts_input_fdopen(STDIN_FILENO, "-");
	/* A FIFO is opened without waiting for a writer (open(2) would
	 * block until one came, before the stage's loop runs: no heartbeat,
	 * no signal heard, no other input read meanwhile); its reads then
	 * wait in the loop like a pipe's. */
	struct stat st;
	int fifo = stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
	int fd = open(path, O_RDONLY | O_CLOEXEC | (fifo ? O_NONBLOCK : 0));
	if (fd < 0)
		return NULL;
	qts_input *in = qts_input_fdopen(fd, path);
	if (!in) {
		close(fd);
		return NULL;
	}
	in->own_fd = 1;
	in->fifo = fifo;
	return in;
}

/* Bytes already in memory (an HTTP answer): the whole input, copied, read
 * as text whatever its first bytes (no gzip detection: a vendor's body is
 * decoded by the transport). */
qts_input *qts_input_mem(const void *p, size_t n, const char *name)
{
	qts_input *in = calloc(1, sizeof *in);
	if (!in || !(in->name = strdup(name)) || !(in->buf = malloc(n + 1))) {
		if (in)
			free(in->name);
		free(in);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(in->buf, p, n);
	in->fd = -1;
	in->cap = n + 1;
	in->len = n;
	in->detected = in->raw_eof = in->eof = 1;
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

/* Bad gzip data: what, and where inflate stood (its compressed byte, and
 * how much it had decoded), to find it with cmp or a hex dump. */
static long gz_fail(qts_input *in, const char *what, uint64_t at)
{
	char m[200];
	snprintf(m, sizeof m, "%s at byte %llu of the gzip data (after %llu bytes decoded)", what,
		 (unsigned long long)at, (unsigned long long)in->zout);
	return fail(in, m);
}

/* One read(2) of raw bytes, telling the program first if it would block. */
static long read_raw(qts_input *in, unsigned char *dst, size_t max)
{
	if (in->pull) {
		char why[200] = "";
		long r = in->pull(in->pull_arg, dst, max, why, sizeof why);
		return r < 0 ? fail(in, why) : r;
	}
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
		if (r > 0 && in->regular)
			in->raw_at += r;
		if (r == 0 && in->regular) {
			/* A file that ends before what was read of it was cut
			 * short: its last lines are not to be trusted. */
			struct stat st;
			if (fstat(in->fd, &st) == 0 && st.st_size < in->raw_at)
				return fail(in, "cut short while being read");
		}
		if (r == 0 && in->fifo && !qts_fifo_ended(in->fd))
			r = -1, errno = EAGAIN; /* no writer yet: not an end */
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
			in->zin += (uint64_t)r;
		}
		if (in->zs.avail_in == 0 && in->raw_eof)
			return in->gz == 2 ? 0 : gz_fail(in, "truncated gzip data", in->zin);
		int between = in->gz == 2;
		if (between) {
			/* After a member ends, another may follow (gzip -c a b). */
			if (inflateReset(&in->zs) != Z_OK)
				return fail(in, "gzip: reset failed");
			in->gz = 1;
		}
		in->zs.next_out = dst;
		in->zs.avail_out = (uInt)room;
		uint64_t at = in->zin - in->zs.avail_in; /* where this inflate starts */
		int z = inflate(&in->zs, Z_NO_FLUSH);
		long got = (long)(room - in->zs.avail_out);
		in->zout += (uint64_t)got;
		if (z == Z_STREAM_END)
			in->gz = 2;
		else if (z != Z_OK && z != Z_BUF_ERROR)
			/* zlib's "incorrect header check" would not say that the
			 * data itself was whole. */
			return between && got == 0 ? gz_fail(in, "trailing garbage after gzip data", at)
			       : gz_fail(in, in->zs.msg ? in->zs.msg : "corrupt gzip data", in->zin - in->zs.avail_in);
		if (got > 0)
			return got;
	}
}

static int detect(qts_input *in)
{
	in->detected = 1;
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
		in->zin = in->len;
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
	free(in->buf);
	free(in->name);
	free(in);
}

/* feedback.c — a stage's --feedback, read as it arrives (qts_feedback.h).
 * The bytes are drained into memory whenever the descriptor is readable,
 * so the stage that writes them (through tee) never waits on this one;
 * whole records are cut from them (a CSV line outside quotes, a msgpack
 * array) and handed to one stream reader for the whole feedback, which
 * would block on a record that has not all arrived: it reads to an end
 * where the whole records do, and goes on from there when more are in.
 * So its lines count from the feedback's start, and its time order holds
 * across all of it. */
#define _GNU_SOURCE
#include "qts_feedback.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct qts_feedback {
	int fd, ended;
	int fifo;            /* reopened when its writers are gone */
	char *name;
	/* bytes read: [0, len); [0, whole) are whole records, [0, given)
	 * handed to the reader */
	unsigned char *buf;
	size_t len, cap, whole, given;
	int fmt;             /* 0 until the first byte */
	qts_reader *r;       /* made at the first whole record */
	qts_input *in;       /* r's, from pull */
	int at_end;          /* r read all it was given */
	char err[1200];
};

qts_feedback *qts_feedback_open(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fifo = stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
	/* Opened without waiting for a writer.  A FIFO never ends: when its
	 * writers are gone it is opened again for the next (writer_gone). */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "--feedback: %s: %s", path, strerror(errno));
		return NULL;
	}
	qts_feedback *fb = calloc(1, sizeof *fb);
	if (!fb || !(fb->name = strdup(path))) {
		free(fb);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fb->fd = fd;
	fb->fifo = fifo;
	return fb;
}

int qts_feedback_fd(const qts_feedback *fb)
{
	return fb->ended ? -1 : fb->fd;
}

static int failed(qts_feedback *fb, const char *what)
{
	snprintf(fb->err, sizeof fb->err, "--feedback: %s: %s", fb->name, what);
	fb->ended = 1;
	return -1;
}

static void extend_whole(qts_feedback *fb);

/* A FIFO read to its end, its last writer gone (qts_fifo_ended).  A
 * record left cut short is its writer's last, torn where it died (tee
 * killed mid-write): joined to the next writer's first, it
 * would make one bad record of two, or a wrong one (a price cut short),
 * so it is dropped.  The FIFO is opened again before the old descriptor
 * closes (a reader is there all along: a writer never meets EPIPE), and
 * the new one is not ready until a writer comes and writes or goes
 * (pipe(7): the old one would stay readable at its end for ever). */
static int writer_gone(qts_feedback *fb)
{
	extend_whole(fb);
	if (fb->len > fb->whole) {
		qts_warn("--feedback: %s: a record cut short where its writer closed the FIFO (%zu bytes): dropped",
			 fb->name, fb->len - fb->whole);
		fb->len = fb->whole;
	}
	int fd = open(fb->name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return failed(fb, strerror(errno));
	if (dup3(fd, fb->fd, O_CLOEXEC) < 0) {
		int e = errno;
		close(fd);
		return failed(fb, strerror(e));
	}
	close(fd);
	return 0;
}

/* The length of the whole CSV records at the start of p[0..n). */
static size_t csv_whole(const unsigned char *p, size_t n)
{
	size_t whole = 0, i = 0;
	while (i < n) {
		/* one record from i: a comment to its newline, else fields,
		 * a quote opening a field only at its start */
		int start = 1, comment = p[i] == '#';
		for (; i < n; i++) {
			unsigned char c = p[i];
			if (c == '\n') {
				whole = ++i;
				break;
			}
			if (comment)
				continue;
			if (start && c == '"') {
				for (i++; i < n; i++)
					if (p[i] == '"') {
						if (i + 1 == n)
							return whole; /* "" or the end? not yet known */
						if (p[i + 1] != '"')
							break;
						i++;
					}
				if (i == n)
					return whole;
				start = 0;
				continue;
			}
			start = c == ',';
		}
	}
	return whole;
}

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The length of the whole msgpack objects at the start of p[0..n).  A
 * byte no object starts with ends the scan there, the rest taken as it
 * is: the reader says what is wrong with it. */
static size_t msgpack_whole(const unsigned char *p, size_t n)
{
	size_t whole = 0, i = 0;
	while (i < n) {
		uint64_t items = 1; /* still to skip in this object */
		while (items) {
			if (i >= n)
				return whole;
			unsigned c = p[i];
			size_t head = 1;
			uint64_t body = 0, more = 0;
			int w = 0;
			if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3)
				;
			else if (c <= 0x8f)
				more = 2 * (uint64_t)(c & 0x0f);
			else if (c <= 0x9f)
				more = c & 0x0f;
			else if (c <= 0xbf)
				body = c & 0x1f;
			else if (c == 0xc4 || c == 0xd9)
				w = 1;
			else if (c == 0xc5 || c == 0xda)
				w = 2;
			else if (c == 0xc6 || c == 0xdb)
				w = 4;
			else if (c >= 0xc7 && c <= 0xc9) {
				int wl = c == 0xc7 ? 1 : c == 0xc8 ? 2 : 4;
				if (i + 1 + (size_t)wl > n)
					return whole;
				head = 2 + (size_t)wl;
				body = be(p + i + 1, wl);
			} else if (c >= 0xca && c <= 0xd3) {
				static const unsigned char len[] = { 5, 9, 2, 3, 5, 9, 2, 3, 5, 9 };
				head = len[c - 0xca];
			} else if (c >= 0xd4 && c <= 0xd8)
				head = 2 + ((size_t)1 << (c - 0xd4));
			else if (c == 0xdc || c == 0xde) {
				if (i + 3 > n)
					return whole;
				head = 3;
				more = be(p + i + 1, 2) * (c == 0xde ? 2 : 1);
			} else if (c == 0xdd || c == 0xdf) {
				if (i + 5 > n)
					return whole;
				head = 5;
				more = be(p + i + 1, 4) * (c == 0xdf ? 2 : 1);
			} else
				return n; /* 0xc1: never used */
			if (w) {
				if (i + 1 + (size_t)w > n)
					return whole;
				head = 1 + (size_t)w;
				body = be(p + i + 1, w);
			}
			if (body > n || i + head + body > n)
				return whole;
			i += head + (size_t)body;
			items += more;
			items--;
		}
		whole = i;
	}
	return whole;
}

/* whole moved past the records read whole since. */
static void extend_whole(qts_feedback *fb)
{
	if (fb->len > fb->whole) {
		size_t rest = fb->len - fb->whole;
		fb->whole += fb->fmt == QTS_FMT_MSGPACK ? msgpack_whole(fb->buf + fb->whole, rest)
							: csv_whole(fb->buf + fb->whole, rest);
	}
}

int qts_feedback_drain(qts_feedback *fb)
{
	if (fb->given && fb->given == fb->len) /* the usual case: all taken */
		fb->len = fb->whole = fb->given = 0;
	while (!fb->ended) {
		if (fb->cap - fb->len < 16384 && fb->given) {
			memmove(fb->buf, fb->buf + fb->given, fb->len - fb->given);
			fb->len -= fb->given;
			fb->whole -= fb->given;
			fb->given = 0;
		}
		if (fb->cap - fb->len < 16384) {
			size_t cap = fb->cap ? 2 * fb->cap : 65536;
			unsigned char *b = realloc(fb->buf, cap);
			if (!b)
				return failed(fb, "out of memory");
			fb->buf = b;
			fb->cap = cap;
		}
		ssize_t r = read(fb->fd, fb->buf + fb->len, fb->cap - fb->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0)
			return failed(fb, strerror(errno));
		if (r == 0 && fb->fifo) {
			/* opened again only at an end a writer left, not while
			 * none has come yet */
			if (qts_fifo_ended(fb->fd) && writer_gone(fb) < 0)
				return -1;
			break;
		}
		if (r == 0) {
			fb->ended = 1; /* a regular file read to its end */
			break;
		}
		if (!fb->fmt) {
			unsigned c = fb->buf[0];
			if (c == 0x1f)
				return failed(fb, "compressed feedback is not read (a stream, CSV or msgpack, is)");
			fb->fmt = (c >= 0x90 && c <= 0x9f) || c == 0xdc || c == 0xdd ? QTS_FMT_MSGPACK : QTS_FMT_CSV;
		}
		fb->len += (size_t)r;
	}
	if (fb->ended && !fb->err[0])
		fb->whole = fb->len; /* the last line needs no newline */
	else
		extend_whole(fb);
	return 0;
}

int qts_feedback_pending(const qts_feedback *fb)
{
	return fb->whole > fb->given || (fb->r && !fb->at_end);
}

/* qts_input_from's pull: the whole records not yet handed over; none is
 * an end, until qts_input_resume. */
static long pull(void *arg, unsigned char *dst, size_t max, char *err, size_t errlen)
{
	qts_feedback *fb = arg;
	(void)err, (void)errlen;
	size_t n = fb->whole - fb->given;
	if (n > max)
		n = max;
	memcpy(dst, fb->buf + fb->given, n);
	fb->given += n;
	return (long)n;
}

int qts_feedback_next(qts_feedback *fb, qts_event *ev)
{
	if (fb->err[0])
		return -1;
	if (!fb->r) {
		if (fb->whole == 0)
			return 0;
		fb->in = qts_input_from(pull, fb, fb->name);
		if (!fb->in || !(fb->r = qts_reader_new(fb->in))) {
			qts_input_close(fb->in);
			return failed(fb, "out of memory");
		}
		/* a part of only comments is no sign of anything */
		qts_reader_quiet_if_empty(fb->r);
	}
	if (fb->at_end) {
		if (fb->whole == fb->given)
			return 0;
		qts_input_resume(fb->in);
		fb->at_end = 0;
	}
	int r = qts_reader_next(fb->r, ev);
	if (r > 0)
		return 1;
	if (r < 0) {
		snprintf(fb->err, sizeof fb->err, "--feedback: %s", qts_reader_error(fb->r));
		fb->ended = 1;
		return -1;
	}
	fb->at_end = 1; /* until more whole records are in */
	return 0;
}

const char *qts_feedback_error(const qts_feedback *fb)
{
	return fb->err;
}

void qts_feedback_close(qts_feedback *fb)
{
	if (!fb)
		return;
	qts_reader_close(fb->r);
	close(fb->fd);
	free(fb->buf);
	free(fb->name);
	free(fb);
}

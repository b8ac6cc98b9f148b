/* writer.c — events out as CSV lines or msgpack arrays, buffered, written
 * in whole records only: a record never straddles a failed write. */
#define _GNU_SOURCE /* F_GETPIPE_SZ, F_SETPIPE_SZ */
#include "event_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <msgpack.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define WBUF (64 * 1024)
#define WSLACK (4 * 1024)
/* A pipe to the next stage holds this much at least.  Linux's 64 KiB
 * made the stages of a pipeline take turns a buffer at a time, each
 * switch of process costing more than the buffer's work: 1M bars through
 * strategy | risk | sim switched 3,600 times, and 500 times at 256 KiB,
 * in 25% less time.  More would count against the user's pipe pages
 * (fs.pipe-user-pages-soft), past which every new pipe gets the least. */
#define PIPE_SIZE (256 * 1024)

struct qts_writer {
	int fd, format, failed;
	char *buf;
	size_t len, cap;
	msgpack_packer pk;
	qts_latest_known latest; /* of the events written: a failure's time */
	int64_t unwritten_ts;   /* without one: the latest event read, */
	char unwritten_tf[QTS_WORD_MAX]; /* by which a failure is dated */
	int ended;              /* a system error event is written */
	int err;                /* errno of the failed write */
	int oom;                /* append found no memory */
	int (*on_block)(void *, int, int); /* a write would block: qts_writer_on_block */
	void *block_arg;
};

/* The writer of standard output, which a failing qts_die ends with a
 * system error event. */
static qts_writer *stream_out;

static void fail_stream_out(const char *why)
{
	if (stream_out)
		qts_writer_fail(stream_out, why);
}

static int append(qts_writer *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		size_t cap = w->cap;
		while (cap < w->len + n)
			cap *= 2;
		char *b = realloc(w->buf, cap);
		if (!b) {
			w->oom = 1;
			return -1;
		}
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

/* msgpack-c hands over a record in pieces of one to nine bytes: copying
 * them inline is much cheaper than a call to memcpy each. */
static int pack_write(void *data, const char *buf, size_t len)
{
	qts_writer *w = data;
	if (len <= 16 && w->len + len <= w->cap) {
		char *d = w->buf + w->len;
		for (size_t i = 0; i < len; i++)
			d[i] = buf[i];
		w->len += len;
		return 0;
	}
	return append(w, buf, len);
}

/* A record passed on as it came (a bar is 60 to 110 bytes): copied as
 * overlapping blocks of 32 bytes that cover it exactly, three up to 96
 * bytes (the first, one about the middle, the last) and four up to 128.
 * A memcpy of a length known only at run time is a call, or, in a build
 * optimised by its profile, a `rep movsb`, slow to start for so few
 * bytes. */
static inline void copy_record(char *dst, const void *raw, size_t len)
{
	const char *src = raw;
	if (len < 32 || len > 128) {
		memcpy(dst, src, len);
		return;
	}
	memcpy(dst, src, 32);
	memcpy(dst + len - 32, src + len - 32, 32);
	if (len <= 96) {
		/* from at most byte 32 to at least byte len - 32 */
		size_t mid = len / 2 - 16;
		memcpy(dst + mid, src + mid, 32);
	} else {
		memcpy(dst + 32, src + 32, 32);
		memcpy(dst + len - 64, src + len - 64, 32);
	}
}

qts_writer *qts_writer_new(int fd, int format)
{
	/* lines of its own: `qts pipe` writes from its second thread */
	qts_writer *w = qts_calloc_aligned(QTS_APART, sizeof *w);
	/* WBUF and a margin: a record of up to WSLACK bytes put below WBUF
	 * (every put flushes at WBUF) then fits without a realloc, a copy of
	 * the buffer and its pages faulted again */
	if (!w || !(w->buf = malloc(WBUF + WSLACK))) {
		free(w);
		return NULL;
	}
	w->fd = fd;
	w->format = format;
	w->cap = WBUF + WSLACK;
	msgpack_packer_init(&w->pk, w, pack_write);
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && fcntl(fd, F_GETPIPE_SZ) < PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE); /* refused: the pipe as it is */
	if (fd == STDOUT_FILENO && !stream_out) {
		stream_out = w;
		qts_fail_hook = fail_stream_out;
	}
	return w;
}

int qts_output_format(int want_msgpack)
{
	const char *env = getenv("QTS_FORMAT");
	if (want_msgpack || (env && strcmp(env, "msgpack") == 0))
		return QTS_FMT_MSGPACK;
	return QTS_FMT_CSV;
}

/* A write that failed part way (a full disk, a file-size limit) left the
 * first `done` bytes of a buffer of whole records in the file.  In a
 * regular file they are cut off again, so the file ends with a whole
 * record; in a pipe they are gone, and the reader sees the stream end. */
static void cut_partial(int fd, size_t done)
{
	struct stat st;
	int e = errno;
	if (done > 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off_t end = lseek(fd, 0, SEEK_CUR);
		if (end >= (off_t)done && ftruncate(fd, end - (off_t)done) == 0)
			lseek(fd, end - (off_t)done, SEEK_SET);
	}
	errno = e;
}

/* A write after SIGINT or SIGTERM (or one they interrupted), done bytes
 * of the buffer out: the rest goes if the reader takes it within a
 * second (a record cut is finished, the stage's last words said), else
 * the write gives up.  Left blocking, a stage behind a reader that does
 * not read would never stop.  0 when all went out. */
static int flush_interrupted(qts_writer *w, size_t *done)
{
	int fl = fcntl(w->fd, F_GETFL);
	if (fl < 0 || fcntl(w->fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = 0;
	while (*done < w->len) {
		ssize_t n = write(w->fd, w->buf + *done, w->len - *done);
		if (n >= 0) {
			*done += (size_t)n;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		long ms = 1000 - ((long)(t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = { .fd = w->fd, .events = POLLOUT };
		if ((errno != EAGAIN && errno != EINTR) || ms <= 0 || (errno == EAGAIN && poll(&p, 1, (int)ms) == 0)) {
			rc = -1;
			break;
		}
	}
	int e = errno;
	fcntl(w->fd, F_SETFL, fl);
	errno = e;
	return rc;
}

int qts_writer_flush(qts_writer *w)
{
	size_t done = 0;
	if (w->failed) {
		errno = w->err;
		return -1;
	}
	while (done < w->len) {
		/* after a signal (one may have cut the write before short), a
		 * blocking write might never end */
		if (qts_interrupted && !(fcntl(w->fd, F_GETFL) & O_NONBLOCK)) {
			if (flush_interrupted(w, &done) == 0)
				break;
			w->failed = 1;
			w->err = errno == EAGAIN ? EINTR : errno;
			cut_partial(w->fd, done);
			errno = w->err;
			return -1;
		}
		ssize_t n = write(w->fd, w->buf + done, w->len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && w->on_block && w->on_block(w->block_arg, w->fd, done > 0) == 0)
				continue;
			w->failed = 1;
			w->err = errno;
			cut_partial(w->fd, done);
			return -1;
		}
		done += (size_t)n;
	}
	w->len = 0;
	return 0;
}

int qts_writer_closed(const qts_writer *w)
{
	return w && w->failed && w->err == EPIPE;
}

int qts_writer_try_flush(qts_writer *w)
{
	size_t done = 0;
	if (w->failed) {
		errno = w->err;
		return -1;
	}
	while (done < w->len) {
		ssize_t n = write(w->fd, w->buf + done, w->len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			w->failed = 1;
			w->err = errno;
			cut_partial(w->fd, done);
			return -1;
		}
		done += (size_t)n;
	}
	memmove(w->buf, w->buf + done, w->len - done);
	w->len -= done;
	return w->len > 0;
}

size_t qts_writer_pending(const qts_writer *w)
{
	return w->len;
}

void qts_writer_on_block(qts_writer *w, int (*fn)(void *arg, int fd, int partial), void *arg)
{
	w->on_block = fn;
	w->block_arg = arg;
}

/* When an event at ts of timeframe tf ("": not a bar) became known. */
static int64_t known_at(int64_t ts, const char *tf)
{
	qts_event ev;
	qts_event_init(&ev, tf[0] ? QTS_BAR : QTS_SYSTEM, ts);
	if (tf[0])
		QTS_SET(ev.bar.tf, tf);
	return qts_event_known(&ev);
}

int qts_writer_fail(qts_writer *w, const char *why)
{
	if (!w || w->failed || w->ended)
		return w && w->failed ? -1 : 0;
	qts_event ev;
	qts_event_init(&ev, QTS_SYSTEM, 0);
	/* When the last event became known, so the stream stays in order. */
	ev.ts = qts_latest_known_time(&w->latest, known_at(w->unwritten_ts, w->unwritten_tf));
	QTS_SET(ev.system.source, qts_progname);
	QTS_SET(ev.system.level, "error");
	if (!why || !why[0])
		why = qts_last_message()[0] ? qts_last_message() : "failed";
	QTS_SET_TEXT(ev.system.message, why);
	if (qts_writer_put(w, &ev) < 0)
		return -1;
	return qts_writer_flush(w);
}

int64_t qts_writer_latest_known(const qts_writer *w)
{
	return qts_latest_known_time(&w->latest, INT64_MIN);
}

void qts_writer_date_unwritten(qts_writer *w, int64_t ts, const char *tf)
{
	w->unwritten_ts = ts;
	QTS_SET(w->unwritten_tf, tf);
}

int qts_finish(qts_writer *w, int status)
{
	if (status || qts_interrupted) {
		char why[64];
		if (!status)
			snprintf(why, sizeof why, "stopped by signal %d (%s)", qts_interrupted,
				 qts_interrupted == SIGINT ? "SIGINT" : qts_interrupted == SIGTERM ? "SIGTERM"
					 : qts_interrupted == SIGHUP ? "SIGHUP" : "?");
		qts_writer_fail(w, status ? NULL : why);
	} else if (qts_upstream_failure()) {
		/* Passed on already by the stage, unless it consumed it. */
		qts_writer_fail(w, qts_upstream_failure());
	}
	if (w && qts_writer_close(w) < 0 && errno != EPIPE && !qts_interrupted) {
		qts_write_error(errno);
		status = status ? status : QTS_EXIT_FAIL;
	}
	if (qts_interrupted)
		return 128 + qts_interrupted;
	int s = qts_close_stdout();
	return status ? status : s;
}

void qts_writer_idle_flush(void *writer)
{
	qts_writer_flush(writer);
}

int qts_writer_close(qts_writer *w)
{
	if (!w)
		return 0;
	if (w == stream_out) {
		stream_out = NULL;
		qts_fail_hook = NULL;
	}
	int r = qts_writer_flush(w);
	int e = errno;
	free(w->buf);
	free(w);
	errno = e;
	return r;
}

/* ---- CSV ---------------------------------------------------------------- */

static char *csv_quoted(char *p, const char *s, size_t n)
{
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
}

/* A text field, quoted (RFC 4180) only when it must be. */
static char *csv_text(char *p, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
		memcpy(p, s, n);
		return p + n;
	}
	return csv_quoted(p, s, n);
}

/* An unknown type's name, which starts the line, is quoted where it would
 * otherwise read back as something else: empty (a blank line, skipped),
 * `#...` (a comment), or a first byte of a msgpack array or the gzip magic
 * (at the start of a stream, the encoding is detected from them). */
static char *csv_type(char *p, const char *s, size_t n)
{
	unsigned c = n ? (unsigned char)s[0] : 0;
	if (n == 0 || c == '#' || (c >= 0x90 && c <= 0x9f) || c == 0xdc || c == 0xdd ||
	    (c == 0x1f && n > 1 && (unsigned char)s[1] == 0x8b))
		return csv_quoted(p, s, n);
	return csv_text(p, s, n);
}

/* Bytes a field may need: quoted text doubles at worst. */
static size_t csv_field_max(const struct field *f)
{
	return f->kind == FK_STR || f->kind == FK_ENUM ? 2 * f->size + 3 : 40;
}

static char *raw_text(char *p, const qts_raw_field *f)
{
	switch (f->kind) {
	case QTS_RAW_STR: return csv_text(p, f->str, f->len);
	case QTS_RAW_INT: return p + sprintf(p, "%lld", (long long)f->i);
	case QTS_RAW_UINT: return p + sprintf(p, "%llu", (unsigned long long)f->u);
	case QTS_RAW_FLOAT: return p + qts_num_format(f->f, p);
	case QTS_RAW_BOOL: return p + sprintf(p, "%s", f->i ? "true" : "false");
	case QTS_RAW_NIL: return p;
	}
	return p;
}

static size_t csv_max(const qts_event *ev)
{
	size_t need = 16;
	if (ev->type == QTS_UNKNOWN) {
		for (size_t i = 0; i < ev->raw.n; i++)
			need += (ev->raw.field[i].kind == QTS_RAW_STR ? 2 * ev->raw.field[i].len + 3 : 40) + 1;
		return need;
	}
	/* Per type, computed once. */
	static size_t known[QTS_UNKNOWN];
	if (!known[ev->type]) {
		const struct schema *s = &qts_schema[ev->type];
		for (int i = 0; i < s->nfields + s->ntail; i++)
			need += csv_field_max(&s->f[i]) + 1;
		known[ev->type] = need;
	}
	return known[ev->type];
}

/* An unknown event's second field when it is a time in msgpack's form
 * (an integer of ns, as the reader takes it): 1 with it in *ts. */
static int raw_int_time(const qts_event *ev, int64_t *ts)
{
	if (ev->raw.n < 2)
		return 0;
	const qts_raw_field *f = &ev->raw.field[1];
	if (f->kind == QTS_RAW_INT)
		*ts = f->i;
	else if (f->kind == QTS_RAW_UINT && f->u <= INT64_MAX)
		*ts = (int64_t)f->u;
	else
		return 0;
	return 1;
}

static size_t csv_encode(const qts_event *ev, char *out)
{
	char *p = out;
	if (ev->type == QTS_UNKNOWN) {
		int64_t ts = 0;
		int timed = raw_int_time(ev, &ts);
		for (size_t i = 0; i < ev->raw.n; i++) {
			const qts_raw_field *f = &ev->raw.field[i];
			if (i)
				*p++ = ',';
			if (i == 1 && timed) /* a time is written as one in each encoding */
				p += qts_time_format(ts, p);
			else
				p = i == 0 && f->kind == QTS_RAW_STR ? csv_type(p, f->str, f->len) : raw_text(p, f);
		}
		*p++ = '\n';
		return (size_t)(p - out);
	}
	const struct schema *s = &qts_schema[ev->type];
	int nfields = s->ntail ? qts_schema_count(s, ev) : s->nfields;
	size_t tl = strlen(s->name);
	memcpy(p, s->name, tl);
	p += tl;
	for (int i = 0; i < nfields; i++) {
		const struct field *f = &s->f[i];
		const char *at = (const char *)ev + f->offset;
		*p++ = ',';
		switch (f->kind) {
		case FK_TS: p += qts_time_format(ev->ts, p); break;
		case FK_STR:
		case FK_ENUM: p = csv_text(p, at, strlen(at)); break;
		case FK_NUM:
		case FK_OPTNUM: p += qts_num_format(*(const double *)at, p); break;
		}
	}
	*p++ = '\n';
	return (size_t)(p - out);
}

size_t qts_event_to_csv(const qts_event *ev, char *buf, size_t size)
{
	size_t max = csv_max(ev);
	if (max > size) {
		char *tmp = malloc(max);
		if (!tmp)
			return max;
		size_t n = csv_encode(ev, tmp);
		if (n <= size)
			memcpy(buf, tmp, n);
		free(tmp);
		return n;
	}
	return csv_encode(ev, buf);
}

/* ---- msgpack ------------------------------------------------------------ */

static void pack_str(msgpack_packer *pk, const char *s, size_t n)
{
	msgpack_pack_str(pk, n);
	msgpack_pack_str_body(pk, s, n);
}

/* An unknown event, whose fields may be of any msgpack scalar type. */
static void msgpack_unknown(qts_writer *w, const qts_event *ev)
{
	msgpack_packer *pk = &w->pk;
	msgpack_pack_array(pk, ev->raw.n);
	for (size_t i = 0; i < ev->raw.n; i++) {
		const qts_raw_field *f = &ev->raw.field[i];
		int64_t ts;
		/* A time read from CSV text goes out as msgpack's time, an int64
		 * of ns, so that a reader of either encoding orders it alike. */
		if (i == 1 && f->kind == QTS_RAW_STR && qts_time_parse(f->str, f->len, &ts) == 0) {
			msgpack_pack_int64(pk, ts);
			continue;
		}
		switch (f->kind) {
		case QTS_RAW_STR: pack_str(pk, f->str, f->len); break;
		case QTS_RAW_INT: msgpack_pack_int64(pk, f->i); break;
		case QTS_RAW_UINT: msgpack_pack_uint64(pk, f->u); break;
		case QTS_RAW_FLOAT: msgpack_pack_double(pk, f->f); break;
		case QTS_RAW_BOOL: f->i ? msgpack_pack_true(pk) : msgpack_pack_false(pk); break;
		case QTS_RAW_NIL: msgpack_pack_nil(pk); break;
		}
	}
}

/* Known types are encoded here straight into the buffer, in the same bytes
 * msgpack-c would write (tests/unit/test_codec.c checks that): going
 * through msgpack-c's packer callback a piece at a time costs a fifth of a
 * bar generator's time.  Unknown types still go through msgpack-c. */
static inline char *put_be(char *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (char)(v & 0xff);
	return p + n;
}

static char *mp_str(char *p, const char *s, size_t n)
{
	if (n < 32)
		*p++ = (char)(0xa0 | n);
	else if (n < 256)
		*p++ = (char)0xd9, *p++ = (char)n;
	else
		*p++ = (char)0xda, p = put_be(p, n, 2);
	memcpy(p, s, n);
	return p + n;
}

/* A field of SIZE bytes (a multiple of 8, 16 or 32), its text ending at
 * its first NUL before SIZE, as a fixstr: the whole field copied at once,
 * and the bytes past the text written over by what follows (a bar's
 * timeframe and numbers, 62 bytes at least), with no call.  The first
 * NUL of the first word is found with the word's arithmetic: the lowest
 * byte flagged is exact (a borrow only flags bytes above a zero). */
static inline char *mp_fixstr(char *p, const char *field, size_t size)
{
	uint64_t w, zero;
	memcpy(&w, field, 8);
	zero = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t n = zero ? (size_t)__builtin_ctzll(zero) / 8 : strnlen(field, size);
#else
	size_t n = strnlen(field, size);
	(void)zero;
#endif
	if (__builtin_expect(n >= 32, 0)) /* no NUL in it: never so in an event */
		return mp_str(p, field, n);
	*p++ = (char)(0xa0 | n);
	memcpy(p, field, size);
	return p + n;
}

static size_t msgpack_known(const qts_event *ev, char *out)
{
	const struct schema *s = &qts_schema[ev->type];
	char *p = out;
	int nfields = s->ntail ? qts_schema_count(s, ev) : s->nfields;
	*p++ = (char)(0x90 | (nfields + 1));
	p = mp_str(p, s->name, strlen(s->name));
	for (int i = 0; i < nfields; i++) {
		const struct field *f = &s->f[i];
		const char *at = (const char *)ev + f->offset;
		uint64_t u;
		switch (f->kind) {
		case FK_TS:
			*p++ = (char)0xd3;
			p = put_be(p, (uint64_t)ev->ts, 8);
			break;
		case FK_STR:
		case FK_ENUM: p = mp_str(p, at, strnlen(at, f->size)); break;
		case FK_OPTNUM:
			if (isnan(*(const double *)at)) {
				*p++ = (char)0xc0;
				break;
			}
			/* fall through */
		case FK_NUM:
			memcpy(&u, at, 8);
			*p++ = (char)0xcb;
			p = put_be(p, u, 8);
			break;
		}
	}
	return (size_t)(p - out);
}

/* A bar, most of any stream, written out without the schema's loop: the
 * same bytes as msgpack_known's. */
static size_t msgpack_bar(const qts_event *ev, char *out)
{
	char *p = out;
	memcpy(p, "\x99\xa3" "bar" "\xd3", 6);
	p = put_be(p + 6, (uint64_t)ev->ts, 8);
	p = mp_fixstr(p, ev->symbol, sizeof ev->symbol);
	p = mp_fixstr(p, ev->bar.tf, sizeof ev->bar.tf);
	const double *num[5] = { &ev->bar.open, &ev->bar.high, &ev->bar.low, &ev->bar.close, &ev->bar.volume };
	for (int i = 0; i < 5; i++) {
		uint64_t u;
		memcpy(&u, num[i], 8);
		*p++ = (char)0xcb;
		p = put_be(p, u, 8);
	}
	return (size_t)(p - out);
}

size_t qts_event_to_msgpack(const qts_event *ev, char *buf, size_t size)
{
	if (ev->type != QTS_UNKNOWN) {
		size_t max = csv_max(ev); /* a bound on the record, as in qts_writer_put */
		if (max <= size)
			return ev->type == QTS_BAR ? msgpack_bar(ev, buf) : msgpack_known(ev, buf);
		char *tmp = malloc(max);
		if (!tmp)
			return 0;
		size_t n = ev->type == QTS_BAR ? msgpack_bar(ev, tmp) : msgpack_known(ev, tmp);
		if (n <= size)
			memcpy(buf, tmp, n);
		free(tmp);
		return n;
	}
	msgpack_sbuffer sb;
	msgpack_sbuffer_init(&sb);
	qts_writer w = { 0 };
	msgpack_packer_init(&w.pk, &sb, msgpack_sbuffer_write);
	msgpack_unknown(&w, ev);
	size_t n = sb.size;
	if (n <= size)
		memcpy(buf, sb.data, n);
	msgpack_sbuffer_destroy(&sb);
	return n;
}

static int reserve(qts_writer *w, size_t max)
{
	if (w->len + max <= w->cap)
		return 0;
	size_t cap = w->len + max + WBUF;
	char *b = realloc(w->buf, cap);
	if (!b)
		return -1;
	w->buf = b;
	w->cap = cap;
	return 0;
}

/* What the writer keeps of each event written: when the latest became
 * known, and whether the stream has ended with an error.  The order of a
 * stream is by that time: a bar of a day written after a target of the
 * day's end is known later still (by a nanosecond of its start), and an
 * event of an earlier time (an untimed one, a fill dated at a bar's
 * open) leaves the latest as it was: a failure dated otherwise would go
 * back in time. */
static inline void note(qts_writer *w, const qts_event *ev)
{
	qts_latest_known_note(&w->latest, ev);
	if (qts_event_is_error(ev))
		w->ended = 1;
}

/* No memory for the record begun at before: it is taken back, the whole
 * ones before it go out, and the writer fails (ENOMEM), so the program
 * says so and exits 1 (qts_finish) rather than ending as if complete. */
static int out_of_memory(qts_writer *w, size_t before)
{
	w->len = before;
	if (qts_writer_flush(w) == 0) {
		w->failed = 1;
		w->err = ENOMEM;
	}
	errno = ENOMEM;
	return -1;
}

int qts_writer_put_raw(qts_writer *w, const qts_event *ev, const void *raw, size_t len, int fmt)
{
	if (!len || fmt != w->format)
		return qts_writer_put(w, ev);
	if (w->failed)
		return -1;
	note(w, ev);
	if (reserve(w, len) < 0)
		return out_of_memory(w, w->len);
	copy_record(w->buf + w->len, raw, len);
	w->len += len;
	return w->len >= WBUF ? qts_writer_flush(w) : 0;
}

int qts_writer_put(qts_writer *w, const qts_event *ev)
{
	if (w->failed)
		return -1;
	note(w, ev);
	if (w->format == QTS_FMT_MSGPACK && ev->type == QTS_UNKNOWN) {
		size_t before = w->len;
		w->oom = 0;
		msgpack_unknown(w, ev);
		if (w->oom)
			return out_of_memory(w, before);
	} else {
		/* A CSV line is never longer than its msgpack record plus quoting. */
		if (reserve(w, csv_max(ev)) < 0)
			return out_of_memory(w, w->len);
		char *at = w->buf + w->len;
		if (w->format != QTS_FMT_MSGPACK)
			w->len += csv_encode(ev, at);
		else
			w->len += ev->type == QTS_BAR ? msgpack_bar(ev, at) : msgpack_known(ev, at);
	}
	return w->len >= WBUF ? qts_writer_flush(w) : 0;
}

int qts_writer_comment(qts_writer *w, const char *text)
{
	if (w->format != QTS_FMT_CSV)
		return 0;
	size_t before = w->len;
	if (append(w, "#", 1) < 0 || append(w, text, strlen(text)) < 0 || append(w, "\n", 1) < 0)
		return out_of_memory(w, before);
	return 0;
}

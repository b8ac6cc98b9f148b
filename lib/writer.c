/* writer.c — events out as CSV lines or msgpack arrays, buffered, written
 * in whole records only: a record never straddles a failed write. */
#include "event_priv.h"

#include <errno.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WBUF (64 * 1024)

struct qts_writer {
	int fd, format, failed;
	char *buf;
	size_t len, cap;
	msgpack_packer pk;
};

static int append(qts_writer *w, const void *p, size_t n)
{
	if (w->len + n > w->cap) {
		size_t cap = w->cap;
		while (cap < w->len + n)
			cap *= 2;
		char *b = realloc(w->buf, cap);
		if (!b)
			return -1;
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
	return 0;
}

static int pack_write(void *data, const char *buf, size_t len)
{
	return append(data, buf, len);
}

qts_writer *qts_writer_new(int fd, int format)
{
	qts_writer *w = calloc(1, sizeof *w);
	if (!w || !(w->buf = malloc(WBUF))) {
		free(w);
		return NULL;
	}
	w->fd = fd;
	w->format = format;
	w->cap = WBUF;
	msgpack_packer_init(&w->pk, w, pack_write);
	return w;
}

int qts_output_format(int want_msgpack)
{
	const char *env = getenv("QTS_FORMAT");
	if (want_msgpack || (env && strcmp(env, "msgpack") == 0))
		return QTS_FMT_MSGPACK;
	return QTS_FMT_CSV;
}

int qts_writer_flush(qts_writer *w)
{
	size_t done = 0;
	if (w->failed)
		return -1;
	while (done < w->len) {
		ssize_t n = write(w->fd, w->buf + done, w->len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->failed = 1;
			return -1;
		}
		done += (size_t)n;
	}
	w->len = 0;
	return 0;
}

void qts_writer_idle_flush(void *writer)
{
	qts_writer_flush(writer);
}

int qts_writer_close(qts_writer *w)
{
	if (!w)
		return 0;
	int r = qts_writer_flush(w);
	int e = errno;
	free(w->buf);
	free(w);
	errno = e;
	return r;
}

/* ---- CSV ---------------------------------------------------------------- */

/* A text field, quoted (RFC 4180) only when it must be. */
static char *csv_text(char *p, const char *s, size_t n)
{
	if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) && !memchr(s, '\r', n)) {
		memcpy(p, s, n);
		return p + n;
	}
	*p++ = '"';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
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
		for (int i = 0; i < s->nfields; i++)
			need += csv_field_max(&s->f[i]) + 1;
		known[ev->type] = need;
	}
	return known[ev->type];
}

static size_t csv_encode(const qts_event *ev, char *out)
{
	char *p = out;
	if (ev->type == QTS_UNKNOWN) {
		for (size_t i = 0; i < ev->raw.n; i++) {
			if (i)
				*p++ = ',';
			p = raw_text(p, &ev->raw.field[i]);
		}
		*p++ = '\n';
		return (size_t)(p - out);
	}
	const struct schema *s = &qts_schema[ev->type];
	size_t tl = strlen(s->name);
	memcpy(p, s->name, tl);
	p += tl;
	for (int i = 0; i < s->nfields; i++) {
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

static void msgpack_encode(qts_writer *w, const qts_event *ev)
{
	msgpack_packer *pk = &w->pk;
	if (ev->type == QTS_UNKNOWN) {
		msgpack_pack_array(pk, ev->raw.n);
		for (size_t i = 0; i < ev->raw.n; i++) {
			const qts_raw_field *f = &ev->raw.field[i];
			switch (f->kind) {
			case QTS_RAW_STR: pack_str(pk, f->str, f->len); break;
			case QTS_RAW_INT: msgpack_pack_int64(pk, f->i); break;
			case QTS_RAW_UINT: msgpack_pack_uint64(pk, f->u); break;
			case QTS_RAW_FLOAT: msgpack_pack_double(pk, f->f); break;
			case QTS_RAW_BOOL: f->i ? msgpack_pack_true(pk) : msgpack_pack_false(pk); break;
			case QTS_RAW_NIL: msgpack_pack_nil(pk); break;
			}
		}
		return;
	}
	const struct schema *s = &qts_schema[ev->type];
	msgpack_pack_array(pk, (size_t)s->nfields + 1);
	pack_str(pk, s->name, strlen(s->name));
	for (int i = 0; i < s->nfields; i++) {
		const struct field *f = &s->f[i];
		const char *at = (const char *)ev + f->offset;
		switch (f->kind) {
		case FK_TS: msgpack_pack_fix_int64(pk, ev->ts); break; /* always int64: a fixed layout */
		case FK_STR:
		case FK_ENUM: pack_str(pk, at, strlen(at)); break;
		case FK_OPTNUM:
			if (isnan(*(const double *)at)) {
				msgpack_pack_nil(pk);
				break;
			}
			/* fall through */
		case FK_NUM: msgpack_pack_double(pk, *(const double *)at); break;
		}
	}
}

int qts_writer_put(qts_writer *w, const qts_event *ev)
{
	if (w->failed)
		return -1;
	if (w->format == QTS_FMT_MSGPACK) {
		size_t before = w->len;
		msgpack_encode(w, ev);
		if (w->len == before) {
			errno = ENOMEM;
			return -1;
		}
	} else {
		size_t max = csv_max(ev);
		if (w->len + max > w->cap) {
			size_t cap = w->len + max + WBUF;
			char *b = realloc(w->buf, cap);
			if (!b)
				return -1;
			w->buf = b;
			w->cap = cap;
		}
		w->len += csv_encode(ev, w->buf + w->len);
	}
	return w->len >= WBUF ? qts_writer_flush(w) : 0;
}

int qts_writer_comment(qts_writer *w, const char *text)
{
	if (w->format != QTS_FMT_CSV)
		return 0;
	if (append(w, "#", 1) < 0 || append(w, text, strlen(text)) < 0 || append(w, "\n", 1) < 0)
		return -1;
	return 0;
}

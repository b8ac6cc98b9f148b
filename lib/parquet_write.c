/* parquet_write.c — events of one type as a Parquet file (the format's
 * README and parquet.thrift) that pandas, Polars and DuckDB open: one
 * column a field of the type (event.c's table), ts as INT64
 * TIMESTAMP(NANOS, UTC), texts as UTF8 strings, numbers as DOUBLE (an
 * optional number, such as an order's limit, OPTIONAL: a null where it is
 * empty); PLAIN values in one data page (v1) per column chunk, compressed
 * with snappy or not; row groups of GROUP_ROWS rows; the type in the
 * footer's key-value metadata (qts.type), for qts-fetch to read back.
 * Written through qts_outfile: whole or not at all. */
#include "qts_parquet.h"
#include "event_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define GROUP_ROWS 65536
#define MAX_FIELDS 10

struct wcol {
	qts_thrift_out vals;   /* PLAIN values */
	uint8_t *defined;      /* OPTIONAL columns: 1 or 0 a row */
	size_t cap;
};

struct wchunk { int64_t off, csize, usize; };
struct wgroup { int64_t rows, off, csize, usize; struct wchunk c[MAX_FIELDS]; };

struct qts_pq_writer {
	qts_outfile of;
	int codec;
	const qts_pq_snappy *snappy; /* QTS_PQ_SNAPPY: libsnappy */
	qts_type type;
	int started;
	const struct schema *s;
	int nf;                /* the fields written: s's, and its tail if the first event had it */
	struct wcol col[MAX_FIELDS];
	size_t rows;           /* in the row group being made */
	int64_t total;
	uint64_t offset;       /* bytes written */
	struct wgroup *groups;
	size_t ngroups;
	uint8_t *page, *zpage; /* reused from chunk to chunk */
	size_t page_cap, zpage_cap;
};

static int put_bytes(qts_pq_writer *w, const void *p, size_t n, char *err, size_t errlen)
{
	if (n && fwrite(p, 1, n, w->of.fp) != n) {
		snprintf(err, errlen, "%s: %s", w->of.path, strerror(errno));
		return -1;
	}
	w->offset += n;
	return 0;
}

qts_pq_writer *qts_pq_writer_open(const char *path, int codec, char *err, size_t errlen)
{
	qts_pq_writer *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->codec = codec;
	w->type = QTS_UNKNOWN;
	/* libsnappy now rather than at the first page: a file that cannot be
	 * written fails before its events are read. */
	char why[QTS_ERR_MAX];
	if (codec == QTS_PQ_SNAPPY && !(w->snappy = qts_pq_snappy_load(why, sizeof why))) {
		snprintf(err, errlen, "%s: %s", path, why);
		free(w);
		return NULL;
	}
	if (qts_outfile_open(&w->of, path, err, errlen) < 0) {
		free(w);
		return NULL;
	}
	if (put_bytes(w, "PAR1", 4, err, errlen) < 0) {
		qts_pq_writer_abort(w);
		return NULL;
	}
	return w;
}

qts_type qts_pq_writer_type(const qts_pq_writer *w)
{
	return w->type;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	void *n = realloc(*p, c * size);
	if (!n)
		return -1;
	*p = n, *cap = c;
	return 0;
}

/* Definition levels of bit width 1 as the hybrid's bit-packed runs (the
 * RLE of Encodings.md), with their 4-byte length before them. */
static void levels(qts_thrift_out *o, const uint8_t *defined, size_t n)
{
	size_t groups = (n + 7) / 8, at = o->len;
	uint8_t len[4] = { 0 };
	qts_thrift_out_bytes(o, len, 4);
	for (size_t g = 0; g < groups; g += 63) { /* 63 groups: a one-byte header */
		size_t k = groups - g < 63 ? groups - g : 63;
		qts_thrift_out_varint(o, k << 1 | 1);
		for (size_t b = 0; b < k; b++) {
			uint8_t byte = 0;
			for (size_t i = 0; i < 8; i++) {
				size_t row = (g + b) * 8 + i;
				byte |= (uint8_t)((row < n && defined[row]) << i);
			}
			qts_thrift_out_bytes(o, &byte, 1);
		}
	}
	if (!o->oom) {
		uint32_t l = (uint32_t)(o->len - at - 4);
		for (int i = 0; i < 4; i++)
			o->buf[at + (size_t)i] = (uint8_t)(l >> (8 * i));
	}
}

static int flush_group(qts_pq_writer *w, char *err, size_t errlen)
{
	if (!w->rows)
		return 0;
	struct wgroup *g = realloc(w->groups, (w->ngroups + 1) * sizeof *g);
	if (!g)
		goto oom;
	w->groups = g;
	g = &w->groups[w->ngroups++];
	*g = (struct wgroup){ .rows = (int64_t)w->rows, .off = (int64_t)w->offset };
	for (int f = 0; f < w->nf; f++) {
		struct wcol *c = &w->col[f];
		qts_thrift_out page = { 0 };
		if (w->s->f[f].kind == FK_OPTNUM)
			levels(&page, c->defined, w->rows);
		qts_thrift_out_bytes(&page, c->vals.buf, c->vals.len);
		if (page.oom || page.len > INT32_MAX) {
			free(page.buf);
			goto oom;
		}
		const uint8_t *body = page.buf;
		size_t blen = page.len;
		if (w->codec == QTS_PQ_SNAPPY) {
			size_t zlen = w->snappy->max_compressed_length(page.len);
			if (grow((void **)&w->zpage, &w->zpage_cap, zlen, 1) < 0 ||
			    w->snappy->compress((const char *)page.buf, page.len, (char *)w->zpage, &zlen) != SNAPPY_OK) {
				free(page.buf);
				goto oom;
			}
			body = w->zpage, blen = zlen;
		}
		qts_thrift_out h = { 0 };
		qts_thrift_out_i32(&h, 1, 0); /* DATA_PAGE */
		qts_thrift_out_i32(&h, 2, (int32_t)page.len);
		qts_thrift_out_i32(&h, 3, (int32_t)blen);
		qts_thrift_out_begin(&h, 5);
		qts_thrift_out_i32(&h, 1, (int32_t)w->rows);
		qts_thrift_out_i32(&h, 2, QTS_PQ_PLAIN);
		qts_thrift_out_i32(&h, 3, QTS_PQ_RLE);
		qts_thrift_out_i32(&h, 4, QTS_PQ_RLE);
		qts_thrift_out_end(&h);
		qts_thrift_out_end(&h);
		if (h.oom) {
			free(h.buf), free(page.buf);
			goto oom;
		}
		g->c[f] = (struct wchunk){ (int64_t)w->offset, (int64_t)(h.len + blen), (int64_t)(h.len + page.len) };
		int r = put_bytes(w, h.buf, h.len, err, errlen) < 0 || put_bytes(w, body, blen, err, errlen) < 0;
		free(h.buf), free(page.buf);
		if (r)
			return -1;
		g->csize += g->c[f].csize, g->usize += g->c[f].usize;
		c->vals.len = 0;
	}
	w->total += (int64_t)w->rows;
	w->rows = 0;
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", w->of.path);
	return -1;
}

int qts_pq_writer_put(qts_pq_writer *w, const qts_event *ev, char *err, size_t errlen)
{
	if (ev->type >= QTS_UNKNOWN)
		return 0;
	if (!w->started) {
		w->started = 1;
		w->type = ev->type;
		w->s = &qts_schema[ev->type];
		/* optional fields (equity's financing) as the first event has them */
		w->nf = qts_schema_count(w->s, ev);
	}
	if (ev->type != w->type)
		return 0;
	/* The columns are those of the first event: values it had no column
	 * for would be lost without a word. */
	if (qts_schema_count(w->s, ev) > w->nf) {
		snprintf(err, errlen, "an %s event with %s and the fields after it, but the file has no columns for "
			 "them: its columns are those of the first %s event, which had none", w->s->name,
			 w->s->f[w->nf].name, w->s->name);
		return QTS_PQ_NO_COLUMNS;
	}
	for (int f = 0; f < w->nf; f++) {
		const struct field *fd = &w->s->f[f];
		struct wcol *c = &w->col[f];
		const char *src = (const char *)ev + fd->offset;
		switch (fd->kind) {
		case FK_TS: {
			uint8_t b[8];
			for (int i = 0; i < 8; i++)
				b[i] = (uint8_t)((uint64_t)ev->ts >> (8 * i));
			qts_thrift_out_bytes(&c->vals, b, 8);
			break;
		}
		case FK_STR: case FK_ENUM: {
			size_t n = strnlen(src, fd->size);
			uint8_t b[4] = { (uint8_t)n, (uint8_t)(n >> 8), 0, 0 };
			qts_thrift_out_bytes(&c->vals, b, 4);
			qts_thrift_out_bytes(&c->vals, src, n);
			break;
		}
		default: {
			double d;
			uint64_t u;
			memcpy(&d, src, sizeof d);
			int null = fd->kind == FK_OPTNUM && isnan(d);
			if (fd->kind == FK_OPTNUM) {
				if (grow((void **)&c->defined, &c->cap, w->rows + 1, 1) < 0)
					goto oom;
				c->defined[w->rows] = !null;
			}
			if (null)
				break;
			memcpy(&u, &d, 8);
			uint8_t b[8];
			for (int i = 0; i < 8; i++)
				b[i] = (uint8_t)(u >> (8 * i));
			qts_thrift_out_bytes(&c->vals, b, 8);
		}
		}
		if (c->vals.oom)
			goto oom;
	}
	if (++w->rows == GROUP_ROWS && flush_group(w, err, errlen) < 0)
		return -1;
	return 1;
oom:
	snprintf(err, errlen, "%s: out of memory", w->of.path);
	return -1;
}

static void schema_el(qts_thrift_out *o, const struct field *f)
{
	qts_thrift_out_begin(o, 0);
	int ts = f->kind == FK_TS, num = f->kind == FK_NUM || f->kind == FK_OPTNUM;
	qts_thrift_out_i32(o, 1, ts ? QTS_PQ_INT64 : num ? QTS_PQ_DOUBLE : QTS_PQ_BYTE_ARRAY);
	qts_thrift_out_i32(o, 3, f->kind == FK_OPTNUM); /* REQUIRED or OPTIONAL */
	qts_thrift_out_binary(o, 4, f->name, strlen(f->name));
	if (!ts && !num)
		qts_thrift_out_i32(o, 6, 0); /* converted type UTF8 */
	if (ts || !num) {
		qts_thrift_out_begin(o, 10); /* LogicalType */
		if (ts) {
			qts_thrift_out_begin(o, 8); /* TIMESTAMP */
			qts_thrift_out_bool(o, 1, 1); /* isAdjustedToUTC */
			qts_thrift_out_begin(o, 2); /* unit */
			qts_thrift_out_begin(o, 3); /* NANOS */
			qts_thrift_out_end(o);
			qts_thrift_out_end(o);
			qts_thrift_out_end(o);
		} else {
			qts_thrift_out_begin(o, 1); /* STRING */
			qts_thrift_out_end(o);
		}
		qts_thrift_out_end(o);
	}
	qts_thrift_out_end(o);
}

int qts_pq_writer_close(qts_pq_writer *w, char *err, size_t errlen)
{
	if (!w->started) /* no event: an empty file of bars */
		w->type = QTS_BAR, w->s = &qts_schema[QTS_BAR], w->nf = w->s->nfields;
	if (flush_group(w, err, errlen) < 0) {
		qts_pq_writer_abort(w);
		return -1;
	}
	const struct schema *s = w->s;
	qts_thrift_out o = { 0 };
	qts_thrift_out_i32(&o, 1, 2); /* version */
	qts_thrift_out_list(&o, 2, QTS_TC_STRUCT, (uint32_t)w->nf + 1);
	qts_thrift_out_begin(&o, 0);
	qts_thrift_out_binary(&o, 4, "schema", 6);
	qts_thrift_out_i32(&o, 5, w->nf);
	qts_thrift_out_end(&o);
	for (int f = 0; f < w->nf; f++)
		schema_el(&o, &s->f[f]);
	qts_thrift_out_i64(&o, 3, w->total);
	qts_thrift_out_list(&o, 4, QTS_TC_STRUCT, (uint32_t)w->ngroups);
	for (size_t g = 0; g < w->ngroups; g++) {
		const struct wgroup *gr = &w->groups[g];
		qts_thrift_out_begin(&o, 0);
		qts_thrift_out_list(&o, 1, QTS_TC_STRUCT, (uint32_t)w->nf);
		for (int f = 0; f < w->nf; f++) {
			const struct field *fd = &s->f[f];
			int ts = fd->kind == FK_TS, num = fd->kind == FK_NUM || fd->kind == FK_OPTNUM;
			qts_thrift_out_begin(&o, 0); /* ColumnChunk */
			qts_thrift_out_i64(&o, 2, gr->c[f].off);
			qts_thrift_out_begin(&o, 3); /* ColumnMetaData */
			qts_thrift_out_i32(&o, 1, ts ? QTS_PQ_INT64 : num ? QTS_PQ_DOUBLE : QTS_PQ_BYTE_ARRAY);
			qts_thrift_out_list(&o, 2, QTS_TC_I32, 2);
			qts_thrift_out_i32_elem(&o, QTS_PQ_PLAIN);
			qts_thrift_out_i32_elem(&o, QTS_PQ_RLE);
			qts_thrift_out_list(&o, 3, QTS_TC_BINARY, 1);
			qts_thrift_out_binary_elem(&o, fd->name, strlen(fd->name));
			qts_thrift_out_i32(&o, 4, w->codec);
			qts_thrift_out_i64(&o, 5, gr->rows);
			qts_thrift_out_i64(&o, 6, gr->c[f].usize);
			qts_thrift_out_i64(&o, 7, gr->c[f].csize);
			qts_thrift_out_i64(&o, 9, gr->c[f].off);
			qts_thrift_out_end(&o);
			qts_thrift_out_end(&o);
		}
		qts_thrift_out_i64(&o, 2, gr->usize);
		qts_thrift_out_i64(&o, 3, gr->rows);
		qts_thrift_out_i64(&o, 5, gr->off);
		qts_thrift_out_i64(&o, 6, gr->csize);
		qts_thrift_out_end(&o);
	}
	qts_thrift_out_list(&o, 5, QTS_TC_STRUCT, 1);
	qts_thrift_out_begin(&o, 0);
	qts_thrift_out_binary(&o, 1, "qts.type", 8);
	qts_thrift_out_binary(&o, 2, s->name, strlen(s->name));
	qts_thrift_out_end(&o);
	const char *by = "qts version " QTS_VERSION;
	qts_thrift_out_binary(&o, 6, by, strlen(by));
	qts_thrift_out_end(&o);
	if (o.oom) {
		free(o.buf);
		snprintf(err, errlen, "%s: out of memory", w->of.path);
		qts_pq_writer_abort(w);
		return -1;
	}
	uint8_t tail[8] = { (uint8_t)o.len, (uint8_t)(o.len >> 8), (uint8_t)(o.len >> 16), (uint8_t)(o.len >> 24),
			    'P', 'A', 'R', '1' };
	int r = put_bytes(w, o.buf, o.len, err, errlen) < 0 || put_bytes(w, tail, 8, err, errlen) < 0;
	free(o.buf);
	if (r) {
		qts_pq_writer_abort(w);
		return -1;
	}
	r = qts_outfile_commit(&w->of, err, errlen);
	w->of.fp = NULL;
	qts_pq_writer_abort(w);
	return r;
}

void qts_pq_writer_abort(qts_pq_writer *w)
{
	if (!w)
		return;
	if (w->of.fp)
		qts_outfile_abort(&w->of);
	for (int f = 0; f < MAX_FIELDS; f++)
		free(w->col[f].vals.buf), free(w->col[f].defined);
	free(w->groups);
	free(w->page), free(w->zpage);
	free(w);
}

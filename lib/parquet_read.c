/* parquet_read.c — a streaming reader of flat Parquet files (the format's
 * README and parquet.thrift): the footer (PAR1, FileMetaData, its length
 * and PAR1 again at the end), then one row group at a time, each column
 * chunk asked for read whole and its pages decoded: a dictionary page,
 * data pages v1 and v2, values PLAIN or dictionary indices, definition
 * levels for optional columns (a null is a missing value).  Memory is
 * bounded by a row group, not the file.  Every offset and length the
 * file gives is checked against the bytes there are: a hostile file fails
 * with its name and what is wrong where, never reads out of bounds. */
#include "qts_parquet.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FOOTER (256u << 20) /* bytes of metadata believed */
#define MAX_PAGE (512u << 20)   /* bytes of one uncompressed page */
#define MAX_CHUNK (1u << 30)    /* bytes of one column chunk */

struct chunk_meta {
	int type, codec, present;
	int64_t num_values, data_off, dict_off, size;
};

struct group {
	int64_t rows;
	struct chunk_meta *col; /* one for each column */
};

struct str { const uint8_t *p; uint32_t n; };

/* A column's values in the row group loaded, one a row. */
struct col_state {
	int used;
	uint8_t *defined;
	int64_t *iv;       /* INT, BOOL, DATE, TIME (ns) */
	double *dv;        /* DOUBLE */
	struct str *sv;    /* STR */
	uint32_t *scratch; /* levels and indices of a page */
	/* the dictionary of the chunk */
	size_t ndict;
	int64_t *div;
	double *ddv;
	struct str *dsv;
	uint8_t **bufs;    /* the buffers strings point into */
	size_t nbufs;
	uint64_t kept;     /* their bytes */
	uint8_t *tmp;      /* a page of other values, reused */
	size_t tmp_cap;
};

struct qts_pq {
	int fd;                 /* -1 when reading memory */
	const uint8_t *mem;
	int owned;
	uint64_t size;          /* of the file */
	uint64_t data_end;      /* where the footer starts */
	char name[200];
	qts_pq_column *cols;
	size_t ncols;
	struct group *groups;
	size_t ngroups;
	char **keys, **vals;
	size_t nkv;
	int64_t nrows;
	size_t next_group;      /* the row group to load next */
	int64_t group_rows, in_group, row;
	struct col_state *st;
	uint8_t *footer;
	char err[QTS_ERR_MAX + 256];
};

int qts_pq_magic(const void *p, size_t n)
{
	return n >= 4 && memcmp(p, "PAR1", 4) == 0;
}

static int pfail(qts_pq *pq, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int pfail(qts_pq *pq, const char *fmt, ...)
{
	char what[QTS_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(pq->err, sizeof pq->err, "%s: %s", pq->name, what);
	return -1;
}

static int oom(qts_pq *pq)
{
	return pfail(pq, "out of memory");
}

/* n bytes at off into dst: 0, or -1 (past the end, a failed read). */
static int read_at(qts_pq *pq, uint64_t off, size_t n, uint8_t *dst, const char *what)
{
	if (off > pq->size || n > pq->size - off)
		return pfail(pq, "%s: %zu bytes at byte %llu run past the end of the file (%llu bytes)", what, n,
			     (unsigned long long)off, (unsigned long long)pq->size);
	if (pq->mem) {
		memcpy(dst, pq->mem + off, n);
		return 0;
	}
	while (n) {
		ssize_t k = pread(pq->fd, dst, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return pfail(pq, "%s: %s", what, k < 0 ? strerror(errno) : "the file was cut short while read");
		dst += k, off += (uint64_t)k, n -= (size_t)k;
	}
	return 0;
}

/* ---- the footer ------------------------------------------------------------ */

struct schema_el {
	int type, type_length, repetition, num_children, converted, scale;
	int logical;            /* LogicalType union member, 0 none */
	int ts_utc;
	int64_t ts_unit;        /* ns per unit */
	const uint8_t *name;
	size_t name_len;
};

static int tfail(qts_pq *pq, const qts_thrift *t, const char *what)
{
	return pfail(pq, "footer: %s at byte %zu of its %zu: %s", what, t->at, (size_t)(t->end - t->start),
		     t->err ? t->err : "malformed");
}

/* TimeUnit: a union of empty structs, MILLIS (1), MICROS (2), NANOS (3). */
static int time_unit(qts_thrift *t, int64_t *unit)
{
	int16_t last = 0;
	int id, ty, r;
	if (qts_thrift_enter(t) < 0)
		return -1;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		if (ty == QTS_TC_STRUCT && id >= 1 && id <= 3)
			*unit = id == 1 ? 1000000 : id == 2 ? 1000 : 1;
		if (qts_thrift_skip(t, ty) < 0)
			return -1;
	}
	qts_thrift_leave(t);
	return r;
}

static int logical_type(qts_thrift *t, struct schema_el *e)
{
	int16_t last = 0;
	int id, ty, r;
	if (qts_thrift_enter(t) < 0)
		return -1;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		e->logical = id;
		if (id == 8 && ty == QTS_TC_STRUCT) { /* TimestampType */
			int16_t l2 = 0;
			int id2, ty2, r2;
			if (qts_thrift_enter(t) < 0)
				return -1;
			while ((r2 = qts_thrift_field(t, &l2, &id2, &ty2)) > 0) {
				if (id2 == 1 && ty2 <= QTS_TC_FALSE) {
					if (qts_thrift_bool(t, ty2, &e->ts_utc) < 0)
						return -1;
				} else if (id2 == 2 && ty2 == QTS_TC_STRUCT) {
					if (time_unit(t, &e->ts_unit) < 0)
						return -1;
				} else if (qts_thrift_skip(t, ty2) < 0)
					return -1;
			}
			if (r2 < 0)
				return -1;
			qts_thrift_leave(t);
		} else if (id == 5 && ty == QTS_TC_STRUCT) { /* DecimalType: its scale */
			int16_t l2 = 0;
			int id2, ty2, r2;
			int32_t v;
			if (qts_thrift_enter(t) < 0)
				return -1;
			while ((r2 = qts_thrift_field(t, &l2, &id2, &ty2)) > 0)
				if (id2 == 1 && ty2 == QTS_TC_I32) {
					if (qts_thrift_i32(t, ty2, &v) < 0)
						return -1;
					e->scale = v;
				} else if (qts_thrift_skip(t, ty2) < 0)
					return -1;
			if (r2 < 0)
				return -1;
			qts_thrift_leave(t);
		} else if (qts_thrift_skip(t, ty) < 0)
			return -1;
	}
	qts_thrift_leave(t);
	return r;
}

static int schema_element(qts_thrift *t, struct schema_el *e)
{
	*e = (struct schema_el){ .type = -1, .repetition = -1, .converted = -1 };
	int16_t last = 0;
	int id, ty, r;
	int32_t v;
	if (qts_thrift_enter(t) < 0)
		return -1;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		switch (id) {
		case 1: if (qts_thrift_i32(t, ty, &v) < 0) return -1; e->type = v; break;
		case 2: if (qts_thrift_i32(t, ty, &v) < 0) return -1; e->type_length = v; break;
		case 3: if (qts_thrift_i32(t, ty, &v) < 0) return -1; e->repetition = v; break;
		case 4:
			if (ty != QTS_TC_BINARY) {
				t->err = "a name that is not a string";
				return -1;
			}
			if (qts_thrift_binary(t, &e->name, &e->name_len) < 0)
				return -1;
			break;
		case 5: if (qts_thrift_i32(t, ty, &v) < 0) return -1; e->num_children = v; break;
		case 6: if (qts_thrift_i32(t, ty, &v) < 0) return -1; e->converted = v; break;
		case 7: if (qts_thrift_i32(t, ty, &v) < 0) return -1; e->scale = v; break;
		case 10:
			if (ty != QTS_TC_STRUCT) {
				t->err = "a logical type that is not a structure";
				return -1;
			}
			if (logical_type(t, e) < 0)
				return -1;
			break;
		default:
			if (qts_thrift_skip(t, ty) < 0)
				return -1;
		}
	}
	qts_thrift_leave(t);
	return r;
}

static int column_meta(qts_thrift *t, struct chunk_meta *m)
{
	int16_t last = 0;
	int id, ty, r;
	int32_t v;
	if (qts_thrift_enter(t) < 0)
		return -1;
	m->present = 1;
	m->dict_off = -1;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		if ((id == 1 || id == 4) && ty == QTS_TC_I32) {
			if (qts_thrift_i32(t, ty, &v) < 0)
				return -1;
			*(id == 1 ? &m->type : &m->codec) = v;
		} else if ((id == 5 || id == 7 || id == 9 || id == 11) && ty == QTS_TC_I64) {
			if (qts_thrift_i64(t, id == 5 ? &m->num_values : id == 7 ? &m->size : id == 9 ? &m->data_off
					   : &m->dict_off) < 0)
				return -1;
		} else if (qts_thrift_skip(t, ty) < 0)
			return -1;
	}
	qts_thrift_leave(t);
	return r;
}

static int column_chunk(qts_pq *pq, qts_thrift *t, struct chunk_meta *m)
{
	int16_t last = 0;
	int id, ty, r;
	if (qts_thrift_enter(t) < 0)
		return -1;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		if (id == 1 && ty == QTS_TC_BINARY)
			return pfail(pq, "footer: a column chunk kept in another file is not read");
		if (id == 3 && ty == QTS_TC_STRUCT) {
			if (column_meta(t, m) < 0)
				return -1;
		} else if (qts_thrift_skip(t, ty) < 0)
			return -1;
	}
	qts_thrift_leave(t);
	return r;
}

static int row_group(qts_pq *pq, qts_thrift *t, struct group *g)
{
	int16_t last = 0;
	int id, ty, r, have_cols = 0;
	if (qts_thrift_enter(t) < 0)
		return -1;
	if (!(g->col = calloc(pq->ncols ? pq->ncols : 1, sizeof *g->col)))
		return oom(pq);
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		if (id == 1 && ty == QTS_TC_LIST) {
			int elem;
			uint32_t n;
			if (qts_thrift_list(t, &elem, &n) < 0)
				return -1;
			if (elem != QTS_TC_STRUCT || n != pq->ncols)
				return pfail(pq, "footer: a row group has %u column chunks for %zu columns", n, pq->ncols);
			for (uint32_t i = 0; i < n; i++)
				if (column_chunk(pq, t, &g->col[i]) < 0)
					return -1;
			have_cols = 1;
		} else if (id == 3 && ty == QTS_TC_I64) {
			if (qts_thrift_i64(t, &g->rows) < 0)
				return -1;
		} else if (qts_thrift_skip(t, ty) < 0)
			return -1;
	}
	qts_thrift_leave(t);
	if (r == 0 && !have_cols)
		return pfail(pq, "footer: a row group without its columns");
	return r;
}

static int key_value(qts_pq *pq, qts_thrift *t, size_t i)
{
	int16_t last = 0;
	int id, ty, r;
	if (qts_thrift_enter(t) < 0)
		return -1;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		const uint8_t *p;
		size_t n;
		if ((id == 1 || id == 2) && ty == QTS_TC_BINARY) {
			if (qts_thrift_binary(t, &p, &n) < 0)
				return -1;
			char **dst = id == 1 ? &pq->keys[i] : &pq->vals[i];
			free(*dst);
			if (!(*dst = strndup((const char *)p, n)))
				return oom(pq);
		} else if (qts_thrift_skip(t, ty) < 0)
			return -1;
	}
	qts_thrift_leave(t);
	return r;
}

/* What qts makes of a leaf of the schema. */
static int describe_column(qts_pq *pq, const struct schema_el *e, qts_pq_column *c)
{
	if (!(c->name = e->name ? strndup((const char *)e->name, e->name_len) : strdup("")))
		return oom(pq);
	c->type = e->type;
	c->optional = e->repetition == 1;
	c->utc = 1;
	int decimal = e->converted == 5 || e->logical == 5;
	switch (e->type) {
	case QTS_PQ_BOOLEAN: c->kind = QTS_PQV_BOOL; break;
	case QTS_PQ_INT32:
		c->kind = e->converted == 6 || e->logical == 6 ? QTS_PQV_DATE : QTS_PQV_INT;
		break;
	case QTS_PQ_INT64:
		c->kind = QTS_PQV_INT;
		if (e->logical == 8 && e->ts_unit) {
			c->kind = QTS_PQV_TIME, c->unit = e->ts_unit, c->utc = e->ts_utc;
		} else if (e->converted == 9 || e->converted == 10) {
			c->kind = QTS_PQV_TIME, c->unit = e->converted == 9 ? 1000000 : 1000;
		}
		break;
	case QTS_PQ_FLOAT: case QTS_PQ_DOUBLE: c->kind = QTS_PQV_DOUBLE; break;
	case QTS_PQ_BYTE_ARRAY: c->kind = QTS_PQV_STR; break;
	case QTS_PQ_INT96: /* Impala's and Spark's timestamps: ns of the day, Julian day */
		c->kind = QTS_PQV_TIME, c->unit = 1;
		break;
	case QTS_PQ_FIXED: c->kind = QTS_PQV_UNSUPPORTED; c->why = "FIXED_LEN_BYTE_ARRAY other than DECIMAL"; break;
	default: return pfail(pq, "footer: column '%s' has an unknown type %d", c->name, e->type);
	}
	c->type_length = e->type_length;
	if (decimal) {
		/* unscaled integers: INT32, INT64, or big-endian two's
		 * complement of up to 16 bytes */
		int ok = e->scale >= 0 && e->scale <= 38 &&
			 (e->type == QTS_PQ_INT32 || e->type == QTS_PQ_INT64 ||
			  ((e->type == QTS_PQ_FIXED || e->type == QTS_PQ_BYTE_ARRAY) && e->type_length <= 16));
		if (e->type == QTS_PQ_BYTE_ARRAY)
			ok = 0;
		if (e->type == QTS_PQ_FIXED && e->type_length < 1)
			ok = 0;
		c->kind = ok ? QTS_PQV_DOUBLE : QTS_PQV_UNSUPPORTED;
		c->why = "DECIMAL of this size";
		c->decimal = 1, c->scale = e->scale;
	}
	return 0;
}

static int file_meta(qts_pq *pq, qts_thrift *t)
{
	int16_t last = 0;
	int id, ty, r, have_schema = 0;
	struct schema_el *els = NULL;
	if (qts_thrift_enter(t) < 0)
		return tfail(pq, t, "metadata");
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		int elem;
		uint32_t n;
		if (id == 2 && ty == QTS_TC_LIST && !have_schema) {
			if (qts_thrift_list(t, &elem, &n) < 0)
				goto bad;
			if (elem != QTS_TC_STRUCT || n < 1) {
				free(els);
				return pfail(pq, "footer: no schema");
			}
			if (!(els = calloc(n, sizeof *els)))
				return oom(pq);
			for (uint32_t i = 0; i < n; i++)
				if (schema_element(t, &els[i]) < 0)
					goto bad;
			/* The root, then its children: leaves only, in a flat table. */
			if (els[0].num_children != (int)n - 1) {
				for (uint32_t i = 1; i < n; i++)
					if (els[i].num_children > 0) {
						pfail(pq, "footer: column '%.*s' is nested (a group of %d); qts reads flat "
						      "tables", (int)(els[i].name_len < 64 ? els[i].name_len : 64),
						      (const char *)els[i].name, els[i].num_children);
						free(els);
						return -1;
					}
				pfail(pq, "footer: the schema's root has %d columns, and %u follow it",
				      els[0].num_children, n - 1);
				free(els);
				return -1;
			}
			if (!(pq->cols = calloc(n, sizeof *pq->cols))) {
				free(els);
				return oom(pq);
			}
			pq->ncols = n - 1;
			for (uint32_t i = 1; i < n; i++) {
				if (els[i].num_children > 0 || els[i].type < 0) {
					pfail(pq, "footer: column '%.*s' is nested; qts reads flat tables",
					      (int)(els[i].name_len < 64 ? els[i].name_len : 64), (const char *)els[i].name);
					free(els);
					return -1;
				}
				if (els[i].repetition == 2) {
					pfail(pq, "footer: column '%.*s' is repeated (a list); qts reads flat tables",
					      (int)(els[i].name_len < 64 ? els[i].name_len : 64), (const char *)els[i].name);
					free(els);
					return -1;
				}
				if (describe_column(pq, &els[i], &pq->cols[i - 1]) < 0) {
					free(els);
					return -1;
				}
			}
			free(els);
			els = NULL;
			have_schema = 1;
		} else if (id == 3 && ty == QTS_TC_I64) {
			if (qts_thrift_i64(t, &pq->nrows) < 0)
				goto bad;
		} else if (id == 4 && ty == QTS_TC_LIST && have_schema && !pq->groups) {
			if (qts_thrift_list(t, &elem, &n) < 0)
				goto bad;
			if (elem != QTS_TC_STRUCT)
				return pfail(pq, "footer: row groups that are not structures");
			if (n && !(pq->groups = calloc(n, sizeof *pq->groups)))
				return oom(pq);
			for (uint32_t i = 0; i < n; i++, pq->ngroups++)
				if (row_group(pq, t, &pq->groups[i]) < 0) {
					pq->ngroups++;
					goto bad;
				}
		} else if (id == 5 && ty == QTS_TC_LIST && !pq->keys) {
			if (qts_thrift_list(t, &elem, &n) < 0)
				goto bad;
			if (elem != QTS_TC_STRUCT)
				return pfail(pq, "footer: key-value metadata that is not structures");
			if (!(pq->keys = calloc(n + 1, sizeof *pq->keys)) || !(pq->vals = calloc(n + 1, sizeof *pq->vals)))
				return oom(pq);
			for (uint32_t i = 0; i < n; i++, pq->nkv++)
				if (key_value(pq, t, i) < 0) {
					pq->nkv++;
					goto bad;
				}
		} else if (qts_thrift_skip(t, ty) < 0)
			goto bad;
	}
	if (r < 0)
		goto bad;
	qts_thrift_leave(t);
	if (!have_schema)
		return pfail(pq, "footer: no schema");
	return 0;
bad:
	free(els);
	if (pq->err[0])
		return -1;
	return tfail(pq, t, "metadata");
}

/* The chunks the footer points at must lie in the file, before it, and be
 * of the schema's type. */
static int check_groups(qts_pq *pq)
{
	int64_t total = 0;
	for (size_t g = 0; g < pq->ngroups; g++) {
		struct group *gr = &pq->groups[g];
		if (gr->rows < 0 || gr->rows > QTS_PQ_MAX_GROUP_ROWS)
			return pfail(pq, "row group %zu: %lld rows (qts reads row groups of 0 to %ld rows)", g + 1,
				     (long long)gr->rows, QTS_PQ_MAX_GROUP_ROWS);
		total += gr->rows;
		for (size_t c = 0; c < pq->ncols; c++) {
			struct chunk_meta *m = &gr->col[c];
			const char *name = pq->cols[c].name;
			if (!m->present)
				return pfail(pq, "row group %zu, column '%s': no column metadata", g + 1, name);
			if (m->type != pq->cols[c].type)
				return pfail(pq, "row group %zu, column '%s': of type %d, and the schema says %d", g + 1,
					     name, m->type, pq->cols[c].type);
			int64_t start = m->dict_off >= 4 && m->dict_off < m->data_off ? m->dict_off : m->data_off;
			if (start < 4 || m->size < 0 || (uint64_t)start > pq->data_end ||
			    (uint64_t)m->size > pq->data_end - (uint64_t)start)
				return pfail(pq, "row group %zu, column '%s': its %lld bytes at byte %lld are not between "
					     "the magic and the footer (bytes 4 to %llu)", g + 1, name, (long long)m->size,
					     (long long)start, (unsigned long long)pq->data_end);
			if (m->size > (int64_t)MAX_CHUNK)
				return pfail(pq, "row group %zu, column '%s': a chunk of %lld bytes, more than qts reads "
					     "at once (%u)", g + 1, name, (long long)m->size, MAX_CHUNK);
			if (m->num_values != gr->rows)
				return pfail(pq, "row group %zu, column '%s': %lld values in %lld rows", g + 1, name,
					     (long long)m->num_values, (long long)gr->rows);
		}
	}
	if (total != pq->nrows)
		return pfail(pq, "footer: %lld rows, and its row groups hold %lld", (long long)pq->nrows,
			     (long long)total);
	return 0;
}

static qts_pq *open_common(qts_pq *pq, const char *name, char *err)
{
	snprintf(pq->name, sizeof pq->name, "%s", name);
	uint8_t tail[8], head[4];
	if (pq->size < 12) {
		pfail(pq, "not a Parquet file: %llu bytes, fewer than its magic and footer need",
		      (unsigned long long)pq->size);
		goto fail;
	}
	if (read_at(pq, 0, 4, head, "magic") < 0 || read_at(pq, pq->size - 8, 8, tail, "footer") < 0)
		goto fail;
	if (memcmp(tail + 4, "PARE", 4) == 0) {
		pfail(pq, "an encrypted Parquet file (footer magic PARE) is not read");
		goto fail;
	}
	if (!qts_pq_magic(head, 4) || !qts_pq_magic(tail + 4, 4)) {
		pfail(pq, "not a Parquet file: no PAR1 at its %s", qts_pq_magic(head, 4) ? "end (cut short?)" : "start");
		goto fail;
	}
	uint32_t flen = (uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 | (uint32_t)tail[3] << 24;
	if (flen > pq->size - 12 || flen > MAX_FOOTER) {
		pfail(pq, "footer of %u bytes in a file of %llu bytes", flen, (unsigned long long)pq->size);
		goto fail;
	}
	pq->data_end = pq->size - 8 - flen;
	if (!(pq->footer = malloc(flen ? flen : 1))) {
		oom(pq);
		goto fail;
	}
	if (read_at(pq, pq->data_end, flen, pq->footer, "footer") < 0)
		goto fail;
	qts_thrift t;
	qts_thrift_init(&t, pq->footer, flen);
	if (file_meta(pq, &t) < 0 || check_groups(pq) < 0)
		goto fail;
	if (!(pq->st = calloc(pq->ncols ? pq->ncols : 1, sizeof *pq->st))) {
		oom(pq);
		goto fail;
	}
	return pq;
fail:
	qts_strlcpy(err, pq->err, QTS_ERR_MAX);
	qts_pq_close(pq);
	return NULL;
}

qts_pq *qts_pq_open_fd(int fd, const char *name, char *err)
{
	qts_pq *pq = calloc(1, sizeof *pq);
	struct stat sb;
	if (!pq) {
		close(fd);
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	pq->fd = fd;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", name, errno ? strerror(errno) : "not a regular file");
		qts_pq_close(pq);
		return NULL;
	}
	pq->size = (uint64_t)sb.st_size;
	return open_common(pq, name, err);
}

qts_pq *qts_pq_open_mem(const void *p, size_t n, int owned, const char *name, char *err)
{
	qts_pq *pq = calloc(1, sizeof *pq);
	if (!pq) {
		if (owned)
			free((void *)p);
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	pq->fd = -1;
	pq->mem = p ? p : (const uint8_t *)"";
	pq->owned = owned;
	pq->size = n;
	return open_common(pq, name, err);
}

/* ---- a row group ------------------------------------------------------------ */

static void free_state(struct col_state *s)
{
	free(s->defined), free(s->iv), free(s->dv), free(s->sv), free(s->scratch);
	free(s->div), free(s->ddv), free(s->dsv), free(s->tmp);
	for (size_t i = 0; i < s->nbufs; i++)
		free(s->bufs[i]);
	free(s->bufs);
	int used = s->used;
	*s = (struct col_state){ .used = used };
}

static int keep_buf(qts_pq *pq, struct col_state *s, uint8_t *b)
{
	uint8_t **n = realloc(s->bufs, (s->nbufs + 1) * sizeof *n);
	if (!n) {
		free(b);
		return oom(pq);
	}
	s->bufs = n;
	s->bufs[s->nbufs++] = b;
	return 0;
}

/* A buffer for an uncompressed page of n bytes: kept with the row group
 * for strings, which point into it (up to MAX_CHUNK bytes in all, so that
 * pages of a few bytes that claim many cannot take the memory); reused
 * from page to page for other values, which are copied out. */
static uint8_t *page_buffer(qts_pq *pq, struct col_state *s, const qts_pq_column *col, size_t n)
{
	if (col->kind != QTS_PQV_STR) {
		if (n > s->tmp_cap) {
			uint8_t *b = realloc(s->tmp, n);
			if (!b) {
				oom(pq);
				return NULL;
			}
			s->tmp = b, s->tmp_cap = n;
		}
		return s->tmp ? s->tmp : (uint8_t *)"";
	}
	if ((s->kept += n) > MAX_CHUNK) {
		pfail(pq, "column '%s': its pages uncompress to more than %u bytes", col->name, MAX_CHUNK);
		return NULL;
	}
	uint8_t *u = malloc(n ? n : 1);
	if (!u || keep_buf(pq, s, u) < 0) {
		if (!u)
			oom(pq);
		return NULL;
	}
	return u;
}

/* Where a value is read from in a page. */
struct vsrc {
	const uint8_t *p, *end;
	unsigned bit;             /* PLAIN booleans: the next bit */
	const uint32_t *idx;      /* dictionary indices */
	size_t k, n;
};

/* The g-th chunk's context for messages. */
struct ctx {
	qts_pq *pq;
	size_t g, c;
	const char *name;
};

static int cfail(const struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cfail(const struct ctx *x, const char *fmt, ...)
{
	char what[QTS_ERR_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return pfail(x->pq, "row group %zu, column '%s': %s", x->g + 1, x->name, what);
}

static int64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return (int64_t)v;
}

static double pow10_of(int n)
{
	double p = 1;
	while (n-- > 0)
		p *= 10;
	return p;
}

/* A DECIMAL's unscaled integer, big-endian two's complement of n bytes. */
static double unscaled_be(const uint8_t *p, int n)
{
	if (n <= 8) {
		uint64_t u = p[0] & 0x80 ? ~(uint64_t)0 : 0;
		for (int i = 0; i < n; i++)
			u = u << 8 | p[i];
		return (double)(int64_t)u;
	}
	__int128 v = p[0] & 0x80 ? -1 : 0;
	for (int i = 0; i < n; i++)
		v = (__int128)((unsigned __int128)v << 8 | p[i]);
	return (double)v;
}

/* The next PLAIN value of the column into slot i of (iv, dv, sv). */
static int plain_value(const struct ctx *x, const qts_pq_column *col, struct vsrc *s, int64_t *iv, double *dv,
		       struct str *sv, size_t i)
{
	size_t left = (size_t)(s->end - s->p);
	if (col->decimal) {
		size_t n = col->type == QTS_PQ_INT32 ? 4 : col->type == QTS_PQ_INT64 ? 8 : (size_t)col->type_length;
		if (left < n)
			return cfail(x, "PLAIN values run past the page");
		double u = col->type == QTS_PQ_INT32 ? (double)(int32_t)(uint32_t)le(s->p, 4)
			 : col->type == QTS_PQ_INT64 ? (double)le(s->p, 8) : unscaled_be(s->p, (int)n);
		dv[i] = u / pow10_of(col->scale);
		s->p += n;
		return 0;
	}
	switch (col->type) {
	case QTS_PQ_BOOLEAN:
		if (!left)
			return cfail(x, "PLAIN values run past the page");
		iv[i] = (*s->p >> s->bit) & 1;
		if (++s->bit == 8)
			s->bit = 0, s->p++;
		return 0;
	case QTS_PQ_INT32:
		if (left < 4)
			return cfail(x, "PLAIN values run past the page");
		iv[i] = (int32_t)(uint32_t)le(s->p, 4);
		s->p += 4;
		return 0;
	case QTS_PQ_INT64:
		if (left < 8)
			return cfail(x, "PLAIN values run past the page");
		iv[i] = le(s->p, 8);
		s->p += 8;
		return 0;
	case QTS_PQ_FLOAT: {
		if (left < 4)
			return cfail(x, "PLAIN values run past the page");
		uint32_t u = (uint32_t)le(s->p, 4);
		float f;
		memcpy(&f, &u, 4);
		dv[i] = f;
		s->p += 4;
		return 0;
	}
	case QTS_PQ_DOUBLE: {
		if (left < 8)
			return cfail(x, "PLAIN values run past the page");
		uint64_t u = (uint64_t)le(s->p, 8);
		memcpy(&dv[i], &u, 8);
		s->p += 8;
		return 0;
	}
	case QTS_PQ_INT96: {
		/* nanoseconds of the day, then the Julian day (2440588 is 1970-01-01) */
		if (left < 12)
			return cfail(x, "PLAIN values run past the page");
		int64_t ns = le(s->p, 8), day = (int64_t)(uint32_t)le(s->p + 8, 4) - 2440588, t;
		/* A time of the day past its end (or before its start) would
		 * be read as a time of another day, without a word. */
		if (ns < 0 || ns >= QTS_NS_PER_DAY)
			return cfail(x, "an INT96 time %" PRId64 " ns into its day, which has %" PRId64, ns,
				     (int64_t)QTS_NS_PER_DAY);
		if (__builtin_mul_overflow(day, QTS_NS_PER_DAY, &t) || __builtin_add_overflow(t, ns, &iv[i]))
			return cfail(x, "an INT96 time out of the range of nanoseconds (1677 to 2262)");
		s->p += 12;
		return 0;
	}
	case QTS_PQ_BYTE_ARRAY: {
		if (left < 4)
			return cfail(x, "PLAIN values run past the page");
		uint32_t n = (uint32_t)le(s->p, 4);
		if (n > left - 4)
			return cfail(x, "a string of %u bytes runs past the page", n);
		sv[i] = (struct str){ s->p + 4, n };
		s->p += 4 + (size_t)n;
		return 0;
	}
	default: return cfail(x, "values of type %d are not read", col->type);
	}
}

/* A time in its unit as ns since the epoch. */
static int to_ns(const struct ctx *x, int64_t v, int64_t unit, int64_t row, int64_t *ns)
{
	if (__builtin_mul_overflow(v, unit, ns))
		return cfail(x, "row %lld: the time %lld is out of the range of nanoseconds (1677 to 2262)",
			     (long long)row, (long long)v);
	return 0;
}

/* DELTA_LENGTH_BYTE_ARRAY (6: lengths, then the bytes) and DELTA_BYTE_ARRAY
 * (7: the lengths of prefixes shared with the string before, then the
 * suffixes as DELTA_LENGTH_BYTE_ARRAY), into a buffer of their own. */
static int delta_strings(const struct ctx *x, struct col_state *s, int enc, const uint8_t *p, size_t n,
			 size_t at, size_t rows, size_t count)
{
	char err[QTS_ERR_MAX];
	size_t k = count ? count : 1, used = 0, used2 = 0;
	int64_t *pre = calloc(k, sizeof *pre), *len = malloc(k * sizeof *len);
	uint8_t *buf = NULL;
	int r = -1;
	if (!pre || !len) {
		oom(x->pq);
		goto out;
	}
	if (enc == 7 && qts_pq_delta_decode(p, n, pre, count, &used, err) < 0) {
		cfail(x, "prefix lengths: %s", err);
		goto out;
	}
	if (qts_pq_delta_decode(p + used, n - used, len, count, &used2, err) < 0) {
		cfail(x, "string lengths: %s", err);
		goto out;
	}
	const uint8_t *bytes = p + used + used2, *end = p + n;
	uint64_t total = 0, prev = 0;
	for (size_t i = 0; i < count; i++) {
		if (pre[i] < 0 || (uint64_t)pre[i] > prev || len[i] < 0 || (uint64_t)len[i] > (uint64_t)(end - bytes)) {
			cfail(x, "string %zu of a DELTA page: lengths past the data", i + 1);
			goto out;
		}
		prev = (uint64_t)pre[i] + (uint64_t)len[i];
		total += prev;
		if (total > MAX_PAGE) {
			cfail(x, "strings of a DELTA page longer than %u bytes in all", MAX_PAGE);
			goto out;
		}
	}
	if (!(buf = malloc(total ? total : 1)) || keep_buf(x->pq, s, buf) < 0) {
		if (!buf)
			oom(x->pq);
		buf = NULL;
		goto out;
	}
	uint8_t *w = buf, *last = NULL;
	size_t i = 0;
	for (size_t row = at; row < at + rows; row++) {
		if (!s->defined[row])
			continue;
		if ((uint64_t)len[i] > (uint64_t)(end - bytes)) {
			cfail(x, "string %zu of a DELTA page runs past the data", i + 1);
			buf = NULL;
			goto out;
		}
		uint8_t *str = w;
		if (pre[i])
			memmove(w, last, (size_t)pre[i]);
		memcpy(w + pre[i], bytes, (size_t)len[i]);
		bytes += len[i];
		w += pre[i] + len[i];
		s->sv[row] = (struct str){ str, (uint32_t)(pre[i] + len[i]) };
		last = str;
		i++;
	}
	buf = NULL;
	r = 0;
out:
	free(pre);
	free(len);
	return r;
}

/* The values of a data page: n rows from row `at`, those defined (flags
 * set by the caller) from vals[0..vlen). */
static int page_values(const struct ctx *x, struct col_state *s, const qts_pq_column *col, int enc,
		       const uint8_t *vals, size_t vlen, size_t at, size_t n)
{
	size_t defined = 0;
	for (size_t i = 0; i < n; i++)
		defined += s->defined[at + i];
	struct vsrc src = { .p = vals, .end = vals + vlen };
	int dict = enc == QTS_PQ_PLAIN_DICTIONARY || enc == QTS_PQ_RLE_DICTIONARY;
	char err[QTS_ERR_MAX];
	if (dict) {
		if (!s->div && !s->ddv && !s->dsv)
			return cfail(x, "a dictionary-encoded page without a dictionary page before it");
		if (defined) {
			if (vlen < 1)
				return cfail(x, "dictionary indices without their bit width");
			if (qts_pq_rle_decode(vals + 1, vlen - 1, vals[0], s->scratch, defined, err) < 0)
				return cfail(x, "dictionary indices: %s", err);
		}
	} else if (enc == QTS_PQ_RLE && col->type == QTS_PQ_BOOLEAN) {
		if (vlen < 4 || (uint64_t)le(vals, 4) > vlen - 4)
			return cfail(x, "RLE booleans: their length runs past the page");
		if (qts_pq_rle_decode(vals + 4, (size_t)le(vals, 4), 1, s->scratch, defined, err) < 0)
			return cfail(x, "RLE booleans: %s", err);
	} else if (enc == QTS_PQ_DELTA_BINARY_PACKED && (col->type == QTS_PQ_INT32 || col->type == QTS_PQ_INT64)) {
		int64_t *d = malloc((defined ? defined : 1) * sizeof *d);
		if (!d)
			return oom(x->pq);
		if (qts_pq_delta_decode(vals, vlen, d, defined, NULL, err) < 0) {
			free(d);
			return cfail(x, "%s", err);
		}
		size_t k = 0;
		for (size_t i = at; i < at + n; i++)
			if (s->defined[i] && col->decimal) {
				s->dv[i] = (double)(col->type == QTS_PQ_INT32 ? (int32_t)(uint32_t)d[k] : d[k]) /
					   pow10_of(col->scale);
				k++;
			} else if (s->defined[i]) {
				s->iv[i] = col->type == QTS_PQ_INT32 ? (int32_t)(uint32_t)d[k] : d[k];
				k++;
				if (col->kind == QTS_PQV_TIME &&
				    to_ns(x, s->iv[i], col->unit, x->pq->row + (int64_t)i + 1, &s->iv[i]) < 0) {
					free(d);
					return -1;
				}
			}
		free(d);
		return 0;
	} else if (enc == 9 && !col->decimal && (col->type == QTS_PQ_FLOAT || col->type == QTS_PQ_DOUBLE ||
						 col->type == QTS_PQ_INT32 || col->type == QTS_PQ_INT64)) {
		/* BYTE_STREAM_SPLIT: byte k of value j at vals[k * count + j] */
		size_t w = col->type == QTS_PQ_FLOAT || col->type == QTS_PQ_INT32 ? 4 : 8;
		if (defined > vlen / w)
			return cfail(x, "BYTE_STREAM_SPLIT values run past the page");
		size_t j = 0;
		for (size_t i = at; i < at + n; i++) {
			if (!s->defined[i])
				continue;
			uint8_t b[8];
			for (size_t k = 0; k < w; k++)
				b[k] = vals[k * defined + j];
			j++;
			struct vsrc one = { .p = b, .end = b + w };
			if (plain_value(x, col, &one, s->iv, s->dv, s->sv, i) < 0)
				return -1;
			if (col->kind == QTS_PQV_TIME && to_ns(x, s->iv[i], col->unit, x->pq->row + (int64_t)i + 1, &s->iv[i]) < 0)
				return -1;
		}
		return 0;
	} else if ((enc == 6 || enc == 7) && col->type == QTS_PQ_BYTE_ARRAY) {
		return delta_strings(x, s, enc, vals, vlen, at, n, defined);
	} else if (enc != QTS_PQ_PLAIN)
		return cfail(x, "values encoded %s (%d) are not read; qts reads PLAIN, dictionaries, "
			     "the DELTA encodings and BYTE_STREAM_SPLIT", qts_pq_encoding_name(enc), enc);
	size_t k = 0;
	for (size_t i = at; i < at + n; i++) {
		if (!s->defined[i])
			continue;
		if (dict || enc == QTS_PQ_RLE) {
			uint32_t ix = s->scratch[k++];
			if (enc == QTS_PQ_RLE)
				s->iv[i] = ix;
			else if (ix >= s->ndict)
				return cfail(x, "dictionary index %u of a dictionary of %zu", ix, s->ndict);
			else if (s->div)
				s->iv[i] = s->div[ix];
			else if (s->ddv)
				s->dv[i] = s->ddv[ix];
			else
				s->sv[i] = s->dsv[ix];
		} else if (plain_value(x, col, &src, s->iv, s->dv, s->sv, i) < 0)
			return -1;
		if (col->kind == QTS_PQV_TIME && to_ns(x, s->iv[i], col->unit, x->pq->row + (int64_t)i + 1, &s->iv[i]) < 0)
			return -1;
	}
	return 0;
}

struct page_header {
	int type;
	int32_t usize, csize;
	int32_t nvalues, enc, def_enc, nnulls, nrows, def_len, rep_len;
	int compressed;
	int has_data, has_dict, has_v2;
};

static int page_sub(qts_thrift *t, struct page_header *h, int which)
{
	int16_t last = 0;
	int id, ty, r;
	int32_t v;
	if (qts_thrift_enter(t) < 0)
		return -1;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		if (which == 8 && id == 7 && ty <= QTS_TC_FALSE) {
			if (qts_thrift_bool(t, ty, &h->compressed) < 0)
				return -1;
			continue;
		}
		if (ty != QTS_TC_I32 || id < 1 || id > 6) {
			if (qts_thrift_skip(t, ty) < 0)
				return -1;
			continue;
		}
		if (qts_thrift_i32(t, ty, &v) < 0)
			return -1;
		if (id == 1)
			h->nvalues = v;
		else if (which == 8) {
			int32_t *f[] = { NULL, NULL, &h->nnulls, &h->nrows, &h->enc, &h->def_len, &h->rep_len };
			*f[id] = v;
		} else if (id == 2)
			h->enc = v;
		else if (id == 3 && which == 5)
			h->def_enc = v;
	}
	qts_thrift_leave(t);
	return r;
}

static int page_header(qts_thrift *t, struct page_header *h)
{
	*h = (struct page_header){ .type = -1, .usize = -1, .csize = -1, .compressed = 1, .def_enc = QTS_PQ_RLE };
	int16_t last = 0;
	int id, ty, r;
	int32_t v;
	while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0) {
		if (id >= 1 && id <= 3 && ty == QTS_TC_I32) {
			if (qts_thrift_i32(t, ty, &v) < 0)
				return -1;
			*(id == 1 ? &h->type : id == 2 ? &h->usize : &h->csize) = v;
		} else if ((id == 5 || id == 7 || id == 8) && ty == QTS_TC_STRUCT) {
			if (page_sub(t, h, id) < 0)
				return -1;
			*(id == 5 ? &h->has_data : id == 7 ? &h->has_dict : &h->has_v2) = 1;
		} else if (qts_thrift_skip(t, ty) < 0)
			return -1;
	}
	return r;
}

/* The dictionary page: its values, PLAIN. */
static int dictionary(const struct ctx *x, struct col_state *s, const qts_pq_column *col, const uint8_t *p,
		      size_t n, int32_t count)
{
	if (s->ndict || s->div || s->ddv || s->dsv)
		return cfail(x, "a second dictionary page");
	if (count < 0 || (size_t)count > n * 8 + 1)
		return cfail(x, "a dictionary of %d values in %zu bytes", count, n);
	size_t k = (size_t)count ? (size_t)count : 1;
	int d = col->kind == QTS_PQV_DOUBLE, str = col->kind == QTS_PQV_STR;
	if (d ? !(s->ddv = malloc(k * sizeof *s->ddv)) : str ? !(s->dsv = malloc(k * sizeof *s->dsv))
	      : !(s->div = malloc(k * sizeof *s->div)))
		return oom(x->pq);
	struct vsrc src = { .p = p, .end = p + n };
	for (size_t i = 0; i < (size_t)count; i++)
		if (plain_value(x, col, &src, s->div, s->ddv, s->dsv, i) < 0)
			return -1;
	s->ndict = (size_t)count;
	return 0;
}

/* Read column c of row group g: its chunk, page by page, into s. */
static int load_column(qts_pq *pq, size_t g, size_t c)
{
	struct group *gr = &pq->groups[g];
	struct chunk_meta *m = &gr->col[c];
	const qts_pq_column *col = &pq->cols[c];
	struct col_state *s = &pq->st[c];
	struct ctx x = { pq, g, c, col->name };
	size_t rows = (size_t)gr->rows, cap = rows ? rows : 1;
	int64_t start = m->dict_off >= 4 && m->dict_off < m->data_off ? m->dict_off : m->data_off;
	size_t len = (size_t)m->size;
	uint8_t *chunk = malloc(len ? len : 1);
	if (!chunk || keep_buf(pq, s, chunk) < 0)
		return oom(pq);
	if (read_at(pq, (uint64_t)start, len, chunk, col->name) < 0)
		return -1;
	if (!(s->defined = malloc(cap)) || !(s->scratch = malloc(cap * sizeof *s->scratch)))
		return oom(pq);
	int dbl = col->kind == QTS_PQV_DOUBLE, str = col->kind == QTS_PQV_STR;
	if (dbl ? !(s->dv = malloc(cap * sizeof *s->dv)) : str ? !(s->sv = malloc(cap * sizeof *s->sv))
		: !(s->iv = malloc(cap * sizeof *s->iv)))
		return oom(pq);
	size_t pos = 0, done = 0;
	char err[QTS_ERR_MAX];
	while (done < rows) {
		if (pos >= len)
			return cfail(&x, "its pages hold %zu of its %zu values", done, rows);
		qts_thrift t;
		qts_thrift_init(&t, chunk + pos, len - pos);
		struct page_header h;
		if (page_header(&t, &h) < 0)
			return cfail(&x, "page header at byte %llu: %s", (unsigned long long)start + pos,
				     t.err ? t.err : "malformed");
		size_t at = (size_t)start + pos;
		pos += (size_t)(t.p - t.start);
		if (h.csize < 0 || (size_t)h.csize > len - pos || h.usize < 0 || (uint32_t)h.usize > MAX_PAGE)
			return cfail(&x, "page at byte %zu: %d bytes (%d uncompressed) where %zu are left of the chunk",
				     at, h.csize, h.usize, len - pos);
		const uint8_t *body = chunk + pos;
		size_t blen = (size_t)h.csize;
		pos += blen;
		if (h.type == 2 && h.has_dict) { /* DICTIONARY_PAGE */
			if (done)
				return cfail(&x, "page at byte %zu: a dictionary after data pages", at);
			const uint8_t *p = body;
			if (m->codec != QTS_PQ_UNCOMPRESSED) {
				uint8_t *u = page_buffer(pq, s, col, (size_t)h.usize);
				if (!u)
					return -1;
				if (qts_pq_uncompress(m->codec, body, blen, u, (size_t)h.usize, err) < 0)
					return cfail(&x, "page at byte %zu: %s", at, err);
				p = u;
			} else if ((size_t)h.usize != blen)
				return cfail(&x, "page at byte %zu: %zu bytes, uncompressed %d", at, blen, h.usize);
			if (h.enc != QTS_PQ_PLAIN && h.enc != QTS_PQ_PLAIN_DICTIONARY)
				return cfail(&x, "a dictionary encoded %s is not read", qts_pq_encoding_name(h.enc));
			if (dictionary(&x, s, col, p, (size_t)h.usize, h.nvalues) < 0)
				return -1;
			continue;
		}
		if (!((h.type == 0 && h.has_data) || (h.type == 3 && h.has_v2)))
			continue; /* an index page, or one qts does not know: not data */
		if (h.nvalues < 0 || (size_t)h.nvalues > rows - done)
			return cfail(&x, "page at byte %zu: %d values where %zu rows are left", at, h.nvalues, rows - done);
		size_t n = (size_t)h.nvalues;
		const uint8_t *levels = NULL, *vals;
		size_t llen = 0, vlen;
		if (h.type == 3) {
			/* v2: the levels first, never compressed; then the values. */
			if (h.def_len < 0 || h.rep_len < 0 || (size_t)h.def_len + (size_t)h.rep_len > blen ||
			    (size_t)h.def_len + (size_t)h.rep_len > (size_t)h.usize)
				return cfail(&x, "page at byte %zu: levels of %d and %d bytes in a page of %zu", at,
					     h.rep_len, h.def_len, blen);
			if (h.rep_len)
				return cfail(&x, "page at byte %zu: repetition levels in a flat column", at);
			levels = body, llen = (size_t)h.def_len;
			vals = body + h.def_len, vlen = blen - (size_t)h.def_len;
			if (h.compressed && m->codec != QTS_PQ_UNCOMPRESSED) {
				size_t usize = (size_t)h.usize - (size_t)h.def_len;
				uint8_t *u = page_buffer(pq, s, col, usize);
				if (!u)
					return -1;
				if (qts_pq_uncompress(m->codec, vals, vlen, u, usize, err) < 0)
					return cfail(&x, "page at byte %zu: %s", at, err);
				vals = u, vlen = usize;
			}
		} else {
			const uint8_t *p = body;
			size_t plen = blen;
			if (m->codec != QTS_PQ_UNCOMPRESSED) {
				uint8_t *u = page_buffer(pq, s, col, (size_t)h.usize);
				if (!u)
					return -1;
				if (qts_pq_uncompress(m->codec, body, blen, u, (size_t)h.usize, err) < 0)
					return cfail(&x, "page at byte %zu: %s", at, err);
				p = u, plen = (size_t)h.usize;
			}
			vals = p, vlen = plen;
			if (col->optional) {
				/* v1: definition levels prefixed with their length. */
				if (h.def_enc != QTS_PQ_RLE)
					return cfail(&x, "page at byte %zu: definition levels encoded %s are not read", at,
						     qts_pq_encoding_name(h.def_enc));
				if (plen < 4 || (uint64_t)le(p, 4) > plen - 4)
					return cfail(&x, "page at byte %zu: definition levels run past the page", at);
				llen = (size_t)le(p, 4);
				levels = p + 4;
				vals = p + 4 + llen, vlen = plen - 4 - llen;
			}
		}
		if (col->optional) {
			if (qts_pq_rle_decode(levels, llen, 1, s->scratch, n, err) < 0)
				return cfail(&x, "page at byte %zu: definition levels: %s", at, err);
			for (size_t i = 0; i < n; i++)
				s->defined[done + i] = (uint8_t)s->scratch[i];
		} else
			memset(s->defined + done, 1, n);
		if (page_values(&x, s, col, h.enc, vals, vlen, done, n) < 0)
			return -1;
		done += n;
	}
	return 0;
}

static void free_group(qts_pq *pq)
{
	for (size_t c = 0; c < pq->ncols; c++)
		free_state(&pq->st[c]);
}

int qts_pq_use(qts_pq *pq, size_t i, char *err)
{
	const qts_pq_column *c = &pq->cols[i];
	if (c->kind == QTS_PQV_UNSUPPORTED) {
		snprintf(err, QTS_ERR_MAX, "%.200s: column '%.200s': values of %s are not read", pq->name, c->name,
			 c->why);
		return -1;
	}
	pq->st[i].used = 1;
	return 0;
}

int qts_pq_next(qts_pq *pq)
{
	if (pq->err[0])
		return -1;
	while (pq->in_group >= pq->group_rows) {
		free_group(pq);
		if (pq->next_group >= pq->ngroups)
			return 0;
		size_t g = pq->next_group++;
		pq->group_rows = pq->groups[g].rows;
		pq->in_group = 0;
		for (size_t c = 0; c < pq->ncols; c++)
			if (pq->st[c].used && pq->group_rows && load_column(pq, g, c) < 0) {
				free_group(pq);
				pq->group_rows = 0;
				return -1;
			}
	}
	pq->in_group++;
	pq->row++;
	return 1;
}

void qts_pq_get(const qts_pq *pq, size_t i, qts_pq_value *v)
{
	const struct col_state *s = &pq->st[i];
	size_t r = (size_t)pq->in_group - 1;
	*v = (qts_pq_value){ .kind = QTS_PQV_NULL };
	if (!s->used || !s->defined || pq->in_group < 1 || !s->defined[r])
		return;
	v->kind = pq->cols[i].kind;
	if (s->dv)
		v->d = s->dv[r];
	else if (s->sv)
		v->s = (const char *)s->sv[r].p, v->len = s->sv[r].n;
	else
		v->i = s->iv[r];
}

size_t qts_pq_ncolumns(const qts_pq *pq) { return pq->ncols; }
const qts_pq_column *qts_pq_column_at(const qts_pq *pq, size_t i) { return &pq->cols[i]; }
int64_t qts_pq_nrows(const qts_pq *pq) { return pq->nrows; }
size_t qts_pq_ngroups(const qts_pq *pq) { return pq->ngroups; }
int64_t qts_pq_group_rows(const qts_pq *pq, size_t g) { return g < pq->ngroups ? pq->groups[g].rows : 0; }
int64_t qts_pq_row(const qts_pq *pq) { return pq->row; }
const char *qts_pq_name(const qts_pq *pq) { return pq->name; }
const char *qts_pq_error(const qts_pq *pq) { return pq->err; }

int qts_pq_find(const qts_pq *pq, const char *name)
{
	for (size_t i = 0; i < pq->ncols; i++)
		if (strcmp(pq->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

const char *qts_pq_meta(const qts_pq *pq, const char *key)
{
	for (size_t i = 0; i < pq->nkv; i++)
		if (pq->keys[i] && strcmp(pq->keys[i], key) == 0)
			return pq->vals[i] ? pq->vals[i] : "";
	return NULL;
}

void qts_pq_close(qts_pq *pq)
{
	if (!pq)
		return;
	if (pq->st)
		free_group(pq);
	free(pq->st);
	for (size_t i = 0; i < pq->ncols; i++)
		free(pq->cols[i].name);
	free(pq->cols);
	for (size_t g = 0; g < pq->ngroups; g++)
		free(pq->groups[g].col);
	free(pq->groups);
	for (size_t i = 0; i < pq->nkv; i++)
		free(pq->keys[i]), free(pq->vals[i]);
	free(pq->keys), free(pq->vals);
	free(pq->footer);
	if (pq->fd >= 0)
		close(pq->fd);
	if (pq->owned)
		free((void *)pq->mem);
	free(pq);
}

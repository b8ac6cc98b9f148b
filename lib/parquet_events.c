/* parquet_events.c — the rows of a Parquet file as qts events: a file qts
 * wrote (its type in the footer's key-value metadata, qts.type) or whose
 * columns are exactly an event type's fields is read field by field; any
 * other table goes through the vendor layouts of fetch_vendor.c, which
 * take its values as text (qts_pq_value_text). */
#include "qts_parquet.h"
#include "event_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

qts_type qts_pq_event_type(const qts_pq *pq)
{
	const char *t = qts_pq_meta(pq, "qts.type");
	if (t) {
		qts_type ty = qts_type_from_name(t, strlen(t));
		if (ty != QTS_UNKNOWN)
			return ty;
	}
	/* The columns of an event type, no more and no fewer. */
	for (int ty = 0; ty < QTS_UNKNOWN; ty++) {
		const struct schema *s = &qts_schema[ty];
		if ((size_t)s->nfields != qts_pq_ncolumns(pq))
			continue;
		int all = 1;
		for (int f = 0; f < s->nfields && all; f++)
			all = qts_pq_find(pq, s->f[f].name) >= 0;
		if (all)
			return (qts_type)ty;
	}
	return QTS_UNKNOWN;
}

/* Can a column of this kind hold the field? */
static int fits(const struct field *f, int kind)
{
	switch (f->kind) {
	case FK_TS: return kind == QTS_PQV_TIME || kind == QTS_PQV_INT || kind == QTS_PQV_DATE;
	case FK_STR: case FK_ENUM: return kind == QTS_PQV_STR;
	default: return kind == QTS_PQV_DOUBLE || kind == QTS_PQV_INT;
	}
}

int qts_pq_events_begin(qts_pq *pq, qts_type t, char *err)
{
	const struct schema *s = &qts_schema[t];
	for (int f = 0; f < s->nfields + s->ntail; f++) {
		int c = qts_pq_find(pq, s->f[f].name);
		if (c < 0 && f >= s->nfields) /* an optional field left out */
			continue;
		if (c < 0) {
			snprintf(err, QTS_ERR_MAX, "%.200s: a file of %s events without a '%s' column", qts_pq_name(pq),
				 s->name, s->f[f].name);
			return -1;
		}
		const qts_pq_column *col = qts_pq_column_at(pq, (size_t)c);
		if (!fits(&s->f[f], col->kind)) {
			snprintf(err, QTS_ERR_MAX, "%.200s: column '%s' of %s events is not %s", qts_pq_name(pq),
				 s->f[f].name, s->name, s->f[f].kind == FK_TS ? "a time" : s->f[f].kind <= FK_ENUM
				 ? "text" : "a number");
			return -1;
		}
		if (qts_pq_use(pq, (size_t)c, err) < 0)
			return -1;
	}
	return 0;
}

int qts_pq_row_event(qts_pq *pq, qts_type t, qts_event *ev, char *err, size_t errlen)
{
	const struct schema *s = &qts_schema[t];
	qts_event_init(ev, t, 0);
	for (int f = 0; f < s->nfields + s->ntail; f++) {
		const struct field *fd = &s->f[f];
		qts_pq_value v;
		int col = qts_pq_find(pq, fd->name);
		if (col < 0) /* an optional field left out: empty */
			continue;
		qts_pq_get(pq, (size_t)col, &v);
		char *dst = (char *)ev + fd->offset;
		if (v.kind == QTS_PQV_NULL) {
			if (fd->kind == FK_OPTNUM) {
				*(double *)(void *)dst = QTS_EMPTY;
				continue;
			}
			if (fd->kind == FK_STR && !(fd->offset == offsetof(qts_event, symbol) &&
						    qts_symbol_fault(ev->type, "", 0))) {
				dst[0] = '\0'; /* an empty text: as CSV writes it */
				continue;
			}
			snprintf(err, errlen, "%.200s: row %" PRId64 ": %s: no value", qts_pq_name(pq), qts_pq_row(pq),
				 fd->name);
			return -1;
		}
		switch (fd->kind) {
		case FK_TS: {
			int64_t ns = v.i;
			/* an integer time without a unit: nanoseconds, as qts writes */
			if (v.kind == QTS_PQV_DATE && __builtin_mul_overflow(v.i, QTS_NS_PER_DAY, &ns)) {
				snprintf(err, errlen, "%.200s: row %" PRId64 ": %s: a date out of range", qts_pq_name(pq),
					 qts_pq_row(pq), fd->name);
				return -1;
			}
			ev->ts = ns;
			break;
		}
		case FK_STR: case FK_ENUM:
			/* text of the stream is UTF-8 (qts-events(5)): a column
			 * of bytes another writer filled with Latin-1 would be
			 * refused by the stage after, not here */
			if (v.len >= fd->size || memchr(v.s, '\0', v.len) || !qts_utf8_valid(v.s, v.len) ||
			    (fd->kind == FK_ENUM && !qts_enum_ok(fd->values, v.s, v.len))) {
				char shown[80];
				qts_quote(shown, sizeof shown, v.s, v.len);
				snprintf(err, errlen, "%.200s: row %" PRId64 ": %s: '%s' is %s", qts_pq_name(pq),
					 qts_pq_row(pq), fd->name, shown, v.len >= fd->size ? "too long"
					 : memchr(v.s, '\0', v.len) ? "text with a NUL"
					 : !qts_utf8_valid(v.s, v.len) ? "not valid UTF-8" : "not one of the allowed values");
				return -1;
			}
			if (fd->offset == offsetof(qts_event, symbol) && qts_symbol_fault(ev->type, v.s, v.len)) {
				char shown[80];
				qts_quote(shown, sizeof shown, v.s, v.len);
				snprintf(err, errlen, "%.200s: row %" PRId64 ": symbol: '%s' %s", qts_pq_name(pq),
					 qts_pq_row(pq), shown, qts_symbol_fault(ev->type, v.s, v.len));
				return -1;
			}
			memcpy(dst, v.s, v.len);
			dst[v.len] = '\0';
			break;
		default: {
			double d = v.kind == QTS_PQV_DOUBLE ? v.d : (double)v.i;
			if (!isfinite(d) && !(fd->kind == FK_OPTNUM && isnan(d))) {
				snprintf(err, errlen, "%.200s: row %" PRId64 ": %s: not a finite number", qts_pq_name(pq),
					 qts_pq_row(pq), fd->name);
				return -1;
			}
			memcpy(dst, &d, sizeof d);
		}
		}
	}
	return 0;
}

size_t qts_pq_value_text(const qts_pq_value *v, int utc, char *buf, const char **s)
{
	*s = buf;
	switch (v->kind) {
	case QTS_PQV_STR:
		*s = v->s;
		return v->len;
	case QTS_PQV_INT: return (size_t)snprintf(buf, 64, "%" PRId64, v->i);
	case QTS_PQV_BOOL: return (size_t)snprintf(buf, 64, "%s", v->i ? "true" : "false");
	case QTS_PQV_DOUBLE: return isnan(v->d) ? 0 : (size_t)qts_num_format(v->d, buf);
	case QTS_PQV_DATE: {
		int y;
		unsigned m, d;
		qts_civil_from_days(v->i, &y, &m, &d);
		return (size_t)snprintf(buf, 64, "%04d-%02u-%02u", y, m, d);
	}
	case QTS_PQV_TIME: {
		size_t n = (size_t)qts_time_format(v->i, buf);
		/* A time not adjusted to UTC is a wall-clock time: without its
		 * Z, the zone of --tz applies. */
		if (!utc && n && buf[n - 1] == 'Z')
			buf[--n] = '\0';
		return n;
	}
	default:
		buf[0] = '\0';
		return 0;
	}
}

/* reader_msgpack.c — events from msgpack, decoded straight from the input
 * buffer with a decoder for the fixed record layout: msgpack-c's unpacker
 * builds an object tree in a zone per record, several times slower than
 * the whole of a typical stage (see bench/).  Writing goes through
 * writer.c. */
#include "reader_priv.h"

enum { MP_OK, MP_MORE, MP_BAD };

typedef struct mp {
	const unsigned char *p, *end;
	const char *what; /* what was expected, for MP_BAD */
} mp;

static inline uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Make sure n bytes follow. */
#define NEED(c, n) do { if ((size_t)((c)->end - (c)->p) < (size_t)(n)) return MP_MORE; } while (0)

static int mp_array(mp *c, uint32_t *n)
{
	NEED(c, 1);
	unsigned b = *c->p;
	if (b >= 0x90 && b <= 0x9f) {
		*n = b & 0x0f;
		c->p++;
		return MP_OK;
	}
	int w = b == 0xdc ? 2 : b == 0xdd ? 4 : 0;
	if (!w) {
		c->what = "an array (one record)";
		return MP_BAD;
	}
	NEED(c, 1 + w);
	*n = (uint32_t)be(c->p + 1, w);
	c->p += 1 + w;
	return MP_OK;
}

/* Any scalar value. */
static int mp_value(mp *c, qts_raw_field *f)
{
	NEED(c, 1);
	unsigned b = *c->p;
	const unsigned char *q = c->p + 1;
	size_t len = 0;
	int w = 0;
	memset(f, 0, sizeof *f);
	if (b <= 0x7f) {
		f->kind = QTS_RAW_INT, f->i = b;
		c->p++;
		return MP_OK;
	}
	if (b >= 0xe0) {
		f->kind = QTS_RAW_INT, f->i = (int8_t)b;
		c->p++;
		return MP_OK;
	}
	if (b >= 0xa0 && b <= 0xbf) {
		len = b & 0x1f;
		goto str;
	}
	switch (b) {
	case 0xc0: f->kind = QTS_RAW_NIL; c->p++; return MP_OK;
	case 0xc2: case 0xc3: f->kind = QTS_RAW_BOOL; f->i = b == 0xc3; c->p++; return MP_OK;
	case 0xd9: case 0xc4: w = 1; break;
	case 0xda: case 0xc5: w = 2; break;
	case 0xdb: case 0xc6: w = 4; break;
	case 0xca: {
		NEED(c, 5);
		uint32_t u = (uint32_t)be(q, 4);
		float fl;
		memcpy(&fl, &u, 4);
		f->kind = QTS_RAW_FLOAT, f->f = fl;
		c->p += 5;
		return MP_OK;
	}
	case 0xcb: {
		NEED(c, 9);
		uint64_t u = be(q, 8);
		memcpy(&f->f, &u, 8);
		f->kind = QTS_RAW_FLOAT;
		c->p += 9;
		return MP_OK;
	}
	case 0xcc: case 0xcd: case 0xce: case 0xcf: {
		int n = 1 << (b - 0xcc);
		NEED(c, 1 + n);
		f->kind = QTS_RAW_UINT, f->u = be(q, n);
		c->p += 1 + n;
		return MP_OK;
	}
	case 0xd0: case 0xd1: case 0xd2: case 0xd3: {
		int n = 1 << (b - 0xd0);
		NEED(c, 1 + n);
		uint64_t u = be(q, n);
		int64_t v = n == 1 ? (int8_t)u : n == 2 ? (int16_t)u : n == 4 ? (int32_t)u : (int64_t)u;
		f->kind = QTS_RAW_INT, f->i = v;
		c->p += 1 + n;
		return MP_OK;
	}
	default:
		c->what = "a scalar (nil, bool, number or string)";
		return MP_BAD;
	}
	NEED(c, 1 + w);
	len = (size_t)be(q, w);
	q += w;
str:
	NEED(c, (size_t)(q - c->p) + len);
	f->kind = QTS_RAW_STR, f->str = (const char *)q, f->len = len;
	c->p = q + len;
	return MP_OK;
}

static int decode_known(qts_reader *r, mp *c, const struct schema *s, qts_event *ev, int *bad_field)
{
	for (int i = 0; i < s->nfields; i++) {
		const struct field *f = &s->f[i];
		qts_raw_field v;
		*bad_field = i;
		const unsigned char *at = c->p;
		int st;
		/* Bars dominate: their float64 fields are read inline. */
		if (f->kind == FK_NUM && c->end - c->p >= 9 && *c->p == 0xcb) {
			uint64_t u = be(c->p + 1, 8);
			memcpy((char *)ev + f->offset, &u, 8);
			if (!isfinite(*(double *)((char *)ev + f->offset))) {
				c->what = "a finite number";
				return MP_BAD;
			}
			c->p += 9;
			continue;
		}
		if ((st = mp_value(c, &v)) != MP_OK)
			return st;
		double *num = (double *)((char *)ev + f->offset);
		switch (f->kind) {
		case FK_TS:
			if (v.kind == QTS_RAW_INT)
				ev->ts = v.i;
			else if (v.kind == QTS_RAW_UINT && v.u <= INT64_MAX)
				ev->ts = (int64_t)v.u;
			else {
				c->p = at;
				c->what = "an integer (ns since the epoch)";
				return MP_BAD;
			}
			break;
		case FK_STR:
		case FK_ENUM:
			if (v.kind == QTS_RAW_NIL)
				v.len = 0, v.str = "";
			else if (v.kind != QTS_RAW_STR) {
				c->p = at;
				c->what = "a string";
				return MP_BAD;
			}
			if (qts_reader_store_str(r, f, ev, v.str, v.len) < 0)
				return MP_BAD + 1;
			break;
		case FK_OPTNUM:
		case FK_NUM:
			if (v.kind == QTS_RAW_NIL && f->kind == FK_OPTNUM)
				*num = QTS_EMPTY;
			else if (v.kind == QTS_RAW_FLOAT)
				*num = v.f;
			else if (v.kind == QTS_RAW_INT)
				*num = (double)v.i;
			else if (v.kind == QTS_RAW_UINT)
				*num = (double)v.u;
			else {
				c->p = at;
				c->what = "a number";
				return MP_BAD;
			}
			if (!isfinite(*num) && !(f->kind == FK_OPTNUM && v.kind == QTS_RAW_NIL)) {
				c->p = at;
				c->what = "a finite number";
				return MP_BAD;
			}
			break;
		}
	}
	return MP_OK;
}

/* Decode one record from c; MP_OK, MP_MORE (truncated), MP_BAD (+1: the
 * message is already in r->err). */
static int decode(qts_reader *r, mp *c, qts_event *ev, int *bad_field, qts_type *type)
{
	uint32_t n;
	int st;
	*bad_field = -1;
	*type = QTS_UNKNOWN;
	if ((st = mp_array(c, &n)) != MP_OK)
		return st;
	if (n == 0) {
		c->what = "a record with a type";
		return MP_BAD;
	}
	qts_raw_field tf;
	if ((st = mp_value(c, &tf)) != MP_OK)
		return st;
	if (tf.kind != QTS_RAW_STR) {
		c->what = "the type as a string";
		return MP_BAD;
	}
	qts_type t = qts_type_from_name(tf.str, tf.len);
	*type = t;
	if (t == QTS_UNKNOWN && !qts_reader_type_name_ok(tf.str, tf.len)) {
		qts_reader_bad_type(r, tf.str, tf.len);
		return MP_BAD + 1;
	}
	if (t != QTS_UNKNOWN) {
		const struct schema *s = &qts_schema[t];
		if (n != (uint32_t)s->nfields + 1) {
			snprintf(r->err, sizeof r->err, "%s: %s: expected %d fields (type,%s), got %u",
				 qts_reader_where(r), s->name, s->nfields + 1, s->names, n);
			return MP_BAD + 1;
		}
		ev->type = t;
		ev->symbol[0] = '\0';
		return decode_known(r, c, s, ev, bad_field);
	}
	/* Each field takes a byte at least: a length beyond what is buffered
	 * waits for more input (and is a truncated record at its end) before
	 * anything is allocated for it, so an array32 header alone cannot ask
	 * for gigabytes. */
	if (n - 1 > (size_t)(c->end - c->p))
		return MP_MORE;
	qts_raw_field *f = qts_reader_raw_fields(r, n);
	if (!f) {
		snprintf(r->err, sizeof r->err, "%s: out of memory", qts_reader_where(r));
		return MP_BAD + 1;
	}
	f[0] = tf;
	for (uint32_t i = 1; i < n; i++)
		if ((st = mp_value(c, &f[i])) != MP_OK)
			return st;
	ev->type = QTS_UNKNOWN;
	ev->symbol[0] = '\0';
	ev->raw.n = n;
	ev->raw.field = f;
	/* msgpack-c packs a positive int64 as an unsigned integer: a time the
	 * writer wrote comes back as either. */
	ev->ts = n > 1 && f[1].kind == QTS_RAW_INT ? f[1].i
	       : n > 1 && f[1].kind == QTS_RAW_UINT && f[1].u <= INT64_MAX ? (int64_t)f[1].u : QTS_TS_MIN;
	return MP_OK;
}

int qts_reader_next_msgpack(qts_reader *r, qts_event *ev)
{
	const unsigned char *p;
	long avail = qts_input_fill(r->in, &p);
	for (;;) {
		if (avail < 0) {
			snprintf(r->err, sizeof r->err, "%s", qts_input_error(r->in));
			return -1;
		}
		if (avail == 0)
			return 0;
		uint64_t off = qts_input_offset(r->in);
		r->offset = off;
		mp c = { p, p + avail, NULL };
		prefetch_ahead(p, (size_t)avail);
		int bad_field;
		qts_type t;
		int st = decode(r, &c, ev, &bad_field, &t);
		if (st == MP_OK) {
			qts_input_consume(r->in, (size_t)(c.p - p));
			if (ev->type == QTS_UNKNOWN && ev->ts == QTS_TS_MIN)
				return qts_reader_untimed(r, ev);
			return qts_reader_admit(r, ev);
		}
		if (st == MP_MORE) {
			long more = qts_input_need(r->in, (size_t)avail + 1, &p);
			if (more >= 0 && more <= avail)
				return qts_reader_fail(r, "truncated record (input ends inside it)");
			avail = more;
			continue;
		}
		if (st == MP_BAD + 1)
			return -1;
		if (bad_field >= 0)
			return qts_reader_fail(r, "%s: field %s (at byte %llu): expected %s", qts_type_name(t),
				    qts_schema[t].f[bad_field].name,
				    (unsigned long long)(off + (uint64_t)(c.p - p)), c.what);
		return qts_reader_fail(r, "expected %s", c.what);
	}
}

/* thrift_compact.c — the Thrift compact protocol (apache/thrift
 * doc/specs/thrift-compact-protocol.md), the encoding of Parquet's
 * metadata: field headers as a type nibble and an id delta, integers as
 * zigzag varints, binaries and containers prefixed with varint sizes.
 * Decoding trusts nothing: every byte is bounds-checked and nesting is
 * bounded, so a hostile footer fails with a reason, never reads beyond
 * its bytes. */
#include "qts_parquet.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

void qts_thrift_init(qts_thrift *t, const void *p, size_t n)
{
	*t = (qts_thrift){ .start = p, .p = p, .end = (const uint8_t *)p + n };
}

static int fail(qts_thrift *t, const char *why)
{
	if (!t->err) {
		t->err = why;
		t->at = (size_t)(t->p - t->start);
	}
	return -1;
}

static int varint(qts_thrift *t, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (t->p >= t->end)
			return fail(t, "a number runs past the end");
		uint8_t b = *t->p++;
		if (shift == 63 && (b & 0x7e))
			return fail(t, "a number of more than 64 bits");
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return fail(t, "a number of more than 10 bytes");
}

static int64_t unzigzag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

int qts_thrift_enter(qts_thrift *t)
{
	if (t->err)
		return -1;
	if (++t->depth > MAX_DEPTH)
		return fail(t, "structures nested too deep");
	return 0;
}

void qts_thrift_leave(qts_thrift *t)
{
	t->depth--;
}

int qts_thrift_field(qts_thrift *t, int16_t *last, int *id, int *type)
{
	if (t->err)
		return -1;
	if (t->p >= t->end)
		return fail(t, "a structure runs past the end");
	uint8_t b = *t->p++;
	*type = b & 0x0f;
	if (*type == QTS_TC_STOP)
		return 0;
	if (*type > QTS_TC_STRUCT)
		return fail(t, "an unknown field type");
	int delta = b >> 4;
	if (delta) {
		*id = *last + delta;
	} else {
		uint64_t u;
		if (varint(t, &u) < 0)
			return -1;
		int64_t v = unzigzag(u);
		if (v < -32768 || v > 32767)
			return fail(t, "a field id out of range");
		*id = (int)v;
	}
	if (*id > 32767 || *id < -32768)
		return fail(t, "a field id out of range");
	*last = (int16_t)*id;
	return 1;
}

int qts_thrift_i64(qts_thrift *t, int64_t *v)
{
	uint64_t u;
	if (varint(t, &u) < 0)
		return -1;
	*v = unzigzag(u);
	return 0;
}

int qts_thrift_i32(qts_thrift *t, int type, int32_t *v)
{
	if (type == QTS_TC_BYTE) {
		if (t->p >= t->end)
			return fail(t, "a byte runs past the end");
		*v = (int8_t)*t->p++;
		return 0;
	}
	if (type != QTS_TC_I32 && type != QTS_TC_I16)
		return fail(t, "a field of the wrong type (not an integer)");
	int64_t w;
	if (qts_thrift_i64(t, &w) < 0)
		return -1;
	if (w < INT32_MIN || w > INT32_MAX)
		return fail(t, "a 32-bit number out of range");
	*v = (int32_t)w;
	return 0;
}

int qts_thrift_bool(qts_thrift *t, int type, int *v)
{
	if (type != QTS_TC_TRUE && type != QTS_TC_FALSE)
		return fail(t, "a field of the wrong type (not a boolean)");
	*v = type == QTS_TC_TRUE;
	return 0;
}

int qts_thrift_binary(qts_thrift *t, const uint8_t **p, size_t *n)
{
	uint64_t len;
	if (varint(t, &len) < 0)
		return -1;
	if (len > (uint64_t)(t->end - t->p))
		return fail(t, "a string runs past the end");
	*p = t->p;
	*n = (size_t)len;
	t->p += len;
	return 0;
}

int qts_thrift_list(qts_thrift *t, int *elem, uint32_t *n)
{
	if (t->p >= t->end)
		return fail(t, "a list runs past the end");
	uint8_t b = *t->p++;
	uint64_t size = b >> 4;
	*elem = b & 0x0f;
	if (size == 15 && varint(t, &size) < 0)
		return -1;
	if (*elem == QTS_TC_STOP || *elem > QTS_TC_STRUCT)
		return fail(t, "a list of an unknown type");
	/* Every element takes a byte at least (a boolean in a list is a byte). */
	if (size > (uint64_t)(t->end - t->p))
		return fail(t, "a list longer than its bytes");
	*n = (uint32_t)size;
	return 0;
}

int qts_thrift_skip(qts_thrift *t, int type)
{
	int64_t i;
	const uint8_t *p;
	size_t n;
	switch (type) {
	case QTS_TC_TRUE: case QTS_TC_FALSE: return t->err ? -1 : 0;
	case QTS_TC_BYTE:
		if (t->p >= t->end)
			return fail(t, "a byte runs past the end");
		t->p++;
		return 0;
	case QTS_TC_I16: case QTS_TC_I32: case QTS_TC_I64: return qts_thrift_i64(t, &i);
	case QTS_TC_DOUBLE:
		if (t->end - t->p < 8)
			return fail(t, "a double runs past the end");
		t->p += 8;
		return 0;
	case QTS_TC_BINARY: return qts_thrift_binary(t, &p, &n);
	case QTS_TC_LIST: case QTS_TC_SET: {
		int elem;
		uint32_t count;
		if (qts_thrift_list(t, &elem, &count) < 0 || qts_thrift_enter(t) < 0)
			return -1;
		for (uint32_t k = 0; k < count; k++) {
			/* A boolean element is a byte of its own. */
			if (elem == QTS_TC_TRUE || elem == QTS_TC_FALSE) {
				if (qts_thrift_skip(t, QTS_TC_BYTE) < 0)
					return -1;
			} else if (qts_thrift_skip(t, elem) < 0)
				return -1;
		}
		qts_thrift_leave(t);
		return 0;
	}
	case QTS_TC_MAP: {
		uint64_t count;
		if (varint(t, &count) < 0)
			return -1;
		if (!count)
			return 0;
		if (t->p >= t->end)
			return fail(t, "a map runs past the end");
		uint8_t kv = *t->p++;
		int k = kv >> 4, v = kv & 0x0f;
		if (count > (uint64_t)(t->end - t->p) || !k || !v || k > QTS_TC_STRUCT || v > QTS_TC_STRUCT)
			return fail(t, "a map of an unknown type or longer than its bytes");
		if (qts_thrift_enter(t) < 0)
			return -1;
		for (uint64_t e = 0; e < count; e++)
			for (int side = 0; side < 2; side++) {
				int ty = side ? v : k;
				if (qts_thrift_skip(t, ty == QTS_TC_TRUE || ty == QTS_TC_FALSE ? QTS_TC_BYTE : ty) < 0)
					return -1;
			}
		qts_thrift_leave(t);
		return 0;
	}
	case QTS_TC_STRUCT: {
		if (qts_thrift_enter(t) < 0)
			return -1;
		int16_t last = 0;
		int id, ty, r;
		while ((r = qts_thrift_field(t, &last, &id, &ty)) > 0)
			if (qts_thrift_skip(t, ty) < 0)
				return -1;
		if (r < 0)
			return -1;
		qts_thrift_leave(t);
		return 0;
	}
	default: return fail(t, "an unknown field type");
	}
}

/* ---- encoding ------------------------------------------------------------ */

void qts_thrift_out_bytes(qts_thrift_out *o, const void *p, size_t n)
{
	/* nothing (the values of a column all of nulls, never allocated): p may be
	 * NULL, which memcpy may not be given even for no bytes */
	if (o->oom || n == 0)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		while (cap < o->len + n)
			cap *= 2;
		uint8_t *b = realloc(o->buf, cap);
		if (!b) {
			o->oom = 1;
			return;
		}
		o->buf = b, o->cap = cap;
	}
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

void qts_thrift_out_varint(qts_thrift_out *o, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;
	do {
		b[n] = v & 0x7f;
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	qts_thrift_out_bytes(o, b, n);
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

void qts_thrift_out_field(qts_thrift_out *o, int id, int type)
{
	int16_t *last = &o->last[o->depth];
	int delta = id - *last;
	if (delta > 0 && delta <= 15) {
		uint8_t b = (uint8_t)(delta << 4 | type);
		qts_thrift_out_bytes(o, &b, 1);
	} else {
		uint8_t b = (uint8_t)type;
		qts_thrift_out_bytes(o, &b, 1);
		qts_thrift_out_varint(o, zigzag(id));
	}
	*last = (int16_t)id;
}

void qts_thrift_out_i32(qts_thrift_out *o, int id, int32_t v)
{
	qts_thrift_out_field(o, id, QTS_TC_I32);
	qts_thrift_out_varint(o, zigzag(v));
}

void qts_thrift_out_i64(qts_thrift_out *o, int id, int64_t v)
{
	qts_thrift_out_field(o, id, QTS_TC_I64);
	qts_thrift_out_varint(o, zigzag(v));
}

void qts_thrift_out_bool(qts_thrift_out *o, int id, int v)
{
	qts_thrift_out_field(o, id, v ? QTS_TC_TRUE : QTS_TC_FALSE);
}

void qts_thrift_out_binary(qts_thrift_out *o, int id, const void *p, size_t n)
{
	qts_thrift_out_field(o, id, QTS_TC_BINARY);
	qts_thrift_out_binary_elem(o, p, n);
}

void qts_thrift_out_list(qts_thrift_out *o, int id, int elem, uint32_t n)
{
	qts_thrift_out_field(o, id, QTS_TC_LIST);
	if (n < 15) {
		uint8_t b = (uint8_t)(n << 4 | (uint32_t)elem);
		qts_thrift_out_bytes(o, &b, 1);
	} else {
		uint8_t b = (uint8_t)(0xf0 | elem);
		qts_thrift_out_bytes(o, &b, 1);
		qts_thrift_out_varint(o, n);
	}
}

void qts_thrift_out_i32_elem(qts_thrift_out *o, int32_t v)
{
	qts_thrift_out_varint(o, zigzag(v));
}

void qts_thrift_out_binary_elem(qts_thrift_out *o, const void *p, size_t n)
{
	qts_thrift_out_varint(o, n);
	qts_thrift_out_bytes(o, p, n);
}

void qts_thrift_out_begin(qts_thrift_out *o, int id)
{
	if (id > 0)
		qts_thrift_out_field(o, id, QTS_TC_STRUCT);
	if (o->depth + 1 >= (int)(sizeof o->last / sizeof o->last[0])) {
		o->oom = 1; /* deeper than any Parquet footer */
		return;
	}
	o->last[++o->depth] = 0;
}

void qts_thrift_out_end(qts_thrift_out *o)
{
	uint8_t stop = QTS_TC_STOP;
	qts_thrift_out_bytes(o, &stop, 1);
	if (o->depth > 0)
		o->depth--;
}

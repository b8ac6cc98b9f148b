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
	const unsigned char *start; /* the record's first byte */
	int bin;          /* whether the last value read was a bin */
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
	c->bin = b >= 0xc4 && b <= 0xc6;
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

/* The byte offset in the input of at, a byte of the record being read. */
static unsigned long long field_byte(const qts_reader *r, const mp *c, const unsigned char *at)
{
	return (unsigned long long)(r->offset + (uint64_t)(at - c->start));
}

/* A time as the msgpack timestamp extension (type -1: 32-bit seconds;
 * 30-bit ns and 34-bit seconds; 32-bit ns and 64-bit seconds), which
 * msgpack libraries write for a date: into *ts.  MP_OK, MP_MORE, MP_BAD
 * + 1 (a time outside int64 ns, said), or MP_MORE + 1 when the value is
 * not one (read as any other). */
static int timestamp_ext(qts_reader *r, mp *c, const char *type, const char *field, int64_t *ts)
{
	const unsigned char *at = c->p;
	if (c->end - at < 2)
		return MP_MORE + 1;
	size_t len, head;
	if (at[0] == 0xd6 && at[1] == 0xff)
		len = 4, head = 2;
	else if (at[0] == 0xd7 && at[1] == 0xff)
		len = 8, head = 2;
	else if (at[0] == 0xc7 && c->end - at >= 3 && at[1] == 12 && at[2] == 0xff)
		len = 12, head = 3;
	else
		return MP_MORE + 1;
	NEED(c, head + len);
	const unsigned char *q = at + head;
	int64_t sec;
	uint64_t nsec;
	if (len == 4)
		sec = (int64_t)be(q, 4), nsec = 0;
	else if (len == 8) {
		uint64_t u = be(q, 8);
		nsec = u >> 34, sec = (int64_t)(u & 0x3ffffffffULL);
	} else
		nsec = be(q, 4), sec = (int64_t)be(q + 4, 8);
	if (nsec >= (uint64_t)QTS_NS_PER_SEC) {
		c->what = "a timestamp whose nanoseconds are below 1000000000";
		return MP_BAD;
	}
	/* Before 1970 the fraction is taken from the next second up, so the
	 * first nanoseconds of the range are not lost to the product. */
	int64_t t, s = sec, frac = (int64_t)nsec;
	if (frac && s < 0)
		s++, frac -= QTS_NS_PER_SEC;
	if (__builtin_mul_overflow(s, QTS_NS_PER_SEC, &t) || __builtin_add_overflow(t, frac, &t)) {
		qts_reader_fail(r, "%s: field %s (at byte %llu): the timestamp of %lld s and %llu ns since the epoch "
				"is out of range: " QTS_TIME_RANGE_SAID, type, field, field_byte(r, c, at), (long long)sec,
				(unsigned long long)nsec);
		return MP_BAD + 1;
	}
	*ts = t;
	c->p = at + head + len;
	return MP_OK;
}

/* The header writer.c writes for a string of n bytes. */
static inline unsigned str_tag(size_t n)
{
	return n < 32 ? 0xa0 | (unsigned)n : n < 256 ? 0xd9 : 0xda;
}

/* The fields of a known type; *canon is cleared when one is not encoded
 * as writer.c encodes it (an integer time not in int64, a float32, a
 * str8 for a short string...): the record's bytes then cannot stand for
 * the event on the way out (qts_reader_raw). */
static int decode_known(qts_reader *r, mp *c, const struct schema *s, int nfields, qts_event *ev, int *bad_field,
			int *canon)
{
	for (int i = 0; i < nfields; i++) {
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
		if (f->kind == FK_TS && (st = timestamp_ext(r, c, s->name, f->name, &ev->ts)) != MP_MORE + 1) {
			if (st != MP_OK)
				return st;
			*canon = 0;
			continue;
		}
		if ((st = mp_value(c, &v)) != MP_OK)
			return st;
		double *num = (double *)((char *)ev + f->offset);
		switch (f->kind) {
		case FK_TS:
			*canon &= *at == 0xd3;
			if (v.kind == QTS_RAW_INT)
				ev->ts = v.i;
			else if (v.kind == QTS_RAW_UINT && v.u <= INT64_MAX)
				ev->ts = (int64_t)v.u;
			else if (v.kind == QTS_RAW_UINT) {
				qts_reader_fail(r, "%s: field %s (at byte %llu): %llu ns since the epoch is out of range: "
						QTS_TIME_RANGE_SAID, s->name, f->name, field_byte(r, c, at),
						(unsigned long long)v.u);
				return MP_BAD + 1;
			} else {
				c->p = at;
				c->what = "an integer (ns since the epoch)";
				return MP_BAD;
			}
			break;
		case FK_STR:
		case FK_ENUM:
			if (v.kind == QTS_RAW_NIL)
				v.len = 0, v.str = "";
			else if (v.kind != QTS_RAW_STR || c->bin) {
				/* bin holds bytes, not text: a stream has none (CSV
				 * could not carry them) */
				c->p = at;
				c->what = c->bin ? "a string (str), not bin" : "a string";
				return MP_BAD;
			}
			*canon &= *at == str_tag(v.len);
			if (qts_reader_store_str(r, f, ev, v.str, v.len) < 0)
				return MP_BAD + 1;
			break;
		case FK_OPTNUM:
		case FK_NUM:
			*canon &= *at == 0xcb || (*at == 0xc0 && f->kind == FK_OPTNUM);
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
static int decode(qts_reader *r, mp *c, qts_event *ev, int *bad_field, qts_type *type, int *canon)
{
	uint32_t n;
	int st;
	*bad_field = -1;
	*type = QTS_UNKNOWN;
	*canon = 0;
	const unsigned char *start = c->start = c->p;
	if ((st = mp_array(c, &n)) != MP_OK)
		return st;
	if (n == 0) {
		c->what = "a record with a type";
		return MP_BAD;
	}
	qts_raw_field tf;
	if ((st = mp_value(c, &tf)) != MP_OK)
		return st;
	if (tf.kind != QTS_RAW_STR || c->bin) {
		c->what = c->bin ? "the type as a string (str), not bin" : "the type as a string";
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
		if (n != (uint32_t)s->nfields + 1 && (!s->ntail || n != (uint32_t)(s->nfields + s->ntail) + 1)) {
			if (s->ntail)
				snprintf(r->err, sizeof r->err, "%s: %s: expected %d or %d fields (type,%s[%s]), got %u",
					 qts_reader_where(r), s->name, s->nfields + 1, s->nfields + s->ntail + 1, s->names,
					 s->tail, n);
			else
				snprintf(r->err, sizeof r->err, "%s: %s: expected %d fields (type,%s), got %u",
					 qts_reader_where(r), s->name, s->nfields + 1, s->names, n);
			return MP_BAD + 1;
		}
		for (int i = (int)n - 1; i < s->nfields + s->ntail; i++) /* a tail left out */
			*(double *)((char *)ev + s->f[i].offset) = QTS_EMPTY;
		ev->type = t;
		ev->symbol[0] = '\0';
		*canon = *start == (0x90 | n) && start[1] == str_tag(tf.len);
		return decode_known(r, c, s, (int)n - 1, ev, bad_field, canon);
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
	for (uint32_t i = 1; i < n; i++) {
		const unsigned char *at = c->p;
		/* its time as the timestamp extension, as a known type takes
		 * it: an int64 of ns from here on, as writer.c writes a time */
		if (i == 1 && (*at == 0xd6 || *at == 0xd7 || *at == 0xc7)) {
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)tf.len, tf.str);
			int64_t ts;
			if ((st = timestamp_ext(r, c, name, "ts", &ts)) != MP_MORE + 1) {
				if (st != MP_OK)
					return st;
				f[1] = (qts_raw_field){ .kind = QTS_RAW_INT, .i = ts };
				continue;
			}
		}
		if ((st = mp_value(c, &f[i])) != MP_OK)
			return st;
		/* passed on, a bin would come out as a str (and in CSV as text):
		 * not unchanged, as an unknown event is */
		if (c->bin) {
			c->p = at;
			c->what = "a string (str), not bin, or another scalar";
			return MP_BAD;
		}
	}
	ev->type = QTS_UNKNOWN;
	ev->symbol[0] = '\0';
	ev->raw.n = n;
	ev->raw.field = f;
	ev->raw.untimed = 0;
	/* msgpack-c packs a positive int64 as an unsigned integer: a time the
	 * writer wrote comes back as either. */
	ev->ts = n > 1 && f[1].kind == QTS_RAW_INT ? f[1].i
	       : n > 1 && f[1].kind == QTS_RAW_UINT && f[1].u <= INT64_MAX ? (int64_t)f[1].u : QTS_TS_MIN;
	if (n > 1 && f[1].kind == QTS_RAW_UINT && f[1].u > INT64_MAX) {
		qts_reader_fail(r, "ts: %llu ns since the epoch is out of range: " QTS_TIME_RANGE_SAID,
				(unsigned long long)f[1].u);
		return MP_BAD + 1;
	}
	/* a time as text (as in CSV) is a time too: ordered alike, and
	 * refused alike when qts cannot keep it */
	int code;
	if (n > 1 && f[1].kind == QTS_RAW_STR && (code = qts_time_parse(f[1].str, f[1].len, &ev->ts)) < 0) {
		ev->ts = QTS_TS_MIN;
		if (code != -1) {
			qts_reader_bad_time(r, "ts", f[1].str, f[1].len, code);
			return MP_BAD + 1;
		}
	}
	return MP_OK;
}

/* ---- bars in one pass ----------------------------------------------------- */

/* Bars are most of any stream: one written as writer.c writes it (a
 * fixarray of nine, "bar", an int64 time, two fixstr, five float64) is
 * decoded here in one pass, its strings copied a word at a time.  Any
 * other record, or a bar with a NUL or a byte outside ASCII in a string
 * or a number that is not finite, is left to the generic decoder, which
 * says what is wrong. */

/* Bytes the pass may read from the start of a record: the longest bar
 * (15 + 31 + 1 + 15 + 45) and the words copied past a short string. */
#define FAST_BAR 108

static inline uint64_t load8(const unsigned char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* The high bit of each byte of w that is a control character (below a
 * space, or DEL: NUL among them) or outside ASCII, exactly: a byte's low
 * seven bits plus 0x60 carry into its high bit when they are a space or
 * above, plus 1 when they are 0x7f, and neither carries into the next
 * byte (as many operations as finding the NULs alone). */
static inline uint64_t control_or_high(uint64_t w)
{
	uint64_t low = w & 0x7f7f7f7f7f7f7f7fULL;
	return (~(low + 0x6060606060606060ULL) | (low + 0x0101010101010101ULL) | w) & 0x8080808080808080ULL;
}

/* A fixstr's n bytes at src into dst (words of it, the rest zeros); 0 when
 * there are none, or one of them is a control character (a NUL among
 * them) or outside ASCII: text the generic decoder checks.  The bytes past
 * n are zeros when tested, above the kept ones: a borrow never reaches
 * down to these. */
static inline int copy_str(char *dst, const unsigned char *src, unsigned n, unsigned words)
{
	if (n < 8) { /* most symbols and every timeframe: one word */
		uint64_t keep = (1ULL << (8 * n)) - 1, w = load8(src) & keep;
		memcpy(dst, &w, 8);
		memset(dst + 8, 0, 8 * (words - 1));
		return n && !(control_or_high(w) & keep);
	}
	uint64_t bad = 0;
	for (unsigned k = 0; k < words; k++) {
		uint64_t w = load8(src + 8 * k), keep;
		int left = (int)n - 8 * (int)k;
		keep = left >= 8 ? ~0ULL : left <= 0 ? 0 : (1ULL << (8 * left)) - 1;
		w &= keep;
		bad |= control_or_high(w) & keep;
		memcpy(dst + 8 * k, &w, 8);
	}
	return !bad;
}

/* A float64 field: its value, or 0 when the tag is another or the number
 * is not finite. */
static inline int float64(const unsigned char *p, double *out)
{
	uint64_t u = __builtin_bswap64(load8(p + 1));
	if (p[0] != 0xcb || (u & 0x7ff0000000000000ULL) == 0x7ff0000000000000ULL)
		return 0;
	memcpy(out, &u, 8);
	return 1;
}

/* One bar at p, [p, end) being buffered; its length, 0 to leave it to the
 * generic decoder.  *key: the tf_word of its timeframe. */
static inline size_t fast_bar(const unsigned char *p, const unsigned char *end, qts_event *ev, uint64_t *key)
{
	/* 0x99: nine elements; 0xa3 "bar"; 0xd3: an int64 follows. */
	if (end - p < FAST_BAR || (load8(p) & 0xffffffffffffULL) != 0xd3726162a399ULL)
		return 0;
	unsigned sl = p[14] & 0x1f, tl = p[15 + sl] & 0x0f;
	const unsigned char *sym = p + 15, *tf = sym + sl + 1, *num = tf + tl;
	if ((p[14] & 0xe0) != 0xa0 || (tf[-1] & 0xf0) != 0xa0)
		return 0;
	if (!copy_str(ev->symbol, sym, sl, QTS_SYM_MAX / 8) || !copy_str(ev->bar.tf, tf, tl, QTS_WORD_MAX / 8))
		return 0;
	if (!float64(num, &ev->bar.open) || !float64(num + 9, &ev->bar.high) || !float64(num + 18, &ev->bar.low) ||
	    !float64(num + 27, &ev->bar.close) || !float64(num + 36, &ev->bar.volume))
		return 0;
	ev->type = QTS_BAR;
	ev->ts = (int64_t)__builtin_bswap64(load8(p + 6));
	/* under eight bytes, the timeframe's word as copied is its tf_word */
	memcpy(key, ev->bar.tf, 8);
	if (tl >= 8)
		*key = tf_word(ev->bar.tf);
	return (size_t)(num + 45 - p);
}

/* The layout the writer gives every bar (writer.c's msgpack_bar): nine
 * elements, "bar", the time as int64, the symbol and the timeframe as
 * fixstr, five float64.  Bytes of it that were read as an event (whole
 * and checked) stand for that event: qts_msgpack_plain_bar_read makes it
 * again, field for field, the unused bytes of its strings zeros. */
int qts_msgpack_plain_bar(const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	if (len < 15 + 1 + 45 || (load8(p) & 0xffffffffffffULL) != 0xd3726162a399ULL || (p[14] & 0xe0) != 0xa0)
		return 0;
	unsigned sl = p[14] & 0x1f;
	if (15 + sl + 1 + 45 > len || (p[15 + sl] & 0xf0) != 0xa0)
		return 0;
	const unsigned char *num = p + 15 + sl + 1 + (p[15 + sl] & 0x0f);
	return len == (size_t)(num + 45 - p) && num[0] == 0xcb && num[9] == 0xcb && num[18] == 0xcb &&
	       num[27] == 0xcb && num[36] == 0xcb;
}

/* The n bytes at src, n < 8 * words, into the words of dst, zeros after
 * them: whole words of the record (a plain bar's strings are followed by
 * at least 45 bytes of it) masked, with no call and no branch. */
static inline void copy_masked(char *dst, const unsigned char *src, unsigned n, unsigned words)
{
	for (unsigned k = 0; k < words; k++) {
		unsigned left = n > 8 * k ? n - 8 * k : 0;
		uint64_t keep = left >= 8 ? ~0ULL : (1ULL << (8 * left)) - 1;
		uint64_t w = load8(src + 8 * k) & keep;
		memcpy(dst + 8 * k, &w, 8);
	}
}

void qts_msgpack_plain_bar_read(const void *bytes, qts_event *ev)
{
	const unsigned char *p = bytes;
	unsigned sl = p[14] & 0x1f, tl = p[15 + sl] & 0x0f;
	const unsigned char *num = p + 15 + sl + 1 + tl;
	ev->type = QTS_BAR;
	ev->ts = (int64_t)__builtin_bswap64(load8(p + 6));
	copy_masked(ev->symbol, p + 15, sl, QTS_SYM_MAX / 8);
	copy_masked(ev->bar.tf, p + 15 + sl + 1, tl, QTS_WORD_MAX / 8);
	for (int i = 0; i < 5; i++) {
		uint64_t u = __builtin_bswap64(load8(num + 9 * i + 1));
		memcpy(&ev->bar.ohlcv[i], &u, 8);
	}
}

int qts_reader_next_msgpack(qts_reader *r, qts_event *ev)
{
	/* Bars back to back: the next from the bytes the last one left in
	 * the input's buffer, without asking the input for them again (only
	 * the reader moves it, and only through the path below). */
	const unsigned char *p = r->mp_next;
	if (p && r->mp_end - p >= FAST_BAR) {
		uint64_t key;
		size_t len = fast_bar(p, r->mp_end, ev, &key);
		if (len) {
			r->offset = r->mp_offset;
			r->line++;
			qts_input_consume(r->in, len);
			r->mp_next = p + len;
			r->mp_offset += len;
			r->raw_at = p;
			r->raw_len = len;
			return bar_in_order_key(r, ev, key);
		}
	}
	r->mp_next = NULL;
	long avail = qts_input_fill(r->in, &p);
	if (avail > 0)
		r->line++; /* the record read now, however many fills it takes */
	for (;;) {
		if (avail < 0) {
			snprintf(r->err, sizeof r->err, "%s", qts_input_error(r->in));
			return -1;
		}
		if (avail == 0)
			return 0;
		uint64_t off = qts_input_offset(r->in);
		r->offset = off;
		prefetch_ahead(p, (size_t)avail);
		uint64_t key;
		size_t len = r->split_only ? 0 : fast_bar(p, p + avail, ev, &key);
		if (len) {
			qts_input_consume(r->in, len);
			r->raw_at = p;
			r->raw_len = len;
			r->mp_next = p + len;
			r->mp_end = p + avail;
			r->mp_offset = off + len;
			return bar_in_order_key(r, ev, key);
		}
		mp c = { p, p + avail, NULL };
		int bad_field, canon;
		qts_type t;
		int st = decode(r, &c, ev, &bad_field, &t, &canon);
		if (st == MP_OK) {
			qts_input_consume(r->in, (size_t)(c.p - p));
			r->raw_at = p;
			r->raw_len = canon ? (size_t)(c.p - p) : 0;
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

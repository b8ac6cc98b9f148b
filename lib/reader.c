/* reader.c — events from CSV or msgpack, detected from the first byte: a
 * msgpack record is an array (0x90-0x9f, 0xdc, 0xdd), which no CSV line
 * starts with.
 *
 * msgpack records are decoded here, straight from the input buffer, with a
 * decoder for the fixed record layout: msgpack-c's unpacker builds an
 * object tree in a zone per record, several times slower than the whole of
 * a typical stage (see bench/). Writing goes through msgpack-c. */
#include "csv_priv.h"
#include "event_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The layout of a number field: where its point is, how many digits it
 * has, what ends it.  The prices of a bar, and of the bars after it,
 * nearly always share one, as do volumes of a size, so each number is
 * first tried against the last shape seen (see shaped_num). */
struct num_shape {
	uint64_t mask, want; /* the point and the field's end: where, what */
	uint64_t low;        /* the bytes before the point */
	uint64_t digits;     /* the digits, once the point is taken out */
	unsigned shift;      /* brings the digits to the top of the word */
	unsigned len;        /* bytes up to the field's end */
	double scale;        /* ten to the number of digits after the point */
};

/* The shapes a kind of field took lately: a price whose last digit is a
 * zero loses it (124.1 among 124.13), a volume may gain a digit, and the
 * symbols of an interleaved stream each bring their own (9.87, 97.5,
 * 141.74...).  The two that matched last are tried first, inline (the
 * prices of a bar nearly always take one of them); the others after them,
 * so that a stream cycling over a few symbols finds its shapes rather
 * than learning them again. */
#define NUM_SHAPES 8
struct num_shapes {
	struct num_shape s[NUM_SHAPES];
	unsigned last, prev; /* the one that matched last, and the one before */
	unsigned next;       /* the one a new shape replaces */
};

/* A timeframe of bars: its parse, kept for a run of bars that share it,
 * and where its latest bar ended. */
struct tf_slot {
	char name[QTS_WORD_MAX];
	uint64_t key;     /* tf_word of name */
	qts_tf tf;
	int64_t ns;       /* its length (0: months, or not a timeframe) */
	int ok;           /* whether it parsed */
	int64_t end;      /* the latest end of a bar of it, */
	long end_line;    /* and where that bar was */
	uint64_t end_offset;
};
#define TF_SLOTS 4

struct qts_reader {
	qts_input *in;
	qts_csv *csv;
	int fmt;
	int64_t known;      /* the latest time (ts) of an event so far, */
	long known_line;    /* and where that event was: CSV line, */
	uint64_t known_offset; /* msgpack byte offset */
	int64_t report_ts;  /* the same for fills, updates and positions */
	long report_line;
	uint64_t report_offset;
	struct tf_slot tfs[TF_SLOTS]; /* the timeframes of bars seen lately */
	struct tf_slot *tf; /* the last bar's */
	unsigned tf_next;   /* the slot a new timeframe takes */
	uint64_t events;    /* events read so far */
	int warned_empty;
	long line;          /* CSV: line of the last record */
	uint64_t offset;    /* msgpack: byte offset of the last record */
	qts_raw_field *raw;
	size_t raw_cap;
	char date[10];      /* CSV bars: the last date seen, */
	int64_t date_ns;    /* its midnight */
	int have_date;
	struct num_shapes price, volume; /* CSV bars: the shapes last read */
	int split_only;     /* CSV: never decode a line in one pass */
	const char *win;    /* CSV: buffered bytes from the next line on, */
	size_t win_len;     /* valid while only bar lines are decoded, */
	size_t win_taken;   /* the bytes of those lines, */
	long win_lines;     /* how many, */
	long win_line;      /* and the lines read before them */
	char where[300];
	char err[1024];
};

qts_reader *qts_reader_new(qts_input *in)
{
	qts_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->in = in;
	r->known = r->report_ts = QTS_TS_MIN;
	/* No shape yet: nothing matches. */
	for (int i = 0; i < NUM_SHAPES; i++)
		r->price.s[i].want = r->volume.s[i].want = 1;
	return r;
}

/* A reader of its own input, in, closed when the reader cannot be made. */
static qts_reader *reader_owning(qts_input *in)
{
	if (!in)
		return NULL;
	qts_reader *r = qts_reader_new(in);
	if (!r) {
		qts_input_close(in);
		errno = ENOMEM;
	}
	return r;
}

void qts_reader_split_only(qts_reader *r)
{
	r->split_only = 1;
}

qts_reader *qts_reader_fdopen(int fd, const char *name)
{
	return reader_owning(qts_input_fdopen(fd, name));
}

qts_reader *qts_reader_open(const char *path)
{
	return reader_owning(qts_input_open(path));
}

void qts_reader_close(qts_reader *r)
{
	if (!r)
		return;
	qts_csv_close(r->csv);
	qts_input_close(r->in);
	free(r->raw);
	free(r);
}

const char *qts_reader_error(const qts_reader *r) { return r->err; }
/* Formatted only when asked: a printf per record would cost more than
 * decoding it. */
const char *qts_reader_where(const qts_reader *r)
{
	qts_reader *w = (qts_reader *)r;
	if (r->fmt == QTS_FMT_MSGPACK)
		snprintf(w->where, sizeof w->where, "%s: byte %llu", qts_input_name(r->in),
			 (unsigned long long)r->offset);
	else
		snprintf(w->where, sizeof w->where, "%s:%ld", qts_input_name(r->in), r->line);
	return r->where;
}
int qts_reader_format(const qts_reader *r) { return r->fmt; }

void qts_reader_on_idle(qts_reader *r, void (*fn)(void *), void *arg)
{
	qts_input_on_idle(r->in, fn, arg);
}

static int fail(qts_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(qts_reader *r, const char *fmt, ...)
{
	char what[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof r->err, "%s: %s", qts_reader_where(r), what);
	return -1;
}

static qts_raw_field *raw_fields(qts_reader *r, size_t n)
{
	if (n > r->raw_cap) {
		qts_raw_field *f = realloc(r->raw, n * sizeof *f);
		if (!f)
			return NULL;
		r->raw = f;
		r->raw_cap = n;
	}
	return r->raw;
}

/* ---- what every event must be: a type, and in time order ------------- */

/* A type is a lowercase name, [a-z][a-z0-9_]*: the header of a vendor's
 * CSV (`Date,Open,...`) or its rows are not events, and passing them on
 * as unknown ones would make every later stage succeed on nothing. */
static int type_name_ok(const char *s, size_t n)
{
	if (!n || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

static int bad_type(qts_reader *r, const char *s, size_t n)
{
	char shown[36];
	size_t k = 0;
	for (; k < n && k < 32; k++)
		shown[k] = s[k] >= 0x20 && s[k] < 0x7f ? s[k] : '?';
	shown[k] = '\0';
	return fail(r, "'%s%s' is not an event type (a lowercase name such as bar); "
		    "a vendor CSV? read it with qts-fetch", shown, n > k ? "..." : "");
}

/* The first eight bytes of a timeframe up to its NUL, or 0 when it is
 * longer: runs of bars share one, so its parse is kept (learn_tf). */
static inline uint64_t tf_word(const char *tf)
{
	uint64_t w;
	memcpy(&w, tf, 8);
	uint64_t nul = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
	if (!nul)
		return 0;
	unsigned i = (unsigned)__builtin_ctzll(nul) >> 3; /* exact at the first NUL */
	return i == 7 ? w : w & ((1ULL << (8 * (i + 1))) - 1);
}

static struct tf_slot *learn_tf(qts_reader *r, const char *tf)
{
	uint64_t key = tf_word(tf);
	for (unsigned i = 0; i < TF_SLOTS; i++) {
		struct tf_slot *t = &r->tfs[i];
		if (t->name[0] && (key ? key == t->key : strcmp(tf, t->name) == 0))
			return r->tf = t;
	}
	struct tf_slot *t = &r->tfs[r->tf_next++ % TF_SLOTS];
	QTS_SET(t->name, tf);
	t->key = tf_word(t->name);
	t->ok = qts_tf_parse(t->name, &t->tf) == 0;
	t->ns = t->ok && t->tf.unit != 'M' ? qts_tf_ns(t->tf) : 0;
	t->end = QTS_TS_MIN;
	return r->tf = t;
}

/* qts_event_known of a bar, without parsing its timeframe again. */
static inline int64_t bar_end(const struct tf_slot *t, const qts_event *ev)
{
	int64_t end;
	if (!t->ok)
		return ev->ts;
	if (t->ns)
		return __builtin_add_overflow(ev->ts, t->ns, &end) ? INT64_MAX : end;
	return qts_tf_end(t->tf, ev->ts);
}

/* The type (and symbol, timeframe) of an event, for a message. */
static void describe(const qts_event *ev, char *buf, size_t size)
{
	const char *name = qts_type_name(ev->type);
	char raw[40] = "?";
	if (!name && ev->raw.n && ev->raw.field[0].kind == QTS_RAW_STR)
		snprintf(raw, sizeof raw, "%.*s", (int)(ev->raw.field[0].len < 32 ? ev->raw.field[0].len : 32),
			 ev->raw.field[0].str);
	snprintf(buf, size, "%s%s%s%s%s", name ? name : raw, ev->symbol[0] ? " " : "", ev->symbol,
		 ev->type == QTS_BAR ? " " : "", ev->type == QTS_BAR ? ev->bar.tf : "");
}

static int out_of_order(qts_reader *r, const qts_event *ev, int64_t known, int64_t than, long line,
			uint64_t offset, const char *what_before)
{
	char what[96], a[48], b[48], before[48];
	describe(ev, what, sizeof what);
	qts_time_format(known, a);
	qts_time_format(than, b);
	if (r->fmt == QTS_FMT_MSGPACK)
		snprintf(before, sizeof before, "byte %llu", (unsigned long long)offset);
	else
		snprintf(before, sizeof before, "line %ld", line);
	return fail(r, "out of time order: %s known at %s comes after %s, %s %s; "
		    "a stream is in time order as a whole (name several files to merge them; cat does not)",
		    what, a, before, what_before, b);
}

/* A stream is ordered by time as a whole, not only per symbol: no event
 * is known before the time (ts) of one read before it.  Equal times are
 * in order, and so is what a bar causes dated by its start (a fill at
 * its open) after it; a bar's start is its ts, known at its end.  Every
 * stage reads through here, so none works on a stream that goes back in
 * time. */
static inline int in_order(qts_reader *r, const qts_event *ev, int64_t known)
{
	if (__builtin_expect(known < r->known, 0))
		return out_of_order(r, ev, known, r->known, r->known_line, r->known_offset, "at");
	if (ev->ts > r->known) {
		r->known = ev->ts;
		r->known_line = r->line;
		r->known_offset = r->offset;
	}
	return 1;
}

/* A bar: in order as any event, and, since it is known at its end, not
 * ending before a bar of its timeframe read before it (a day back would
 * end where the day after it starts). */
static inline int bar_in_order(qts_reader *r, const qts_event *ev)
{
	uint64_t key = tf_word(ev->bar.tf);
	struct tf_slot *t = r->tf;
	if (!t || (key ? key != t->key : strcmp(ev->bar.tf, t->name) != 0))
		t = learn_tf(r, ev->bar.tf);
	int64_t end = bar_end(t, ev);
	if (__builtin_expect(end < t->end, 0))
		return out_of_order(r, ev, end, t->end, t->end_line, t->end_offset, "a bar known at");
	t->end = end;
	t->end_line = r->line;
	t->end_offset = r->offset;
	return in_order(r, ev, end);
}

/* An unknown event without a time: it is known when its neighbours are. */
static int untimed(qts_reader *r, qts_event *ev)
{
	ev->ts = r->known == QTS_TS_MIN ? 0 : r->known;
	return 1;
}

/* A whole event of a known type, read: in order, and a failure upstream
 * noted for the end (qts_upstream_failed). */
static int admit(qts_reader *r, const qts_event *ev)
{
	if (ev->type == QTS_BAR)
		return bar_in_order(r, ev);
	if (ev->type == QTS_SYSTEM && strcmp(ev->system.level, "error") == 0)
		qts_upstream_failed(ev->system.source, ev->system.message);
	if (ev->type == QTS_FILL || ev->type == QTS_UPDATE || ev->type == QTS_POSITION) {
		/* What an executing stage reports may be fed back into a stream
		 * as it arrives (tee to a FIFO), later than the market data it
		 * came after: in order among such reports, not against the rest. */
		if (__builtin_expect(ev->ts < r->report_ts, 0))
			return out_of_order(r, ev, ev->ts, r->report_ts, r->report_line, r->report_offset,
					    "a report (fill, update, position) at");
		r->report_ts = ev->ts;
		r->report_line = r->line;
		r->report_offset = r->offset;
		return 1;
	}
	return in_order(r, ev, ev->ts);
}

/* ---- CSV ---------------------------------------------------------------- */

static int store_str(qts_reader *r, const struct field *f, qts_event *ev, const char *s, size_t n)
{
	if (n >= f->size)
		return fail(r, "%s: longer than %zu bytes", f->name, f->size - 1);
	/* Fields are C strings: a NUL would silently cut the text short. */
	if (memchr(s, '\0', n))
		return fail(r, "%s: holds a NUL byte", f->name);
	if (f->kind == FK_ENUM && !qts_enum_ok(f->values, s, n))
		return fail(r, "%s: '%.*s' is not one of the allowed values", f->name, (int)n, s);
	char *dst = (char *)ev + f->offset;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int from_csv(qts_reader *r, char **fields, size_t *lens, size_t n, qts_event *ev)
{
	qts_type t = qts_type_from_name(fields[0], lens[0]);
	if (t == QTS_UNKNOWN) {
		if (!type_name_ok(fields[0], lens[0]))
			return bad_type(r, fields[0], lens[0]);
		qts_raw_field *f = raw_fields(r, n);
		if (!f)
			return fail(r, "out of memory");
		for (size_t i = 0; i < n; i++)
			f[i] = (qts_raw_field){ .kind = QTS_RAW_STR, .str = fields[i], .len = lens[i] };
		ev->type = QTS_UNKNOWN;
		ev->raw.n = n;
		ev->raw.field = f;
		ev->symbol[0] = '\0';
		/* A time in the second field places the event in the stream's
		 * order; without one it stays beside its neighbours. */
		if (n < 2 || qts_time_parse(fields[1], lens[1], &ev->ts) < 0)
			return untimed(r, ev);
		return in_order(r, ev, ev->ts);
	}
	const struct schema *s = &qts_schema[t];
	if (n != (size_t)s->nfields + 1)
		return fail(r, "%s: expected %d fields (type,%s), got %zu", s->name, s->nfields + 1, s->names, n);
	ev->type = t;
	ev->symbol[0] = '\0';
	for (int i = 0; i < s->nfields; i++) {
		const struct field *f = &s->f[i];
		const char *v = fields[i + 1];
		size_t len = lens[i + 1];
		double *num = (double *)((char *)ev + f->offset);
		switch (f->kind) {
		case FK_TS:
			if (qts_time_parse(v, len, &ev->ts) < 0)
				return fail(r, "%s: '%s' is not a time (RFC 3339 or YYYY-MM-DD)", f->name, v);
			break;
		case FK_STR:
		case FK_ENUM:
			if (store_str(r, f, ev, v, len) < 0)
				return -1;
			break;
		case FK_OPTNUM:
			if (len == 0) {
				*num = QTS_EMPTY;
				break;
			}
			/* fall through */
		case FK_NUM:
			if (qts_num_parse(v, len, num) < 0 || !isfinite(*num))
				return fail(r, "%s: '%s' is not a number", f->name, v);
			break;
		}
	}
	return admit(r, ev);
}

/* ---- CSV: bars in one pass --------------------------------------------- */

/* Bars are most of any stream, and splitting a line into fields before
 * parsing each one costs more than the rest of a resampling stage: a bar
 * line is decoded here in one pass over the input buffer.  Only the usual
 * shape is taken; at the first byte of anything else (quotes, CR inside a
 * line, a field too long, a bad value, a line across the end of the
 * buffer) the line is left untouched for the generic path, which then
 * reads it from the start and reports errors as it always did.  So every
 * value taken here must be exactly what the generic path would give. */

/* Bytes the decoder may look at from the start of any field: the longest
 * field it reads without a bound check (a timestamp, 21; a number, 19;
 * a symbol, 32) fits, so a check per field is enough. */
#define FAST_FIELD 64

/* The helpers of the decoder are small but used many times a line, so
 * the compiler's size limits leave some of them as calls, each costing
 * about as much as the work it calls. */
#define ALWAYS_INLINE static inline __attribute__((always_inline))

static const double pow10_exact[9] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
static const uint64_t pow10_u64[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };

ALWAYS_INLINE uint64_t load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, 8);
	return w;
}

/* The high bit of each byte of w that is not an ASCII digit.  Exact up to
 * the first such byte (a borrow or carry may flag the bytes after it),
 * which is all that is used. */
ALWAYS_INLINE uint64_t nondigits(uint64_t w)
{
	return ((w + 0x4646464646464646ULL) | (w - 0x3030303030303030ULL)) & 0x8080808080808080ULL;
}

/* Bytes of x equal to b have their high bit set; exact up to the first
 * match (a borrow may flag the bytes after it). */
ALWAYS_INLINE uint64_t bytes_equal(uint64_t x, unsigned char b)
{
	uint64_t y = x ^ (0x0101010101010101ULL * b);
	return (y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL;
}

/* The value of the digits of w, first byte most significant, the bytes
 * below them zeros (read as leading zero digits): pairs, quads and octets
 * are combined in parallel, one multiply each (10 * 2^8 + 1 adds ten
 * times a byte to the one above it; the shift brings the sum down, the
 * mask keeps every other lane). */
ALWAYS_INLINE uint64_t digits_top(uint64_t w)
{
	w &= 0x0f0f0f0f0f0f0f0fULL;
	w = (w * (10 * 0x100ULL + 1)) >> 8 & 0x00ff00ff00ff00ffULL;
	w = (w * (100 * 0x10000ULL + 1)) >> 16 & 0x0000ffff0000ffffULL;
	return (w * (10000 * 0x100000000ULL + 1)) >> 32;
}

/* The value of the first n (1 to 8) bytes of w, all digits: moved to the
 * top, the bytes shifted in being zeros. */
ALWAYS_INLINE uint64_t digits_value(uint64_t w, int n)
{
	return digits_top(w << (8 * (8 - n)));
}

/* A number in the usual form, D*(.D*)? with at most eight digits on each
 * side of the point; NULL for anything else.  The value is computed as in
 * qts_num_parse (all digits as one integer m <= 2^53, divided by an exact
 * power of ten), so it is the same double.  Reads at most 17 bytes. */
ALWAYS_INLINE const char *fast_num(const char *p, double *out)
{
	uint64_t w = load8(p), nd = nondigits(w);
	int n = nd ? __builtin_ctzll(nd) >> 3 : 8;
	uint64_t m;
	int frac = 0;
	if (n < 7 && p[n] == '.') {
		/* Prices: close the point's gap so that the digits of both
		 * sides, up to seven, are read as one integer at once.  The
		 * byte shifted in on top is a NUL, which ends them; seven
		 * digits stay far below 2^53. */
		uint64_t low = (1ULL << (8 * n)) - 1;
		w = (w & low) | ((w >> 8) & ~low);
		int all = __builtin_ctzll(nondigits(w)) >> 3;
		if (!all)
			return NULL;
		m = digits_value(w, all);
		frac = all - n;
		p += all + 1;
	} else {
		if (!n)
			return NULL;
		m = digits_value(w, n);
		p += n;
		if (*p == '.') {
			w = load8(++p);
			nd = nondigits(w);
			frac = nd ? __builtin_ctzll(nd) >> 3 : 8;
			if (frac)
				m = m * pow10_u64[frac] + digits_value(w, frac);
			p += frac;
			if (m > (1ULL << 53))
				return NULL;
		}
	}
	double v = (double)m;
	if (frac)
		v /= pow10_exact[frac];
	*out = v;
	return p;
}

/* A number field in any other form (exponents, long digit strings),
 * through qts_num_parse itself; kept out of line so the usual form is
 * read inline. */
static const char *slow_num_field(const char *p, const char *end, int last, double *out)
{
	const char *q = memchr(p, last ? '\n' : ',', (size_t)(end - p));
	if (!q)
		return NULL;
	while (last && q > p && q[-1] == '\r')
		q--;
	if (qts_num_parse(p, (size_t)(q - p), out) < 0 || !isfinite(*out))
		return NULL;
	return q;
}

/* A number field, ended by a comma or (last) by the end of the line;
 * returns where it ends, NULL when the generic path must decide. */
ALWAYS_INLINE const char *fast_num_field(const char *p, const char *end, int last, double *out)
{
	const char *q = fast_num(p, out);
	if (q && (last ? *q == '\n' || *q == '\r' : *q == ','))
		return q;
	return slow_num_field(p, end, last, out);
}

/* A number field that starts with a minus: rare in bars, so out of line,
 * leaving the usual field one test for it. */
static const char *neg_num_field(const char *p, const char *end, int last, double *out)
{
	const char *q = fast_num(p + 1, out);
	if (q && (last ? *q == '\n' || *q == '\r' : *q == ',')) {
		*out = -*out;
		return q;
	}
	return slow_num_field(p, end, last, out);
}

/* Learn the shape of the number field [p, q) just read, q being its end:
 * only plain fields of at most seven digits, with or without a point (a
 * word holding the end too), have one; any other leaves a shape that
 * nothing matches. */
static void learn_shape(struct num_shape *s, const char *p, const char *q)
{
	size_t len = (size_t)(q - p), dot = len;
	s->mask = 0, s->want = 1;
	if (len > 7)
		return;
	for (size_t i = 0; i < len; i++)
		if (p[i] == '.' && dot == len)
			dot = i;
		else if (p[i] < '0' || p[i] > '9')
			return;
	unsigned digits = (unsigned)(len - (dot < len));
	if (!digits)
		return;
	s->mask = 0xffULL << (8 * len);
	s->want = (uint64_t)(unsigned char)*q << (8 * len);
	s->low = ~0ULL;
	s->scale = 1;
	if (dot < len) {
		s->mask |= 0xffULL << (8 * dot);
		s->want |= (uint64_t)'.' << (8 * dot);
		s->low = (1ULL << (8 * dot)) - 1;
		s->scale = pow10_exact[len - 1 - dot];
	}
	s->shift = 8 * (8 - digits);
	s->digits = 0x8080808080808080ULL >> s->shift;
	s->len = (unsigned)len;
}

/* A number field of shape s: one word read, its point and its end
 * compared at once, the point taken out (the bytes after it moved down
 * one) and the digits then checked and read together.  The same double
 * as fast_num gives.  NULL when the field has another shape. */
ALWAYS_INLINE const char *shaped_num(const struct num_shape *s, const char *p, double *out)
{
	uint64_t w = load8(p);
	uint64_t g = (w & s->low) | ((w >> 8) & ~s->low);
	if ((w & s->mask) != s->want || (nondigits(g) & s->digits))
		return NULL;
	*out = (double)digits_top(g << s->shift) / s->scale;
	return p + s->len;
}

/* A number field in neither of the two shapes that matched last: in
 * another, or in its own, which replaces the oldest learnt. */
static const char *reshaped_num_field(struct num_shapes *s, const char *p, const char *end, int last, double *out)
{
	const char *q;
	unsigned i;
	for (i = 0; i < NUM_SHAPES; i++)
		if (i != s->last && i != s->prev && (q = shaped_num(&s->s[i], p, out)))
			goto found;
	q = *p == '-' ? neg_num_field(p, end, last, out) : fast_num_field(p, end, last, out);
	if (!q)
		return NULL;
	i = s->next;
	/* Never the two tried first: they are not the oldest. */
	do
		s->next = (s->next + 1) % NUM_SHAPES;
	while (s->next == s->last || s->next == i);
	learn_shape(&s->s[i], p, q);
found:
	s->prev = s->last;
	s->last = i;
	return q;
}

/* Any number field of a bar. */
ALWAYS_INLINE const char *num_field(struct num_shapes *s, const char *p, const char *end, int last, double *out)
{
	const char *q = shaped_num(&s->s[s->last], p, out);
	if (!q) {
		if ((q = shaped_num(&s->s[s->prev], p, out))) {
			unsigned t = s->last;
			s->last = s->prev;
			s->prev = t;
		} else {
			q = reshaped_num_field(s, p, end, last, out);
		}
	}
	return q;
}

/* Bytes of x below b (at most 0x80) have their high bit set; exact up to
 * the first one (a borrow may flag the bytes after it). */
ALWAYS_INLINE uint64_t bytes_below(uint64_t x, unsigned char b)
{
	return (x - 0x0101010101010101ULL * b) & ~x & 0x8080808080808080ULL;
}

/* fast_str for fields holding a byte below the comma (a space, an '&'):
 * every byte that ends the field or the line, or sends it to the generic
 * path, is looked for on its own. */
static const char *fast_str_any(const char *p, char *dst, size_t size)
{
	for (size_t at = 0; at < size; at += 8) {
		uint64_t w = load8(p + at);
		uint64_t m = bytes_equal(w, ',') | bytes_equal(w, '"') | bytes_equal(w, '\r') | bytes_equal(w, '\n') |
			     bytes_equal(w, 0);
		memcpy(dst + at, &w, 8);
		if (m) {
			size_t i = at + (size_t)(__builtin_ctzll(m) >> 3);
			if (i >= size || p[i] != ',')
				return NULL;
			dst[i] = '\0';
			return p + i;
		}
	}
	return NULL;
}

/* A text field copied into dst (size a multiple of 8, at most
 * FAST_FIELD/2), eight bytes at a time; returns the comma that ends it, or
 * NULL when it does not fit or holds a quote, a CR or a NUL.  The comma,
 * the quote, CR and NUL are all below '-', and symbols and timeframes
 * rarely hold such a byte: one test finds the first, and only when it is
 * not the comma is the field looked at byte by byte. */
static inline const char *fast_str(const char *p, char *dst, size_t size)
{
	for (size_t at = 0; at < size; at += 8) {
		uint64_t w = load8(p + at);
		uint64_t m = bytes_below(w, ',' + 1);
		memcpy(dst + at, &w, 8);
		if (m) {
			size_t i = at + (size_t)(__builtin_ctzll(m) >> 3);
			if (p[i] != ',')
				return fast_str_any(p, dst, size);
			if (i >= size)
				return NULL;
			dst[i] = '\0';
			return p + i;
		}
	}
	return NULL;
}

/* A time field in any other form, through qts_time_parse whole. */
static const char *slow_ts(const char *p, int64_t *ts)
{
	const char *q = memchr(p, ',', FAST_FIELD);
	if (!q || qts_time_parse(p, (size_t)(q - p), ts) < 0)
		return NULL;
	return q;
}

/* The time field: YYYY-MM-DDTHH:MM:SSZ read here, its date parsed once
 * per day by qts_time_parse and kept; any other form goes through
 * qts_time_parse whole.  Returns the comma that ends it, or NULL. */
static const char *fast_ts(qts_reader *r, const char *p, int64_t *ts)
{
	/* HH:MM:SS is one word: its colons compared at once, its digits
	 * checked at once (a colon makes no carry or borrow in nondigits,
	 * so the digits after it are seen exactly), and each pair combined
	 * into its first byte by one multiply. */
	uint64_t t = load8(p + 11);
	if (p[20] != ',' || p[10] != 'T' || p[19] != 'Z' ||
	    (t & 0x0000ff0000ff0000ULL) != 0x00003a00003a0000ULL ||
	    (nondigits(t) & 0x8080008080008080ULL))
		return slow_ts(p, ts);
	t &= 0x0f0f000f0f000f0fULL;
	t = t * 10 + (t >> 8);
	int h = (int)(t & 0xff), mi = (int)(t >> 24 & 0xff), se = (int)(t >> 48 & 0xff);
	if (h <= 23 && mi <= 59 && se <= 59) {
		/* Inline: a memcmp call costs more than the whole time of day. */
		if (!r->have_date || load8(p) != load8(r->date) || p[8] != r->date[8] || p[9] != r->date[9]) {
			if (qts_time_parse(p, 10, &r->date_ns) < 0) {
				r->have_date = 0;
				return NULL;
			}
			memcpy(r->date, p, 10);
			r->have_date = 1;
		}
		/* Midnight in range but not the time of day: the generic
		 * path refuses it. */
		if (__builtin_add_overflow(r->date_ns, (h * 3600LL + mi * 60 + se) * QTS_NS_PER_SEC, ts))
			return NULL;
		return p + 20;
	}
	return slow_ts(p, ts);
}

/* One bar line, [line, line + avail) being all the bytes buffered; returns
 * the length of the line with its newline, 0 to leave it alone. */
static size_t fast_bar(qts_reader *r, const char *line, size_t avail, qts_event *ev)
{
	const char *p = line, *end = line + avail;
	if (avail < 4 + FAST_FIELD || memcmp(p, "bar,", 4) != 0)
		return 0;
	if (!(p = fast_ts(r, p + 4, &ev->ts)) || end - ++p < FAST_FIELD)
		return 0;
	if (!(p = fast_str(p, ev->symbol, sizeof ev->symbol)) || end - ++p < FAST_FIELD)
		return 0;
	if (!(p = fast_str(p, ev->bar.tf, sizeof ev->bar.tf)))
		return 0;
	/* Written out, so each number's ending is known where it is read. */
	if (end - ++p < FAST_FIELD || !(p = num_field(&r->price, p, end, 0, &ev->bar.open)) ||
	    end - ++p < FAST_FIELD || !(p = num_field(&r->price, p, end, 0, &ev->bar.high)) ||
	    end - ++p < FAST_FIELD || !(p = num_field(&r->price, p, end, 0, &ev->bar.low)) ||
	    end - ++p < FAST_FIELD || !(p = num_field(&r->price, p, end, 0, &ev->bar.close)) ||
	    end - ++p < FAST_FIELD || !(p = num_field(&r->volume, p, end, 1, &ev->bar.volume)))
		return 0;
	/* The generic path drops every CR and LF at the end of a line. */
	while (p < end && *p == '\r')
		p++;
	if (p == end || *p != '\n')
		return 0;
	ev->type = QTS_BAR;
	return (size_t)(p + 1 - line);
}

/* A mapped file's bytes come from memory, not from a copy just made by
 * read(2): asking for them a page ahead of [p, p + n) hides the wait. */
static inline void prefetch_ahead(const void *p, size_t n)
{
	__builtin_prefetch((const char *)p + (n < 4096 ? n : 4096));
}

/* Hand the lines decoded in one pass over to the CSV input, in one go. */
static void take_window(qts_reader *r)
{
	if (r->win_lines) {
		qts_csv_take(r->csv, r->win_taken, r->win_lines);
		r->win_taken = 0;
		r->win_lines = 0;
	}
}

static int next_csv(qts_reader *r, qts_event *ev)
{
	/* The buffered bytes stay in place while whole lines are decoded from
	 * them, so they are looked up once per buffer, and handed back to the
	 * CSV input only when left, not once per line. */
	if (r->win_len < 4 + FAST_FIELD) {
		take_window(r);
		if (!r->split_only) {
			r->win_len = qts_csv_peek(r->csv, &r->win);
			r->win_line = qts_csv_lines(r->csv);
		}
	}
	size_t len;
	if (r->win_len && (len = fast_bar(r, r->win, r->win_len, ev)) > 0) {
		prefetch_ahead(r->win, r->win_len);
		r->line = r->win_line + ++r->win_lines;
		r->win += len;
		r->win_len -= len;
		r->win_taken += len;
		return bar_in_order(r, ev);
	}
	take_window(r);
	r->win_len = 0; /* the generic path may move the buffer */
	char **fields;
	size_t *lens;
	int n = qts_csv_next(r->csv, &fields, &lens);
	if (n < 0) {
		snprintf(r->err, sizeof r->err, "%s", qts_csv_error(r->csv));
		return -1;
	}
	if (n == 0)
		return 0;
	r->line = qts_csv_line(r->csv);
	return from_csv(r, fields, lens, (size_t)n, ev);
}

/* ---- msgpack ------------------------------------------------------------ */

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
			if (store_str(r, f, ev, v.str, v.len) < 0)
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
	if (t == QTS_UNKNOWN && !type_name_ok(tf.str, tf.len)) {
		bad_type(r, tf.str, tf.len);
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
	qts_raw_field *f = raw_fields(r, n);
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

static int next_msgpack(qts_reader *r, qts_event *ev)
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
				return untimed(r, ev);
			return admit(r, ev);
		}
		if (st == MP_MORE) {
			long more = qts_input_need(r->in, (size_t)avail + 1, &p);
			if (more >= 0 && more <= avail)
				return fail(r, "truncated record (input ends inside it)");
			avail = more;
			continue;
		}
		if (st == MP_BAD + 1)
			return -1;
		if (bad_field >= 0)
			return fail(r, "%s: field %s (at byte %llu): expected %s", qts_type_name(t),
				    qts_schema[t].f[bad_field].name,
				    (unsigned long long)(off + (uint64_t)(c.p - p)), c.what);
		return fail(r, "expected %s", c.what);
	}
}

static int read_next(qts_reader *r, qts_event *ev);

/* At the end of an input that held no event: said, since a stage that
 * runs on nothing otherwise succeeds with an empty result. */
static void warn_if_empty(qts_reader *r)
{
	if (r->events || r->warned_empty)
		return;
	r->warned_empty = 1;
	qts_warn("%s: no events (%s)", qts_input_name(r->in),
		 qts_input_offset(r->in) ? "only comment or header lines" : "empty input");
}

int qts_reader_next(qts_reader *r, qts_event *ev)
{
	int got = read_next(r, ev);
	if (got > 0)
		r->events++;
	else if (got == 0)
		warn_if_empty(r);
	return got;
}

static int read_next(qts_reader *r, qts_event *ev)
{
	if (!r->fmt) {
		const unsigned char *p;
		long n = qts_input_peek(r->in, &p, 1);
		if (n < 0) {
			snprintf(r->err, sizeof r->err, "%s", qts_input_error(r->in));
			return -1;
		}
		if (n == 0)
			return 0;
		r->fmt = (p[0] >= 0x90 && p[0] <= 0x9f) || p[0] == 0xdc || p[0] == 0xdd ? QTS_FMT_MSGPACK
											: QTS_FMT_CSV;
		if (r->fmt == QTS_FMT_CSV && !(r->csv = qts_csv_open(r->in))) {
			snprintf(r->err, sizeof r->err, "%s: out of memory", qts_input_name(r->in));
			return -1;
		}
	}
	return r->fmt == QTS_FMT_MSGPACK ? next_msgpack(r, ev) : next_csv(r, ev);
}

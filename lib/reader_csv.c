/* reader_csv.c — events from CSV: bar lines decoded in one pass over the
 * input buffer (the usual case, and most of any stream), every other line
 * split into fields by csv.c first and decoded field by field. */
#include "reader_priv.h"

#include <stdlib.h>

static int from_csv(qts_reader *r, char **fields, size_t *lens, size_t n, qts_event *ev)
{
	qts_type t = qts_type_from_name(fields[0], lens[0]);
	if (t == QTS_UNKNOWN) {
		if (!qts_reader_type_name_ok(fields[0], lens[0]))
			return qts_reader_bad_type(r, fields[0], lens[0]);
		qts_raw_field *f = qts_reader_raw_fields(r, n);
		if (!f)
			return qts_reader_fail(r, "out of memory");
		for (size_t i = 0; i < n; i++)
			f[i] = (qts_raw_field){ .kind = QTS_RAW_STR, .str = fields[i], .len = lens[i] };
		ev->type = QTS_UNKNOWN;
		ev->raw.n = n;
		ev->raw.field = f;
		ev->raw.untimed = 0;
		ev->symbol[0] = '\0';
		/* A time in the second field places the event in the stream's
		 * order; without one it stays beside its neighbours. */
		int code;
		if (n < 2 || (code = qts_time_parse(fields[1], lens[1], &ev->ts)) == -1)
			return qts_reader_untimed(r, ev);
		/* a time, but one qts cannot keep: refused as in a known event */
		if (code < 0)
			return qts_reader_bad_time(r, "ts", fields[1], lens[1], code);
		return in_order(r, ev, ev->ts);
	}
	const struct schema *s = &qts_schema[t];
	if (n != (size_t)s->nfields + 1 && (!s->ntail || n != (size_t)(s->nfields + s->ntail) + 1)) {
		if (s->ntail)
			return qts_reader_fail(r, "%s: expected %d or %d fields (type,%s[%s]), got %zu", s->name,
					       s->nfields + 1, s->nfields + s->ntail + 1, s->names, s->tail, n);
		return qts_reader_fail(r, "%s: expected %d fields (type,%s), got %zu", s->name, s->nfields + 1,
				       s->names, n);
	}
	ev->type = t;
	ev->symbol[0] = '\0';
	for (int i = (int)n - 1; i < s->nfields + s->ntail; i++) /* a tail left out */
		*(double *)((char *)ev + s->f[i].offset) = QTS_EMPTY;
	for (int i = 0; i < (int)n - 1; i++) {
		const struct field *f = &s->f[i];
		const char *v = fields[i + 1];
		size_t len = lens[i + 1];
		double *num = (double *)((char *)ev + f->offset);
		switch (f->kind) {
		case FK_TS:
			{
				int code = qts_time_parse(v, len, &ev->ts);
				if (code < 0)
					return qts_reader_bad_time(r, f->name, v, len, code);
			}
			break;
		case FK_STR:
		case FK_ENUM:
			if (qts_reader_store_str(r, f, ev, v, len) < 0)
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
				/* the text shown stops at a NUL: say it is there */
				return memchr(v, '\0', len) ? qts_reader_fail(r, "%s: holds a NUL byte", f->name)
				       : qts_reader_fail(r, "%s: '%s' is not a number", f->name, v);
			break;
		}
	}
	return qts_reader_admit(r, ev);
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

/* The value of the digits of w, first byte most significant, each byte
 * holding one digit's value (0 to 9), the bytes below them zeros (read as
 * leading zero digits): pairs, quads and octets are combined in
 * parallel, one multiply each (10 * 2^8 + 1 adds ten times a byte to the
 * one above it; the shift brings the sum down, the mask keeps every other
 * lane). */
ALWAYS_INLINE uint64_t digit_values_top(uint64_t w)
{
	w = (w * (10 * 0x100ULL + 1)) >> 8 & 0x00ff00ff00ff00ffULL;
	w = (w * (100 * 0x10000ULL + 1)) >> 16 & 0x0000ffff0000ffffULL;
	return (w * (10000 * 0x100000000ULL + 1)) >> 32;
}

/* The same of ASCII digits. */
ALWAYS_INLINE uint64_t digits_top(uint64_t w)
{
	return digit_values_top(w & 0x0f0f0f0f0f0f0f0fULL);
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
	if (last && q > p && q[-1] == '\r') /* CRLF; a CR more is the field's */
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
	/* The high half of every byte up to the end, and the end. */
	uint64_t upto = (1ULL << (8 * len)) - 1;
	s->mask = (0xf0f0f0f0f0f0f0f0ULL & upto) | 0xffULL << (8 * len);
	s->want = (0x3030303030303030ULL & upto) | (uint64_t)(unsigned char)*q << (8 * len);
	s->digits = 0xf0f0f0f0f0f0f0f0ULL & upto;
	s->low = ~0ULL;
	s->scale = 1;
	if (dot < len) {
		s->mask |= 0xffULL << (8 * dot);
		s->want = (s->want & ~(0xffULL << (8 * dot))) | (uint64_t)'.' << (8 * dot);
		s->digits &= ~(0xffULL << (8 * dot));
		s->low = (1ULL << (8 * dot)) - 1;
		s->scale = pow10_exact[len - 1 - dot];
	}
	s->shift = 8 * (8 - digits);
	s->len = (unsigned)len;
}

/* A number field of shape s: one word read, its point, its end and the
 * high half of each digit compared at once, then the low halves checked
 * together (a low half above 9 carries into its high half when 6 is
 * added, and only there: no byte overflows), the point taken out (the
 * bytes after it moved down one) and the digits read together.  The same
 * double as fast_num gives.  NULL when the field has another shape. */
ALWAYS_INLINE const char *shaped_num(const struct num_shape *s, const char *p, double *out)
{
	uint64_t w = load8(p);
	if ((w & s->mask) != s->want)
		return NULL;
	uint64_t n = w & 0x0f0f0f0f0f0f0f0fULL;
	if ((n + 0x0606060606060606ULL) & s->digits)
		return NULL;
	uint64_t g = (n & s->low) | ((n >> 8) & ~s->low);
	*out = (double)(int64_t)digit_values_top(g << s->shift) / s->scale;
	return p + s->len;
}

/* A number field in neither of the two shapes its symbol's field matched
 * last: in another, or in its own, which replaces the oldest learnt. */
static const char *reshaped_num_field(struct num_shapes *s, struct shape_pick *k, const char *p, const char *end,
				      int last, double *out)
{
	const char *q;
	unsigned i;
	for (i = 0; i < NUM_SHAPES; i++)
		if (i != k->last && i != k->prev && (q = shaped_num(&s->s[i], p, out)))
			goto found;
	q = *p == '-' ? neg_num_field(p, end, last, out) : fast_num_field(p, end, last, out);
	if (!q)
		return NULL;
	i = s->next;
	/* Never the one tried first, whose field matched it last. */
	do
		s->next = (s->next + 1) % NUM_SHAPES;
	while (s->next == k->last || s->next == i);
	learn_shape(&s->s[i], p, q);
found:
	k->prev = k->last;
	k->last = i;
	return q;
}

/* Any number field of a bar, k the shapes its symbol's field took, *sh
 * the one it took last: kept by the caller, the prices of a bar nearly
 * always sharing it, so that the usual field looks nothing up. */
ALWAYS_INLINE const char *num_field(struct num_shapes *s, struct shape_pick *k, const struct num_shape **sh,
				    const char *p, const char *end, int last, double *out)
{
	const char *q = shaped_num(*sh, p, out);
	if (!q) {
		if ((q = shaped_num(&s->s[k->prev], p, out))) {
			unsigned t = k->last;
			k->last = k->prev;
			k->prev = t;
		} else {
			q = reshaped_num_field(s, k, p, end, last, out);
		}
		*sh = &s->s[k->last];
	}
	return q;
}

/* The bytes of w outside ASCII (their high bit set), which the generic
 * path checks as UTF-8: a field holding one is left to it. */
ALWAYS_INLINE uint64_t non_ascii(uint64_t w)
{
	return w & 0x8080808080808080ULL;
}

/* fast_str for fields holding a byte below the comma (a space, an '&'):
 * every byte that ends the field or the line, or sends it to the generic
 * path, is looked for on its own. */
static const char *fast_str_any(const char *p, char *dst, size_t size)
{
	for (size_t at = 0; at < size; at += 8) {
		uint64_t w = load8(p + at);
		/* a control character (CR, LF and NUL among them) is the
		 * generic path's to refuse in a symbol */
		uint64_t m = bytes_equal(w, ',') | bytes_equal(w, '"') | control_bytes(w) | non_ascii(w);
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
 * NULL when it does not fit or holds a quote, a CR, a NUL or a byte
 * outside ASCII (text that the generic path checks as UTF-8).  The comma,
 * the quote, CR and NUL are all below '-', and symbols and timeframes
 * rarely hold such a byte: one test finds the first, and only when it is
 * not the comma is the field looked at byte by byte. */
static inline const char *fast_str(const char *p, char *dst, size_t size)
{
	for (size_t at = 0; at < size; at += 8) {
		uint64_t w = load8(p + at);
		/* a byte outside ASCII stops the field as a low one does:
		 * not being the comma, it sends it on, and then away */
		uint64_t m = bytes_below(w, ',' + 1) | bytes_equal(w, 0x7f) | non_ascii(w);
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
	/* The symbols of an interleaved stream share each time: the field
	 * and its comma are three words (the last overlapping), the minute
	 * and the seconds, which change most, compared first. */
	uint64_t tail = load8(p + 13);
	if (tail == load8(r->ts_field + 13) && load8(p) == load8(r->ts_field) &&
	    load8(p + 8) == load8(r->ts_field + 8)) {
		*ts = r->ts_value;
		return p + 20;
	}
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
		/* Inline: a memcmp call costs more than the whole time of day.
		 * The date and its 'T' are two words that overlap; the kept
		 * one has no 'T' while there is none (see reader_priv.h). */
		if ((load8(p) ^ load8(r->date)) | (load8(p + 3) ^ load8(r->date + 3))) {
			r->date[10] = '\0';
			if (qts_time_parse(p, 10, &r->date_ns) < 0)
				return NULL;
			memcpy(r->date, p, 11);
		}
		/* Midnight in range but not the time of day: the generic
		 * path refuses it. */
		if (__builtin_add_overflow(r->date_ns, (h * 3600LL + mi * 60 + se) * QTS_NS_PER_SEC, ts))
			return NULL;
		memcpy(r->ts_field, p, 16);
		memcpy(r->ts_field + 13, &tail, 8);
		r->ts_value = *ts;
		return p + 20;
	}
	return slow_ts(p, ts);
}

/* The hint of the symbol field at p: the slot of its first four bytes,
 * hashed by a multiply, whose top bits hang on every bit of them. */
ALWAYS_INLINE struct sym_hint *sym_hint(qts_reader *r, const char *p)
{
	uint32_t w;
	memcpy(&w, p, 4);
	return &r->hints[(w * 0x9e3779b1U) >> (32 - SYM_HINT_BITS)];
}

/* A text field at p into dst (of size bytes) as fast_str does, matched
 * first against the word f kept of the last one read (w: the field's
 * first word), and kept in f when it fits.  *key: the field's bytes as a
 * word, zeros after them, when it is shorter than a word, else 0 (the
 * key of tf_word). */
ALWAYS_INLINE const char *word_field(struct field_word *f, const char *p, uint64_t w, char *dst, size_t size,
				     uint64_t *key)
{
	if ((w & f->mask) == f->field) {
		/* The field's bytes, the comma dropped: its NUL and zeros. */
		*key = f->field & (f->mask >> 8);
		memcpy(dst, key, 8);
		return p + f->len;
	}
	const char *q = fast_str(p, dst, size);
	size_t len = q ? (size_t)(q - p) : 8;
	*key = 0;
	if (len < 8) {
		*key = w & ((1ULL << (8 * len)) - 1);
		f->mask = ~0ULL >> (8 * (7 - len));
		f->field = w & f->mask;
		f->len = len;
	}
	return q;
}

/* One bar line, [line, line + avail) being all the bytes buffered; returns
 * the length of the line with its newline, 0 to leave it alone.  *tf_key:
 * tf_word of its timeframe, read from the line. */
static size_t fast_bar(qts_reader *r, const char *line, size_t avail, qts_event *ev, uint64_t *tf_key)
{
	const char *p = line, *end = line + avail;
	if (avail < 4 + FAST_FIELD || memcmp(p, "bar,", 4) != 0)
		return 0;
	const char *lim = end - FAST_FIELD; /* the last start of a field read here */
	if (!(p = fast_ts(r, p + 4, &ev->ts)) || ++p > lim)
		return 0;
	/* Bars of a stream nearly always share a timeframe, and a symbol's
	 * slot mostly holds that symbol: fields that fit in a word with
	 * their comma are matched at once. */
	uint64_t sym_key;
	struct sym_hint *k = sym_hint(r, p);
	if (!(p = word_field(&k->sym, p, load8(p), ev->symbol, sizeof ev->symbol, &sym_key)) || !ev->symbol[0] ||
	    ++p > lim)
		return 0; /* (an empty symbol: the generic path says so) */
	if (!(p = word_field(&r->tf_field, p, load8(p), ev->bar.tf, sizeof ev->bar.tf, tf_key)))
		return 0;
	/* Written out, so each number's ending is known where it is read. */
	const struct num_shape *ps = &r->price.s[k->price.last], *vs = &r->volume.s[k->volume.last];
	if (++p > lim || !(p = num_field(&r->price, &k->price, &ps, p, end, 0, &ev->bar.open)) ||
	    ++p > lim || !(p = num_field(&r->price, &k->price, &ps, p, end, 0, &ev->bar.high)) ||
	    ++p > lim || !(p = num_field(&r->price, &k->price, &ps, p, end, 0, &ev->bar.low)) ||
	    ++p > lim || !(p = num_field(&r->price, &k->price, &ps, p, end, 0, &ev->bar.close)) ||
	    ++p > lim || !(p = num_field(&r->volume, &k->volume, &vs, p, end, 1, &ev->bar.volume)))
		return 0;
	/* A line ends in LF or CRLF, as the generic path takes it.  The
	 * last field started FAST_FIELD bytes or more before the end and is
	 * shorter: p is inside the buffer. */
	if (*p != '\n') {
		if (*p == '\r')
			p++;
		if (p == end || *p != '\n')
			return 0;
	}
	ev->type = QTS_BAR;
	return (size_t)(p + 1 - line);
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

int qts_reader_next_csv(qts_reader *r, qts_event *ev)
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
	uint64_t tf_key;
	if (r->win_len && (len = fast_bar(r, r->win, r->win_len, ev, &tf_key)) > 0) {
		prefetch_ahead(r->win, r->win_len);
		r->line = r->win_line + ++r->win_lines;
		r->win += len;
		r->win_len -= len;
		r->win_taken += len;
		return bar_in_order_key(r, ev, tf_key);
	}
	take_window(r);
	r->win_len = 0; /* the generic path may move the buffer */
	char **fields = NULL;
	size_t *lens = NULL;
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


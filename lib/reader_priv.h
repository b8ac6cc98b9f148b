/* reader_priv.h — the event reader's state and the checks every decoder
 * shares (reader.c), for its two decoders: CSV (reader_csv.c) and msgpack
 * (reader_msgpack.c).  Internal to libqts. */
#ifndef QTS_READER_PRIV_H
#define QTS_READER_PRIV_H
#include "csv_priv.h"
#include "event_priv.h"
#include "qts_time.h"

#include <string.h>

/* The layout of a number field: where its point is, how many digits it
 * has, what ends it.  The prices of a bar, and of the bars after it,
 * nearly always share one, as do volumes of a size, so each number is
 * first tried against the last shape seen (see shaped_num). */
struct num_shape {
	uint64_t mask, want; /* the point, the field's end and the high half */
			     /* of each digit: where, what */
	uint64_t low;        /* the bytes before the point */
	uint64_t digits;     /* the high half of each digit's byte */
	unsigned shift;      /* brings the digits to the top of the word */
	unsigned len;        /* bytes up to the field's end */
	double scale;        /* ten to the number of digits after the point */
};

/* The shapes a kind of field took lately: a price whose last digit is a
 * zero loses it (124.1 among 124.13), a volume may gain a digit, and the
 * symbols of an interleaved stream each bring their own (9.87, 97.5,
 * 141.74...).  The two a symbol's field matched last (struct shape_pick)
 * are tried first, inline (the prices of a bar nearly always take one of
 * them); the others after them, so that a stream cycling over a few
 * symbols finds its shapes rather than learning them again. */
#define NUM_SHAPES 8
struct num_shapes {
	struct num_shape s[NUM_SHAPES];
	unsigned next; /* the one a new shape replaces */
};

/* Which shapes of num_shapes a field matched last, and the one before. */
struct shape_pick {
	unsigned last, prev;
};

/* A text field of bars that fits in a word with its comma, as read last:
 * the next bar's field, nearly always the same, is matched at once. */
struct field_word {
	uint64_t field; /* its bytes and the comma (none: 1, which no */
	uint64_t mask;  /* word matches), the bytes that are its, */
	size_t len;     /* and its length */
};

/* What a symbol's bars were like lately, kept by a hash of the first four
 * bytes of its field (those of a short symbol's line after it are its
 * timeframe's): its field, and the shapes its numbers matched last.  In
 * a stream of interleaved symbols the bar before is another symbol's,
 * whose prices are of another size, while this symbol's last bar nearly
 * always has the shapes of this one.  Only a guess (every field and
 * shape is checked whole), so symbols that share a slot cost a search at
 * worst, never a wrong value. */
#define SYM_HINT_BITS 6
struct sym_hint {
	struct field_word sym;
	struct shape_pick price, volume;
};

/* A timeframe of bars: its parse, kept for a run of bars that share it,
 * and where its latest bar ended. */
struct tf_slot {
	char name[QTS_WORD_MAX];
	uint64_t key;     /* tf_word of name */
	qts_tf tf;
	int64_t ns;       /* its length (0: months, or not a timeframe) */
	int ok;           /* whether it parsed */
	/* name written as qts writes it (60m as 1h, d as 1d), which a bar
	 * of it is given instead: a stage sees one name for one length,
	 * and a bar of 60m after one of 1h at its time is that time again */
	char canon[QTS_WORD_MAX];
	int rename;
};
#define TF_SLOTS 4

struct qts_reader {
	qts_input *in;
	qts_csv *csv;
	int fmt;
	int64_t known;      /* the latest time (ts) of an event so far, */
	long known_line;    /* and where that event was: CSV line, */
	uint64_t known_offset; /* msgpack byte offset */
	int64_t bar_end;    /* the latest end of a bar so far, of any */
	const struct tf_slot *bar_end_tf; /* timeframe, which, */
	long bar_end_line;  /* and where that bar was */
	uint64_t bar_end_offset;
	qts_symtab *reports; /* the same for fills, updates and positions, a
			      * struct report_at a symbol (NULL: none yet) */
	struct tf_slot tfs[TF_SLOTS]; /* the timeframes of bars seen lately */
	struct tf_slot *tf; /* the last bar's */
	unsigned tf_next;   /* the slot a new timeframe takes */
	uint64_t events;    /* events read so far */
	uint64_t untimed_at; /* the number (events) of the last event of an unknown type without a time */
	int warned_empty;
	long line;          /* line of the last record (CSV), its number from 1 (msgpack) */
	uint64_t offset;    /* msgpack: byte offset of the last record */
	qts_raw_field *raw;
	size_t raw_cap;
	char date[16];      /* CSV bars: the last date seen and its 'T' */
	int64_t date_ns;    /* (none: no 'T'), and its midnight; */
	struct field_word tf_field; /* CSV bars: the last timeframe */
	char ts_field[24];  /* the last time field read in full with its */
	int64_t ts_value;   /* comma, and its value (reader.c: a true one) */
	struct num_shapes price, volume; /* CSV bars: the shapes last read, */
	struct sym_hint hints[1 << SYM_HINT_BITS]; /* and which each symbol took */
	int split_only;     /* CSV: never decode a line in one pass */
	int failure_unnoted; /* a failure record is read as any event */
	const char *win;    /* CSV: buffered bytes from the next line on, */
	size_t win_len;     /* valid while only bar lines are decoded, */
	size_t win_taken;   /* the bytes of those lines, */
	long win_lines;     /* how many, */
	long win_line;      /* and the lines read before them */
	const unsigned char *mp_next; /* msgpack: after a bar, the bytes buffered */
	const unsigned char *mp_end;  /* past it, still in the input's buffer, */
	uint64_t mp_offset;           /* and their offset (NULL: ask the input) */
	const void *raw_at; /* the last event's bytes, when they are exactly */
	size_t raw_len;     /* what writer.c writes for it (0: not so) */
	char where[300];
	char err[1024];
};

/* The latest report of a symbol, and where it was. */
struct report_at {
	int64_t ts;
	long line;
	uint64_t offset;
};

/* A failure at the last record read: `WHERE: what` into r->err; -1. */
int qts_reader_fail(qts_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The raw fields of an unknown event, n of them, reused from read to read;
 * NULL when out of memory. */
qts_raw_field *qts_reader_raw_fields(qts_reader *r, size_t n);
/* Whether s[0..n) may name an event type, and the failure when not. */
int qts_reader_type_name_ok(const char *s, size_t n);
int qts_reader_bad_type(qts_reader *r, const char *s, size_t n);
/* A time field that qts_time_parse refused with code (its return): not
 * a time, finer than nanoseconds, or outside the range there is. */
int qts_reader_bad_time(qts_reader *r, const char *name, const char *s, size_t n, int code);
/* A bar whose end, ts plus its timeframe, is past the last time. */
int qts_reader_bar_past_end(qts_reader *r, const qts_event *ev);
/* A bar whose tf is not a timeframe. */
int qts_reader_bad_tf(qts_reader *r, const char *tf);
/* A bar whose high is below its low, whose open or close lies outside
 * them, or whose volume is negative: no market trades so. */
int qts_reader_bad_bar(qts_reader *r, const qts_event *ev);
/* A text field of a known event into its place in ev: 0, or -1 (too long,
 * a NUL, not one of its values). */
int qts_reader_store_str(qts_reader *r, const struct field *f, qts_event *ev, const char *s, size_t n);
/* The checks of a whole event read (below, and reader.c): 1, or -1. */
int qts_reader_admit(qts_reader *r, qts_event *ev);
int qts_reader_untimed(qts_reader *r, qts_event *ev);
struct tf_slot *qts_reader_learn_tf(qts_reader *r, const char *tf);
int qts_reader_out_of_order(qts_reader *r, const qts_event *ev, int64_t known, int64_t than, long line,
			    uint64_t offset, const char *what_before);
/* The next event of each encoding: 1, 0 at the end, -1. */
int qts_reader_next_csv(qts_reader *r, qts_event *ev);
int qts_reader_next_msgpack(qts_reader *r, qts_event *ev);

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

/* qts_event_known of a bar in *end, without parsing its timeframe again;
 * t is a timeframe (t->ok: bar_in_order_key refuses a bar of any other).
 * 0, or -1 when the end is past the last time: such a bar is never
 * known, and an end taken as the last time would let a stage act on it
 * (qts-sim fill it) as if it were. */
static inline int bar_end(const struct tf_slot *t, const qts_event *ev, int64_t *end)
{
	if (t->ns)
		return __builtin_add_overflow(ev->ts, t->ns, end) ? -1 : 0;
	return qts_tf_end_checked(t->tf, ev->ts, end);
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
		return qts_reader_out_of_order(r, ev, known, r->known, r->known_line, r->known_offset, "at");
	if (ev->ts > r->known) {
		r->known = ev->ts;
		r->known_line = r->line;
		r->known_offset = r->offset;
	}
	return 1;
}

/* A bar: in order as any event, and, since it is known at its end, not
 * ending before a bar read before it, of its timeframe (a day back would
 * end where the day after it starts) or of any other: a daily bar put at
 * its start, before the hourly bars of its day, is a day's close known
 * at midnight, and what a stage makes of it, dated at its end, would come
 * before the hours (qts-strategy's target, qts-sim's equity).  key:
 * tf_word of its timeframe. */
static inline int bar_in_order_key(qts_reader *r, qts_event *ev, uint64_t key)
{
	struct tf_slot *t = r->tf;
	if (!t || (key ? key != t->key : strcmp(ev->bar.tf, t->name) != 0)) {
		t = qts_reader_learn_tf(r, ev->bar.tf);
		if (__builtin_expect(!t->ok, 0))
			return qts_reader_bad_tf(r, ev->bar.tf);
	}
	if (__builtin_expect(t->rename, 0)) {
		memcpy(ev->bar.tf, t->canon, sizeof ev->bar.tf);
		r->raw_len = 0; /* its bytes are not what the event is now */
	}
	if (__builtin_expect(!qts_bar_fields_sound(ev), 0))
		return qts_reader_bad_bar(r, ev);
	int64_t end;
	if (__builtin_expect(bar_end(t, ev, &end) != 0, 0))
		return qts_reader_bar_past_end(r, ev);
	if (__builtin_expect(end < r->bar_end, 0))
		return qts_reader_out_of_order(r, ev, end, r->bar_end, r->bar_end_line, r->bar_end_offset,
					       t == r->bar_end_tf ? "a bar known at"
								  : "a bar of another timeframe known at");
	r->bar_end = end;
	r->bar_end_tf = t;
	r->bar_end_line = r->line;
	r->bar_end_offset = r->offset;
	return in_order(r, ev, end);
}

static inline int bar_in_order(qts_reader *r, qts_event *ev)
{
	return bar_in_order_key(r, ev, tf_word(ev->bar.tf));
}

/* Bytes of x equal to b have their high bit set; exact up to the first
 * match (a borrow may flag the bytes after it). */
static inline __attribute__((always_inline)) uint64_t bytes_equal(uint64_t x, unsigned char b)
{
	uint64_t y = x ^ (0x0101010101010101ULL * b);
	return (y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL;
}

/* Bytes of x below b (at most 0x80) have their high bit set; exact up to
 * the first one (a borrow may flag the bytes after it). */
static inline __attribute__((always_inline)) uint64_t bytes_below(uint64_t x, unsigned char b)
{
	return (x - 0x0101010101010101ULL * b) & ~x & 0x8080808080808080ULL;
}

/* The control characters of x (below a space, and DEL), flagged as
 * bytes_below does: a symbol holding one is the generic path's to refuse. */
static inline __attribute__((always_inline)) uint64_t control_bytes(uint64_t x)
{
	return bytes_below(x, 0x20) | bytes_equal(x, 0x7f);
}

/* Asking for the bytes a page ahead of [p, p + n) hides part of the wait
 * for memory when the decoder gets there. */
static inline void prefetch_ahead(const void *p, size_t n)
{
	__builtin_prefetch((const char *)p + (n < 4096 ? n : 4096));
}

#endif

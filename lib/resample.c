/* resample.c — bars of larger timeframes from bars, ticks and quotes, per
 * symbol, each finished as soon as its interval is complete: by its own
 * symbol's input, or, the stream being in time order as a whole, by any
 * input known after its end (write_due).  A finished bar goes out once no
 * output to come is known before it as every reader reckons it, ts + tf
 * (hold_or_write), so that the output, inputs passed through or not, is
 * in time order too.  The hot path is one bar
 * in, nothing out: the state of the symbols seen lately is kept at hand
 * (streams interleave a few symbols), an input's timeframe is parsed only
 * when it changes, and an interval's end is kept so a bar costs one
 * comparison per timeframe, and one more for every symbol's. */
#include "qts_checkpoint.h"
#include "qts_resample.h"
#include "qts_time.h"

#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct slot {
	int64_t start, end; /* the open interval, when open */
	int64_t floor;      /* inputs before this belong to a written bar */
	int64_t due;        /* once the stream's time is past it, no input can
			     * fall in the open interval any more (due_at) */
	int64_t reckoned;   /* when readers take its bar to be known: start +
			     * tf (qts_event_known), not always its end */
	double o, h, l, c, v;
	int open;
	/* The first interval's input may start partway in (data from a
	 * Thursday, for weeks): its bar is written all the same, as the data
	 * did not begin earlier, and is told of once the second interval
	 * shows where input starts in a whole one (ragged_first). */
	int nth;            /* intervals opened, counted up to 2; 3: judged */
	int64_t lead;       /* the first: its first input's place less its start */
	int64_t second_lead; /* under a day, the second's, while no break came */
	int64_t first_from; /* the first: its start and its first input's time */
	int64_t first_in;
} slot;

#define RECENT 64 /* a power of two */

typedef struct sym {
	char name[QTS_SYM_MAX];
	uint64_t key;           /* name_word of name, once in recent */
	qts_type kind;          /* what this symbol is made of */
	char intf[QTS_WORD_MAX];
	qts_tf in;
	int64_t inlen;          /* fixed input length; 0 for months */
	int64_t last;           /* position of the previous input */
	int64_t next_end;       /* no open interval ends before this */
	size_t nopen;           /* intervals open */
	int seen;
	int plain_bars;         /* bars of a fixed length, no session or --keep */
	int64_t place;          /* a bar's position less its middle (qts_clock_bar_place) */
	uint64_t opened;        /* when it last opened an interval (opens) */
	slot s[];               /* one per timeframe */
} sym;

/* An interval of some symbol written with others (write_due), known when
 * readers take its bar to be (slot.reckoned). */
typedef struct due {
	int64_t known;
	sym *s;
	size_t i;
} due;

/* A finished bar not yet written: readers take it to be known at start +
 * tf, later than its end when its interval is cut short (the last 7h of a
 * day, a day of 23 hours), or after an open interval's reckoning that is
 * earlier than its end (a day of 25 hours): written once nothing to come
 * is known before it (release). */
typedef struct held {
	int64_t known;
	sym *s;
	size_t i;
	int64_t start;
	double o, h, l, c, v;
} held;

struct qts_resampler {
	qts_rs_conf conf;
	qts_tf *tf;
	char (*tfname)[16];
	qts_symtab *syms;       /* iterated in order of first appearance */
	sym **all;              /* the same, at hand for write_due */
	size_t nall, capall;
	sym *recent[RECENT];    /* by a hash of the name's first word */
	int plain;              /* no session, no --keep */
	int intraday;           /* some timeframe is of seconds, minutes or hours */
	int64_t next_due;       /* no open interval is due before this */
	uint64_t opens;         /* inputs that opened an interval */
	due *batch;             /* the intervals written together, sorted */
	size_t capbatch;
	int64_t in_known;       /* the latest time an input was known at: no input
				 * bar to come is known before it (qts-events(5)) */
	int64_t early_known;    /* the least reckoning of the open intervals that
				 * end after it (a day of 25 hours), whose bars
				 * are known before they are complete */
	held *held;             /* finished bars waiting, by known, then as finished */
	size_t nheld, capheld;
	qts_event out;
	char err[400];
	size_t ragged;          /* first bars begun later than the second (ragged_first) */
	const sym *rag_s;       /* the first of them */
	size_t rag_i;
};

/* Whether the strings in a and b (arrays of size bytes, a multiple of 8)
 * are equal.  strcmp is a call and a loop per input bar for what is
 * nearly always one equal word: here words are compared up to the one
 * holding b's NUL, the bytes after it masked off, as they may hold
 * anything. */
static inline int same_str(const char *a, const char *b, size_t size)
{
	for (size_t at = 0; at < size; at += 8) {
		uint64_t x, y;
		memcpy(&x, a + at, 8);
		memcpy(&y, b + at, 8);
		/* The high bit of b's first NUL byte is the lowest set (a
		 * borrow only flags bytes after it); little-endian, byte k
		 * being bits 8k to 8k+7. */
		uint64_t nul = (y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL;
		if (nul)
			return ((x ^ y) & (nul ^ (nul - 1))) == 0;
		if (x != y)
			return 0;
	}
	return 0;
}

/* The first word of a symbol, the bytes after its NUL (which may hold
 * anything) zeros; *nul: the NUL's high bit, 0 when it is not there. */
static inline uint64_t name_word(const char *name, uint64_t *nul)
{
	uint64_t w;
	memcpy(&w, name, 8);
	/* The high bit of the first NUL byte is the lowest set (a borrow
	 * only flags bytes after it). */
	*nul = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
	return *nul ? w & (*nul ^ (*nul - 1)) : w;
}

/* The state of a symbol seen lately, or NULL: a lookup in one slot of
 * recent by a hash of the name's first word (*at), and for a name that
 * fits in that word one comparison, where the table would hash the whole
 * name and compare it again. */
static inline sym *recent_sym(const qts_resampler *r, const char *name, size_t *at)
{
	uint64_t nul, w = name_word(name, &nul);
	*at = (size_t)((w * 0x9e3779b97f4a7c15ULL) >> 58) & (RECENT - 1);
	sym *s = r->recent[*at];
	if (!s || s->key != w)
		return NULL;
	return nul || same_str(s->name + 8, name + 8, sizeof s->name - 8) ? s : NULL;
}

qts_resampler *qts_rs_new(const qts_rs_conf *conf)
{
	qts_resampler *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->conf = *conf;
	r->tf = calloc(conf->ntf ? conf->ntf : 1, sizeof *r->tf);
	r->tfname = calloc(conf->ntf ? conf->ntf : 1, sizeof *r->tfname);
	r->syms = qts_symtab_new(sizeof(sym) + conf->ntf * sizeof(slot));
	if (!r->tf || !r->tfname || !r->syms) {
		qts_rs_free(r);
		return NULL;
	}
	for (size_t i = 0; i < conf->ntf; i++) {
		r->tf[i] = conf->tf[i];
		qts_tf_format(conf->tf[i], r->tfname[i]);
		r->intraday |= strchr("smh", conf->tf[i].unit) != NULL;
	}
	r->conf.tf = r->tf;
	r->plain = !conf->session && !conf->keep;
	r->next_due = INT64_MAX;
	r->in_known = INT64_MIN;
	r->early_known = INT64_MAX;
	r->out.type = QTS_BAR;
	return r;
}

/* An input inside the open interval of b.  0, or 1 when the volume sums
 * past the largest double: infinity is not a number a stream can hold
 * (qts-events(5)).  Volumes are never negative (every reader sees to
 * it), so one comparison tells. */
static inline int slot_add(slot *b, double h, double l, double c, double v)
{
	if (h > b->h)
		b->h = h;
	if (l < b->l)
		b->l = l;
	b->c = c;
	b->v += v;
	return !(b->v <= DBL_MAX);
}

/* The volume of s's bar of timeframe i overflowed with ev: -1 (r->err). */
static __attribute__((noinline)) int volume_overflows(qts_resampler *r, const sym *s, size_t i, const qts_event *ev)
{
	char a[40], from[40];
	qts_time_format(ev->ts, a);
	qts_time_format(s->s[i].start, from);
	snprintf(r->err, sizeof r->err,
		 "%s: %s %s: the volume of the %s bar from %s sums past the largest number (%g), not a finite one",
		 s->name, qts_type_name(ev->type), a, r->tfname[i], from, DBL_MAX);
	return -1;
}

static int write_bar(qts_resampler *r, const sym *s, size_t i, int64_t start, double o, double h, double l,
		     double c, double v)
{
	qts_event *out = &r->out;
	out->ts = start;
	memcpy(out->symbol, s->name, sizeof out->symbol);
	memcpy(out->bar.tf, r->tfname[i], sizeof r->tfname[i]);
	out->bar.open = o;
	out->bar.high = h;
	out->bar.low = l;
	out->bar.close = c;
	out->bar.volume = v;
	return r->conf.emit(out, r->conf.arg);
}

/* Held bars known at or before this may go out: no input bar to come is
 * known before in_known, and no open interval's bar before early_known
 * (the others are known at their end or later, and end after the stream's
 * time). */
static inline int64_t release_limit(const qts_resampler *r)
{
	return r->in_known < r->early_known ? r->in_known : r->early_known;
}

/* Write the held bars that nothing to come precedes, in order.  0, -2
 * when emit failed. */
static int release(qts_resampler *r)
{
	int64_t limit = release_limit(r);
	size_t k = 0;
	for (; k < r->nheld && r->held[k].known <= limit; k++) {
		const held *h = &r->held[k];
		if (write_bar(r, h->s, h->i, h->start, h->o, h->h, h->l, h->c, h->v) != 0)
			return -2;
	}
	if (k) {
		r->nheld -= k;
		memmove(r->held, r->held + k, r->nheld * sizeof *r->held);
	}
	return 0;
}

/* Hold a finished bar of s's timeframe i (its slot just closed), or write
 * it at once when nothing to come is known before it: held bars are all
 * known after release_limit, so it goes before them.  Among held bars of
 * one reckoning the first finished goes first (the order in which bars
 * ending together are finished: the timeframes as given).  0, -1 when out
 * of memory (r->err), -2 when emit failed. */
static int hold_or_write(qts_resampler *r, sym *s, size_t i)
{
	const slot *b = &s->s[i];
	if (b->reckoned <= release_limit(r))
		return write_bar(r, s, i, b->start, b->o, b->h, b->l, b->c, b->v) != 0 ? -2 : 0;
	if (r->nheld == r->capheld) {
		size_t cap = r->capheld ? 2 * r->capheld : 8;
		held *p = realloc(r->held, cap * sizeof *p);
		if (!p) {
			snprintf(r->err, sizeof r->err, "out of memory");
			return -1;
		}
		r->held = p, r->capheld = cap;
	}
	size_t at = r->nheld;
	while (at > 0 && r->held[at - 1].known > b->reckoned)
		at--;
	memmove(r->held + at + 1, r->held + at, (r->nheld - at) * sizeof *r->held);
	r->held[at] = (held){ b->reckoned, s, i, b->start, b->o, b->h, b->l, b->c, b->v };
	r->nheld++;
	return 0;
}

/* The least reckoning of the open intervals known before their end,
 * worked out again once one of them closes (a few times a year, on the
 * nights daylight saving time ends). */
static void find_early_known(qts_resampler *r)
{
	r->early_known = INT64_MAX;
	for (size_t k = 0; k < r->nall; k++)
		for (size_t i = 0; r->all[k]->nopen && i < r->conf.ntf; i++) {
			const slot *b = &r->all[k]->s[i];
			if (b->open && b->reckoned < b->end && b->reckoned < r->early_known)
				r->early_known = b->reckoned;
		}
}

/* Close s's open interval of timeframe i, its bar written or held.  0, -1
 * when out of memory (r->err), -2 when emit failed. */
static int close_slot(qts_resampler *r, sym *s, size_t i)
{
	slot *b = &s->s[i];
	b->open = 0;
	s->nopen--;
	b->floor = b->end;
	int rc = hold_or_write(r, s, i);
	if (rc != 0 || b->reckoned >= b->end)
		return rc;
	/* an interval known before its end: the bars known after it, held
	 * for it, may follow it now */
	find_early_known(r);
	return release(r);
}

/* When the stream's time, once past it, tells that no input of s can fall
 * in its interval ending at end any more (as s's input opens it).  The
 * stream is ordered by the time each event became known (qts-events(5)),
 * and an input falls where its middle is (put_any).  A tick or quote of s
 * known later than end is past it.  So is a bar, unless it straddles end
 * with its middle before it: s's bars are taken to keep the phase of this
 * one (bars of one length, on the hour or at :30, at 00:00 UTC), and if a
 * bar of that phase straddles end so, the interval is done only once the
 * time is past that bar's end (daily bars stamped at 00:00 UTC in a week
 * that ends at 15:00 UTC, Tokyo's midnight).  Months vary in length: half
 * the longest past end. */
static int64_t due_at(const sym *s, int64_t end)
{
	if (s->kind != QTS_BAR)
		return end;
	int64_t len = s->inlen, at;
	if (!len)
		return __builtin_add_overflow(end, (int64_t)31 * QTS_NS_PER_DAY / 2, &at) ? INT64_MAX : at;
	/* s->last is the place of the bar that opens the interval, its
	 * middle plus s->place (qts_clock_bar_place), so its start is on the
	 * phase and before end; r: how far before end a bar of that phase
	 * starts.  It is placed before end, and so straddles it, when its
	 * middle plus s->place is. */
	int64_t r = qts_floor_mod(end - (s->last - s->place - (len >> 1)), len);
	if (r <= len / 2 + s->place)
		return end;
	return __builtin_add_overflow(end, len - r, &at) ? INT64_MAX : at;
}

/* Among bars known together (due_by_known): symbol by symbol in the order they
 * last opened an interval, then in the order the timeframes were given:
 * what each one's own next input writes, when they come back (after a
 * night, say) in the order they came before. */
static int due_by_sym(const void *pa, const void *pb)
{
	const due *a = pa, *b = pb;
	if (a->s->opened != b->s->opened)
		return a->s->opened < b->s->opened ? -1 : 1;
	if (a->known != b->known)
		return a->known < b->known ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* By when readers take them to be known first (ts + tf, their end but for
 * an interval cut short or a day of 23 or 25 hours), then symbol by
 * symbol.  Ordered symbol by symbol alone, a symbol's bar of a later end
 * (a week ending on Monday) would go out before another's of an earlier
 * one (a month ending on Sunday): a valid stream, but a stage that dates
 * what it makes at the end of the first (a target) would then write it
 * before a bar known earlier, out of time order. */
static int due_by_known(const void *pa, const void *pb)
{
	const due *a = pa, *b = pb;
	if (a->known != b->known)
		return a->known < b->known ? -1 : 1;
	return due_by_sym(pa, pb);
}

static void set_next_end(qts_resampler *r, sym *s)
{
	s->next_end = INT64_MAX;
	for (size_t i = 0; i < r->conf.ntf; i++)
		if (s->s[i].open && s->s[i].end < s->next_end)
			s->next_end = s->s[i].end;
}

/* The stream has reached t: write the intervals of every symbol that no
 * input can fall in any more, before anything of time t goes out, as
 * the stream is in time order as a whole.  Most are written by their
 * symbol's own input; this is for a symbol whose last input of an
 * interval is missing, or that has stopped, while others go on.  Called
 * only once t is past next_due, the least due of the open intervals when
 * last worked out (those written by their own symbol since leave it
 * low): a pass over the symbols when the stream reaches an interval's
 * end, not one an input.  0, or -1 when out of memory (r->err), -2 when
 * emit failed. */
static __attribute__((noinline)) int write_due(qts_resampler *r, int64_t t)
{
	size_t n = 0;
	int64_t next = INT64_MAX;
	for (size_t k = 0; k < r->nall; k++) {
		sym *s = r->all[k];
		if (s->next_end >= t) {
			/* none of its intervals ends before t: none is due, and
			 * none is due before next_end, as none ends before it */
			if (s->next_end < next)
				next = s->next_end;
			continue;
		}
		for (size_t i = 0; s->nopen && i < r->conf.ntf; i++) {
			const slot *b = &s->s[i];
			if (!b->open)
				continue;
			if (b->due >= t) {
				if (b->due < next)
					next = b->due;
				continue;
			}
			if (n == r->capbatch) {
				size_t cap = r->capbatch ? 2 * r->capbatch : 16;
				due *p = realloc(r->batch, cap * sizeof *p);
				if (!p) {
					snprintf(r->err, sizeof r->err, "out of memory");
					return -1;
				}
				r->batch = p, r->capbatch = cap;
			}
			r->batch[n++] = (due){ b->reckoned, s, i };
		}
	}
	r->next_due = next;
	if (n > 1)
		qsort(r->batch, n, sizeof *r->batch, due_by_known);
	for (size_t k = 0; k < n; k++) {
		sym *s = r->batch[k].s;
		int rc = close_slot(r, s, r->batch[k].i);
		set_next_end(r, s);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int qts_rs_advance(qts_resampler *r, int64_t t)
{
	if (t > r->in_known) {
		r->in_known = t;
		/* before anything of time t goes out, the held bars known
		 * by then */
		if (r->nheld && release(r) != 0)
			return -2;
	}
	return t > r->next_due ? write_due(r, t) : 0;
}

/* Close the open intervals ending at or before t, the first known as
 * readers reckon it (ts + tf) first, ties in the order the timeframes
 * were given.  0, -1 when out of memory (r->err), -2 when emit failed. */
static int close_until(qts_resampler *r, sym *s, int64_t t)
{
	/* Most inputs end no interval: one comparison tells. */
	if (t < s->next_end)
		return 0;
	for (;;) {
		size_t best = (size_t)-1;
		for (size_t i = 0; i < r->conf.ntf; i++)
			if (s->s[i].open && s->s[i].end <= t &&
			    (best == (size_t)-1 || s->s[i].reckoned < s->s[best].reckoned))
				best = i;
		if (best == (size_t)-1)
			break;
		int rc = close_slot(r, s, best);
		if (rc != 0)
			return rc;
	}
	set_next_end(r, s);
	return 0;
}

/* A symbol met for the first time, into all. */
static int add_sym(qts_resampler *r, sym *s)
{
	if (r->nall == r->capall) {
		size_t cap = r->capall ? 2 * r->capall : 16;
		sym **p = realloc(r->all, cap * sizeof *p);
		if (!p)
			return -1;
		r->all = p, r->capall = cap;
	}
	r->all[r->nall++] = s;
	return 0;
}

static int set_kind(qts_resampler *r, sym *s, const qts_event *ev)
{
	if (!s->seen) {
		s->kind = ev->type;
	} else if (s->kind != ev->type) {
		snprintf(r->err, sizeof r->err, "%s: a %s among %ss: one kind of input per symbol",
		         s->name, qts_type_name(ev->type), qts_type_name(s->kind));
		return -1;
	}
	if (ev->type != QTS_BAR || (s->seen && same_str(s->intf, ev->bar.tf, sizeof s->intf)))
		return 0;
	if (s->seen) {
		snprintf(r->err, sizeof r->err, "%s: bars of %s among bars of %s: one timeframe per symbol",
		         s->name, ev->bar.tf, s->intf);
		return -1;
	}
	qts_tf in;
	if (qts_tf_parse(ev->bar.tf, &in) != 0) {
		snprintf(r->err, sizeof r->err, "%s: bad timeframe '%s'", s->name, ev->bar.tf);
		return -1;
	}
	for (size_t i = 0; i < r->conf.ntf; i++) {
		char why[128];
		if (qts_tf_fits(in, r->tf[i], why) != 0) {
			snprintf(r->err, sizeof r->err, "%s: %s", s->name, why);
			return -1;
		}
	}
	/* (that no bar straddles an intraday interval is seen as they come,
	 * straddles(): their phase against the zone's hours is the data's) */
	QTS_SET(s->intf, ev->bar.tf);
	s->in = in;
	s->inlen = qts_tf_ns(in);
	s->plain_bars = s->inlen && r->plain;
	return 0;
}

/* An intraday interval that a bar of the input straddles (in a zone whose
 * offset is a half hour, hours begin at :30 UTC): its data cannot be split,
 * and putting it in one of the two would relabel it silently.  -1 (r->err). */
static __attribute__((noinline)) int straddles(qts_resampler *r, const sym *s, size_t i, const qts_event *ev,
					       int64_t known, int64_t start, int64_t end)
{
	char a[40], e[40], from[40], to[40];
	qts_time_format(ev->ts, a);
	qts_time_format(known, e);
	qts_time_format(start, from);
	qts_time_format(end, to);
	int intraday = strchr("smh", r->tf[i].unit) != NULL;
	snprintf(r->err, sizeof r->err,
		 "%s: bar %s %s to %s straddles the %s bar from %s to %s: %s", s->name, ev->bar.tf, a, e,
		 r->tfname[i], from, to,
		 intraday ? "the zone's intervals are not on the input's phase (--offset sets where intraday bars start)"
			  : "the zone's days do not begin on the input's phase, so it belongs to neither");
	return -1;
}

/* A bar of the input placed at pos, ending at known: -1 (r->err) when it
 * straddles an intraday interval it would go into.  Seen before anything
 * is closed by it, so that a bar it ends is not written first. */
static int straddles_any(qts_resampler *r, const sym *s, const qts_event *ev, int64_t pos, int64_t known)
{
	for (size_t i = 0; i < r->conf.ntf; i++) {
		/* (a daily bar straddles local days by design: its middle places it) */
		if (!strchr("smh", r->tf[i].unit) && !strchr("smh", s->in.unit))
			continue;
		const slot *b = &s->s[i];
		int64_t start = b->start, end = b->end;
		if (!b->open && s->seen && pos < b->floor)
			continue; /* in a bar written: open_slot says so */
		if ((!b->open || pos >= end) && qts_bucket(r->conf.clock, r->tf[i], pos, &start, &end) != 0)
			continue; /* out of range: open_slot says so */
		if (ev->ts < start || known > end)
			return straddles(r, s, i, ev, known, start, end);
	}
	return 0;
}

/* Mondays to Fridays from date a up to date b (days since 1970-01-01,
 * which was a Thursday); 0 when b is not after a. */
static int64_t weekdays_between(int64_t a, int64_t b)
{
	if (b <= a)
		return 0;
	int64_t n = (b - a) / 7 * 5;
	for (int64_t d = a + (b - a) / 7 * 7; d < b; d++)
		n += qts_floor_mod(d + 3, 7) < 5;
	return n;
}

/* How far into interval b of timeframe tf its input starts: in time, or
 * for weeks and months in weekdays of the trading calendar's dates, so
 * that a weekend before the first trading day of a month is no lead.
 * ts is the input's start; pos its place, whose date is a daily bar's own
 * whether stamped at 00:00 UTC or at local midnight (for inputs of weeks
 * or months the start's: their middles lie as far into a quarter as their
 * months are long). */
static int64_t lead_into(qts_resampler *r, const sym *s, const slot *b, qts_tf tf, int64_t ts, int64_t pos)
{
	if (tf.unit != 'w' && tf.unit != 'M')
		return ts - b->start;
	int64_t from = qts_clock_day(r->conf.clock, b->start)->num;
	int64_t at = qts_clock_day(r->conf.clock, s->in.unit == 'w' || s->in.unit == 'M' ? ts : pos)->num;
	return weekdays_between(from, at);
}

/* Slot i of s opens an interval, ev its first input placed at pos: the
 * first and the second of the symbol are compared.  A first interval
 * whose input starts later within it than the second's does (a week from
 * a Thursday, where the next starts on a Monday) made a bar of part of
 * its interval: counted, so that the end of input can say so as it says
 * the unfinished last bars are dropped.  Not worked out from a calendar
 * of holidays: a session, a holiday or a market's hours decide where
 * input starts.  For weeks and months one weekday more is allowed, a
 * holiday's: a year from Tuesday 3 January after New Year's Day observed
 * on the Monday is whole, as a week from Tuesday after Memorial Day. */
static void ragged_first(qts_resampler *r, sym *s, size_t i, const qts_event *ev, int64_t pos, int after_break)
{
	slot *b = &s->s[i];
	qts_tf tf = r->tf[i];
	int64_t lead = lead_into(r, s, b, tf, ev->ts, pos);
	if (b->nth == 0) {
		b->nth = 1;
		b->lead = lead;
		b->first_from = b->start;
		b->first_in = ev->ts;
		return;
	}
	/* Under a day, a session may open within an interval (09:30 in hourly
	 * bars): every day's first bar starts as late in it as the first
	 * does.  The first is compared with the first interval after a
	 * break in the input (the next session's open), or, the input never
	 * breaking (a market open round the clock), with the second at the
	 * end of input (qts_rs_ragged). */
	if (tf.unit == 's' || tf.unit == 'm' || tf.unit == 'h') {
		if (!after_break) {
			if (b->nth == 1)
				b->second_lead = lead, b->nth = 2;
			return;
		}
	}
	b->nth = 3;
	if (lead + (tf.unit == 'w' || tf.unit == 'M') < b->lead && !r->ragged++) {
		r->rag_s = s;
		r->rag_i = i;
	}
}

/* Open s's interval of timeframe i holding pos, the time of ev, its first
 * input.  0, or -1 (r->err). */
static int open_slot(qts_resampler *r, sym *s, size_t i, const qts_event *ev, int64_t pos, double o, double h,
		     double l, double c, double v)
{
	slot *b = &s->s[i];
	if (pos < b->floor) {
		char a[40];
		qts_time_format(ev->ts, a);
		snprintf(r->err, sizeof r->err, "%s: %s %s falls in a %s bar already written",
		         s->name, qts_type_name(ev->type), a, r->tfname[i]);
		return -1;
	}
	int64_t was_end = b->end; /* the interval before's, if any */
	int rc = qts_bucket(r->conf.clock, r->tf[i], pos, &b->start, &b->end);
	if (rc != 0) {
		char a[40], edge[40];
		qts_time_format(ev->ts, a);
		qts_time_format(rc == -1 ? INT64_MIN : INT64_MAX, edge);
		snprintf(r->err, sizeof r->err,
			 "%s: %s %s: its %s bar would %s %s, the %s time qts can represent",
			 s->name, qts_type_name(ev->type), a, r->tfname[i],
			 rc == -1 ? "start before" : "end past", edge, rc == -1 ? "first" : "last");
		return -1;
	}
	b->open = 1;
	s->nopen++;
	if (b->nth < 3)
		ragged_first(r, s, i, ev, pos, b->nth > 0 && b->start > was_end);
	if (b->end < s->next_end)
		s->next_end = b->end;
	/* (past the last time: held to the end, where a reader refuses it) */
	b->reckoned = qts_tf_end(r->tf[i], b->start);
	if (b->reckoned < b->end && b->reckoned < r->early_known)
		r->early_known = b->reckoned;
	b->due = due_at(s, b->end);
	if (b->due < r->next_due)
		r->next_due = b->due;
	s->opened = r->opens++;
	b->o = o, b->h = h, b->l = l, b->c = c, b->v = v;
	return 0;
}

/* With --keep, an input is written beside the bars it goes into, so it
 * must fit them.  A bar of a timeframe the output makes too must start
 * its interval: else (daily bars at 00:00 UTC, days of another zone) the
 * output would hold that timeframe twice for the symbol, the same days
 * under two times, and a stage would count each day twice.  Any other
 * input must not be known after the bar it goes into, as the stream
 * reckons that bar known (ts + tf, as every reader): else (daily bars at
 * 00:00 UTC, weeks of Tokyo, which end at 15:00 UTC; a tick in the last
 * hour of a day of 25 hours) that bar, written once it is complete, would
 * come after it, known earlier, and every reader refuse the output there.
 * known: the input's time, a bar's end.  0, or -1 with the error set. */
static int kept_misfits(qts_resampler *r, const sym *s, const qts_event *ev, int64_t pos, int64_t known)
{
	int64_t in_ns = ev->type == QTS_BAR ? qts_tf_ns(s->in) : 0;
	for (size_t i = 0; i < r->conf.ntf; i++) {
		qts_tf t = r->tf[i];
		int64_t start, end, reckoned;
		if (qts_bucket(r->conf.clock, t, pos, &start, &end) != 0 || qts_tf_end_checked(t, start, &reckoned) != 0)
			continue; /* out of range: open_slot says so */
		int same = ev->type == QTS_BAR &&
			   ((t.n == s->in.n && t.unit == s->in.unit) || (in_ns > 0 && qts_tf_ns(t) == in_ns));
		if (same ? start == ev->ts : known <= reckoned)
			continue;
		char a[40], b[40], e[40];
		qts_time_format(ev->ts, a);
		qts_time_format(start, b);
		qts_time_format(known, e);
		if (same)
			snprintf(r->err, sizeof r->err,
				 "%s: bar %s %s is not on the %s intervals, which start at %s (-z): with -k the output would "
				 "hold %s twice, under two times",
				 s->name, s->intf, a, r->tfname[i], b, r->tfname[i]);
		else if (ev->type == QTS_BAR) {
			char k[40];
			qts_time_format(reckoned, k);
			snprintf(r->err, sizeof r->err,
				 "%s: bar %s %s, known at %s, ends after the %s bar from %s it goes into, known at %s (-z): "
				 "with -k that bar would follow it, out of time order",
				 s->name, s->intf, a, e, r->tfname[i], b, k);
		} else {
			char k[40];
			qts_time_format(reckoned, k);
			snprintf(r->err, sizeof r->err,
				 "%s: %s %s comes after the %s bar from %s it goes into, known at %s (-z): "
				 "with -k that bar would follow it, out of time order",
				 s->name, qts_type_name(ev->type), a, r->tfname[i], b, k);
		}
		return -1;
	}
	return 0;
}

/* With --keep, an input known after the reckoning of some symbol's open
 * interval that ends later still (a day of 25 hours, known by ts + 1d an
 * hour before it is complete): that bar would follow it, out of time
 * order.  -1 (r->err). */
static __attribute__((noinline)) int kept_before_early(qts_resampler *r, const sym *s, const qts_event *ev,
						       int64_t known)
{
	for (size_t k = 0; k < r->nall; k++)
		for (size_t i = 0; i < r->conf.ntf; i++) {
			const slot *b = &r->all[k]->s[i];
			if (!b->open || b->reckoned != r->early_known || b->reckoned >= b->end)
				continue;
			char a[40], e[40], from[40], at[40], end[40];
			qts_time_format(ev->ts, a);
			qts_time_format(known, e);
			qts_time_format(b->start, from);
			qts_time_format(b->reckoned, at);
			qts_time_format(b->end, end);
			snprintf(r->err, sizeof r->err,
				 "%s: %s %s, known at %s, comes after the %s %s bar from %s, known at %s but complete at %s "
				 "(-z): with -k that bar would follow it, out of time order",
				 s->name, ev->type == QTS_BAR ? "bar" : qts_type_name(ev->type), a, e, r->all[k]->name,
				 r->tfname[i], from, at, end);
			return -1;
		}
	snprintf(r->err, sizeof r->err, "%s: out of time order with -k", s->name);
	return -1;
}

/* Any input, worked out in full. */
static __attribute__((noinline)) int put_any(qts_resampler *r, const qts_event *ev)
{
	size_t at;
	sym *s = recent_sym(r, ev->symbol, &at);
	if (!s) {
		if (!(s = qts_symtab_get(r->syms, ev->symbol))) {
			snprintf(r->err, sizeof r->err, "out of memory");
			return -1;
		}
		if (!s->name[0]) {
			QTS_SET(s->name, ev->symbol);
			if (add_sym(r, s) != 0) {
				snprintf(r->err, sizeof r->err, "out of memory");
				return -1;
			}
		}
		uint64_t nul;
		s->key = name_word(s->name, &nul);
		r->recent[at] = s;
	}
	if ((!s->seen || s->kind != ev->type || (ev->type == QTS_BAR && !same_str(s->intf, ev->bar.tf, sizeof s->intf))) &&
	    set_kind(r, s, ev) != 0)
		return -1;

	double o, h, l, c, v;
	int64_t known = ev->ts, pos = ev->ts, len = 0;
	switch (ev->type) {
	case QTS_BAR:
		o = ev->bar.open, h = ev->bar.high, l = ev->bar.low, c = ev->bar.close, v = ev->bar.volume;
		if (s->inlen ? qts_time_add(ev->ts, s->inlen, &known) : qts_tf_end_checked(s->in, ev->ts, &known)) {
			char why[QTS_TIME_WHY], what[24];
			snprintf(what, sizeof what, "+ %s", s->intf);
			snprintf(r->err, sizeof r->err, "%s: bar: %s", s->name,
				 qts_time_range_why(ev->ts, what, 1, why));
			return -1;
		}
		len = known - ev->ts;
		/* A bar's middle places it: daily bars stamped at 00:00 UTC
		 * or at local midnight land on the same local date (but see
		 * qts_clock_bar_place). */
		pos = qts_clock_bar_place(r->conf.clock, ev->ts, len);
		s->place = pos - (ev->ts + len / 2);
		break;
	case QTS_TICK:
		o = h = l = c = ev->tick.price, v = ev->tick.size;
		break;
	default:
		/* halves first: the sum of two prices near the largest double
		 * is not finite, their mean is (as qts-sim's mid) */
		o = h = l = c = ev->quote.bid / 2 + ev->quote.ask / 2;
		v = ev->quote.bid_size + ev->quote.ask_size;
		if (!(v <= DBL_MAX)) {
			char a[40];
			qts_time_format(ev->ts, a);
			snprintf(r->err, sizeof r->err,
				 "%s: quote %s: bid_size + ask_size sums past the largest number (%g), not a finite one",
				 s->name, a, DBL_MAX);
			return -1;
		}
		break;
	}
	if (s->seen && (pos < s->last || (pos == s->last && ev->type == QTS_BAR))) {
		char a[40];
		qts_time_format(ev->ts, a);
		snprintf(r->err, sizeof r->err, "%s: %s %s is not after the one before", s->name,
		         qts_type_name(ev->type), a);
		return -1;
	}
	/* (outside the session: dropped, whatever its phase) */
	int outside = r->conf.session && (ev->type != QTS_BAR || strchr("smh", s->in.unit)) &&
		      !qts_session_holds(r->conf.session, qts_clock_tod(r->conf.clock, ev->ts), len);
	if (!outside && ((r->conf.keep && kept_misfits(r, s, ev, pos, known) != 0) ||
			 (ev->type == QTS_BAR && straddles_any(r, s, ev, pos, known) != 0)))
		return -1;
	/* The stream is ordered by the time each event became known: no
	 * input to come is known before this one. */
	int rc = qts_rs_advance(r, known);
	if (rc != 0)
		return rc;
	if (!s->seen) {
		s->next_end = INT64_MAX;
		for (size_t i = 0; i < r->conf.ntf; i++)
			s->s[i].floor = INT64_MIN; /* nothing written yet, even before 1970 */
	}
	s->seen = 1;
	s->last = pos;

	if ((rc = close_until(r, s, pos)) != 0)
		return rc;
	if (outside)
		return 0;
	if (r->conf.keep) {
		if (known > r->early_known)
			return kept_before_early(r, s, ev, known);
		if (r->conf.emit(ev, r->conf.arg) != 0)
			return -2;
	}
	/* A quote with an empty side (no bid, or no offer: 0 or below) has
	 * no mid: half the other side is no price anyone trades at, and it
	 * would be a bar's low (qts_quote_mid, by which qts-sim and qts-risk
	 * value nothing).  Its time has closed what it proves closed; it
	 * goes into no bar. */
	if (ev->type == QTS_QUOTE && isnan(qts_quote_mid(ev)))
		return 0;

	int done = 0;
	for (size_t i = 0; i < r->conf.ntf; i++) {
		slot *b = &s->s[i];
		if (b->open) {
			if (slot_add(b, h, l, c, v))
				return volume_overflows(r, s, i, ev);
		} else if (open_slot(r, s, i, ev, pos, o, h, l, c, v) != 0) {
			return -1;
		}
		done |= known >= b->end;
	}
	if (done && ev->type == QTS_BAR)
		return close_until(r, s, known);
	return 0;
}

/* The input nearly every time is taken here in a few comparisons, with
 * no registers to save: a bar of a symbol seen lately, of its fixed
 * timeframe, after the one before, inside every interval, all of them
 * open, and ending none.  Anything else goes to put_any. */
int qts_rs_put(qts_resampler *r, const qts_event *ev)
{
	size_t at;
	sym *s = recent_sym(r, ev->symbol, &at);
	if (s && s->plain_bars && ev->type == QTS_BAR && s->nopen == r->conf.ntf) {
		/* known fits (else put_any says so), and pos, before it, too;
		 * a plain bar's length is positive, so its half is a shift. */
		int64_t known, pos;
		if (!__builtin_add_overflow(ev->ts, s->inlen, &known) && known < s->next_end && known <= r->next_due &&
		    (!r->nheld || known < r->held[0].known) &&
		    (pos = ev->ts + (s->inlen >> 1) + s->place) > s->last && same_str(s->intf, ev->bar.tf, sizeof s->intf)) {
			s->last = pos;
			/* (no held bar is known by then: its time takes it
			 * to put_any, which writes it) */
			if (known > r->in_known)
				r->in_known = known;
			int overflow = 0;
			for (size_t i = 0; i < r->conf.ntf; i++)
				overflow |= slot_add(&s->s[i], ev->bar.high, ev->bar.low, ev->bar.close, ev->bar.volume);
			if (__builtin_expect(overflow, 0))
				for (size_t i = 0; i < r->conf.ntf; i++)
					if (!(s->s[i].v <= DBL_MAX))
						return volume_overflows(r, s, i, ev);
			return 0;
		}
	}
	return put_any(r, ev);
}

const char *qts_rs_error(const qts_resampler *r)
{
	return r->err;
}

struct pending {
	sym *s;
	size_t i;
};

/* Unfinished bars go out by the time readers take them to be known (ts +
 * tf), then by symbol, then in the order given: the order does not hang
 * on which symbol came first. */
static int pending_cmp(const void *pa, const void *pb)
{
	const struct pending *a = pa, *b = pb;
	int64_t ea = a->s->s[a->i].reckoned, eb = b->s->s[b->i].reckoned;
	if (ea != eb)
		return ea < eb ? -1 : 1;
	int c = strcmp(a->s->name, b->s->name);
	if (c)
		return c;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* The bars finished and held, all of them now, with the unfinished ones
 * among them when partial: nothing comes after. */
static void write_last(qts_resampler *r, int partial, size_t n, int *failed)
{
	struct pending *p = partial && n ? malloc(n * sizeof *p) : NULL;
	if (partial && n && !p) {
		*failed = 1;
		return;
	}
	size_t m = 0;
	for (size_t k = 0; p && k < r->nall; k++) {
		sym *s = r->all[k];
		for (size_t i = 0; i < r->conf.ntf; i++)
			if (s->s[i].open)
				p[m++] = (struct pending){ s, i };
	}
	if (m > 1)
		qsort(p, m, sizeof *p, pending_cmp);
	/* every one held, to go out among the held by when it is known */
	r->in_known = r->early_known = INT64_MIN;
	for (size_t j = 0; j < m && !*failed; j++) {
		p[j].s->s[p[j].i].open = 0;
		p[j].s->nopen--;
		if (hold_or_write(r, p[j].s, p[j].i) != 0)
			*failed = 1;
	}
	free(p);
	r->in_known = r->early_known = INT64_MAX;
	if (!*failed && release(r) != 0)
		*failed = 1;
}

size_t qts_rs_barren(const qts_resampler *r, const char **first, qts_type *kind)
{
	size_t n = 0;
	for (size_t k = 0; k < r->nall; k++) {
		const sym *s = r->all[k];
		size_t i = 0;
		/* a slot opened is open still or has written its bar (floor) */
		while (i < r->conf.ntf && !s->s[i].open && s->s[i].floor == INT64_MIN)
			i++;
		if (!s->seen || i < r->conf.ntf)
			continue;
		if (!n++) {
			*first = s->name;
			*kind = s->kind;
		}
	}
	return n;
}

size_t qts_rs_ragged(const qts_resampler *r, const char **symbol, const char **tf, int64_t *start, int64_t *from)
{
	const sym *rs = r->rag_s;
	size_t ri = r->rag_i, n = r->ragged;
	/* the first bars under a day not judged yet (ragged_first): by the
	 * second interval, the input having never broken */
	for (size_t k = 0; k < r->nall; k++)
		for (size_t i = 0; i < r->conf.ntf; i++) {
			const slot *b = &r->all[k]->s[i];
			if (b->nth == 2 && b->second_lead < b->lead && !n++)
				rs = r->all[k], ri = i;
		}
	if (n) {
		const slot *b = &rs->s[ri];
		*symbol = rs->name;
		*tf = r->tfname[ri];
		*start = b->first_from;
		*from = b->first_in;
	}
	return n;
}

size_t qts_rs_finish(qts_resampler *r, int partial, int *failed)
{
	size_t n = 0;
	*failed = 0;
	for (size_t k = 0; k < r->nall; k++)
		for (size_t i = 0; i < r->conf.ntf; i++)
			n += r->all[k]->s[i].open;
	write_last(r, partial, n, failed);
	return n;
}

void qts_rs_free(qts_resampler *r)
{
	if (!r)
		return;
	qts_symtab_free(r->syms);
	free(r->batch);
	free(r->held);
	free(r->all);
	free(r->tf);
	free(r->tfname);
	free(r);
}

/* ---- checkpoints ---------------------------------------------------------- */

/* Every symbol's open bars, both ways (the clock's and the recent table's
 * contents are caches, found again as they are needed). */
static int rs_ck(qts_resampler *r, qts_ckpt *c)
{
	qts_ck_tag(c, "qts-resample");
	size_t ntf = r->conf.ntf;
	qts_ck_size(c, &ntf, r->conf.ntf);
	if (c->loading && !c->bad && ntf != r->conf.ntf)
		qts_ck_fail(c, "%zu timeframes, not %zu", ntf, r->conf.ntf);
	size_t n = qts_symtab_count(r->syms);
	qts_ck_size(c, &n, c->loading ? c->len / 8 : n);
	for (size_t k = 0; k < n && qts_ck_ok(c); k++) {
		char name[QTS_SYM_MAX];
		const char *key = NULL;
		sym *s = c->loading ? NULL : qts_symtab_at(r->syms, k, &key);
		if (!c->loading)
			QTS_SET(name, s->name);
		qts_ck_str(c, name, sizeof name);
		if (!qts_ck_ok(c))
			break;
		if (c->loading) {
			if (qts_symtab_find(r->syms, name)) {
				qts_ck_fail(c, "symbol %s twice", name);
				break;
			}
			if (!(s = qts_symtab_get(r->syms, name)))
				qts_die(QTS_EXIT_FAIL, "out of memory");
			QTS_SET(s->name, name);
			if (add_sym(r, s) != 0)
				qts_die(QTS_EXIT_FAIL, "out of memory");
		}
		int kind = s->kind;
		qts_ck_int(c, &kind);
		if (c->loading && kind != QTS_BAR && kind != QTS_TICK && kind != QTS_QUOTE && kind != 0)
			qts_ck_fail(c, "%s: made of events of type %d", name, kind);
		s->kind = (qts_type)kind;
		qts_ck_str(c, s->intf, sizeof s->intf);
		qts_ck_tf(c, &s->in);
		qts_ck_i64(c, &s->inlen), qts_ck_i64(c, &s->last), qts_ck_i64(c, &s->next_end);
		qts_ck_size(c, &s->nopen, r->conf.ntf);
		qts_ck_int(c, &s->seen), qts_ck_int(c, &s->plain_bars);
		qts_ck_i64(c, &s->place);
		qts_ck_u64(c, &s->opened);
		if (c->loading && s->opened >= r->opens)
			r->opens = s->opened + 1;
		for (size_t i = 0; i < r->conf.ntf; i++) {
			slot *b = &s->s[i];
			qts_ck_i64(c, &b->start), qts_ck_i64(c, &b->end), qts_ck_i64(c, &b->floor), qts_ck_i64(c, &b->due);
			qts_ck_i64(c, &b->reckoned);
			qts_ck_f64(c, &b->o), qts_ck_f64(c, &b->h), qts_ck_f64(c, &b->l), qts_ck_f64(c, &b->c);
			qts_ck_f64(c, &b->v);
			qts_ck_int(c, &b->open);
			/* (a checkpoint does not keep where the first interval's
			 * input started: a restored run judges no first bar) */
			if (c->loading)
				b->nth = 3;
			if (c->loading && b->open && b->due < r->next_due)
				r->next_due = b->due;
		}
	}
	/* the finished bars not yet written, and the time that holds them */
	qts_ck_i64(c, &r->in_known);
	size_t nheld = r->nheld;
	qts_ck_size(c, &nheld, c->loading ? c->len / 8 : nheld);
	for (size_t k = 0; k < nheld && qts_ck_ok(c); k++) {
		held h = c->loading ? (held){ 0 } : r->held[k];
		char name[QTS_SYM_MAX];
		if (!c->loading)
			QTS_SET(name, h.s->name);
		qts_ck_str(c, name, sizeof name);
		qts_ck_size(c, &h.i, r->conf.ntf - 1);
		qts_ck_i64(c, &h.known), qts_ck_i64(c, &h.start);
		qts_ck_f64(c, &h.o), qts_ck_f64(c, &h.h), qts_ck_f64(c, &h.l), qts_ck_f64(c, &h.c), qts_ck_f64(c, &h.v);
		if (!c->loading || !qts_ck_ok(c))
			continue;
		if (!(h.s = qts_symtab_find(r->syms, name))) {
			qts_ck_fail(c, "a held bar of %s, a symbol it has not", name);
			break;
		}
		if (r->nheld == r->capheld) {
			size_t cap = r->capheld ? 2 * r->capheld : 8;
			held *p = realloc(r->held, cap * sizeof *p);
			if (!p)
				qts_die(QTS_EXIT_FAIL, "out of memory");
			r->held = p, r->capheld = cap;
		}
		if (r->nheld && h.known < r->held[r->nheld - 1].known) {
			qts_ck_fail(c, "held bars out of order");
			break;
		}
		r->held[r->nheld++] = h;
	}
	if (c->loading && qts_ck_ok(c))
		find_early_known(r);
	return qts_ck_ok(c) ? 0 : -1;
}

int qts_rs_save(qts_resampler *r, qts_ckpt *c)
{
	return rs_ck(r, c);
}

int qts_rs_restore(qts_resampler *r, qts_ckpt *c)
{
	if (qts_symtab_count(r->syms)) {
		qts_ck_fail(c, "restored into an engine that has run");
		return -1;
	}
	return rs_ck(r, c);
}

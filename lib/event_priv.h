/* event_priv.h — the field schema of each event type, shared by the codecs. */
#ifndef QTS_EVENT_PRIV_H
#define QTS_EVENT_PRIV_H
#include "qts.h"

enum field_kind {
	FK_TS,      /* int64 ns; RFC 3339 in CSV */
	FK_STR,     /* text of at most size-1 bytes */
	FK_ENUM,    /* text, one of a fixed list */
	FK_NUM,     /* double, required */
	FK_OPTNUM,  /* double or empty (NaN) */
};

struct field {
	const char *name;
	enum field_kind kind;
	size_t offset, size;      /* into qts_event */
	const char *const *values; /* FK_ENUM: NULL-terminated */
};

struct schema {
	const char *name;
	const char *names; /* "ts,symbol,..." */
	int nfields;       /* after the type */
	struct field f[10];
	/* Optional fields after those (FK_OPTNUM, in f after the others):
	 * written only when one of them is not empty, read when the record
	 * has them (empty if not), so a stream without them keeps its bytes. */
	int ntail;
	const char *tail; /* ",interest,..." */
};

extern const struct schema qts_schema[QTS_UNKNOWN];

/* The fields ev of schema s is written with: nfields, or nfields + ntail
 * when one of the tail's is not empty. */
int qts_schema_count(const struct schema *s, const qts_event *ev);

/* The rules between the fields of market data that the reader of every
 * stage holds an event to, beside each number being finite (the schema):
 * a bar's open and close within its low and high, and a volume of 0 or
 * more; a trade's size and a quote's sizes of 0 or more, and a quote not
 * crossed.  One definition for the readers' hot paths and for
 * qts_event_fields_readable.  A bar whose open or close lies outside its
 * range is a price no one traded at: qts-sim would fill at it, an
 * indicator average it, qts-resample make a bar of it whose high is below
 * its low. */
static inline int qts_bar_fields_sound(const qts_event *ev)
{
	const double o = ev->bar.open, h = ev->bar.high, l = ev->bar.low, c = ev->bar.close;
	return l <= o && o <= h && l <= c && c <= h && ev->bar.volume >= 0;
}

/* A quote whose bid is above its ask, both sides there (a side of 0 or
 * below is empty: qts_quote_mid): no market is so, and qts-sim would buy
 * at the ask below the price it sells at. */
static inline int qts_quote_crossed(const qts_event *ev)
{
	return ev->type == QTS_QUOTE && ev->quote.bid > ev->quote.ask && ev->quote.ask > 0;
}

static inline int qts_sizes_sound(const qts_event *ev)
{
	if (ev->type == QTS_TICK)
		return !(ev->tick.size < 0);
	if (ev->type == QTS_QUOTE)
		return !(ev->quote.bid_size < 0 || ev->quote.ask_size < 0);
	return 1;
}

/* An equity's financing (interest, borrow, margin_interest): all three
 * given or all three empty (qts-events(5)), never a part of them. */
static inline int qts_financing_whole(const qts_event *ev)
{
	if (ev->type != QTS_EQUITY)
		return 1;
	int n = isnan(ev->equity.interest) + isnan(ev->equity.borrow) + isnan(ev->equity.margin_interest);
	return n == 0 || n == 3;
}

/* Whether s[0..n) is one of values; NULL values accepts anything. */
int qts_enum_ok(const char *const *values, const char *s, size_t n);

#endif

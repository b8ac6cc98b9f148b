/* qts_fetch.h — sources of market data for qts-fetch: vendor CSV layouts,
 * generated bars, and bar validation. */
#ifndef QTS_FETCH_H
#define QTS_FETCH_H
#include "qts.h"

/* ---- vendor CSV layouts (fetch_vendor.c) --------------------------------------- */

/* The longest symbol a vendor file is given (a file's name, NAME_MAX
 * bytes), kept whole for the reader to refuse one too long for a symbol. */
#define QTS_VENDOR_NAME_MAX 256

typedef struct qts_vendor_opts {
	const char *symbol;   /* where the file has no symbol column */
	qts_tf tf;            /* the bars' length; tf.n == 0: infer it */
	int stamp_end;        /* the file's times label the end of each bar */
	int adjust;           /* scale OHLC by Adj Close / Close */
	/* Times are epoch integers in this many ns; 0: dates, or epoch
	 * integers whose unit their number of digits tells. */
	int64_t epoch_unit;
	int local;            /* times without a zone are wall-clock time in TZ */
	char delimiter;       /* the field separator; 0: ',' */
	const char *date_format; /* layout of the date (or date and time) column,
				  * see qts_date_format_check; NULL: ISO forms */
	const char *columns;  /* comma-separated names in place of the file's
			       * header line, which is skipped; NULL: the header */
} qts_vendor_opts;

/* What qts_vendor_next returns for a row that does not parse, and for one
 * that holds no data (empty fields, or words such as null or NaN where
 * numbers belong: how vendors write a day without trading).  The reader
 * goes on with the next row when asked again. */
#define QTS_VENDOR_BAD (-2)
#define QTS_VENDOR_NO_DATA (-3)

typedef struct qts_vendor qts_vendor;
/* Read the header of a vendor CSV from in (which it then owns); NULL with a
 * message in err (at least 512 bytes) when no layout fits. */
qts_vendor *qts_vendor_open(qts_input *in, const qts_vendor_opts *o, char *err);
/* The same for a Parquet file (in starts with PAR1): its columns named
 * as a header's, or, when qts wrote it (qts_pq_event_type), its events
 * as they are; rows are `FILE: row N` in messages. */
qts_vendor *qts_vendor_open_parquet(qts_input *in, const qts_vendor_opts *o, char *err);
/* The layout recognised: "yahoo", "alphavantage", "stooq", "generic"
 * (bars), "trades", "quotes", or "qts" (events of a Parquet file). */
const char *qts_vendor_layout(const qts_vendor *v);
/* 1, 0 at the end, -1 on an error that ends the file, QTS_VENDOR_BAD or
 * QTS_VENDOR_NO_DATA for a row that does not parse (qts_vendor_error says
 * why and where). */
int qts_vendor_next(qts_vendor *v, qts_event *ev);
const char *qts_vendor_error(const qts_vendor *v);
const char *qts_vendor_where(qts_vendor *v); /* FILE:LINE of the last row */
long qts_vendor_rows(const qts_vendor *v); /* rows read so far, bad ones too */
/* A Parquet table of events (qts cat --parquet's, or of an event type's
 * columns): read as events, which no vendor option acts on. */
int qts_vendor_holds_events(const qts_vendor *v);
void qts_vendor_close(qts_vendor *v);
/* Whether a CSV's first line is a vendor header rather than an event: its
 * first field holds no digit and is no event type, and it is not a type
 * qts does not know followed by a time (an unknown event). */
int qts_vendor_is_header(const char *line, size_t n);
/* The same for fields separated by delim. */
int qts_vendor_is_header_sep(const char *line, size_t n, char delim);
/* Whether the n bytes at s could be the type of an event qts does not
 * know (a lowercase name that is no known type): a first field whose
 * line qts_vendor_is_header_sep must see to its second field. */
int qts_vendor_maybe_event_type(const char *s, size_t n);
/* NULL when fmt is a usable date format, else what is wrong with it.  A
 * format is text with %Y (4-digit year), %y (2 digits: 69-99 are 19xx,
 * 00-68 20xx), %m, %b (month as a number, as a name), %d, and optionally
 * %H, %I with %p (AM/PM), %M, %S (fraction allowed), %f (fraction), %%. */
const char *qts_date_format_check(const char *fmt);

/* ---- generated bars (fetch_synth.c) -------------------------------------------- */

typedef struct qts_synth_opts {
	uint64_t seed;
	qts_tf tf;
	int64_t from, to;          /* [from, to) in ns */
	long count;                /* bars per symbol; 0: up to `to` */
	int session_open, session_close; /* minutes after local midnight */
	const char *tz;            /* zone of the session; NULL: UTC */
	int daily_local;           /* daily and longer bars dated at tz's midnight, not UTC's */
} qts_synth_opts;

typedef struct qts_synth qts_synth;
/* symbols: comma-separated.  NULL with a message in err (>= 256 bytes). */
qts_synth *qts_synth_new(const char *symbols, const qts_synth_opts *o, char *err);
/* 0 when symbols is a list of one or more distinct symbols of 1 to
 * QTS_SYM_MAX - 1 bytes, else -1 with a message in err (>= 256 bytes). */
int qts_synth_check_symbols(const char *symbols, char *err);
/* 1, 0 at the end, -1 when the bars asked for would run past the last
 * time there is (2262-04-11). */
int qts_synth_next(qts_synth *s, qts_event *ev);
void qts_synth_free(qts_synth *s);

/* ---- validation (fetch_validate.c) --------------------------------------------- */

typedef struct qts_validator qts_validator;
qts_validator *qts_validator_new(void);
/* NULL when the bar is sound, else what is wrong with it (valid until the
 * next call).  Checks low <= open, close <= high, volume >= 0, finite
 * numbers, and time strictly increasing per symbol and timeframe. */
const char *qts_validate_bar(qts_validator *v, const qts_event *ev);
/* The same for any market data: a bar as above; a tick with a positive
 * price and a size >= 0; a quote with positive prices, sizes >= 0 and
 * bid <= ask; ticks and quotes in time order per symbol (equal times
 * allowed: many trades share a timestamp).  Other events are sound. */
const char *qts_validate(qts_validator *v, const qts_event *ev);
/* Whether the fault qts_validate just named is one the event reader of
 * every stage refuses too (a stream going back in time, a bar's low above
 * its high, a negative volume or size, a number not finite): a record
 * kept with it would only stop the next stage. */
int qts_validator_unreadable(const qts_validator *v);
/* Record an event as part of the stream (the next must not come before). */
void qts_validator_accept(qts_validator *v, const qts_event *ev);
void qts_validator_free(qts_validator *v);

#endif

/* qts_resample.h — calendar intervals of timeframes in UTC or in a time
 * zone, trading sessions, and the streaming bar aggregator behind
 * qts-resample(1). */
#ifndef QTS_RESAMPLE_H
#define QTS_RESAMPLE_H

#include "qts.h"

/* ---- local days (clock.c) ----------------------------------------------- */

/* One trading day: [start, end) in ns UTC.  It is the local calendar day,
 * or with a roll (an overnight session) the day from the roll's wall-clock
 * time on the date before to that time on its date: the session that opens
 * Sunday 17:00 is Monday's.  A day holds at most one change of UTC offset
 * (daylight saving time): off0 before shift, off1 from shift on (shift ==
 * end when there is none).  Near the ends of the int64 range a bound may
 * not fit: it is then INT64_MIN or INT64_MAX, which no whole second is,
 * and start_s and end_s hold it in seconds. */
typedef struct qts_day {
	int64_t start, end, shift;
	int64_t start_s, end_s;
	int64_t num;        /* its date, in days since 1970-01-01 */
	int32_t off0, off1; /* UTC offsets in seconds */
} qts_day;

/* A local calendar day, in seconds (clock.c's own). */
typedef struct qts_lday {
	int64_t num, a, b, shift;
	int32_t off0, off1;
} qts_lday;

/* UTC, or a zone of the system zoneinfo.  A zone is process-wide (it sets
 * TZ), so one program uses one zone. */
typedef struct qts_clock {
	int utc;
	int64_t roll;  /* wall-clock seconds at which the next trading day starts; 0: midnight */
	int64_t align; /* intraday intervals count from this long after the day's start (ns) */
	qts_day day;   /* the last trading day asked for: most questions hit it */
	qts_lday lday; /* the last local day looked up */
	int have_lday;
} qts_clock;

/* NULL or "UTC" is UTC.  0, or -1 when the zone is not installed or is
 * "" (an empty --tz is a mistake, not a way to say UTC). */
int qts_clock_init(qts_clock *c, const char *zone);
/* Trading days start at wall-clock time roll (ns since midnight, < 1d) on
 * the date before; 0 (the default) is midnight.  Intraday intervals count
 * from align (ns, < 1d) after the day's start. */
void qts_clock_set_day(qts_clock *c, int64_t roll, int64_t align);
/* The trading day holding instant t. */
const qts_day *qts_clock_day(qts_clock *c, int64_t t);
/* The instant that places a bar of [start, start + len) on a local date:
 * its middle, its own date whether it was stamped at 00:00 UTC or at local
 * midnight; for a daily bar stamped at 00:00 UTC in a zone at UTC+12 or
 * beyond, where the middle is the next date, half a day before it. */
int64_t qts_clock_bar_place(qts_clock *c, int64_t start, int64_t len);
/* The first instant of trading date num (days since 1970-01-01); INT64_MIN
 * or INT64_MAX when it does not fit. */
int64_t qts_clock_day_start(qts_clock *c, int64_t num);
/* Wall-clock time of day at t, in ns since local midnight. */
int64_t qts_clock_tod(qts_clock *c, int64_t t);
/* An option's zone, checked as qts_clock_init takes it: 0, or -1 with
 * "OPT: 'ZONE' is not an installed time zone" in err (errlen bytes; OPT
 * NULL leaves the prefix out, for a rules file's own). */
int qts_tz_option(const char *opt, const char *zone, char *err, size_t errlen);

/* The trading date of an instant for what lasts a day: an order good for
 * the day (qts-sim --tz --session, qts-risk's rules tz and session) and
 * qts-risk's daily loss.  The UTC date, or with a zone or an overnight
 * session the clock's trading day, the evening counted as the next date.
 * One place, so that the programs end a day alike. */
typedef struct qts_trade_days {
	qts_clock clock;
	int local;
	/* the timeframe last placed, parsed: a stream's bars share a few */
	char tf_text[QTS_WORD_MAX];
	qts_tf tf;
	int tf_ok;
} qts_trade_days;
/* zone NULL: UTC; roll: an overnight session's start (qts_session_roll).
 * 0, or -1 when the zone is not installed. */
int qts_trade_days_init(qts_trade_days *d, const char *zone, int64_t roll);
static inline int64_t qts_trade_day(qts_trade_days *d, int64_t t)
{
	return d->local ? qts_clock_day(&d->clock, t)->num : qts_floor_div(t, QTS_NS_PER_DAY);
}

/* What is dated by a day, at 00:00 UTC of its date (date, in ns): a
 * corporate action.  In UTC it is of the events at or after that time.
 * With a zone or an overnight session it is of the events of its trading
 * date or later: a bar is of the date of its first day's middle
 * (qts_clock_bar_place over at most a day), whether it was stamped at
 * local midnight (qts-fetch --tz: 15:00 UTC the day before, in Tokyo) or
 * at 00:00 UTC (the evening before, in New York); another event of the
 * date of its time.  One place, so that qts-sim and qts-risk apply a
 * split to the same bar. */
/* Where an event at ts (tf: a bar's timeframe, NULL for another event)
 * is placed for qts_trade_day_due. */
int64_t qts_trade_day_place(qts_trade_days *d, int64_t ts, const char *tf);
/* Whether what is dated date is due before an event placed at place. */
int qts_trade_day_due(qts_trade_days *d, int64_t date, int64_t place);
/* No event before this time can be placed on date or later. */
int64_t qts_trade_day_gate(const qts_trade_days *d, int64_t date);
/* The time what is dated date takes effect at, due before an event at
 * ts: date itself in UTC; else the start of its trading day, or ts when
 * that is earlier (a bar stamped at 00:00 UTC, before New York's day). */
int64_t qts_trade_day_at(qts_trade_days *d, int64_t date, int64_t ts);

/* ---- intervals of timeframes (resample_bucket.c) ---------------------------------- */

/* The interval [*start, *end) of timeframe tf that holds t.  Days, weeks
 * (from Monday) and months (calendar) follow the clock's trading dates;
 * seconds, minutes and hours count from the start of the trading day plus
 * the clock's align, and the first and last of a day are cut at its
 * bounds.  0, or when a bound is outside the int64 range -1 (the start)
 * or -2 (the end). */
int qts_bucket(qts_clock *c, qts_tf tf, int64_t t, int64_t *start, int64_t *end);
/* Whether bars of tf in can be summed into bars of tf out: 0, or -1 with
 * the reason in err (at least 128 bytes). */
int qts_tf_fits(qts_tf in, qts_tf out, char *err);

/* ---- trading sessions (resample_bucket.c) ----------------------------------------- */

/* `HH:MM-HH:MM` local wall-clock time, half-open; start after end is an
 * overnight session.  `24:00` is allowed as an end. */
typedef struct qts_session {
	int64_t start, end; /* ns since local midnight */
} qts_session;
int qts_session_parse(const char *s, qts_session *ss); /* 0 or -1 */
/* qts_session_parse for an option: 0, or -1 with "OPT: 'S' is not
 * HH:MM-HH:MM" in err (errlen bytes; OPT NULL: no prefix). */
int qts_session_option(const char *opt, const char *s, qts_session *ss, char *err, size_t errlen);
/* Where an overnight session's trading day starts (its open, ns after
 * local midnight); 0 for a session within a day, which changes no date. */
static inline int64_t qts_session_roll(const qts_session *ss)
{
	return ss->start > ss->end ? ss->start : 0;
}
/* Whether [tod, tod + len) lies within the session (len 0: an instant). */
int qts_session_holds(const qts_session *ss, int64_t tod, int64_t len);

/* ---- the aggregator (resample.c) ----------------------------------------- */

/* Receives every event the aggregator writes; returns 0, or -1 to stop. */
typedef int (*qts_rs_emit)(const qts_event *ev, void *arg);

typedef struct qts_rs_conf {
	const qts_tf *tf;            /* the timeframes to build, in order */
	size_t ntf;
	qts_clock *clock;            /* day, week and month boundaries */
	const qts_session *session;  /* NULL: every input counts */
	int keep;                    /* also emit the input bars, ticks, quotes */
	qts_rs_emit emit;
	void *arg;
} qts_rs_conf;

typedef struct qts_resampler qts_resampler;

/* NULL when out of memory. */
qts_resampler *qts_rs_new(const qts_rs_conf *conf);
/* Feed a bar, tick or quote.  Bars closed by its time are emitted first
 * (of every symbol, when it is past their end: qts_rs_advance), then the
 * input itself (keep), then bars it completes.  0, -1 on bad
 * input (qts_rs_error says what), -2 when emit failed. */
int qts_rs_put(qts_resampler *r, const qts_event *ev);
/* The stream has reached time t (an event other than market data, to be
 * passed on): the bars of every symbol that no later input can join are
 * emitted first (qts_rs_put does the same for its input).  0, -1 when out
 * of memory, -2 when emit failed. */
int qts_rs_advance(qts_resampler *r, int64_t t);
const char *qts_rs_error(const qts_resampler *r);
/* The symbols seen that no input of went into a bar, every one outside
 * the session or a quote without a bid or an ask: their count, the first
 * of them in order of appearance in *first, and its kind in *kind.  For
 * the end of input, before qts_rs_finish. */
size_t qts_rs_barren(const qts_resampler *r, const char **first, qts_type *kind);
/* The first bars (one a symbol and timeframe at most) whose input starts
 * later in their interval than the second bar's does, which may hold part
 * of it: their count, and of the first of them the symbol, timeframe,
 * start and the time of its first input.  At the end of input. */
size_t qts_rs_ragged(const qts_resampler *r, const char **symbol, const char **tf, int64_t *start, int64_t *from);
/* End of input: the count of unfinished bars, emitted when partial (then
 * *failed is set if emit failed), else dropped. */
size_t qts_rs_finish(qts_resampler *r, int partial, int *failed);
void qts_rs_free(qts_resampler *r);

/* --state: the open bars of every symbol into c, or back from it into an
 * aggregator just made from the same options (qts_checkpoint.h).  0 or -1. */
struct qts_ckpt;
int qts_rs_save(qts_resampler *r, struct qts_ckpt *c);
int qts_rs_restore(qts_resampler *r, struct qts_ckpt *c);

#endif

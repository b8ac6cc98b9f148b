/* qts_resample.h — calendar intervals of timeframes in UTC or in a time
 * zone, trading sessions, and the streaming bar aggregator behind
 * qts-resample(1). */
#ifndef QTS_RESAMPLE_H
#define QTS_RESAMPLE_H

#include "qts.h"

/* ---- local days (clock.c) ----------------------------------------------- */

/* One local calendar day: [start, end) in ns UTC.  A day holds at most one
 * change of UTC offset (daylight saving time): off0 before shift, off1
 * from shift on (shift == end when there is none). */
typedef struct qts_day {
	int64_t start, end, shift;
	int64_t num;        /* the local date, in days since 1970-01-01 */
	int32_t off0, off1; /* UTC offsets in seconds */
} qts_day;

/* UTC, or a zone of the system zoneinfo.  A zone is process-wide (it sets
 * TZ), so one program uses one zone. */
typedef struct qts_clock {
	int utc;
	qts_day day; /* the last day asked for: most questions hit it */
} qts_clock;

/* NULL, "" or "UTC" is UTC.  0, or -1 when the zone is not installed. */
int qts_clock_init(qts_clock *c, const char *zone);
/* The local day holding instant t. */
const qts_day *qts_clock_day(qts_clock *c, int64_t t);
/* The first instant of local date num (days since 1970-01-01). */
int64_t qts_clock_day_start(qts_clock *c, int64_t num);
/* Wall-clock time of day at t, in ns since local midnight. */
int64_t qts_clock_tod(qts_clock *c, int64_t t);

/* ---- intervals of timeframes (bucket.c) ---------------------------------- */

/* The interval [*start, *end) of timeframe tf that holds t.  Days, weeks
 * (from Monday) and months (calendar) follow the clock's local dates;
 * seconds, minutes and hours count from local midnight, and the last
 * one of a day ends at midnight when tf does not divide the day. */
void qts_bucket(qts_clock *c, qts_tf tf, int64_t t, int64_t *start, int64_t *end);
/* Whether bars of tf in can be summed into bars of tf out: 0, or -1 with
 * the reason in err (at least 128 bytes). */
int qts_tf_fits(qts_tf in, qts_tf out, char *err);

/* ---- trading sessions (bucket.c) ----------------------------------------- */

/* `HH:MM-HH:MM` local wall-clock time, half-open; start after end is an
 * overnight session.  `24:00` is allowed as an end. */
typedef struct qts_session {
	int64_t start, end; /* ns since local midnight */
} qts_session;
int qts_session_parse(const char *s, qts_session *ss); /* 0 or -1 */
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
/* Feed a bar, tick or quote.  Bars closed by its time are emitted first,
 * then the input itself (keep), then bars it completes.  0, -1 on bad
 * input (qts_rs_error says what), -2 when emit failed. */
int qts_rs_put(qts_resampler *r, const qts_event *ev);
const char *qts_rs_error(const qts_resampler *r);
/* End of input: the count of unfinished bars, emitted when partial (then
 * *failed is set if emit failed), else dropped. */
size_t qts_rs_finish(qts_resampler *r, int partial, int *failed);
void qts_rs_free(qts_resampler *r);

#endif

/* qts_time.h — checked arithmetic on times.  A time is int64 ns since the
 * epoch, from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z,
 * and the readers take every one of them: a bar's end, a latency or a day
 * boundary offset from a time near either end may fall outside, which is
 * an error to report, never a wrapped (or undefined) value. */
#ifndef QTS_TIME_H
#define QTS_TIME_H

#include "qts.h"

/* *out = t + d: 0, or -1 (*out untouched) when outside the range. */
static inline int qts_time_add(int64_t t, int64_t d, int64_t *out)
{
	int64_t r;
	if (__builtin_add_overflow(t, d, &r))
		return -1;
	*out = r;
	return 0;
}

/* *out = t - d: 0, or -1 when outside the range. */
static inline int qts_time_sub(int64_t t, int64_t d, int64_t *out)
{
	int64_t r;
	if (__builtin_sub_overflow(t, d, &r))
		return -1;
	*out = r;
	return 0;
}

/* *out = n * unit (a count of seconds or days, unit in ns): 0, or -1. */
static inline int qts_time_mul(int64_t n, int64_t unit, int64_t *out)
{
	int64_t r;
	if (__builtin_mul_overflow(n, unit, &r))
		return -1;
	*out = r;
	return 0;
}

/* The end of the interval of tf that starts at ts, as qts_tf_end, in *end:
 * 0, or -1 when it is past the last time (qts_tf_end saturates). */
int qts_tf_end_checked(qts_tf tf, int64_t ts, int64_t *end);

/* A duration in its largest whole unit (`1d`, `90m`, `250ms`, `7ns`). */
#define QTS_DURATION_MAX 32
int qts_duration_format(int64_t ns, char *buf);

/* Why t offset by what (`+ 1d`, `- 2s`, `+ latency 5s`) has no time: into
 * why (QTS_TIME_WHY bytes), "T + 1d is past 2262-04-11T23:47:16.854775807Z,
 * the last time qts can represent" (or "before ..., the first ..." when
 * past says so).  Returns why. */
#define QTS_TIME_WHY 160
const char *qts_time_range_why(int64_t t, const char *what, int past, char *why);

#endif

/* resample_bucket.c — the interval of a timeframe that holds an instant, whether
 * one timeframe sums into another, and trading sessions. */
#include "qts_resample.h"
#include "qts_time.h"

#include <stdio.h>
#include <string.h>

/* 1970-01-01 was a Thursday: Monday 1969-12-29 is day -3. */
#define MONDAY0 (-3)

int qts_bucket(qts_clock *c, qts_tf tf, int64_t t, int64_t *start, int64_t *end)
{
	const qts_day *d = qts_clock_day(c, t);
	int64_t num = d->num, first, last;
	switch (tf.unit) {
	case 's': case 'm': case 'h': {
		/* Reckoned from t by the time elapsed in the day (e, exact even
		 * where the day's start does not fit in ns): boundaries at
		 * align + k * len, the first and last cut at the day's bounds. */
		int64_t len = qts_tf_ns(tf);
		int64_t frac = qts_floor_mod(t, QTS_NS_PER_SEC);
		int64_t e = (qts_floor_div(t, QTS_NS_PER_SEC) - d->start_s) * QTS_NS_PER_SEC + frac;
		int64_t dl = (d->end_s - d->start_s) * QTS_NS_PER_SEC;
		int64_t a = c->align + qts_floor_div(e - c->align, len) * len;
		int64_t b = a + len < dl ? a + len : dl;
		if (a < 0)
			a = 0;
		return qts_time_sub(t, e - a, start) ? -1 : qts_time_add(t, b - e, end) ? -2 : 0;
	}
	case 'd':
		if (tf.n == 1) {
			*start = d->start;
			*end = d->end;
			return *start == INT64_MIN ? -1 : *end == INT64_MAX ? -2 : 0;
		}
		first = qts_floor_div(num, tf.n) * tf.n;
		last = first + tf.n;
		break;
	case 'w':
		first = MONDAY0 + qts_floor_div(num - MONDAY0, 7LL * tf.n) * 7 * tf.n;
		last = first + 7LL * tf.n;
		break;
	default: { /* months */
		int y;
		unsigned m, dd;
		qts_civil_from_days(num, &y, &m, &dd);
		int64_t idx = qts_floor_div((int64_t)y * 12 + m - 1, tf.n) * tf.n;
		int64_t nidx = idx + tf.n;
		first = qts_days_from_civil((int)qts_floor_div(idx, 12), (unsigned)(idx - qts_floor_div(idx, 12) * 12) + 1, 1);
		last = qts_days_from_civil((int)qts_floor_div(nidx, 12), (unsigned)(nidx - qts_floor_div(nidx, 12) * 12) + 1, 1);
		break;
	}
	}
	/* day_start may move the cache: take both bounds before returning. */
	int64_t s = qts_clock_day_start(c, first);
	int64_t e = qts_clock_day_start(c, last);
	*start = s;
	*end = e;
	return s == INT64_MIN ? -1 : e == INT64_MAX ? -2 : 0;
}

/* A nominal length in seconds, to tell "longer" from "does not divide". */
static double nominal(qts_tf tf)
{
	return tf.unit == 'M' ? tf.n * 30.436875 * 86400 : (double)qts_tf_ns(tf) / 1e9;
}

int qts_tf_fits(qts_tf in, qts_tf out, char *err)
{
	char a[16], b[16];
	int ok;
	int in_sub = strchr("smh", in.unit) != NULL, out_sub = strchr("smh", out.unit) != NULL;
	if (in_sub)
		ok = QTS_NS_PER_DAY % qts_tf_ns(in) == 0 && (!out_sub || qts_tf_ns(out) % qts_tf_ns(in) == 0);
	else if (in.unit == 'd')
		ok = (out.unit == 'd' && out.n % in.n == 0) || (in.n == 1 && (out.unit == 'w' || out.unit == 'M'));
	else
		ok = in.unit == out.unit && out.n % in.n == 0;
	if (ok)
		return 0;
	qts_tf_format(in, a);
	qts_tf_format(out, b);
	int64_t len = qts_tf_ns(out);
	if (nominal(in) > nominal(out))
		snprintf(err, 128, "bars of %s are longer than %s", a, b);
	else if (in.unit == 'd' && out_sub && len % QTS_NS_PER_DAY == 0)
		/* 1440m of daily bars: a day in hours is 24 hours counted from
		 * the start of the day, not the calendar's day (23 or 25 hours
		 * where the clocks change), and daily bars make only days. */
		snprintf(err, 128, "bars of %s do not divide %s, which counts hours within a day: write %lldd",
			 a, b, (long long)(len / QTS_NS_PER_DAY));
	else
		snprintf(err, 128, "bars of %s do not divide %s", a, b);
	return -1;
}

static int hhmm(const char *s, int64_t *ns)
{
	if (!(s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] == ':' &&
	      s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9'))
		return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || (h == 24 && m != 0))
		return -1;
	*ns = (h * 3600LL + m * 60LL) * QTS_NS_PER_SEC;
	return 0;
}

int qts_session_parse(const char *s, qts_session *ss)
{
	if (strlen(s) != 11 || s[5] != '-' || hhmm(s, &ss->start) || hhmm(s + 6, &ss->end))
		return -1;
	if (ss->start == ss->end || ss->start == QTS_NS_PER_DAY)
		return -1;
	return 0;
}

int qts_session_option(const char *opt, const char *s, qts_session *ss, char *err, size_t errlen)
{
	if (qts_session_parse(s, ss) == 0)
		return 0;
	snprintf(err, errlen, "%s%s'%.200s' is not HH:MM-HH:MM", opt ? opt : "", opt ? ": " : "", s);
	return -1;
}

int qts_session_holds(const qts_session *ss, int64_t tod, int64_t len)
{
	int64_t end = tod + len;
	if (ss->start < ss->end)
		return tod >= ss->start && (len ? end <= ss->end : tod < ss->end);
	/* Overnight: the evening part (a bar may run on past midnight) or the
	 * morning part. */
	if (tod >= ss->start)
		return len ? end <= QTS_NS_PER_DAY + ss->end : 1;
	return len ? end <= ss->end : tod < ss->end;
}

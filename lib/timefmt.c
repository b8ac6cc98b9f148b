/* timefmt.c — time in the stream: RFC 3339 UTC with nanoseconds, bare dates,
 * timeframes and durations.  Civil-date arithmetic follows Howard Hinnant's
 * days_from_civil algorithm, which is exact for every proleptic Gregorian
 * date and needs no time zone database. */
#include "qts_time.h"

#include <string.h>
#include <strings.h>
#include <time.h>

int64_t qts_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void qts_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400) + (*m <= 2);
}

static int digits(const char *s, size_t n, size_t at, int count, int *out)
{
	int v = 0;
	if (at + (size_t)count > n)
		return -1;
	for (int i = 0; i < count; i++) {
		char c = s[at + (size_t)i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

static unsigned days_in_month(int y, int m)
{
	static const unsigned char dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return dm[m - 1] + (m == 2 && leap);
}

const char *qts_time_wrong(int code)
{
	if (code == QTS_TIME_TOO_FINE)
		return "has more than 9 digits of fraction: nanoseconds are the finest time qts keeps";
	if (code == QTS_TIME_OUT_OF_RANGE)
		return "is out of range: " QTS_TIME_RANGE_SAID;
	return "is not a time (RFC 3339 or YYYY-MM-DD)";
}

int qts_time_parse(const char *s, size_t n, int64_t *ns)
{
	return qts_time_parse_zoned(s, n, ns, NULL);
}

int qts_time_parse_zoned(const char *s, size_t n, int64_t *ns, int *zoned)
{
	/* Streams hold many times of one day in a row: the last date's day
	 * number is kept (per thread, so the cache is safe anywhere). */
	static _Thread_local char last_date[10];
	static _Thread_local int64_t last_days;
	static _Thread_local int have_last; /* else ten NUL bytes matched the empty cache */
	int y, mo, d, h = 0, mi = 0, se = 0;
	int64_t frac = 0, days;
	int too_fine = 0;
	if (have_last && n >= 10 && memcmp(s, last_date, 10) == 0)
		days = last_days;
	else {
		if (digits(s, n, 0, 4, &y) || n < 10 || s[4] != '-' || digits(s, n, 5, 2, &mo) ||
		    s[7] != '-' || digits(s, n, 8, 2, &d))
			return -1;
		if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > days_in_month(y, mo))
			return -1;
		days = qts_days_from_civil(y, (unsigned)mo, (unsigned)d);
		memcpy(last_date, s, 10);
		last_days = days;
		have_last = 1;
	}
	size_t i = 10;
	int64_t offset = 0;
	if (zoned)
		*zoned = 0;
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		if (digits(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' ||
		    digits(s, n, i + 4, 2, &mi))
			return -1;
		i += 6;
		if (i < n && s[i] == ':') {
			if (digits(s, n, i + 1, 2, &se))
				return -1;
			i += 3;
			if (i < n && (s[i] == '.' || s[i] == ',')) {
				int64_t scale = 100000000;
				size_t start = ++i;
				for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
					if (scale)
						frac += (s[i] - '0') * scale;
					else
						too_fine = 1;
				if (i == start)
					return -1;
			}
		}
		if (h > 23 || mi > 59 || se > 59)
			return -1;
		if (i < n) {
			if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
				i++;
				if (zoned)
					*zoned = 1;
			}
			else if (s[i] == '+' || s[i] == '-') {
				int oh, om;
				size_t at = i + 1;
				if (digits(s, n, at, 2, &oh))
					return -1;
				at += 2;
				if (at < n && s[at] == ':')
					at++;
				/* +HH alone is ISO 8601 too, and PostgreSQL's
				 * timestamptz text: 2024-01-02 14:30:00+00. */
				if (at == n && s[at - 1] != ':')
					om = 0;
				else if (digits(s, n, at, 2, &om) || at + 2 != n)
					return -1;
				if (oh > 23 || om > 59)
					return -1;
				offset = (oh * 3600LL + om * 60LL) * (s[i] == '-' ? -1 : 1);
				i = n;
				if (zoned)
					*zoned = 1;
			}
		}
		if (i != n)
			return -1;
	}
	/* A digit past the ninth would be cut off, and the time read as
	 * another: nanoseconds are the finest time there is in a stream. */
	if (too_fine)
		return QTS_TIME_TOO_FINE;
	int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset;
	/* Four-digit years reach far beyond int64 nanoseconds (1677-09-21 to
	 * 2262-04-11): refuse what does not fit rather than overflow.  A
	 * negative time takes its fraction from the next second up, so the
	 * first nanoseconds of the range are not lost to the intermediate. */
	if (frac && secs < 0)
		secs++, frac -= QTS_NS_PER_SEC;
	int64_t t;
	if (__builtin_mul_overflow(secs, QTS_NS_PER_SEC, &t) || __builtin_add_overflow(t, frac, &t))
		return QTS_TIME_OUT_OF_RANGE;
	*ns = t;
	return 0;
}

static char *put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* ns since the epoch as a civil date, seconds of the day and the fraction
 * of the second in ns (floored, so times before 1970 come out right). */
struct civil {
	int y;
	unsigned m, d;
	int64_t sod, frac;
};

static struct civil civil_of(int64_t ns)
{
	struct civil c;
	int64_t secs = qts_floor_div(ns, QTS_NS_PER_SEC);
	c.frac = qts_floor_mod(ns, QTS_NS_PER_SEC);
	int64_t days = qts_floor_div(secs, 86400);
	c.sod = qts_floor_mod(secs, 86400);
	qts_civil_from_days(days, &c.y, &c.m, &c.d);
	return c;
}

int qts_time_format(int64_t ns, char *buf)
{
	struct civil c = civil_of(ns);
	const int y = c.y;
	const unsigned m = c.m, d = c.d;
	const int64_t sod = c.sod, frac = c.frac;
	char *p = buf;
	if (y < 0 || y > 9999)
		p += snprintf(p, 12, "%+05d", y);
	else {
		p = put2(p, (unsigned)y / 100);
		p = put2(p, (unsigned)y % 100);
	}
	*p++ = '-';
	p = put2(p, m);
	*p++ = '-';
	p = put2(p, d);
	*p++ = 'T';
	p = put2(p, (unsigned)(sod / 3600));
	*p++ = ':';
	p = put2(p, (unsigned)(sod / 60 % 60));
	*p++ = ':';
	p = put2(p, (unsigned)(sod % 60));
	if (frac) {
		/* 3, 6 or 9 digits: milli-, micro- or nanoseconds. */
		int nd = frac % 1000000 == 0 ? 3 : frac % 1000 == 0 ? 6 : 9;
		int64_t f = nd == 3 ? frac / 1000000 : nd == 6 ? frac / 1000 : frac;
		*p++ = '.';
		for (int i = nd - 1; i >= 0; i--, f /= 10)
			p[i] = (char)('0' + f % 10);
		p += nd;
	}
	*p++ = 'Z';
	*p = '\0';
	return (int)(p - buf);
}

int qts_tf_parse(const char *s, qts_tf *tf)
{
	long n = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && n < 1000000)
		n = n * 10 + (*p++ - '0');
	if (p == s)
		n = 1; /* `d` means `1d` */
	if (n < 1 || n >= 1000000 || !p[0] || p[1] || !strchr("smhdwM", p[0]))
		return -1;
	tf->n = (int)n;
	tf->unit = p[0];
	/* One length, one name: 60m is 1h and 120s 2m, in the largest of
	 * these units that holds it whole (days, weeks and months follow a
	 * calendar, 24h does not: they stay apart). */
	if (tf->unit == 's' && tf->n % 60 == 0)
		tf->n /= 60, tf->unit = 'm';
	if (tf->unit == 'm' && tf->n % 60 == 0)
		tf->n /= 60, tf->unit = 'h';
	return 0;
}

int qts_tf_format(qts_tf tf, char *buf)
{
	return snprintf(buf, 16, "%d%c", tf.n, tf.unit);
}

/* Spellings of other tools and vendors' files (1D, 1min, 1day, 1mo, 1y,
 * ' 1d'): the timeframe qts writes for them, so that a refusal can say
 * what to write and not only that it is wrong. */
int qts_tf_suggest(const char *s, char *buf)
{
	static const struct {
		const char *word;
		char unit;
		int times;
	} words[] = {
		{ "S", 's', 1 },   { "sec", 's', 1 },    { "secs", 's', 1 },   { "second", 's', 1 }, { "seconds", 's', 1 },
		{ "min", 'm', 1 }, { "mins", 'm', 1 },   { "minute", 'm', 1 }, { "minutes", 'm', 1 }, { "H", 'h', 1 },
		{ "hr", 'h', 1 },  { "hrs", 'h', 1 },    { "hour", 'h', 1 },   { "hours", 'h', 1 },  { "D", 'd', 1 },
		{ "day", 'd', 1 }, { "days", 'd', 1 },   { "W", 'w', 1 },      { "wk", 'w', 1 },     { "wks", 'w', 1 },
		{ "week", 'w', 1 }, { "weeks", 'w', 1 }, { "mo", 'M', 1 },     { "mon", 'M', 1 },    { "mos", 'M', 1 },
		{ "mth", 'M', 1 }, { "month", 'M', 1 },  { "months", 'M', 1 },
		{ "y", 'M', 12 },  { "Y", 'M', 12 },  { "yr", 'M', 12 },    { "year", 'M', 12 },  { "years", 'M', 12 },
	};
	char t[32];
	size_t n = 0;
	/* blanks anywhere go: ' 1d', '1 d' */
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if (n == sizeof t - 1)
			return -1;
		t[n++] = *p;
	}
	t[n] = '\0';
	qts_tf tf;
	if (strcmp(t, s) != 0 && qts_tf_parse(t, &tf) == 0)
		return qts_tf_format(tf, buf), 0;
	const char *p = t;
	long count = 0;
	while (*p >= '0' && *p <= '9' && count < 1000000)
		count = count * 10 + (*p++ - '0');
	if (p == t)
		count = 1;
	if (count < 1 || count >= 1000000)
		return -1;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		/* one letter is matched as written (m is minutes, M months);
		 * a word in any case (1Min, 1DAY) */
		const char *w = words[i].word;
		if (w[1] ? strcasecmp(p, w) != 0 : strcmp(p, w) != 0)
			continue;
		char spelled[24];
		snprintf(spelled, sizeof spelled, "%ld%c", count * words[i].times, words[i].unit);
		if (qts_tf_parse(spelled, &tf) != 0)
			return -1;
		return qts_tf_format(tf, buf), 0;
	}
	return -1;
}

const char *qts_tf_hint(const char *s, char *buf)
{
	char fix[16];
	buf[0] = '\0';
	if (qts_tf_suggest(s, fix) == 0) {
		snprintf(buf, 32, ": write %s", fix);
	} else {
		/* a unit of qts's with a count out of range (0d, 1000000m):
		 * nothing to suggest, but the range to keep to */
		size_t digits = strspn(s, "0123456789");
		if (digits && s[digits] && !s[digits + 1] && strchr("smhdwM", s[digits]))
			snprintf(buf, 32, ": the count is 1 to 999999");
	}
	return buf;
}

int qts_tf_end_checked(qts_tf tf, int64_t ts, int64_t *end)
{
	if (tf.unit != 'M')
		return qts_time_add(ts, qts_tf_ns(tf), end);
	/* The day and the time of day, floored (ts may be before 1970). */
	int64_t rest = qts_floor_mod(ts, QTS_NS_PER_DAY);
	int64_t days = qts_floor_div(ts, QTS_NS_PER_DAY);
	int y;
	unsigned m, d;
	qts_civil_from_days(days, &y, &m, &d);
	int64_t idx = (int64_t)y * 12 + m - 1 + tf.n;
	int ny = (int)qts_floor_div(idx, 12);
	unsigned nm = (unsigned)(idx - (int64_t)ny * 12) + 1;
	int64_t first = qts_days_from_civil(ny, nm, 1);
	int64_t after = qts_days_from_civil(nm == 12 ? ny + 1 : ny, nm == 12 ? 1 : nm + 1, 1);
	/* The same day of the month, clamped to the target month (Jan 30 +
	 * 1M = Feb 29); the last day of a month goes to the last day (Apr 30
	 * + 1M = May 31): a month that starts at local midnight east of UTC,
	 * or at an evening session's open, starts on the last UTC day of the
	 * month before, and must end on the last of its own. */
	int last = qts_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - days == 1;
	int64_t nd = last || first + d - 1 >= after ? after - 1 : first + d - 1;
	int64_t t;
	if (qts_time_mul(nd, QTS_NS_PER_DAY, &t) || qts_time_add(t, rest, &t))
		return -1;
	*end = t;
	return 0;
}

int64_t qts_tf_end(qts_tf tf, int64_t ts)
{
	int64_t end;
	return qts_tf_end_checked(tf, ts, &end) == 0 ? end : INT64_MAX;
}

int qts_duration_parse(const char *s, int64_t *ns)
{
	static const struct { const char *suffix; int64_t ns; } units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", QTS_NS_PER_SEC },
		{ "m", 60 * QTS_NS_PER_SEC }, { "h", 3600 * QTS_NS_PER_SEC }, { "d", QTS_NS_PER_DAY },
	};
	const char *p = s;
	double v = 0;
	if (strcmp(s, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (!(*p >= '0' && *p <= '9'))
		return -1;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	if (*p == '.') {
		double scale = 0.1;
		for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
			v += (*p - '0') * scale;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(p, units[i].suffix) == 0) {
			double r = v * (double)units[i].ns;
			if (r > 9.2e18)
				return -1;
			*ns = (int64_t)(r + 0.5);
			return 0;
		}
	return -1;
}

int qts_local_instants(int64_t wall, int64_t *early, int64_t *late)
{
	struct civil c = civil_of(wall);
	struct tm want = { .tm_year = c.y - 1900, .tm_mon = (int)c.m - 1, .tm_mday = (int)c.d,
			   .tm_hour = (int)(c.sod / 3600), .tm_min = (int)(c.sod / 60 % 60), .tm_sec = (int)(c.sod % 60) };
	int64_t got[2];
	int n = 0;
	/* As standard time, then as daylight saving time: each reading that
	 * gives this wall-clock time back is an instant it names. */
	for (int dst = 0; dst <= 1; dst++) {
		struct tm tm = want, back;
		tm.tm_isdst = dst;
		time_t t = mktime(&tm);
		int64_t ns;
		if (!localtime_r(&t, &back) || back.tm_year != want.tm_year || back.tm_mon != want.tm_mon ||
		    back.tm_mday != want.tm_mday || back.tm_hour != want.tm_hour || back.tm_min != want.tm_min ||
		    back.tm_sec != want.tm_sec || qts_time_mul((int64_t)t, QTS_NS_PER_SEC, &ns) ||
		    qts_time_add(ns, c.frac, &ns))
			continue;
		if (n == 0 || ns != got[0])
			got[n++] = ns;
	}
	if (n == 0)
		*early = *late = qts_local_to_utc(wall);
	else {
		*early = n == 2 && got[1] < got[0] ? got[1] : got[0];
		*late = n == 2 && got[1] > got[0] ? got[1] : got[0];
	}
	return n;
}


int64_t qts_local_bound(int64_t wall, int last)
{
	int64_t early, late;
	int n = qts_local_instants(wall, &early, &late);
	if (n)
		return last ? late : early;
	/* Skipped: the instant of the change, the first whose wall clock
	 * reads past wall.  mktime reads wall at the offset before the
	 * change, an instant after it (02:30 EST is 03:30 EDT); the change
	 * lies back from there by the size of the gap, an hour in most
	 * zones, a whole day where a date was dropped (Samoa, 2011). */
	int64_t hi = early, lo = hi, step = 3600 * QTS_NS_PER_SEC;
	if (hi == INT64_MAX || hi == INT64_MIN || qts_utc_to_local(hi) < wall)
		return hi;
	for (;;) {
		if (__builtin_sub_overflow(hi, step, &lo))
			return hi;
		if (qts_utc_to_local(lo) < wall)
			break;
		if (step > 2 * QTS_NS_PER_DAY)
			return hi;
		step *= 2;
	}
	while (hi - lo > 1) {
		int64_t mid = lo + (hi - lo) / 2;
		if (qts_utc_to_local(mid) < wall)
			lo = mid;
		else
			hi = mid;
	}
	return last ? hi - 1 : hi;
}

int64_t qts_utc_to_local(int64_t t)
{
	time_t sec = (time_t)qts_floor_div(t, QTS_NS_PER_SEC);
	struct tm tm;
	int64_t wall;
	if (!localtime_r(&sec, &tm) || qts_time_add(t, (int64_t)tm.tm_gmtoff * QTS_NS_PER_SEC, &wall))
		return t;
	return wall;
}

int64_t qts_local_date(int64_t t)
{
	return qts_floor_div(qts_utc_to_local(t), QTS_NS_PER_DAY);
}

int64_t qts_local_to_utc(int64_t wall)
{
	struct civil c = civil_of(wall);
	struct tm tm = { .tm_year = c.y - 1900, .tm_mon = (int)c.m - 1, .tm_mday = (int)c.d,
			 .tm_hour = (int)(c.sod / 3600), .tm_min = (int)(c.sod / 60 % 60), .tm_sec = (int)(c.sod % 60),
			 .tm_isdst = -1 };
	/* Past either end of the range, the end itself (synth days only). */
	int64_t t;
	if (qts_time_mul((int64_t)mktime(&tm), QTS_NS_PER_SEC, &t) || qts_time_add(t, c.frac, &t))
		return wall < 0 ? INT64_MIN : INT64_MAX;
	return t;
}

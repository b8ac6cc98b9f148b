/* test_time.c — checked time arithmetic, month ends, trading days of
 * overnight sessions and intervals near the ends of int64 nanoseconds.
 * Expected instants are worked out by hand: America/Chicago is UTC-6 in
 * winter (CST) and UTC-5 from 2024-03-10 02:00 (CDT). */
#include "qts_resample.h"
#include "qts_time.h"
#include "tap.h"

static int64_t T(const char *s)
{
	int64_t ns = 0;
	if (qts_time_parse(s, strlen(s), &ns) != 0)
		printf("# bad time %s\n", s);
	return ns;
}

static qts_tf TF(const char *s)
{
	qts_tf tf = { 1, 'd' };
	if (qts_tf_parse(s, &tf) != 0)
		printf("# bad tf %s\n", s);
	return tf;
}

static void check_time(int64_t got, const char *want, const char *what)
{
	char g[40];
	qts_time_format(got, g);
	CHECK_STR(g, want, what);
}

static void checked(void)
{
	int64_t t = 0;
	CHECK(qts_time_add(INT64_MAX - 5, 5, &t) == 0 && t == INT64_MAX, "add: up to the last time");
	t = 7;
	CHECK(qts_time_add(INT64_MAX - 5, 6, &t) == -1 && t == 7, "add: past it, out untouched");
	CHECK(qts_time_add(INT64_MIN + 5, -6, &t) == -1, "add: before the first time");
	CHECK(qts_time_sub(INT64_MIN + 5, 6, &t) == -1, "sub: before the first time");
	CHECK(qts_time_sub(INT64_MAX, INT64_MIN, &t) == -1, "sub: a span wider than the range");
	CHECK(qts_time_mul(106752, QTS_NS_PER_DAY, &t) == -1, "mul: day 106752 has no time");
	CHECK(qts_time_mul(106751, QTS_NS_PER_DAY, &t) == 0, "mul: day 106751 has");

	int64_t end = 0;
	CHECK(qts_tf_end_checked(TF("1d"), T("2262-04-11T00:00:00Z"), &end) == -1, "1d from 2262-04-11: no end");
	CHECK(qts_tf_end_checked(TF("1m"), T("2262-04-11T23:46:00Z"), &end) == 0, "1m from 23:46: an end");
	check_time(end, "2262-04-11T23:47:00Z", "1m from 23:46 ends 23:47");
	CHECK(qts_tf_end_checked(TF("1M"), T("2262-03-11T23:50:00Z"), &end) == -1, "1M past the last time");
	CHECK(qts_tf_end_checked(TF("1M"), INT64_MIN, &end) == 0, "1M from the first time (was an overflow)");
	check_time(end, "1677-10-21T00:12:43.145224192Z", "1M from the first time");
	CHECK(qts_tf_end(TF("1w"), INT64_MAX - 1) == INT64_MAX, "qts_tf_end still saturates");
	/* found by tests/fuzz/fuzz_options ("\\003M"): 1M from the ends of the range */
	CHECK(qts_tf_end(TF("1M"), INT64_MAX - 1) == INT64_MAX, "1M from the last time saturates");
	CHECK(qts_tf_end(TF("1M"), INT64_MIN + 1) > INT64_MIN + 1, "1M from the first time has an end");

	/* The last day of a month goes to the last day. */
	qts_tf_end_checked(TF("1M"), T("2024-02-29T23:00:00Z"), &end);
	check_time(end, "2024-03-31T23:00:00Z", "Feb 29 + 1M = Mar 31 (was Mar 29: 2 days early)");
	qts_tf_end_checked(TF("1M"), T("2024-04-30T15:00:00Z"), &end);
	check_time(end, "2024-05-31T15:00:00Z", "Apr 30 + 1M = May 31 (Tokyo's June starts then)");
	qts_tf_end_checked(TF("1M"), T("2024-01-30T00:00:00Z"), &end);
	check_time(end, "2024-02-29T00:00:00Z", "Jan 30 + 1M clamps to Feb 29");
	qts_tf_end_checked(TF("1M"), T("2024-04-29T00:00:00Z"), &end);
	check_time(end, "2024-05-29T00:00:00Z", "Apr 29 + 1M = May 29: not a last day");
	qts_tf_end_checked(TF("3M"), T("2023-12-31T23:00:00Z"), &end);
	check_time(end, "2024-03-31T23:00:00Z", "Dec 31 + 3M = Mar 31");

	char buf[QTS_TIME_WHY];
	CHECK_STR(qts_time_range_why(T("2262-04-11T00:00:00Z"), "+ 1d", 1, buf),
		  "2262-04-11T00:00:00Z + 1d is past 2262-04-11T23:47:16.854775807Z, the last time qts can represent",
		  "range message, past");
	CHECK_STR(qts_time_range_why(T("1677-09-22T00:00:00Z"), "- 2d", 0, buf),
		  "1677-09-22T00:00:00Z - 2d is before 1677-09-21T00:12:43.145224192Z, the first time qts can represent",
		  "range message, before");
	char d[QTS_DURATION_MAX];
	qts_duration_format(QTS_NS_PER_DAY, d);
	CHECK_STR(d, "1d", "duration 1d");
	qts_duration_format(90 * 60 * QTS_NS_PER_SEC, d);
	CHECK_STR(d, "90m", "duration 90m");
	qts_duration_format(250000000, d);
	CHECK_STR(d, "250ms", "duration 250ms");
	qts_duration_format(7, d);
	CHECK_STR(d, "7ns", "duration 7ns");
}

static void trading_days(void)
{
	qts_clock c;
	CHECK(qts_clock_init(&c, "America/Chicago") == 0, "Chicago clock");
	qts_clock_set_day(&c, 17 * 3600 * QTS_NS_PER_SEC, 0);
	/* Sunday 2024-01-07 17:00 CST (23:00Z) opens Monday 8th. */
	const qts_day *d = qts_clock_day(&c, T("2024-01-08T03:00:00Z"));
	check_time(d->start, "2024-01-07T23:00:00Z", "Sunday 21:00 CST: Monday's day starts Sunday 17:00");
	check_time(d->end, "2024-01-08T23:00:00Z", "and ends Monday 17:00");
	CHECK(d->num == qts_days_from_civil(2024, 1, 8), "dated Monday");
	d = qts_clock_day(&c, T("2024-01-08T22:59:59Z"));
	CHECK(d->num == qts_days_from_civil(2024, 1, 8), "Monday 16:59:59 CST: still Monday's");
	d = qts_clock_day(&c, T("2024-01-08T23:00:00Z"));
	CHECK(d->num == qts_days_from_civil(2024, 1, 9), "Monday 17:00 CST: Tuesday's");
	/* Across the change: Saturday 9th 17:00 CST to Sunday 10th 17:00 CDT
	 * is 23 hours; Monday 11th's opens 22:00Z. */
	d = qts_clock_day(&c, T("2024-03-10T12:00:00Z"));
	check_time(d->start, "2024-03-09T23:00:00Z", "Sunday 10th's day from Saturday 17:00 CST");
	check_time(d->end, "2024-03-10T22:00:00Z", "to Sunday 17:00 CDT");
	check_time(d->shift, "2024-03-10T08:00:00Z", "the change at 02:00 CST");
	CHECK(d->off0 == -6 * 3600 && d->off1 == -5 * 3600, "offsets CST then CDT");
	CHECK(qts_clock_tod(&c, T("2024-03-10T22:30:00Z")) == (17 * 3600 + 1800) * QTS_NS_PER_SEC,
	      "wall clock 17:30 CDT");
	check_time(qts_clock_day_start(&c, qts_days_from_civil(2024, 3, 11)), "2024-03-10T22:00:00Z",
		   "Monday 11th starts Sunday 17:00 CDT");

	int64_t a, b;
	CHECK(qts_bucket(&c, TF("4h"), T("2024-01-08T06:30:00Z"), &a, &b) == 0, "4h bucket");
	check_time(a, "2024-01-08T03:00:00Z", "4h from the open: 21:00 CST");
	check_time(b, "2024-01-08T07:00:00Z", "to 01:00 CST, across midnight");
	qts_bucket(&c, TF("1w"), T("2024-01-12T20:00:00Z"), &a, &b);
	check_time(a, "2024-01-07T23:00:00Z", "week from Sunday 17:00 CST");
	check_time(b, "2024-01-14T23:00:00Z", "to the next Sunday 17:00");
	qts_bucket(&c, TF("1M"), T("2024-02-29T23:30:00Z"), &a, &b);
	check_time(a, "2024-02-29T23:00:00Z", "March from Feb 29 17:00 CST");
	check_time(b, "2024-03-31T22:00:00Z", "to Mar 31 17:00 CDT");

	/* An offset: hours from 00:30 in UTC. */
	qts_clock_init(&c, NULL);
	qts_clock_set_day(&c, 0, 30 * 60 * QTS_NS_PER_SEC);
	qts_bucket(&c, TF("1h"), T("2024-01-02T00:10:00Z"), &a, &b);
	check_time(a, "2024-01-02T00:00:00Z", "offset: the first interval from midnight");
	check_time(b, "2024-01-02T00:30:00Z", "to the offset");
	qts_bucket(&c, TF("1h"), T("2024-01-02T23:50:00Z"), &a, &b);
	check_time(a, "2024-01-02T23:30:00Z", "offset: the last from 23:30");
	check_time(b, "2024-01-03T00:00:00Z", "to midnight");
}

static void extremes(void)
{
	qts_clock c;
	int64_t a, b;
	qts_clock_init(&c, NULL);
	CHECK(qts_bucket(&c, TF("1d"), T("2262-04-11T12:00:00Z"), &a, &b) == -2, "1d of 2262-04-11: no end");
	CHECK(qts_bucket(&c, TF("1d"), T("1677-09-21T12:00:00Z"), &a, &b) == -1, "1d of 1677-09-21: no start");
	CHECK(qts_bucket(&c, TF("1d"), T("1677-09-22T12:00:00Z"), &a, &b) == 0, "1d of 1677-09-22 fits");
	check_time(a, "1677-09-22T00:00:00Z", "its start");
	CHECK(qts_bucket(&c, TF("1m"), INT64_MIN + 60 * QTS_NS_PER_SEC, &a, &b) == 0, "1m near the first time");
	check_time(a, "1677-09-21T00:13:00Z", "1m start reckoned across the clipped day");
	CHECK(qts_bucket(&c, TF("1m"), INT64_MAX, &a, &b) == -2, "1m of the last time: no end");
	CHECK(qts_bucket(&c, TF("1w"), T("1677-09-30T00:00:00Z"), &a, &b) == 0, "1w in 1677 fits");
	check_time(a, "1677-09-27T00:00:00Z", "from Monday");
	CHECK(qts_bucket(&c, TF("1M"), T("2262-03-15T00:00:00Z"), &a, &b) == 0, "March 2262 fits");
	CHECK(qts_bucket(&c, TF("1M"), T("2262-04-01T00:00:00Z"), &a, &b) == -2, "April 2262 does not");
	CHECK(qts_clock_tod(&c, INT64_MIN) == (12 * 60 + 43) * QTS_NS_PER_SEC + 145224192, "tod of the first time");
	qts_clock_init(&c, "America/Chicago");
	CHECK(qts_bucket(&c, TF("1d"), T("2262-04-11T02:00:00Z"), &a, &b) == 0, "Chicago: 2262-04-10 ends at 05:00Z");
	CHECK(qts_bucket(&c, TF("1d"), T("2262-04-11T12:00:00Z"), &a, &b) == -2, "Chicago: 2262-04-11 does not end");
	CHECK(qts_bucket(&c, TF("1h"), T("2262-04-11T12:00:00Z"), &a, &b) == 0, "Chicago: its hours do");

	qts_session s;
	qts_session_parse("17:00-16:00", &s);
	CHECK(qts_session_holds(&s, 21LL * 3600 * QTS_NS_PER_SEC, 4LL * 3600 * QTS_NS_PER_SEC),
	      "overnight: a 4h bar across midnight is in");
	CHECK(!qts_session_holds(&s, 13LL * 3600 * QTS_NS_PER_SEC, 4LL * 3600 * QTS_NS_PER_SEC),
	      "a 4h bar across the close is out");
}

int main(void)
{
	checked();
	trading_days();
	extremes();
	return tap_done();
}

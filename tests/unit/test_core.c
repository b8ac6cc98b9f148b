/* Unit tests of libqts's core: numbers, time, timeframes, the event schema. */
#include "event_priv.h"
#include "tap.h"

#include <stdlib.h>

static void numbers(void)
{
	char buf[40];
	double v;
	qts_num_format(2.179012, buf);
	CHECK_STR(buf, "2.179012", "shortest form, never 2.1790120000000002");
	qts_num_format(0.1 + 0.2, buf);
	CHECK_STR(buf, "0.30000000000000004", "17 digits when needed");
	qts_num_format(100, buf);
	CHECK_STR(buf, "100", "whole numbers without a point");
	qts_num_format(-0.5, buf);
	CHECK_STR(buf, "-0.5", "negative");
	qts_num_format(1e300, buf);
	CHECK_STR(buf, "1e+300", "large numbers in exponent form");
	qts_num_format(1.5e-12, buf);
	CHECK_STR(buf, "1.5e-12", "small numbers in exponent form");
	CHECK(qts_num_format(QTS_EMPTY, buf) == 0 && buf[0] == '\0', "NaN is the empty field");
	CHECK(qts_num_parse("12.5", 4, &v) == 0 && v == 12.5, "parse decimal");
	CHECK(qts_num_parse("-3", 2, &v) == 0 && v == -3, "parse negative");
	CHECK(qts_num_parse("1e3", 3, &v) == 0 && v == 1000, "parse exponent");
	CHECK(qts_num_parse("abc", 3, &v) < 0, "reject text");
	CHECK(qts_num_parse("1.2.3", 5, &v) < 0, "reject two points");
	CHECK(qts_num_parse("", 0, &v) < 0, "reject empty");
	CHECK(qts_num_parse("nan", 3, &v) < 0, "reject nan");
	CHECK(qts_num_parse(" 5", 2, &v) < 0, "reject leading space");
	CHECK(qts_num_parse("0x10", 4, &v) < 0, "reject hexadecimal");
	CHECK(qts_num_parse("0x1p3", 5, &v) < 0, "reject hexadecimal floats");
	CHECK(qts_num_parse("1e-400", 6, &v) < 0, "reject a number nearer zero than the least double");
	CHECK(qts_num_parse("5e-324", 6, &v) == 0 && v > 0, "the least double reads as itself");
	CHECK(qts_num_parse("0e-400", 6, &v) == 0 && v == 0, "zero with any exponent is zero");
	{
		char longnum[200] = "0.";
		memset(longnum + 2, '0', 150);
		strcpy(longnum + 152, "15e150");
		CHECK(qts_num_parse(longnum, strlen(longnum), &v) == 0 && v == 0.15, "long digit strings");
	}
	qts_num_format(5e-324, buf);
	CHECK_STR(buf, "5e-324", "the smallest denormal, shortest");
	CHECK(qts_num_parse("0.30000000000000004", 19, &v) == 0 && v == 0.1 + 0.2, "19 digits");

	/* The fast paths agree with strtod and round trip, bit for bit. */
	srand(42);
	int parse_ok = 1, trip_ok = 1;
	for (int i = 0; i < 200000; i++) {
		double x;
		switch (i % 4) {
		case 0: x = (double)(rand() % 100000000) / 10000.0; break; /* prices */
		case 1: x = (double)rand() / RAND_MAX * 1000.0; break;     /* full precision */
		case 2: x = (double)(rand() % 1000000); break;             /* volumes */
		default: x = ((double)rand() - RAND_MAX / 2) * 1e-7; break;
		}
		int n = qts_num_format(x, buf);
		if (qts_num_parse(buf, (size_t)n, &v) < 0 || v != x)
			trip_ok = 0;
		char s[40];
		snprintf(s, sizeof s, "%.6f", x);
		double a, b = strtod(s, NULL);
		if (qts_num_parse(s, strlen(s), &a) < 0 || a != b)
			parse_ok = 0;
	}
	CHECK(trip_ok, "format then parse is the identity on 200000 doubles");

	/* Against printf: never longer than the shortest of %.15g..%.17g that
	 * reads back, over doubles of every magnitude and full precision. */
	int short_ok = 1, any_ok = 1;
	uint64_t x = 88172645463325252ULL;
	for (int i = 0; i < 200000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double d;
		uint64_t bits = x;
		memcpy(&d, &bits, sizeof d);
		if (!isfinite(d))
			continue;
		int n = qts_num_format(d, buf);
		if (qts_num_parse(buf, (size_t)n, &v) < 0 || !(v == d || (v == 0 && d == 0)))
			any_ok = 0;
		char ref[40];
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(ref, sizeof ref, "%.*g", prec, d);
			if (strtod(ref, NULL) == d)
				break;
		}
		/* compare significant digits: strip sign, point, exponent and leading zeros */
		int sig_a = 0, sig_b = 0, lead = 1;
		for (const char *c = buf; *c && *c != 'e'; c++)
			if (*c >= '1' && *c <= '9') sig_a++, lead = 0; else if (*c == '0' && !lead) sig_a++;
		lead = 1;
		for (const char *c = ref; *c && *c != 'e'; c++)
			if (*c >= '1' && *c <= '9') sig_b++, lead = 0; else if (*c == '0' && !lead) sig_b++;
		if (sig_a > sig_b) {
			short_ok = 0;
			printf("# %s longer than %s\n", buf, ref);
		}
	}
	CHECK(any_ok, "random bit patterns: format then parse is the identity");
	CHECK(short_ok, "random bit patterns: no more digits than printf's shortest");
	qts_num_format(1e-5, buf);
	CHECK_STR(buf, "1e-05", "below 1e-4 in exponent form");
	qts_num_format(123456789012345678.0, buf);
	CHECK_STR(buf, "1.2345678901234568e+17", "1e15 and above in exponent form");
	qts_num_format(0.00012345678901234, buf);
	CHECK_STR(buf, "0.00012345678901234", "fixed from 1e-4");
	CHECK(parse_ok, "parse agrees with strtod on 200000 decimals");
}

static void times(void)
{
	int64_t ns;
	char buf[48];
	CHECK(qts_time_parse("2024-01-02T14:30:00Z", 20, &ns) == 0 && ns == 1704205800LL * QTS_NS_PER_SEC,
	      "RFC 3339 UTC (epoch 1704205800 by `date -d`)");
	qts_time_format(ns, buf);
	CHECK_STR(buf, "2024-01-02T14:30:00Z", "format whole seconds");
	CHECK(qts_time_parse("2024-01-02", 10, &ns) == 0 && ns == 1704153600LL * QTS_NS_PER_SEC, "bare date");
	CHECK(qts_time_parse("2024-01-02 09:30:00-05:00", 25, &ns) == 0 && ns == 1704205800LL * QTS_NS_PER_SEC,
	      "offset and space separator");
	CHECK(qts_time_parse("2024-01-02 09:30:00-05", 22, &ns) == 0 && ns == 1704205800LL * QTS_NS_PER_SEC,
	      "an offset of hours alone (ISO 8601; PostgreSQL's timestamptz text)");
	CHECK(qts_time_parse("2024-01-02 14:30:00.5+00", 24, &ns) == 0 &&
		      ns == 1704205800LL * QTS_NS_PER_SEC + 500000000, "+00 after a fraction");
	CHECK(qts_time_parse("2024-01-02 14:30:00+0", 21, &ns) < 0 && qts_time_parse("2024-01-02 14:30:00+00:", 23, &ns) < 0 &&
		      qts_time_parse("2024-01-02 14:30:00+24", 22, &ns) < 0 && qts_time_parse("2024-01-02 14:30:00+000", 23, &ns) < 0,
	      "reject +0, +00:, +24 and +000");
	CHECK(qts_time_parse("2024-01-02T14:30:00.123456789Z", 30, &ns) == 0 &&
		      ns == 1704205800LL * QTS_NS_PER_SEC + 123456789, "nanoseconds kept");
	qts_time_format(ns, buf);
	CHECK_STR(buf, "2024-01-02T14:30:00.123456789Z", "format nanoseconds");
	qts_time_format(1704205800LL * QTS_NS_PER_SEC + 500000000, buf);
	CHECK_STR(buf, "2024-01-02T14:30:00.500Z", "milliseconds as 3 digits");
	qts_time_format(1704205800LL * QTS_NS_PER_SEC + 1000, buf);
	CHECK_STR(buf, "2024-01-02T14:30:00.000001Z", "microseconds as 6 digits");
	qts_time_format(-1, buf);
	CHECK_STR(buf, "1969-12-31T23:59:59.999999999Z", "before the epoch");
	CHECK(qts_time_parse("2024-02-30", 10, &ns) < 0, "reject Feb 30");
	CHECK(qts_time_parse("2023-02-29", 10, &ns) < 0, "reject Feb 29 of a common year");
	CHECK(qts_time_parse("2024-02-29", 10, &ns) == 0, "accept Feb 29 of a leap year");
	CHECK(qts_time_parse("2024-01-02T25:00:00Z", 20, &ns) < 0, "reject hour 25");
	CHECK(qts_time_parse("yesterday", 9, &ns) < 0, "reject words");
	CHECK(qts_time_parse("2024-01-02T14:30:00Zjunk", 24, &ns) < 0, "reject trailing junk");
	CHECK(qts_time_parse("2024-01-02T14:30:00.1234567891Z", 31, &ns) == QTS_TIME_TOO_FINE &&
		      qts_time_parse("2024-01-02T14:30:00.1234567890Z", 31, &ns) == QTS_TIME_TOO_FINE,
	      "a tenth digit of fraction is finer than ns: refused, not cut");
	CHECK(qts_time_parse("2024-01-02T14:30:00.1234567891Zjunk", 35, &ns) == -1, "junk after it: not a time");
	CHECK(qts_time_parse("2262-04-11T23:47:16.854775808Z", 30, &ns) == QTS_TIME_OUT_OF_RANGE &&
		      qts_time_parse("1677-09-21T00:12:43.145224191Z", 30, &ns) == QTS_TIME_OUT_OF_RANGE &&
		      qts_time_parse("9999-12-31", 10, &ns) == QTS_TIME_OUT_OF_RANGE,
	      "times past either end: out of range");
	CHECK(qts_time_parse("2262-04-11T23:47:16.854775807Z", 30, &ns) == 0 && ns == INT64_MAX &&
		      qts_time_parse("1677-09-21T00:12:43.145224192Z", 30, &ns) == 0 && ns == INT64_MIN,
	      "the ends themselves");
	CHECK(qts_utf8_valid("AAPL", 4) && qts_utf8_valid("Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale", 20) &&
		      qts_utf8_valid("\xf0\x9f\x93\x88", 4) && qts_utf8_valid("", 0),
	      "UTF-8: ASCII, accents, a 4-byte character");
	CHECK(!qts_utf8_valid("A\xff", 2) && !qts_utf8_valid("\xc3", 1) && !qts_utf8_valid("\xc0\xaf", 2) &&
		      !qts_utf8_valid("\xed\xa0\x80", 3) && !qts_utf8_valid("\xf4\x90\x80\x80", 4) &&
		      !qts_utf8_valid("ABCDEFGHIJ\x80", 11) && !qts_utf8_valid("\xe2\x82", 2),
	      "not UTF-8: a stray byte, a cut character, overlong, a surrogate, past U+10FFFF");
	int ok = 1;
	for (int64_t d = -800000; d < 800000; d += 37) {
		int y;
		unsigned m, dd;
		qts_civil_from_days(d, &y, &m, &dd);
		if (qts_days_from_civil(y, m, dd) != d)
			ok = 0;
	}
	CHECK(ok, "civil dates round trip over +-2000 years");
}

static void timeframes(void)
{
	qts_tf tf;
	char buf[16];
	CHECK(qts_tf_parse("5m", &tf) == 0 && tf.n == 5 && tf.unit == 'm', "5m");
	CHECK(qts_tf_ns(tf) == 300 * QTS_NS_PER_SEC, "5m is 300 s");
	CHECK(qts_tf_parse("1M", &tf) == 0 && qts_tf_ns(tf) == 0, "months have no fixed length");
	CHECK(qts_tf_parse("1w", &tf) == 0 && qts_tf_ns(tf) == 7 * QTS_NS_PER_DAY, "a week");
	CHECK(qts_tf_parse("0m", &tf) < 0, "reject 0m");
	CHECK(qts_tf_parse("5x", &tf) < 0, "reject unit x");
	CHECK(qts_tf_parse("5mm", &tf) < 0, "reject 5mm");
	qts_tf_parse("15m", &tf);
	qts_tf_format(tf, buf);
	CHECK_STR(buf, "15m", "format");
	int64_t ns, jan31 = qts_days_from_civil(2024, 1, 31) * QTS_NS_PER_DAY + 15 * 3600 * QTS_NS_PER_SEC;
	qts_tf_parse("1M", &tf);
	CHECK(qts_tf_end(tf, jan31) == qts_days_from_civil(2024, 2, 29) * QTS_NS_PER_DAY + 15 * 3600 * QTS_NS_PER_SEC,
	      "Jan 31 15:00 + 1M = Feb 29 15:00 (the start of March in Tokyo)");
	tf.n = 13;
	CHECK(qts_tf_end(tf, jan31) == qts_days_from_civil(2025, 2, 28) * QTS_NS_PER_DAY + 15 * 3600 * QTS_NS_PER_SEC,
	      "13M: into the next year, clamped");
	qts_tf_parse("1d", &tf);
	CHECK(qts_tf_end(tf, INT64_MAX - 5) == INT64_MAX, "past the last time: the last time");
	CHECK(qts_duration_parse("250ms", &ns) == 0 && ns == 250000000, "250ms");
	CHECK(qts_duration_parse("1.5s", &ns) == 0 && ns == 1500000000, "1.5s");
	CHECK(qts_duration_parse("0", &ns) == 0 && ns == 0, "0 needs no unit");
	CHECK(qts_duration_parse("5 s", &ns) < 0, "reject a space");
}

static void schema(void)
{
	int ok = 1;
	for (int t = 0; t < QTS_UNKNOWN; t++) {
		const struct schema *s = &qts_schema[t];
		char names[200] = "";
		for (int i = 0; i < s->nfields; i++) {
			if (i)
				strcat(names, ",");
			strcat(names, s->f[i].name);
		}
		if (strcmp(names, s->names) != 0) {
			ok = 0;
			printf("# %s: fields %s, declared %s\n", s->name, names, s->names);
		}
		if (qts_type_from_name(s->name, strlen(s->name)) != (qts_type)t)
			ok = 0;
	}
	CHECK(ok, "every type's field table matches its declared field list");
	CHECK(qts_type_from_name("news", 4) == QTS_UNKNOWN, "other types are unknown");
}

int main(void)
{
	numbers();
	times();
	timeframes();
	schema();
	return tap_done();
}

/* num.c — numbers in the stream: parsing correctly rounded and writing the
 * shortest decimal that reads back to the same double.
 *
 * Both have an exact fast path for the common case (prices and sizes with
 * a few decimals), since strtod and printf dominate a CSV stage otherwise:
 * a decimal m * 10^e with m < 2^53 and |e| <= 22 is one correctly rounded
 * IEEE multiplication or division of two exact doubles (Clinger's fast
 * path), so it matches strtod bit for bit.  Anything else takes the libc
 * path. */
#include "qts.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* strtod for what the fast path does not take: exponents, long digit
 * strings, inf; not a nonzero number that would read as 0.  Only decimal text: strtod would also skip leading white
 * space and read hexadecimal, which are no numbers of the stream. */
static int parse_slow(const char *s, size_t n, double *out)
{
	char small[128], *buf = small;
	if (n == 0 || memchr(s, 'x', n) || memchr(s, 'X', n) || (unsigned char)s[0] <= ' ')
		return -1;
	if (n >= sizeof small && !(buf = malloc(n + 1)))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	char *end;
	int saved = errno;
	errno = 0;
	double v = strtod(buf, &end);
	/* A number nearer zero than the least double is no number qts can
	 * hold: strtod would give 0 (ERANGE), another value than the text. */
	int ok = end == buf + n && !isnan(v) && !(v == 0 && errno == ERANGE);
	errno = saved;
	if (buf != small)
		free(buf);
	if (!ok)
		return -1;
	*out = v;
	return 0;
}

int qts_num_parse(const char *s, size_t n, double *out)
{
	const char *p = s, *end = s + n;
	int neg = 0;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	uint64_t m = 0;
	int digits = 0, frac = 0;
	for (; p < end && (unsigned)(*p - '0') < 10; p++, digits++)
		m = m * 10 + (uint64_t)(*p - '0');
	if (p < end && *p == '.') {
		const char *f = ++p;
		for (; p < end && (unsigned)(*p - '0') < 10; p++)
			m = m * 10 + (uint64_t)(*p - '0');
		frac = (int)(p - f);
		digits += frac;
	}
	/* No digits (inf, nan), an exponent, junk, or more digits than the
	 * fast path holds exactly (m may have wrapped): strtod decides. */
	if (!digits || p != end || digits > 19 || m > (1ULL << 53) || frac > 22)
		return parse_slow(s, n, out);
	double v = (double)m;
	if (frac)
		v /= pow10_exact[frac];
	*out = neg ? -v : v;
	return 0;
}

/* Write an unsigned integer m with a decimal point k digits from the right. */
static int write_fixed(char *buf, int neg, uint64_t m, int k)
{
	char tmp[32];
	while (k > 0 && m % 10 == 0)
		m /= 10, k--;
	int t = 0;
	do {
		tmp[t++] = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	while (t <= k)
		tmp[t++] = '0';
	int len = 0;
	if (neg)
		buf[len++] = '-';
	for (int j = t - 1; j >= 0; j--) {
		buf[len++] = tmp[j];
		if (j == k && k > 0)
			buf[len++] = '.';
	}
	buf[len] = '\0';
	return len;
}

int qts_shortest_digits(double v, char *digits, int size, int *point);

int qts_num_format(double v, char *buf)
{
	if (isnan(v)) {
		buf[0] = '\0';
		return 0;
	}
	if (isinf(v))
		return (int)strlen(strcpy(buf, v > 0 ? "inf" : "-inf"));
	double a = fabs(v);
	/* A quick no: a value with at most nine decimals is within rounding
	 * error of a whole number of billionths, b 2^-52 (a is the double
	 * nearest the decimal, then b rounds a*1e9 once); b 2^-50 leaves a
	 * margin of four.  Computed values (indicators) pass by chance once
	 * in thousands; a fixed bound (0.3 once) let most of them into the
	 * loop below for nothing, a fifth of the time of a number. */
	double b = a * 1e9;
	int few_decimals = b >= 1125899906842624.0 || fabs(b - (double)(int64_t)(b + 0.5)) <= b * 0x1p-50;
	if (few_decimals && a < 1e15 && a >= 1e-4) {
		/* The fewest decimals k for which v*10^k is a whole number whose
		 * division by 10^k gives back v: that decimal reads back to v.
		 * It is the shortest only while it has at most 15 significant
		 * digits (DBL_DIG: two such decimals never share a double);
		 * beyond that a shorter one may exist, so the general path. */
		for (int k = 0; k <= 9; k++) {
			double p = pow10_exact[k], m = a * p;
			if (m >= 1e15)
				break;
			/* (int64) truncation: an inline instruction, floor() a call */
			if (m == (double)(int64_t)m && m / p == a)
				return write_fixed(buf, signbit(v) != 0, (uint64_t)m, k);
		}
	}
	/* The general case: the shortest digits that read back, laid out as
	 * %g lays them out (fixed from 1e-4 to below 1e15, else exponent). */
	char d[24];
	int point = 0, n = qts_shortest_digits(a, d, sizeof d, &point);
	char *p = buf;
	if (signbit(v))
		*p++ = '-';
	int e = point - 1;
	if (a == 0) {
		*p++ = '0';
	} else if (e >= -4 && e < 15) {
		if (point <= 0) {
			*p++ = '0';
			*p++ = '.';
			for (int i = point; i < 0; i++)
				*p++ = '0';
			memcpy(p, d, (size_t)n);
			p += n;
		} else if (point >= n) {
			memcpy(p, d, (size_t)n);
			p += n;
			for (int i = n; i < point; i++)
				*p++ = '0';
		} else {
			memcpy(p, d, (size_t)point);
			p += point;
			*p++ = '.';
			memcpy(p, d + point, (size_t)(n - point));
			p += n - point;
		}
	} else {
		*p++ = d[0];
		if (n > 1) {
			*p++ = '.';
			memcpy(p, d + 1, (size_t)(n - 1));
			p += n - 1;
		}
		int x = e < 0 ? -e : e;
		*p++ = 'e';
		*p++ = e < 0 ? '-' : '+';
		if (x >= 100)
			*p++ = (char)('0' + x / 100);
		*p++ = (char)('0' + x / 10 % 10);
		*p++ = (char)('0' + x % 10);
	}
	*p = '\0';
	return (int)(p - buf);
}

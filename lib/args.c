/* args.c — numbers and key=value pairs from the command line, range-checked
 * (never atoi). */
#include "qts.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int qts_parse_double(const char *s, double lo, double hi, double *out, char *err)
{
	/* Read as a number of the stream is (qts_num_parse): no hex, no
	 * blanks, nothing infinite, so an option takes what a file would */
	double v = 0;
	if (!s || !*s || qts_num_parse(s, strlen(s), &v) < 0 || !isfinite(v)) {
		snprintf(err, 128, "'%s' is not a number", s ? s : "");
		return -1;
	}
	/* A low bound of DBL_MIN stands for "above 0" (a stop, a volatility,
	 * a cash that must be more than nothing): say so, as "(0, hi]", not
	 * as the least normal double, and take any number above 0. */
	if (lo == DBL_MIN ? !(v > 0) || v > hi : v < lo || v > hi) {
		if (lo == DBL_MIN)
			snprintf(err, 128, "%s is out of range (0, %g]", s, hi);
		else
			snprintf(err, 128, "%s is out of range [%g, %g]", s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int qts_parse_long(const char *s, long lo, long hi, long *out, char *err)
{
	/* Digits after an optional minus and nothing else: strtol would also
	 * skip blanks and take a plus, which no other number of an option
	 * (a duration, a size, a span) takes either */
	char *end = NULL;
	int digit = s && (isdigit((unsigned char)s[0]) || (s[0] == '-' && isdigit((unsigned char)s[1])));
	errno = 0;
	long v = digit ? strtol(s, &end, 10) : 0;
	if (!digit || *end || errno == ERANGE) {
		snprintf(err, 128, "'%s' is not a whole number", s ? s : "");
		return -1;
	}
	if (v < lo || v > hi) {
		snprintf(err, 128, "%s is out of range [%ld, %ld]", s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int qts_split_kv(const char *s, char *key, size_t keymax, const char **value)
{
	const char *eq = strchr(s, '=');
	if (!eq || eq == s || (size_t)(eq - s) >= keymax)
		return -1;
	memcpy(key, s, (size_t)(eq - s));
	key[eq - s] = '\0';
	*value = eq + 1;
	return 0;
}

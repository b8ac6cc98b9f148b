/* fuzz_time — qts_time_parse on any bytes: it reads only s[0..n) (the copy
 * below is exactly n bytes, so ASan sees any overrun), accepts only what
 * starts with a YYYY-MM-DD date, gives the same answer whatever it parsed
 * before (it keeps the last date), and a time it accepts is formatted and
 * parsed back to the same nanosecond. */
#include "fuzz.h"

#include <stdio.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	int64_t ns, again;
	int r = qts_time_parse(s, size, &ns);
	/* The same after another date went through the cache, and after the
	 * same date did. */
	int64_t other;
	if (qts_time_parse("1999-12-31T23:59:59Z", 20, &other) != 0)
		abort();
	int r2 = qts_time_parse(s, size, &again);
	if (r2 != r || (r == 0 && again != ns)) {
		fprintf(stderr, "'%.*s': %d then %d\n", (int)size, s, r, r2);
		abort();
	}
	if (r == 0 && qts_time_parse(s, size, &again) == 0 && again != ns)
		abort();
	if (r == 0) {
		if (size < 10 || !is_digit(s[0]) || !is_digit(s[3]) || s[4] != '-' || s[7] != '-' ||
		    !is_digit(s[9])) {
			fprintf(stderr, "accepted '%.*s', which is no date\n", (int)size, s);
			abort();
		}
		char buf[64];
		int n = qts_time_format(ns, buf);
		if (n <= 0 || n >= 40 || (size_t)n != strlen(buf))
			abort();
		int64_t back;
		if (qts_time_parse(buf, (size_t)n, &back) != 0 || back != ns) {
			fprintf(stderr, "'%.*s' is %lld, formatted '%s', which reads back %s\n", (int)size, s,
				(long long)ns, buf, qts_time_parse(buf, (size_t)n, &back) ? "as no time" : "differently");
			abort();
		}
	}
	free(s);
	return 0;
}

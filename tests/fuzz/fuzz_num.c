/* fuzz_num — qts_num_parse on any bytes: it reads only s[0..n), and where
 * it and strtod both take the whole text they give the same double, bit
 * for bit.  A number it takes also goes through qts_num_format, which must
 * read back to the same double. */
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	char *z = malloc(size + 1);
	if (!s || !z)
		abort();
	memcpy(s, data, size);
	memcpy(z, data, size);
	z[size] = '\0';
	double v;
	int r = qts_num_parse(s, size, &v);
	char *end;
	double w = strtod(z, &end);
	int strtod_ok = size > 0 && end == z + size && !isnan(w);
	if (r == 0 && strtod_ok && memcmp(&v, &w, sizeof v) != 0) {
		fprintf(stderr, "'%s': qts_num_parse %.17g, strtod %.17g\n", z, v, w);
		abort();
	}
	if (r == 0 && !strtod_ok) {
		fprintf(stderr, "'%.*s': qts_num_parse takes it, strtod does not\n", (int)size, s);
		abort();
	}
	if (r == 0) {
		char buf[64];
		int n = qts_num_format(v, buf);
		double back;
		if (n <= 0 || n >= 32 || qts_num_parse(buf, (size_t)n, &back) != 0 ||
		    memcmp(&back, &v, sizeof v) != 0) {
			fprintf(stderr, "%.17g formatted '%s' does not read back\n", v, buf);
			abort();
		}
	}
	free(s);
	free(z);
	return 0;
}

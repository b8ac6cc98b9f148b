/* qts_field_eq and qts_field_is against strcmp: strings of every length from 0 to 20 bytes
 * in arrays of 32, with bytes after the end that differ (as a reused
 * event's field holds), and strings that differ at every place. */
#include "streq.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static void fill(char *f, const char *s, char junk)
{
	memset(f, junk, 32);
	memcpy(f, s, strlen(s) + 1);
}

int main(void)
{
	static const char base[] = "ABCDEFGHIJKLMNOPQRST";
	char s[24], t[24], a[32], b[32];
	int agree = 1, keyed = 1, tried = 0;
	qts_field_key k;
	for (size_t n = 0; n <= 20; n++)
		for (size_t m = 0; m <= 20; m++)
			for (size_t d = 0; d <= 20; d++) { /* t differs from s at d (when d < m) */
				snprintf(s, sizeof s, "%.*s", (int)n, base);
				snprintf(t, sizeof t, "%.*s", (int)m, base);
				if (d < m)
					t[d] = 'x';
				for (int junk = 0; junk < 3; junk++) {
					fill(a, s, junk == 0 ? 0 : (char)('a' + junk));
					fill(b, t, junk == 1 ? 0 : (char)('k' + junk));
					int want = strcmp(s, t) == 0;
					agree &= qts_field_eq(a, b) == want && qts_field_eq(b, a) == want;
					qts_field_key_set(&k, a);
					keyed &= qts_field_is(&k, a, b) == want;
					tried++;
				}
			}
	CHECK(agree && tried == 21 * 21 * 21 * 3, "qts_field_eq agrees with strcmp, both ways, whatever follows the end");
	CHECK(keyed, "qts_field_is with a key agrees with strcmp, whatever follows either end");
	/* a byte with its high bit set, and one above a NUL (a borrow's flag) */
	fill(a, "S\x80", 0);
	fill(b, "S\x80", 1);
	CHECK(qts_field_eq(a, b), "a byte above 0x7f");
	fill(a, "S", 0x01);
	fill(b, "S", 0x02);
	CHECK(qts_field_eq(a, b), "0x01 after the end");
	fill(a, "\x01", 0);
	fill(b, "", 0x01);
	CHECK(!qts_field_eq(a, b) && !qts_field_eq(b, a), "\\x01 is not the empty string");
	return tap_done();
}

/* qts_field_eq and qts_field_key_eq against strcmp: strings of every
 * length from 0 to 20 bytes in arrays of 32, with bytes after the end
 * that differ (as a reused event's field holds), and strings that differ
 * at every place. */
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
					qts_field_key ka, kb, zero = { 0, 0 };
					qts_field_key_set(&ka, a);
					qts_field_key_set(&kb, b);
					keyed &= qts_field_key_eq(&ka, a, b) == want && qts_field_key_eq(&kb, b, a) == want &&
						 qts_field_key_eq(&zero, a, b) == want;
					tried++;
				}
			}
	CHECK(agree && tried == 21 * 21 * 21 * 3, "qts_field_eq agrees with strcmp, both ways, whatever follows the end");
	CHECK(keyed, "qts_field_key_eq agrees with strcmp, both ways, and with a key of zeros");
	/* a byte with its high bit set, and one above a NUL (a borrow's flag) */
	fill(a, "S\x80", 0);
	fill(b, "S\x80", 1);
	CHECK(qts_field_eq(a, b), "a byte above 0x7f");
	qts_field_key k;
	qts_field_key_set(&k, a);
	CHECK(qts_field_key_eq(&k, a, b), "a byte above 0x7f, keyed");
	fill(a, "ABCDEFG", 0);
	fill(b, "ABCDEFG", 0x41);
	qts_field_key_set(&k, a);
	CHECK(k.m == ~0ULL && qts_field_key_eq(&k, a, b), "7 bytes: the NUL is the key's last byte");
	b[7] = 'H';
	CHECK(!qts_field_key_eq(&k, a, b), "7 bytes against 8");
	fill(a, "S", 0x01);
	fill(b, "S", 0x02);
	CHECK(qts_field_eq(a, b), "0x01 after the end");
	fill(a, "\x01", 0);
	fill(b, "", 0x01);
	CHECK(!qts_field_eq(a, b) && !qts_field_eq(b, a), "\\x01 is not the empty string");
	return tap_done();
}

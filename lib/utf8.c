/* utf8.c — whether text is valid UTF-8: the text fields of events are
 * (qts-events(5)), so what a stage writes is text in either encoding and
 * every tool after it (a JSON report, Parquet, a terminal) can take it. */
#include "qts.h"

#include <string.h>

int qts_utf8_valid(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	/* Symbols, timeframes and ids are nearly always ASCII: a word at a
	 * time while no byte has its high bit set. */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	while (i < n) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		/* The length the lead byte says; no overlong forms, no
		 * surrogates, nothing above U+10FFFF (RFC 3629). */
		size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (!len || len > n - i)
			return 0;
		unsigned c1 = s[i + 1];
		unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
		unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
		if (c1 < lo || c1 > hi)
			return 0;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

/* streq.h — string equality without a call, for the engines' paths run
 * on every event (a symbol or a timeframe against the one kept for it):
 * strings there are a few bytes long, and a call to strcmp costs more
 * than comparing them. */
#ifndef QTS_STREQ_H
#define QTS_STREQ_H

#include <stdint.h>
#include <string.h>

/* Whether the strings a and b are equal, where each is held in a char
 * array of at least 8 bytes (an event's field, a name kept for one): the
 * first eight bytes are compared as one word, up to the end of a (the
 * bytes after it, whatever they hold, are not looked at). */
static inline int qts_field_eq(const char *a, const char *b)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t wa, wb;
	memcpy(&wa, a, 8);
	memcpy(&wb, b, 8);
	/* The lowest flag is at a's first NUL byte (a flag above it may be
	 * a borrow's, and is not used). */
	uint64_t z = (wa - 0x0101010101010101ULL) & ~wa & 0x8080808080808080ULL;
	if (z) /* a ends in the word: its bytes up to the NUL decide */
		return ((wa ^ wb) & (((z & -z) << 1) - 1)) == 0;
	if (wa != wb)
		return 0;
	a += 8, b += 8;
#endif
	for (;; a++, b++) {
		if (*a != *b)
			return 0;
		if (!*a)
			return 1;
	}
}

#endif

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

/* A kept string made ready for qts_field_key_eq: its first eight bytes
 * and the mask of those up to its NUL, or a mask of 0 when it has none
 * there (8 bytes or longer).  A key of zeros is always correct (it sends
 * every comparison to qts_field_eq), so a zeroed struct needs no set. */
typedef struct qts_field_key {
	uint64_t w, m;
} qts_field_key;

/* kept: a char array of at least 8 bytes, as for qts_field_eq. */
static inline void qts_field_key_set(qts_field_key *k, const char *kept)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w, z;
	memcpy(&w, kept, 8);
	z = (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
	/* Up to and including the first NUL (all 8 bytes when it is the
	 * last: the shift then wraps to 0, and 0 - 1 is every bit). */
	k->m = z ? ((z & -z) << 1) - 1 : 0;
	k->w = w & k->m;
#else
	(void)kept;
	k->w = k->m = 0;
#endif
}

/* qts_field_eq(kept, b) for the key k of kept, in one word's compare when
 * kept is shorter than 8 bytes: what a name or a timeframe looked up on
 * every event costs. */
static inline int qts_field_key_eq(const qts_field_key *k, const char *kept, const char *b)
{
	uint64_t wb;
	memcpy(&wb, b, 8);
	if (__builtin_expect(((wb ^ k->w) & k->m) == 0 && k->m != 0, 1))
		return 1;
	return k->m ? 0 : qts_field_eq(kept, b);
}

#endif

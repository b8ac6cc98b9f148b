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

/* A kept name made ready for qts_field_is: its first eight bytes and the
 * mask of those that decide (up to and with its NUL).  A name of eight
 * bytes or more has no mask: qts_field_is then compares it in full. */
typedef struct qts_field_key {
	uint64_t word, mask;
} qts_field_key;

/* name: a char array of at least 8 bytes, as for qts_field_eq. */
static inline void qts_field_key_set(qts_field_key *k, const char *name)
{
	k->mask = 0;
	memcpy(&k->word, name, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	size_t n = strnlen(name, 8);
	if (n < 7)
		k->mask = (1ULL << (8 * (n + 1))) - 1;
	else if (n == 7)
		k->mask = ~0ULL;
#endif
}

/* Whether field (an event's, at least 8 bytes) holds the name kept with
 * key k: for a short name one masked compare of a word, as a bar's path
 * needs it for its symbol and its tf. */
static inline int qts_field_is(const qts_field_key *k, const char *kept, const char *field)
{
	if (__builtin_expect(k->mask != 0, 1)) {
		uint64_t w;
		memcpy(&w, field, 8);
		return ((w ^ k->word) & k->mask) == 0;
	}
	return qts_field_eq(kept, field);
}

#endif

/* streq.h — string equality without a call, for the engines' paths run
 * on every event (a symbol or a timeframe against the one kept for it):
 * strings there are a few bytes long, and a call to strcmp costs more
 * than comparing them. */
#ifndef QTS_STREQ_H
#define QTS_STREQ_H

static inline int qts_streq(const char *a, const char *b)
{
	for (;; a++, b++) {
		if (*a != *b)
			return 0;
		if (!*a)
			return 1;
	}
}

#endif

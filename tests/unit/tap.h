/* tap.h — a minimal TAP producer for the C unit tests of libqts.
 * Each CHECK prints one `ok N - what` or `not ok N - what` line, which
 * tests/run counts.  tap_done() returns the exit status. */
#ifndef QTS_TAP_H
#define QTS_TAP_H
#include <math.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *file, int line, const char *what)
{
	++tap_n;
	if (cond)
		printf("ok %d - %s\n", tap_n, what);
	else {
		++tap_failed;
		printf("not ok %d - %s\n#   at %s:%d\n", tap_n, what, file, line);
	}
	return cond;
}

#define CHECK(cond, what) tap_ok(!!(cond), __FILE__, __LINE__, (what))
#define CHECK_STR(got, want, what)                                                \
	do {                                                                      \
		const char *g_ = (got), *w_ = (want);                             \
		if (!tap_ok(g_ && strcmp(g_, w_) == 0, __FILE__, __LINE__, what)) \
			printf("#   got  \"%s\"\n#   want \"%s\"\n", g_ ? g_ : "(null)", w_); \
	} while (0)
/* Relative-or-absolute closeness for floating point reference values. */
#define CHECK_NEAR(got, want, tol, what)                                          \
	do {                                                                      \
		double g_ = (got), w_ = (want);                                   \
		int c_ = (isnan(g_) && isnan(w_)) ||                              \
			 fabs(g_ - w_) <= (tol) * (fabs(w_) > 1 ? fabs(w_) : 1);  \
		if (!tap_ok(c_, __FILE__, __LINE__, what))                        \
			printf("#   got  %.17g\n#   want %.17g\n", g_, w_);       \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
#endif

/* fuzz_expr — the expression language on any text: qts_expr_compile
 * either gives a program or an error whose printed form is safe for a
 * terminal (valid UTF-8, no control character but newline and tab); a
 * program runs over bars of two symbols and every timeframe it names,
 * with prices from tiny to huge, without a fault.  The first byte picks
 * the mode: a --print list, a -e program, or a bare program. */
#include "fuzz.h"
#include "qts_expr.h"

#include <stdio.h>

/* Whether the n bytes at s are printable UTF-8 (newline and tab allowed). */
static int terminal_safe(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
		if (!len || i + len > n)
			return 0;
		unsigned cp = c & (0x7f >> len);
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
			return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size == 0)
		return 0;
	static const int modes[] = { QTS_EXPR_LIST, QTS_EXPR_TARGETS, QTS_EXPR_PROGRAM };
	int mode = modes[data[0] % 3];
	char *src = malloc(size);
	if (!src)
		abort();
	memcpy(src, data + 1, size - 1);
	src[size - 1] = '\0';
	qts_expr_error err;
	qts_expr *e = qts_expr_compile(src, mode, &err);
	if (!e) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		if (!f)
			abort();
		qts_expr_error_print(f, "fuzz", src, &err);
		fclose(f);
		if (!terminal_safe((const unsigned char *)out, len) || err.line < 1 || err.col < 1) {
			fprintf(stderr, "unsafe or unplaced error message:\n%s", out);
			abort();
		}
		free(out);
		free(src);
		return 0;
	}
	size_t nstmt = qts_expr_count(e);
	double *values = calloc(nstmt, sizeof *values);
	qts_expr_state *s[2] = { qts_expr_state_new(e), qts_expr_state_new(e) };
	if (!values || !s[0] || !s[1])
		abort();
	static const double px[] = { 10, 11, 0, -3, 1e-300, 1e300, 12.5, 12.5, 9, 1e308 };
	for (int bar = 0; bar < 24; bar++)
		for (int k = 0; k < 2; k++) {
			double c = px[(bar * (k + 3)) % 10];
			double v[QTS_EXPR_NFIELDS] = { c, c * 1.01, c * 0.99, c, bar * 100.0 + k,
						       bar * 86400e9 };
			/* every other bar also a bar of each timeframe the program names */
			for (size_t t = 0; bar % 2 && t < qts_expr_ntf(e); t++)
				qts_expr_bar(s[k], t + 1, v);
			qts_expr_bar(s[k], 0, v);
			qts_expr_set(s[k], qts_expr_var(e, "position"), bar % 3 ? bar : NAN);
			qts_expr_run(e, s[k], values);
		}
	qts_expr_state_free(s[0]);
	qts_expr_state_free(s[1]);
	free(values);
	qts_expr_free(e);
	free(src);
	return 0;
}

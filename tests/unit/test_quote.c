/* Unit tests of qts_quote, qts_escape_text and qts_text_set (lib/diag.c)
 * and qts_strlcpy (lib/event.c): untrusted text made safe to print and to
 * write in an event.  Expected strings are hand-derived from RFC 3629
 * (which byte sequences are UTF-8) and the escapes the functions name. */
#include "qts.h"
#include "tap.h"

static const char *q(const char *s, size_t n, size_t size)
{
	static char buf[256];
	size_t len = qts_quote(buf, size, s, n);
	if (len != strlen(buf))
		return "(length differs)";
	return buf;
}

int main(void)
{
	CHECK_STR(q("close > 1", 9, 64), "close > 1", "printable ASCII as it is");
	CHECK_STR(q("a\\b", 3, 64), "a\\\\b", "a backslash doubled: the escapes stay readable");
	CHECK_STR(q("\t\n\r", 3, 64), "\\t\\n\\r", "tab, newline, carriage return named");
	CHECK_STR(q("\x1b[2J\x7f", 5, 64), "\\x1b[2J\\x7f", "terminal escapes and DEL as \\xHH");
	CHECK_STR(q("a\0b", 3, 64), "a\\x00b", "a NUL byte");
	CHECK_STR(q("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14, 64),
		  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "whole UTF-8 characters as they are");
	CHECK_STR(q("\xe2\x82", 2, 64), "\\xe2\\x82", "half a character: its bytes escaped");
	CHECK_STR(q("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff", 13, 64),
		  "\\xc0\\xaf \\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80 \\xff",
		  "overlong, surrogate, beyond U+10FFFF, 0xff: escaped");
	CHECK_STR(q("\xc2\x9b" "1m \xe2\x80\xae", 8, 64), "\\u009b1m \\u202e",
		  "a C1 CSI and a right-to-left override named");
	/* cut short: never inside a character or an escape, and said so */
	CHECK_STR(q("abcdefgh", 8, 8), "abcd...", "too long: cut, then ...");
	CHECK_STR(q("abcdefg", 7, 8), "abcdefg", "exactly fits: no ...");
	CHECK_STR(q("a\xc3\xa9\xc3\xa9\xc3\xa9", 7, 7), "a\xc3\xa9...", "cut between characters");
	CHECK_STR(q("a\x1b\x1b\x1b", 4, 8), "a...", "an escape is not cut");
	CHECK_STR(q("abcdef", 6, 3), "..", "room for dots only");
	CHECK_STR(q("abc", 3, 1), "", "room for the NUL only");

	/* qts_escape_text, what every message goes through on its way out:
	 * the same escapes, but a backslash passes, so quoted text is not
	 * quoted twice */
	char e[64];
	qts_escape_text("a\\b \\x1b \x1b", 10, e, sizeof e);
	CHECK_STR(e, "a\\b \\x1b \\x1b", "escape_text: a backslash passes, a control byte does not");
	qts_escape_text("\xc2\x9b" "2J \xe2\x80\xae", 8, e, sizeof e);
	CHECK_STR(e, "\\u009b2J \\u202e", "escape_text: C1 controls and bidi overrides named");
	CHECK(qts_escape_text("abcdefghij", 10, e, 8) == 7 && !strcmp(e, "abcd..."),
	      "escape_text: the length returned, a cut marked");

	/* an event's text field: whole characters, broken UTF-8 escaped, the
	 * cut marked; the field must stay UTF-8 for the next stage to read */
	char field[8];
	qts_text_set(field, sizeof field, "a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	CHECK_STR(field, "a\xc3\xa9...", "text_set: cut between characters, marked");
	qts_text_set(field, sizeof field, "\xe9t\xe9");
	CHECK_STR(field, "\\xe9...", "text_set: Latin-1 bytes escaped, the escape whole");
	qts_text_format(field, sizeof field, "%s=%d", "ab", 42);
	CHECK_STR(field, "ab=42", "text_format: formatted as printf");
	char big[QTS_TEXT_MAX];
	qts_text_format(big, sizeof big, "%0300d\xc3\xa9", 7);
	CHECK(strlen(big) == sizeof big - 1 && !strcmp(big + sizeof big - 4, "...") && qts_utf8_valid(big, strlen(big)),
	      "text_format: longer than the field, cut and marked");
	/* QTS_SET cuts between characters too, unmarked */
	char sym[6];
	qts_strlcpy(sym, "ab\xc3\xa9\xc3\xa9", sizeof sym);
	CHECK_STR(sym, "ab\xc3\xa9", "strlcpy: a character that does not fit is left out whole");
	qts_strlcpy(sym, "abcdefg", sizeof sym);
	CHECK_STR(sym, "abcde", "strlcpy: ASCII cut at the field's end");
	return tap_done();
}

/* qts_escape_text (diag.c): what every message does with the untrusted text
 * it quotes.  Expected strings are hand-derived from RFC 3629 (which byte
 * sequences are UTF-8) and the \xNN convention of qts's messages. */
#include "qts.h"
#include "tap.h"

static const char *esc(const char *s, size_t n, size_t outlen)
{
	static char out[256];
	qts_escape_text(s, n, out, outlen);
	return out;
}

int main(void)
{
	CHECK_STR(esc("plain text", 10, 256), "plain text", "plain ASCII passes");
	CHECK_STR(esc("a\x1b[2Jb", 6, 256), "a\\x1b[2Jb", "an escape sequence is shown, not sent");
	CHECK_STR(esc("t\tn\nr\r\x7f", 7, 256), "t\\tn\\nr\\r\\x7f", "tab, newline, CR and DEL");
	CHECK_STR(esc("a\\b \\x1b", 8, 256), "a\\b \\x1b", "a backslash passes: quoted text is not quoted twice");
	CHECK_STR(esc("\xc2\x9b" "2J \xe2\x80\xae", 8, 256), "\\u009b2J \\u202e", "C1 controls and bidi overrides named");
	CHECK_STR(esc("\xe2\x82\xac 1", 5, 256), "\xe2\x82\xac 1", "a whole euro sign passes");
	CHECK_STR(esc("x\xe2\x82", 3, 256), "x\\xe2\\x82", "half a character is escaped byte by byte");
	CHECK_STR(esc("\xc0\xaf", 2, 256), "\\xc0\\xaf", "an overlong slash is not text");
	CHECK_STR(esc("\xed\xa0\x80", 3, 256), "\\xed\\xa0\\x80", "a UTF-16 surrogate is not text");
	CHECK_STR(esc("\xf4\x90\x80\x80", 4, 256), "\\xf4\\x90\\x80\\x80", "past U+10FFFF is not text");
	CHECK_STR(esc("\xf0\x9f\x98\x80", 4, 256), "\xf0\x9f\x98\x80", "a 4-byte character passes");
	CHECK_STR(esc("a\0b", 3, 256), "a\\x00b", "a NUL inside the text");
	CHECK_STR(esc("abcd\xe2\x82\xac", 7, 7), "abc...", "never half a character at the end of the room");
	CHECK_STR(esc("abcd\x1b", 5, 8), "abcd...", "never half an escape");
	char big[8];
	CHECK(qts_escape_text("abcdefghij", 10, big, sizeof big) == 7 && !strcmp(big, "abcd..."), "length returned, cut marked");
	return tap_done();
}

/* Blocks laid out for the cache (lines.c): zeroed, starting a line, the
 * small ones after the first 64 KiB handed out in turn from chunks, a
 * freed one given again for its size alone, zeroed again. */
#include "qts.h"
#include "tap.h"

#include <stdint.h>
#include <string.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

static int zeroed(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

#define N 2000

int main(void)
{
	static unsigned char *b[N];
	int aligned = 1, zero = 1;
	for (int i = 0; i < N; i++) {
		if (!(b[i] = qts_calloc_lines(100))) {
			CHECK(0, "2000 blocks of 100 bytes");
			return tap_done();
		}
		aligned &= (uintptr_t)b[i] % QTS_CACHE_LINE == 0;
		zero &= zeroed(b[i], 100);
		memset(b[i], 0xa5, 100);
	}
	CHECK(aligned, "every block starts a line");
	CHECK(zero, "every block is zeroed");
	/* 2000 * 128 bytes is past the 64 KiB malloc gives: the last ones are
	 * one after the other, two lines each */
	CHECK(b[N - 1] - b[N - 2] == 128 && b[N - 2] - b[N - 3] == 128, "small blocks are handed out in turn");
	int apart = 1;
	for (int i = 1; i < N; i++)
		apart &= b[i] >= b[i - 1] + 128 || b[i] + 128 <= b[i - 1];
	CHECK(apart, "no two blocks overlap");

	unsigned char *last = b[N - 1];
	qts_free_lines(last, 100);
	unsigned char *other = qts_calloc_lines(192);
	CHECK(other && other != last, "a freed block is not given for another size");
	unsigned char *again = qts_calloc_lines(120);
	CHECK(again == last, "a freed block is given again for its size (in lines)");
	CHECK(again && zeroed(again, 120), "and zeroed again");

	unsigned char *big = qts_calloc_lines(10000);
	CHECK(big && (uintptr_t)big % QTS_CACHE_LINE == 0 && zeroed(big, 10000), "a large block: malloc's, zeroed, aligned");
	qts_free_lines(big, 10000);
	unsigned char *none = qts_calloc_lines(0);
	CHECK(none && (uintptr_t)none % QTS_CACHE_LINE == 0, "size 0: a line");
	qts_free_lines(none, 0);
	qts_free_lines(NULL, 64);
	CHECK(1, "freeing NULL does nothing");

#if defined(__SANITIZE_ADDRESS__)
	CHECK(!__asan_address_is_poisoned(again + 119) && __asan_address_is_poisoned(again + 120),
	      "a chunk's block: the byte past its size is poisoned, as malloc's are");
	qts_free_lines(other, 192);
	CHECK(__asan_address_is_poisoned(other) && __asan_address_is_poisoned(other + 191),
	      "a freed block is poisoned whole");
#else
	qts_free_lines(other, 192);
#endif
	qts_free_lines(again, 120);
	for (int i = 0; i < N - 1; i++)
		qts_free_lines(b[i], 100);
	/* all freed: as many again are given from the freed ones, zeroed */
	int reused = 1;
	for (int i = 0; i < N; i++) {
		unsigned char *p = qts_calloc_lines(100);
		reused &= p != NULL && zeroed(p, 100);
		b[i] = p;
	}
	CHECK(reused, "freed blocks are given again, zeroed");
	for (int i = 0; i < N; i++)
		qts_free_lines(b[i], 100);
	return tap_done();
}

/* num_ryu.c — the shortest decimal digits of a double, after Ryu (Ulf
 * Adams, "Ryū: fast float-to-string conversion", PLDI 2018): the digit
 * generation behind qts_num_format.
 *
 * A double v = m 2^e has a rounding interval: the reals that read back to
 * v, from halfway to the double below to halfway to the double above, its
 * ends included when m is even (strtod rounds ties to even).  The
 * shortest decimal is found at a scale 10^e10 a little finer than the
 * interval: the floors of both ends and of v itself divided by 10^e10 are
 * computed exactly with one 64x128-bit product each, against a table of
 * 5^i or 5^-i to 125 bits (lib/num_ryu_table.h).  Dropping decimal digits
 * while a whole number of the coarser unit is still inside the interval
 * leaves the fewest digits; v rounded to that unit, to nearest and ties to
 * even, is then the candidate closest to v.  Whether the scaled ends and
 * v are exact (their removed digits all zero) is known only for the few
 * scales where it can happen, and only there does it cost anything. */
#include <stdint.h>
#include <string.h>

#include "num_ryu.h"

int qts_shortest_digits(double v, char *digits, int size, int *point);

static const char two_digits[200] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static const uint64_t pow10_u64[17] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000,
	10000000000, 100000000000, 1000000000000, 10000000000000, 100000000000000,
	1000000000000000, 10000000000000000,
};

/* The number of decimal digits of x < 10^17; full-precision values have
 * 15 to 17, so from the top. */
static inline int decimal_length(uint64_t x)
{
	int n = 17;
	while (n > 1 && x < pow10_u64[n - 1])
		n--;
	return n;
}

/* Writes the n decimal digits of x (x < 10^n) ending at end. */
static inline void write_digits(char *end, uint64_t x)
{
	while (x >= 100000000) {
		uint32_t r = (uint32_t)(x % 100000000);
		x /= 100000000;
		uint32_t hi = r / 10000, lo = r % 10000;
		memcpy(end - 2, two_digits + 2 * (lo % 100), 2);
		memcpy(end - 4, two_digits + 2 * (lo / 100), 2);
		memcpy(end - 6, two_digits + 2 * (hi % 100), 2);
		memcpy(end - 8, two_digits + 2 * (hi / 100), 2);
		end -= 8;
	}
	uint32_t y = (uint32_t)x;
	while (y >= 100) {
		memcpy(end - 2, two_digits + 2 * (y % 100), 2);
		y /= 100;
		end -= 2;
	}
	if (y >= 10)
		memcpy(end - 2, two_digits + 2 * y, 2);
	else
		end[-1] = (char)('0' + y);
}

/* The digits of |v| (no sign, no point) into digits[0..n), NUL-terminated;
 * returns n.  The value is 0.DIGITS x 10^point; zero is "0" with point 1.
 * size must allow 17 digits and the NUL; -1 if not, or if v is not finite. */
int qts_shortest_digits(double v, char *digits, int size, int *point)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	uint64_t frac = bits & ((1ULL << 52) - 1);
	int bexp = (int)(bits >> 52 & 0x7ff);
	if (size < 18 || bexp == 0x7ff)
		return -1;
	if (bexp == 0 && frac == 0) {
		digits[0] = '0';
		digits[1] = '\0';
		*point = 1;
		return 1;
	}

	/* v = mv 2^e2, the interval's ends mm 2^e2 and mp 2^e2.  The lower
	 * gap is half as wide above a power of two (but not for the smallest
	 * normal, whose neighbour below is a subnormal as far away). */
	uint64_t m2 = bexp ? frac | 1ULL << 52 : frac;
	int e2 = (bexp ? bexp : 1) - 1075 - 2;
	int even = (m2 & 1) == 0;
	uint64_t mv = 4 * m2, mp = mv + 2, mm = mv - 1 - (frac != 0 || bexp <= 1);

	/* a, b, c: the floors of mm, mv, mp 2^e2 / 10^e10; za, zb, zc: whether
	 * each division is exact.  The interval spans at least 12 units of
	 * 10^e10 (ryu_scale), so at least one digit is always removed below,
	 * but for the integers of e2 0 to 3, where e10 = 0 and all is exact. */
	const uint64_t *mul;
	int shift, e10 = ryu_scale(e2, &mul, &shift);
	uint64_t a = mul_shift(mm, mul, shift);
	uint64_t b = mul_shift(mv, mul, shift);
	uint64_t c = mul_shift(mp, mul, shift);
	int za = 0, zb = 0, zc = 0;
	if (e2 >= 0) {
		/* x 2^e2 / 10^e10 = x 2^(e2-e10) / 5^e10: exact when 5^e10
		 * divides x, which for x < 2^55 needs e10 <= 23 */
		if (e10 <= 23) {
			uint64_t p5 = 1;
			for (int i = 0; i < e10; i++)
				p5 *= 5;
			za = mm % p5 == 0, zb = mv % p5 == 0, zc = mp % p5 == 0;
		}
	} else {
		/* x 2^e2 / 10^e10 = x 5^(-e10) / 2^(e10-e2): exact when
		 * 2^(e10-e2) divides x, which for x < 2^55 needs e10-e2 <= 54 */
		int q = e10 - e2;
		if (q <= 54) {
			uint64_t low = (1ULL << q) - 1;
			za = (mm & low) == 0, zb = (mv & low) == 0, zc = (mp & low) == 0;
		}
	}
	/* c becomes the greatest candidate at this scale, a the floor of the
	 * lower end; zlo: the lower end itself is a candidate at this scale. */
	if (zc && !even)
		c--;
	int zlo = za && even;

	int removed = 0;
	uint64_t out;
	if (!zlo && !zb) {
		/* The usual case: v is not a tie at any scale and the lower end
		 * is never a candidate.  Two digits at a time while possible. */
		int up = 0;
		while (c / 100 > a / 100) {
			up = b % 100 >= 50;
			b /= 100, c /= 100, a /= 100;
			removed += 2;
		}
		if (c / 10 > a / 10) {
			up = b % 10 >= 5;
			b /= 10, a /= 10;
			removed++;
		}
		out = b + (b == a || up);
	} else {
		/* last: the last digit removed from b; zb: whether everything
		 * below it is zero, so a last of 5 is a tie. */
		int last = 0;
		while (c / 10 > a / 10) {
			zlo &= a % 10 == 0;
			zb &= last == 0;
			last = (int)(b % 10);
			b /= 10, c /= 10, a /= 10;
			removed++;
		}
		/* An exact lower end allows one more digit off per trailing
		 * zero of it: a coarser candidate that is the end itself. */
		if (zlo) {
			while (a % 10 == 0) {
				zb &= last == 0;
				last = (int)(b % 10);
				b /= 10, a /= 10;
				removed++;
			}
		}
		int up = last > 5 || (last == 5 && (!zb || (b & 1)));
		out = b + ((b == a && !zlo) || up);
	}

	int n = decimal_length(out);
	write_digits(digits + n, out);
	digits[n] = '\0';
	*point = e10 + removed + n;
	return n;
}

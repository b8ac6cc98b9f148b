/* num_ryu.h — the scaling step of lib/num_ryu.c (the shortest digits of
 * a double, after Ryu), private to it and to tests/unit/test_ryu.c, which
 * checks these helpers over their whole range against a bignum. */
#ifndef QTS_NUM_RYU_H
#define QTS_NUM_RYU_H
#include <stdint.h>

#include "num_ryu_table.h"

/* floor(e log10 2), exact for 0 <= e <= 1650 */
static inline int log10_pow2(int e)
{
	return (int)(((uint32_t)e * 78913) >> 18);
}

/* floor(e log10 5), exact for 0 <= e <= 2620 */
static inline int log10_pow5(int e)
{
	return (int)(((uint32_t)e * 732923) >> 20);
}

/* The bit length of 5^e, for 0 <= e <= 3528. */
static inline int pow5_bits(int e)
{
	return (int)(((uint32_t)e * 1217359) >> 19) + 1;
}

/* floor(m * mul / 2^shift), mul being { low, high }, for m < 2^55,
 * mul <= 2^125 and 64 <= shift < 192.  The low 64 bits of m * low only
 * feed the bits below the floor: dropping them first is exact. */
static inline uint64_t mul_shift(uint64_t m, const uint64_t mul[2], int shift)
{
	unsigned __int128 lo = (unsigned __int128)m * mul[0];
	unsigned __int128 hi = (unsigned __int128)m * mul[1];
	return (uint64_t)(((lo >> 64) + hi) >> (shift - 64));
}

/* The decimal scale 10^e10 for numbers x 2^e2 (x < 2^55) and how to
 * divide by it: floor(x 2^e2 / 10^e10) = mul_shift(x, *mul, *shift).  For
 * -1076 <= e2 <= 969 (every double, as 4m 2^e2).  e10 is about e2 log10 2
 * less one, so that the rounding interval, at least 3 2^e2 wide, spans 12
 * units of 10^e10 or more, but for e2 from 0 to 3 where e10 = 0 and the
 * division is exact. */
static inline int ryu_scale(int e2, const uint64_t **mul, int *shift)
{
	if (e2 >= 0) {
		/* x 2^e2 / 10^q = x 2^(e2-q) / 5^q, by 2^k / 5^q to 125 bits */
		int q = log10_pow2(e2) - (e2 > 3);
		*mul = ryu_pow5_inv[q];
		*shift = -e2 + q + pow5_bits(q) - 1 + RYU_POW5_BITS;
		return q;
	}
	/* x 2^e2 / 10^(e2+q) = x 5^i / 2^q with i = -e2 - q, by 5^i to 125
	 * bits */
	int q = log10_pow5(-e2) - (-e2 > 1);
	int i = -e2 - q;
	*mul = ryu_pow5[i];
	*shift = q - pow5_bits(i) + RYU_POW5_BITS;
	return e2 + q;
}

#endif

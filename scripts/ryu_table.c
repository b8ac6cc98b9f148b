/* ryu_table.c — writes lib/num_ryu_table.h, the powers of five that
 * lib/num_ryu.c multiplies by.  Run once by hand, not by make:
 *   cc -std=c11 -O2 -o /tmp/ryu_table scripts/ryu_table.c
 *   /tmp/ryu_table > lib/num_ryu_table.h
 * The arithmetic is a small bignum of its own (32-bit limbs, schoolbook
 * multiplication and binary long division), so the table owes nothing to
 * floating point.  tests/unit/test_ryu.c checks every entry again with
 * another bignum. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { LIMBS = 40, BITS = 125, NPOW5 = 326, NINV = 291 };

typedef struct {
	uint32_t d[LIMBS]; /* little-endian */
} big;

static void big_set(big *a, uint32_t v)
{
	memset(a, 0, sizeof *a);
	a->d[0] = v;
}

static void big_mul_small(big *a, uint32_t m)
{
	uint64_t carry = 0;
	for (int i = 0; i < LIMBS; i++) {
		uint64_t t = (uint64_t)a->d[i] * m + carry;
		a->d[i] = (uint32_t)t;
		carry = t >> 32;
	}
}

static int big_bitlen(const big *a)
{
	for (int i = LIMBS - 1; i >= 0; i--)
		if (a->d[i])
			for (int b = 31; b >= 0; b--)
				if (a->d[i] >> b & 1)
					return i * 32 + b + 1;
	return 0;
}

static int big_bit(const big *a, int n)
{
	return n >= 0 && n < LIMBS * 32 ? (int)(a->d[n / 32] >> (n % 32) & 1) : 0;
}

static void big_set_bit(big *a, int n)
{
	a->d[n / 32] |= 1u << (n % 32);
}

static int big_cmp(const big *a, const big *b)
{
	for (int i = LIMBS - 1; i >= 0; i--)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

static void big_sub(big *a, const big *b) /* a -= b, a >= b */
{
	int64_t borrow = 0;
	for (int i = 0; i < LIMBS; i++) {
		int64_t t = (int64_t)a->d[i] - b->d[i] - borrow;
		borrow = t < 0;
		a->d[i] = (uint32_t)(t + (borrow << 32));
	}
}

static void big_shl1(big *a)
{
	for (int i = LIMBS - 1; i > 0; i--)
		a->d[i] = a->d[i] << 1 | a->d[i - 1] >> 31;
	a->d[0] <<= 1;
}

static void big_add_small(big *a, uint32_t v)
{
	for (int i = 0; i < LIMBS && v; i++) {
		uint64_t t = (uint64_t)a->d[i] + v;
		a->d[i] = (uint32_t)t;
		v = (uint32_t)(t >> 32);
	}
}

/* bits [lo, lo+128) of a as two 64-bit halves (bits below 0 are zeros) */
static void big_window(const big *a, int lo, uint64_t out[2])
{
	out[0] = out[1] = 0;
	for (int b = 0; b < 128; b++)
		if (big_bit(a, lo + b))
			out[b / 64] |= 1ULL << (b % 64);
}

int main(void)
{
	big p;
	uint64_t w[2];
	printf("/* num_ryu_table.h — powers of five for lib/num_ryu.c, written by\n"
	       " * scripts/ryu_table.c (a bignum, run once; see there).  Each entry is\n"
	       " * { low 64 bits, high 64 bits }.  Checked by tests/unit/test_ryu.c. */\n"
	       "#ifndef QTS_NUM_RYU_TABLE_H\n#define QTS_NUM_RYU_TABLE_H\n#include <stdint.h>\n\n");
	printf("#define RYU_POW5_BITS %d\n\n", BITS);
	printf("/* 5^i cut to its top %d bits: floor(5^i / 2^(bitlen(5^i) - %d)),\n"
	       " * or 5^i shifted up to %d bits while it is shorter (exact). */\n", BITS, BITS, BITS);
	printf("static const uint64_t ryu_pow5[%d][2] = {\n", NPOW5);
	big_set(&p, 1);
	for (int i = 0; i < NPOW5; i++) {
		big_window(&p, big_bitlen(&p) - BITS, w);
		printf("\t{ 0x%016" PRIx64 "u, 0x%016" PRIx64 "u }, /* 5^%d */\n", w[0], w[1], i);
		big_mul_small(&p, 5);
	}
	printf("};\n\n");
	printf("/* ceil(2^(bitlen(5^q) - 1 + %d) / 5^q): 1/5^q scaled to %d bits,\n"
	       " * rounded up (2^%d exactly for q = 0). */\n", BITS, BITS, BITS);
	printf("static const uint64_t ryu_pow5_inv[%d][2] = {\n", NINV);
	big_set(&p, 1);
	for (int q = 0; q < NINV; q++) {
		int k = big_bitlen(&p) - 1 + BITS;
		big quo, rem;
		big_set(&quo, 0);
		big_set(&rem, 0);
		/* binary long division of 2^k by 5^q */
		for (int b = k; b >= 0; b--) {
			big_shl1(&rem);
			if (b == k)
				rem.d[0] |= 1;
			if (big_cmp(&rem, &p) >= 0) {
				big_sub(&rem, &p);
				big_set_bit(&quo, b);
			}
		}
		big zero;
		big_set(&zero, 0);
		if (big_cmp(&rem, &zero) != 0)
			big_add_small(&quo, 1);
		big_window(&quo, 0, w);
		printf("\t{ 0x%016" PRIx64 "u, 0x%016" PRIx64 "u }, /* 5^-%d */\n", w[0], w[1], q);
		big_mul_small(&p, 5);
	}
	printf("};\n\n#endif\n");
	return 0;
}

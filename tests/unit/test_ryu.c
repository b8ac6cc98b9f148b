/* Unit tests of the shortest digits of a double (lib/num_ryu.c): its table
 * and scaling helpers against a bignum, its digits against a reference
 * file, and round trips through strtod against printf's shortest. */
#include "num_ryu.h"
#include "qts.h"
#include "tap.h"

#include <float.h>
#include <stdlib.h>
#include <zlib.h>

int qts_shortest_digits(double v, char *digits, int size, int *point);

/* A bignum of its own, independent of scripts/ryu_table.c's: 32-bit limbs,
 * little-endian, with a length. */
enum { LIMBS = 100 };
typedef struct {
	int n;
	uint32_t d[LIMBS];
} num;

static void num_set(num *a, uint64_t v)
{
	memset(a, 0, sizeof *a);
	a->d[0] = (uint32_t)v;
	a->d[1] = (uint32_t)(v >> 32);
	a->n = a->d[1] ? 2 : a->d[0] ? 1 : 0;
}

static void num_from128(num *a, const uint64_t w[2])
{
	num_set(a, w[0]);
	a->d[2] = (uint32_t)w[1];
	a->d[3] = (uint32_t)(w[1] >> 32);
	a->n = 4;
	while (a->n && !a->d[a->n - 1])
		a->n--;
}

static void num_mul(num *r, const num *a, const num *b)
{
	num t;
	memset(&t, 0, sizeof t);
	for (int i = 0; i < a->n; i++) {
		uint64_t carry = 0;
		for (int j = 0; j < b->n; j++) {
			uint64_t x = (uint64_t)a->d[i] * b->d[j] + t.d[i + j] + carry;
			t.d[i + j] = (uint32_t)x;
			carry = x >> 32;
		}
		t.d[i + b->n] = (uint32_t)carry;
	}
	t.n = a->n + b->n;
	while (t.n && !t.d[t.n - 1])
		t.n--;
	*r = t;
}

static void num_mul_small(num *a, uint32_t m)
{
	num s;
	num_set(&s, m);
	num_mul(a, a, &s);
}

static void num_shl(num *a, int bits)
{
	num t;
	memset(&t, 0, sizeof t);
	int w = bits / 32, s = bits % 32;
	for (int i = 0; i < a->n; i++) {
		t.d[i + w] |= a->d[i] << s;
		if (s)
			t.d[i + w + 1] |= a->d[i] >> (32 - s);
	}
	t.n = a->n + w + 1;
	while (t.n && !t.d[t.n - 1])
		t.n--;
	*a = t;
}

static int num_cmp(const num *a, const num *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->d[i] != b->d[i])
			return a->d[i] < b->d[i] ? -1 : 1;
	return 0;
}

static int num_bitlen(const num *a)
{
	if (!a->n)
		return 0;
	int b = 32;
	while (!(a->d[a->n - 1] >> (b - 1)))
		b--;
	return (a->n - 1) * 32 + b;
}

static void num_add(num *a, const num *b)
{
	num t;
	memset(&t, 0, sizeof t);
	uint64_t carry = 0;
	int n = a->n > b->n ? a->n : b->n;
	for (int i = 0; i < n; i++) {
		uint64_t x = (uint64_t)a->d[i] + b->d[i] + carry;
		t.d[i] = (uint32_t)x;
		carry = x >> 32;
	}
	t.d[n] = (uint32_t)carry;
	t.n = carry ? n + 1 : n;
	*a = t;
}

enum { NP5 = 1200 };
static num pow5[NP5]; /* 5^0 .. 5^1199 */
static int pow5_len[NP5];

static void tables(void)
{
	num_set(&pow5[0], 1);
	for (int i = 1; i < NP5; i++) {
		pow5[i] = pow5[i - 1];
		num_mul_small(&pow5[i], 5);
	}
	for (int i = 0; i < NP5; i++)
		pow5_len[i] = num_bitlen(&pow5[i]);

	/* ryu_pow5[i]: 5^i to its top 125 bits, truncated (exact when short) */
	int ok = 1;
	int npow5 = (int)(sizeof ryu_pow5 / sizeof ryu_pow5[0]);
	for (int i = 0; i < npow5; i++) {
		num t, t1;
		num_from128(&t, ryu_pow5[i]);
		num_set(&t1, 1);
		num_add(&t1, &t);
		int s = pow5_len[i] - RYU_POW5_BITS;
		if (s <= 0) {
			num x = pow5[i];
			num_shl(&x, -s);
			ok &= num_cmp(&t, &x) == 0;
		} else {
			num_shl(&t, s);
			num_shl(&t1, s);
			ok &= num_cmp(&t, &pow5[i]) <= 0 && num_cmp(&pow5[i], &t1) < 0;
		}
	}
	CHECK(ok && npow5 == 326, "ryu_pow5: 5^0..5^325 to 125 bits, truncated");

	/* ryu_pow5_inv[q]: the least T with T 5^q >= 2^k, k = bitlen(5^q) - 1 + 125 */
	ok = 1;
	int ninv = (int)(sizeof ryu_pow5_inv / sizeof ryu_pow5_inv[0]);
	for (int q = 0; q < ninv; q++) {
		num t, below, p2;
		num_from128(&t, ryu_pow5_inv[q]);
		num_mul(&below, &t, &pow5[q]);
		num_set(&p2, 1);
		num_shl(&p2, pow5_len[q] - 1 + RYU_POW5_BITS);
		ok &= num_cmp(&below, &p2) >= 0;
		/* (T - 1) 5^q < 2^k, i.e. T 5^q < 2^k + 5^q */
		num sum = p2;
		num_add(&sum, &pow5[q]);
		ok &= num_cmp(&below, &sum) < 0;
	}
	CHECK(ok && ninv == 291, "ryu_pow5_inv: 2^k/5^q for q = 0..290 to 125 bits, rounded up");

	/* the estimates of bit lengths and logarithms, over all they serve */
	ok = 1;
	for (int e = 0; e < 700; e++)
		ok &= pow5_bits(e) == pow5_len[e];
	CHECK(ok, "pow5_bits(e) is the bit length of 5^e");
	ok = 1;
	for (int e = 0; e <= 1100; e++) {
		/* floor(e log10 2): the greatest r with 10^r <= 2^e, i.e.
		 * 5^r < 2^(e-r) (5^r is never a power of two past r = 0) */
		int r = 0;
		while (r + 1 <= e && pow5_len[r + 1] <= e - (r + 1))
			r++;
		ok &= log10_pow2(e) == r;
	}
	CHECK(ok, "log10_pow2(e) = floor(e log10 2) for e = 0..1100");
	ok = 1;
	for (int e = 0; e <= 1100; e++) {
		/* floor(e log10 5): the greatest r with 2^r <= 5^(e-r) */
		int r = 0;
		while (r + 1 <= e && r + 1 <= pow5_len[e - (r + 1)] - 1)
			r++;
		ok &= log10_pow5(e) == r;
	}
	CHECK(ok, "log10_pow5(e) = floor(e log10 5) for e = 0..1100");
}

/* floor(x 2^e2 / 10^e10) exactly, by bignum: r with r D <= N < (r+1) D */
static uint64_t exact_floor(uint64_t x, int e2, int e10)
{
	num nn, dd;
	num_set(&nn, x);
	num_set(&dd, 1);
	/* N / D = x 2^e2 / (2^e10 5^e10), powers of two moved to one side */
	int p2 = e2 - e10;
	if (e10 >= 0)
		dd = pow5[e10];
	else
		num_mul(&nn, &nn, &pow5[-e10]);
	if (p2 >= 0)
		num_shl(&nn, p2);
	else
		num_shl(&dd, -p2);
	/* binary search is slow; the quotient is below 2^63: build it bit by bit */
	uint64_t r = 0;
	for (int b = 62; b >= 0; b--) {
		num t;
		num_set(&t, r | 1ULL << b);
		num_mul(&t, &t, &dd);
		if (num_cmp(&t, &nn) <= 0)
			r |= 1ULL << b;
	}
	return r;
}

static void scaling(void)
{
	/* For every exponent: the product and shift give the exact floor, for
	 * the extreme and random x below 2^55, and the interval (3 2^e2 at
	 * least) spans 12 units of 10^e10 or e10 is 0 with e2 from 0 to 3. */
	int exact = 1, wide = 1, shifts = 1;
	uint64_t s = 0x6a09e667f3bcc909ULL;
	for (int e2 = -1076; e2 <= 969; e2++) {
		const uint64_t *mul;
		int shift, e10 = ryu_scale(e2, &mul, &shift);
		shifts &= shift >= 64 && shift < 192;
		for (int k = 0; k < 12 && shifts; k++) {
			uint64_t x;
			if (k < 4) {
				const uint64_t edge[4] = { 2, 1ULL << 54, (1ULL << 55) - 2, (1ULL << 55) - 1 };
				x = edge[k];
			} else {
				s ^= s << 13, s ^= s >> 7, s ^= s << 17;
				x = s >> 9;
			}
			exact &= mul_shift(x, mul, shift) == exact_floor(x, e2, e10);
		}
		if (e2 >= 0 && e2 <= 3) {
			wide &= e10 == 0;
		} else {
			/* 3 2^e2 >= 12 10^e10, i.e. 2^(e2-e10) >= 4 5^e10 */
			num l, r;
			num_set(&l, 1);
			num_set(&r, 4);
			int p2 = e2 - e10;
			if (e10 >= 0)
				num_mul(&r, &r, &pow5[e10]);
			else
				num_mul(&l, &l, &pow5[-e10]);
			if (p2 >= 0)
				num_shl(&l, p2);
			else
				num_shl(&r, -p2);
			wide &= num_cmp(&l, &r) >= 0;
		}
	}
	CHECK(shifts, "every shift within the 192-bit product");
	CHECK(exact, "the 64x128-bit products give the exact floors, every exponent");
	CHECK(wide, "the first scale leaves at least one digit to remove");
}

/* tests/fixtures/num/shortest.txt.gz (made by its gen.cc, with
 * double-conversion's shortest mode): digits and point, exactly. */
static void reference(void)
{
	gzFile f = gzopen("tests/fixtures/num/shortest.txt.gz", "rb");
	if (!CHECK(f != NULL, "the reference file opens"))
		return;
	char line[128];
	long n = 0, bad = 0;
	while (gzgets(f, line, sizeof line)) {
		char *p;
		uint64_t bits = strtoull(line, &p, 16);
		char want[32];
		int wn = 0;
		while (*p == ' ')
			p++;
		while (*p >= '0' && *p <= '9' && wn < 31)
			want[wn++] = *p++;
		want[wn] = '\0';
		long wpoint = strtol(p, NULL, 10);
		double v;
		memcpy(&v, &bits, sizeof v);
		char got[32];
		int point = 0, len = qts_shortest_digits(v, got, sizeof got, &point);
		n++;
		if (len != wn || strcmp(got, want) != 0 || point != wpoint) {
			if (bad++ < 5)
				printf("# %016llx: got %s point %d, want %s point %ld\n",
				       (unsigned long long)bits, got, point, want, wpoint);
		}
	}
	gzclose(f);
	CHECK(n == 200000, "the reference file has 200,000 doubles");
	CHECK(bad == 0, "the digits and point of each are double-conversion's");
}

static void round_trips(void)
{
	/* Random bit patterns: the digits read back to the same double, and
	 * are never more than the fewest of %.15g, %.16g, %.17g that do. */
	uint64_t x = 0x3c6ef372fe94f82bULL;
	long n = 0, trip_bad = 0, long_bad = 0;
	for (int i = 0; i < 2000000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		double v;
		memcpy(&v, &x, sizeof v);
		if (!isfinite(v))
			continue;
		n++;
		char d[32], s[48];
		int point, len = qts_shortest_digits(v, d, sizeof d, &point);
		snprintf(s, sizeof s, "%s0.%se%d", signbit(v) ? "-" : "", d, point);
		double r = strtod(s, NULL);
		if (memcmp(&r, &v, sizeof r) != 0 && trip_bad++ < 5)
			printf("# %s does not read back to %.17g\n", s, v);
		int prec = 15;
		for (; prec < 17; prec++) {
			snprintf(s, sizeof s, "%.*g", prec, v);
			if (strtod(s, NULL) == v)
				break;
		}
		if (len > prec && long_bad++ < 5)
			printf("# %s: %d digits, %%.%dg reads back\n", d, len, prec);
	}
	CHECK(n > 1990000 && trip_bad == 0, "2M random bit patterns read back through strtod");
	CHECK(long_bad == 0, "never more digits than printf's shortest that reads back");
}

static void edges(void)
{
	char d[32];
	int point = 99;
	CHECK(qts_shortest_digits(0.0, d, sizeof d, &point) == 1 && strcmp(d, "0") == 0 && point == 1,
	      "zero is 0, point 1");
	CHECK(qts_shortest_digits(-0.0, d, sizeof d, &point) == 1 && strcmp(d, "0") == 0 && point == 1,
	      "minus zero too");
	CHECK(qts_shortest_digits(5e-324, d, sizeof d, &point) == 1 && strcmp(d, "5") == 0 && point == -323,
	      "5e-324");
	CHECK(qts_shortest_digits(DBL_MAX, d, sizeof d, &point) == 17 &&
		      strcmp(d, "17976931348623157") == 0 && point == 309, "DBL_MAX");
	CHECK(qts_shortest_digits(DBL_MIN, d, sizeof d, &point) == 17 &&
		      strcmp(d, "22250738585072014") == 0 && point == -307, "DBL_MIN");
	CHECK(qts_shortest_digits(-2.5, d, sizeof d, &point) == 2 && strcmp(d, "25") == 0 && point == 1,
	      "the magnitude of a negative number");
	CHECK(qts_shortest_digits(1e23, d, sizeof d, &point) == 1 && strcmp(d, "1") == 0 && point == 24,
	      "1e23, not exactly a double, still 1e23");
	CHECK(qts_shortest_digits(9007199254740993.0, d, sizeof d, &point) == 16 &&
		      strcmp(d, "9007199254740992") == 0 && point == 16, "2^53");
	CHECK(qts_shortest_digits(INFINITY, d, sizeof d, &point) == -1, "infinity: -1");
	CHECK(qts_shortest_digits(NAN, d, sizeof d, &point) == -1, "NaN: -1");
	CHECK(qts_shortest_digits(0.1, d, 17, &point) == -1, "a buffer short of 18 bytes: -1");
}

int main(void)
{
	tables();
	scaling();
	edges();
	reference();
	round_trips();
	return tap_done();
}

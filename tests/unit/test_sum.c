/* test_sum.c — qts_sum and qts_moments (qts_sum.h): exact running sums,
 * non-finite values counted apart, and sums of squared deviations that do
 * not cancel away. */
#include "tap.h"

#include <math.h>
#include <stdint.h>

#include "qts_sum.h"

static uint64_t seed = 99;

static double uniform(void) /* [0, 1) */
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(seed >> 11) / 9007199254740992.0;
}

static void test_exact(void)
{
	qts_sum a = { 0 };
	double plain = 0;

	qts_sum_add(&a, 1e16);
	qts_sum_add(&a, 1);
	qts_sum_add(&a, -1e16);
	CHECK(qts_sum_value(&a) == 1, "1e16 + 1 - 1e16 is 1");

	/* values of many sizes, full mantissas, and their negatives in another
	 * order: 0 (the sums stay well within the 2^90 units of qts_sum.h) */
	static double v[100000];
	qts_sum_clear(&a);
	for (int i = 0; i < 100000; i++) {
		v[i] = (uniform() - 0.5) * pow(10, (int)(uniform() * 6) - 3);
		qts_sum_add(&a, v[i]);
		plain += v[i];
	}
	for (int i = 100000; i-- != 0;) {
		qts_sum_sub(&a, v[(i * 7919) % 100000]);
		plain -= v[(i * 7919) % 100000];
	}
	CHECK(qts_sum_value(&a) == 0, "100000 values of 1e-3 to 1e3 less the same in another order: exactly 0");
	printf("# the plain sum gives %g\n", plain);
}

/* A window of 30 prices slid over a million. */
static void test_slide(void)
{
	static double v[1000030];
	qts_sum a = { 0 }, fresh = { 0 };
	double x = 100;

	for (int i = 0; i < 1000030; i++) {
		x = round((x + (uniform() - 0.5)) * 100) / 100;
		v[i] = x < 1 ? (x = 1) : x;
	}
	for (int i = 0; i < 1000030; i++) {
		qts_sum_add(&a, v[i]);
		if (i >= 30)
			qts_sum_sub(&a, v[i - 30]);
	}
	for (int i = 1000000; i < 1000030; i++)
		qts_sum_add(&fresh, v[i]);
	CHECK(qts_sum_value(&a) == qts_sum_value(&fresh),
	      "a window of 30 prices slid over a million: the sum of the same 30 summed afresh");
	CHECK(a.ops < 65536, "s and c are folded together now and then");
}

static void test_nonfinite(void)
{
	qts_sum a = { 0 };

	qts_sum_add(&a, 1.5);
	qts_sum_add(&a, INFINITY);
	CHECK(qts_sum_value(&a) == INFINITY, "+inf in: +inf");
	qts_sum_add(&a, -INFINITY);
	CHECK(isnan(qts_sum_value(&a)), "+inf and -inf in: NaN");
	qts_sum_sub(&a, INFINITY);
	CHECK(qts_sum_value(&a) == -INFINITY, "+inf out: -inf");
	qts_sum_sub(&a, -INFINITY);
	qts_sum_add(&a, NAN);
	CHECK(isnan(qts_sum_value(&a)) && qts_sum_finite(&a) == 1.5, "NaN in: NaN, the finite part kept apart");
	qts_sum_sub(&a, NAN);
	CHECK(qts_sum_value(&a) == 1.5 && !qts_sum_nonfinite(&a), "NaN out: the sum again");
	qts_sum_add_prod(&a, 1e300, 1e300);
	CHECK(qts_sum_value(&a) == INFINITY, "an overflowing product counts as +inf");
	qts_sum_sub_prod(&a, 1e300, 1e300);
	CHECK(qts_sum_value(&a) == 1.5, "and leaves as one");
}

static void test_products(void)
{
	qts_sum a = { 0 }, b = { 0 };
	double x = 1 + 0x1p-30;

	/* x * x = 1 + 2^-29 + 2^-60: the last bit is lost by a plain product */
	qts_sum_add_prod(&a, x, x);
	qts_sum_add(&a, -1);
	qts_sum_add(&a, -0x1p-29);
	CHECK(qts_sum_value(&a) == 0x1p-60, "products are added exactly");
	qts_sum_add(&b, 3);
	qts_sum_add_sum(&a, &b);
	qts_sum_sub_sum(&a, &b);
	CHECK(qts_sum_value(&a) == 0x1p-60, "adding and taking out another sum");
}

static void test_moments(void)
{
	qts_moments m = { 0 };

	CHECK(isnan(qts_moments_ss(&m, 0)), "no values: NaN");
	qts_moments_add(&m, 1e9 + 1);
	qts_moments_add(&m, 1e9 + 2);
	qts_moments_add(&m, 1e9 + 3);
	CHECK(qts_moments_ss(&m, 3) == 2, "1e9 + 1, 2, 3: squared deviations sum to 2");
	qts_moments_sub(&m, 1e9 + 1);
	qts_moments_add(&m, 1e9 + 2);
	qts_moments_sub(&m, 1e9 + 3);
	qts_moments_add(&m, 1e9 + 2);
	CHECK(qts_moments_ss(&m, 3) == 0, "three of 1e9 + 2: exactly 0");

	/* far from the shift and from zero: 1e15 + {0, 0.25, 0.5, 0.75} */
	qts_moments_clear(&m);
	qts_moments_add(&m, 3);
	qts_moments_sub(&m, 3);
	for (int i = 0; i < 4; i++)
		qts_moments_add(&m, 1e15 + 0.25 * i);
	CHECK(qts_moments_ss(&m, 4) == 0.3125, "1e15 + 0, .25, .5, .75 with the shift at 3: 0.3125");
	qts_moments_add(&m, NAN);
	CHECK(isnan(qts_moments_ss(&m, 5)), "a NaN in: NaN");
	qts_moments_sub(&m, NAN);
	CHECK(qts_moments_ss(&m, 4) == 0.3125, "and out again");
}

int main(void)
{
	test_exact();
	test_slide();
	test_nonfinite();
	test_products();
	test_moments();
	return tap_done();
}

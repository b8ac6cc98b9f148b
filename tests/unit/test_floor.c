/* Floor division and its remainder (qts.h), the one helper every stage
 * uses for the day or second an instant falls in. */
#include "qts.h"
#include "tap.h"

int main(void)
{
	CHECK(qts_floor_div(7, 2) == 3 && qts_floor_mod(7, 2) == 1, "positive");
	CHECK(qts_floor_div(-7, 2) == -4 && qts_floor_mod(-7, 2) == 1, "negative: toward minus infinity");
	CHECK(qts_floor_div(-8, 2) == -4 && qts_floor_mod(-8, 2) == 0, "exact");
	CHECK(qts_floor_div(7, -2) == -4 && qts_floor_mod(7, -2) == -1, "negative divisor");
	CHECK(qts_floor_div(-1, QTS_NS_PER_DAY) == -1 && qts_floor_mod(-1, QTS_NS_PER_DAY) == QTS_NS_PER_DAY - 1,
	      "the last ns of 1969-12-31 is in day -1");
	CHECK(qts_floor_div(INT64_MIN, QTS_NS_PER_DAY) == -106752 &&
	      qts_floor_mod(INT64_MIN, QTS_NS_PER_DAY) == 763145224192LL, /* 00:12:43.145224192 */
	      "the first time there is: no overflow");
	CHECK(qts_floor_div(INT64_MAX, 7) == INT64_MAX / 7 && qts_floor_mod(INT64_MAX, 7) == INT64_MAX % 7, "the last");
	return tap_done();
}

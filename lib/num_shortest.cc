// num_shortest.cc — the shortest decimal digits of a double, from Google's
// double-conversion library (Debian's libdouble-conversion): the digit
// generation behind qts_num_format.  printf has no shortest mode, and
// trying %.15g, %.16g and %.17g with a strtod each costs a microsecond a
// number, more than a whole stage spends on an event.
#include <double-conversion/double-to-string.h>

extern "C" int qts_shortest_digits(double v, char *digits, int size, int *point);

// The digits of |v| (no sign, no point) into digits[0..n), NUL-terminated;
// returns n.  The value is 0.DIGITS x 10^point.
extern "C" int qts_shortest_digits(double v, char *digits, int size, int *point)
{
	bool sign;
	int length;
	double_conversion::DoubleToStringConverter::DoubleToAscii(
		v, double_conversion::DoubleToStringConverter::SHORTEST, 0, digits, size, &sign, &length, point);
	return length;
}

/* timecheck.c — words for a time that falls outside int64 nanoseconds
 * (the checks themselves are inline in qts_time.h). */
#include "qts_time.h"

#include <stdio.h>

int qts_duration_format(int64_t ns, char *buf)
{
	static const struct { const char *suffix; int64_t ns; } units[] = {
		{ "d", QTS_NS_PER_DAY }, { "h", 3600 * QTS_NS_PER_SEC }, { "m", 60 * QTS_NS_PER_SEC },
		{ "s", QTS_NS_PER_SEC }, { "ms", 1000000 }, { "us", 1000 },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (ns != 0 && ns % units[i].ns == 0)
			return snprintf(buf, QTS_DURATION_MAX, "%lld%s", (long long)(ns / units[i].ns),
					units[i].suffix);
	return snprintf(buf, QTS_DURATION_MAX, "%lldns", (long long)ns);
}

const char *qts_time_range_why(int64_t t, const char *what, int past, char *why)
{
	char a[40], edge[40];
	qts_time_format(t, a);
	qts_time_format(past ? INT64_MAX : INT64_MIN, edge);
	snprintf(why, QTS_TIME_WHY, "%s %s is %s %s, the %s time qts can represent", a, what,
		 past ? "past" : "before", edge, past ? "last" : "first");
	return why;
}

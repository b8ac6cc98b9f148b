/* tz.c — the process's time zone, checked before it is set: glibc takes
 * an unknown name for UTC without a word, which would hide a typo. */
#include "qts.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int qts_tz_installed(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[4096];
	if (zone[0] == ':')
		zone++;
	if (!zone[0] || strstr(zone, ".."))
		return 0;
	if (zone[0] == '/')
		snprintf(path, sizeof path, "%s", zone);
	else
		snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", zone);
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char magic[4];
	int ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

int qts_tz_use(const char *zone)
{
	if (!qts_tz_installed(zone) || setenv("TZ", zone, 1) != 0)
		return -1;
	tzset();
	return 0;
}

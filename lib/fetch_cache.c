/* fetch_cache.c — qts-fetch's cache of network history on disk. */
#include "qts_net.h"

#include <getopt.h>
#include <string.h>

int qts_cache_option(int c, const char *arg, qts_cache_opts *co, const char *usage)
{
	switch (c) {
	case QTS_OPT_CACHE_DIR:
		if (!*arg)
			qts_usage_error(usage, "--cache-dir: an empty name");
		co->dir = arg;
		return 1;
	case QTS_OPT_NO_CACHE: co->off = 1; return 1;
	case QTS_OPT_OFFLINE: co->offline = 1; return 1;
	case QTS_OPT_MAX_AGE:
		if (qts_duration_parse(arg, &co->max_age) < 0 || co->max_age <= 0)
			qts_usage_error(usage, "--max-age: '%s' is not a positive duration (30m, 12h, 7d)", arg);
		return 1;
	case QTS_OPT_CACHE_LIST: co->list = 1; return 1;
	case QTS_OPT_CACHE_CLEAR: co->clear = 1; return 1;
	default: return 0;
	}
}

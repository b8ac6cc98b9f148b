/* feed_table.c — the network sources qts-fetch knows, one file each
 * (feed_NAME.c): a new vendor is one file and one line here. */
#include "qts_alpaca.h"
#include "qts_net.h"

#include <stdlib.h>
#include <string.h>

extern const qts_feed_kind qts_feed_yahoo, qts_feed_alphavantage, qts_feed_stooq;

static const qts_feed_kind *const kinds[] = {
	&qts_feed_yahoo,
	&qts_feed_alphavantage,
	&qts_feed_stooq,
	&qts_feed_alpaca,
	NULL,
};

const qts_feed_kind *qts_feed_at(size_t i)
{
	return i < sizeof kinds / sizeof *kinds ? kinds[i] : NULL;
}

const qts_feed_kind *qts_feed_find(const char *name, size_t len)
{
	for (size_t i = 0; kinds[i]; i++)
		if (strlen(kinds[i]->name) == len && memcmp(kinds[i]->name, name, len) == 0)
			return kinds[i];
	return NULL;
}

const char *qts_feed_base_url(const qts_feed_kind *k)
{
	const char *env = getenv(k->url_env);
	return env && *env ? env : k->default_url;
}

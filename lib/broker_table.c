/* broker_table.c — the brokers qts-broker knows, one line each. */
#include "qts_broker.h"

#include <string.h>

static const qts_broker_ops *const brokers[] = {
	&qts_broker_paper,
	&qts_broker_alpaca,
	&qts_broker_ib,
};

const qts_broker_ops *qts_broker_at(size_t i)
{
	return i < sizeof brokers / sizeof brokers[0] ? brokers[i] : NULL;
}

const qts_broker_ops *qts_broker_find(const char *name)
{
	for (size_t i = 0; qts_broker_at(i); i++)
		if (strcmp(qts_broker_at(i)->name, name) == 0)
			return qts_broker_at(i);
	return NULL;
}

/* validate.c — is a bar sound?  Bad data found at the source costs far less
 * than a backtest that silently trades on it. */
#include "qts_fetch.h"

#include <math.h>
#include <stdlib.h>

struct qts_validator {
	qts_symtab *last; /* "SYMBOL tf" -> last ts seen */
	char msg[256];
};

qts_validator *qts_validator_new(void)
{
	qts_validator *v = calloc(1, sizeof *v);
	if (v && !(v->last = qts_symtab_new(sizeof(int64_t) + sizeof(int)))) {
		free(v);
		return NULL;
	}
	return v;
}

void qts_validator_free(qts_validator *v)
{
	if (!v)
		return;
	qts_symtab_free(v->last);
	free(v);
}

const char *qts_validate_bar(qts_validator *v, const qts_event *ev)
{
	const double o = ev->bar.open, h = ev->bar.high, l = ev->bar.low, c = ev->bar.close;
	if (!isfinite(o) || !isfinite(h) || !isfinite(l) || !isfinite(c) || !isfinite(ev->bar.volume))
		return "a price or the volume is not a finite number";
	if (!(l <= o && l <= c && o <= h && c <= h)) {
		snprintf(v->msg, sizeof v->msg, "prices out of order: need low <= open,close <= high "
			 "(open %g high %g low %g close %g)", o, h, l, c);
		return v->msg;
	}
	if (ev->bar.volume < 0)
		return "negative volume";
	char key[64];
	snprintf(key, sizeof key, "%s %s", ev->symbol, ev->bar.tf);
	struct { int64_t ts; int seen; } *last = qts_symtab_get(v->last, key);
	if (!last)
		return "out of memory";
	if (last->seen && ev->ts <= last->ts) {
		char a[48], b[48];
		qts_time_format(ev->ts, a);
		qts_time_format(last->ts, b);
		snprintf(v->msg, sizeof v->msg, ev->ts == last->ts ? "duplicate %s %s bar at %s"
								  : "%s %s bar at %s is not after the one before (%s)",
			 ev->symbol, ev->bar.tf, a, b);
		return v->msg;
	}
	return NULL;
}

void qts_validator_accept(qts_validator *v, const qts_event *ev)
{
	char key[64];
	snprintf(key, sizeof key, "%s %s", ev->symbol, ev->bar.tf);
	struct { int64_t ts; int seen; } *last = qts_symtab_get(v->last, key);
	if (last) {
		last->ts = ev->ts;
		last->seen = 1;
	}
}

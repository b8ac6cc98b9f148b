/* strat_params.c — a built-in strategy's parameters from the command line,
 * checked here against the registry's ranges and types so that every host
 * (qts-strategy, a pipe, a sweep) refuses the same settings the same way. */
#include "qts_strat.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char *err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, QTS_ERR_MAX, fmt, ap);
	va_end(ap);
	return -1;
}

/* s quoted for a message (qts_quote), in buf of size bytes. */
static const char *quoted(const char *s, char *buf, size_t size)
{
	qts_quote(buf, size, s, strlen(s));
	return buf;
}

/* One value for parameter p: its range, then its type. */
static int set_one(const qts_strat_info *s, const qts_strat_param *p, const char *val, double *out,
		   char *err)
{
	char why[QTS_ERR_MAX], q[256];
	if (p->type == QTS_PARAM_TEXT)
		return 0; /* the strategy's own to read */
	if (qts_parse_double(val, p->min, p->max, out, why) < 0)
		return fail(err, "%s: %s: %s", s->name, p->name, why);
	if (p->type == QTS_PARAM_BOOL && *out != 0 && *out != 1)
		return fail(err, "%s: %s: '%s' is neither 0 nor 1", s->name, p->name, quoted(val, q, sizeof q));
	return 0;
}

int qts_strat_params_parse(const qts_strat_info *s, char *const *kv, int n, double *param, char *err)
{
	char q[256];
	for (int i = 0; i < s->nparams; i++)
		param[i] = s->params[i].def;
	unsigned given = 0;
	for (int i = 0; i < n; i++) {
		char key[64];
		const char *val;
		int k;
		if (qts_split_kv(kv[i], key, sizeof key, &val) < 0 || (k = qts_strat_param_index(s, key)) < 0)
			return fail(err, "%s: unknown parameter '%s'", s->name, quoted(kv[i], q, sizeof q));
		if (given & 1u << k)
			return fail(err, "%s: %s given twice", s->name, key);
		given |= 1u << k;
		if (set_one(s, &s->params[k], val, &param[k], err) < 0)
			return -1;
	}
	/* a parameter given that the others make meaningless is a mistake,
	 * not a setting to ignore */
	int si = qts_strat_param_index(s, "size"), wi = qts_strat_param_index(s, "weight");
	int vi = qts_strat_param_index(s, "vol"), oi = qts_strat_param_index(s, "stop");
	if (si >= 0 && wi >= 0 && (given & 1u << si) && (given & 1u << wi))
		return fail(err, "%s: size and weight exclude each other", s->name);
	/* a signal times 0 is 0: every target flat, and with stop=1 no order
	 * at all (the position over 0 is nan), exit 0 on a backtest that
	 * never traded */
	if (si >= 0 && (given & 1u << si) && param[si] == 0)
		return fail(err, "%s: size: 0 would make every target 0 (a size above 0, or weight=)", s->name);
	if (wi >= 0 && (given & 1u << wi) && param[wi] == 0)
		return fail(err, "%s: weight: 0 would make every target 0 (a weight other than 0)", s->name);
	int ci = qts_strat_param_index(s, "cap");
	if (ci >= 0 && vi >= 0 && param[vi] > 0 && param[ci] == 0)
		return fail(err, "%s: cap: 0 would make every target 0 (a cap above 0)", s->name);
	if (vi >= 0 && param[vi] == 0)
		for (int i = 0; i < s->nparams; i++)
			if ((given & 1u << i) && (!strcmp(s->params[i].name, "volwin") ||
						  !strcmp(s->params[i].name, "periods") ||
						  !strcmp(s->params[i].name, "cap")))
				return fail(err, "%s: %s goes with vol above 0", s->name, s->params[i].name);
	for (int i = 0; i < s->nparams; i++)
		if (s->params[i].type == QTS_PARAM_INT && param[i] != floor(param[i]))
			return fail(err, "%s: %s: %g is not a whole number", s->name, s->params[i].name, param[i]);
	if (oi >= 0 && param[oi] == 1 && s->orders && wi >= 0 && !isnan(param[wi]))
		return fail(err, "%s: stop=1 trades quantities: size=, not weight=", s->name);
	/* a rule between parameters (fast < slow), checked once, before any
	 * input */
	void *probe = calloc(1, s->state_size ? s->state_size : 1);
	if (!probe)
		return fail(err, "%s: out of memory", s->name);
	char why[QTS_ERR_MAX] = "";
	int bad = s->init(probe, param, why) < 0;
	if (s->free)
		s->free(probe);
	free(probe);
	return bad ? fail(err, "%s: %s", s->name, why) : 0;
}

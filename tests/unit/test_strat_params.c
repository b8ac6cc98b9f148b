/* A built-in strategy's parameters are checked in the library
 * (strat_params.c): ranges, whole numbers, switches, the rules between
 * them; and the registry's counts are its lists' own. */
#include "qts_strat.h"
#include "tap.h"

#include <stdarg.h>

static const char *parse(const char *name, double *p, char *err, int n, ...)
{
	char *kv[8];
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		kv[i] = va_arg(ap, char *);
	va_end(ap);
	*err = '\0';
	return qts_strat_params_parse(qts_strat_find(name), kv, n, p, err) < 0 ? err : NULL;
}

int main(void)
{
	double p[QTS_STRAT_MAXPARAM];
	char err[QTS_ERR_MAX];
	const qts_strat_info *s = qts_strat_find("sma-cross");
	int fast = qts_strat_param_index(s, "fast"), slow = qts_strat_param_index(s, "slow");

	CHECK(parse("sma-cross", p, err, 0) == NULL && p[fast] == 10 && p[slow] == 30, "defaults");
	CHECK(parse("sma-cross", p, err, 2, "fast=5", "slow=20") == NULL && p[fast] == 5 && p[slow] == 20,
	      "values set");
	CHECK_STR(parse("sma-cross", p, err, 1, "fast=2.5"), "sma-cross: fast: 2.5 is not a whole number",
		  "a whole-number parameter refuses 2.5");
	CHECK(parse("sma-cross", p, err, 1, "fast=1") != NULL && strstr(err, "sma-cross: fast: "),
	      "below its range");
	CHECK_STR(parse("sma-cross", p, err, 1, "short=0.5"), "sma-cross: short: '0.5' is neither 0 nor 1",
		  "a switch refuses 0.5");
	CHECK_STR(parse("donchian-breakout", p, err, 1, "stop=0.5"),
		  "donchian-breakout: stop: '0.5' is neither 0 nor 1", "and stop=0.5");
	CHECK(parse("sma-cross", p, err, 1, "short=1") == NULL, "a switch takes 1");
	CHECK(parse("bollinger-reversion", p, err, 1, "nbdev=2.5") == NULL, "a real parameter takes 2.5");
	CHECK_STR(parse("sma-cross", p, err, 1, "nope=1"), "sma-cross: unknown parameter 'nope=1'",
		  "an unknown parameter");
	CHECK_STR(parse("sma-cross", p, err, 2, "fast=3", "fast=4"), "sma-cross: fast given twice", "twice");
	CHECK_STR(parse("sma-cross", p, err, 2, "size=3", "weight=0.5"), "sma-cross: size and weight exclude each other",
		  "size and weight");
	CHECK_STR(parse("momentum", p, err, 1, "cap=3"), "momentum: cap goes with vol above 0", "cap without vol");
	CHECK_STR(parse("donchian-breakout", p, err, 2, "stop=1", "weight=0.5"),
		  "donchian-breakout: stop=1 trades quantities: size=, not weight=", "stop=1 with weight");
	CHECK(parse("sma-cross", p, err, 2, "fast=30", "slow=10") != NULL && !strncmp(err, "sma-cross: ", 11),
	      "the strategy's own rule (fast < slow)");

	/* Every parameter list is counted from itself: the names are set
	 * and unique, and past the count nothing is. */
	size_t n;
	const qts_strat_info *t = qts_strat_table(&n);
	int ok = n > 0;
	for (size_t i = 0; i < n; i++) {
		ok &= t[i].nparams >= 2 && t[i].nparams <= QTS_STRAT_MAXPARAM;
		for (int k = 0; k < t[i].nparams; k++) {
			ok &= t[i].params[k].name && qts_strat_param_index(&t[i], t[i].params[k].name) == k;
			ok &= t[i].params[k].type != QTS_PARAM_BOOL ||
			      (t[i].params[k].min == 0 && t[i].params[k].max == 1);
		}
		for (int k = t[i].nparams; k < QTS_STRAT_MAXPARAM; k++)
			ok &= t[i].params[k].name == NULL;
		ok &= i == 0 || strcmp(t[i - 1].name, t[i].name) < 0;
	}
	CHECK(ok, "the registry: sorted, each list counted whole, switches 0 to 1");
	return tap_done();
}

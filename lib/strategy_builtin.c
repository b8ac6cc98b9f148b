/* strategy_builtin.c — a built-in strategy of the registry (strat.c) run
 * by qts-strategy: its key=value parameters checked before any input, one
 * state a symbol, and its signal out as targets, or as orders when it
 * trades with them (stop=1). */
#include "strategy_priv.h"

#include <stdlib.h>
#include <string.h>

#define usage qts_strategy_usage

void strategy_setup_builtin(struct host *h, const struct strategy_options *o)
{
	char q[256];
	const qts_strat_info *s = h->strat = qts_strat_find(o->strategy);
	if (!s)
		qts_usage_error(usage, "unknown strategy '%s' (qts-strategy --list names them)",
				strategy_quoted(o->strategy, q, sizeof q));
	for (int i = 0; i < s->nparams; i++)
		h->param[i] = s->params[i].def;
	unsigned given = 0;
	for (int i = 0; i < o->nkv; i++) {
		char key[64], err[160];
		const char *val;
		int k;
		if (qts_split_kv(o->kv[i], key, sizeof key, &val) < 0 ||
		    (k = qts_strat_param_index(s, key)) < 0)
			qts_usage_error(usage, "%s: unknown parameter '%s'", s->name,
					strategy_quoted(o->kv[i], q, sizeof q));
		if (given & 1u << k)
			qts_usage_error(usage, "%s: %s given twice", s->name, key);
		given |= 1u << k;
		const qts_strat_param *p = &s->params[k];
		if (qts_parse_double(val, p->min, p->max, &h->param[k], err) < 0)
			qts_usage_error(usage, "%s: %s: %s", s->name, key, err);
		if ((p->min == 0 && p->max == 1 && h->param[k] != 0 && h->param[k] != 1) ||
		    (!strcmp(key, "short") && h->param[k] != 0 && h->param[k] != 1))
			qts_usage_error(usage, "%s: %s: '%s' is neither 0 nor 1", s->name, key,
					strategy_quoted(val, q, sizeof q));
	}
	/* a parameter given that the others make meaningless is a mistake,
	 * not a setting to ignore */
	int si = qts_strat_param_index(s, "size"), vi = qts_strat_param_index(s, "vol");
	if ((given & 1u << si) && (given & 1u << qts_strat_param_index(s, "weight")))
		qts_usage_error(usage, "%s: size and weight exclude each other", s->name);
	if (vi >= 0 && h->param[vi] == 0)
		for (int i = 0; i < s->nparams; i++)
			if ((given & 1u << i) && (!strcmp(s->params[i].name, "volwin") ||
						  !strcmp(s->params[i].name, "periods") ||
						  !strcmp(s->params[i].name, "cap")))
				qts_usage_error(usage, "%s: %s goes with vol above 0", s->name,
						s->params[i].name);
	/* the periods of the registry are whole numbers */
	for (int i = 0; i < s->nparams; i++) {
		const char *n = s->params[i].name;
		if ((!strcmp(n, "fast") || !strcmp(n, "slow") || !strcmp(n, "signal") ||
		     !strcmp(n, "period") || !strcmp(n, "entry") || !strcmp(n, "exit") ||
		     !strcmp(n, "lookback") || !strcmp(n, "volwin")) &&
		    h->param[i] != floor(h->param[i]))
			qts_usage_error(usage, "%s: %s: %g is not a whole number", s->name, n,
					h->param[i]);
	}
	int wi = qts_strat_param_index(s, "weight"), oi = qts_strat_param_index(s, "stop");
	h->use_orders = oi >= 0 && h->param[oi] == 1 && s->orders;
	if (h->use_orders && !isnan(h->param[wi]))
		qts_usage_error(usage, "%s: stop=1 trades quantities: size=, not weight=", s->name);
	h->unit = isnan(h->param[wi]) ? "qty" : "weight";
	h->mult = isnan(h->param[wi]) ? h->param[qts_strat_param_index(s, "size")] : h->param[wi];
	/* a parameter rule (fast < slow) checked once, before any input */
	void *probe = calloc(1, s->state_size ? s->state_size : 1);
	if (!probe)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	char err[160] = "";
	int bad = s->init(probe, h->param, err) < 0;
	if (s->free)
		s->free(probe);
	free(probe);
	if (bad)
		qts_usage_error(usage, "%s: %s", s->name, err);
	h->out.strategy = o->name ? o->name : s->name;
}

int strategy_builtin_state(struct host *h, struct sym *s)
{
	char err[160] = "";
	if (!(s->state = calloc(1, h->strat->state_size ? h->strat->state_size : 1))) {
		snprintf(h->err, sizeof h->err, "out of memory");
		h->stop = 1;
		return -1;
	}
	/* the parameters passed the same init at the start: only memory fails */
	if (h->strat->init(s->state, h->param, err) < 0) {
		snprintf(h->err, sizeof h->err, "%s: %s", h->strat->name, err);
		h->stop = 1;
		return -1;
	}
	return 0;
}

void strategy_builtin_bar(struct host *h, struct sym *s, const double v[QTS_EXPR_NFIELDS])
{
	double sig = h->strat->bar(s->state, h->param, v);
	if (h->use_orders) {
		/* book.pos: as the orders were presumed filled, or with
		 * --feedback as they were */
		qts_strat_order want[2];
		int n = qts_strat_sized_orders(h->strat, s->state, h->param, h->mult, s->book.pos, want);
		qts_strat_place(&s->book, s->name, want, n, &h->out);
	} else {
		qts_strat_target(&s->last, s->name, sig * h->mult, h->unit, &h->out);
	}
}

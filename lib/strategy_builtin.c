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
	char err[QTS_ERR_MAX];
	if (qts_strat_params_parse(s, o->kv, o->nkv, h->param, err) < 0)
		qts_usage_error(usage, "%s", err);
	h->out.strategy = o->name ? o->name : s->name;
	if (s->portfolio) {
		int status;
		h->unit = QTS_UNIT_WEIGHT;
		if (!(h->portfolio = s->portfolio->open(s, h->param, o->kv, o->nkv, !!o->conf.feedback, err,
							&status))) {
			if (status == QTS_EXIT_USAGE)
				qts_usage_error(usage, "%s", err);
			qts_die(status, "%s", err);
		}
		return;
	}
	int wi = qts_strat_param_index(s, "weight"), oi = qts_strat_param_index(s, "stop");
	h->use_orders = oi >= 0 && h->param[oi] == 1 && s->orders;
	h->unit = isnan(h->param[wi]) ? QTS_UNIT_QTY : QTS_UNIT_WEIGHT;
	h->mult = isnan(h->param[wi]) ? h->param[qts_strat_param_index(s, "size")] : h->param[wi];
}

int strategy_builtin_state(struct host *h, struct sym *s)
{
	char err[160] = "";
	if (!(s->state = qts_calloc_lines(h->strat->state_size))) {
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

void strategy_builtin_bar(struct host *h, struct sym *s, const qts_event *ev)
{
	if (h->portfolio) {
		if (h->strat->portfolio->bar(h->portfolio, ev, &h->out, h->err) < 0)
			h->stop = 1;
		return;
	}
	double sig = h->strat->bar(s->state, h->param, ev->bar.ohlcv);
	if (h->use_orders) {
		/* book.pos: as the orders were presumed filled, or with
		 * --feedback as they were */
		qts_strat_order want[2];
		int n = qts_strat_sized_orders(h->strat, s->state, h->param, h->mult, s->book.pos, want);
		/* A channel of a share's bars priced at 0 or below puts a stop
		 * there, an order qts-sim rejects: the run stops as a
		 * program's does (strategy_expr.c), rather than write it and
		 * go on with a position it never gets.  A contract's trades
		 * there. */
		for (int i = 0; i < n && !s->book.contract; i++)
			if (want[i].limit <= 0 || want[i].stop <= 0) {
				char what[96];
				int lim = want[i].limit <= 0;
				snprintf(what, sizeof what, "the %s of %s's %s order", lim ? "limit" : "stop",
					 h->strat->name, want[i].side > 0 ? "buy" : "sell");
				strategy_not_price(h, s->name, what, lim ? want[i].limit : want[i].stop, NULL);
				return;
			}
		qts_strat_place(&s->book, s->name, want, n, &h->out);
	} else {
		qts_strat_target(&s->last, s->name, sig * h->mult, h->unit, &h->out);
	}
}

void strategy_builtin_event(struct host *h, const qts_event *ev)
{
	if (h->portfolio && h->strat->portfolio->event(h->portfolio, ev, h->err) < 0)
		h->stop = 1;
}

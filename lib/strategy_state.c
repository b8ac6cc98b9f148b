/* strategy_state.c — qts-strategy's state in a checkpoint (--state FILE,
 * qts(7) CHECKPOINTS): the host's counters, each symbol's timeframes,
 * last target and working orders (with --feedback, the position
 * feedback set), and the state of what runs: a built-in strategy's
 * indicators and rules (qts_strat_info.ck), an expression program's
 * (qts_expr_state_ck), or a plugin's, through its own save and restore
 * (qts_plugin_ck).  One function writes and reads it, both ways; nothing
 * here runs per bar. */
#include "strategy_priv.h"

#include "qts_checkpoint.h"

#include <stdlib.h>
#include <string.h>

#define usage qts_strategy_usage

void strategy_state_check(const struct host *h, const struct strategy_options *o)
{
	if (!o->conf.state)
		return;
	if (h->mode == M_PRINT)
		qts_usage_error(usage, "--state goes with events: --print writes a CSV table");
	if (h->mode == M_BUILTIN && !h->strat->ck && !(h->strat->portfolio && h->strat->portfolio->ck))
		qts_usage_error(usage, "--state: the strategy %s keeps no checkpoints", h->strat->name);
	if (h->mode == M_PLUGIN && !qts_plugin_keeps_state(h->pl))
		qts_usage_error(usage, "--state: %s has no save and restore functions "
				"(qts-strategy-plugin(3)): its state cannot be kept", h->plugin_path);
}

/* What runs, so that a state is read by the same: the strategy's name,
 * or a hash of the program's statements (-f names a file whose text the
 * options do not hold). */
static void identity_ck(struct host *h, qts_ckpt *c)
{
	int mode = h->mode;
	qts_ck_int(c, &mode);
	if (c->loading && !c->bad && mode != (int)h->mode)
		qts_ck_fail(c, "the state of another kind of strategy");
	if (h->mode == M_BUILTIN)
		qts_ck_tag(c, h->strat->name);
	if (h->mode == M_EXPR) {
		uint64_t hash = QTS_STATE_HASH0, was;
		for (size_t i = 0; i < qts_expr_count(h->expr); i++) {
			const char *t = qts_expr_text(h->expr, i);
			hash = qts_state_hash(hash, t, strlen(t) + 1);
		}
		was = hash;
		qts_ck_u64(c, &hash);
		if (c->loading && !c->bad && hash != was)
			qts_ck_fail(c, "the state of another program");
	}
}

static void order_ck(qts_ckpt *c, qts_strat_order *o)
{
	qts_ck_int(c, &o->side);
	qts_ck_f64(c, &o->qty), qts_ck_f64(c, &o->limit), qts_ck_f64(c, &o->stop);
}

/* A symbol's part, the host's side of it. */
static void sym_ck(qts_ckpt *c, struct sym *s)
{
	qts_ck_int(c, &s->ready);
	qts_ck_str(c, s->name, sizeof s->name);
	qts_strat_tfs *t = &s->tfs;
	qts_ck_str(c, t->drive, sizeof t->drive);
	size_t n = (size_t)t->n;
	qts_ck_size(c, &n, QTS_STRAT_TFS);
	t->n = (int)n;
	for (size_t k = 0; k < n; k++) {
		uint64_t mask = t->seen[k].mask;
		qts_ck_str(c, t->seen[k].tf, sizeof t->seen[k].tf);
		qts_ck_u64(c, &mask);
		t->seen[k].mask = (unsigned)mask;
		qts_ck_tf(c, &t->seen[k].parsed);
		t->seen[k].ns = qts_tf_ns(t->seen[k].parsed);
		qts_field_key_set(&t->seen[k].key, t->seen[k].tf);
		/* The last bar is kept: a restart cut between a bar and its
		 * repeat (a feed delivering it twice, qts-resample -k) must
		 * know the repeat to count it once. */
		qts_ck_i64(c, &t->seen[k].last);
		for (int v = 0; v < 5; v++)
			qts_ck_f64(c, &t->seen[k].last_v[v]);
	}
	qts_ck_int(c, &s->last.set);
	qts_ck_f64(c, &s->last.target);
	qts_ck_str(c, s->last.unit, sizeof s->last.unit);
	qts_ck_f64(c, &s->book.pos);
	for (int i = 0; i < 2; i++) {
		qts_ck_str(c, s->book.work[i].id, sizeof s->book.work[i].id);
		order_ck(c, &s->book.work[i].o);
		qts_ck_int(c, &s->book.work[i].triggered);
	}
}

/* A symbol's strategy state; loading, made fresh first, as at its
 * first bar. */
static void sym_strategy_ck(struct host *h, qts_ckpt *c, struct sym *s)
{
	if (!s->ready || c->bad)
		return;
	if (h->mode == M_BUILTIN && h->portfolio)
		return; /* a strategy of the whole portfolio: its state is its own */
	if (h->mode == M_BUILTIN) {
		if (c->loading && strategy_builtin_state(h, s) < 0) {
			qts_ck_fail(c, "%s", h->err);
			return;
		}
		h->strat->ck(s->state, c);
	} else if (h->mode == M_EXPR) {
		if (c->loading && !(s->es = qts_expr_state_new(h->expr))) {
			qts_ck_fail(c, "out of memory");
			return;
		}
		qts_expr_state_ck(s->es, c);
	}
}

static void strategy_ck(struct host *h, qts_ckpt *c)
{
	qts_ck_tag(c, "qts-strategy");
	identity_ck(h, c);
	qts_ck_u64(c, &h->bars), qts_ck_u64(c, &h->drive_bars);
	qts_ck_u64(c, &h->points);
	for (int k = 0; k < 9; k++)
		qts_ck_u64(c, &h->tf_bars[k]);
	qts_ck_u64(c, &h->targets), qts_ck_u64(c, &h->orders);
	uint64_t seq = h->out.seq; /* order ids: STRATEGY-N */
	qts_ck_u64(c, &seq);
	h->out.seq = (unsigned long)seq;
	qts_ck_i64(c, &h->out.now), qts_ck_i64(c, &h->clock);
	qts_ck_tag(c, "symbols");
	size_t n = qts_symtab_count(h->syms);
	if (c->loading && n)
		qts_ck_fail(c, "restored into a strategy that has seen symbols already");
	qts_ck_size(c, &n, c->loading ? c->len - c->pos : SIZE_MAX);
	for (size_t i = 0; i < n && !c->bad; i++) {
		const char *key = NULL;
		char name[QTS_SYM_MAX] = "";
		struct sym *s = c->loading ? NULL : qts_symtab_at(h->syms, i, &key);
		if (key)
			QTS_SET(name, key);
		qts_ck_str(c, name, sizeof name);
		if (c->loading && !c->bad && !(s = qts_symtab_get(h->syms, name)))
			qts_ck_fail(c, "out of memory");
		if (c->bad)
			return;
		sym_ck(c, s);
		sym_strategy_ck(h, c, s);
	}
	if (h->portfolio && !c->bad)
		h->strat->portfolio->ck(h->portfolio, c);
	/* a cross-sectional program's bars held for their time */
	if (h->xs && !c->bad)
		strategy_xsect_ck(h, c);
	if (h->mode == M_PLUGIN && !c->bad) {
		qts_ck_tag(c, "plugin");
		qts_plugin_ck(h->pl, c);
	}
}

int strategy_save(void *eng, qts_ckpt *c)
{
	strategy_ck(eng, c);
	return qts_ck_ok(c) ? 0 : -1;
}

int strategy_restore(void *eng, qts_ckpt *c)
{
	strategy_ck(eng, c);
	return qts_ck_ok(c) ? 0 : -1;
}

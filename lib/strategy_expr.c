/* strategy_expr.c — an expression program run by qts-strategy (-e, -f;
 * the language is expr.c): its variables target, position, limit and
 * stop, its targets or orders, and --print's table of its values. */
#include "strategy_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define usage qts_strategy_usage

static char *read_program(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		qts_die(QTS_EXIT_FAIL, "%s: %s", path, strerror(errno));
	size_t len = 0, cap = 4096;
	char *s = malloc(cap);
	size_t n;
	while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *t = realloc(s, cap *= 2);
			if (!t)
				free(s);
			s = t;
		}
	}
	if (!s)
		qts_die(QTS_EXIT_FAIL, "%s: out of memory", path);
	if (ferror(f)) {
		int e = errno;
		free(s); /* a directory, a read cut by a signal: nothing leaks */
		qts_die(QTS_EXIT_FAIL, "%s: %s", path, strerror(e));
	}
	fclose(f);
	s[len] = '\0';
	if (strlen(s) != len)
		qts_die(QTS_EXIT_USAGE, "%s: a NUL byte in a program", path);
	if (qts_bom_len(s, len))
		memmove(s, s + 3, len - 2);
	return s;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return p;
}

/* --print: the table's header now, on standard output. */
static void setup_table(struct host *h)
{
	size_t n = qts_expr_count(h->expr);
	const char **names = xcalloc(n + 1, sizeof *names);
	for (size_t i = 0; i < n; i++)
		names[i] = qts_expr_text(h->expr, i);
	if (!(h->table = qts_table_new(stdout, n)) || qts_table_header(h->table, names) < 0)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	free(names);
}

void strategy_setup_expr(struct host *h, const struct strategy_options *o)
{
	const char *where = o->expr ? "-e" : o->print ? "--print" : o->progfile;
	char *src = o->expr ? strdup(o->expr) : o->print ? strdup(o->print) : read_program(o->progfile);
	if (!src)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_expr_error err;
	h->expr = qts_expr_compile(src, o->print ? QTS_EXPR_LIST : QTS_EXPR_TARGETS, &err);
	if (!h->expr) {
		fflush(stdout);
		qts_expr_error_print(stderr, where, src, &err);
		free(src);
		exit(QTS_EXIT_USAGE);
	}
	free(src);
	h->target_var = qts_expr_var(h->expr, "target");
	h->position_var = qts_expr_var(h->expr, "position");
	h->limit_var = qts_expr_var(h->expr, "limit");
	h->stop_var = qts_expr_var(h->expr, "stop");
	h->use_orders = !o->print && (h->limit_var >= 0 || h->stop_var >= 0);
	if (h->use_orders && o->unit && qts_unit_parse(o->unit) == QTS_UNIT_WEIGHT)
		qts_usage_error(usage, "%s: limit and stop orders take quantities: not --unit weight",
				where);
	h->values = xcalloc(qts_expr_count(h->expr), sizeof *h->values);
	h->tfs = xcalloc(qts_expr_ntf(h->expr) + 1, sizeof *h->tfs);
	h->ntfs = qts_expr_ntf(h->expr);
	for (size_t k = 0; k < h->ntfs; k++)
		h->tfs[k] = qts_expr_tf(h->expr, k);
	h->unit = o->unit ? qts_unit_parse(o->unit) : QTS_UNIT_QTY; /* checked by then */
	h->out.strategy = o->name ? o->name : "expr";
	if (o->print)
		setup_table(h);
}

int strategy_table_flush(struct host *h)
{
	if (qts_table_flush(h->table) < 0 || fflush(stdout) == EOF) {
		h->stop = 1; /* a write error: said when standard output closes */
		h->table_failed = 1;
		return -1;
	}
	return 0;
}

/* The text of the last statement that assigns variable var. */
static const char *assigned_by(const qts_expr *e, int var)
{
	const char *text = NULL;
	for (size_t i = 0; i < qts_expr_count(e); i++)
		if (qts_expr_assigns(e, i) == var)
			text = qts_expr_text(e, i);
	return text;
}

/* A program's target as an order for the change from the position, at
 * its limit and stop prices (a limit, stop or stop_limit order). */
static void expr_orders(struct host *h, struct sym *s)
{
	qts_strat_order want;
	double limit = h->limit_var >= 0 ? qts_expr_get(s->es, h->limit_var) : NAN;
	double stop = h->stop_var >= 0 ? qts_expr_get(s->es, h->stop_var) : NAN;
	double target = qts_expr_get(s->es, h->target_var);
	/* the prices matter when an order is wanted */
	if (!isnan(target) && target != s->book.pos && (isinf(limit) || isinf(stop))) {
		int v = isinf(limit) ? h->limit_var : h->stop_var;
		strategy_not_finite(h, s->name, isinf(limit) ? "limit" : "stop",
				    isinf(limit) ? limit : stop, assigned_by(h->expr, v));
		return;
	}
	/* a share's prices are above zero; a contract's may be anything finite */
	if (!isnan(target) && target != s->book.pos && !s->book.contract && (limit <= 0 || stop <= 0)) {
		int v = limit <= 0 ? h->limit_var : h->stop_var;
		strategy_not_price(h, s->name, limit <= 0 ? "limit" : "stop", limit <= 0 ? limit : stop,
				   assigned_by(h->expr, v));
		return;
	}
	int n = qts_strat_target_order(target, s->book.pos, limit, stop, &want);
	if (n && isinf(want.qty)) {
		char what[96];
		snprintf(what, sizeof what, "the order from position %g to target %g", s->book.pos,
			 target);
		strategy_not_finite(h, s->name, what, want.qty, NULL);
		return;
	}
	qts_strat_place(&s->book, s->name, &want, n, &h->out);
}

/* The values a run wrote are numbers or nan (no opinion yet); 0, or -1
 * after saying which is not. */
static inline __attribute__((always_inline)) int check_run(struct host *h, struct sym *s)
{
	if (h->mode == M_PRINT) {
		for (size_t i = 0; i < qts_expr_count(h->expr); i++)
			if (isinf(h->values[i])) {
				char what[128], t[96];
				snprintf(what, sizeof what, "column '%s'",
					 strategy_quoted(qts_expr_text(h->expr, i), t, sizeof t));
				return strategy_not_finite(h, s->name, what, h->values[i], NULL);
			}
		return 0;
	}
	double t = qts_expr_get(s->es, h->target_var);
	if (isinf(t))
		return strategy_not_finite(h, s->name, "target", t, assigned_by(h->expr, h->target_var));
	return 0;
}

/* The position a program reads: with --feedback the real one (0 until
 * feedback moves it); else, trading with orders, the position their
 * presumed fills reached, and trading with targets the last target
 * (presumed reached; nan before the first). */
static double position(const struct host *h, const struct sym *s)
{
	if (h->feedback || h->use_orders)
		return s->book.pos;
	return s->last.set ? s->last.target : NAN;
}

/* Both inlined into strategy_expr_bar, the hot path of every program
 * without a cross-section: a call there costs it a percent. */
static inline __attribute__((always_inline)) void set_position(struct host *h, struct sym *s)
{
	if (h->mode == M_EXPR)
		qts_expr_set(s->es, h->position_var, position(h, s));
}

static inline __attribute__((always_inline)) void result(struct host *h, struct sym *s, int64_t ts)
{
	if (check_run(h, s) < 0)
		return;
	if (h->mode == M_PRINT) {
		if (qts_table_row(h->table, ts, s->name, h->values) < 0)
			h->stop = 1, h->table_failed = 1;
	} else if (h->use_orders) {
		expr_orders(h, s);
	} else {
		qts_strat_target(&s->last, s->name, qts_expr_get(s->es, h->target_var), h->unit,
				 &h->out);
	}
}

void strategy_expr_position(struct host *h, struct sym *s) { set_position(h, s); }
void strategy_expr_result(struct host *h, struct sym *s, int64_t ts) { result(h, s, ts); }

void strategy_expr_bar(struct host *h, struct sym *s, unsigned mask, const qts_event *ev,
		       const double v[QTS_EXPR_NFIELDS])
{
	for (unsigned m = mask >> 1, k = 1; m; m >>= 1, k++)
		if (m & 1)
			qts_expr_bar(s->es, k, v);
	if (!(mask & 1))
		return;
	qts_expr_bar(s->es, 0, v);
	/* a cross-section runs once its time is complete */
	if (h->xs && strategy_xsect_bar(h, s, ev) <= 0)
		return;
	set_position(h, s);
	qts_expr_run(h->expr, s->es, h->values);
	result(h, s, ev->ts);
}

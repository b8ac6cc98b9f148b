/* expr.c — the strategy expression language: lexer, recursive-descent
 * parser into a flat node array, and a tree-walking evaluator over
 * per-symbol state.
 *
 * Every node is evaluated on every bar, whatever branch `?:`, `and` or
 * `or` selects: indicator and cross call sites keep state from bar to bar,
 * and a call site skipped on some bars would compute something else than
 * what it reads like. */
#include "qts_expr.h"
#include "qts_ind.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAG 100000
#define MAX_ARGS 9

enum tok {
	T_END, T_NUM, T_NAME, T_NL, T_SEMI, T_COMMA, T_LP, T_RP, T_LB, T_RB,
	T_Q, T_COLON, T_ASSIGN, T_AT, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PCT,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR, T_NOT,
};

enum op {
	N_NUM, N_VAR, N_SERIES, N_NEG, N_NOT, N_ADD, N_SUB, N_MUL, N_DIV, N_MOD,
	N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE, N_AND, N_OR, N_TERN,
	N_FN1, N_FN2, N_IND, N_CROSS,
};

enum fn {
	F_ABS, F_SQRT, F_LOG, F_EXP, F_FLOOR, F_CEIL, F_ROUND, F_SIGN, F_ISNAN,
	F_MIN, F_MAX, F_POW,
};

static const struct {
	const char *name;
	int fn, nargs;
} functions[] = {
	{ "abs", F_ABS, 1 },   { "ceil", F_CEIL, 1 },	{ "exp", F_EXP, 1 },
	{ "floor", F_FLOOR, 1 }, { "isnan", F_ISNAN, 1 }, { "log", F_LOG, 1 },
	{ "max", F_MAX, 2 },   { "min", F_MIN, 2 },	{ "pow", F_POW, 2 },
	{ "round", F_ROUND, 1 }, { "sign", F_SIGN, 1 }, { "sqrt", F_SQRT, 1 },
};

/* The bar fields, then the bar's start time (ns since the epoch). */
static const char *const series_names[QTS_EXPR_NFIELDS] = { "open", "high", "low", "close", "volume",
							    "ts" };

struct node {
	int op;
	int a, b, c; /* children; N_SERIES: slot, field, lag; N_VAR: var, -, lag;
		      * N_IND: site, output, lag; N_CROSS: site, -, lag; N_FN: fn in c */
	double v;    /* N_NUM */
};

/* A stateful call: an indicator output or cross(). */
struct site {
	const qts_ind_info *info; /* NULL for cross */
	double opt[4];
	int nin, in[5]; /* input nodes */
	int clock;      /* series slot whose new bars update this site */
	int pure;       /* inputs name no variable: identical sites may share */
	int lag;        /* deepest history [N] read of its outputs */
};

struct stmt {
	int var; /* assigned variable, -1 for a bare expression */
	int root;
	char *text;
};

struct qts_expr {
	struct node *node;
	size_t nnode, capnode;
	struct site *site;
	size_t nsite;
	struct stmt *stmt;
	size_t nstmt;
	char **var;
	size_t nvar;
	char tf[8][16]; /* named timeframes, slot i + 1 */
	size_t ntf;
	int lag[9]; /* deepest history per slot */
	int *varlag; /* deepest history [N] per variable */
};

struct qts_expr_state {
	const qts_expr *e;
	double *var;
	double *ring;      /* per slot: 5 fields x size[slot] */
	size_t off[9], mask[9];
	uint64_t count[9]; /* bars seen per slot */
	qts_ind **ind;     /* per site (NULL for cross) */
	double *out;       /* per site: 3 outputs (cross: value, prev a, prev b) */
	uint64_t *seen;    /* per site: count of its clock when last updated */
	/* history rings, sized at compile time from the deepest [N]: per site
	 * 3 outputs x size, per variable size values */
	double *hist;
	size_t *soff, *smask, *voff, *vmask;
	uint64_t *supd;    /* per site: updates so far */
	uint64_t runs;     /* runs so far (variable history) */
};

/* ---- lexer --------------------------------------------------------------- */

struct parser {
	const char *src;
	size_t pos;   /* next byte */
	int tok;      /* current token */
	size_t tpos;  /* its offset */
	size_t tlen;
	double num;
	int depth;    /* parentheses and brackets: newlines inside are spaces */
	int mode;
	qts_expr *e;
	qts_expr_error *err;
	int failed;
};

static void fail_at(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_at(struct parser *p, size_t at, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = 1;
	int line = 1, col = 1;
	for (size_t i = 0; i < at && p->src[i]; i++) {
		if (p->src[i] == '\n')
			line++, col = 1;
		else
			col++;
	}
	p->err->line = line;
	p->err->col = col;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
}

static int is_name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       (c >= '0' && c <= '9');
}

static void next(struct parser *p)
{
	const char *s = p->src;
again:
	while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\r' ||
	       (s[p->pos] == '\n' && p->depth > 0))
		p->pos++;
	if (s[p->pos] == '#') {
		while (s[p->pos] && s[p->pos] != '\n')
			p->pos++;
		goto again;
	}
	p->tpos = p->pos;
	int c = (unsigned char)s[p->pos];
	if (!c) {
		p->tok = T_END;
		p->tlen = 0;
		return;
	}
	if ((c >= '0' && c <= '9') || (c == '.' && s[p->pos + 1] >= '0' && s[p->pos + 1] <= '9')) {
		size_t i = p->pos;
		while ((s[i] >= '0' && s[i] <= '9') || s[i] == '.')
			i++;
		if ((s[i] == 'e' || s[i] == 'E') &&
		    ((s[i + 1] >= '0' && s[i + 1] <= '9') ||
		     ((s[i + 1] == '+' || s[i + 1] == '-') && s[i + 2] >= '0' && s[i + 2] <= '9'))) {
			i += 2;
			while (s[i] >= '0' && s[i] <= '9')
				i++;
		}
		if (qts_num_parse(s + p->pos, i - p->pos, &p->num) < 0)
			fail_at(p, p->pos, "bad number '%.*s'", (int)(i - p->pos), s + p->pos);
		p->tok = T_NUM;
		p->tlen = i - p->pos;
		p->pos = i;
		return;
	}
	if (is_name_char(c)) {
		size_t i = p->pos;
		while (is_name_char((unsigned char)s[i]))
			i++;
		p->tlen = i - p->pos;
		p->pos = i;
		p->tok = T_NAME;
		const char *w = s + p->tpos;
		if (p->tlen == 3 && !memcmp(w, "and", 3))
			p->tok = T_AND;
		else if (p->tlen == 2 && !memcmp(w, "or", 2))
			p->tok = T_OR;
		else if (p->tlen == 3 && !memcmp(w, "not", 3))
			p->tok = T_NOT;
		return;
	}
	static const struct { const char *s; int tok; } ops[] = {
		{ "==", T_EQ }, { "!=", T_NE }, { "<=", T_LE }, { ">=", T_GE },
		{ "&&", T_AND }, { "||", T_OR }, { "<", T_LT }, { ">", T_GT },
		{ "!", T_NOT }, { "=", T_ASSIGN }, { "+", T_PLUS }, { "-", T_MINUS },
		{ "*", T_STAR }, { "/", T_SLASH }, { "%", T_PCT }, { "(", T_LP },
		{ ")", T_RP }, { "[", T_LB }, { "]", T_RB }, { "?", T_Q },
		{ ":", T_COLON }, { ",", T_COMMA }, { ";", T_SEMI }, { "\n", T_NL },
		{ "@", T_AT },
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		size_t n = strlen(ops[i].s);
		if (!strncmp(s + p->pos, ops[i].s, n)) {
			p->tok = ops[i].tok;
			p->tlen = n;
			p->pos += n;
			if (p->tok == T_LP || p->tok == T_LB)
				p->depth++;
			else if ((p->tok == T_RP || p->tok == T_RB) && p->depth > 0)
				p->depth--;
			return;
		}
	}
	fail_at(p, p->pos, "unexpected character '%c'", c);
	p->tok = T_END;
	p->tlen = 0;
}

static int accept(struct parser *p, int tok)
{
	if (p->tok != tok)
		return 0;
	next(p);
	return 1;
}

static const char *tok_text(struct parser *p, char *buf, size_t size)
{
	if (p->tok == T_END)
		return "end of input";
	if (p->tok == T_NL)
		return "end of line";
	snprintf(buf, size, "'%.*s'", (int)(p->tlen > 40 ? 40 : p->tlen), p->src + p->tpos);
	return buf;
}

static void expect(struct parser *p, int tok, const char *what)
{
	if (accept(p, tok))
		return;
	char buf[64];
	fail_at(p, p->tpos, "expected %s, found %s", what, tok_text(p, buf, sizeof buf));
}

/* ---- nodes ---------------------------------------------------------------- */

static int add_node(struct parser *p, int op, int a, int b, int c, double v)
{
	qts_expr *e = p->e;
	if (e->nnode == e->capnode) {
		size_t cap = e->capnode ? e->capnode * 2 : 64;
		struct node *n = realloc(e->node, cap * sizeof *n);
		if (!n) {
			fail_at(p, p->tpos, "out of memory");
			return 0;
		}
		e->node = n;
		e->capnode = cap;
	}
	e->node[e->nnode] = (struct node){ op, a, b, c, v };
	return (int)e->nnode++;
}

static int var_slot(qts_expr *e, const char *name, size_t len, int create)
{
	for (size_t i = 0; i < e->nvar; i++)
		if (strlen(e->var[i]) == len && !memcmp(e->var[i], name, len))
			return (int)i;
	if (!create)
		return -1;
	char **v = realloc(e->var, (e->nvar + 1) * sizeof *v);
	if (!v)
		return -1;
	e->var = v;
	int *l = realloc(e->varlag, (e->nvar + 1) * sizeof *l);
	if (!l)
		return -1;
	e->varlag = l;
	l[e->nvar] = 0;
	if (!(v[e->nvar] = strndup(name, len)))
		return -1;
	return (int)e->nvar++;
}

static int is_series(const char *name, size_t len)
{
	for (int i = 0; i < QTS_EXPR_NFIELDS; i++)
		if (strlen(series_names[i]) == len && !memcmp(series_names[i], name, len))
			return i;
	return -1;
}

/* Whether the subtree at n reads a variable. */
static int reads_var(const qts_expr *e, int n)
{
	const struct node *x = &e->node[n];
	switch (x->op) {
	case N_VAR:
		return 1;
	case N_NUM: case N_SERIES:
		return 0;
	case N_IND: case N_CROSS:
		return !e->site[x->a].pure;
	case N_NEG: case N_NOT: case N_FN1:
		return reads_var(e, x->a);
	case N_TERN:
		return reads_var(e, x->a) || reads_var(e, x->b) || reads_var(e, x->c);
	default:
		return reads_var(e, x->a) || reads_var(e, x->b);
	}
}

/* The series slots a subtree reads, as a bit mask. */
static unsigned slots_read(const qts_expr *e, int n)
{
	const struct node *x = &e->node[n];
	switch (x->op) {
	case N_NUM:
		return 0;
	case N_VAR:
		return 1; /* variables change with the driving bars */
	case N_SERIES:
		return 1u << x->a;
	case N_IND: case N_CROSS: {
		const struct site *s = &e->site[x->a];
		unsigned m = 0;
		for (int i = 0; i < s->nin; i++)
			m |= slots_read(e, s->in[i]);
		return m;
	}
	case N_NEG: case N_NOT: case N_FN1:
		return slots_read(e, x->a);
	case N_TERN:
		return slots_read(e, x->a) | slots_read(e, x->b) | slots_read(e, x->c);
	default:
		return slots_read(e, x->a) | slots_read(e, x->b);
	}
}

static int same_tree(const qts_expr *e, int a, int b)
{
	const struct node *x = &e->node[a], *y = &e->node[b];
	if (x->op != y->op)
		return 0;
	switch (x->op) {
	case N_NUM:
		return x->v == y->v;
	case N_SERIES:
		return x->a == y->a && x->b == y->b && x->c == y->c;
	case N_IND: case N_CROSS: case N_VAR:
		return x->a == y->a && x->b == y->b && x->c == y->c;
	case N_NEG: case N_NOT:
		return same_tree(e, x->a, y->a);
	case N_FN1:
		return x->c == y->c && same_tree(e, x->a, y->a);
	case N_TERN:
		return same_tree(e, x->a, y->a) && same_tree(e, x->b, y->b) &&
		       same_tree(e, x->c, y->c);
	default:
		return x->c == y->c && same_tree(e, x->a, y->a) && same_tree(e, x->b, y->b);
	}
}

/* A new call site, or an identical earlier one (same indicator, options
 * and inputs reading no variable) whose state it can share. */
static int add_site(struct parser *p, const struct site *s)
{
	qts_expr *e = p->e;
	if (s->pure)
		for (size_t i = 0; i < e->nsite; i++) {
			const struct site *o = &e->site[i];
			if (!o->pure || o->info != s->info || o->nin != s->nin ||
			    memcmp(o->opt, s->opt, sizeof o->opt))
				continue;
			int same = 1;
			for (int j = 0; j < s->nin && same; j++)
				same = same_tree(e, o->in[j], s->in[j]);
			if (same)
				return (int)i;
		}
	struct site *n = realloc(e->site, (e->nsite + 1) * sizeof *n);
	if (!n) {
		fail_at(p, p->tpos, "out of memory");
		return 0;
	}
	e->site = n;
	n[e->nsite] = *s;
	return (int)e->nsite++;
}

/* ---- parser --------------------------------------------------------------- */

static int parse_expr(struct parser *p);

static void skip_newlines(struct parser *p)
{
	while (p->tok == T_NL)
		next(p);
}

static int tf_slot(struct parser *p, size_t at)
{
	const char *s = p->src;
	size_t i = p->pos;
	while (is_name_char((unsigned char)s[i]))
		i++;
	char word[16] = "";
	qts_tf tf;
	if (i - p->pos >= sizeof word) {
		fail_at(p, at, "bad timeframe");
		return 0;
	}
	memcpy(word, s + p->pos, i - p->pos);
	word[i - p->pos] = '\0';
	if (qts_tf_parse(word, &tf) < 0) {
		fail_at(p, p->pos, "bad timeframe '%s'", word);
		return 0;
	}
	p->pos = i;
	char canon[16];
	qts_tf_format(tf, canon);
	qts_expr *e = p->e;
	for (size_t k = 0; k < e->ntf; k++)
		if (!strcmp(e->tf[k], canon))
			return (int)k + 1;
	if (e->ntf == sizeof e->tf / sizeof e->tf[0]) {
		fail_at(p, at, "too many timeframes (at most 8)");
		return 0;
	}
	memcpy(e->tf[e->ntf], canon, sizeof canon);
	return (int)++e->ntf;
}

static int parse_call(struct parser *p, const char *name, size_t len, size_t at)
{
	int args[MAX_ARGS];
	size_t argpos[MAX_ARGS];
	int nargs = 0;
	/* the current token is '(' */
	next(p);
	if (p->tok != T_RP)
		for (;;) {
			if (nargs == MAX_ARGS) {
				fail_at(p, p->tpos, "too many arguments");
				return 0;
			}
			argpos[nargs] = p->tpos;
			args[nargs++] = parse_expr(p);
			if (p->failed || !accept(p, T_COMMA))
				break;
		}
	expect(p, T_RP, "',' or ')'");
	if (p->failed)
		return 0;

	char fname[64];
	snprintf(fname, sizeof fname, "%.*s", (int)len, name);
	for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++) {
		if (strcmp(functions[i].name, fname))
			continue;
		if (nargs != functions[i].nargs) {
			fail_at(p, at, "%s takes %d argument%s", fname, functions[i].nargs,
				functions[i].nargs > 1 ? "s" : "");
			return 0;
		}
		return add_node(p, nargs == 1 ? N_FN1 : N_FN2, args[0], nargs > 1 ? args[1] : 0,
				functions[i].fn, 0);
	}
	struct site s = { 0 };
	if (!strcmp(fname, "cross")) {
		if (nargs != 2) {
			fail_at(p, at, "cross takes 2 arguments");
			return 0;
		}
		s.nin = 2;
		s.in[0] = args[0];
		s.in[1] = args[1];
	} else {
		int out = 0;
		s.info = qts_ind_find_output(fname, &out);
		if (!s.info) {
			fail_at(p, at, "unknown function '%s'", fname);
			return 0;
		}
		const qts_ind_info *in = s.info;
		if (nargs < in->ninputs || nargs > in->ninputs + in->noptions) {
			char opts[96] = "";
			if (in->noptions)
				snprintf(opts, sizeof opts, ", then at most %d option%s", in->noptions,
					 in->noptions > 1 ? "s" : "");
			fail_at(p, at, "%s takes %d input%s%s", fname, in->ninputs,
				in->ninputs > 1 ? "s" : "", opts);
			return 0;
		}
		s.nin = in->ninputs;
		for (int i = 0; i < in->ninputs; i++)
			s.in[i] = args[i];
		for (int i = 0; i < in->noptions; i++) {
			s.opt[i] = in->defaults[i];
			int k = in->ninputs + i;
			if (k >= nargs)
				continue;
			const struct node *x = &p->e->node[args[k]];
			double v;
			if (x->op == N_NUM)
				v = x->v;
			else if (x->op == N_NEG && p->e->node[x->a].op == N_NUM)
				v = -p->e->node[x->a].v;
			else {
				fail_at(p, argpos[k], "%s: option %s must be a number", fname,
					in->options[i]);
				return 0;
			}
			if (!(v >= in->min[i] && v <= in->max[i])) {
				fail_at(p, argpos[k], "%s: %s must be in [%g, %g]", fname,
					in->options[i], in->min[i], in->max[i]);
				return 0;
			}
			s.opt[i] = v;
		}
		char err[160] = "";
		qts_ind *probe = qts_ind_new(s.info, s.opt, err);
		if (!probe) {
			fail_at(p, at, "%s: %s", fname, err);
			return 0;
		}
		qts_ind_free(probe);
		int site;
		s.pure = 1;
		for (int i = 0; i < s.nin; i++)
			if (reads_var(p->e, s.in[i]))
				s.pure = 0;
		unsigned m = 0;
		for (int i = 0; i < s.nin; i++)
			m |= slots_read(p->e, s.in[i]);
		s.clock = (m && !(m & (m - 1))) ? __builtin_ctz(m) : 0;
		site = add_site(p, &s);
		return add_node(p, N_IND, site, out, 0, 0);
	}
	s.pure = !reads_var(p->e, s.in[0]) && !reads_var(p->e, s.in[1]);
	unsigned m = slots_read(p->e, s.in[0]) | slots_read(p->e, s.in[1]);
	s.clock = (m && !(m & (m - 1))) ? __builtin_ctz(m) : 0;
	int site = add_site(p, &s);
	return add_node(p, N_CROSS, site, 0, 0, 0);
}

/* An optional history index `[N]` after a primary: N, 0 without one, -1
 * on an error. */
static int parse_lag(struct parser *p)
{
	if (!accept(p, T_LB))
		return 0;
	size_t lpos = p->tpos;
	if (p->tok != T_NUM || p->num != (double)(long)p->num || p->num < 0 || p->num > MAX_LAG) {
		fail_at(p, lpos, "history index must be a whole number in [0, %d]", MAX_LAG);
		return -1;
	}
	int lag = (int)p->num;
	next(p);
	expect(p, T_RB, "']'");
	return p->failed ? -1 : lag;
}

static int parse_primary(struct parser *p)
{
	skip_newlines(p);
	size_t at = p->tpos;
	if (p->tok == T_NUM) {
		double v = p->num;
		next(p);
		return add_node(p, N_NUM, 0, 0, 0, v);
	}
	if (accept(p, T_LP)) {
		int n = parse_expr(p);
		expect(p, T_RP, "')'");
		return n;
	}
	if (p->tok != T_NAME) {
		char buf[64];
		fail_at(p, at, "expected an expression, found %s", tok_text(p, buf, sizeof buf));
		return 0;
	}
	const char *name = p->src + p->tpos;
	size_t len = p->tlen;
	/* '(' after the name: a call (the lexer has not consumed it) */
	size_t look = p->pos;
	while (p->src[look] == ' ' || p->src[look] == '\t')
		look++;
	if (p->src[look] == '(') {
		next(p);
		int n = parse_call(p, name, len, at);
		if (p->failed || p->tok != T_LB)
			return n;
		struct node *x = &p->e->node[n];
		if (x->op != N_IND && x->op != N_CROSS) {
			fail_at(p, p->tpos, "history [N] applies to bar fields, variables, "
				"indicators and cross only");
			return 0;
		}
		int lag = parse_lag(p);
		if (lag < 0)
			return 0;
		x = &p->e->node[n];
		x->c = lag;
		if (lag > p->e->site[x->a].lag)
			p->e->site[x->a].lag = lag;
		return n;
	}
	next(p);
	if (len == 3 && !memcmp(name, "nan", 3))
		return add_node(p, N_NUM, 0, 0, 0, NAN);
	int field = is_series(name, len);
	if (field >= 0) {
		int slot = 0, lag;
		if (p->tok == T_AT) {
			slot = tf_slot(p, p->tpos);
			next(p);
		}
		if ((lag = parse_lag(p)) < 0)
			return 0;
		if (lag > p->e->lag[slot])
			p->e->lag[slot] = lag;
		return add_node(p, N_SERIES, slot, field, lag, 0);
	}
	int v = var_slot(p->e, name, len, 0);
	if (v < 0) {
		fail_at(p, at, "unknown name '%.*s'", (int)len, name);
		return 0;
	}
	int lag = parse_lag(p);
	if (lag < 0)
		return 0;
	if (lag > p->e->varlag[v])
		p->e->varlag[v] = lag;
	return add_node(p, N_VAR, v, 0, lag, 0);
}

static int parse_unary(struct parser *p)
{
	skip_newlines(p);
	if (accept(p, T_MINUS))
		return add_node(p, N_NEG, parse_unary(p), 0, 0, 0);
	if (accept(p, T_PLUS))
		return parse_unary(p);
	return parse_primary(p);
}

static int parse_binary(struct parser *p, int level)
{
	static const struct { int tok, op, level; } bin[] = {
		{ T_OR, N_OR, 0 },  { T_AND, N_AND, 1 }, { T_EQ, N_EQ, 3 },
		{ T_NE, N_NE, 3 },  { T_LT, N_LT, 3 },   { T_LE, N_LE, 3 },
		{ T_GT, N_GT, 3 },  { T_GE, N_GE, 3 },   { T_PLUS, N_ADD, 4 },
		{ T_MINUS, N_SUB, 4 }, { T_STAR, N_MUL, 5 }, { T_SLASH, N_DIV, 5 },
		{ T_PCT, N_MOD, 5 },
	};
	if (level == 6)
		return parse_unary(p);
	if (level == 2) { /* not */
		skip_newlines(p);
		if (accept(p, T_NOT))
			return add_node(p, N_NOT, parse_binary(p, 2), 0, 0, 0);
		return parse_binary(p, 3);
	}
	int left = parse_binary(p, level + 1);
	for (;;) {
		int op = -1;
		for (size_t i = 0; i < sizeof bin / sizeof bin[0]; i++)
			if (bin[i].tok == p->tok && bin[i].level == level)
				op = bin[i].op;
		if (op < 0 || p->failed)
			return left;
		next(p);
		int right = parse_binary(p, level + 1);
		left = add_node(p, op, left, right, 0, 0);
		if (level == 3) /* comparisons do not chain */
			return left;
	}
}

static int parse_expr(struct parser *p)
{
	int cond = parse_binary(p, 0);
	if (!accept(p, T_Q))
		return cond;
	int a = parse_expr(p);
	skip_newlines(p);
	expect(p, T_COLON, "':'");
	int b = parse_expr(p);
	return add_node(p, N_TERN, cond, a, b, 0);
}

static char *span(const char *s, size_t from, size_t to)
{
	while (from < to && strchr(" \t\r\n", s[from]))
		from++;
	while (to > from && strchr(" \t\r\n", s[to - 1]))
		to--;
	return strndup(s + from, to - from);
}

static void parse_statement(struct parser *p)
{
	size_t from = p->tpos;
	int var = -1;
	if (p->mode == QTS_EXPR_PROGRAM && p->tok == T_NAME) {
		/* an assignment: NAME '=' (peek past blanks) */
		size_t i = p->pos;
		while (p->src[i] == ' ' || p->src[i] == '\t')
			i++;
		if (p->src[i] == '=' && p->src[i + 1] != '=') {
			const char *name = p->src + p->tpos;
			size_t len = p->tlen, at = p->tpos;
			if (is_series(name, len) >= 0 || (len == 3 && !memcmp(name, "nan", 3)) ||
			    (len == 8 && !memcmp(name, "position", 8))) {
				fail_at(p, at, "cannot assign to '%.*s'", (int)len, name);
				return;
			}
			var = var_slot(p->e, name, len, 1);
			if (var < 0) {
				fail_at(p, at, "out of memory");
				return;
			}
			next(p);
			next(p);
		}
	}
	int root = parse_expr(p);
	if (p->failed)
		return;
	qts_expr *e = p->e;
	struct stmt *st = realloc(e->stmt, (e->nstmt + 1) * sizeof *st);
	if (!st) {
		fail_at(p, from, "out of memory");
		return;
	}
	e->stmt = st;
	st[e->nstmt] = (struct stmt){ var, root, span(p->src, from, p->tpos) };
	if (!st[e->nstmt].text) {
		fail_at(p, from, "out of memory");
		return;
	}
	e->nstmt++;
}

/* Names are known before their use: a first pass declares every assigned
 * variable, so a statement may read a variable assigned further down (its
 * value from the previous bar). */
static int declare_vars(qts_expr *e, const char *src)
{
	if (var_slot(e, "target", 6, 1) < 0 || var_slot(e, "position", 8, 1) < 0)
		return -1;
	for (const char *s = src; *s;) {
		if (*s == '#') {
			while (*s && *s != '\n')
				s++;
			continue;
		}
		if (!is_name_char((unsigned char)*s) || (*s >= '0' && *s <= '9')) {
			/* skip numbers whole so 1e5 is not a name */
			if (*s >= '0' && *s <= '9')
				while (is_name_char((unsigned char)*s) || *s == '.')
					s++;
			else
				s++;
			continue;
		}
		const char *w = s;
		while (is_name_char((unsigned char)*s))
			s++;
		size_t len = (size_t)(s - w);
		const char *t = s;
		while (*t == ' ' || *t == '\t')
			t++;
		if (t[0] == '=' && t[1] != '=' && is_series(w, len) < 0 &&
		    !(len == 3 && !memcmp(w, "nan", 3)))
			if (var_slot(e, w, len, 1) < 0)
				return -1;
	}
	return 0;
}

qts_expr *qts_expr_compile(const char *src, int mode, qts_expr_error *err)
{
	qts_expr *e = calloc(1, sizeof *e);
	struct parser p = { .src = src, .mode = mode, .e = e, .err = err };
	memset(err, 0, sizeof *err);
	if (!e || (mode == QTS_EXPR_PROGRAM ? declare_vars(e, src)
					     : var_slot(e, "target", 6, 1) < 0 ? -1
					     : var_slot(e, "position", 8, 1)) < 0) {
		snprintf(err->msg, sizeof err->msg, "out of memory");
		err->line = err->col = 1;
		qts_expr_free(e);
		return NULL;
	}
	next(&p);
	for (;;) {
		while (p.tok == T_NL || (mode == QTS_EXPR_PROGRAM && p.tok == T_SEMI))
			next(&p);
		if (p.tok == T_END || p.failed)
			break;
		parse_statement(&p);
		if (p.failed)
			break;
		if (p.tok == T_END)
			break;
		if (mode == QTS_EXPR_LIST) {
			if (!accept(&p, T_COMMA)) {
				char buf[64];
				fail_at(&p, p.tpos, "expected ',' or end of input, found %s",
					tok_text(&p, buf, sizeof buf));
			}
			continue;
		}
		if (p.tok != T_NL && p.tok != T_SEMI) {
			char buf[64];
			fail_at(&p, p.tpos, "expected ';' or end of line, found %s",
				tok_text(&p, buf, sizeof buf));
		}
	}
	if (!p.failed && e->nstmt == 0)
		fail_at(&p, 0, "empty program");
	if (p.failed) {
		qts_expr_free(e);
		return NULL;
	}
	return e;
}

void qts_expr_free(qts_expr *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->nstmt; i++)
		free(e->stmt[i].text);
	for (size_t i = 0; i < e->nvar; i++)
		free(e->var[i]);
	free(e->stmt);
	free(e->var);
	free(e->varlag);
	free(e->node);
	free(e->site);
	free(e);
}

void qts_expr_error_print(FILE *f, const char *name, const char *src, const qts_expr_error *err)
{
	const char *line = src;
	for (int i = 1; i < err->line && line; i++) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (!line)
		line = "";
	size_t len = strcspn(line, "\n");
	char caret[512];
	int c = err->col - 1;
	if (c > (int)sizeof caret - 2)
		c = (int)sizeof caret - 2;
	for (int i = 0; i < c; i++)
		caret[i] = (i < (int)len && line[i] == '\t') ? '\t' : ' ';
	caret[c] = '^';
	caret[c + 1] = '\0';
	fprintf(f, "%s: %s:%d:%d: %s\n%.*s\n%s\n", qts_progname, name, err->line, err->col,
		err->msg, (int)len, line, caret);
}

size_t qts_expr_count(const qts_expr *e) { return e->nstmt; }
const char *qts_expr_text(const qts_expr *e, size_t i) { return e->stmt[i].text; }
size_t qts_expr_ntf(const qts_expr *e) { return e->ntf; }
const char *qts_expr_tf(const qts_expr *e, size_t i) { return e->tf[i]; }

int qts_expr_var(const qts_expr *e, const char *name)
{
	return var_slot((qts_expr *)e, name, strlen(name), 0);
}

/* ---- state and evaluation ------------------------------------------------ */

qts_expr_state *qts_expr_state_new(const qts_expr *e)
{
	qts_expr_state *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->e = e;
	size_t total = 0;
	for (size_t k = 0; k <= e->ntf; k++) {
		size_t size = 1;
		while (size < (size_t)e->lag[k] + 1)
			size <<= 1;
		s->off[k] = total;
		s->mask[k] = size - 1;
		total += QTS_EXPR_NFIELDS * size;
	}
	/* history of calls and variables: none without a [N] on them */
	size_t nhist = 0;
	s->soff = calloc(e->nsite + 1, sizeof *s->soff);
	s->smask = calloc(e->nsite + 1, sizeof *s->smask);
	s->supd = calloc(e->nsite + 1, sizeof *s->supd);
	s->voff = calloc(e->nvar + 1, sizeof *s->voff);
	s->vmask = calloc(e->nvar + 1, sizeof *s->vmask);
	if (!s->soff || !s->smask || !s->supd || !s->voff || !s->vmask)
		goto fail;
	for (size_t i = 0; i < e->nsite; i++) {
		size_t size = 1;
		while (e->site[i].lag && size < (size_t)e->site[i].lag + 1)
			size <<= 1;
		s->soff[i] = nhist;
		s->smask[i] = size - 1;
		nhist += e->site[i].lag ? 3 * size : 0;
	}
	for (size_t i = 0; i < e->nvar; i++) {
		size_t size = 1;
		while (size < (size_t)e->varlag[i])
			size <<= 1;
		s->voff[i] = nhist;
		s->vmask[i] = size - 1;
		nhist += e->varlag[i] ? size : 0;
	}
	if (!(s->hist = malloc((nhist + 1) * sizeof *s->hist)))
		goto fail;
	s->var = malloc((e->nvar ? e->nvar : 1) * sizeof *s->var);
	s->ring = malloc(total * sizeof *s->ring);
	s->ind = calloc(e->nsite + 1, sizeof *s->ind);
	s->out = malloc((3 * e->nsite + 1) * sizeof *s->out);
	s->seen = calloc(e->nsite + 1, sizeof *s->seen);
	if (!s->var || !s->ring || !s->ind || !s->out || !s->seen)
		goto fail;
	for (size_t i = 0; i < e->nvar; i++)
		s->var[i] = 0;
	/* no opinion until assigned; the position until the host sets it */
	s->var[0] = s->var[1] = NAN;
	for (size_t i = 2; i < e->nvar; i++)
		if (!strcmp(e->var[i], "limit") || !strcmp(e->var[i], "stop"))
			s->var[i] = NAN;
	for (size_t i = 0; i < total; i++)
		s->ring[i] = NAN;
	for (size_t i = 0; i < 3 * e->nsite; i++)
		s->out[i] = NAN;
	for (size_t i = 0; i < nhist; i++)
		s->hist[i] = NAN;
	for (size_t i = 0; i < e->nsite; i++) {
		if (!e->site[i].info)
			continue;
		char err[160];
		if (!(s->ind[i] = qts_ind_new(e->site[i].info, e->site[i].opt, err)))
			goto fail;
	}
	return s;
fail:
	qts_expr_state_free(s);
	return NULL;
}

void qts_expr_state_free(qts_expr_state *s)
{
	if (!s)
		return;
	if (s->ind)
		for (size_t i = 0; i < s->e->nsite; i++)
			qts_ind_free(s->ind[i]);
	free(s->var);
	free(s->ring);
	free(s->ind);
	free(s->out);
	free(s->seen);
	free(s->hist);
	free(s->soff);
	free(s->smask);
	free(s->supd);
	free(s->voff);
	free(s->vmask);
	free(s);
}

void qts_expr_bar(qts_expr_state *s, size_t slot, const double bar[QTS_EXPR_NFIELDS])
{
	size_t size = s->mask[slot] + 1;
	size_t h = (size_t)(++s->count[slot]) & s->mask[slot];
	double *r = s->ring + s->off[slot];
	for (int f = 0; f < QTS_EXPR_NFIELDS; f++)
		r[f * size + h] = bar[f];
}

double qts_expr_get(const qts_expr_state *s, int var) { return s->var[var]; }
void qts_expr_set(qts_expr_state *s, int var, double v) { s->var[var] = v; }

static double eval(const qts_expr *e, qts_expr_state *s, int n);

static inline double series(const qts_expr_state *s, const struct node *x)
{
	uint64_t cnt = s->count[x->a];
	if (cnt <= (uint64_t)x->c)
		return NAN;
	size_t size = s->mask[x->a] + 1;
	return s->ring[s->off[x->a] + (size_t)x->b * size + ((cnt - (uint64_t)x->c) & s->mask[x->a])];
}

static double eval_site(const qts_expr *e, qts_expr_state *s, const struct node *x)
{
	const struct site *site = &e->site[x->a];
	double *out = s->out + 3 * x->a;
	double in[5];
	/* inputs are evaluated even when the site is up to date: nested call
	 * sites must see every bar too */
	int missing = 0;
	for (int i = 0; i < site->nin; i++) {
		/* most inputs are bar fields: read them without the call */
		const struct node *y = &e->node[site->in[i]];
		if (isnan(in[i] = y->op == N_SERIES ? series(s, y) : eval(e, s, site->in[i])))
			missing = 1;
	}
	uint64_t now = s->count[site->clock];
	if (s->seen[x->a] != now) {
		s->seen[x->a] = now;
		if (site->info) {
			if (missing) /* a warming-up input: the bar does not count */
				for (int i = 0; i < site->info->noutputs; i++)
					out[i] = NAN;
			else
				qts_ind_update(s->ind[x->a], in, out);
		} else {
			/* cross: out[0] the result, out[1] and out[2] the previous a, b */
			out[0] = missing ? NAN : out[1] <= out[2] && in[0] > in[1];
			out[1] = in[0];
			out[2] = in[1];
		}
		if (site->lag) {
			size_t size = s->smask[x->a] + 1;
			size_t h = (size_t)(++s->supd[x->a]) & s->smask[x->a];
			for (int i = 0; i < 3; i++)
				s->hist[s->soff[x->a] + (size_t)i * size + h] = out[i];
		}
	}
	int o = site->info ? x->b : 0;
	if (!x->c)
		return out[o];
	/* [N]: the output N updates of the site ago */
	uint64_t upd = s->supd[x->a];
	if (upd <= (uint64_t)x->c)
		return NAN;
	size_t size = s->smask[x->a] + 1;
	return s->hist[s->soff[x->a] + (size_t)o * size + ((upd - (uint64_t)x->c) & s->smask[x->a])];
}

static double eval(const qts_expr *e, qts_expr_state *s, int n)
{
	const struct node *x = &e->node[n];
	double a, b, c;
	switch (x->op) {
	case N_NUM:
		return x->v;
	case N_VAR:
		if (!x->c)
			return s->var[x->a];
		/* [N]: the value left by the run N runs ago */
		if (s->runs < (uint64_t)x->c)
			return NAN;
		return s->hist[s->voff[x->a] + ((s->runs - (uint64_t)x->c + 1) & s->vmask[x->a])];
	case N_SERIES:
		return series(s, x);
	case N_NEG:
		return -eval(e, s, x->a);
	case N_NOT:
		a = eval(e, s, x->a);
		return isnan(a) ? NAN : a == 0;
	case N_IND: case N_CROSS:
		return eval_site(e, s, x);
	case N_FN1:
		a = eval(e, s, x->a);
		switch (x->c) {
		case F_ABS: return fabs(a);
		case F_SQRT: return sqrt(a);
		case F_LOG: return log(a);
		case F_EXP: return exp(a);
		case F_FLOOR: return floor(a);
		case F_CEIL: return ceil(a);
		case F_ROUND: return round(a);
		case F_SIGN: return isnan(a) ? a : (a > 0) - (a < 0);
		default: return isnan(a);
		}
	case N_TERN:
		a = eval(e, s, x->a);
		b = eval(e, s, x->b);
		c = eval(e, s, x->c);
		return isnan(a) ? NAN : a != 0 ? b : c;
	default:
		break;
	}
	a = eval(e, s, x->a);
	b = eval(e, s, x->b);
	switch (x->op) {
	case N_ADD: return a + b;
	case N_SUB: return a - b;
	case N_MUL: return a * b;
	case N_DIV: return a / b;
	case N_MOD: return fmod(a, b);
	case N_EQ: return isnan(a) || isnan(b) ? NAN : a == b;
	case N_NE: return isnan(a) || isnan(b) ? NAN : a != b;
	case N_LT: return isnan(a) || isnan(b) ? NAN : a < b;
	case N_LE: return isnan(a) || isnan(b) ? NAN : a <= b;
	case N_GT: return isnan(a) || isnan(b) ? NAN : a > b;
	case N_GE: return isnan(a) || isnan(b) ? NAN : a >= b;
	/* NaN is unknown: false and unknown is false, true or unknown true */
	case N_AND: return (a == 0 || b == 0) ? 0 : (isnan(a) || isnan(b)) ? NAN : 1;
	case N_OR: return ((a != 0 && !isnan(a)) || (b != 0 && !isnan(b))) ? 1 : (isnan(a) || isnan(b)) ? NAN : 0;
	case N_FN2:
		switch (x->c) {
		case F_MIN: return isnan(a) || isnan(b) ? NAN : fmin(a, b);
		case F_MAX: return isnan(a) || isnan(b) ? NAN : fmax(a, b);
		default: return pow(a, b);
		}
	}
	return NAN;
}

void qts_expr_run(const qts_expr *e, qts_expr_state *s, double *values)
{
	for (size_t i = 0; i < e->nstmt; i++) {
		double v = eval(e, s, e->stmt[i].root);
		if (e->stmt[i].var >= 0)
			s->var[e->stmt[i].var] = v;
		if (values)
			values[i] = v;
	}
	s->runs++;
	for (size_t i = 0; i < e->nvar; i++)
		if (e->varlag[i])
			s->hist[s->voff[i] + (s->runs & s->vmask[i])] = s->var[i];
}

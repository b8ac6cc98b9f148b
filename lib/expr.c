/* expr.c — the strategy expression language: lexer, recursive-descent
 * parser into a flat node array, and an evaluator over per-symbol state.
 *
 * Nodes are appended after their children, so the array is in an order
 * in which every node can be computed from values already computed: the
 * evaluator runs through it in one loop, with no recursion however deep
 * or long the expression.  The parser recurses only into parentheses,
 * call arguments and the middle of `?:`, at most MAX_NEST deep; sums,
 * products, chains of unary operators and of `?:` are loops.
 *
 * Every node is evaluated on every bar, whatever branch `?:`, `and` or
 * `or` selects: indicator and cross call sites keep state from bar to bar,
 * and a call site skipped on some bars would compute something else than
 * what it reads like. */
#include "qts_expr.h"
#include "qts_ind.h"
#include "qts_xsect.h"
#include "qts_checkpoint.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAG 100000
#define MAX_ARGS 9
/* Limits that keep a hostile program from exhausting the stack, the
 * memory or the time of the compiler (qts-strategy(1) documents them). */
#define MAX_NEST 256       /* parentheses, calls and ?: inside each other */
#define MAX_NODES 1000000  /* operations in a program */
#define MAX_VARS 4096
#define MAX_SITES 4096     /* distinct indicator and cross calls */
#define MAX_HISTORY (1 << 24) /* values kept per symbol: histories and windows */

enum tok {
	T_END, T_NUM, T_NAME, T_NL, T_SEMI, T_COMMA, T_LP, T_RP, T_LB, T_RB,
	T_Q, T_COLON, T_ASSIGN, T_AT, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PCT,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR, T_NOT,
};

enum op {
	N_NUM, N_VAR, N_SERIES, N_NEG, N_NOT, N_ADD, N_SUB, N_MUL, N_DIV, N_MOD,
	N_EQ, N_NE, N_LT, N_LE, N_GT, N_GE, N_AND, N_OR, N_TERN,
	N_FN1, N_FN2, N_IND, N_CROSS, N_XS,
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
		      * N_IND: site, output, lag; N_CROSS: site, -, lag; N_FN: fn in c;
		      * N_XS: argument (-1 for count()), -, QTS_XS_* */
	double v;    /* N_NUM */
	unsigned slots; /* the series slots the subtree reads, a bit each */
	int reads_var;  /* whether the subtree reads a variable */
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
	int begin, end; /* its nodes: begin <= root < end */
	int pbegin, pend; /* its nodes a run works out: run[pbegin..pend) */
	size_t at;      /* where it starts in the source */
	char *text;
};

/* What the compiler knows of a variable beyond its name. */
struct varinfo {
	size_t at;     /* its first assignment in the source */
	int assigned;  /* by a statement */
	int read;      /* anywhere */
};

struct qts_expr {
	struct node *node;
	size_t nnode, capnode;
	struct site *site;
	size_t nsite;
	struct stmt *stmt;
	size_t nstmt;
	char **var;
	struct varinfo *varinfo;
	size_t nvar;
	char tf[8][16]; /* named timeframes, slot i + 1 */
	size_t ntf;
	int lag[9]; /* deepest history per slot */
	int *varlag; /* deepest history [N] per variable */
	double *val; /* each node's value during a run: one run at a time */
	int *run;    /* the nodes qts_expr_run works out, statement by statement */
	/* The nodes that read one other timeframe alone (slot k >= 1), worked
	 * out at each of its bars: early[early_at[k - 1]..early_at[k]).  Its
	 * calls advance on its bars, finer than the driving ones too. */
	int *early;
	int early_at[9];
	int *xs;     /* the cross-sectional nodes, in node order */
	size_t nxs;
};

struct qts_expr_state {
	const qts_expr *e;
	double *var;
	double *ring;      /* per slot: 5 fields x size[slot] */
	size_t off[9], mask[9];
	uint64_t count[9]; /* bars seen per slot */
	qts_ind **ind;     /* per site (NULL for cross) */
	/* per site: the indicator's kernel and its state when it has one
	 * (one input, one output), fed instead of the indicator */
	struct { qts_ind_kernel_fn fn; void *st; } *kern;
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
	int nest;     /* parse_expr calls under way */
	int mode;
	qts_expr *e;
	qts_expr_error *err;
	int failed;
	size_t ops;   /* operations parsed, shared or not (MAX_NODES) */
	/* The current statement's nodes by content, for sharing (add_node):
	 * node index + 1, 0 empty; a table of cse_cap slots, a power of two. */
	int stmt_begin;
	int *cse;
	size_t cse_cap, cse_n;
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
			fail_at(p, p->pos, "bad number '%.*s'", (int)(i - p->pos > 40 ? 40 : i - p->pos),
				s + p->pos);
		else if (isinf(p->num))
			fail_at(p, p->pos, "number '%.*s' out of range", (int)(i - p->pos > 40 ? 40 : i - p->pos),
				s + p->pos);
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
	/* the whole character, made printable: it may be any byte at all */
	size_t n = 1;
	while (n < 4 && ((unsigned char)s[p->pos + n] & 0xc0) == 0x80)
		n++;
	char q[24];
	qts_quote(q, sizeof q, s + p->pos, n);
	fail_at(p, p->pos, "unexpected character '%s'", q);
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

static size_t node_hash(int op, int a, int b, int c, double v)
{
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	uint64_t h = ((uint64_t)(unsigned)op << 48) ^ ((uint64_t)(unsigned)a * 0x9e3779b97f4a7c15ULL) ^
		     ((uint64_t)(unsigned)b * 0xc2b2ae3d27d4eb4fULL) ^ ((uint64_t)(unsigned)c * 0x165667b19e3779f9ULL) ^ bits;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	return (size_t)(h ^ (h >> 32));
}

static int same_node(const struct node *x, int op, int a, int b, int c, double v)
{
	return x->op == op && x->a == a && x->b == b && x->c == c && !memcmp(&x->v, &v, sizeof v);
}

/* The slot of the statement's table holding the node of this content,
 * or the empty one where it would go (the table is never full). */
static size_t cse_slot(const struct parser *p, int op, int a, int b, int c, double v)
{
	size_t mask = p->cse_cap - 1, k = node_hash(op, a, b, c, v) & mask;
	while (p->cse[k] && !same_node(&p->e->node[p->cse[k] - 1], op, a, b, c, v))
		k = (k + 1) & mask;
	return k;
}

/* Node i into the statement's table, grown (and filled again from the
 * statement's nodes) when half full; 0, or -1 when out of memory. */
static int cse_put(struct parser *p, int i)
{
	const qts_expr *e = p->e;
	if (2 * (p->cse_n + 1) > p->cse_cap) {
		size_t cap = p->cse_cap ? 2 * p->cse_cap : 64;
		int *t = calloc(cap, sizeof *t);
		if (!t)
			return -1;
		free(p->cse);
		p->cse = t;
		p->cse_cap = cap;
		p->cse_n = 0;
		for (int j = p->stmt_begin; j < i; j++)
			if (e->node[j].op != N_XS && cse_put(p, j) < 0)
				return -1;
	}
	const struct node *x = &e->node[i];
	p->cse[cse_slot(p, x->op, x->a, x->b, x->c, x->v)] = i + 1;
	p->cse_n++;
	return 0;
}

/* Take back the last node made, not yet read by any other. */
static void cse_drop_last(struct parser *p)
{
	qts_expr *e = p->e;
	const struct node *x = &e->node[--e->nnode];
	/* the last put in: no probe for another entry passes its slot */
	p->cse[cse_slot(p, x->op, x->a, x->b, x->c, x->v)] = 0;
	p->cse_n--;
}

/* A new statement: nothing of the ones before is shared with it (their
 * variables may have changed since). */
static void cse_start(struct parser *p)
{
	p->stmt_begin = (int)p->e->nnode;
	p->cse_n = 0;
	/* A table grown for a long statement goes, and grows again with the
	 * next: clearing it for each of many short statements after would
	 * cost its size each time. */
	if (p->cse_cap > 64) {
		free(p->cse);
		p->cse = NULL;
		p->cse_cap = 0;
	} else if (p->cse)
		memset(p->cse, 0, p->cse_cap * sizeof *p->cse);
}

static int add_node(struct parser *p, int op, int a, int b, int c, double v)
{
	qts_expr *e = p->e;
	if (p->failed) /* a child is missing: nothing to build on */
		return 0;
	if (p->ops == MAX_NODES) {
		fail_at(p, p->tpos, "program too large (more than %d operations)", MAX_NODES);
		return 0;
	}
	p->ops++;
	/* The same operation on the same children earlier in the statement
	 * is that node: a repeated sma(close, 10) or close is worked out once
	 * a run.  Nothing has a side effect within a statement (a call site
	 * updates once a bar however often it is read), and children are
	 * shared first, so equal fields are equal subtrees.  A cross-section
	 * is filled in by its caller, and is left alone. */
	if (op != N_XS && p->cse_cap) {
		size_t k = cse_slot(p, op, a, b, c, v);
		if (p->cse[k])
			return p->cse[k] - 1;
	}
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
	struct node x = { op, a, b, c, v, 0, 0 };
	/* what the subtree reads, from its children (all made before it) */
	const struct node *k = e->node;
	switch (op) {
	case N_NUM:
		break;
	case N_VAR:
		x.reads_var = 1;
		x.slots = 1; /* variables change with the driving bars */
		break;
	case N_SERIES:
		x.slots = 1u << a;
		break;
	case N_IND: case N_CROSS: {
		const struct site *st = &e->site[a];
		x.reads_var = !st->pure;
		for (int i = 0; i < st->nin; i++)
			x.slots |= k[st->in[i]].slots;
		break;
	}
	case N_NEG: case N_NOT: case N_FN1:
		x.slots = k[a].slots;
		x.reads_var = k[a].reads_var;
		break;
	case N_XS: /* a new value at every driving bar */
		x.slots = 1u | (a >= 0 ? k[a].slots : 0);
		x.reads_var = a >= 0 && k[a].reads_var;
		break;
	case N_TERN:
		x.slots = k[a].slots | k[b].slots | k[c].slots;
		x.reads_var = k[a].reads_var | k[b].reads_var | k[c].reads_var;
		break;
	default:
		x.slots = k[a].slots | k[b].slots;
		x.reads_var = k[a].reads_var | k[b].reads_var;
	}
	e->node[e->nnode] = x;
	if (op != N_XS && cse_put(p, (int)e->nnode) < 0) {
		fail_at(p, p->tpos, "out of memory");
		return 0;
	}
	return (int)e->nnode++;
}

/* The slot of a variable; with create, a new one for a name first seen
 * at offset at of the source (-1 when out of memory or past MAX_VARS). */
static int var_slot(qts_expr *e, const char *name, size_t len, int create, size_t at)
{
	for (size_t i = 0; i < e->nvar; i++)
		if (strlen(e->var[i]) == len && !memcmp(e->var[i], name, len))
			return (int)i;
	if (!create || e->nvar == MAX_VARS)
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
	struct varinfo *vi = realloc(e->varinfo, (e->nvar + 1) * sizeof *vi);
	if (!vi)
		return -1;
	e->varinfo = vi;
	vi[e->nvar] = (struct varinfo){ at, 0, 0 };
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

/* Whether the subtrees at a and b are the same expression: a walk over
 * pairs of nodes with a stack of its own (a tree may be as deep as it is
 * long).  0 when out of memory, which only costs a shared state. */
static int same_tree(const qts_expr *e, int a, int b)
{
	size_t n = 0, cap = 64;
	int *stack = malloc(2 * cap * sizeof *stack), same = 1;
	if (!stack)
		return 0;
	stack[n++] = a, stack[n++] = b;
	while (same && n) {
		const struct node *x = &e->node[stack[n - 2]], *y = &e->node[stack[n - 1]];
		n -= 2;
		/* c: a lag, a function, or the third child of ?: */
		if (x->op != y->op || (x->op != N_TERN && x->c != y->c)) {
			same = 0;
			break;
		}
		int kids[3], nk = 0;
		switch (x->op) {
		case N_NUM:
			same = x->v == y->v;
			break;
		case N_SERIES: case N_IND: case N_CROSS: case N_VAR:
			same = x->a == y->a && x->b == y->b;
			break;
		case N_NEG: case N_NOT: case N_FN1:
			kids[nk++] = 0;
			break;
		case N_XS:
			if (x->a < 0 || y->a < 0)
				same = x->a == y->a;
			else
				kids[nk++] = 0;
			break;
		case N_TERN:
			kids[nk++] = 0, kids[nk++] = 1, kids[nk++] = 2;
			break;
		default:
			kids[nk++] = 0, kids[nk++] = 1;
		}
		if (n + 2 * (size_t)nk > 2 * cap) {
			int *t = realloc(stack, 4 * cap * sizeof *t);
			if (!t) {
				same = 0;
				break;
			}
			stack = t;
			cap *= 2;
		}
		for (int i = 0; i < nk; i++) {
			int ca = kids[i] == 0 ? x->a : kids[i] == 1 ? x->b : x->c;
			int cb = kids[i] == 0 ? y->a : kids[i] == 1 ? y->b : y->c;
			stack[n++] = ca, stack[n++] = cb;
		}
	}
	free(stack);
	return same;
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
	if (e->nsite == MAX_SITES) {
		fail_at(p, p->tpos, "too many indicator and cross calls (at most %d)", MAX_SITES);
		return 0;
	}
	struct site *n = e->site;
	if ((e->nsite & (e->nsite - 1)) == 0) { /* 0, 1, 2, 4...: full */
		n = realloc(e->site, (e->nsite ? 2 * e->nsite : 1) * sizeof *n);
		if (!n) {
			fail_at(p, p->tpos, "out of memory");
			return 0;
		}
	}
	e->site = n;
	n[e->nsite] = *s;
	return (int)e->nsite++;
}

/* ---- names ----------------------------------------------------------------- */

/* The edit distance of a[0..n) and b, counting a swap of two neighbours
 * as one edit; past 3, 3. */
static int distance(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b);
	if (n > 30 || m > 30 || (n > m ? n - m : m - n) > 2)
		return 3;
	int d[32][32];
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[n][m] < 3 ? d[n][m] : 3;
}

/* Keeps in *best the closest of the names offered to a misspelt one:
 * one edit away for short names, two for longer ones. */
struct nearest {
	const char *word;
	size_t len;
	const char *best;
	int dist;
};

static void offer(struct nearest *n, const char *name)
{
	int d = distance(n->word, n->len, name);
	if (n->len >= 3 && d < n->dist && d <= (n->len > 4 ? 2 : 1) && d > 0) {
		n->dist = d;
		n->best = name;
	}
}

/* ` (did you mean 'NAME'?)`, or "" with no name close enough. */
static const char *hint(const struct nearest *n, char *buf, size_t size)
{
	if (!n->best)
		return "";
	snprintf(buf, size, " (did you mean '%s'?)", n->best);
	return buf;
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
		char hint[32];
		fail_at(p, p->pos, "bad timeframe '%s'%s", word, qts_tf_hint(word, hint));
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
	int xs = qts_xsect_find(fname, strlen(fname));
	if (xs >= 0) {
		int want = xs == QTS_XS_COUNT ? 0 : 1;
		if (nargs != want) {
			fail_at(p, at, want ? "%s takes 1 argument" : "%s takes no argument", fname);
			return 0;
		}
		return add_node(p, N_XS, want ? args[0] : -1, 0, xs, 0);
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
			struct nearest near = { fname, strlen(fname), NULL, 3 };
			for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
				offer(&near, functions[i].name);
			for (int i = 0; i < QTS_XS_NFN; i++)
				offer(&near, qts_xsect_name(i));
			offer(&near, "cross");
			size_t n;
			const qts_ind_info *t = qts_ind_table(&n);
			for (size_t i = 0; i < n; i++)
				for (int o = 0; o < t[i].noutputs; o++)
					offer(&near, t[i].outputs[o]);
			char buf[64];
			fail_at(p, at, "unknown function '%s'%s", fname, hint(&near, buf, sizeof buf));
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
			if (qts_ind_option_integer(in->options[i]) && v != floor(v)) {
				fail_at(p, argpos[k], "%s: %s must be a whole number, not %g", fname,
					in->options[i], v);
				return 0;
			}
			s.opt[i] = v;
		}
		char err[160] = "";
		qts_ind *probe = qts_ind_new(s.info, s.opt, err);
		if (!probe) { /* err names the indicator already */
			fail_at(p, at, "%s", err);
			return 0;
		}
		qts_ind_free(probe);
		int site;
		s.pure = 1;
		for (int i = 0; i < s.nin; i++)
			if (p->e->node[s.in[i]].reads_var)
				s.pure = 0;
		unsigned m = 0;
		for (int i = 0; i < s.nin; i++)
			m |= p->e->node[s.in[i]].slots;
		s.clock = (m && !(m & (m - 1))) ? __builtin_ctz(m) : 0;
		site = add_site(p, &s);
		return add_node(p, N_IND, site, out, 0, 0);
	}
	s.pure = !p->e->node[s.in[0]].reads_var && !p->e->node[s.in[1]].reads_var;
	unsigned m = p->e->node[s.in[0]].slots | p->e->node[s.in[1]].slots;
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
	/* range first: a double beyond long is no whole number to cast */
	if (p->tok != T_NUM || !(p->num >= 0 && p->num <= MAX_LAG) || p->num != floor(p->num)) {
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
		size_t before = p->e->nnode;
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
		if (!lag)
			return n;
		/* The call's node N updates ago is a node of its own, since the
		 * call's node may be shared; the call's node goes when this call
		 * made it (the last node made). */
		struct node call = p->e->node[n];
		if ((size_t)n >= before)
			cse_drop_last(p);
		if (lag > p->e->site[call.a].lag)
			p->e->site[call.a].lag = lag;
		return add_node(p, call.op, call.a, call.b, lag, 0);
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
	int v = var_slot(p->e, name, len, 0, 0);
	if (v < 0) {
		struct nearest near = { name, len, NULL, 3 };
		for (int i = 0; i < QTS_EXPR_NFIELDS; i++)
			offer(&near, series_names[i]);
		offer(&near, "nan");
		for (size_t i = 0; i < p->e->nvar; i++)
			offer(&near, p->e->var[i]);
		char buf[64];
		fail_at(p, at, "unknown name '%.*s'%s", (int)(len > 40 ? 40 : len), name,
			hint(&near, buf, sizeof buf));
		return 0;
	}
	p->e->varinfo[v].read = 1;
	int lag = parse_lag(p);
	if (lag < 0)
		return 0;
	if (lag > p->e->varlag[v])
		p->e->varlag[v] = lag;
	return add_node(p, N_VAR, v, 0, lag, 0);
}

/* Signs in a row are counted, not recursed into. */
static int parse_unary(struct parser *p)
{
	size_t minus = 0;
	for (;;) {
		skip_newlines(p);
		if (accept(p, T_MINUS))
			minus++;
		else if (!accept(p, T_PLUS))
			break;
	}
	int n = parse_primary(p);
	while (minus--)
		n = add_node(p, N_NEG, n, 0, 0, 0);
	return n;
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
	if (level == 2) { /* not, as many in a row as written */
		size_t nots = 0;
		for (;;) {
			skip_newlines(p);
			if (!accept(p, T_NOT))
				break;
			nots++;
		}
		int n = parse_binary(p, 3);
		while (nots--)
			n = add_node(p, N_NOT, n, 0, 0, 0);
		return n;
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

/* `c1 ? a1 : c2 ? a2 : ... : z`: the chain of conditions is a loop, the
 * nodes built from its end once it is read. */
static int parse_expr(struct parser *p)
{
	if (p->nest > MAX_NEST) { /* the whole expression is one level, not nesting */
		fail_at(p, p->tpos, "nested too deeply (more than %d parentheses, calls and ?: "
			"inside each other)", MAX_NEST);
		return 0;
	}
	p->nest++;
	int cond = parse_binary(p, 0);
	int small[16], *pair = small;
	size_t n = 0, cap = sizeof small / sizeof small[0] / 2;
	while (!p->failed && accept(p, T_Q)) {
		int a = parse_expr(p);
		skip_newlines(p);
		expect(p, T_COLON, "':'");
		if (n == cap) {
			int *t = pair == small ? malloc(4 * cap * sizeof *t)
					       : realloc(pair, 4 * cap * sizeof *t);
			if (!t) {
				fail_at(p, p->tpos, "out of memory");
				break;
			}
			if (pair == small)
				memcpy(t, small, sizeof small);
			pair = t;
			cap *= 2;
		}
		pair[2 * n] = cond;
		pair[2 * n + 1] = a;
		n++;
		if (p->failed)
			break;
		cond = parse_binary(p, 0);
	}
	while (n--)
		cond = add_node(p, N_TERN, pair[2 * n], pair[2 * n + 1], cond, 0);
	if (pair != small)
		free(pair);
	p->nest--;
	return cond;
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
			var = var_slot(p->e, name, len, 1, at);
			if (var < 0) {
				fail_at(p, at, "out of memory");
				return;
			}
			p->e->varinfo[var].assigned = 1;
			next(p);
			next(p);
		}
	}
	int begin = (int)p->e->nnode;
	cse_start(p);
	int root = parse_expr(p);
	if (p->failed)
		return;
	qts_expr *e = p->e;
	struct stmt *st = e->stmt;
	if ((e->nstmt & (e->nstmt - 1)) == 0) { /* 0, 1, 2, 4...: full */
		st = realloc(e->stmt, (e->nstmt ? 2 * e->nstmt : 1) * sizeof *st);
		if (!st) {
			fail_at(p, from, "out of memory");
			return;
		}
	}
	e->stmt = st;
	st[e->nstmt] = (struct stmt){ .var = var, .root = root, .begin = begin, .end = (int)e->nnode,
				      .at = from, .text = span(p->src, from, p->tpos) };
	if (!st[e->nstmt].text) {
		fail_at(p, from, "out of memory");
		return;
	}
	e->nstmt++;
}

/* Names are known before their use: a first pass declares every assigned
 * variable, so a statement may read a variable assigned further down (its
 * value from the previous bar). */
static int declare_vars(qts_expr *e, const char *src, size_t *at)
{
	if (var_slot(e, "target", 6, 1, 0) < 0 || var_slot(e, "position", 8, 1, 0) < 0)
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
		    !(len == 3 && !memcmp(w, "nan", 3)) && var_slot(e, w, len, 1, (size_t)(w - src)) < 0) {
			*at = (size_t)(w - src); /* the one past the most */
			return e->nvar == MAX_VARS ? -2 : -1;
		}
	}
	return 0;
}

/* What a program would lose without a word: a statement whose value goes
 * nowhere, a variable assigned and never read (a misspelt target, most
 * likely), no target at all.  0, or -1 with the error set. */
static int check_program(struct parser *p)
{
	qts_expr *e = p->e;
	for (size_t i = 0; i < e->nstmt; i++)
		if (e->stmt[i].var < 0) {
			fail_at(p, e->stmt[i].at, "a statement that assigns nothing has no effect "
				"(assign it: target = ...)");
			return -1;
		}
	size_t first = (size_t)-1;
	int unused = -1;
	for (size_t i = 2; i < e->nvar; i++) {
		const struct varinfo *v = &e->varinfo[i];
		if (v->assigned && !v->read && strcmp(e->var[i], "limit") && strcmp(e->var[i], "stop") &&
		    v->at < first)
			first = v->at, unused = (int)i;
	}
	if (unused >= 0) {
		const char *name = e->var[unused];
		struct nearest near = { name, strlen(name), NULL, 3 };
		offer(&near, "target");
		offer(&near, "limit");
		offer(&near, "stop");
		char buf[64];
		fail_at(p, first, "'%s' is assigned but never read%s", name,
			near.best ? hint(&near, buf, sizeof buf)
				  : ": only target, limit and stop leave the program");
		return -1;
	}
	if (!e->varinfo[0].assigned) {
		fail_at(p, 0, "the program never assigns target, so it would write nothing");
		return -1;
	}
	return 0;
}

/* Values a symbol's state keeps: bar histories, histories of calls and
 * variables, and (roughly) the windows of the indicators. */
static double history_size(const qts_expr *e)
{
	double total = 0;
	for (size_t k = 0; k <= e->ntf; k++)
		total += QTS_EXPR_NFIELDS * 2.0 * (e->lag[k] + 1);
	for (size_t i = 0; i < e->nsite; i++) {
		const struct site *st = &e->site[i];
		total += st->lag ? 3 * 2.0 * (st->lag + 1) : 0;
		for (int k = 0; st->info && k < st->info->noptions; k++)
			if (strstr(st->info->options[k], "period"))
				total += st->opt[k];
	}
	for (size_t i = 0; i < e->nvar; i++)
		total += 2.0 * e->varlag[i];
	return total;
}

/* What qts_expr_run works out, and in what order: the nodes some
 * statement's value depends on (through children and call sites'
 * inputs), in node order, children first, but for numbers, whose values
 * are put in val[] once here.  The rest are the options of calls, read
 * when compiling.  A site's inputs may be nodes of an earlier statement
 * that shares it: they are worked out there, earlier in the run. */
static int plan_runs(qts_expr *e)
{
	unsigned char *live = calloc(e->nnode + 1, 1);
	if (!live || !(e->run = malloc((e->nnode + 1) * sizeof *e->run))) {
		free(live);
		return -1;
	}
	for (size_t i = 0; i < e->nstmt; i++)
		live[e->stmt[i].root] = 1;
	for (size_t n = e->nnode; n-- > 0;) {
		const struct node *x = &e->node[n];
		if (!live[n])
			continue;
		switch (x->op) {
		case N_NUM: case N_VAR: case N_SERIES:
			break;
		case N_IND: case N_CROSS: {
			const struct site *st = &e->site[x->a];
			for (int k = 0; k < st->nin; k++)
				live[st->in[k]] = 1;
			break;
		}
		case N_XS:
			if (x->a >= 0)
				live[x->a] = 1;
			break;
		case N_NEG: case N_NOT: case N_FN1:
			live[x->a] = 1;
			break;
		case N_TERN:
			live[x->a] = live[x->b] = live[x->c] = 1;
			break;
		default:
			live[x->a] = live[x->b] = 1;
		}
	}
	int k = 0;
	for (size_t i = 0; i < e->nstmt; i++) {
		struct stmt *st = &e->stmt[i];
		st->pbegin = k;
		for (int n = st->begin; n < st->end; n++) {
			if (e->node[n].op == N_NUM)
				e->val[n] = e->node[n].v;
			else if (live[n])
				e->run[k++] = n;
		}
		st->pend = k;
	}
	free(live);
	if (!(e->early = malloc((size_t)(k + 1) * sizeof *e->early)))
		return -1;
	int m = 0;
	for (size_t slot = 1; slot <= e->ntf; slot++) {
		for (int i = 0; i < k; i++) {
			const struct node *x = &e->node[e->run[i]];
			if (x->slots == 1u << slot && !x->reads_var)
				e->early[m++] = e->run[i];
		}
		e->early_at[slot] = m;
	}
	return 0;
}

qts_expr *qts_expr_compile(const char *src, int mode, qts_expr_error *err)
{
	int strict = mode == QTS_EXPR_TARGETS;
	if (strict)
		mode = QTS_EXPR_PROGRAM;
	qts_expr *e = calloc(1, sizeof *e);
	struct parser p = { .src = src, .mode = mode, .e = e, .err = err };
	memset(err, 0, sizeof *err);
	size_t too_many_at = 0;
	int declared = !e ? -1 : mode == QTS_EXPR_PROGRAM ? declare_vars(e, src, &too_many_at)
			       : var_slot(e, "target", 6, 1, 0) < 0 ? -1
			       : var_slot(e, "position", 8, 1, 0);
	if (declared < 0) {
		if (declared == -2) {
			fail_at(&p, too_many_at, "too many variables (at most %d)", MAX_VARS);
		} else {
			snprintf(err->msg, sizeof err->msg, "out of memory");
			err->line = err->col = 1;
		}
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
			char buf[64];
			if (!accept(&p, T_COMMA))
				fail_at(&p, p.tpos, "expected ',' or end of input, found %s",
					tok_text(&p, buf, sizeof buf));
			else if (p.tok == T_END) /* `close,`: a column promised and not given */
				fail_at(&p, p.tpos, "expected an expression, found %s", tok_text(&p, buf, sizeof buf));
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
	if (!p.failed && strict)
		check_program(&p);
	if (!p.failed && history_size(e) > MAX_HISTORY)
		fail_at(&p, 0, "the program keeps too much history (more than %d values a symbol)",
			MAX_HISTORY);
	if (!p.failed && !(e->val = malloc(e->nnode * sizeof *e->val)))
		fail_at(&p, 0, "out of memory");
	if (!p.failed && plan_runs(e) < 0)
		fail_at(&p, 0, "out of memory");
	for (size_t i = 0; !p.failed && i < e->nnode; i++)
		if (e->node[i].op == N_XS) {
			int *t = realloc(e->xs, (e->nxs + 1) * sizeof *t);
			if (!t) {
				fail_at(&p, 0, "out of memory");
				break;
			}
			e->xs = t;
			e->xs[e->nxs++] = (int)i;
		}
	free(p.cse);
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
	free(e->varinfo);
	free(e->varlag);
	free(e->val);
	free(e->run);
	free(e->early);
	free(e->xs);
	free(e->node);
	free(e->site);
	free(e);
}

/* s[0..n) quoted (tabs kept, to line up with the caret) to f, or when
 * f is NULL as blanks (tabs kept) to caret[*clen...], at most room bytes. */
static void show(FILE *f, const char *s, size_t n, char *caret, size_t *clen, size_t room)
{
	for (size_t i = 0; i < n;) {
		size_t k = i;
		while (k < n && s[k] != '\t')
			k++;
		char q[1024];
		size_t len = qts_quote(q, sizeof q, s + i, k - i);
		if (f)
			fputs(q, f);
		for (size_t j = 0; !f && j < len; j++)
			if (((unsigned char)q[j] & 0xc0) != 0x80 && *clen < room)
				caret[(*clen)++] = ' ';
		if (k < n) {
			if (f)
				putc('\t', f);
			else if (*clen < room)
				caret[(*clen)++] = '\t';
			k++;
		}
		i = k;
	}
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
	size_t c = err->col > 1 ? (size_t)err->col - 1 : 0;
	if (c > len)
		c = len;
	/* a long line is shown around the column, cut between characters;
	 * untrusted bytes are shown escaped, never raw */
	size_t from = c > 60 ? c - 60 : 0, to = len - c > 60 ? c + 60 : len;
	for (int k = 0; k < 3 && from > 0 && ((unsigned char)line[from] & 0xc0) == 0x80; k++)
		from--;
	for (int k = 0; k < 3 && to < len && ((unsigned char)line[to] & 0xc0) == 0x80; k++)
		to--;
	fprintf(f, "%s: %s:%d:%d: %s\n", qts_progname, name, err->line, err->col, err->msg);
	char caret[1024];
	size_t clen = 0;
	if (from > 0) {
		fputs("...", f);
		memcpy(caret, "   ", 3);
		clen = 3;
	}
	show(NULL, line + from, c - from, caret, &clen, sizeof caret - 2);
	show(f, line + from, to - from, NULL, NULL, 0);
	if (to < len)
		fputs("...", f);
	caret[clen++] = '^';
	caret[clen] = '\0';
	fprintf(f, "\n%s\n", caret);
}

size_t qts_expr_count(const qts_expr *e) { return e->nstmt; }
int qts_expr_assigns(const qts_expr *e, size_t i) { return e->stmt[i].var; }
const char *qts_expr_text(const qts_expr *e, size_t i) { return e->stmt[i].text; }
size_t qts_expr_ntf(const qts_expr *e) { return e->ntf; }
const char *qts_expr_tf(const qts_expr *e, size_t i) { return e->tf[i]; }

int qts_expr_var(const qts_expr *e, const char *name)
{
	return var_slot((qts_expr *)e, name, strlen(name), 0, 0);
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
	s->kern = calloc(e->nsite + 1, sizeof *s->kern);
	if (!s->var || !s->ring || !s->ind || !s->out || !s->seen || !s->kern)
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
		if (e->site[i].info->ninputs == 1 && e->site[i].info->noutputs == 1)
			s->kern[i].fn = qts_ind_kernel_alone(s->ind[i], &s->kern[i].st);
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
	free(s->kern);
	free(s->hist);
	free(s->soff);
	free(s->smask);
	free(s->supd);
	free(s->voff);
	free(s->vmask);
	free(s);
}

double qts_expr_get(const qts_expr_state *s, int var) { return s->var[var]; }
void qts_expr_set(qts_expr_state *s, int var, double v) { s->var[var] = v; }

/* A symbol's state to a checkpoint, or from one into a state fresh from
 * qts_expr_state_new of the same program: its variables, bar histories,
 * call sites (indicators, cross) and [N] histories.  Its sizes are those
 * qts_expr_state_new worked out from the program: each is written and
 * checked, so a state of another program is refused. */
void qts_expr_state_ck(qts_expr_state *s, qts_ckpt *c)
{
	const qts_expr *e = s->e;
	size_t nring = s->off[e->ntf] + QTS_EXPR_NFIELDS * (s->mask[e->ntf] + 1), nhist = 0;
	for (size_t i = 0; i < e->nsite; i++)
		nhist += e->site[i].lag ? 3 * (s->smask[i] + 1) : 0;
	for (size_t i = 0; i < e->nvar; i++)
		nhist += e->varlag[i] ? s->vmask[i] + 1 : 0;
	size_t size[4] = { e->nvar, nring, e->nsite, nhist };
	for (int k = 0; k < 4; k++) {
		size_t n = size[k];
		qts_ck_size(c, &n, SIZE_MAX);
		if (c->loading && !c->bad && n != size[k])
			qts_ck_fail(c, "the state of another program (%zu where %zu was expected)", n, size[k]);
	}
	if (c->bad)
		return;
	for (size_t i = 0; i < e->nvar; i++)
		qts_ck_f64(c, &s->var[i]);
	for (size_t i = 0; i < nring; i++)
		qts_ck_f64(c, &s->ring[i]);
	for (size_t k = 0; k <= e->ntf; k++)
		qts_ck_u64(c, &s->count[k]);
	for (size_t i = 0; i < e->nsite && !c->bad; i++) {
		if (s->ind[i])
			qts_ind_ck(s->ind[i], c);
		for (int o = 0; o < 3; o++)
			qts_ck_f64(c, &s->out[3 * i + o]);
		qts_ck_u64(c, &s->seen[i]);
		qts_ck_u64(c, &s->supd[i]);
	}
	for (size_t i = 0; i < nhist; i++)
		qts_ck_f64(c, &s->hist[i]);
	qts_ck_u64(c, &s->runs);
}

static inline double series(const qts_expr_state *s, const struct node *x)
{
	uint64_t cnt = s->count[x->a];
	if (cnt <= (uint64_t)x->c)
		return NAN;
	size_t size = s->mask[x->a] + 1;
	return s->ring[s->off[x->a] + (size_t)x->b * size + ((cnt - (uint64_t)x->c) & s->mask[x->a])];
}

/* A call site's output; its inputs (nodes before it) were computed in
 * val[] during this run. */
static inline __attribute__((always_inline)) double eval_site(const qts_expr *e, qts_expr_state *s, const struct node *x,
			const double *val)
{
	const struct site *site = &e->site[x->a];
	double *out = s->out + 3 * x->a;
	double in[5];
	int missing = 0;
	for (int i = 0; i < site->nin; i++)
		if (isnan(in[i] = val[site->in[i]]))
			missing = 1;
	uint64_t now = s->count[site->clock];
	if (s->seen[x->a] != now) {
		s->seen[x->a] = now;
		if (site->info) {
			if (missing) /* a warming-up input: the bar does not count */
				for (int i = 0; i < site->info->noutputs; i++)
					out[i] = NAN;
			else if (s->kern[x->a].fn) {
				if (!s->kern[x->a].fn(s->kern[x->a].st, in[0], out))
					out[0] = NAN;
			} else
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

/* The value of node x from the values of its children in val[].  Inlined
 * into both of its callers: a call per node would cost the run a tenth. */
static inline __attribute__((always_inline)) double eval(const qts_expr *e, qts_expr_state *s, const struct node *x,
			  const double *val)
{
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
		return -val[x->a];
	case N_NOT:
		a = val[x->a];
		return isnan(a) ? NAN : a == 0;
	case N_IND: case N_CROSS:
		return eval_site(e, s, x, val);
	case N_XS: /* a run of one symbol alone: no cross-section */
		return NAN;
	case N_FN1:
		a = val[x->a];
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
		a = val[x->a];
		b = val[x->b];
		c = val[x->c];
		return isnan(a) ? NAN : a != 0 ? b : c;
	default:
		break;
	}
	a = val[x->a];
	b = val[x->b];
	switch (x->op) {
	case N_ADD: return a + b;
	case N_SUB: return a - b;
	case N_MUL: return a * b;
	case N_DIV: return a / b;
	case N_MOD: {
		/* floored, the sign of the divisor's (as Python's and pandas'):
		 * ts % 86400e9 is the time of day before 1970 too */
		double r = fmod(a, b);
		if (r != 0 && (r < 0) != (b < 0))
			r += b;
		return r + 0.0; /* no -0 */
	}
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
		/* pow(nan, 0) and pow(1, nan) are 1 in C: unknown here, as
		 * all arithmetic with nan */
		default: return isnan(a) || isnan(b) ? NAN : pow(a, b);
		}
	}
	return NAN;
}

void qts_expr_bar(qts_expr_state *s, size_t slot, const double bar[QTS_EXPR_NFIELDS])
{
	size_t size = s->mask[slot] + 1;
	size_t h = (size_t)(++s->count[slot]) & s->mask[slot];
	double *r = s->ring + s->off[slot];
	for (int f = 0; f < QTS_EXPR_NFIELDS; f++)
		r[f * size + h] = bar[f];
	/* the calls on this timeframe alone advance now, not at the next run,
	 * which may come after several of its bars (a finer one) */
	const qts_expr *e = s->e;
	if (slot)
		for (int i = e->early_at[slot - 1]; i < e->early_at[slot]; i++) {
			int n = e->early[i];
			e->val[n] = eval(e, s, &e->node[n], e->val);
		}
}

void qts_expr_run(const qts_expr *e, qts_expr_state *s, double *values)
{
	double *val = e->val;
	for (size_t i = 0; i < e->nstmt; i++) {
		/* the statement's nodes that change, in order: children first */
		const struct stmt *st = &e->stmt[i];
		for (int k = st->pbegin; k < st->pend; k++) {
			int n = e->run[k];
			val[n] = eval(e, s, &e->node[n], val);
		}
		double v = val[st->root];
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

/* ---- cross-sections: a run in steps ------------------------------------- */

size_t qts_expr_nxs(const qts_expr *e) { return e->nxs; }
size_t qts_expr_nodes(const qts_expr *e) { return e->nnode; }

int qts_expr_reads_series(const qts_expr *e)
{
	for (size_t n = 0; n < e->nnode; n++)
		if (e->node[n].op == N_SERIES)
			return 1;
	return 0;
}

int qts_expr_xs(const qts_expr *e, size_t k, int *arg, int *node)
{
	const struct node *x = &e->node[e->xs[k]];
	*arg = x->a;
	*node = e->xs[k];
	return x->c;
}

void qts_expr_step(const qts_expr *e, qts_expr_state *s, double *val, size_t k)
{
	int from = k ? e->xs[k - 1] + 1 : 0, to = k < e->nxs ? e->xs[k] : (int)e->nnode;
	/* a statement is complete in the step that has its root, the last
	 * of its nodes: call k - 1 (from - 1), set before this step, or one
	 * computed here */
	for (size_t i = 0; i < e->nstmt; i++) {
		const struct stmt *st = &e->stmt[i];
		int complete = st->root >= from - 1 && st->root < to;
		if (st->end <= from && !complete)
			continue;
		if (st->begin >= to)
			break;
		int end = st->end < to ? st->end : to;
		for (int n = st->begin > from ? st->begin : from; n < end; n++)
			val[n] = eval(e, s, &e->node[n], val);
		if (complete && st->var >= 0)
			s->var[st->var] = val[st->root];
	}
	if (k < e->nxs)
		return;
	s->runs++;
	for (size_t i = 0; i < e->nvar; i++)
		if (e->varlag[i])
			s->hist[s->voff[i] + (s->runs & s->vmask[i])] = s->var[i];
}

void qts_expr_values(const qts_expr *e, const double *val, double *values)
{
	for (size_t i = 0; i < e->nstmt; i++)
		values[i] = val[e->stmt[i].root];
}

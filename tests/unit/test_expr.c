/* Unit tests of the strategy expression language (lib/expr.c). */
#include "qts_expr.h"
#include "tap.h"
#include "ind_fixture.h"

#include <stdlib.h>

/* Run src over closes c[0..n) (open=high=low=close, volume 1) and return
 * the value of the last statement after the last bar. */
static double run(const char *src, const double *c, int n)
{
	qts_expr_error err;
	qts_expr *e = qts_expr_compile(src, QTS_EXPR_PROGRAM, &err);
	if (!e) {
		printf("# %s: %d:%d: %s\n", src, err.line, err.col, err.msg);
		return -12345;
	}
	qts_expr_state *s = qts_expr_state_new(e);
	double *v = calloc(qts_expr_count(e), sizeof *v);
	for (int i = 0; i < n; i++) {
		double bar[QTS_EXPR_NFIELDS] = { c[i], c[i], c[i], c[i], 1, 86400e9 * i };
		qts_expr_bar(s, 0, bar);
		qts_expr_run(e, s, v);
	}
	double r = v[qts_expr_count(e) - 1];
	free(v);
	qts_expr_state_free(s);
	qts_expr_free(e);
	return r;
}

static void check_error(const char *src, int col, const char *msg)
{
	qts_expr_error err;
	qts_expr *e = qts_expr_compile(src, QTS_EXPR_PROGRAM, &err);
	char what[256];
	snprintf(what, sizeof what, "error in '%s'", src);
	for (char *p = what; *p; p++)
		if (*p == '\n')
			*p = ' ';
	CHECK(!e && err.col == col, what);
	CHECK_STR(err.msg, msg, what);
	qts_expr_free(e);
}

/* A text of n copies of piece between head and tail, malloc'd. */
static char *repeat(const char *head, const char *piece, size_t n, const char *tail)
{
	size_t hl = strlen(head), pl = strlen(piece), tl = strlen(tail);
	char *s = malloc(hl + n * pl + tl + 1), *p = s;
	memcpy(p, head, hl), p += hl;
	for (size_t i = 0; i < n; i++)
		memcpy(p, piece, pl), p += pl;
	memcpy(p, tail, tl + 1);
	return s;
}

/* The bounds qts-strategy(1) documents, each just inside and just past. */
static void check_limits(void)
{
	qts_expr_error err;
	/* 1000000 operations: a sum of n terms is 2n - 1 */
	char *src = repeat("close", "+close", 499999, "");
	qts_expr *e = qts_expr_compile(src, QTS_EXPR_LIST, &err);
	CHECK(e != NULL, "999999 operations compile");
	if (e) {
		qts_expr_state *s = qts_expr_state_new(e);
		double bar[QTS_EXPR_NFIELDS] = { 1, 1, 1, 2, 1, 0 }, v;
		qts_expr_bar(s, 0, bar);
		qts_expr_run(e, s, &v);
		CHECK_NEAR(v, 1000000, 0, "and a 500000-term sum runs without recursion");
		qts_expr_state_free(s);
	}
	qts_expr_free(e);
	free(src);
	src = repeat("close", "+close", 500000, "");
	e = qts_expr_compile(src, QTS_EXPR_LIST, &err);
	CHECK(!e && !strcmp(err.msg, "program too large (more than 1000000 operations)"),
	      "1000001 operations do not");
	qts_expr_free(e);
	free(src);

	/* 4096 variables, target and position among them */
	char *p = src = malloc(4100 * 24);
	for (int i = 0; i < 4094; i++)
		p += sprintf(p, "v%d = 1; ", i);
	sprintf(p, "target = v0");
	e = qts_expr_compile(src, QTS_EXPR_PROGRAM, &err);
	CHECK(e != NULL, "4096 variables compile");
	qts_expr_free(e);
	sprintf(p, "v4094 = 1; target = v0");
	e = qts_expr_compile(src, QTS_EXPR_PROGRAM, &err);
	CHECK(!e && !strcmp(err.msg, "too many variables (at most 4096)"), "4097 do not");
	/* said where the one past the most is assigned, not at 1:1 */
	CHECK(err.line == 1 && err.col == (int)(p - src) + 1, "the 4097th named where it is");
	qts_expr_free(e);
	free(src);

	/* 4096 distinct calls; identical ones share one */
	p = src = malloc(4100 * 24);
	p += sprintf(p, "0");
	for (int i = 0; i < 4096; i++)
		p += sprintf(p, "+sma(close,%d)", 2 + i);
	e = qts_expr_compile(src, QTS_EXPR_LIST, &err);
	CHECK(e != NULL, "4096 distinct calls compile");
	qts_expr_free(e);
	sprintf(p, "+ema(close,2)+sma(close,2)");
	e = qts_expr_compile(src, QTS_EXPR_LIST, &err);
	CHECK(!e && !strcmp(err.msg, "too many indicator and cross calls (at most 4096)"),
	      "4097 do not, even with a shared one after");
	qts_expr_free(e);
	free(src);

	/* 16777216 values of history a symbol: 167 windows of 100000 fit, 168 do not */
	p = src = malloc(200 * 32);
	p += sprintf(p, "0");
	for (int i = 0; i < 167; i++)
		p += sprintf(p, "+sma(close+%d,100000)", i);
	e = qts_expr_compile(src, QTS_EXPR_LIST, &err);
	CHECK(e != NULL, "16700012 values of history compile");
	qts_expr_free(e);
	sprintf(p, "+sma(close+%d,100000)", 167);
	e = qts_expr_compile(src, QTS_EXPR_LIST, &err);
	CHECK(!e && !strcmp(err.msg, "the program keeps too much history (more than 16777216 values a symbol)"),
	      "16800012 do not");
	qts_expr_free(e);
	free(src);

	/* 256 calls inside each other (the list itself is not nesting) */
	src = repeat("", "abs(", 256, "1");
	char *full = repeat(src, ")", 256, "");
	e = qts_expr_compile(full, QTS_EXPR_LIST, &err);
	CHECK(e != NULL, "256 calls inside each other compile");
	qts_expr_free(e);
	free(src);
	free(full);
	src = repeat("", "abs(", 257, "1");
	full = repeat(src, ")", 257, "");
	e = qts_expr_compile(full, QTS_EXPR_LIST, &err);
	CHECK(!e && err.col == 1029 &&
		      !strcmp(err.msg, "nested too deeply (more than 256 parentheses, calls and ?: inside each other)"),
	      "257 do not");
	qts_expr_free(e);
	free(src);
	free(full);

	/* a deep tree in a call is compared without recursion when sharing */
	src = repeat("sma(close", "+close", 200000, ",2)");
	full = repeat(src, "", 0, "");
	free(src);
	src = malloc(2 * strlen(full) + 2);
	sprintf(src, "%s-%s", full, full);
	e = qts_expr_compile(src, QTS_EXPR_LIST, &err);
	CHECK(e != NULL, "two identical calls over a 200000-term sum compile");
	if (e) {
		qts_expr_state *s = qts_expr_state_new(e);
		double v = NAN;
		for (int i = 0; i < 3; i++) {
			double bar[QTS_EXPR_NFIELDS] = { 1, 1, 1, i, 1, 0 };
			qts_expr_bar(s, 0, bar);
			qts_expr_run(e, s, &v);
		}
		CHECK_NEAR(v, 0, 0, "and share one state");
		qts_expr_state_free(s);
	}
	qts_expr_free(e);
	free(src);
	free(full);

	check_error("close[1e20]", 7, "history index must be a whole number in [0, 100000]");
	check_error("close[1e3080]", 7, "number '1e3080' out of range");
}

/* qts_expr_error_print: the line around the column, untrusted bytes escaped. */
/* Nodes of one program, or -1 when it does not compile. */
static long nodes_of(const char *src)
{
	qts_expr_error err;
	qts_expr *e = qts_expr_compile(src, QTS_EXPR_PROGRAM, &err);
	long n = e ? (long)qts_expr_nodes(e) : -1;
	qts_expr_free(e);
	return n;
}

/* A repeated operation in a statement is one node, worked out once; the
 * values are those of the program written without the repeats. */
static void check_sharing(const double *c, int n)
{
	/* (a call's options are nodes too: close, 3, sma(close, 3)) */
	CHECK(nodes_of("close + close") == 2, "close + close: close once, then +");
	CHECK(nodes_of("sma(close, 3) - sma(close, 3)") == 4, "a repeated call is one node");
	CHECK(nodes_of("close; close") == 2, "statements share nothing: a variable may change between them");
	CHECK(nodes_of("sma(close, 3)[1] + sma(close, 3)[1]") == 4, "a repeated history is one node");
	CHECK(nodes_of("sma(close, 3)[1] - sma(close, 3)") == 5, "a call's node taken back for its history");
	CHECK(nodes_of("cross(sma(close,2), sma(close,3)) - cross(sma(close,3), sma(close,2))") == 8,
	      "two crosses over the same averages");
	CHECK_NEAR(run("sma(close, 2)[2] - sma(close, 2)", c, n), 9.5 - 12.5, 1e-12,
		   "history before the value, of the same call");
	CHECK_NEAR(run("sma(close, 2)[1] + sma(close, 2)[1]", c, n), 22, 1e-12, "a history read twice");
	CHECK_NEAR(run("a = close; a = a + 1; a + a", c, n), 2 * 14, 0,
		   "a variable read twice after its change");
	CHECK_NEAR(run("x = close > 10 ? close : 0 - close; x + (close > 10 ? close : 0 - close)", c, n), 26, 0,
		   "a repeated ?: and its children");
	double a = run("cross(sma(close,2), sma(close,3)) - cross(sma(close,3), sma(close,2))", c, 9);
	double b = run("cross(sma(close,2), sma(close,3))", c, 9) - run("cross(sma(close,3), sma(close,2))", c, 9);
	CHECK_NEAR(a, b, 0, "two crosses over the same averages, as apart");
}

static void check_error_print(void)
{
	qts_expr_error err;
	char *out = NULL;
	size_t len = 0;
	const char *src = "x = 1\ntarget = \xc3\xa9 + \x1b[2J";
	qts_expr *e = qts_expr_compile(src, QTS_EXPR_PROGRAM, &err);
	CHECK(!e, "an é is no name");
	FILE *f = open_memstream(&out, &len);
	qts_expr_error_print(f, "p", src, &err);
	fclose(f);
	CHECK_STR(out, "test_expr: p:2:10: unexpected character '\xc3\xa9'\ntarget = \xc3\xa9 + \\x1b[2J\n         ^\n",
		  "the character whole, the escape escaped, the caret under the é");
	free(out);
}

/* vwap from an expression, ts and all, against the library's reference
 * file (tests/fixtures/ind: bars 2h45m apart, so days restart it). */
static void check_vwap(void)
{
	static struct series sr;
	static struct ref ref;
	qts_expr_error err;
	if (!CHECK(fix_series(&sr, "synth") == 0 && fix_ref(&ref, "synth-vwap-0.txt") == 0 &&
		   ref.n == sr.n, "vwap: fixtures load"))
		return;
	qts_expr *e = qts_expr_compile("vwap(high, low, close, volume, ts)", QTS_EXPR_LIST, &err);
	if (!CHECK(e != NULL, "vwap(high,low,close,volume,ts) compiles"))
		return;
	qts_expr_state *st = qts_expr_state_new(e);
	int good = 1;
	for (int i = 0; i < sr.n; i++) {
		double bar[QTS_EXPR_NFIELDS], v;
		for (int f = 0; f < QTS_EXPR_NFIELDS; f++)
			bar[f] = sr.col[f][i];
		qts_expr_bar(st, 0, bar);
		qts_expr_run(e, st, &v);
		if (!fix_near(v, ref.out[i][0], 1e-9))
			good = 0;
	}
	char what[256];
	snprintf(what, sizeof what, "vwap from an expression matches %s over %d bars", ref.file, sr.n);
	CHECK(good, what);
	qts_expr_state_free(st);
	qts_expr_free(e);
}

int main(void)
{
	qts_progname = "test_expr";
	check_vwap();

	static const double c[] = { 10, 11, 12, 11, 10, 9, 10, 12, 13 };
	const int n = 9;
	check_sharing(c, n);

	/* arithmetic, precedence, comparison, logic, ?: */
	CHECK_NEAR(run("1 + 2 * 3 - 4 / 2", c, 1), 5, 0, "precedence");
	CHECK_NEAR(run("-(2 + 3) * 2 % 4", c, 1), 2, 0, "unary minus and %");
	/* % is floored: the remainder has the divisor's sign */
	CHECK_NEAR(run("-7 % 3", c, 1), 2, 0, "-7 % 3 is 2");
	CHECK_NEAR(run("7 % -3", c, 1), -2, 0, "7 % -3 is -2");
	CHECK_NEAR(run("-7 % -3", c, 1), -1, 0, "-7 % -3 is -1");
	CHECK(run("-6 % 3", c, 1) == 0 && !signbit(run("-6 % 3", c, 1)), "-6 % 3 is 0, not -0");
	CHECK_NEAR(run("7.5 % 2", c, 1), 1.5, 0, "% of fractions");
	CHECK(isnan(run("1 % 0", c, 1)), "% 0 is nan");
	CHECK_NEAR(run("-3600e9 % 86400e9 / 3600e9", c, 1), 23, 0, "an hour before 1970 is 23:00");
	CHECK_NEAR(run("1 < 2 and 2 <= 2 && !(3 == 4) or 0", c, 1), 1, 0, "logic");
	CHECK_NEAR(run("not 1 || 0", c, 1), 0, 0, "not");
	CHECK_NEAR(run("1 ? 2 : 3 ? 4 : 5", c, 1), 2, 0, "?: nests to the right");
	CHECK_NEAR(run("0 ? 2 : 0 ? 4 : 5", c, 1), 5, 0, "?: else branch");
	CHECK_NEAR(run("1 != 1 ? 7 : 8", c, 1), 8, 0, "!= in a condition");
	CHECK_NEAR(run("abs(-2) + min(3, 4) + max(3, 4) + sqrt(16) + round(log(exp(2)))", c, 1),
		   2 + 3 + 4 + 4 + 2, 1e-12, "functions");
	CHECK_NEAR(run("isnan(nan) + isnan(1)", c, 1), 1, 0, "nan and isnan");
	CHECK(isnan(run("nan > 1", c, 1)), "a comparison with nan is nan");
	/* C's pow gives 1 for these: a position asked of a value unknown */
	CHECK(isnan(run("pow(nan, 0)", c, 1)) && isnan(run("pow(1, nan)", c, 1)), "pow of nan is nan, even to the 0th");
	CHECK_NEAR(run("pow(2, 0) + pow(1, 5)", c, 1), 2, 0, "pow of numbers");
	CHECK_NEAR(run("nan > 1 and 0", c, 1), 0, 0, "unknown and false is false");

	/* series and history: close[1] is the previous bar's close */
	CHECK_NEAR(run("close - close[1]", c, n), 13 - 12, 0, "close[1]");
	CHECK_NEAR(run("close[8]", c, n), 10, 0, "close[8] is the first bar");
	CHECK(isnan(run("close[9]", c, n)), "history beyond the first bar is nan");

	/* ts: the bar's start time in ns (bar i starts i days after the epoch) */
	CHECK_NEAR(run("ts", c, n), 8 * 86400e9, 0, "ts is the bar's start in ns");
	CHECK_NEAR(run("(ts - ts[1]) / 1e9", c, n), 86400, 0, "ts[1] is the previous bar's start");

	/* history of variables: x[N] is x as the run N bars ago left it */
	CHECK_NEAR(run("x = close; x[1]", c, n), 12, 0, "x[1] is the previous bar's x");
	CHECK_NEAR(run("x = close; x[8]", c, n), 10, 0, "x[8] is the first bar's x");
	CHECK(isnan(run("x = close; x[9]", c, n)), "x[N] before the first bar is nan");
	CHECK_NEAR(run("x = close; x[0]", c, n), 13, 0, "x[0] is x");
	CHECK_NEAR(run("y = x[1]; x = close; y", c, n), 12, 0, "x[1] read before x's assignment");
	CHECK_NEAR(run("target = close > 11 ? 1 : 0; target[1] != target", c, 8), 1, 0,
		   "target[1]: a change of target");
	CHECK_NEAR(run("n = n + 1; n[3] + n[1] * 100", c, n), 6 + 800, 0, "two depths of one variable");
	/* history of calls: sma(close,2) over the bars is - 10.5 11.5 11.5 10.5 9.5 9.5 11 12.5 */
	CHECK_NEAR(run("sma(close, 2)[1]", c, n), 11, 1e-12, "sma(close,2)[1]");
	CHECK_NEAR(run("sma(close, 2)[7]", c, n), 10.5, 1e-12, "sma(close,2)[7] is its first value");
	CHECK(isnan(run("sma(close, 2)[8]", c, n)), "a call's history while warming up is nan");
	CHECK(isnan(run("sma(close, 2)[9]", c, n)), "a call's history before the first bar is nan");
	CHECK_NEAR(run("sma(close, 2) - sma(close, 2)[2]", c, n), 12.5 - 9.5, 1e-12,
		   "a call and its history share one site");
	CHECK_NEAR(run("cross(sma(close,2), sma(close,3))[1]", c, 9), 1, 0, "cross(...)[1]");
	CHECK_NEAR(run("bbmiddle(close, 2)[1]", c, n), 11, 1e-12, "a second output's history");
	CHECK_NEAR(run("sma(close[1], 2)[1]", c, n), 9.5, 1e-12, "history inside and outside a call");

	/* variables persist per symbol between bars; target starts as nan */
	CHECK_NEAR(run("n = n + 1", c, n), 9, 0, "a counter");
	CHECK(isnan(run("target", c, n)), "target starts as nan");
	CHECK_NEAR(run("hi = max(hi, close); # running high\nhi", c, n), 13, 0,
		   "comments and newlines");
	CHECK_NEAR(run("a = b; b = close; a", c, n), 12, 0,
		   "a variable read before its assignment holds the previous bar's");

	/* indicators: (12 + 13) / 2 = 12.5, (10 + 12 + 13) / 3 = 11.67 */
	CHECK_NEAR(run("sma(close, 2)", c, n), 12.5, 1e-12, "sma(close,2)");
	CHECK_NEAR(run("sma(close, 3)", c, n), 35.0 / 3, 1e-12, "sma(close,3)");
	CHECK(isnan(run("sma(close, 3)", c, 2)), "sma warming up is nan");
	/* fast sma(2) over slow sma(3): 9.5 <= 9.667 on bar 7, 11 > 10.33 on bar 8 */
	CHECK_NEAR(run("cross(sma(close,2), sma(close,3))", c, 8), 1, 0, "cross on bar 8");
	CHECK_NEAR(run("cross(sma(close,2), sma(close,3))", c, 9), 0, 0, "no cross on bar 9");
	/* a call site in a branch taken only on the last bar has seen every bar */
	CHECK_NEAR(run("b = b + 1; b >= 9 ? sma(close, 3) : 0", c, 9), 35.0 / 3, 1e-12,
		   "call sites update on every bar whatever the branch");
	CHECK_NEAR(run("target = cross(sma(close,2), sma(close,3)) ? 100 : "
		       "cross(sma(close,3), sma(close,2)) ? 0 : target", c, 9), 100, 0,
		   "the issue's sma-cross expression");
	CHECK_NEAR(run("target = cross(sma(close,2), sma(close,3)) ? 100 : "
		       "cross(sma(close,3), sma(close,2)) ? 0 : target", c, 7), 0, 0,
		   "flat after the cross below on bar 5");

	/* syntax and name errors carry the column */
	check_error("target = 1 +", 13, "expected an expression, found end of input");
	check_error("target = foo(close)", 10, "unknown function 'foo'");
	check_error("x = y", 5, "unknown name 'y'");
	check_error("abs(close)[1]", 11, "history [N] applies to bar fields, variables, indicators and cross only");
	check_error("x = 1; x[1.5]", 10, "history index must be a whole number in [0, 100000]");
	check_error("sma(close, 2)[2", 16, "expected ']', found end of input");
	check_error("sma(close, 1)", 12, "sma: period must be in [2, 100000]");
	check_error("sma(close, close)", 12, "sma: option period must be a number");
	check_error("sma(close, 2, 3)", 1, "sma takes 1 input, then at most 1 option");
	check_error("close[-1]", 7, "history index must be a whole number in [0, 100000]");
	check_error("close = 1", 1, "cannot assign to 'close'");
	check_error("1 $ 2", 3, "unexpected character '$'");
	check_error("x = 1\ny = (2", 7, "expected ')', found end of input");
	check_error("", 1, "empty program");
	check_error("close@2x", 7, "bad timeframe '2x'");
	check_error("close@1D", 7, "bad timeframe '1D': write 1d");
	check_error("close@1day", 7, "bad timeframe '1day': write 1d");
	check_error("close@1m+close@2m+close@3m+close@4m+close@5m+close@6m+close@7m+close@8m+close@9m",
		    78, "too many timeframes (at most 8)");

	/* lists for --print keep each expression as written */
	qts_expr_error err;
	qts_expr *e = qts_expr_compile("sma(close, 2) ,close[1]", QTS_EXPR_LIST, &err);
	CHECK(e && qts_expr_count(e) == 2, "a list of two");
	if (e) {
		CHECK_STR(qts_expr_text(e, 0), "sma(close, 2)", "text as written");
		CHECK_STR(qts_expr_text(e, 1), "close[1]", "second text");
	}
	qts_expr_free(e);

	/* another timeframe: close@1d is slot 1 */
	e = qts_expr_compile("close@1d - close", QTS_EXPR_PROGRAM, &err);
	CHECK(e && qts_expr_ntf(e) == 1, "one named timeframe");
	if (e) {
		CHECK_STR(qts_expr_tf(e, 0), "1d", "canonical timeframe");
		qts_expr_state *s = qts_expr_state_new(e);
		double d[QTS_EXPR_NFIELDS] = { 0, 0, 0, 100, 0, 0 }, h[QTS_EXPR_NFIELDS] = { 0, 0, 0, 103, 0, 0 }, v;
		qts_expr_bar(s, 1, d);
		qts_expr_bar(s, 0, h);
		qts_expr_run(e, s, &v);
		CHECK_NEAR(v, -3, 0, "close@1d - close");
		qts_expr_state_free(s);
	}
	qts_expr_free(e);
	check_limits();
	check_error_print();
	return tap_done();
}

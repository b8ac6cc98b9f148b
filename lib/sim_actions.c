/* sim_actions.c — corporate actions and universe changes for qts-sim
 * --actions: splits, cash dividends, delistings, by date, from a CSV file
 * (plain or gzip). */
#include "qts_sim.h"
#include "qts_time.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void qts_actions_check_used(const char *path, const qts_action *list, size_t n,
			    int (*priced)(void *arg, const char *symbol), void *arg)
{
	for (size_t i = 0; i < n; i++)
		if (priced(arg, list[i].symbol))
			return;
	if (n)
		qts_warn("--actions %s: no action is of a symbol the stream has prices of (%s is not): none was applied",
			 path, list[0].symbol);
}

/* An action as read, with its line: to name a line given twice, and to
 * keep the file's order among the actions of a date. */
struct row {
	qts_action act;
	long line;
};

/* By date, then line: the file's order within a date, which is the order
 * of a symbol's split and dividend of one day. */
static int by_date(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->act.ts != y->act.ts)
		return x->act.ts < y->act.ts ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* By date, symbol and kind, then line: an action given twice lies next to
 * its first. */
static int by_key(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c;
	if (x->act.ts != y->act.ts)
		return x->act.ts < y->act.ts ? -1 : 1;
	if ((c = strcmp(x->act.symbol, y->act.symbol)) != 0)
		return c;
	if (x->act.kind != y->act.kind)
		return x->act.kind < y->act.kind ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static __attribute__((format(printf, 4, 5))) int fail(char *err, const char *path, long line, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(err, 512, "%s:%ld: %s", path, line, what);
	return -1;
}

/* One row into *act: 0, or -1 with err. */
static int parse_row(char **f, int nf, const char *path, long line, qts_action *act, char *err)
{
	char e[128];
	memset(act, 0, sizeof *act);
	if (nf < 3 || nf > 4)
		return fail(err, path, line, "want date,symbol,action,value");
	int code = qts_time_parse(f[0], strlen(f[0]), &act->ts);
	if (code < 0)
		return fail(err, path, line, "'%s' %s", f[0], qts_time_wrong(code));
	/* An action applies at the start of its date, in UTC: a time of day
	 * (an exchange's announcement at 20:00 New York, 01:00 UTC the next
	 * day) would be cut to that day's start without a word, a day off. */
	if (qts_floor_mod(act->ts, QTS_NS_PER_DAY) != 0)
		return fail(err, path, line, "'%s' is not a date (YYYY-MM-DD): an action applies at 00:00 UTC of its date",
			    f[0]);
	if (!*f[1] || strlen(f[1]) >= QTS_SYM_MAX)
		return fail(err, path, line, "bad symbol '%s'", f[1]);
	char shown[4 * QTS_SYM_MAX + 8];
	const char *fault = qts_symbol_name_fault(f[1], strlen(f[1]), shown);
	if (fault) /* as the stream refuses it: such an action would never apply */
		return fail(err, path, line, "symbol '%.100s' %s", shown, fault);
	QTS_SET(act->symbol, f[1]);
	const char *val = nf == 4 ? f[3] : "";
	if (strcmp(f[2], "split") == 0) {
		act->kind = QTS_ACT_SPLIT;
		if (qts_parse_double(val, 1e-9, 1e9, &act->value, e) < 0)
			return fail(err, path, line, "split ratio: %s", e);
	} else if (strcmp(f[2], "dividend") == 0) {
		act->kind = QTS_ACT_DIVIDEND;
		if (qts_parse_double(val, 0, 1e9, &act->value, e) < 0)
			return fail(err, path, line, "dividend: %s", e);
	} else if (strcmp(f[2], "delist") == 0) {
		act->kind = QTS_ACT_DELIST;
		if (*val)
			return fail(err, path, line, "delist takes no value%s", "");
	} else
		return fail(err, path, line, "unknown action '%s' (split, dividend, delist)", f[2]);
	return 0;
}

/* A symbol has one action of a kind a day: a second split is a line given
 * twice (a file concatenated, a row pasted again), and applied it would
 * split the position again; a second dividend would be paid again, and a
 * day's dividends are written as one, their sum.  The second is named,
 * with its first.  0, or -1 with err. */
static int check_twice(struct row *r, size_t n, const char *path, char *err)
{
	static const char *const kind[] = { [QTS_ACT_SPLIT] = "split", [QTS_ACT_DIVIDEND] = "dividend",
					    [QTS_ACT_DELIST] = "delist" };
	qsort(r, n, sizeof *r, by_key);
	for (size_t i = 1; i < n; i++) {
		const qts_action *a = &r[i - 1].act, *b = &r[i].act;
		if (a->ts != b->ts || a->kind != b->kind || strcmp(a->symbol, b->symbol) != 0)
			continue;
		char date[40];
		qts_time_format(b->ts, date);
		date[10] = '\0'; /* the date alone: an action is of 00:00 UTC */
		return fail(err, path, r[i].line, "%s of '%s' on %s is listed twice (line %ld too)%s", kind[b->kind],
			    b->symbol, date, r[i - 1].line,
			    b->kind == QTS_ACT_DIVIDEND ? ": a day's dividends are one line, of their sum" : "");
	}
	return 0;
}

int qts_actions_load(const char *path, qts_action **out, size_t *nout, char *err)
{
	qts_input *in = qts_input_open(path);
	qts_csv *csv = in ? qts_csv_open(in) : NULL;
	if (!csv) {
		snprintf(err, 512, "%s: %s", path, strerror(errno));
		qts_input_close(in);
		return -1;
	}
	struct row *r = NULL;
	qts_action *a = NULL;
	size_t n = 0, cap = 0;
	int rc = -1, nf, first = 1;
	char **f;
	size_t *lens;
	qts_csv_skip_bom(csv);
	while ((nf = qts_csv_next(csv, &f, &lens)) > 0) {
		/* CSV_EMPTY_IS_NULL: an empty field may come back as NULL. */
		int nul = qts_csv_nul_field(f, lens, nf);
		if (nul) {
			fail(err, path, qts_csv_line(csv), "field %d holds a NUL byte", nul);
			goto out;
		}
		for (int i = 0; i < nf; i++)
			if (!f[i])
				f[i] = "";
		if (first && strcmp(f[0], "date") == 0) {
			first = 0;
			continue;
		}
		first = 0;
		struct row row = { .line = qts_csv_line(csv) };
		if (parse_row(f, nf, path, row.line, &row.act, err) < 0)
			goto out;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			struct row *nr = realloc(r, ncap * sizeof *r);
			if (!nr) {
				snprintf(err, 512, "%s: out of memory", path);
				goto out;
			}
			r = nr;
			cap = ncap;
		}
		r[n++] = row;
	}
	if (nf < 0) {
		snprintf(err, 512, "%s", qts_csv_error(csv));
		goto out;
	}
	if (n && check_twice(r, n, path, err) < 0)
		goto out;
	/* A file of no action does nothing, as one of no symbol of the
	 * stream does (qts_actions_check_used): said, not taken for one
	 * applied.  Said as read, since the end cannot tell it. */
	if (!n)
		qts_warn("--actions %s: no action in it (it is empty, or comments and a header): none is applied",
			 path);
	/* By date, the file's order within one (the line breaks ties: a
	 * stable order of qsort). */
	if (n)
		qsort(r, n, sizeof *r, by_date);
	if (n && !(a = malloc(n * sizeof *a))) {
		snprintf(err, 512, "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		a[i] = r[i].act;
	*out = a;
	*nout = n;
	a = NULL;
	rc = 0;
out:
	free(a);
	free(r);
	qts_csv_close(csv);
	qts_input_close(in);
	return rc;
}

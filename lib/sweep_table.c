/* sweep_table.c — qts sweep's tables: a row of text cells a
 * combination (its figures as qts-report writes them), ranked by one
 * column, written as CSV or JSON; and the tables of shards read back and
 * merged (--merge), so that the merge writes the same bytes as one run. */
#include "sweep_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const char *const sweep_ascending_metrics[ASC_METRICS] = { "volatility", "max_drawdown_duration",
						    "total_commission", "total_slippage", "turnover" };


void *sweep_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return p;
}

void *sweep_xrealloc(void *p, size_t size)
{
	if (!(p = realloc(p, size)))
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return p;
}

char *sweep_xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	return d;
}

int sweep_metric_index(const char *name)
{
	const qts_metric_info *mt = qts_metric_table();
	for (int i = 0; i < QTS_NMETRICS; i++)
		if (strcmp(mt[i].name, name) == 0)
			return i;
	return -1;
}

int sweep_ascending(const char *metric)
{
	for (int i = 0; i < ASC_METRICS; i++)
		if (strcmp(sweep_ascending_metrics[i], metric) == 0)
			return 1;
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

void sweep_table_columns(table *tb, size_t np, char **pnames)
{
	const qts_metric_info *mt = qts_metric_table();
	tb->nparam = np;
	tb->ncol = 1 + np + QTS_NMETRICS;
	tb->col = sweep_xcalloc(tb->ncol, sizeof *tb->col);
	tb->kind = sweep_xcalloc(tb->ncol, sizeof *tb->kind);
	tb->col[0] = sweep_xstrdup("id");
	tb->kind[0] = K_INT;
	for (size_t i = 0; i < np; i++)
		tb->col[1 + i] = sweep_xstrdup(pnames[i]), tb->kind[1 + i] = K_PARAM;
	for (int i = 0; i < QTS_NMETRICS; i++) {
		tb->col[1 + np + (size_t)i] = sweep_xstrdup(mt[i].name);
		tb->kind[1 + np + (size_t)i] = mt[i].kind == QTS_MK_DATE ? K_DATE : K_NUM;
	}
}

void sweep_table_free(table *tb)
{
	for (size_t r = 0; r < tb->n; r++) {
		for (size_t c = 0; c < tb->ncol; c++)
			free(tb->row[r][c]);
		free(tb->row[r]);
	}
	for (size_t c = 0; c < tb->ncol; c++)
		free(tb->col[c]);
	free(tb->row);
	free(tb->col);
	free(tb->kind);
	free(tb->key);
	memset(tb, 0, sizeof *tb);
}

char **sweep_table_add(table *tb)
{
	if (tb->n == tb->cap) {
		tb->cap = tb->cap ? 2 * tb->cap : 64;
		tb->row = sweep_xrealloc(tb->row, tb->cap * sizeof *tb->row);
	}
	return tb->row[tb->n++] = sweep_xcalloc(tb->ncol, sizeof(char *));
}

char *sweep_metric_text(const qts_summary *s, int i)
{
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		qts_die(QTS_EXIT_FAIL, "out of memory");
	qts_report_value(f, s, i, 0);
	fclose(f);
	return buf;
}

size_t sweep_column(const table *tb, const char *name)
{
	for (size_t i = 0; i < tb->ncol; i++)
		if (strcmp(tb->col[i], name) == 0)
			return i;
	return (size_t)-1;
}

double sweep_cell(const char *s)
{
	double v;
	if (!s || !*s || qts_num_parse(s, strlen(s), &v) < 0)
		return NAN;
	return v;
}

static int g_desc;
static size_t g_idcol;

static int cmp_rows(const void *a, const void *b, const table *tb)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	double x = tb->key[i], y = tb->key[j];
	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1;
	if (!isnan(x) && x != y)
		return (x > y) == g_desc ? -1 : 1;
	double ia = sweep_cell(tb->row[i][g_idcol]), ib = sweep_cell(tb->row[j][g_idcol]);
	return ia < ib ? -1 : ia > ib;
}

static const table *g_tb;
static int cmp_index(const void *a, const void *b) { return cmp_rows(a, b, g_tb); }

/* Rank tb by metric: the rows in their new order. */
void sweep_table_sort(table *tb, const char *metric)
{
	size_t kc = sweep_column(tb, metric);
	tb->key = sweep_xrealloc(tb->key, (tb->n ? tb->n : 1) * sizeof *tb->key);
	for (size_t i = 0; i < tb->n; i++)
		tb->key[i] = sweep_cell(tb->row[i][kc]);
	size_t *ix = sweep_xcalloc(tb->n, sizeof *ix);
	for (size_t i = 0; i < tb->n; i++)
		ix[i] = i;
	g_desc = !sweep_ascending(metric);
	g_idcol = 0;
	g_tb = tb;
	qsort(ix, tb->n, sizeof *ix, cmp_index);
	char ***rows = sweep_xcalloc(tb->n, sizeof *rows);
	double *keys = sweep_xcalloc(tb->n, sizeof *keys);
	for (size_t i = 0; i < tb->n; i++)
		rows[i] = tb->row[ix[i]], keys[i] = tb->key[ix[i]];
	free(tb->row);
	free(tb->key);
	free(ix);
	tb->row = rows;
	tb->key = keys;
	tb->cap = tb->n;
}

static void json_cell(FILE *f, const char *s, int kind)
{
	double v;
	if (kind == K_PARAM) {
		if (qts_num_parse(s, strlen(s), &v) == 0 && isfinite(v))
			fputs(s, f);
		else
			qts_json_str(f, s);
	} else if (!*s) {
		fputs("null", f);
	} else if (kind == K_DATE) {
		qts_json_str(f, s);
	} else {
		fputs(s, f);
	}
}

void sweep_table_write(FILE *f, const table *tb, size_t top, int json)
{
	size_t n = top && top < tb->n ? top : tb->n;
	if (json) {
		fputc('[', f);
		for (size_t r = 0; r < n; r++) {
			fputs(r ? ",\n  {" : "\n  {", f);
			for (size_t c = 0; c < tb->ncol; c++) {
				fputs(c ? ", " : "", f);
				qts_json_str(f, tb->col[c]);
				fputs(": ", f);
				json_cell(f, tb->row[r][c], tb->kind[c]);
			}
			fputc('}', f);
		}
		fputs(n ? "\n]\n" : "]\n", f);
		return;
	}
	for (size_t c = 0; c < tb->ncol; c++) {
		fputs(c ? "," : "", f);
		qts_csv_field(f, tb->col[c]);
	}
	fputc('\n', f);
	for (size_t r = 0; r < n; r++) {
		for (size_t c = 0; c < tb->ncol; c++) {
			fputs(c ? "," : "", f);
			qts_csv_field(f, tb->row[r][c]);
		}
		fputc('\n', f);
	}
}

/* ---- reading a shard's table (--merge) ----------------------------------- */

int sweep_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The fields of one CSV line (RFC 4180; no line breaks inside fields). */
static size_t csv_split(char *line, char ***out)
{
	size_t n = 0, cap = 0;
	char **f = NULL;
	char *p = line;
	for (;;) {
		if (n == cap)
			f = sweep_xrealloc(f, (cap = cap ? 2 * cap : 64) * sizeof *f);
		char *w = p, *start = p;
		if (*p == '"') {
			for (p++;; p++) {
				if (*p == '"' && p[1] == '"')
					*w++ = '"', p++;
				else if (*p == '"' || !*p)
					break;
				else
					*w++ = *p;
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',')
				*w++ = *p++;
		}
		char end = *p;
		*w = '\0';
		f[n++] = start;
		if (end != ',')
			break;
		p++;
	}
	*out = f;
	return n;
}

void sweep_merge_read(table *tb, char **files, size_t nfiles)
{
	for (size_t k = 0; k < nfiles; k++) {
		FILE *f = strcmp(files[k], "-") ? fopen(files[k], "r") : stdin;
		if (!f)
			qts_die(QTS_EXIT_FAIL, "%s: %s", files[k], strerror(errno));
		char *line = NULL;
		size_t cap = 0;
		ssize_t len;
		long lineno = 0;
		while ((len = getline(&line, &cap, f)) > 0) {
			lineno++;
			while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = '\0';
			char *copy = sweep_xstrdup(line);
			char **fld;
			size_t nf = csv_split(copy, &fld);
			if (lineno == 1) {
				if (!tb->col) {
					size_t start = 1;
					while (start < nf && strcmp(fld[start], "start"))
						start++;
					if (nf < 2 || strcmp(fld[0], "id") || nf - start != QTS_NMETRICS ||
					    sweep_metric_index(fld[nf - 1]) != QTS_NMETRICS - 1)
						qts_die(QTS_EXIT_FAIL, "%s:1: not a table of qts sweep (id, the "
							"parameters, the metrics)", files[k]);
					sweep_table_columns(tb, start - 1, fld + 1);
				} else {
					int same = nf == tb->ncol;
					for (size_t c = 0; same && c < nf; c++)
						same = strcmp(fld[c], tb->col[c]) == 0;
					if (!same)
						qts_die(QTS_EXIT_FAIL, "%s:1: its columns are not those of %s", files[k],
							files[0]);
				}
				free(fld);
				free(copy);
				continue;
			}
			if (nf != tb->ncol)
				qts_die(QTS_EXIT_FAIL, "%s:%ld: %zu fields, where the header has %zu", files[k], lineno,
					nf, tb->ncol);
			double id = sweep_cell(fld[0]);
			if (!(id >= 1) || id != floor(id))
				qts_die(QTS_EXIT_FAIL, "%s:%ld: id '%s' is not a combination's number", files[k],
					lineno, fld[0]);
			/* a figure that is no number (or no date) would be ranked
			 * as missing: the table was damaged, not its run */
			for (size_t c = 1; c < nf; c++) {
				double v;
				int64_t t;
				size_t n = strlen(fld[c]);
				if (!n || (tb->kind[c] == K_NUM && qts_num_parse(fld[c], n, &v) == 0 && !isinf(v)) ||
				    (tb->kind[c] == K_DATE && qts_time_parse(fld[c], n, &t) == 0) || tb->kind[c] == K_PARAM)
					continue;
				qts_die(QTS_EXIT_FAIL, "%s:%ld: %s '%s' is not a %s", files[k], lineno, tb->col[c], fld[c],
					tb->kind[c] == K_DATE ? "date" : "number");
			}
			char **row = sweep_table_add(tb);
			for (size_t c = 0; c < nf; c++)
				row[c] = sweep_xstrdup(fld[c]);
			free(fld);
			free(copy);
		}
		if (ferror(f))
			qts_die(QTS_EXIT_FAIL, "%s: %s", files[k], strerror(errno));
		if (lineno == 0)
			qts_die(QTS_EXIT_FAIL, "%s: empty: not a table of qts sweep", files[k]);
		free(line);
		if (f != stdin)
			fclose(f);
	}
	/* a combination twice: shards that overlap */
	uint64_t *ids = sweep_xcalloc(tb->n, sizeof *ids);
	for (size_t i = 0; i < tb->n; i++)
		ids[i] = (uint64_t)sweep_cell(tb->row[i][0]);
	qsort(ids, tb->n, sizeof *ids, sweep_cmp_u64);
	for (size_t i = 1; i < tb->n; i++)
		if (ids[i] == ids[i - 1])
			qts_die(QTS_EXIT_FAIL, "id %llu is in more than one table: shards of different "
				"runs, or one table given twice", (unsigned long long)ids[i]);
	free(ids);
}


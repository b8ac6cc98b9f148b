/* strat_print_table.c — the CSV table of qts-strategy --print.  Rows are built
 * in place in one block and written 64 KiB at a time: a stream of fputs
 * calls costs more than the numbers.  Bars of several symbols share a
 * time, so the last time written is kept formatted. */
#include "qts_table.h"

#include <stdlib.h>
#include <string.h>

#define BLOCK 65536

struct qts_table {
	FILE *f;
	size_t ncol;
	char *row;    /* BLOCK bytes, and room for one more row past it */
	size_t len;
	char *head;   /* the header line, until written with the first rows */
	size_t headlen;
	int64_t ts;   /* the time in tsbuf, when tslen > 0 */
	size_t tslen;
	char tsbuf[48];
};

/* s[0..n) as a CSV field, quoted when it must be, at p; returns the end. */
static char *put_field(char *p, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] != ',' && s[i] != '"' && s[i] != '\n' && s[i] != '\r')
		i++;
	if (i == n) {
		memcpy(p, s, n);
		return p + n;
	}
	*p++ = '"';
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			*p++ = '"';
		*p++ = s[i];
	}
	*p++ = '"';
	return p;
}

qts_table *qts_table_new(FILE *f, size_t ncol)
{
	qts_table *t = calloc(1, sizeof *t);
	/* a number takes at most 33 bytes, a quoted symbol twice its length
	 * and two quotes */
	if (!t || !(t->row = malloc(BLOCK + (ncol + 1) * 40 + sizeof t->tsbuf + 2 * QTS_SYM_MAX + 2))) {
		free(t);
		return NULL;
	}
	t->f = f;
	t->ncol = ncol;
	return t;
}

/* The header goes out with the first rows (qts_table_flush), not now:
 * a stage refused after it is built (qts pipe) has written nothing. */
int qts_table_header(qts_table *t, const char *const *names)
{
	size_t cap = sizeof "ts,symbol\n";
	for (size_t i = 0; i < t->ncol; i++)
		cap += 2 * strlen(names[i]) + 3;
	char *p = t->head = malloc(cap);
	if (!p)
		return -1;
	memcpy(p, "ts,symbol", 9);
	p += 9;
	for (size_t i = 0; i < t->ncol; i++) {
		*p++ = ',';
		p = put_field(p, names[i], strlen(names[i]));
	}
	*p++ = '\n';
	t->headlen = (size_t)(p - t->head);
	return 0;
}

int qts_table_flush(qts_table *t)
{
	if (t->head) {
		size_t n = t->headlen;
		char *head = t->head;
		t->head = NULL;
		int bad = fwrite(head, 1, n, t->f) != n;
		free(head);
		if (bad)
			return -1;
	}
	size_t n = t->len;
	t->len = 0;
	return n && fwrite(t->row, 1, n, t->f) != n ? -1 : 0;
}

int qts_table_row(qts_table *t, int64_t ts, const char *symbol, const double *values)
{
	char *p = t->row + t->len;
	if (ts != t->ts || !t->tslen) {
		t->ts = ts;
		t->tslen = (size_t)qts_time_format(ts, t->tsbuf);
	}
	memcpy(p, t->tsbuf, t->tslen);
	p += t->tslen;
	*p++ = ',';
	p = put_field(p, symbol, strnlen(symbol, QTS_SYM_MAX - 1));
	for (size_t i = 0; i < t->ncol; i++) {
		*p++ = ',';
		/* + 0.0: a zero computed as a negative product (-0 * close,
		 * a short position's zero size) is written 0, as events are */
		p += qts_num_format(values[i] + 0.0, p);
	}
	*p++ = '\n';
	t->len = (size_t)(p - t->row);
	return t->len >= BLOCK ? qts_table_flush(t) : 0;
}

void qts_table_free(qts_table *t)
{
	if (!t)
		return;
	free(t->head);
	free(t->row);
	free(t);
}

/* qts_table.h — a CSV table of numbers by time and symbol, the output of
 * qts-strategy --print: a header `ts,symbol,NAME...`, then one row a bar
 * with the time in RFC 3339 and each number in its shortest form (empty
 * for NaN).  Rows are built in a large block and written a block at a
 * time. */
#ifndef QTS_TABLE_H
#define QTS_TABLE_H
#include "qts.h"

typedef struct qts_table qts_table;

/* A table of ncol numbers a row written to f; NULL when out of memory.
 * Nothing is written yet. */
qts_table *qts_table_new(FILE *f, size_t ncol);
/* The header line, with names[0..ncol) quoted as CSV needs: written
 * with the first rows (qts_table_flush), so that a table refused before
 * it starts writes nothing.  0, or -1 when out of memory. */
int qts_table_header(qts_table *t, const char *const *names);
/* One row: a symbol (at most QTS_SYM_MAX - 1 bytes used) and ncol
 * numbers.  0, or -1 when writing a full block failed. */
int qts_table_row(qts_table *t, int64_t ts, const char *symbol, const double *values);
/* Write the header, if not yet, and the rows built so far (not flushing
 * f): 0 or -1. */
int qts_table_flush(qts_table *t);
/* Free the table (without flushing). */
void qts_table_free(qts_table *t);

#endif

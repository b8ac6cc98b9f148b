/* sweep_priv.h — what the files of `qts sweep` share (sweep.c runs the
 * combinations, sweep_table.c holds, ranks, writes and merges tables). */
#ifndef SWEEP_PRIV_H
#define SWEEP_PRIV_H

#include "qts_metrics.h"
#include "qts_sweep.h"

enum { ASC_METRICS = 5 };
extern const char *const sweep_ascending_metrics[ASC_METRICS];

/* A table, the sweep's or a shard's: text cells, one column of keys. */
enum { K_NUM, K_PARAM, K_DATE, K_INT };
typedef struct table {
	char **col;
	int *kind;
	size_t ncol, nparam; /* the params: columns 1..nparam */
	char ***row;
	double *key;
	size_t n, cap;
} table;


/* Memory or exit 1. */
void *sweep_xcalloc(size_t n, size_t size);
void *sweep_xrealloc(void *p, size_t size);
char *sweep_xstrdup(const char *s);
/* The index of a metric of qts-report by its name, or -1. */
int sweep_metric_index(const char *name);
/* Whether a metric ranks ascending (smaller is better). */
int sweep_ascending(const char *metric);
int sweep_cmp_u64(const void *a, const void *b);

/* Columns: id, the np parameters, every metric. */
void sweep_table_columns(table *tb, size_t np, char **pnames);
void sweep_table_free(table *tb);
/* A new row of empty cells, to fill. */
char **sweep_table_add(table *tb);
/* Metric i of s as qts-report --csv writes it. */
char *sweep_metric_text(const qts_summary *s, int i);
/* The column named name, or (size_t)-1. */
size_t sweep_column(const table *tb, const char *name);
/* A cell's number, NaN when empty or not one. */
double sweep_cell(const char *s);
/* Rank the rows by metric (keys in tb->key), ties by id. */
void sweep_table_sort(table *tb, const char *metric);
/* The header and the first top rows (all for 0), as CSV or JSON. */
void sweep_table_write(FILE *f, const table *tb, size_t top, int json);
/* The tables of shards, read into tb; exits 1 naming what does not fit. */
void sweep_merge_read(table *tb, char **files, size_t nfiles);

#endif

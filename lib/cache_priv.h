/* cache_priv.h — the entries of qts-fetch's cache on disk (fetch_cache.c),
 * for the history that reads and extends them (fetch_history.c).
 *
 * An entry is one file, DIR/SOURCE/SYMBOL.TF[.adj][.FEED].qtc: a header of
 * fixed size (the key, the span covered, when it was fetched, the count
 * of bars), the bars as one zstd frame with its checksum, then the
 * corporate actions met, as text lines.  It is written to a temporary in
 * the same directory, synced and renamed over the old one, so that a
 * reader sees the old entry or the new one, never half of one. */
#ifndef QTS_CACHE_PRIV_H
#define QTS_CACHE_PRIV_H

#include "qts_net.h"

#include <limits.h>

#define QTS_CACHE_SYM_MAX 64

typedef struct qts_cache_key {
	char source[QTS_NAME_MAX];
	char symbol[QTS_CACHE_SYM_MAX];
	char tf[QTS_WORD_MAX];   /* canonical: "1d", "5m" */
	int adjust;
	char feed[QTS_WORD_MAX]; /* the value of the kind's key_env ("sip"), or "" */
} qts_cache_key;

/* A bar without its symbol and tf, which are the entry's. */
typedef struct qts_cache_rec {
	int64_t ts;
	double open, high, low, close, volume;
} qts_cache_rec;

typedef struct qts_cache_head {
	int64_t from, to;        /* the span covered: [from, to); INT64_MIN: from the start */
	int64_t fetched;         /* when its oldest part was fetched */
	uint64_t bars;
	uint64_t body_len, actions_len;
	char evsym[QTS_SYM_MAX]; /* the symbol and tf of its bars as the source wrote them */
	char evtf[QTS_WORD_MAX];
	long long size;          /* of the file (read only) */
} qts_cache_head;

/* The directory of the cache into dir: --cache-dir, $XDG_CACHE_HOME/qts,
 * ~/.cache/qts.  -1 with err when none can be named. */
int qts_cache_dir(const qts_cache_opts *co, char *dir, size_t n, char *err);
/* The key of a request to source k; -1 when it cannot be cached (a
 * symbol or a feed too long). */
int qts_cache_key_of(const qts_feed_kind *k, const qts_feed_request *rq, qts_cache_key *key);
/* The entry's path; -1 when too long. */
int qts_cache_path(const char *dir, const qts_cache_key *key, char *path, size_t n);

typedef struct qts_cache_reader qts_cache_reader;
/* Open the entry at path and check all of it (size, checksum, count and
 * order of its bars) before a bar is served: 1 with *r, *h and *actions
 * (malloc'd) filled; 0 when there is none; -1 with err when it is
 * unreadable or corrupt. */
int qts_cache_open(const char *path, const qts_cache_key *key, qts_cache_head *h, char **actions,
		   qts_cache_reader **r, char *err);
/* Up to max bars into out: how many, 0 at the end, -1 with err. */
long qts_cache_read(qts_cache_reader *r, qts_cache_rec *out, size_t max, char *err);
void qts_cache_reader_close(qts_cache_reader *r);

typedef struct qts_cache_writer qts_cache_writer;
/* A new entry for path, in a temporary beside it (the directories made
 * as needed).  NULL with err. */
qts_cache_writer *qts_cache_create(const char *path, const qts_cache_key *key, char *err);
int qts_cache_put(qts_cache_writer *w, const qts_cache_rec *r, size_t n, char *err);
/* Finish the entry with h (bars counted here) and actions, sync it and
 * rename it into place; w is freed either way.  0, or -1 with err (the
 * temporary removed). */
int qts_cache_commit(qts_cache_writer *w, qts_cache_head *h, const char *actions, char *err);
/* Drop the entry being written: the temporary removed. */
void qts_cache_abort(qts_cache_writer *w);

#endif

/* fetch_history.c — one symbol's history from a network source: what the
 * cache on disk holds, and the spans it lacks (before it, after it)
 * fetched chunk by chunk through the source's iterator, narrowed to
 * them, then written back as one entry (fetch_cache.c).
 *
 * A history is produced once per process and key: a request named again
 * (the same symbol twice, a retry) reads the same records, from memory,
 * while they fit in a budget; past it, the records every reader has
 * passed are let go, so a long intraday history is held once, a chunk at
 * a time, never whole.  A source is pulled only when a reader needs more. */
#include "cache_priv.h"
#include "qts_loop.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What the histories of a process may keep in memory, in records. */
enum { MEMORY_RECS = (64 << 20) / sizeof(qts_cache_rec), READ_BATCH = 256 };

enum { SEG_BEFORE, SEG_CACHED, SEG_AFTER, SEG_DONE };

typedef struct producer {
	const qts_feed_kind *k;
	qts_net *net;
	qts_feed_request rq;     /* rq.symbol points into the memo's key */
	int seg;                 /* the segment being read */
	int64_t seg_from[3], seg_to[3];
	int64_t seg_start[3];    /* seg_from as planned, before any bar */
	int seg_on[3];
	char none[QTS_ERR_MAX];  /* a segment the source had no bar for: its words */
	void *it;                /* the source's iterator for the segment */
	int it_more;
	int it_took;             /* the iterator has answered a bar, */
	int64_t it_last;         /* and this was the time of the last */
	qts_evbuf chunk;
	qts_cache_reader *disk;
	qts_cache_rec buf[READ_BATCH];
	qts_cache_writer *w;     /* the entry being written, or NULL */
	char path[PATH_MAX];
	qts_cache_head head;     /* of the entry being written */
} producer;

typedef struct memo memo;
struct memo {
	memo *next;              /* in the table */
	qts_cache_key key;
	int64_t from, to;        /* the span its records cover */
	int have_tmpl;
	char evsym[QTS_SYM_MAX], evtf[QTS_WORD_MAX];
	qts_cache_rec *rec;      /* records [base, base + len) */
	size_t base, len, cap;
	int whole;               /* rec holds every record from the first: new readers may come */
	int done, failed;
	char err[QTS_ERR_MAX];
	char *actions;           /* corporate action lines, each once */
	size_t actions_len;
	qts_history *readers;
	producer *p;             /* NULL when done */
};

struct qts_history {
	memo *m;
	qts_net *net;            /* the one its opener gave */
	qts_history *next;       /* the memo's next reader */
	size_t at;               /* the next record, counted from the memo's first */
	int64_t from, to;
	char *actions;           /* qts_history_actions's answer */
};

static memo *table;
static size_t table_recs;        /* records the whole memos hold */

/* The first time whose bars may not be final at now: a bar is final once
 * its interval has ended (a daily bar, its day), so one that started less
 * than a bar's length before now may still change.  Rounded down to a
 * second, for lists that read well. */
static int64_t final_cut(qts_tf tf, int64_t now)
{
	int64_t len = tf.n ? qts_tf_ns(tf) : QTS_NS_PER_DAY;
	if (!len) /* months */
		len = (int64_t)tf.n * 31 * QTS_NS_PER_DAY;
	if (now < INT64_MIN + len)
		return INT64_MIN;
	return qts_floor_div(now - len + 1, QTS_NS_PER_SEC) * QTS_NS_PER_SEC;
}

static void span_text(int64_t from, int64_t to, char *buf, size_t n)
{
	char a[48] = "the start", b[48] = "now";
	if (from != INT64_MIN)
		qts_time_format(from, a);
	if (to != INT64_MAX)
		qts_time_format(to, b);
	snprintf(buf, n, "from %s to %s", a, b);
}

/* ---- actions ------------------------------------------------------------- */

/* Add the lines of text not yet known (a source repeats those it met). */
static int add_actions(memo *m, const char *text)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		int known = 0;
		for (const char *p = m->actions; p && *p && !known; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] != 0))
			known = strcspn(p, "\n") == n && !memcmp(p, text, n);
		if (n && !known) {
			char *a = realloc(m->actions, m->actions_len + n + 2);
			if (!a)
				return -1;
			memcpy(a + m->actions_len, text, n);
			m->actions_len += n;
			a[m->actions_len++] = '\n';
			a[m->actions_len] = '\0';
			m->actions = a;
		}
		text += n + (text[n] != 0);
	}
	return 0;
}

/* ---- memos ------------------------------------------------------------- */

static void producer_free(producer *p)
{
	if (!p)
		return;
	if (p->it)
		p->k->close(p->it);
	qts_evbuf_free(&p->chunk);
	qts_cache_reader_close(p->disk);
	qts_cache_abort(p->w);
	free(p);
}

static void unlink_memo(memo *m)
{
	for (memo **pp = &table; *pp; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			if (m->whole)
				table_recs -= m->len;
			return;
		}
}

static void memo_free(memo *m)
{
	unlink_memo(m);
	producer_free(m->p);
	free(m->rec);
	free(m->actions);
	free(m);
}

/* Make room for n more records of whole memos: drop the finished ones
 * nobody reads, oldest first.  0, or -1 when they would not fit. */
static int make_room(size_t n, const memo *keep)
{
	while (table_recs + n > MEMORY_RECS) {
		memo *victim = NULL;
		for (memo *m = table; m; m = m->next)
			if (m != keep && m->done && !m->readers)
				victim = m; /* the table is newest first */
		if (!victim)
			return -1;
		memo_free(victim);
	}
	return 0;
}

/* The memo no longer keeps every record: no reader may join it. */
static void let_go(memo *m)
{
	if (!m->whole)
		return;
	unlink_memo(m);
	m->whole = 0;
}

/* Drop the records every reader has passed, once the memo is not whole. */
static void trim(memo *m)
{
	if (m->whole || !m->len)
		return;
	size_t low = m->base + m->len;
	for (qts_history *h = m->readers; h; h = h->next)
		if (h->at < low)
			low = h->at;
	size_t drop = low - m->base;
	if (drop < READ_BATCH && drop < m->len)
		return;
	memmove(m->rec, m->rec + drop, (m->len - drop) * sizeof *m->rec);
	m->len -= drop;
	m->base += drop;
}

static int push(memo *m, const qts_cache_rec *r)
{
	if (m->whole && make_room(1, m) < 0)
		let_go(m);
	trim(m);
	if (m->len == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 256;
		qts_cache_rec *n = realloc(m->rec, cap * sizeof *n);
		if (!n)
			return -1;
		m->rec = n;
		m->cap = cap;
	}
	m->rec[m->len++] = *r;
	if (m->whole)
		table_recs++;
	return 0;
}

/* ---- producing ------------------------------------------------------------ */

static void stop_writing(producer *p, const char *why)
{
	qts_warn("cache: %s; %s not cached", why, p->path);
	qts_cache_abort(p->w);
	p->w = NULL;
}

/* A record met in a segment: into the entry being written when within
 * its span, and to the readers when within the memo's. */
static int take(memo *m, const qts_cache_rec *r, char *err)
{
	producer *p = m->p;
	char why[QTS_ERR_MAX];
	if (p->w && r->ts >= p->head.from && r->ts < p->head.to && qts_cache_put(p->w, r, 1, why) < 0)
		stop_writing(p, why);
	if (r->ts >= m->from && r->ts < m->to && push(m, r) < 0) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -1;
	}
	return 0;
}

/* Close the source's iterator, keeping the actions it met: 0, or -1
 * when out of memory. */
static int close_it(memo *m)
{
	producer *p = m->p;
	int r = p->k->actions ? add_actions(m, p->k->actions(p->it)) : 0;
	p->k->close(p->it);
	p->it = NULL;
	return r;
}

/* A bar at ts, answered after the one at p->it_last: -1 with err. */
static int out_of_order(const producer *p, int64_t ts, char *err)
{
	char at[40], before[40];
	qts_time_format(ts, at);
	qts_time_format(p->it_last, before);
	if (ts == p->it_last)
		snprintf(err, QTS_ERR_MAX, "%s:%s: the answer repeats the bar at %s", p->k->name, p->rq.symbol, at);
	else
		snprintf(err, QTS_ERR_MAX, "%s:%s: the answer goes back in time: a bar at %s after one at %s",
			 p->k->name, p->rq.symbol, at, before);
	return -1;
}

/* The source's history limit cut segment s to start at e: the entry
 * written claims no span the source did not give.  A segment before the
 * cached entry starts the entry later; one after it would leave a hole
 * in the entry's span, which is one unbroken span: not written. */
static void limit(producer *p, int s, int64_t e)
{
	if (!p->w || e <= p->seg_start[s])
		return;
	if (s != SEG_BEFORE) {
		stop_writing(p, "the vendor's history limit leaves a gap after the entry");
		return;
	}
	if (e > p->seg_to[s])
		e = p->seg_to[s];
	if (e > p->head.from)
		p->head.from = e;
	if (p->head.from >= p->head.to) {
		qts_cache_abort(p->w);
		p->w = NULL;
	}
}

/* The next piece of the segment being read; 0, or -1 with err. */
static int produce_net(memo *m, char *err)
{
	producer *p = m->p;
	int s = p->seg;
	if (!p->it) {
		qts_feed_request rq = p->rq;
		rq.from = p->seg_from[s];
		rq.to = p->seg_to[s];
		if (!(p->it = p->k->open(p->net, qts_feed_base_url(p->k), &rq, err)))
			return -1;
		p->it_more = 1;
		p->it_took = 0;
	}
	qts_evbuf_clear(&p->chunk);
	int r = p->k->next(p->it, &p->chunk, err);
	if (r == QTS_FEED_NONE) {
		/* No bar in this segment: a failure only if the request has
		 * none at all (finish), as it would be asked whole. */
		if (!p->none[0])
			snprintf(p->none, sizeof p->none, "%s", err);
		r = 0;
	} else if (r < 0)
		return -1;
	if (p->k->earliest)
		limit(p, s, p->k->earliest(p->it));
	p->it_more = r;
	for (size_t i = 0; i < p->chunk.n; i++) {
		const qts_event *e = &p->chunk.ev[i];
		if (e->type != QTS_BAR)
			continue;
		/* A source answers in time order.  A bar that goes back, or
		 * repeats the one before it, is the source's error, said:
		 * skipped below as if before the span, it would be a bar lost
		 * unseen.  That holds across chunks too: a page that opens
		 * with the last bar of the one before, at other prices, is two
		 * bars for one time.  (Yahoo's requests that meet share their
		 * edge bar, which feed_yahoo.c gives once.) */
		if (p->it_took && e->ts <= p->it_last)
			return out_of_order(p, e->ts, err);
		p->it_took = 1;
		p->it_last = e->ts;
		/* Narrowed, a source may still answer with whole days or pages. */
		if (e->ts < p->seg_from[s] || e->ts >= p->seg_to[s])
			continue;
		if (!m->have_tmpl) {
			QTS_SET(m->evsym, e->symbol);
			QTS_SET(m->evtf, e->bar.tf);
			m->have_tmpl = 1;
		}
		qts_cache_rec rec = { e->ts, e->bar.open, e->bar.high, e->bar.low, e->bar.close, e->bar.volume };
		if (take(m, &rec, err) < 0)
			return -1;
		/* Where the segment would resume with a new iterator. */
		if (e->ts < p->seg_to[s])
			p->seg_from[s] = e->ts + 1;
	}
	if (!p->it_more) {
		if (close_it(m) < 0) {
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return -1;
		}
		p->seg++;
	}
	return 0;
}

static int produce_disk(memo *m, char *err)
{
	producer *p = m->p;
	char why[QTS_ERR_MAX];
	long n = qts_cache_read(p->disk, p->buf, READ_BATCH, why);
	if (n < 0) { /* read whole once already: the file changed under us */
		snprintf(err, QTS_ERR_MAX, "cache: %.480s", why);
		return -1;
	}
	for (long i = 0; i < n; i++)
		if (take(m, &p->buf[i], err) < 0)
			return -1;
	if (!n) {
		qts_cache_reader_close(p->disk);
		p->disk = NULL;
		p->seg++;
	}
	return 0;
}

/* All segments read: 0, or -1 with m->err when a source said it had no
 * bar and neither had the rest of the request, or when the request has
 * none and the source says so of every such request (a weekend cached:
 * Stooq asked would answer "No data"). */
static int finish(memo *m)
{
	producer *p = m->p;
	char err[QTS_ERR_MAX];
	if (p->none[0] && m->base + m->len == 0) {
		snprintf(m->err, sizeof m->err, "%s", p->none);
		return -1;
	}
	if (p->k->no_bars && m->base + m->len == 0) {
		snprintf(m->err, sizeof m->err, "%s:%s: %s", p->k->name, p->rq.symbol, p->k->no_bars);
		return -1;
	}
	if (p->w) {
		QTS_SET(p->head.evsym, m->evsym);
		QTS_SET(p->head.evtf, m->evtf);
		qts_cache_writer *w = p->w;
		p->w = NULL;
		if (qts_cache_commit(w, &p->head, m->actions, err) < 0)
			qts_warn("cache: %s; %s not cached", err, p->path);
	}
	producer_free(p);
	m->p = NULL;
	m->done = 1;
	return 0;
}

/* Read on until the memo has a record more, or is done: 0, or -1 (the
 * memo failed, m->err says why). */
static int produce(memo *m)
{
	size_t had = m->base + m->len;
	while (!m->done && m->base + m->len == had) {
		producer *p = m->p;
		while (p->seg < SEG_DONE && !p->seg_on[p->seg])
			p->seg++;
		int r = p->seg == SEG_DONE ? finish(m)
		      : p->seg == SEG_CACHED ? produce_disk(m, m->err) : produce_net(m, m->err);
		if (r < 0) {
			m->failed = 1;
			let_go(m);
			producer_free(m->p);
			m->p = NULL;
			return -1;
		}
	}
	return 0;
}

/* ---- planning ----------------------------------------------------------- */

/* Read the entry of the memo's key, and plan the segments: the cached
 * entry, and the spans before and after it that the request lacks (the
 * whole request when there is no entry to extend).  -1 with err when
 * offline and the cache lacks some of it. */
static int plan(memo *m, const qts_cache_opts *co, char *err)
{
	producer *p = m->p;
	int64_t F = m->from, T = m->to, now = co->now ? co->now : qts_wall_now();
	char dir[PATH_MAX], why[QTS_ERR_MAX], span[128], *actions = NULL;
	qts_cache_head old = { 0 };
	int have = 0, cached = !co->off && m->key.symbol[0] &&
				qts_cache_dir(co, dir, sizeof dir, why) == 0 &&
				qts_cache_path(dir, &m->key, p->path, sizeof p->path) == 0;
	if (cached) {
		int r = qts_cache_open(p->path, &m->key, &old, &actions, &p->disk, why);
		if (r < 0)
			qts_warn("cache: %s; %s", why, co->offline ? "taken as missing" : "fetching it again");
		have = r > 0;
		/* Too old, or apart from the request (an entry is one unbroken
		 * span): fetched anew, and the entry replaced.  Offline, an old
		 * entry is better than none. */
		if (have && ((co->max_age && old.fetched < now - co->max_age && !co->offline) || old.from > T || F > old.to)) {
			have = 0;
			qts_cache_reader_close(p->disk);
			p->disk = NULL;
		}
	} else if (co->offline) {
		snprintf(err, QTS_ERR_MAX, "offline: %s:%s cannot be cached (%.300s)", m->key.source, m->key.symbol,
			 co->off ? "--no-cache" : m->key.symbol[0] ? why : "its name is too long");
		return -1;
	}
	if (have) {
		p->seg_on[SEG_BEFORE] = F < old.from;
		p->seg_from[SEG_BEFORE] = F;
		p->seg_to[SEG_BEFORE] = old.from;
		p->seg_on[SEG_CACHED] = 1;
		/* Offline, the open end of a request is what the entry holds. */
		p->seg_on[SEG_AFTER] = T > old.to && !(co->offline && T == INT64_MAX);
		p->seg_from[SEG_AFTER] = old.to;
		p->seg_to[SEG_AFTER] = T;
		if (old.bars) {
			QTS_SET(m->evsym, old.evsym);
			QTS_SET(m->evtf, old.evtf);
			m->have_tmpl = 1;
		}
		if (add_actions(m, actions) < 0) {
			free(actions);
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return -1;
		}
	} else {
		p->seg_on[SEG_BEFORE] = 1;
		p->seg_from[SEG_BEFORE] = F;
		p->seg_to[SEG_BEFORE] = T;
	}
	free(actions);
	for (int s = 0; s < 3; s++)
		p->seg_start[s] = p->seg_from[s];
	if (co->offline && (p->seg_on[SEG_BEFORE] || p->seg_on[SEG_AFTER])) {
		int s = p->seg_on[SEG_BEFORE] ? SEG_BEFORE : SEG_AFTER;
		span_text(p->seg_from[s], p->seg_to[s], span, sizeof span);
		snprintf(err, QTS_ERR_MAX, "offline: the cache lacks %s:%s %s %s", m->key.source, m->key.symbol,
			 m->key.tf, span);
		return -1;
	}
	if (!cached || co->offline || !(p->seg_on[SEG_BEFORE] || p->seg_on[SEG_AFTER]))
		return 0;
	/* The entry written: the old span and what is fetched, up to the
	 * bars not yet final. */
	int64_t cut = final_cut(p->rq.tf, now);
	p->head = (qts_cache_head){ .from = have && old.from < F ? old.from : F,
				    .to = T < cut ? T : cut, .fetched = have ? old.fetched : now };
	if (have && old.to > p->head.to)
		p->head.to = old.to;
	if (p->head.to <= p->head.from)
		return 0;
	if (!(p->w = qts_cache_create(p->path, &m->key, why)))
		qts_warn("cache: %s; %s not cached", why, p->path);
	return 0;
}

/* ---- the interface -------------------------------------------------------- */

static memo *find_memo(const qts_cache_key *key, const qts_feed_request *rq)
{
	for (memo *m = table; m; m = m->next)
		if (m->whole && !m->failed && !strcmp(m->key.source, key->source) &&
		    !strcmp(m->key.symbol, key->symbol) && !strcmp(m->key.tf, key->tf) && m->key.adjust == key->adjust &&
		    !strcmp(m->key.feed, key->feed) &&
		    m->from <= rq->from && rq->to <= m->to)
			return m;
	return NULL;
}

qts_history *qts_history_open(const qts_feed_kind *k, qts_net *net, const qts_feed_request *rq,
			      const qts_cache_opts *co, char *err)
{
	static const qts_cache_opts none = { .off = 1 };
	co = co ? co : &none;
	qts_history *h = calloc(1, sizeof *h);
	if (!h) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	h->from = rq->from;
	h->to = rq->to;
	qts_cache_key key;
	int keyed = qts_cache_key_of(k, rq, &key) == 0;
	memo *m = keyed ? find_memo(&key, rq) : NULL;
	if (!m) {
		if (!(m = calloc(1, sizeof *m)) || !(m->p = calloc(1, sizeof *m->p))) {
			free(m);
			free(h);
			snprintf(err, QTS_ERR_MAX, "out of memory");
			return NULL;
		}
		if (keyed)
			m->key = key;
		m->from = rq->from;
		m->to = rq->to;
		m->p->k = k;
		m->p->net = net;
		m->p->rq = *rq;
		if (plan(m, co, err) < 0) {
			memo_free(m);
			free(h);
			return NULL;
		}
		/* Kept for requests made again, when it can be named. */
		if (keyed) {
			m->whole = 1;
			m->next = table;
			table = m;
		}
	}
	/* The source's symbol outlives the caller's request: the memo's. */
	if (keyed && m->p)
		m->p->rq.symbol = m->key.symbol;
	h->m = m;
	h->net = net;
	h->at = m->whole ? 0 : m->base;
	h->next = m->readers;
	m->readers = h;
	return h;
}

int qts_history_next(qts_history *h, qts_event *ev, char *err)
{
	memo *m = h->m;
	for (;;) {
		if (h->at < m->base + m->len) {
			const qts_cache_rec *r = &m->rec[h->at++ - m->base];
			if (r->ts < h->from || r->ts >= h->to)
				continue;
			qts_event_init(ev, QTS_BAR, r->ts);
			QTS_SET(ev->symbol, m->evsym);
			QTS_SET(ev->bar.tf, m->evtf);
			ev->bar.open = r->open;
			ev->bar.high = r->high;
			ev->bar.low = r->low;
			ev->bar.close = r->close;
			ev->bar.volume = r->volume;
			return 1;
		}
		if (m->failed) {
			snprintf(err, QTS_ERR_MAX, "%s", m->err);
			return -1;
		}
		if (m->done)
			return 0;
		if (produce(m) < 0) {
			snprintf(err, QTS_ERR_MAX, "%s", m->err);
			return -1;
		}
	}
}

/* The actions of the memo dated within the reader's span. */
const char *qts_history_actions(qts_history *h)
{
	memo *m = h->m;
	if (!m->actions)
		return NULL;
	free(h->actions);
	if (!(h->actions = malloc(m->actions_len + 1)))
		return NULL;
	size_t o = 0;
	for (const char *p = m->actions; *p;) {
		size_t n = strcspn(p, "\n"), d = strcspn(p, ",\n");
		int64_t t;
		if (qts_time_parse(p, d, &t) < 0 || (t >= h->from && t < h->to)) {
			memcpy(h->actions + o, p, n + 1);
			o += n + 1;
		}
		p += n + (p[n] != 0);
	}
	h->actions[o] = '\0';
	return o ? h->actions : NULL;
}

/* A reader leaves a history still being fetched with the network
 * client it brought, which its caller frees next: the source's iterator
 * is closed while the client lives, and a reader that stays lends its
 * own to go on from the last bar taken. */
static void hand_over(memo *m, qts_history *leaving)
{
	producer *p = m->p;
	if (!p || p->net != leaving->net || !m->readers)
		return;
	for (qts_history *h = m->readers; h; h = h->next)
		if (h->net == p->net)
			return;
	if (p->it && close_it(m) < 0) {
		snprintf(m->err, sizeof m->err, "out of memory");
		m->failed = 1;
	}
	p->net = m->readers->net;
}

void qts_history_close(qts_history *h)
{
	if (!h)
		return;
	memo *m = h->m;
	for (qts_history **pp = &m->readers; *pp; pp = &(*pp)->next)
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	hand_over(m, h);
	free(h->actions);
	free(h);
	/* Kept when finished and whole, for a request made again; else, a
	 * history left half read is not written to the cache. */
	if (!m->readers && (!m->done || !m->whole || m->failed))
		memo_free(m);
	else
		trim(m);
}

void qts_history_forget(void)
{
	for (memo *m = table, *next; m; m = next) {
		next = m->next;
		if (!m->readers)
			memo_free(m);
	}
}

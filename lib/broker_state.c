/* broker_state.c — qts-broker's checkpoints (--state): the stage's own
 * state, and the account of a broker that keeps it in the process.
 *
 * The order journal (--journal) stays the record of what was sent.  A
 * paper account is restored as it was at the checkpoint, so the journal
 * goes back there too: what was appended after the checkpoint (orders
 * the restored account never had) is cut off the file, and the replay of
 * the input after the checkpoint journals and places them again, as the
 * uninterrupted run did.  A live broker's account is at the broker: its
 * journal is kept whole (no order in it is sent again), the stage
 * connects again at the first event and reconciles as at any start. */
#include "broker_priv.h"
#include "qts_checkpoint.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CK_S(c, f) qts_ck_str(c, f, sizeof f)

static void refusals_ck(qts_ckpt *c, struct refusals *r)
{
	uint64_t n = r->n;
	qts_ck_u64(c, &n), qts_ck_i64(c, &r->ts);
	CK_S(c, r->sym), CK_S(c, r->why);
	r->n = n;
}

static void order_ck(qts_ckpt *c, qts_broker_order *o)
{
	CK_S(c, o->id), CK_S(c, o->symbol), CK_S(c, o->strategy);
	qts_ck_int(c, &o->side), qts_ck_int(c, &o->kind), qts_ck_int(c, &o->tif);
	qts_ck_f64(c, &o->qty), qts_ck_f64(c, &o->limit), qts_ck_f64(c, &o->stop);
	qts_ck_i64(c, &o->ts);
}

static void evbuf_ck(qts_ckpt *c, qts_evbuf *b)
{
	size_t n = b->n;
	qts_ck_size(c, &n, c->loading ? c->len / 24 : n);
	for (size_t i = 0; i < n && qts_ck_ok(c); i++) {
		if (!c->loading) {
			qts_ck_event(c, &b->ev[i]);
			continue;
		}
		qts_event ev;
		qts_ck_event(c, &ev);
		if (qts_ck_ok(c) && qts_evbuf_push(b, &ev) < 0)
			qts_ck_fail(c, "out of memory");
		qts_event_free(&ev);
	}
}

/* The journal's entries, in the order written. */
static void entries_save(engine *e, qts_ckpt *c)
{
	size_t n = qts_bj_count(e->j);
	qts_ck_size(c, &n, n);
	for (size_t i = 0; i < n; i++) {
		qts_bj_entry *je = qts_bj_at(e->j, i);
		order_ck(c, &je->o);
		qts_ck_int(c, &je->state), qts_ck_int(c, &je->status);
		qts_ck_f64(c, &je->reported), qts_ck_f64(c, &je->reported_notional);
	}
}

/* Loading: into the in-memory journal (no --journal), or checked
 * against the journal file (the same entries, in the same order, as far
 * as the state saw; live: the file may hold more, and further along). */
static size_t entries_restore(engine *e, qts_ckpt *c, int exact)
{
	char err[QTS_ERR_MAX];
	size_t n = 0;
	qts_ck_size(c, &n, c->len / 64);
	if (!qts_ck_room(c, n, 64))
		return 0;
	int memory = !e->journal_path;
	if (!memory && qts_bj_count(e->j) < n) {
		qts_ck_fail(c, "--journal %s holds %zu orders, fewer than the %zu the state has seen: "
			    "not the journal of this state", e->journal_path, qts_bj_count(e->j), n);
		return 0;
	}
	if (!memory && exact && qts_bj_count(e->j) != n) {
		qts_ck_fail(c, "--journal %s holds %zu orders where the state has seen %zu", e->journal_path,
			    qts_bj_count(e->j), n);
		return 0;
	}
	for (size_t i = 0; i < n && qts_ck_ok(c); i++) {
		qts_bj_entry x;
		memset(&x, 0, sizeof x);
		order_ck(c, &x.o);
		qts_ck_int(c, &x.state), qts_ck_int(c, &x.status);
		qts_ck_f64(c, &x.reported), qts_ck_f64(c, &x.reported_notional);
		if (!qts_ck_ok(c))
			return 0;
		if (memory) {
			if (qts_bj_find(e->j, x.o.id) || qts_bj_intent(e->j, &x.o, err) < 0) {
				qts_ck_fail(c, "order %s twice in the state", x.o.id);
				return 0;
			}
			*qts_bj_find(e->j, x.o.id) = x;
			continue;
		}
		qts_bj_entry *je = qts_bj_at(e->j, i);
		if (strcmp(je->o.id, x.o.id) != 0 ||
		    (exact && (je->state != x.state || je->reported != x.reported))) {
			qts_ck_fail(c, "--journal %s: its order %zu is %s where the state has %s in that state: "
				    "not the journal of this state", e->journal_path, i + 1, je->o.id, x.o.id);
			return 0;
		}
	}
	return n;
}

/* The journal file's length now (the state's part of it). */
static int journal_bytes(engine *e, uint64_t *len, qts_ckpt *c)
{
	struct stat st;
	*len = 0;
	if (!e->journal_path)
		return 0;
	if (stat(e->journal_path, &st) < 0) {
		qts_ck_fail(c, "--journal %s: %s", e->journal_path, strerror(errno));
		return -1;
	}
	*len = (uint64_t)st.st_size;
	return 0;
}

/* Paper: the journal file back to its length at the checkpoint, and
 * read again. */
static int journal_rewind(engine *e, uint64_t len, qts_ckpt *c)
{
	char err[QTS_ERR_MAX];
	uint64_t now;
	if (!e->journal_path || journal_bytes(e, &now, c) < 0)
		return qts_ck_ok(c) ? 0 : -1;
	if (now < len) {
		qts_ck_fail(c, "--journal %s holds %llu bytes, fewer than the %llu the state has seen: "
			    "not the journal of this state", e->journal_path, (unsigned long long)now,
			    (unsigned long long)len);
		return -1;
	}
	if (now == len)
		return 0;
	qts_bj_close(e->j);
	e->j = NULL;
	if (truncate(e->journal_path, (off_t)len) < 0) {
		qts_ck_fail(c, "--journal %s: %s", e->journal_path, strerror(errno));
		return -1;
	}
	if (!(e->j = qts_bj_open(e->journal_path, err))) {
		qts_ck_fail(c, "%s", err);
		return -1;
	}
	return 0;
}

/* The stage's part, both ways (the journal's apart). */
static int stage_ck(engine *e, qts_ckpt *c)
{
	qts_ck_int(c, &e->killed);
	qts_ck_int(c, &e->seen_input);
	qts_ck_i64(c, &e->last_ts), qts_ck_i64(c, &e->now_ts);
	qts_ck_int(c, &e->have_ts);
	qts_ck_f64(c, &e->equity);
	CK_S(c, e->down_why);
	uint64_t sent = e->sent, refused = e->refused, repeats = e->repeats;
	qts_ck_u64(c, &sent), qts_ck_u64(c, &refused), qts_ck_u64(c, &repeats);
	e->sent = sent, e->refused = refused, e->repeats = repeats;
	refusals_ck(c, &e->malformed);
	refusals_ck(c, &e->badtarget);
	refusals_ck(c, &e->unsized);
	/* symbols: the position believed, the last price, the targets */
	size_t nsym = qts_symtab_count(e->syms);
	qts_ck_size(c, &nsym, c->loading ? c->len / 32 : nsym);
	for (size_t i = 0; i < nsym && qts_ck_ok(c); i++) {
		char name[QTS_SYM_MAX] = "";
		const char *at = NULL;
		bsym *y = c->loading ? NULL : qts_symtab_at(e->syms, i, &at);
		if (at)
			QTS_SET(name, at);
		CK_S(c, name);
		if (c->loading && qts_ck_ok(c) &&
		    (qts_symtab_find(e->syms, name) || !(y = qts_symtab_get(e->syms, name)))) {
			qts_ck_fail(c, "symbol %s twice", name);
			break;
		}
		if (!y)
			break;
		qts_ck_f64(c, &y->pos), qts_ck_f64(c, &y->last);
		qts_ck_long(c, &y->seq);
		qts_ck_i64(c, &y->report_ts);
		size_t ntgt = y->ntgt;
		qts_ck_size(c, &ntgt, c->loading ? c->len / 16 : ntgt);
		if (c->loading && ntgt) {
			if (!qts_ck_room(c, ntgt, 16) || !(y->tgt = calloc(ntgt, sizeof *y->tgt))) {
				qts_ck_fail(c, "out of memory");
				break;
			}
			y->ntgt = ntgt;
		}
		for (size_t k = 0; k < ntgt && qts_ck_ok(c); k++) {
			CK_S(c, y->tgt[k].strategy);
			qts_ck_f64(c, &y->tgt[k].qty);
		}
	}
	/* the orders working */
	size_t nw = e->nw;
	qts_ck_size(c, &nw, c->loading ? c->len / 64 : nw);
	if (c->loading && nw) {
		if (!qts_ck_room(c, nw, 64) || !(e->w = calloc(nw, sizeof *e->w))) {
			qts_ck_fail(c, "out of memory");
			return -1;
		}
		e->nw = e->cw = nw;
	}
	for (size_t i = 0; i < nw && qts_ck_ok(c); i++) {
		working *w = &e->w[i];
		CK_S(c, w->id), CK_S(c, w->symbol);
		qts_ck_int(c, &w->side);
		qts_ck_f64(c, &w->qty), qts_ck_f64(c, &w->filled), qts_ck_f64(c, &w->notional);
	}
	/* what waits to go out: before the first input event, and a bar
	 * time's events held for its other bars */
	evbuf_ck(c, &e->early);
	qts_ck_int(c, &e->have_group);
	size_t nheld = e->nheld;
	qts_ck_size(c, &nheld, c->loading ? c->len / 24 : nheld);
	if (c->loading && nheld) {
		if (!qts_ck_room(c, nheld, 24) || !(e->held = calloc(nheld, sizeof *e->held))) {
			qts_ck_fail(c, "out of memory");
			return -1;
		}
		e->cheld = nheld;
	}
	for (size_t i = 0; i < nheld && qts_ck_ok(c); i++) {
		qts_ck_event(c, &e->held[i]);
		if (c->loading && qts_ck_ok(c))
			e->nheld = i + 1;
	}
	return qts_ck_ok(c) ? 0 : -1;
}

int qts_broker_state_save(engine *e, qts_ckpt *c)
{
	if (e->out.n || e->in_call) { /* between two events, nothing is in flight */
		qts_ck_fail(c, "the broker's events not written yet");
		return -1;
	}
	qts_ck_tag(c, "qts-broker");
	char name[QTS_NAME_MAX];
	QTS_SET(name, e->ops->name);
	CK_S(c, name);
	int account = e->ops->save != NULL;
	qts_ck_int(c, &account);
	qts_ck_int(c, &e->started), qts_ck_int(c, &e->up);
	uint64_t len;
	if (journal_bytes(e, &len, c) < 0)
		return -1;
	qts_ck_u64(c, &len);
	entries_save(e, c);
	if (stage_ck(e, c) < 0)
		return -1;
	if (account && e->ops->save(e->b, c) < 0)
		return -1;
	return qts_ck_ok(c) ? 0 : -1;
}

int qts_broker_state_restore(engine *e, qts_ckpt *c)
{
	if (e->started || qts_symtab_count(e->syms)) {
		qts_ck_fail(c, "restored into a stage that has run");
		return -1;
	}
	qts_ck_tag(c, "qts-broker");
	char name[QTS_NAME_MAX] = "";
	CK_S(c, name);
	if (qts_ck_ok(c) && strcmp(name, e->ops->name) != 0) {
		qts_ck_fail(c, "the state of broker %s, not %s", name, e->ops->name);
		return -1;
	}
	int account = 0, started = 0, up = 0;
	qts_ck_int(c, &account);
	qts_ck_int(c, &started), qts_ck_int(c, &up);
	uint64_t len = 0;
	qts_ck_u64(c, &len);
	if (!qts_ck_ok(c))
		return -1;
	/* A paper account goes back to the checkpoint, and its journal with
	 * it; a live account is where the broker has it. */
	if (account && journal_rewind(e, len, c) < 0)
		return -1;
	size_t seen = entries_restore(e, c, account);
	if (stage_ck(e, c) < 0)
		return -1;
	/* A live account's journal goes on past the checkpoint with the
	 * orders of the run killed, decided at input events the replay reads
	 * again: up to the last of them, what that run decided holds. */
	for (size_t i = seen; !account && e->journal_path && qts_ck_ok(c) && i < qts_bj_count(e->j); i++) {
		uint64_t at = qts_bj_at(e->j, i)->o.event;
		if (at > e->decided_through)
			e->decided_through = at;
	}
	if (account) {
		if (e->ops->restore(e->b, c) < 0)
			return -1;
		e->started = started;
		e->up = up;
	}
	/* A live broker: connected to again, and reconciled, at the first
	 * event (the positions it sends are the truth).  Reconciliation
	 * looks at the orders the journal has not ended: those it ended
	 * after the checkpoint work no more. */
	for (size_t i = 0; !account && i < e->nw;) {
		qts_bj_entry *je = qts_bj_find(e->j, e->w[i].id);
		if (je && je->state == QTS_BJ_ENDED && je->status != QTS_BJ_DRY)
			e->w[i] = e->w[--e->nw];
		else
			i++;
	}
	return qts_ck_ok(c) ? 0 : -1;
}

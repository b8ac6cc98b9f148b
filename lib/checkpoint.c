/* checkpoint.c — the state file of a stage (--state FILE): its frame (a
 * head that says whose state it is and how much input it has consumed,
 * the engine's part, a CRC-32 over all) and the primitives an engine
 * writes and reads its part with.  The file is written whole through
 * qts_outfile (a temporary renamed over it), so a crash leaves the
 * previous state or the new one, never half of one. */
#include "qts_checkpoint.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* ---- the primitives -------------------------------------------------------- */

void qts_ck_saving(qts_ckpt *c)
{
	memset(c, 0, sizeof *c);
}

void qts_ck_loading(qts_ckpt *c, const void *p, size_t n)
{
	memset(c, 0, sizeof *c);
	c->loading = 1;
	c->buf = (unsigned char *)p;
	c->len = n;
}

void qts_ck_free(qts_ckpt *c)
{
	if (!c->loading)
		free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}

int qts_ck_ok(const qts_ckpt *c)
{
	return !c->bad;
}

void qts_ck_fail(qts_ckpt *c, const char *fmt, ...)
{
	if (c->bad)
		return;
	c->bad = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
}

int qts_ck_done(qts_ckpt *c)
{
	if (c->loading && !c->bad && c->pos != c->len)
		qts_ck_fail(c, "%zu bytes left over after the engine's state", c->len - c->pos);
	return c->bad ? -1 : 0;
}

int qts_ck_room(qts_ckpt *c, size_t n, size_t size)
{
	if (!c->loading || c->bad)
		return !c->bad;
	if (size && n > (c->len - c->pos) / size + 1) {
		qts_ck_fail(c, "a count of %zu at byte %zu: more than the file holds", n, c->pos);
		return 0;
	}
	return 1;
}

/* Saving: append n bytes.  Loading: take n bytes, or NULL (bad). */
static unsigned char *take(qts_ckpt *c, size_t n)
{
	if (c->bad)
		return NULL;
	if (c->loading) {
		if (n > c->len - c->pos) {
			qts_ck_fail(c, "truncated: %zu bytes wanted at byte %zu of %zu", n, c->pos, c->len);
			return NULL;
		}
		unsigned char *p = c->buf + c->pos;
		c->pos += n;
		return p;
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 4096;
		while (cap < c->len + n)
			cap *= 2;
		unsigned char *b = realloc(c->buf, cap);
		if (!b) {
			qts_ck_fail(c, "out of memory");
			return NULL;
		}
		c->buf = b;
		c->cap = cap;
	}
	unsigned char *p = c->buf + c->len;
	c->len += n;
	return p;
}

void qts_ck_u64(qts_ckpt *c, uint64_t *v)
{
	unsigned char *p = take(c, 8);
	if (!p) {
		if (c->loading)
			*v = 0;
		return;
	}
	if (c->loading) {
		uint64_t x = 0;
		for (int i = 7; i >= 0; i--)
			x = x << 8 | p[i];
		*v = x;
	} else
		for (int i = 0; i < 8; i++)
			p[i] = (unsigned char)(*v >> (8 * i));
}

void qts_ck_i64(qts_ckpt *c, int64_t *v)
{
	uint64_t u = (uint64_t)*v;
	qts_ck_u64(c, &u);
	if (c->loading)
		*v = (int64_t)u;
}

void qts_ck_int(qts_ckpt *c, int *v)
{
	int64_t x = *v;
	qts_ck_i64(c, &x);
	if (c->loading) {
		if (x < INT32_MIN || x > INT32_MAX) {
			qts_ck_fail(c, "a number out of range before byte %zu", c->pos);
			x = 0;
		}
		*v = (int)x;
	}
}

void qts_ck_long(qts_ckpt *c, long *v)
{
	int64_t x = *v;
	qts_ck_i64(c, &x);
	if (c->loading)
		*v = (long)x;
}

void qts_ck_f64(qts_ckpt *c, double *v)
{
	uint64_t u;
	memcpy(&u, v, sizeof u);
	qts_ck_u64(c, &u);
	if (c->loading)
		memcpy(v, &u, sizeof u);
}

void qts_ck_size(qts_ckpt *c, size_t *v, size_t max)
{
	uint64_t u = *v;
	qts_ck_u64(c, &u);
	if (c->loading) {
		if (u > max) {
			qts_ck_fail(c, "a count of %llu before byte %zu: at most %zu expected", (unsigned long long)u,
				    c->pos, max);
			u = 0;
		}
		*v = (size_t)u;
	}
}

void qts_ck_bytes(qts_ckpt *c, void *p, size_t n)
{
	unsigned char *q = take(c, n);
	if (!q) {
		if (c->loading)
			memset(p, 0, n);
		return;
	}
	if (c->loading)
		memcpy(p, q, n);
	else
		memcpy(q, p, n);
}

void qts_ck_str(qts_ckpt *c, char *s, size_t cap)
{
	size_t n = c->loading ? 0 : strnlen(s, cap - 1);
	qts_ck_size(c, &n, cap - 1);
	unsigned char *q = take(c, n);
	if (!q) {
		if (c->loading)
			s[0] = '\0';
		return;
	}
	if (c->loading) {
		if (memchr(q, '\0', n)) {
			qts_ck_fail(c, "a string with a NUL in it before byte %zu", c->pos);
			s[0] = '\0';
			return;
		}
		memcpy(s, q, n);
		s[n] = '\0';
	} else
		memcpy(q, s, n);
}

void qts_ck_tag(qts_ckpt *c, const char *tag)
{
	char got[32];
	snprintf(got, sizeof got, "%s", tag);
	size_t at = c->pos;
	qts_ck_str(c, got, sizeof got);
	if (c->loading && !c->bad && strcmp(got, tag) != 0)
		qts_ck_fail(c, "byte %zu: section '%s' where '%s' was expected", at, got, tag);
}

void qts_ck_sum(qts_ckpt *c, qts_sum *t)
{
	unsigned ops = t->ops;
	qts_ck_f64(c, &t->s), qts_ck_f64(c, &t->c);
	qts_ck_long(c, &t->nan), qts_ck_long(c, &t->pinf), qts_ck_long(c, &t->ninf);
	uint64_t o = ops;
	qts_ck_u64(c, &o);
	t->ops = (unsigned)o;
}

void qts_ck_moments(qts_ckpt *c, qts_moments *m)
{
	qts_ck_sum(c, &m->s1), qts_ck_sum(c, &m->s2);
	qts_ck_f64(c, &m->shift);
	qts_ck_int(c, &m->shifted);
}

void qts_ck_tf(qts_ckpt *c, qts_tf *tf)
{
	int unit = tf->unit;
	qts_ck_int(c, &tf->n);
	qts_ck_int(c, &unit);
	tf->unit = (char)unit;
}

#define CK_S(c, f) qts_ck_str(c, f, sizeof f)

void qts_ck_event(qts_ckpt *c, qts_event *ev)
{
	int type = ev->type;
	if (c->loading)
		memset(ev, 0, sizeof *ev);
	qts_ck_int(c, &type);
	if (c->loading) {
		if (type < 0 || type > QTS_SYSTEM + 1) { /* QTS_UNKNOWN is one above the last known */
			qts_ck_fail(c, "an event of type %d before byte %zu", type, c->pos);
			return;
		}
		ev->type = (qts_type)type;
	}
	qts_ck_i64(c, &ev->ts);
	CK_S(c, ev->symbol);
	switch (ev->type) {
	case QTS_BAR:
		CK_S(c, ev->bar.tf);
		qts_ck_f64(c, &ev->bar.open), qts_ck_f64(c, &ev->bar.high), qts_ck_f64(c, &ev->bar.low);
		qts_ck_f64(c, &ev->bar.close), qts_ck_f64(c, &ev->bar.volume);
		break;
	case QTS_TICK:
		qts_ck_f64(c, &ev->tick.price), qts_ck_f64(c, &ev->tick.size);
		break;
	case QTS_QUOTE:
		qts_ck_f64(c, &ev->quote.bid), qts_ck_f64(c, &ev->quote.ask);
		qts_ck_f64(c, &ev->quote.bid_size), qts_ck_f64(c, &ev->quote.ask_size);
		break;
	case QTS_TARGET:
		qts_ck_f64(c, &ev->target.target);
		CK_S(c, ev->target.unit), CK_S(c, ev->target.strategy);
		break;
	case QTS_ORDER:
		CK_S(c, ev->order.id), CK_S(c, ev->order.side);
		qts_ck_f64(c, &ev->order.qty);
		CK_S(c, ev->order.kind);
		qts_ck_f64(c, &ev->order.limit), qts_ck_f64(c, &ev->order.stop);
		CK_S(c, ev->order.tif), CK_S(c, ev->order.strategy);
		break;
	case QTS_CANCEL:
		CK_S(c, ev->cancel.id);
		break;
	case QTS_UPDATE:
		CK_S(c, ev->update.id), CK_S(c, ev->update.status);
		qts_ck_f64(c, &ev->update.filled), qts_ck_f64(c, &ev->update.avg_price);
		CK_S(c, ev->update.reason);
		break;
	case QTS_FILL:
		CK_S(c, ev->fill.id), CK_S(c, ev->fill.side);
		qts_ck_f64(c, &ev->fill.qty), qts_ck_f64(c, &ev->fill.price);
		qts_ck_f64(c, &ev->fill.commission), qts_ck_f64(c, &ev->fill.slippage);
		break;
	case QTS_POSITION:
		qts_ck_f64(c, &ev->position.qty), qts_ck_f64(c, &ev->position.avg_price);
		qts_ck_f64(c, &ev->position.market_value), qts_ck_f64(c, &ev->position.unrealized_pnl);
		qts_ck_f64(c, &ev->position.realized_pnl);
		break;
	case QTS_EQUITY:
		qts_ck_f64(c, &ev->equity.cash), qts_ck_f64(c, &ev->equity.equity);
		qts_ck_f64(c, &ev->equity.gross), qts_ck_f64(c, &ev->equity.net);
		qts_ck_f64(c, &ev->equity.realized_pnl), qts_ck_f64(c, &ev->equity.unrealized_pnl);
		qts_ck_f64(c, &ev->equity.interest), qts_ck_f64(c, &ev->equity.borrow);
		qts_ck_f64(c, &ev->equity.margin_interest);
		break;
	case QTS_RISK:
		CK_S(c, ev->risk.rule), CK_S(c, ev->risk.action), CK_S(c, ev->risk.detail);
		break;
	case QTS_SYSTEM:
		CK_S(c, ev->system.source), CK_S(c, ev->system.level), CK_S(c, ev->system.message);
		break;
	default: { /* unknown: its fields as read */
		size_t n = ev->raw.n;
		qts_ck_size(c, &n, 4096);
		if (!qts_ck_room(c, n, 9))
			return;
		qts_raw_field *f = c->loading ? calloc(n ? n : 1, sizeof *f) : ev->raw.field;
		if (!f) {
			qts_ck_fail(c, "out of memory");
			return;
		}
		for (size_t i = 0; i < n; i++) {
			int kind = f[i].kind;
			qts_ck_int(c, &kind);
			if (kind < QTS_RAW_STR || kind > QTS_RAW_BOOL) {
				qts_ck_fail(c, "a field of kind %d before byte %zu", kind, c->pos);
				kind = QTS_RAW_NIL;
			}
			f[i].kind = kind;
			if (kind == QTS_RAW_STR) {
				size_t len = f[i].len;
				qts_ck_size(c, &len, c->loading ? c->len - c->pos : len);
				if (c->loading) {
					f[i].str = (const char *)take(c, len);
					f[i].len = f[i].str ? len : 0;
				} else
					qts_ck_bytes(c, (void *)f[i].str, len);
			} else {
				qts_ck_i64(c, &f[i].i), qts_ck_u64(c, &f[i].u), qts_ck_f64(c, &f[i].f);
			}
		}
		if (c->loading) {
			/* Into one block of its own, as every copy of an event is. */
			qts_event tmp = *ev;
			tmp.raw.n = c->bad ? 0 : n;
			tmp.raw.field = f;
			qts_event_copy(ev, &tmp);
			if (!tmp.raw.n)
				ev->raw.field = NULL;
			free(f);
		}
	}
	}
}

/* ---- hashes ---------------------------------------------------------------- */

uint64_t qts_state_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The runtime's options that change nothing of the output: --NAME VALUE,
 * --NAME=VALUE, or --NAME alone (flags). */
static const struct {
	const char *name;
	int value;
} runtime_only[] = {
	{ "--state", 1 }, { "--checkpoint-every", 1 }, { "--output-journal", 1 },
	{ "--metrics", 1 }, { "--heartbeat", 1 }, { "--busy-poll", 1 },
};

uint64_t qts_state_options_hash(int argc, char **argv, char *const *files, size_t nfiles)
{
	uint64_t h = QTS_STATE_HASH0;
	for (int i = 1; i < argc; i++) {
		int is_file = 0;
		for (size_t k = 0; k < nfiles; k++)
			if (files[k] == argv[i])
				is_file = 1;
		if (is_file || strcmp(argv[i], "--") == 0)
			continue;
		int skip = 0;
		/* the option as written, up to its '=': getopt takes any
		 * unambiguous start of a long name (--check for
		 * --checkpoint-every), so the runtime's are known by those too */
		size_t given = strcspn(argv[i], "=");
		for (size_t k = 0; k < sizeof runtime_only / sizeof *runtime_only && given > 2; k++) {
			size_t n = strlen(runtime_only[k].name);
			if (given <= n && strncmp(argv[i], runtime_only[k].name, given) == 0) {
				if (argv[i][given] == '=')
					skip = 1;
				else
					skip = 1 + runtime_only[k].value;
			}
		}
		if (skip) {
			i += skip - 1;
			continue;
		}
		h = qts_state_hash(h, argv[i], strlen(argv[i]) + 1);
	}
	return h;
}

/* ---- the file ---------------------------------------------------------------- */

/* The head, both ways. */
static void head_io(qts_ckpt *c, qts_state_head *h)
{
	uint64_t version = QTS_STATE_VERSION;
	qts_ck_u64(c, &version);
	if (c->loading && !c->bad && version != QTS_STATE_VERSION) {
		qts_ck_fail(c, "state file version %llu, not %d", (unsigned long long)version, QTS_STATE_VERSION);
		return;
	}
	qts_ck_str(c, h->qts_version, sizeof h->qts_version);
	qts_ck_str(c, h->stage, sizeof h->stage);
	qts_ck_u64(c, &h->options);
	qts_ck_u64(c, &h->in_n);
	qts_ck_u64(c, &h->in_hash);
	size_t nmarks = h->nmarks;
	qts_ck_size(c, &nmarks, QTS_STATE_MARKS);
	h->nmarks = (uint32_t)nmarks;
	for (size_t i = 0; i < nmarks; i++)
		qts_ck_u64(c, &h->marks[i]);
	qts_ck_u64(c, &h->out_n);
	qts_ck_u64(c, &h->end_n);
	size_t nafter = h->nafter;
	qts_ck_size(c, &nafter, c->loading ? c->len - c->pos : nafter);
	if (c->loading && nafter) {
		/* an event takes 24 bytes at least (its type, time and
		 * symbol's length): a corrupt count makes no huge allocation */
		if (!qts_ck_room(c, nafter, 24))
			return;
		if (!(h->after = calloc(nafter, sizeof *h->after))) {
			qts_ck_fail(c, "out of memory");
			return;
		}
	}
	for (size_t i = 0; i < nafter && qts_ck_ok(c); i++) {
		qts_ck_event(c, &h->after[i]);
		if (c->loading)
			h->nafter = i + 1; /* a copy to free, even when bad */
	}
	size_t elen = h->engine_len;
	qts_ck_size(c, &elen, c->loading ? c->len - c->pos : elen);
	h->engine_len = elen;
}

int qts_state_write(const char *path, const qts_state_head *head, const void *engine, size_t n, char *err,
		    size_t errlen)
{
	qts_state_head h = *head;
	h.engine_len = n;
	snprintf(h.qts_version, sizeof h.qts_version, "%s", QTS_VERSION);
	qts_ckpt c;
	qts_ck_saving(&c);
	qts_ck_bytes(&c, (void *)QTS_STATE_MAGIC, 8);
	head_io(&c, &h);
	qts_ck_bytes(&c, (void *)engine, n);
	uint64_t crc = crc32(0L, c.buf, (uInt)c.len);
	qts_ck_u64(&c, &crc);
	if (c.bad) {
		snprintf(err, errlen, "%s: %s", path, c.err);
		qts_ck_free(&c);
		return -1;
	}
	qts_outfile of;
	int rc = -1;
	if (qts_outfile_open(&of, path, err, errlen) == 0) {
		if (fwrite(c.buf, 1, c.len, of.fp) != c.len) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			qts_outfile_abort(&of);
		} else
			rc = qts_outfile_commit(&of, err, errlen);
	}
	qts_ck_free(&c);
	return rc;
}

void qts_state_head_free(qts_state_head *h)
{
	for (size_t i = 0; i < h->nafter; i++)
		qts_event_free(&h->after[i]);
	free(h->after);
	h->after = NULL;
	h->nafter = 0;
}

static int parse(const unsigned char *p, size_t n, qts_state_head *h, char *err, size_t errlen);

int qts_state_parse(const unsigned char *p, size_t n, qts_state_head *h, char *err, size_t errlen)
{
	int rc = parse(p, n, h, err, errlen);
	if (rc < 0)
		qts_state_head_free(h);
	return rc;
}

static int parse(const unsigned char *p, size_t n, qts_state_head *h, char *err, size_t errlen)
{
	memset(h, 0, sizeof *h);
	if (n < 8 || memcmp(p, QTS_STATE_MAGIC, 8) != 0) {
		snprintf(err, errlen, "not a qts state file");
		return -1;
	}
	if (n < 16 + 8) {
		snprintf(err, errlen, "truncated: %zu bytes", n);
		return -1;
	}
	qts_ckpt c;
	qts_ck_loading(&c, p, n - 8);
	unsigned char magic[8];
	qts_ck_bytes(&c, magic, 8);
	head_io(&c, h);
	h->engine = p + c.pos;
	qts_ckpt tail;
	uint64_t crc = 0;
	qts_ck_loading(&tail, p + n - 8, 8);
	qts_ck_u64(&tail, &crc);
	if (c.bad) {
		snprintf(err, errlen, "%s", c.err);
		return -1;
	}
	if (c.pos + h->engine_len != n - 8) {
		snprintf(err, errlen, "truncated or with bytes after its end: %zu bytes, %zu expected", n,
			 c.pos + h->engine_len + 8);
		return -1;
	}
	if (crc32(0L, p, (uInt)(n - 8)) != crc) {
		snprintf(err, errlen, "corrupt: its CRC-32 does not match its contents");
		return -1;
	}
	return 0;
}

int qts_state_read(const char *path, unsigned char **buf, qts_state_head *h, char *err, size_t errlen)
{
	*buf = NULL;
	struct stat st;
	/* /dev/stdout, /dev/fd/N: a file a shell opened, maybe, but the
	 * stream's, which checkpoints written in place would break */
	if (qts_outfile_in_place(path) && (stat(path, &st) < 0 || S_ISREG(st.st_mode))) {
		snprintf(err, errlen, "%s: names a descriptor, not a file: a state is a file written and read back", path);
		return -1;
	}
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* A device or fifo is no state: /dev/zero would be read for ever, a
	 * fifo wait for a writer, and a checkpoint could not be read back. */
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file: a state is a file written and read back", path);
		return -1;
	}
	size_t n;
	char why[QTS_ERR_MAX];
	char *p = qts_read_file(path, &n, why);
	if (!p) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (qts_state_parse((unsigned char *)p, n, h, why, sizeof why) < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		free(p);
		return -1;
	}
	*buf = (unsigned char *)p;
	return 1;
}

int qts_state_match(const qts_state_head *h, const char *stage, uint64_t options, char *err, size_t errlen)
{
	if (strcmp(h->stage, stage) != 0) {
		snprintf(err, errlen, "the state of %s, not of %s", h->stage, stage);
		return -1;
	}
	if (strcmp(h->qts_version, QTS_VERSION) != 0) {
		snprintf(err, errlen, "a state written by qts %s, not %s: a state is read by the qts that wrote it",
			 h->qts_version, QTS_VERSION);
		return -1;
	}
	if (h->options != options) {
		snprintf(err, errlen, "a state made with other options: restart with the options it was made with, "
			 "or remove it to start over");
		return -1;
	}
	return 0;
}

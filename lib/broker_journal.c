/* broker_journal.c — qts-broker's order journal: one text record a line,
 * appended whole with write(2), intents and ends fsynced, so that what a
 * crash leaves is every record before the last and perhaps a torn piece
 * of it, which opening the file again cuts.  Fields are separated by tabs,
 * with \\, \t, \n and \r escaped in text; the format is in qts-broker(1).
 *
 *   qts-broker-journal	2
 *   o	ID	SYMBOL	STRATEGY	SIDE	KIND	TIF	QTY	LIMIT	STOP	TS	EVENT	#CHECK
 *   x	ID	SYMBOL	STRATEGY	SIDE	KIND	TIF	QTY	LIMIT	STOP	TS	STATUS	EVENT	#CHECK
 *   s	ID	#CHECK
 *   e	ID	STATUS	#CHECK
 *   f	ID	QTY	NOTIONAL	#CHECK
 *
 * CHECK is 8 hex digits: the CRC-32 of the file up to the record, the
 * record's newline included and the checks left out.  A byte changed
 * fails the record's own check, and a record removed, repeated or moved
 * fails the next one's: a crash leaves none of these (the file is only
 * appended to), so each is corruption, refused, not a book to act on.
 * Version 1 (the same records without checks) is read as before; what
 * is appended to it carries checks, which are verified. */
#include "qts_broker_journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define HEADER "qts-broker-journal\t2\n"
#define HEADER_V1 "qts-broker-journal\t1\n"
#define MAX_FIELDS 13 /* the check apart */
#define LINE_MAX_BYTES 2048
#define CHECK_BYTES 10 /* "\t#" and 8 hex digits */

struct qts_broker_journal {
	int fd; /* -1: in memory */
	char name[QTS_ERR_MAX / 2];
	int checked;  /* version 2: every record carries its check */
	uint32_t crc; /* of the file so far, the checks left out */
	qts_bj_entry **e;
	size_t n, cap;
	size_t *slot; /* open addressing: index + 1, 0 empty */
	size_t nslot;
	size_t forget_at; /* entries at which qts_bj_forget looks again */
};

/* ---- the table of ids --------------------------------------------------- */

static size_t *find_slot(qts_broker_journal *j, const char *id)
{
	size_t mask = j->nslot - 1, i = (size_t)qts_hash64(id) & mask;
	while (j->slot[i] && strcmp(j->e[j->slot[i] - 1]->o.id, id) != 0)
		i = (i + 1) & mask;
	return &j->slot[i];
}

qts_bj_entry *qts_bj_find(qts_broker_journal *j, const char *id)
{
	size_t *s = find_slot(j, id);
	return *s ? j->e[*s - 1] : NULL;
}

size_t qts_bj_count(const qts_broker_journal *j)
{
	return j->n;
}

qts_bj_entry *qts_bj_at(qts_broker_journal *j, size_t i)
{
	return i < j->n ? j->e[i] : NULL;
}

void qts_bj_forget(qts_broker_journal *j, size_t keep)
{
	if (j->fd >= 0 || j->n < j->forget_at)
		return;
	size_t ended = 0;
	for (size_t i = 0; i < j->n; i++)
		ended += j->e[i]->state == QTS_BJ_ENDED;
	size_t drop = ended > keep ? ended - keep : 0, w = 0;
	for (size_t i = 0; i < j->n; i++) {
		if (drop && j->e[i]->state == QTS_BJ_ENDED) {
			free(j->e[i]);
			drop--;
			continue;
		}
		j->e[w++] = j->e[i];
	}
	j->n = w;
	memset(j->slot, 0, j->nslot * sizeof *j->slot);
	for (size_t i = 0; i < j->n; i++)
		*find_slot(j, j->e[i]->o.id) = i + 1;
	/* looked at again after an eighth as many more: at most 9/8 of keep
	 * ended are kept, and the linear work is spread over the entries
	 * added meanwhile, 9 looks an entry */
	j->forget_at = j->n + (keep / 8 > 64 ? keep / 8 : 64);
}

static int grow(qts_broker_journal *j)
{
	if (j->n == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 64;
		qts_bj_entry **e = realloc(j->e, cap * sizeof *e);
		if (!e)
			return -1;
		j->e = e;
		j->cap = cap;
	}
	if (2 * (j->n + 1) > j->nslot) {
		size_t n = j->nslot ? 2 * j->nslot : 128;
		size_t *s = calloc(n, sizeof *s);
		if (!s)
			return -1;
		free(j->slot);
		j->slot = s;
		j->nslot = n;
		for (size_t i = 0; i < j->n; i++)
			*find_slot(j, j->e[i]->o.id) = i + 1;
	}
	return 0;
}

static qts_bj_entry *add(qts_broker_journal *j, const qts_broker_order *o)
{
	qts_bj_entry *e;
	if (grow(j) < 0 || !(e = calloc(1, sizeof *e)))
		return NULL;
	e->o = *o;
	e->state = QTS_BJ_INTENT;
	j->e[j->n++] = e;
	*find_slot(j, o->id) = j->n;
	return e;
}

/* ---- text ---------------------------------------------------------------- */

static size_t put_text(char *p, const char *s)
{
	size_t n = 0;
	for (; *s; s++) {
		char c = *s;
		const char *esc = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : NULL;
		if (esc) {
			memcpy(p + n, esc, 2);
			n += 2;
		} else
			p[n++] = c;
	}
	return n;
}

/* Unescape s[0..len) into out (size bytes): 0, or -1 when it is bad or
 * does not fit. */
static int get_text(const char *s, size_t len, char *out, size_t size)
{
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\\') {
			if (++i == len)
				return -1;
			c = s[i] == '\\' ? '\\' : s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' : s[i] == 'r' ? '\r' : 0;
			if (!c)
				return -1;
		} else if (c == '\0')
			return -1;
		if (k + 1 >= size)
			return -1;
		out[k++] = c;
	}
	out[k] = '\0';
	return 0;
}

static size_t put_num(char *p, double v)
{
	return isfinite(v) ? (size_t)qts_num_format(v, p) : 0; /* NaN: empty */
}

static int get_num(const char *s, size_t len, double *v)
{
	if (len == 0) {
		*v = NAN;
		return 0;
	}
	return qts_num_parse(s, len, v) < 0 || !isfinite(*v) ? -1 : 0;
}

static int get_int64(const char *s, size_t len, int64_t *v)
{
	char buf[32];
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	char *end;
	errno = 0;
	long long x = strtoll(buf, &end, 10);
	if (errno || *end || !(buf[0] == '-' || (buf[0] >= '0' && buf[0] <= '9')))
		return -1;
	*v = x;
	return 0;
}

/* An input event's number: decimal digits, 1 and more. */
static int get_event(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	if (len == 0 || len > 19)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return x ? 0 : -1;
}

/* ---- reading -------------------------------------------------------------- */

/* One record (a line without its newline): 0, or -1 with why. */
static int apply(qts_broker_journal *j, const char *line, size_t len, const char **why)
{
	const char *f[MAX_FIELDS];
	size_t fl[MAX_FIELDS], nf = 0;
	const char *p = line, *end = line + len;
	for (;;) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		if (nf == MAX_FIELDS) {
			*why = "too many fields";
			return -1;
		}
		f[nf] = p;
		fl[nf++] = (size_t)((tab ? tab : end) - p);
		if (!tab)
			break;
		p = tab + 1;
	}
	if (fl[0] != 1 || nf < 2) {
		*why = "not a record (o, x, s, e or f)";
		return -1;
	}
	char id[QTS_ID_MAX];
	if (get_text(f[1], fl[1], id, sizeof id) < 0 || !id[0]) {
		*why = "bad order id";
		return -1;
	}
	qts_bj_entry *e = qts_bj_find(j, id);
	char w[QTS_WORD_MAX];
	switch (f[0][0]) {
	case 'o':
	case 'x': {
		/* the input event it was decided at: a last field, absent
		 * from the journals of versions before it */
		size_t nbase = f[0][0] == 'o' ? 11 : 12;
		if (nf != nbase && nf != nbase + 1) {
			*why = f[0][0] == 'o' ? "an order record has 11 or 12 fields" : "a decided record has 12 or 13 fields";
			return -1;
		}
		int st = 0;
		if (f[0][0] == 'x' && (get_text(f[11], fl[11], w, sizeof w) < 0 ||
				       ((st = qts_status_parse(w)) < 0 && strcmp(w, "dry-run") != 0) ||
				       (st >= 0 && !qts_status_final(st)))) {
			*why = "bad decided record (a final status, or dry-run)";
			return -1;
		}
		if (e) {
			*why = "order id journaled twice";
			return -1;
		}
		qts_broker_order o = { 0 };
		QTS_SET(o.id, id);
		if (get_text(f[2], fl[2], o.symbol, sizeof o.symbol) < 0 || !o.symbol[0] ||
		    get_text(f[3], fl[3], o.strategy, sizeof o.strategy) < 0) {
			*why = "bad symbol or strategy";
			return -1;
		}
		if (get_text(f[4], fl[4], w, sizeof w) < 0 || !(o.side = qts_side_parse(w)) ||
		    get_text(f[5], fl[5], w, sizeof w) < 0 || (o.kind = qts_kind_parse(w)) < 0 ||
		    get_text(f[6], fl[6], w, sizeof w) < 0 || (o.tif = qts_tif_parse(w)) < 0) {
			*why = "bad side, kind or tif";
			return -1;
		}
		if (get_num(f[7], fl[7], &o.qty) < 0 || !(o.qty > 0) || get_num(f[8], fl[8], &o.limit) < 0 ||
		    get_num(f[9], fl[9], &o.stop) < 0 || get_int64(f[10], fl[10], &o.ts) < 0) {
			*why = "bad qty, price or time";
			return -1;
		}
		if (nf > nbase && get_event(f[nbase], fl[nbase], &o.event) < 0) {
			*why = "bad input event number";
			return -1;
		}
		if (!(e = add(j, &o))) {
			*why = "out of memory";
			return -1;
		}
		if (f[0][0] == 'x') {
			e->state = QTS_BJ_ENDED;
			e->status = st < 0 ? QTS_BJ_DRY : st;
		}
		return 0;
	}
	case 's':
	case 'e':
	case 'f':
		if (!e) {
			*why = "a record of an order not journaled before";
			return -1;
		}
		break;
	default:
		*why = "not a record (o, x, s, e or f)";
		return -1;
	}
	if (f[0][0] == 's') {
		if (nf != 2) {
			*why = "a sent record has 2 fields";
			return -1;
		}
		if (e->state == QTS_BJ_INTENT)
			e->state = QTS_BJ_SENT;
		return 0;
	}
	if (f[0][0] == 'e') {
		int st;
		if (nf != 3 || get_text(f[2], fl[2], w, sizeof w) < 0 ||
		    ((st = qts_status_parse(w)) < 0 && strcmp(w, "dry-run") != 0) ||
		    (st >= 0 && !qts_status_final(st))) {
			*why = "bad end record (a final status, or dry-run)";
			return -1;
		}
		e->state = QTS_BJ_ENDED;
		e->status = st < 0 ? QTS_BJ_DRY : st;
		return 0;
	}
	double q, v;
	if (nf != 4 || get_num(f[2], fl[2], &q) < 0 || get_num(f[3], fl[3], &v) < 0 || !(q >= 0) ||
	    isnan(v)) {
		*why = "bad fill record";
		return -1;
	}
	e->reported = q;
	e->reported_notional = v;
	return 0;
}

static qts_broker_journal *journal_new(const char *name)
{
	qts_broker_journal *j = calloc(1, sizeof *j);
	if (!j)
		return NULL;
	j->fd = -1;
	QTS_SET(j->name, name ? name : "journal");
	if (grow(j) < 0) {
		qts_bj_close(j);
		return NULL;
	}
	return j;
}

/* The CRC-32 crc goes on to with a record's line and its newline. */
static uint32_t crc_line(uint32_t crc, const char *line, size_t n)
{
	crc = (uint32_t)crc32(crc, (const Bytef *)line, (uInt)n);
	return (uint32_t)crc32(crc, (const Bytef *)"\n", 1);
}

/* The check ending line[0..*len): 1 with *len cut before its tab and
 * *check its value, 0 when there is none, -1 when it is not 8 hex digits.
 * A check is a last field beginning with #, the third or later: the
 * second is the id, which may begin with # (a sent record of version 1),
 * and no other field of any record does. */
static int get_check(const char *line, size_t *len, uint32_t *check)
{
	size_t n = *len, tab = n, tabs = 0;
	for (size_t i = n; i-- > 0;)
		if (line[i] == '\t') {
			if (tab == n)
				tab = i;
			if (++tabs == 2)
				break;
		}
	if (tabs < 2 || tab + 1 == n || line[tab + 1] != '#')
		return 0;
	if (n - tab - 2 != 8)
		return -1;
	uint32_t v = 0;
	for (size_t i = tab + 2; i < n; i++) {
		char c = line[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
	}
	*check = v;
	*len = tab;
	return 1;
}

/* One line (without its newline) checked, the chain taken on, and read:
 * 0, or -1 with why. */
static int check_apply(qts_broker_journal *j, const char *line, size_t n, const char **why)
{
	uint32_t want = 0;
	int c = get_check(line, &n, &want);
	if (c < 0) {
		*why = "bad check (# and 8 hex digits)";
		return -1;
	}
	if (!c && j->checked) {
		*why = "no check: every record of a journal of version 2 ends with one";
		return -1;
	}
	uint32_t crc = crc_line(j->crc, line, n);
	if (c && crc != want) {
		*why = "the check (CRC-32) fails: this record was changed, or one before it removed, repeated "
		       "or moved";
		return -1;
	}
	j->crc = crc;
	return apply(j, line, n, why);
}

/* The records of buf into j: 0 with *whole (the bytes of whole lines), or
 * -1 with err. */
static int load(qts_broker_journal *j, const char *buf, size_t len, size_t *whole, char *err)
{
	size_t hl = sizeof HEADER - 1, line = 1;
	*whole = 0;
	if (len == 0)
		return 0;
	if (len < hl && (memcmp(buf, HEADER, len) == 0 || memcmp(buf, HEADER_V1, len) == 0))
		return 0; /* a torn header */
	if (len >= hl && (memcmp(buf, HEADER, hl) == 0 || memcmp(buf, HEADER_V1, hl) == 0)) {
		j->checked = buf[hl - 2] == HEADER[hl - 2];
	} else {
		/* the version's digit and the newline apart */
		if (len >= hl && memcmp(buf, HEADER, hl - 2) == 0)
			snprintf(err, QTS_ERR_MAX, "%s:1: a qts-broker journal of a version not known", j->name);
		else
			snprintf(err, QTS_ERR_MAX, "%s:1: not a qts-broker journal", j->name);
		return -1;
	}
	j->crc = crc_line(0, buf, hl - 1);
	size_t off = hl;
	*whole = hl;
	while (off < len) {
		line++;
		const char *nl = memchr(buf + off, '\n', len - off);
		const char *why = NULL;
		if (!nl) {
			/* A crash leaves the start of a record; a whole one
			 * that checks followed by another byte is a record
			 * whose newline was changed. */
			size_t n = len - off - 1;
			uint32_t want;
			if (len - off > 1 && len - off <= LINE_MAX_BYTES + CHECK_BYTES &&
			    get_check(buf + off, &n, &want) > 0 && crc_line(j->crc, buf + off, n) == want) {
				snprintf(err, QTS_ERR_MAX, "%s:%zu: a whole record whose newline was changed, "
					 "not the torn end a crash leaves", j->name, line);
				return -1;
			}
			break; /* torn: cut */
		}
		size_t n = (size_t)(nl - (buf + off));
		if (n > LINE_MAX_BYTES + CHECK_BYTES)
			why = "record too long";
		else
			check_apply(j, buf + off, n, &why);
		if (why) {
			snprintf(err, QTS_ERR_MAX, "%s:%zu: %s", j->name, line, why);
			return -1;
		}
		off += n + 1;
		*whole = off;
	}
	return 0;
}

qts_broker_journal *qts_bj_parse(const char *buf, size_t len, const char *name, size_t *torn, char *err)
{
	qts_broker_journal *j = journal_new(name);
	size_t whole;
	if (!j) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	if (load(j, buf, len, &whole, err) < 0) {
		qts_bj_close(j);
		return NULL;
	}
	*torn = len - whole;
	return j;
}

/* ---- writing -------------------------------------------------------------- */

static int append(qts_broker_journal *j, const char *line, size_t n, int sync, char *err)
{
	if (j->fd < 0)
		return 0;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(j->fd, line + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(err, QTS_ERR_MAX, "%s: %s", j->name, strerror(w < 0 ? errno : EIO));
			return -1;
		}
		done += (size_t)w;
	}
	if (sync && fdatasync(j->fd) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", j->name, strerror(errno));
		return -1;
	}
	return 0;
}

/* line[0..n), room for its check and newline after it, appended with
 * them: the chain goes on only once it is written. */
static int append_record(qts_broker_journal *j, char *line, size_t n, int sync, char *err)
{
	if (j->fd < 0)
		return 0;
	uint32_t crc = crc_line(j->crc, line, n);
	n += (size_t)sprintf(line + n, "\t#%08x\n", (unsigned)crc);
	if (append(j, line, n, sync, err) < 0)
		return -1;
	j->crc = crc;
	return 0;
}

qts_broker_journal *qts_bj_open(const char *path, char *err)
{
	qts_broker_journal *j = journal_new(path);
	if (!j) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return NULL;
	}
	if (!path)
		return j;
	if ((j->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno));
		qts_bj_close(j);
		return NULL;
	}
	/* A fifo would be read for good (no end, and no signal ends the
	 * read), a device such as /dev/null would keep nothing: neither
	 * keeps an order from being sent twice. */
	struct stat st;
	errno = 0;
	if (fstat(j->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", path,
			 errno ? strerror(errno) : "not a regular file: a journal is a file written and read back");
		qts_bj_close(j);
		return NULL;
	}
	/* One writer: two brokers on one journal would each send its orders
	 * (to the broker twice), and journal them twice.  The lock goes with
	 * the descriptor, at exit or a crash. */
	if (flock(j->fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			snprintf(err, QTS_ERR_MAX, "%s: the journal of another qts-broker still running (it holds its lock)",
				 path);
		else
			snprintf(err, QTS_ERR_MAX, "%s: lock: %s", path, strerror(errno));
		qts_bj_close(j);
		return NULL;
	}
	size_t len, whole;
	char *buf = qts_read_fd(j->fd, &len);
	if (!buf) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno ? errno : ENOMEM));
		qts_bj_close(j);
		return NULL;
	}
	int rc = load(j, buf, len, &whole, err);
	free(buf);
	if (rc < 0) {
		qts_bj_close(j);
		return NULL;
	}
	/* A crash mid-write leaves part of a record: it was never acted on
	 * (an intent is synced before its request leaves), so it goes. */
	if (whole < len && (ftruncate(j->fd, (off_t)whole) < 0 || fsync(j->fd) < 0)) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno));
		qts_bj_close(j);
		return NULL;
	}
	if (whole == 0) {
		if (append(j, HEADER, sizeof HEADER - 1, 1, err) < 0) {
			qts_bj_close(j);
			return NULL;
		}
		j->checked = 1;
		j->crc = crc_line(0, HEADER, sizeof HEADER - 2);
	}
	return j;
}

static int order_record(qts_broker_journal *j, char kind, const qts_broker_order *o, int status, char *err)
{
	char line[LINE_MAX_BYTES + CHECK_BYTES + 2];
	size_t n = 0;
	line[n++] = kind;
	line[n++] = '\t';
	n += put_text(line + n, o->id);
	line[n++] = '\t';
	n += put_text(line + n, o->symbol);
	line[n++] = '\t';
	n += put_text(line + n, o->strategy);
	n += (size_t)sprintf(line + n, "\t%s\t%s\t%s\t", qts_side_name(o->side), qts_kind_name(o->kind),
			     qts_tif_name(o->tif));
	n += put_num(line + n, o->qty);
	line[n++] = '\t';
	n += put_num(line + n, o->limit);
	line[n++] = '\t';
	n += put_num(line + n, o->stop);
	n += (size_t)sprintf(line + n, "\t%lld", (long long)o->ts);
	if (kind == 'x')
		n += (size_t)sprintf(line + n, "\t%s", status == QTS_BJ_DRY ? "dry-run" : qts_status_name(status));
	if (o->event)
		n += (size_t)sprintf(line + n, "\t%llu", (unsigned long long)o->event);
	if (qts_bj_find(j, o->id)) {
		snprintf(err, QTS_ERR_MAX, "%s: order id %s journaled already", j->name, o->id);
		return -1;
	}
	/* The one record synced: once it is on the disk the request may go. */
	qts_bj_entry *e;
	if (append_record(j, line, n, 1, err) < 0)
		return -1;
	if (!(e = add(j, o))) {
		snprintf(err, QTS_ERR_MAX, "out of memory");
		return -1;
	}
	if (kind == 'x') {
		e->state = QTS_BJ_ENDED;
		e->status = status;
	}
	return 0;
}

int qts_bj_intent(qts_broker_journal *j, const qts_broker_order *o, char *err)
{
	return order_record(j, 'o', o, 0, err);
}

int qts_bj_decided(qts_broker_journal *j, const qts_broker_order *o, int status, char *err)
{
	return order_record(j, 'x', o, status, err);
}

/* "C\tID" and the rest of a record of an order journaled before. */
static qts_bj_entry *record(qts_broker_journal *j, char c, const char *id, char *line, size_t *n, char *err)
{
	qts_bj_entry *e = qts_bj_find(j, id);
	if (!e) {
		snprintf(err, QTS_ERR_MAX, "%s: order id %s is not journaled", j->name, id);
		return NULL;
	}
	line[0] = c;
	line[1] = '\t';
	*n = 2 + put_text(line + 2, id);
	return e;
}

int qts_bj_sent(qts_broker_journal *j, const char *id, char *err)
{
	char line[LINE_MAX_BYTES + CHECK_BYTES + 2];
	size_t n;
	qts_bj_entry *e = record(j, 's', id, line, &n, err);
	if (!e)
		return -1;
	if (e->state != QTS_BJ_INTENT)
		return 0;
	/* Not synced: lost, the lookup at the next start finds the order. */
	if (append_record(j, line, n, 0, err) < 0)
		return -1;
	e->state = QTS_BJ_SENT;
	return 0;
}

int qts_bj_end(qts_broker_journal *j, const char *id, int status, char *err)
{
	char line[LINE_MAX_BYTES + CHECK_BYTES + 2];
	size_t n;
	qts_bj_entry *e = record(j, 'e', id, line, &n, err);
	if (!e)
		return -1;
	if (e->state == QTS_BJ_ENDED)
		return 0;
	n += (size_t)sprintf(line + n, "\t%s", status == QTS_BJ_DRY ? "dry-run" : qts_status_name(status));
	if (append_record(j, line, n, 0, err) < 0)
		return -1;
	e->state = QTS_BJ_ENDED;
	e->status = status;
	return 0;
}

int qts_bj_fill(qts_broker_journal *j, const char *id, double qty, double notional, char *err)
{
	char line[LINE_MAX_BYTES + CHECK_BYTES + 2];
	size_t n;
	qts_bj_entry *e = record(j, 'f', id, line, &n, err);
	if (!e)
		return -1;
	line[n++] = '\t';
	n += put_num(line + n, qty);
	line[n++] = '\t';
	n += put_num(line + n, notional);
	/* Not synced: a process that dies keeps what it wrote; only a
	 * machine that goes down may lose it, and then report a fill again. */
	if (append_record(j, line, n, 0, err) < 0)
		return -1;
	e->reported = qty;
	e->reported_notional = notional;
	return 0;
}

void qts_bj_close(qts_broker_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	for (size_t i = 0; i < j->n; i++)
		free(j->e[i]);
	free(j->e);
	free(j->slot);
	free(j);
}

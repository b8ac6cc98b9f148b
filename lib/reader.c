/* reader.c — events from CSV or msgpack, detected from the first byte: a
 * msgpack record is an array (0x90-0x9f, 0xdc, 0xdd), which no CSV line
 * starts with.  Here: the reader itself, the detection, and what every
 * event must be whichever its encoding (a type, in time order); the
 * decoders are reader_csv.c and reader_msgpack.c. */
#include "reader_priv.h"
#include "qts_time.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

qts_reader *qts_reader_new(qts_input *in)
{
	qts_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->in = in;
	r->known = r->bar_end = QTS_TS_MIN;
	/* Any time field read before is kept with its value, so it must be
	 * a true one from the start. */
	memcpy(r->ts_field, "1970-01-01T00:00:00Z,", 21);
	r->ts_value = 0;
	/* No timeframe or symbol yet: no word matches. */
	r->tf_field.field = 1;
	for (size_t i = 0; i < sizeof r->hints / sizeof r->hints[0]; i++)
		r->hints[i].sym.field = 1;
	/* No shape yet: nothing matches. */
	for (int i = 0; i < NUM_SHAPES; i++)
		r->price.s[i].want = r->volume.s[i].want = 1;
	return r;
}

/* A reader of its own input, in, closed when the reader cannot be made. */
static qts_reader *reader_owning(qts_input *in)
{
	if (!in)
		return NULL;
	qts_reader *r = qts_reader_new(in);
	if (!r) {
		qts_input_close(in);
		errno = ENOMEM;
	}
	return r;
}

void qts_reader_quiet_if_empty(qts_reader *r)
{
	r->warned_empty = 1;
}

void qts_reader_failure_unnoted(qts_reader *r)
{
	r->failure_unnoted = 1;
}

void qts_reader_split_only(qts_reader *r)
{
	r->split_only = 1;
}

qts_reader *qts_reader_fdopen(int fd, const char *name)
{
	return reader_owning(qts_input_fdopen(fd, name));
}

qts_reader *qts_reader_open(const char *path)
{
	return reader_owning(qts_input_open(path));
}

void qts_reader_close(qts_reader *r)
{
	if (!r)
		return;
	qts_csv_close(r->csv);
	qts_input_close(r->in);
	qts_symtab_free(r->reports);
	free(r->raw);
	free(r);
}

const char *qts_reader_error(const qts_reader *r) { return r->err; }
/* Formatted only when asked: a printf per record would cost more than
 * decoding it. */
const char *qts_reader_where(const qts_reader *r)
{
	qts_reader *w = (qts_reader *)r;
	if (r->fmt == QTS_FMT_MSGPACK)
		snprintf(w->where, sizeof w->where, "%s: event %ld (byte %llu)", qts_input_name(r->in), r->line,
			 (unsigned long long)r->offset);
	else
		snprintf(w->where, sizeof w->where, "%s:%ld", qts_input_name(r->in), r->line);
	return r->where;
}
int qts_reader_format(const qts_reader *r) { return r->fmt; }

int qts_reader_raw(const qts_reader *r, const void **p, size_t *len)
{
	*p = r->raw_at;
	*len = r->raw_len;
	return r->raw_len ? r->fmt : 0;
}

void qts_reader_on_idle(qts_reader *r, void (*fn)(void *), void *arg)
{
	qts_input_on_idle(r->in, fn, arg);
}

int qts_reader_fail(qts_reader *r, const char *fmt, ...)
{
	char what[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof r->err, "%s: %s", qts_reader_where(r), what);
	return -1;
}

qts_raw_field *qts_reader_raw_fields(qts_reader *r, size_t n)
{
	if (n > r->raw_cap) {
		qts_raw_field *f = realloc(r->raw, n * sizeof *f);
		if (!f)
			return NULL;
		r->raw = f;
		r->raw_cap = n;
	}
	return r->raw;
}

/* ---- what every event must be: a type, and in time order ------------- */

static void describe(const qts_event *ev, char *buf, size_t size);

/* A type is a lowercase name, [a-z][a-z0-9_]*: the header of a vendor's
 * CSV (`Date,Open,...`) or its rows are not events, and passing them on
 * as unknown ones would make every later stage succeed on nothing. */
int qts_reader_type_name_ok(const char *s, size_t n)
{
	if (!n || s[0] < 'a' || s[0] > 'z')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

int qts_reader_bad_type(qts_reader *r, const char *s, size_t n)
{
	/* Excel and Windows tools start a UTF-8 file with a byte order mark:
	 * named, as it is invisible in most editors. */
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		return qts_reader_fail(r, "the line starts with a UTF-8 byte order mark (EF BB BF), which an event "
				       "stream has none of: remove it (sed '1s/^\\xEF\\xBB\\xBF//')");
	if (memchr(s, '\0', n))
		return qts_reader_fail(r, "type: holds a NUL byte");
	char shown[4 * 32 + 1] = ""; /* an empty type writes nothing into it */
	size_t k = 0, w = 0;
	for (; k < n && k < 32; k++) /* other bytes as \xNN, the way messages show them */
		w += (size_t)(s[k] >= 0x20 && s[k] < 0x7f ? snprintf(shown + w, sizeof shown - w, "%c", s[k])
			       : snprintf(shown + w, sizeof shown - w, "\\x%02X", (unsigned char)s[k]));
	return qts_reader_fail(r, "'%s%s' is not an event type (a lowercase name such as bar); "
			       "a vendor CSV? read it with qts-fetch", shown, n > k ? "..." : "");
}

int qts_reader_bad_time(qts_reader *r, const char *name, const char *s, size_t n, int code)
{
	/* the text shown stops at a NUL: say it is there */
	if (memchr(s, '\0', n))
		return qts_reader_fail(r, "%s: holds a NUL byte", name);
	return qts_reader_fail(r, "%s: '%.*s' %s", name, (int)n, s, qts_time_wrong(code));
}

int qts_reader_bar_past_end(qts_reader *r, const qts_event *ev)
{
	char what[96], why[QTS_TIME_WHY], plus[24];
	describe(ev, what, sizeof what);
	snprintf(plus, sizeof plus, "+ %s", ev->bar.tf);
	/* a bar is known at its end (qts-events(5)): one that has none
	 * cannot be placed in the stream */
	return qts_reader_fail(r, "%s: %s (a bar is known at its end)", what,
			       qts_time_range_why(ev->ts, plus, 1, why));
}

int qts_reader_bad_tf(qts_reader *r, const char *tf)
{
	r->tf = NULL; /* a reader read on past the error says it again */
	char hint[32];
	if (*qts_tf_hint(tf, hint))
		return qts_reader_fail(r, "tf: '%s' is not a timeframe%s", tf, hint);
	return qts_reader_fail(r, "tf: '%s' is not a timeframe (a count and a unit: 30s, 1m, 5m, 1h, 1d, 1w, 1M)",
			       tf);
}

int qts_reader_bad_bar(qts_reader *r, const qts_event *ev)
{
	char h[32], l[32], v[32];
	h[qts_num_format(ev->bar.high, h)] = '\0';
	l[qts_num_format(ev->bar.low, l)] = '\0';
	v[qts_num_format(ev->bar.volume, v)] = '\0';
	if (ev->bar.volume < 0)
		return qts_reader_fail(r, "volume: %s is negative", v);
	if (ev->bar.high < ev->bar.low)
		return qts_reader_fail(r, "high: %s is below the low, %s", h, l);
	/* the open first, as a vendor's column of them is the likelier fault */
	int open = !(ev->bar.low <= ev->bar.open && ev->bar.open <= ev->bar.high);
	double x = open ? ev->bar.open : ev->bar.close;
	char n[32];
	n[qts_num_format(x, n)] = '\0';
	return x > ev->bar.high ? qts_reader_fail(r, "%s: %s is above the high, %s", open ? "open" : "close", n, h)
				: qts_reader_fail(r, "%s: %s is below the low, %s", open ? "open" : "close", n, l);
}

int qts_reader_store_str(qts_reader *r, const struct field *f, qts_event *ev, const char *s, size_t n)
{
	if (n >= f->size)
		return qts_reader_fail(r, "%s: longer than %zu bytes", f->name, f->size - 1);
	/* Fields are C strings: a NUL would silently cut the text short. */
	if (memchr(s, '\0', n))
		return qts_reader_fail(r, "%s: holds a NUL byte", f->name);
	/* Text is UTF-8 in both encodings: bytes that are not would reach a
	 * report's JSON or HTML, or a Parquet string column, as garbage. */
	if (!qts_utf8_valid(s, n)) {
		char shown[4 * 64 + 8];
		qts_quote(shown, sizeof shown, s, n);
		return qts_reader_fail(r, "%s: '%s' is not valid UTF-8", f->name, shown);
	}
	if (f->offset == offsetof(qts_event, symbol)) {
		const char *fault = qts_symbol_fault(ev->type, s, n);
		if (fault) {
			char shown[4 * QTS_SYM_MAX + 8];
			qts_quote(shown, sizeof shown, s, n);
			return qts_reader_fail(r, "symbol: '%s' %s", shown, fault);
		}
	}
	if (f->kind == FK_ENUM && !qts_enum_ok(f->values, s, n))
		return qts_reader_fail(r, "%s: '%.*s' is not one of the allowed values", f->name, (int)n, s);
	char *dst = (char *)ev + f->offset;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

struct tf_slot *qts_reader_learn_tf(qts_reader *r, const char *tf)
{
	uint64_t key = tf_word(tf);
	for (unsigned i = 0; i < TF_SLOTS; i++) {
		struct tf_slot *t = &r->tfs[i];
		if (t->name[0] && (key ? key == t->key : strcmp(tf, t->name) == 0))
			return r->tf = t;
	}
	struct tf_slot *t = &r->tfs[r->tf_next++ % TF_SLOTS];
	QTS_SET(t->name, tf);
	t->key = tf_word(t->name);
	t->ok = qts_tf_parse(t->name, &t->tf) == 0;
	t->ns = t->ok && t->tf.unit != 'M' ? qts_tf_ns(t->tf) : 0;
	t->canon[0] = '\0';
	if (t->ok)
		qts_tf_format(t->tf, t->canon);
	t->rename = t->ok && strcmp(t->canon, t->name) != 0;
	return r->tf = t;
}


/* The type (and symbol, timeframe) of an event, for a message. */
static void describe(const qts_event *ev, char *buf, size_t size)
{
	char raw[40];
	snprintf(buf, size, "%s%s%s%s%s", qts_event_type_text(ev, raw, "?"), ev->symbol[0] ? " " : "", ev->symbol,
		 ev->type == QTS_BAR ? " " : "", ev->type == QTS_BAR ? ev->bar.tf : "");
}

int qts_reader_out_of_order(qts_reader *r, const qts_event *ev, int64_t known, int64_t than, long line,
			    uint64_t offset, const char *what_before)
{
	char what[96], a[48], b[48], before[48];
	describe(ev, what, sizeof what);
	qts_time_format(known, a);
	qts_time_format(than, b);
	if (r->fmt == QTS_FMT_MSGPACK)
		snprintf(before, sizeof before, "event %ld (byte %llu)", line, (unsigned long long)offset);
	else
		snprintf(before, sizeof before, "line %ld", line);
	return qts_reader_fail(r, "out of time order: %s known at %s comes after %s, %s %s; "
			       "a stream is in time order as a whole (name several files to merge them; cat does not)",
			       what, a, before, what_before, b);
}

/* An unknown event without a time: it is known when its neighbours are. */
int qts_reader_untimed(qts_reader *r, qts_event *ev)
{
	ev->ts = r->known == QTS_TS_MIN ? 0 : r->known;
	ev->raw.untimed = 1;
	r->untimed_at = r->events + 1; /* counted once read (qts_reader_next) */
	return 1;
}

int qts_reader_untimed_last(const qts_reader *r)
{
	return r->untimed_at && r->untimed_at == r->events;
}

/* A whole event of a known type, read: in order, and a failure upstream
 * noted for the end (qts_upstream_failed). */
int qts_reader_admit(qts_reader *r, qts_event *ev)
{
	if (ev->type == QTS_BAR)
		return bar_in_order(r, ev);
	/* a size below zero: a resampled bar's volume would be (qts_reader_bad_bar) */
	if (__builtin_expect(!qts_sizes_sound(ev), 0)) {
		const char *f = ev->type == QTS_TICK ? "size" : ev->quote.bid_size < 0 ? "bid_size" : "ask_size";
		double v = ev->type == QTS_TICK ? ev->tick.size : ev->quote.bid_size < 0 ? ev->quote.bid_size
											 : ev->quote.ask_size;
		char n[32];
		n[qts_num_format(v, n)] = '\0';
		return qts_reader_fail(r, "%s: %s is negative", f, n);
	}
	if (__builtin_expect(qts_quote_crossed(ev), 0)) {
		char b[32], a[32];
		b[qts_num_format(ev->quote.bid, b)] = '\0';
		a[qts_num_format(ev->quote.ask, a)] = '\0';
		return qts_reader_fail(r, "bid: %s is above the ask, %s (a crossed quote)", b, a);
	}
	if (__builtin_expect(!qts_financing_whole(ev), 0))
		return qts_reader_fail(r, "equity: interest, borrow and margin_interest: all three or none");
	if (qts_event_is_news(ev)) {
		/* What an executing stage reports may be fed back into a stream
		 * as it arrives (tee to a FIFO), later than the market data it
		 * came after: in order among such reports, not against the rest.
		 * Symbol by symbol: with bars of several lengths, the fill at
		 * the open of a symbol's hour is known at the hour's end, after
		 * the fills of another's quarter hours that ended before it. */
		if (!r->reports && !(r->reports = qts_symtab_new(sizeof(struct report_at))))
			return qts_reader_fail(r, "out of memory");
		struct report_at *at = qts_symtab_get_field(r->reports, ev->symbol);
		if (!at)
			return qts_reader_fail(r, "out of memory");
		/* a new one is zeroed: line 0, none yet (lines count from 1) */
		if (__builtin_expect(at->line != 0 && ev->ts < at->ts, 0))
			return qts_reader_out_of_order(r, ev, ev->ts, at->ts, at->line, at->offset,
						       "a report (fill, update, position) at");
		at->ts = ev->ts;
		at->line = r->line;
		at->offset = r->offset;
		return 1;
	}
	int rc = in_order(r, ev, ev->ts);
	/* Noted once admitted: a failure refused as out of time order is
	 * no record of the stream, and the stage's error is its own (it said
	 * both, the input incomplete for a failure it had refused). */
	if (rc > 0 && qts_event_is_error(ev) && !r->failure_unnoted)
		qts_upstream_failed(ev->system.source, ev->system.message);
	return rc;
}

/* ---- detection, and the next event --------------------------------------- */

static int read_next(qts_reader *r, qts_event *ev);

/* At the end of an input that held no event: said, since a stage that
 * runs on nothing otherwise succeeds with an empty result. */
static void warn_if_empty(qts_reader *r)
{
	if (r->events || r->warned_empty)
		return;
	r->warned_empty = 1;
	qts_warn_no_events(qts_input_name(r->in), qts_input_offset(r->in) != 0);
}

void qts_warn_no_events(const char *name, int had_bytes)
{
	qts_warn("%s: no events (%s)", name, had_bytes ? "only comment or header lines" : "empty input");
}

int qts_reader_next(qts_reader *r, qts_event *ev)
{
	r->raw_len = 0; /* set again by a decoder that knows the bytes */
	int got = read_next(r, ev);
	if (got > 0)
		r->events++;
	else if (got == 0)
		warn_if_empty(r);
	return got;
}

static int read_next(qts_reader *r, qts_event *ev)
{
	if (!r->fmt) {
		const unsigned char *p;
		long n = qts_input_peek(r->in, &p, 1);
		if (n < 0) {
			snprintf(r->err, sizeof r->err, "%s", qts_input_error(r->in));
			return -1;
		}
		if (n == 0)
			return 0;
		r->fmt = (p[0] >= 0x90 && p[0] <= 0x9f) || p[0] == 0xdc || p[0] == 0xdd ? QTS_FMT_MSGPACK
											: QTS_FMT_CSV;
		if (r->fmt == QTS_FMT_CSV && !(r->csv = qts_csv_open(r->in))) {
			snprintf(r->err, sizeof r->err, "%s: out of memory", qts_input_name(r->in));
			return -1;
		}
	}
	return r->fmt == QTS_FMT_MSGPACK ? qts_reader_next_msgpack(r, ev) : qts_reader_next_csv(r, ev);
}

/* qts.h — libqts: the event stream, its codecs, time, and the small-tool
 * manners every qts program shares.  Every public symbol starts with qts_.
 * The stream format is documented in qts-events(5).
 *
 * Errors, one contract for all of lib/: a function that can fail returns
 * -1 (or NULL) and says why in the caller's `char *err`, which holds at
 * least QTS_ERR_MAX bytes (a function that takes err and errlen writes at
 * most errlen); the message names the place (`FILE:LINE: what`, `--flag:
 * what`) and ends without a newline.  Running out of memory is such a
 * failure ("out of memory"), never a silent one.  lib/ does not print or
 * exit: the mains in cmd/ and the stage builders (the lib/NAME_stage.c
 * files, which read a command line) turn a failure into a message and an
 * exit status (qts_die, qts_usage_error).
 *
 * Headers: the .h files of lib/ are libqts's internal headers, shared by
 * the programs and the tests of this tree and free to change; the one
 * installed ABI is include/qts/ (strategy.h, for plugins), which `make
 * install` alone copies.  See lib/README. */
#ifndef QTS_H
#define QTS_H

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef QTS_VERSION
#define QTS_VERSION "0.0.0"
#endif

/* The size of an error buffer a lib function writes (see above). */
#define QTS_ERR_MAX 512

/* Exit statuses, defined once for the whole suite. */
enum { QTS_EXIT_OK = 0, QTS_EXIT_FAIL = 1, QTS_EXIT_USAGE = 2, QTS_EXIT_TEMPFAIL = 75 };

/* ---- diagnostics (diag.c) ---------------------------------------------- */

/* The program's name as used in messages ("qts-fetch"); set by qts_init.
 * One a thread: `qts pipe` runs its later stages on a second thread, each
 * naming itself as its program would. */
extern _Thread_local const char *qts_progname;
/* Set up a program: its name for messages, signal handling (SIGINT and
 * SIGTERM set qts_interrupted and interrupt blocking reads). */
void qts_init(const char *argv0);
/* qts_quote (below) without escaping a backslash: what every message goes
 * through on its way out, so text already quoted passes unchanged. */
size_t qts_escape_text(const char *s, size_t n, char *out, size_t outlen);
/* The text of an event's reason, detail or message field, made from text
 * of anywhere (a vendor's reply, a file name, a message): escaped by
 * qts_escape_text, so broken UTF-8 is shown as \xNN and text too long
 * for the field is cut between characters and ends in `...`; a field cut
 * inside a character would make the stream unreadable to the next stage
 * (qts-events(5): text is UTF-8). */
void qts_text_set(char *field, size_t size, const char *src);
void qts_text_format(char *field, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void qts_text_vformat(char *field, size_t size, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
#define QTS_SET_TEXT(field, src) qts_text_set((field), sizeof(field), (src))
/* `qts-NAME: message` on stderr, the message escaped by qts_escape_text. */
void qts_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* qts_warn, then exit with status. */
_Noreturn void qts_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print `usage` to stderr and exit 2 (a bad option or argument). */
_Noreturn void qts_usage_error(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* `qts-NAME X.Y.Z` on stdout, exit 0. */
_Noreturn void qts_print_version(void);
/* The end of every program: close stdout and report a failed write, then
 * a failure upstream (qts_upstream_failed); 0 or QTS_EXIT_FAIL. */
int qts_close_stdout(void);
/* `write error: ...` of a failed write to standard output (err: its
 * errno), said once however many closes meet it. */
void qts_write_error(int err);
/* Untrusted text (from a file, the stream or the command line) made safe
 * to print in a message: s[0..n) with printable ASCII and whole, valid
 * UTF-8 characters as they are; `\\`, `\t`, `\n` and `\r` for a
 * backslash, tab, newline and carriage return; `\u` and four hex digits for C1 controls and
 * bidirectional overrides; `\xHH` for any other control byte and every byte
 * that is not part of valid UTF-8.  At most size - 1 bytes and a NUL go
 * to dst, never half a character or escape; text cut short ends in `...`.
 * Returns the length written. */
size_t qts_quote(char *dst, size_t size, const char *s, size_t n);
/* Whether s[0..n) is valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF); the text of an event must be. */
int qts_utf8_valid(const char *s, size_t n);
/* The last message qts_warn or qts_die wrote, without the program's name. */
const char *qts_last_message(void);
/* Called with the message by qts_die and qts_usage_error before they exit
 * (writer.c sets it: the stream then ends with a `system` error event). */
extern void (*qts_fail_hook)(const char *why);
/* The status of the exit qts_fail_hook is called before. */
extern int qts_fail_status;
/* Asked before a message is written: nonzero drops it.  `qts pipe` sets
 * it while its later stages run on a second thread, behind the first:
 * they catch up first, and a message the first would never have reached
 * (they failed on an earlier event) is not said. */
extern int (*qts_warn_gate)(void);
/* A stage upstream failed: its `system` event of level `error` was read
 * (reader.c).  The first is kept, and qts_close_stdout turns it into a
 * message and a failing exit status at the end. */
void qts_upstream_failed(const char *source, const char *message);
/* "SOURCE failed: MESSAGE", or NULL when no stage upstream failed. */
const char *qts_upstream_failure(void);
/* That text of a failure, in buf (size at least QTS_UPSTREAM_MAX). */
#define QTS_UPSTREAM_MAX (QTS_NAME_MAX + QTS_TEXT_MAX + 16)
void qts_upstream_format(char *buf, const char *source, const char *message);
/* The failure upstream of the program's last stage made text (NULL or
 * "": none): `qts pipe`, whose stages each read their own. */
void qts_upstream_set(const char *text);
/* Say, as a program ends, that its input was cut short by failure (text
 * made by qts_upstream_format): `the input is incomplete: FAILURE`. */
void qts_warn_incomplete(const char *failure);
/* The signal that interrupted the program (SIGINT, SIGTERM) or 0. */
extern volatile int qts_interrupted;
/* Called from the SIGINT/SIGTERM handler after qts_interrupted is set,
 * when not NULL (the plugin host bounds a plugin's time so). */
extern void (*volatile qts_interrupt_hook)(int sig);
/* The write end of a live stage's self-pipe (loop.c), or -1: the SIGINT
 * and SIGTERM handler writes a byte to it. */
extern volatile int qts_wake_fd;

/* ---- files written whole (outfile.c) ------------------------------------ */

/* A file written whole or not at all: through a temporary beside it
 * (mkstemp, O_EXCL, never through a link), synced and renamed over the
 * target, which keeps its mode; a symbolic link at the target is replaced,
 * not followed.  A target that is a fifo or device, or names a descriptor
 * (/dev/stdout, /dev/fd/N), is written in place.
 * The temporary is removed on every way out, fatal signals included.
 * `-` is standard output: the file is made in memory and written there
 * whole at commit, nothing before. */
typedef struct qts_outfile {
	FILE *fp;         /* write here between open and commit */
	const char *path; /* the target, as given */
	int slot;         /* the temporary's slot, -1 when in place */
	int in_place;
	char *mem;        /* `-`: the file as made so far, */
	size_t mem_len;   /* and its length */
	int durable;      /* 1 after open: commit syncs the file and its
			   * directory; 0 for figures rewritten often */
} qts_outfile;
/* 0, or -1 with a message naming the target in err. */
int qts_outfile_open(qts_outfile *of, const char *path, char *err, size_t errlen);
/* Flush, sync, rename into place: 0, or -1 with err (the target is left
 * as it was). */
int qts_outfile_commit(qts_outfile *of, char *err, size_t errlen);
/* Give up: close and remove the temporary, the target untouched. */
void qts_outfile_abort(qts_outfile *of);
/* Whether path is written in place, not as a file of its own: `-`, a
 * descriptor named (/dev/stdout, /dev/fd/N), a device or a fifo. */
int qts_outfile_in_place(const char *path);
/* Whether paths a and b name one file: the same name in the same
 * directory (`x`, `./x`, `d/../x`); a link is a name of its own, as the
 * files qts writes replace it.  `-` (standard input or output) and a
 * device are no file. */
int qts_same_file(const char *a, const char *b);

/* ---- state a symbol at a time (lines.c) ---------------------------------- */

#define QTS_CACHE_LINE 64
/* size zeroed bytes starting a line of the cache, freed with
 * qts_free_lines(p, the same size) only; NULL when out of memory.  A
 * stream of many symbols visits each one's state once a round of them,
 * when it has left the cache: a state whose hot fields come first then
 * costs one line's miss, not two.  Safe on two threads; a thread that
 * calls qts_lines_apart first gets blocks of its own, never next to
 * another thread's. */
void *qts_calloc_lines(size_t size);
void qts_free_lines(void *p, size_t size);
void qts_lines_apart(void);
/* What two threads write, on lines this far apart: a core's prefetcher
 * fetches lines in pairs. */
#define QTS_APART 128
/* size zeroed bytes aligned to align (a power of two, QTS_APART for a
 * type with members _Alignas(QTS_APART)), freed with free(3); NULL when
 * out of memory. */
void *qts_calloc_aligned(size_t align, size_t size);
/* size zeroed bytes for a table probed at random, on huge pages where the
 * kernel gives them; freed with qts_free_table(p, size) only. */
void *qts_calloc_table(size_t size);
void qts_free_table(void *p, size_t size);
/* The same for a ring filled in order: called before its first write,
 * qts_table_fault_in gives it all its pages at once (one fault a huge
 * page), so that a long run's memory does not rise in steps of 2 MiB as
 * the ring fills. */
void qts_table_fault_in(void *p, size_t size);

/* ---- files read whole (readfile.c) --------------------------------------- */

/* All of fd, to its end, in memory from malloc with a NUL after it (not
 * counted in *len): NULL with errno set on a failed read or no memory. */
char *qts_read_fd(int fd, size_t *len);
/* All of the file at path, the same way: NULL with `PATH: why` in err. */
char *qts_read_file(const char *path, size_t *len, char *err);

/* ---- the end of a FIFO read without waiting (fifo.c) --------------------- */

/* A FIFO opened with O_NONBLOCK, so that read(2) gave 0 at once: 1 when
 * a writer came and went (its end), 0 when none has come yet (wait on
 * it). */
int qts_fifo_ended(int fd);

/* ---- processors (cpus.c) ------------------------------------------------ */

/* The processors this process may run on (its affinity), at least 1. */
int qts_cpus_allowed(void);

/* ---- numbers from the command line (args.c) ---------------------------- */

/* Each returns 0 and stores the value, or -1 with a message in err
 * (at least 128 bytes) when s is not a number in [lo, hi]. */
int qts_parse_double(const char *s, double lo, double hi, double *out, char *err);
int qts_parse_long(const char *s, long lo, long hi, long *out, char *err);
/* `key=value` into key (at most keymax bytes) and a pointer to value. */
int qts_split_kv(const char *s, char *key, size_t keymax, const char **value);

/* ---- numbers in the stream (num.c) ------------------------------------- */

/* Parse a whole decimal number (no surrounding text); correctly rounded.
 * Returns 0, or -1 when s[0..n) is not a finite or infinite number. */
int qts_num_parse(const char *s, size_t n, double *out);
/* Write the shortest decimal that reads back to the same double; returns
 * its length (< 32).  NaN writes nothing (the empty field). */
int qts_num_format(double v, char *buf);

/* ---- time (timefmt.c) --------------------------------------------------- */

#define QTS_NS_PER_SEC 1000000000LL
#define QTS_NS_PER_DAY (86400LL * QTS_NS_PER_SEC)
#define QTS_TS_MIN INT64_MIN

/* a / b rounded toward minus infinity, and the remainder that goes with
 * it (0 <= r < b for b > 0): the day of an instant before 1970 is the one
 * it falls in, not the next.  b is not 0. */
static inline int64_t qts_floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return q - ((a % b) != 0 && ((a < 0) != (b < 0)));
}
static inline int64_t qts_floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;
	return r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
}

/* The length of the UTF-8 byte order mark (EF BB BF) s starts with: 3,
 * or 0 (n: the bytes of s).  Files people edit in a spreadsheet or a
 * Windows editor (rules, weights, contracts, actions, programs) may start
 * with one; it is not part of their first word.  A stream's reader
 * refuses it instead: no stage writes one. */
static inline size_t qts_bom_len(const char *s, size_t n)
{
	return n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF
		       ? 3 : 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t qts_days_from_civil(int y, unsigned m, unsigned d);
void qts_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);
/* Parse RFC 3339 (`2024-01-02T14:30:00Z`, a fraction of up to nine
 * digits, `+01:00` offsets, ` ` for `T`, no zone means UTC) or a bare
 * date.  0, or below 0: -1 (not a time), QTS_TIME_TOO_FINE (a time with
 * more than nine digits of fraction, finer than the nanoseconds kept) or
 * QTS_TIME_OUT_OF_RANGE (a time outside int64 ns: QTS_TIME_RANGE). */
#define QTS_TIME_TOO_FINE (-2)
#define QTS_TIME_OUT_OF_RANGE (-3)
#define QTS_TIME_RANGE "1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z"
/* What a message says after "out of range: ". */
#define QTS_TIME_RANGE_SAID "qts times run from " QTS_TIME_RANGE " (int64 nanoseconds since the epoch)"
int qts_time_parse(const char *s, size_t n, int64_t *ns);
/* What a message says after a time quoted, for a code below 0 of
 * qts_time_parse ("is not a time (RFC 3339 or YYYY-MM-DD)", "is out of
 * range: ..."): one wording in every program. */
const char *qts_time_wrong(int code);
/* The same, telling whether the text carried a zone (Z or an offset). */
int qts_time_parse_zoned(const char *s, size_t n, int64_t *ns, int *zoned);
/* A wall-clock time (ns as if it were UTC) read in the process's time zone
 * (TZ, which the caller sets) as ns UTC.  A time skipped by a change to
 * daylight saving time moves forward; a repeated one is read as the
 * first. */
int64_t qts_local_to_utc(int64_t wall);
/* The wall-clock time (ns as if it were UTC) in the process's time zone
 * (TZ, which the caller sets) at the instant t; t itself where it cannot
 * be told (past the range of times). */
int64_t qts_utc_to_local(int64_t t);
/* The day (since 1970-01-01) of the date at instant t in the process's
 * time zone (TZ, which the caller sets). */
int64_t qts_local_date(int64_t t);
/* The instants wall names in the process's zone: 1 (*early == *late);
 * 2 in the hour repeated as clocks go back (*early the first); 0 in the
 * hour skipped as they go forward (both then qts_local_to_utc's). */
int qts_local_instants(int64_t wall, int64_t *early, int64_t *late);
/* The instant a bound at wall-clock time wall names: the first at which
 * the wall clock reads wall (last 0: where a span from wall starts), or
 * the last (last 1: where a span up to wall ends).  A time repeated as
 * the clocks go back is its first or its second instant; one skipped as
 * they go forward is the change itself (the instant before it with
 * last), where the clock passes wall. */
int64_t qts_local_bound(int64_t wall, int last);
/* Is zone (`Europe/Paris`, `:NAME`, a path) a TZif file of the system
 * zoneinfo (TZDIR or /usr/share/zoneinfo)?  1 or 0. */
int qts_tz_installed(const char *zone);
/* Make zone the process's time zone (TZ) once it is known installed: 0,
 * or -1 (TZ untouched) when it is not. */
int qts_tz_use(const char *zone);
/* RFC 3339 UTC, fraction only when not zero (3, 6 or 9 digits); returns
 * the length (< 40). */
int qts_time_format(int64_t ns, char *buf);

/* Timeframes: a count of a unit (s m h d w M).  `1m`, `5m`, `1h`, `1d`,
 * `1w`, `1M`; fixed units also as a duration in ns. */
typedef struct qts_tf {
	int n;     /* count, >= 1 */
	char unit; /* 's' 'm' 'h' 'd' 'w' 'M' */
} qts_tf;
/* 0 or -1.  The same length has one name: 60m is read as 1h, 120s as 2m
 * (qts_tf_format then writes it so); d, w and M stay as they are. */
int qts_tf_parse(const char *s, qts_tf *tf);
int qts_tf_format(qts_tf tf, char *buf);     /* canonical form, < 16 bytes */
/* For a timeframe refused: what it likely means in qts's spelling (1D,
 * 1min, 1day: 1d, 1m, 1d; 1y: 12M) into buf (16 bytes), 0; or -1. */
int qts_tf_suggest(const char *s, char *buf);
/* The end of a refusal's message: ": write 1d" into buf (32 bytes) when
 * qts_tf_suggest has a spelling for s, ": the count is 1 to 999999" for
 * a count of a unit out of range (0d), else "".  Returns buf. */
const char *qts_tf_hint(const char *s, char *buf);
/* Length in ns of a fixed timeframe; 0 for months.  Inline: every bar of
 * a strategy or a resample reckons its end with it. */
static inline int64_t qts_tf_ns(qts_tf tf)
{
	int64_t unit;
	switch (tf.unit) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	case 'w': unit = 7 * 86400; break;
	default: return 0;
	}
	/* 999999w is in qts_tf_parse's range but not in int64 nanoseconds:
	 * such a length saturates rather than wraps. */
	int64_t ns;
	if (__builtin_mul_overflow(unit * QTS_NS_PER_SEC, (int64_t)tf.n, &ns))
		return INT64_MAX;
	return ns;
}
/* The end of the interval of tf that starts at ts: ts plus its length, or
 * for months the same day and time n months later, the day clamped to the
 * month's last (Jan 30 + 1M = Feb 29), and the last day of a month to the
 * last (Apr 30 + 1M = May 31).  Past the last time there is
 * (2262-04-11), that last time.  Every stage reckons a bar's end so. */
int64_t qts_tf_end(qts_tf tf, int64_t ts);
/* Durations for flags such as --latency: `250ms`, `2s`, `1m`, `1500us`. */
int qts_duration_parse(const char *s, int64_t *ns);

/* ---- events (event.c) --------------------------------------------------- */

typedef enum qts_type {
	QTS_BAR, QTS_TICK, QTS_QUOTE, QTS_TARGET, QTS_ORDER, QTS_CANCEL, QTS_UPDATE,
	QTS_FILL, QTS_POSITION, QTS_EQUITY, QTS_RISK, QTS_SYSTEM,
	QTS_UNKNOWN, /* any other type: passed through as read */
	QTS_NTYPES
} qts_type;

#define QTS_SYM_MAX 32   /* symbol, with its NUL */
#define QTS_ID_MAX 64    /* order ids */
#define QTS_NAME_MAX 32  /* strategy, rule, source */
#define QTS_WORD_MAX 16  /* tf, unit, side, kind, tif, status, action, level */
#define QTS_TEXT_MAX 256 /* reason, detail, message */

/* Optional numbers (an order's limit and stop, an update's avg_price) are
 * NaN when empty: the empty CSV field, msgpack nil. */
#define QTS_EMPTY NAN

/* An unknown event's fields as read (strings, valid until the next read). */
typedef struct qts_raw_field {
	enum { QTS_RAW_STR, QTS_RAW_INT, QTS_RAW_UINT, QTS_RAW_FLOAT, QTS_RAW_NIL, QTS_RAW_BOOL } kind;
	const char *str; /* QTS_RAW_STR: not NUL-terminated */
	size_t len;
	int64_t i;      /* INT, BOOL */
	uint64_t u;     /* UINT */
	double f;       /* FLOAT */
} qts_raw_field;

typedef struct qts_raw {
	size_t n;                /* fields, the type included */
	qts_raw_field *field;
	int untimed;             /* no time in its second field: ts is the
				  * time the stream had reached when read */
} qts_raw;

typedef struct qts_event {
	qts_type type;
	int64_t ts;                /* ns since the epoch, UTC */
	char symbol[QTS_SYM_MAX];  /* empty for equity and system */
	union {
		struct {
			char tf[QTS_WORD_MAX];
			/* the prices and volume as a built-in strategy reads them */
			union {
				struct { double open, high, low, close, volume; };
				double ohlcv[5];
			};
		} bar;
		struct { double price, size; } tick;
		struct { double bid, ask, bid_size, ask_size; } quote;
		struct { double target; char unit[QTS_WORD_MAX]; char strategy[QTS_NAME_MAX]; } target;
		struct {
			char id[QTS_ID_MAX]; char side[QTS_WORD_MAX]; double qty;
			char kind[QTS_WORD_MAX]; double limit, stop; char tif[QTS_WORD_MAX];
			char strategy[QTS_NAME_MAX];
		} order;
		struct { char id[QTS_ID_MAX]; } cancel;
		struct {
			char id[QTS_ID_MAX]; char status[QTS_WORD_MAX]; double filled, avg_price;
			char reason[QTS_TEXT_MAX];
		} update;
		struct {
			char id[QTS_ID_MAX]; char side[QTS_WORD_MAX];
			double qty, price, commission, slippage;
		} fill;
		struct { double qty, avg_price, market_value, unrealized_pnl, realized_pnl; } position;
		/* interest, borrow, margin_interest: qts-sim's financing, cumulative;
		 * empty (QTS_EMPTY) when not simulated, and then not written */
		struct qts_equity_fields { /* named: kept whole by qts-sim (see qts_sim_pause) */
			double cash, equity, gross, net, realized_pnl, unrealized_pnl;
			double interest, borrow, margin_interest;
		} equity;
		struct { char rule[QTS_NAME_MAX]; char action[QTS_WORD_MAX]; char detail[QTS_TEXT_MAX]; } risk;
		struct { char source[QTS_NAME_MAX]; char level[QTS_WORD_MAX]; char message[QTS_TEXT_MAX]; } system;
	};
	qts_raw raw; /* QTS_UNKNOWN only */
} qts_event;

/* What is wrong with s[0..n) as the symbol of an event of type t, for a
 * message ("is empty: a bar is of a symbol"), or NULL: a control
 * character anywhere, or nothing where the type is of a symbol (market
 * data, targets, orders, fills, positions). */
const char *qts_symbol_fault(qts_type t, const char *s, size_t n);
/* A symbol named on a command line or in a vendor's file: NULL, or what
 * is wrong with it ("must be 1 to 31 bytes", "holds a control
 * character", "is not valid UTF-8"), and then in shown s quoted for a
 * message (\xNN for such bytes). */
const char *qts_symbol_name_fault(const char *s, size_t n, char shown[4 * QTS_SYM_MAX + 8]);

/* "bar", "tick", ...; NULL for QTS_UNKNOWN. */
const char *qts_type_name(qts_type t);
/* The type of ev for a message: its name, or an unknown type's own (the
 * first field, at most 32 bytes, in buf), or dflt. */
const char *qts_event_type_text(const qts_event *ev, char buf[40], const char *dflt);
/* The type named s[0..n), or QTS_UNKNOWN. */
qts_type qts_type_from_name(const char *s, size_t n);
/* The field names after `type`, comma-separated ("ts,symbol,tf,..."). */
const char *qts_type_fields(qts_type t);
/* Start an event of type t at ts: strings empty, numbers 0, optional
 * numbers empty. */
void qts_event_init(qts_event *ev, qts_type t, int64_t ts);
/* Copy a string field, truncating to the field's size between characters
 * (QTS_SET_TEXT for text of anywhere, which marks the cut). */
void qts_strlcpy(char *dst, const char *src, size_t size);
#define QTS_SET(field, src) qts_strlcpy((field), (src), sizeof(field))
/* Deep copy (an unknown event's fields are copied into owned memory);
 * free the copy with qts_event_free. */
void qts_event_copy(qts_event *dst, const qts_event *src);
void qts_event_free(qts_event *ev);

/* ---- reading a stream (reader.c and its decoders, input.c) -------------- */

enum { QTS_FMT_CSV = 1, QTS_FMT_MSGPACK = 2 };

typedef struct qts_reader qts_reader;
typedef struct qts_input qts_input;

/* Open a path (`-` is stdin).  NULL with errno set on failure.  The
 * encoding (CSV or msgpack, either possibly gzip-compressed) is detected
 * from the first bytes. */
qts_reader *qts_reader_open(const char *path);
/* Read from an open descriptor; name is used in messages. */
qts_reader *qts_reader_fdopen(int fd, const char *name);
/* Read events from an input already opened (and perhaps peeked at); the
 * reader owns it from then on. */
qts_reader *qts_reader_new(qts_input *in);
/* No warning that the input held no event, where an input that ends is
 * not the end of the stream (--feedback, which reads on from its end). */
void qts_reader_quiet_if_empty(qts_reader *r);
/* A failure record read (a system event of level error) is an event like
 * any other, not the failure of the program's input upstream: a journal
 * reading its own blocks back. */
void qts_reader_failure_unnoted(qts_reader *r);
/* Say that input name held no event: `NAME: no events (empty input)`, or
 * `(only comment or header lines)` when it had bytes.  The reader says it
 * at the end of such an input; qts pipe for a stage given nothing. */
void qts_warn_no_events(const char *name, int had_bytes);
/* Next event: 1, 0 at the end, -1 on error (qts_reader_error says what and
 * where: `NAME:LINE: what` or `NAME: byte N: what`). */
int qts_reader_next(qts_reader *r, qts_event *ev);
const char *qts_reader_error(const qts_reader *r);
/* Whether the last event read is of an unknown type without a time: it
 * is as late as the events before it (its ts is theirs, or 0 at first). */
int qts_reader_untimed_last(const qts_reader *r);
/* Where the last event started: `NAME:LINE` or `NAME: byte N`. */
const char *qts_reader_where(const qts_reader *r);
int qts_reader_format(const qts_reader *r); /* after the first read */
/* The bytes of the last event read, as they are in the input, when they
 * are exactly what qts_writer_put writes for that event in the format
 * returned (QTS_FMT_MSGPACK); 0 when not so (CSV, a record encoded in
 * another way, an unknown type), *len then 0.  Valid until the next read:
 * for qts_writer_put_raw, so that an event a stage passes on unchanged is
 * copied, not encoded again. */
int qts_reader_raw(const qts_reader *r, const void **p, size_t *len);
/* Called before a read that would block (stdin is a pipe with nothing in
 * it): the place to flush output so a live pipeline never stalls. */
void qts_reader_on_idle(qts_reader *r, void (*fn)(void *), void *arg);
void qts_reader_close(qts_reader *r);

/* Raw CSV rows, for vendor layouts (qts-fetch) and the event reader. */
typedef struct qts_csv qts_csv;
qts_csv *qts_csv_open(qts_input *in);
/* Next row: number of fields (>= 1), 0 at end, -1 on error.  Fields are
 * NUL-terminated and valid until the next call.  Blank lines and comment
 * lines (starting with `#`) are skipped. */
int qts_csv_next(qts_csv *c, char ***fields, size_t **lens);
long qts_csv_line(const qts_csv *c); /* line where the last row started */
/* Read past a UTF-8 byte order mark before the first line (qts_bom_len):
 * for files people edit, set before the first row.  Streams keep it,
 * for their reader to refuse. */
void qts_csv_skip_bom(qts_csv *c);
/* The number (from 1) of the first of fields[0..n) that holds a NUL byte
 * (lens: their lengths; a NULL field holds none), or 0.  A field is read
 * as a C string (a date, a symbol, a number): a NUL in it would end it
 * there, the bytes after it dropped without a word; what a crash leaves
 * in a file is often a run of zeros.  Said as "field N holds a NUL
 * byte". */
int qts_csv_nul_field(char *const *fields, const size_t *lens, int n);
const char *qts_csv_error(const qts_csv *c);
void qts_csv_close(qts_csv *c);
/* Write s as one CSV field: quoted when it holds a comma, a quote or a
 * line break, quotes doubled. */
void qts_csv_field(FILE *f, const char *s);

/* Byte input with transparent gzip; qts_input_open takes `-` for stdin. */
qts_input *qts_input_open(const char *path);
qts_input *qts_input_fdopen(int fd, const char *name);
/* Bytes from pull (a decoder of another container: count, 0 at the end,
 * -1 with why in err), read as a file's would be. */
qts_input *qts_input_from(long (*pull)(void *arg, unsigned char *dst, size_t max, char *err, size_t errlen),
			  void *arg, const char *name);
/* An input from pull that reached its end reads on from where it stood:
 * pull has more now (records that arrived since, --feedback). */
void qts_input_resume(qts_input *in);
/* The n bytes at p (copied), as an input named name; NULL when out of memory. */
qts_input *qts_input_mem(const void *p, size_t n, const char *name);
const char *qts_input_name(const qts_input *in);
/* Whether the input is a stream from another program (a pipe, a FIFO, a
 * socket, a terminal), not a file: its writer ends every record, and one
 * it was stopped in the middle of is cut short, not whole. */
int qts_input_streamed(const qts_input *in);
/* Look at the first n bytes without consuming them; returns how many are
 * available (fewer at the end of input), -1 on error. */
long qts_input_peek(qts_input *in, const unsigned char **p, size_t n);
/* Up to max bytes into buf: count, 0 at end, -1 on error (qts_input_error). */
long qts_input_read(qts_input *in, void *buf, size_t max);
/* Point at buffered bytes (at least 1 unless at end): count, 0, -1. */
long qts_input_fill(qts_input *in, const unsigned char **p);
/* Point at buffered bytes, reading until at least n are there or the
 * input ends: count (< n only at the end), -1 on error. */
long qts_input_need(qts_input *in, size_t n, const unsigned char **p);
void qts_input_consume(qts_input *in, size_t n);
uint64_t qts_input_offset(const qts_input *in); /* bytes consumed so far */
const char *qts_input_error(const qts_input *in);
void qts_input_on_idle(qts_input *in, void (*fn)(void *), void *arg);
/* Instead of a read that would block, fn(arg, fd) waits until fd is
 * readable (0) or the program is to stop (-1: the read fails,
 * "interrupted").  Replaces the idle function. */
void qts_input_on_wait(qts_input *in, int (*fn)(void *arg, int fd), void *arg);
void qts_input_close(qts_input *in);

/* ---- writing a stream (writer.c) ---------------------------------------- */

typedef struct qts_writer qts_writer;
/* A writer to a descriptor in CSV or msgpack. */
qts_writer *qts_writer_new(int fd, int format);
/* The output format a program should use: msgpack when asked with -M
 * (want_msgpack) or QTS_FORMAT=msgpack in the environment, else CSV. */
int qts_output_format(int want_msgpack);
/* Append one whole event; 0, or -1 on a write error (errno set). */
int qts_writer_put(qts_writer *w, const qts_event *ev);
/* Append ev, given as the bytes raw[0..len) in format fmt (from
 * qts_reader_raw or qts_inputs_raw): copied when fmt is the writer's
 * format and len is not 0, else ev is encoded as by qts_writer_put.  The
 * caller vouches that the bytes are ev's, unchanged since they were read:
 * an event a stage changed, or made, goes through qts_writer_put. */
int qts_writer_put_raw(qts_writer *w, const qts_event *ev, const void *raw, size_t len, int fmt);
/* Write a `#type,field,...` comment line (CSV only; ignored for msgpack). */
int qts_writer_comment(qts_writer *w, const char *text);
/* Write buffered records; 0 or -1. */
int qts_writer_flush(qts_writer *w);
/* Whether w's writes failed because its reader closed (EPIPE): the
 * quiet end of a stage whose reader had enough (`| head`), no error. */
int qts_writer_closed(const qts_writer *w);
/* Write what the output takes now, without waiting (a non-blocking
 * descriptor): 0 when all is out, 1 when bytes are left for later (kept
 * in order), -1 on error. */
int qts_writer_try_flush(qts_writer *w);
/* Bytes written to the writer and not yet out. */
size_t qts_writer_pending(const qts_writer *w);
/* A descriptor made non-blocking: when write(2) would block, fn(arg, fd,
 * partial) waits until fd is writable (0) or gives up (-1, errno set);
 * partial says a record is written in part, which giving up would leave
 * cut in a pipe. */
void qts_writer_on_block(qts_writer *w, int (*fn)(void *arg, int fd, int partial), void *arg);
/* Flush and free; 0 or -1 on a failed write. */
int qts_writer_close(qts_writer *w);
/* The end of a program's main: when the program fails (status not 0, or
 * a signal), end the stream with its `system` error event (the last
 * message); close the writer (a closed pipe is no error) and stdout.
 * Returns the exit status: 128 + the signal when interrupted, else status
 * when not 0, else 1 when a write failed or a stage upstream failed. */
int qts_finish(qts_writer *w, int status);
/* End the stream with `system,TS,PROGRAM,error,WHY` (why NULL: the last
 * message), TS being when the last event written became known; once, and
 * not after a `system` error event already written (one passed on from
 * upstream).  0, or -1 on a write error. */
int qts_writer_fail(qts_writer *w, const char *why);
/* A stage that read events but wrote none (a resampler stopped before its
 * first bar is whole): its system error event is dated when the latest
 * event it read became known (ts, and tf when a bar, else ""), rather
 * than at the epoch. */
void qts_writer_date_unwritten(qts_writer *w, int64_t ts, const char *tf);
/* When the latest event written became known; INT64_MIN when none was. */
int64_t qts_writer_latest_known(const qts_writer *w);
/* For qts_reader_on_idle: flushes the writer passed as arg. */
void qts_writer_idle_flush(void *writer);
/* Encode one event into buf as a CSV line (with '\n'); returns its
 * length, or the length needed when larger than size. */
size_t qts_event_to_csv(const qts_event *ev, char *buf, size_t size);
/* The same as msgpack: the bytes a msgpack writer writes for ev (its
 * length; copied when it fits in size; 0 when out of memory). */
size_t qts_event_to_msgpack(const qts_event *ev, char *buf, size_t size);
/* Whether bytes of a bar read from msgpack are in the layout the writer
 * gives every bar, and the bar they were read as (the same fields, the
 * strings' unused bytes zeros), from them alone. */
int qts_msgpack_plain_bar(const void *bytes, size_t len);
void qts_msgpack_plain_bar_read(const void *bytes, qts_event *ev);

/* Whether the reader of every stage takes ev's fields: each number
 * finite (an optional one may be empty), and the rules between them
 * (event_priv.h).  Its time order is another matter (qts_time_order). */
int qts_event_fields_readable(const qts_event *ev);

/* The time an event became known, by which streams are ordered: a bar's
 * end (ts + tf), any other event's ts. */
int64_t qts_event_known(const qts_event *ev);

/* When the latest of the events a stage wrote became known, by which
 * the failure that ends its stream is dated, so that the stream stays in
 * order: the writer's and `qts pipe`'s for each of its stages, alike.
 * The latest time of an event not a bar, and the last bar: a stream's
 * bars come in the order of their ends (qts_time_order), so the last is
 * the latest known, whose end is found only when asked.  Zero it before
 * the first. */
typedef struct qts_latest_known {
	int point, bar; /* whether an event not a bar, a bar, was noted */
	int64_t point_ts, bar_ts;
	char bar_tf[QTS_WORD_MAX];
} qts_latest_known;
static inline void qts_latest_known_note(qts_latest_known *k, const qts_event *ev)
{
	if (ev->type == QTS_BAR) {
		k->bar = 1;
		k->bar_ts = ev->ts;
		memcpy(k->bar_tf, ev->bar.tf, sizeof k->bar_tf);
	} else if (ev->ts > k->point_ts || !k->point) {
		k->point = 1;
		k->point_ts = ev->ts;
	}
}
/* The time: the latest an event noted became known; dflt when none. */
int64_t qts_latest_known_time(const qts_latest_known *k, int64_t dflt);

/* The time order a stream's reader demands (reader.c), for a source that
 * gets events in no set order (a live stream, several publishers): each
 * event known no earlier than the last time written, and a bar ending no
 * earlier than the last bar; reports (fill, update, position) no earlier
 * than the last report of their symbol, whatever else came between.
 * Start from QTS_TIME_ORDER_START; free with qts_time_order_free. */
typedef struct qts_symtab qts_symtab;
typedef struct qts_time_order {
	int64_t last_ts, last_bar_end;
	qts_symtab *reports; /* symbol -> int64_t: its last report's ts */
	/* Set by a source of market data: no event known before the end of
	 * the last bar either.  The reader takes a trade inside the span of
	 * a bar before it, but a stage acts on a bar at its end (qts-strategy
	 * dates its target there), and the trade would then come after that
	 * act, out of order for the next stage. */
	int by_bar_end;
	long late;          /* events dropped as late (qts_time_order_drop), */
	char first[720];    /* and where and why the first was */
} qts_time_order;
#define QTS_TIME_ORDER_START ((qts_time_order){ .last_ts = INT64_MIN, .last_bar_end = INT64_MIN })
/* Whether ev, written next, would put the stream out of time order. */
int qts_time_order_late(const qts_time_order *o, const qts_event *ev);
/* ev is written: the next must not come before it.  0, or -1 when out
 * of memory. */
int qts_time_order_take(qts_time_order *o, const qts_event *ev);
/* A late ev in words, for a message: `SYM 1m bar at T, after an event at
 * T2` (`SYM quote at ...`; a system event by its source; `SYM fill at T,
 * after a report of the symbol at T2`). */
void qts_time_order_why(const qts_time_order *o, const qts_event *ev, char *buf, size_t size);
/* A late ev dropped: counted, and the first said with a warning,
 * `PREFIXa late event dropped: [WHERE: ]WHY (HINT)`. */
void qts_time_order_drop(qts_time_order *o, const qts_event *ev, const char *prefix, const char *where,
			 const char *hint);
/* At the end, when any was dropped: `PREFIXN late events dropped; the
 * first: [WHERE: ]WHY`. */
void qts_time_order_said(const qts_time_order *o, const char *prefix);
void qts_time_order_free(qts_time_order *o);


/* A stage dates what it makes of a bar (qts-strategy's target, qts-risk's
 * exit) at the bar's end, out_ts; the reader takes an event dated inside
 * the bar after it (a trade at a daily bar's start), which would then come
 * after what the stage wrote, out of time order for the next stage.  The
 * stage refuses it, saying so in buf: `tick A at T comes inside a bar
 * before it, ...`. */
void qts_after_own_why(const qts_event *ev, int64_t out_ts, char *buf, size_t size);

/* The last bar of one symbol and timeframe, as a stage that counts bars
 * keeps it: a bar not after it is that bar again (delivered twice, or by
 * qts-resample -k), passed on and not acted on twice, or another bar for
 * a time had, which every such stage refuses (qts-events(5)). */
typedef struct qts_last_bar {
	int64_t ts; /* QTS_TS_MIN before one */
	double v[5]; /* its open ... volume */
} qts_last_bar;
static inline void qts_last_bar_keep(qts_last_bar *b, const qts_event *bar)
{
	b->ts = bar->ts;
	memcpy(b->v, &bar->bar.open, sizeof b->v);
}
/* For a bar not after b: 1 when it is b again; else -1 with the message in
 * err (size n), twice saying what the stage would do twice. */
int qts_last_bar_again(const qts_last_bar *b, const qts_event *bar, const char *twice, char *err, size_t n);
/* That message alone, for a bar known to be another. */
void qts_bar_again_why(const qts_event *bar, const char *twice, char *err, size_t n);
/* Whether a bar of tf at ts, after the last bar of its symbol and tf at
 * last (ts > last; QTS_TS_MIN: none), starts before that one ends: 1h
 * bars at 14:00 and 14:30 (two feeds in one file, a timeframe guessed
 * too long) hold the half hour between twice, and every stage would
 * count it twice (an indicator, a bar's fills), where the reader sees
 * them in order, by their ends.  Days, weeks and months are given the
 * hours a change of offset takes from a local day, as qts-resample's
 * are (qts-events(5): the bar after a short day starts before its end). */
int qts_bar_overlaps(qts_tf tf, int64_t last, int64_t ts);
/* The same, in one comparison for a bar of a fixed length ns
 * (qts_tf_ns(tf); 0 for months, worked out in full): a bar that starts
 * ns or more after the last one's start does not overlap it. */
static inline int qts_bar_overlaps_fast(qts_tf tf, int64_t ns, int64_t last, int64_t ts)
{
	if (__builtin_expect(ns > 0 && (uint64_t)ts - (uint64_t)last >= (uint64_t)ns, 1))
		return 0;
	return qts_bar_overlaps(tf, last, ts);
}
/* Why bar overlaps the last of its symbol and timeframe, at last. */
void qts_bar_overlap_why(const qts_event *bar, int64_t last, char *err, size_t n);
/* A fill, an order update or a position: an account's news, dated when it
 * happened rather than when a stream's time reached it (a fill at a bar's
 * open follows that bar, known at its end), so it may come after events
 * known later than its time. */
static inline int qts_event_is_news(const qts_event *ev)
{
	return ev->type == QTS_FILL || ev->type == QTS_UPDATE || ev->type == QTS_POSITION;
}

/* Whether ev, of a stage's input, comes after what the stage made of a
 * bar (qts-strategy's target, qts-risk's exit), dated at the bar's end,
 * out_ts, though the reader takes it: dated inside that bar.  Reports go
 * by symbol among themselves and a system event is dated when its
 * source's last event became known: neither is judged so.  An unknown
 * type with a time is, as every reader judges it; one without
 * (raw.untimed) is placed beside its neighbours by every reader. */
static inline int qts_inside_own(const qts_event *ev, int64_t out_ts)
{
	return __builtin_expect(ev->ts < out_ts, 0) && ev->type != QTS_SYSTEM && !qts_event_is_news(ev) &&
	       !(ev->type == QTS_UNKNOWN && ev->raw.untimed);
}

/* A system event (a heartbeat upstream, a warning) dated inside a bar
 * the stage has acted on, before out_ts (the time of what it made of
 * it): passed at its own time it would come after what the bar made,
 * out of time order for the next reader; it goes out dated at out_ts,
 * in copy, as a heartbeat is dated at the latest time written.  Any
 * other event: itself. */
static inline const qts_event *qts_system_not_before(const qts_event *ev, int64_t out_ts, qts_event *copy)
{
	if (__builtin_expect(ev->type != QTS_SYSTEM || ev->ts >= out_ts, 1))
		return ev;
	*copy = *ev;
	copy->ts = out_ts;
	return copy;
}

/* The price a quote values a position at: the mid of bid and ask, or NaN
 * when a side is empty (0: no bid, or no offer, as a vendor sends before
 * the open or on an illiquid line), where a mid would be half the other
 * side, no price anyone trades at.  Halves first, so that two prices near
 * the largest double do not add up to infinity.  qts-sim, qts-risk and
 * qts-broker value by this one rule. */
static inline double qts_quote_mid(const qts_event *ev)
{
	double bid = ev->quote.bid, ask = ev->quote.ask;
	return bid > 0 && ask > 0 ? bid / 2 + ask / 2 : NAN;
}

/* A position or equity event: an account's books, which an executing
 * stage (qts-sim, qts-broker) writes itself and never takes in its input.
 * (Fills and updates may come back in its input, fed back to qts-risk,
 * and pass through: qts-risk(1).) */
static inline int qts_event_is_books(const qts_event *ev)
{
	return ev->type == QTS_POSITION || ev->type == QTS_EQUITY;
}
/* Why an executing stage, prog, refuses books ev in its input (a stream
 * executed already): passed through, they would go out among the stage's
 * own, two equity series that qts-report would take for one. */
void qts_report_in_input_why(const qts_event *ev, const char *prog, char *err, size_t n);

/* A system event of level error: the stream that carries it has ended
 * with a failure (qts-events(5)), and no stage adds another. */
static inline int qts_event_is_error(const qts_event *ev)
{
	return ev->type == QTS_SYSTEM && strcmp(ev->system.level, "error") == 0;
}

/* ---- per-symbol state (symtab.c) ----------------------------------------- */

typedef struct qts_symtab qts_symtab;
/* A table from symbol to a zeroed block of value_size bytes that never
 * moves; iteration is in insertion order (deterministic output). */
qts_symtab *qts_symtab_new(size_t value_size);
void *qts_symtab_get(qts_symtab *t, const char *symbol);  /* creates; NULL: no memory */
void *qts_symtab_find(qts_symtab *t, const char *symbol); /* NULL if absent */
/* The same for a symbol in a field of QTS_SYM_MAX bytes (an event's
 * symbol): all of them may be read, so a short symbol is hashed from one
 * load of its first eight bytes, not byte by byte. */
void *qts_symtab_get_field(qts_symtab *t, const char symbol[QTS_SYM_MAX]);
void *qts_symtab_find_field(qts_symtab *t, const char symbol[QTS_SYM_MAX]);
size_t qts_symtab_count(const qts_symtab *t);
void *qts_symtab_at(const qts_symtab *t, size_t i, const char **symbol);
void qts_symtab_free(qts_symtab *t); /* frees the values too */

/* ---- merging streams in time order (merge.c) ---------------------------- */

typedef struct qts_merge qts_merge;
/* A k-way merge of readers by the time each event became known
 * (qts_event_known); ties go by symbol, then to the earlier source, so the
 * result is deterministic.  Each reader's own order is kept. */
qts_merge *qts_merge_new(qts_reader **readers, size_t n);
/* The same over any sources: next(ctx, i, ev) returns 1, 0 at the end or
 * -1, and error(ctx, i) says why. */
qts_merge *qts_merge_new_sources(size_t n, int (*next)(void *ctx, size_t i, qts_event *ev),
				 const char *(*error)(void *ctx, size_t i), void *ctx);
/* 1 with the next event (and which source it came from), 0 at end, -1 on
 * error (qts_merge_error). */
int qts_merge_next(qts_merge *m, qts_event *ev, size_t *source);
const char *qts_merge_error(const qts_merge *m);
void qts_merge_free(qts_merge *m);

/* ---- the words of orders (order_words.c) ---------------------------------- */

/* Sides, kinds, times in force, update statuses and target units: the
 * codes every stage computes with, and the words the stream carries.  Each
 * list is NULL-terminated, its words in the order of their codes (sides
 * excepted: buy, sell); the stream's schema takes these words alone. */
enum { QTS_BUY = 1, QTS_SELL = -1 };
enum { QTS_MARKET, QTS_LIMIT, QTS_STOP, QTS_STOP_LIMIT };
enum { QTS_DAY, QTS_GTC, QTS_IOC, QTS_FOK };
enum {
	QTS_STATUS_NEW, QTS_STATUS_ACCEPTED, QTS_STATUS_PARTIAL, QTS_STATUS_FILLED,
	QTS_STATUS_CANCELED, QTS_STATUS_REJECTED, QTS_STATUS_EXPIRED
};
enum { QTS_UNIT_QTY, QTS_UNIT_WEIGHT };
extern const char *const qts_side_words[], *const qts_kind_words[], *const qts_tif_words[],
	*const qts_status_words[], *const qts_unit_words[];
/* Word to code: -1 for a word not in the list (qts_side_parse 0, as -1 is
 * QTS_SELL). */
int qts_side_parse(const char *s);
int qts_kind_parse(const char *s);
int qts_tif_parse(const char *s);
int qts_status_parse(const char *s);
int qts_unit_parse(const char *s);
/* Code to word: NULL for a code that has none. */
const char *qts_side_name(int side);
const char *qts_kind_name(int kind);
const char *qts_tif_name(int tif);
const char *qts_status_name(int status);
const char *qts_unit_name(int unit);
/* An order with this status is over: filled, canceled, rejected or
 * expired (new, accepted and partial are still working). */
int qts_status_final(int status);
/* The prices a kind uses: a limit (limit, stop_limit), a stop (stop,
 * stop_limit). */
int qts_kind_has_limit(int kind);
int qts_kind_has_stop(int kind);
/* The kind of an order with these prices (NaN: not used). */
int qts_kind_of(double limit, double stop);
/* What is wrong with an order's quantity ("bad qty 0 (must be > 0)",
 * "bad qty 1e-10 (must be > 1e-09)": no fill of less is told from none),
 * in why; 0
 * when it is one that can fill. */
int qts_order_qty_fault(double qty, char *why, size_t n);
/* What is wrong with the prices of an order of kind (named kind_name):
 * "limit order needs a limit price" when its kind's price is missing,
 * "limit price -5 is not above zero" when it is no price, "market order
 * takes no limit price (90)" when it has one its kind does not use (the
 * stream leaves that empty), in why (at least
 * 96 bytes); 0 when they are sound.  As qts-sim, qts-risk and qts-broker reject it.
 * any_price: the order is of a contract, which trades at any finite
 * price, 0 and below too ("limit price inf is not finite"). */
int qts_order_prices_fault(int kind, const char *kind_name, double limit, double stop, int any_price, char *why,
			   size_t n);
/* What is wrong with an order event's side, kind, time in force,
 * quantity or prices, in that order, worded as above ("bad side 'x' (buy,
 * sell)"...), in why (at least 128 bytes); 0 when qts-sim would take it.
 * Its symbol and id are the caller's to check; any_price as above. */
int qts_order_fault(const qts_event *ev, int any_price, char *why, size_t n);

/* ---- order ids (ids.c) --------------------------------------------------- */

/* FNV-1a of a string, never 0. */
uint64_t qts_hash64(const char *s);
/* PREFIX-SYMBOL-N into id (QTS_ID_MAX bytes), the one way qts stages make
 * order ids: a strategy's orders from targets are STRATEGY-SYMBOL-N, risk
 * exits risk-RULE-SYMBOL-N.  Where that would not fit, the symbol gives way
 * to 16 hex digits of its hash, so ids stay unique and whole. */
void qts_order_id(char *id, const char *prefix, const char *symbol, unsigned long n);
/* qts_hash64 of the id qts_order_id(prefix, symbol, n) writes, for one
 * that needs the hash alone, in two steps: *start once for a prefix and
 * symbol (0 returned when the id is not PREFIX-SYMBOL-N: the id itself is
 * then needed), then qts_order_id_hash(*start, n) for each n. */
int qts_order_id_hash_start(uint64_t *start, const char *prefix, const char *symbol);
uint64_t qts_order_id_hash(uint64_t start, unsigned long n);
/* STRATEGY-N (the strategy's name cut to 40 bytes): the orders a strategy
 * places itself, N counting them across its symbols. */
void qts_strategy_order_id(char *id, const char *strategy, unsigned long n);

/* The last cap ids seen, to act on an order once however often it is
 * delivered; memory is fixed (the oldest is forgotten).  A 64-bit hash
 * stands for each id. */
typedef struct qts_idset qts_idset;
qts_idset *qts_idset_new(size_t cap);
int qts_idset_has(qts_idset *t, const char *id);
void qts_idset_add(qts_idset *t, const char *id);
/* The same for an id's qts_hash64, for a caller that has it already
 * (hashing the id is most of the cost). */
int qts_idset_has_hash(qts_idset *t, uint64_t h);
void qts_idset_add_hash(qts_idset *t, uint64_t h);
/* Add h known not to be in the set (qts_fresh_id): it goes on the ring
 * alone, and into the table only when the set is next asked about an id.
 * A backtest made of targets never asks, and never touches the table,
 * whose every use is a miss of the cache. */
void qts_idset_add_fresh(qts_idset *t, uint64_t h);
void qts_idset_free(qts_idset *t);

/* Whether the id qts_order_id(prefix, symbol, n) writes for a count n
 * not used before for symbol is new for sure, so that a stage need not
 * look it up among the ids it has seen.  It is when each id seen was one
 * such (PREFIX-SYMBOL-N in full), and no two prefixes used could write
 * the same id (one being the other's start and a '-', as "a" and "a-b":
 * a-b-C-1 is both's).  Once an id of any other kind has been seen (an
 * order's own, a checkpoint's, one cut to fit), qts_fresh_ids_unsure is
 * called and the answer is 0 from then on: the ids are looked up. */
#define QTS_FRESH_PREFIXES 8
typedef struct qts_fresh_ids {
	char prefix[QTS_FRESH_PREFIXES][QTS_NAME_MAX];
	int n;
	int unsure;
} qts_fresh_ids;
int qts_fresh_id(qts_fresh_ids *f, const char *prefix, const char *symbol);
static inline void qts_fresh_ids_unsure(qts_fresh_ids *f) { f->unsure = 1; }

/* ---- targets into orders (target_orders.c) -------------------------------- */

/* Quantities within this of each other are equal (qts-sim, qts-risk and
 * the strategies that trade with orders). */
#define QTS_QTY_EPS 1e-9
/* Whether a and b are one quantity: within QTS_QTY_EPS, or within the
 * rounding of a few sums of fills at their size (a tolerance relative to
 * the size alone would drop whole shares of an order of 1e12, and one of
 * 1e-9 absolute alone would keep dust of large fractional sums). */
static inline int qts_qty_same(double a, double b)
{
	double d = fabs(a - b);
	return d <= QTS_QTY_EPS || d <= 64 * DBL_EPSILON * fmax(fabs(a), fabs(b));
}
/* q in whole units, toward zero (a hair under a whole number counts as
 * it), or q itself when fractional. */
double qts_whole_units(double q, int fractional);
/* The position a target asks for: a qty target as it is, a weight target
 * weight * equity / (price * mult) (price > 0); in whole units unless
 * fractional.  Not finite when the target cannot be a position. */
double qts_target_position(double target, int unit, double equity, double price, double mult,
			   int fractional);
/* 1 when a weight target cannot be taken for lack of equity: a weight
 * other than 0 of an equity of 0 or below (an account under water) would
 * be a position of the other side, a long weight turned into a short.
 * qts-sim, qts-risk and qts-broker reject such a target by this rule; a
 * weight of 0 is flat whatever the equity. */
static inline int qts_weight_no_equity(double weight, double equity)
{
	return weight != 0 && !(equity > 0);
}
/* The market order that takes a position from have (held and working) to
 * want: 1 with its side and qty, 0 when they differ by QTS_QTY_EPS or less
 * (no order). */
int qts_target_order(double want, double have, int *side, double *qty);
/* The id qts-sim gives the order it makes from a target of strategy on
 * symbol: STRATEGY-SYMBOL-N (`target` for a target without a strategy), N
 * the symbol's count *seq plus one, moving on while taken(arg, id) says
 * the id is already used (taken may be NULL). */
void qts_target_order_id(char *id, const char *strategy, const char *symbol, long *seq,
			 int (*taken)(void *arg, const char *id), void *arg);
/* The prefix of those ids: strategy, or `target` when it is empty. */
const char *qts_target_order_prefix(const char *strategy);

/* ---- a stage's inputs (inputs.c) ------------------------------------------ */

typedef struct qts_inputs qts_inputs;
/* The files named (`-` is stdin; none at all: stdin), one read as it
 * comes, several merged like qts_merge.  flush, when not NULL, is flushed
 * whenever a read would block.  NULL with a message in err when a file
 * cannot be opened. */
qts_inputs *qts_inputs_open(char *const *files, size_t n, qts_writer *flush, char *err, size_t errlen);
int qts_inputs_next(qts_inputs *in, qts_event *ev); /* 1, 0 at the end, -1 */
/* After a signal (every read fails from then on): the events read already,
 * whole lines of the last read and those held to merge in time, in their
 * order; 1, or 0 when none is left. */
int qts_inputs_drain(qts_inputs *in, qts_event *ev);
/* Where the last event was read: `FILE:LINE` or `FILE: byte N`. */
const char *qts_inputs_where(const qts_inputs *in);
const char *qts_inputs_error(const qts_inputs *in);
/* qts_reader_raw of the last event read (from whichever input it came);
 * valid until the next qts_inputs_next. */
int qts_inputs_raw(const qts_inputs *in, const void **p, size_t *len);
/* Call fn(arg) instead when a read would block. */
void qts_inputs_on_idle(qts_inputs *in, void (*fn)(void *), void *arg);
/* Wait with fn instead of a read that would block (qts_input_on_wait). */
void qts_inputs_on_wait(qts_inputs *in, int (*fn)(void *arg, int fd), void *arg);
void qts_inputs_close(qts_inputs *in);

#endif

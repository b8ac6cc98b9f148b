/* fetch_vendor.c — market data files as data vendors write them, recognised by
 * their header's column names in any case and order: bars from Yahoo
 * (Date,Open,High,Low,Close,Adj Close,Volume), Alpha Vantage (timestamp,
 * open,...), Stooq (<TICKER>,<PER>,<DATE>,<TIME>,<OPEN>,...,<VOL>,<OPENINT>)
 * and any other date/time/datetime/timestamp + open/high/low/close/volume
 * header; trades (a price and a size: Tardis trades) and quotes (a bid and
 * an ask, with or without sizes: Tardis quotes, TrueFX).  A row that does
 * not parse is reported on its own (QTS_VENDOR_BAD), so a caller may skip
 * it and go on. */
#include "qts_fetch.h"
#include "csv_priv.h"
#include "qts_parquet.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>

#define INFER_ROWS 16 /* rows looked at to infer the timeframe */

enum col { C_DATE, C_TIME, C_DATETIME, C_OPEN, C_HIGH, C_LOW, C_CLOSE, C_ADJ, C_VOLUME, C_SYMBOL,
	   C_PRICE, C_SIZE, C_BID, C_ASK, C_BIDSIZE, C_ASKSIZE, C_NCOLS };

/* A symbol's last time read in --tz. */
struct last_local {
	int64_t ts;
	int set;
};

/* A symbol's row before, against the timeframe (tf_contradicted). */
struct last_row {
	int64_t ts;
	int set;
};

/* A row read ahead, or the error that made it no row. */
struct ahead {
	qts_event ev;
	long line;
	int bad;             /* QTS_VENDOR_BAD or _NO_DATA: msg says why */
	char msg[700];
};

struct qts_vendor {
	qts_input *in;
	qts_csv *csv;
	qts_vendor_opts o;
	char symbol[QTS_VENDOR_NAME_MAX]; /* -s, or the file's name (perhaps too long) */
	int col[C_NCOLS];      /* field index or -1 */
	size_t nheader;
	const char *header_is; /* "the header" or "--columns", for messages */
	const char *layout;
	qts_type kind;         /* QTS_BAR, QTS_TICK or QTS_QUOTE */
	char tf[QTS_WORD_MAX];
	qts_tf tfv;            /* tf, parsed */
	int64_t tf_ns;         /* 0 for months */
	/* With --tz, each symbol's last time read, as UTC: the hour repeated
	 * as the clocks go back is read twice by each symbol, not by the rows
	 * of all symbols together (struct last_local). */
	qts_symtab *last_local;
	int64_t epoch;         /* the unit of epoch times: given, or from the first */
	int utc_times;         /* the time column's name says UTC: --tz is not its zone */
	int label_looked;      /* a first bar of weeks or months looked at (label_late) */
	/* With -t or a timeframe inferred, each symbol's row before (struct
	 * last_row), and whether a row of a date given a day in hours was
	 * said (tf_contradicted). */
	qts_symtab *last_row;
	int tf_inferred;       /* measured from the gaps between the first rows */
	int tf_rounded;        /* inferred from gaps off whole seconds: trades, each its own gap */
	int day_in_hours_said;
	/* Rows read ahead to infer the timeframe, with their lines. */
	struct ahead queue[INFER_ROWS];
	int nqueue, qpos, primed;
	int withhold;          /* the rows read ahead are no bars: only their errors go out */
	int fatal_after_queue; /* a fatal error ended the rows read ahead */
	char fatal[700];
	long rows;
	long where_line;       /* the line of the last row, for qts_vendor_where */
	char where[300];
	char err[700];
	/* A Parquet table instead of a CSV: its rows as text fields, or as
	 * events when qts wrote it (native). */
	qts_pq *pq;
	int is_native;
	qts_type native;
	char **pf;
	size_t *plen;
	char *ptext;           /* the text of a row's fields, each NUL-ended */
	size_t ptext_cap;
};

/* A header name reduced to its letters in lower case: "Adj Close" and
 * "<ADJ_CLOSE>" are both "adjclose". */
static void canon(const char *s, char *out, size_t size)
{
	size_t n = 0;
	for (; *s && n + 1 < size; s++)
		if (isalnum((unsigned char)*s))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

static int column_of(const char *name)
{
	static const struct { const char *name; int col; } names[] = {
		{ "date", C_DATE }, { "day", C_DATE }, { "time", C_TIME },
		{ "datetime", C_DATETIME }, { "timestamp", C_DATETIME }, { "timestamputc", C_DATETIME },
		{ "ts", C_DATETIME }, { "open", C_OPEN }, { "o", C_OPEN }, { "high", C_HIGH }, { "h", C_HIGH },
		{ "low", C_LOW }, { "l", C_LOW }, { "close", C_CLOSE }, { "c", C_CLOSE }, { "last", C_CLOSE },
		{ "adjclose", C_ADJ }, { "adjustedclose", C_ADJ }, { "volume", C_VOLUME }, { "vol", C_VOLUME },
		{ "v", C_VOLUME }, { "symbol", C_SYMBOL }, { "ticker", C_SYMBOL },
		{ "price", C_PRICE }, { "size", C_SIZE }, { "amount", C_SIZE }, { "qty", C_SIZE },
		{ "quantity", C_SIZE }, { "bid", C_BID }, { "bidprice", C_BID }, { "ask", C_ASK },
		{ "askprice", C_ASK }, { "offer", C_ASK }, { "bidsize", C_BIDSIZE }, { "bidamount", C_BIDSIZE },
		{ "bidqty", C_BIDSIZE }, { "volbid", C_BIDSIZE }, { "asksize", C_ASKSIZE },
		{ "askamount", C_ASKSIZE }, { "askqty", C_ASKSIZE }, { "volask", C_ASKSIZE },
		{ "offersize", C_ASKSIZE },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].col;
	return -1;
}

int qts_vendor_is_header_sep(const char *line, size_t n, char delim)
{
	char first[64];
	size_t len = 0;
	/* A byte order mark (Excel's) is not part of the first field: an
	 * event file that starts with one is an event file, for the reader
	 * to say what is wrong with it, not a vendor header without a date
	 * column. */
	if (n >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3, n -= 3;
	if (n == 0)
		return 0;
	while (len < n && len < sizeof first - 1 && line[len] != delim && line[len] != '\n' && line[len] != '\r')
		len++;
	memcpy(first, line, len);
	first[len] = '\0';
	if (line[0] == '#' || qts_type_from_name(first, len) != QTS_UNKNOWN)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (isdigit((unsigned char)first[i]))
			return 0; /* data, not a header: a header names its columns */
	/* An event of a type qts does not know (news,2024-01-02T14:35:00Z,...)
	 * is a lowercase name and a time: no header names a column by a time,
	 * and every other reader takes the line as an event. */
	if (qts_vendor_maybe_event_type(first, len) && len < n && line[len] == delim) {
		const char *t = line + len + 1;
		size_t m = 0;
		int64_t ts;
		while (len + 1 + m < n && t[m] != delim && t[m] != '\n' && t[m] != '\r')
			m++;
		if (m && qts_time_parse(t, m, &ts) != -1) /* a time, perhaps one qts cannot keep */
			return 0;
	}
	return 1;
}

int qts_vendor_maybe_event_type(const char *s, size_t n)
{
	/* [a-z][a-z0-9_]*, as qts-events(5) names a type */
	if (!n || s[0] < 'a' || s[0] > 'z' || qts_type_from_name(s, n) != QTS_UNKNOWN)
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

int qts_vendor_is_header(const char *line, size_t n)
{
	return qts_vendor_is_header_sep(line, n, ',');
}

const char *qts_vendor_layout(const qts_vendor *v) { return v->layout; }
const char *qts_vendor_error(const qts_vendor *v) { return v->err; }
/* Made when asked: a row's place is wanted only when something is wrong. */
const char *qts_vendor_where(qts_vendor *v)
{
	if (v->where_line > 0)
		snprintf(v->where, sizeof v->where, v->pq ? "%s: row %ld" : "%s:%ld", qts_input_name(v->in),
			 v->where_line);
	return v->where;
}
long qts_vendor_rows(const qts_vendor *v) { return v->rows; }
int qts_vendor_holds_events(const qts_vendor *v) { return v->is_native; }

static int vfail(qts_vendor *v, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int vfail(qts_vendor *v, long line, const char *fmt, ...)
{
	char what[560];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(v->err, sizeof v->err, v->pq ? "%s: row %ld: %s" : "%s:%ld: %s", qts_input_name(v->in), line, what);
	v->where_line = line;
	return QTS_VENDOR_BAD;
}

/* With --columns, drop the file's first line when it is a header, without
 * parsing it as CSV: a header is what --columns replaces, and one that
 * breaks the CSV rules (bidask2.csv quotes words inside a name) must not
 * stop the file.  0, or -1 with the input's error in err. */
static int skip_header_line(qts_vendor *v, char *err)
{
	const unsigned char *p;
	long got = 0;
	/* As much as has arrived, until the line ends: a pipe's first row
	 * must not wait for more bytes than the header's. */
	for (size_t want = 1;; want = (size_t)got + 1) {
		if ((got = qts_input_need(v->in, want, &p)) < 0) {
			snprintf(err, 512, "%s", qts_input_error(v->in));
			return -1;
		}
		if ((size_t)got < want || memchr(p, '\n', (size_t)got) || want >= (1u << 24))
			break;
	}
	const unsigned char *nl = memchr(p, '\n', (size_t)got);
	size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)got;
	/* A header names columns: a line with a digit anywhere is a row
	 * (its date), even one whose first field is a symbol ('ABC,2024-...'),
	 * which dropped for a header would be lost without a word. */
	int digit = 0;
	for (size_t i = 0; i < n && !digit; i++)
		digit = isdigit(p[i]);
	if (n > 0 && !digit && qts_vendor_is_header_sep((const char *)p, n, v->o.delimiter))
		qts_csv_take(v->csv, n, 1);
	return 0;
}

static qts_vendor *vendor_open(qts_input *in, const qts_vendor_opts *o, qts_pq *pq, char *err);

qts_vendor *qts_vendor_open(qts_input *in, const qts_vendor_opts *o, char *err)
{
	return vendor_open(in, o, NULL, err);
}

/* The rows of a Parquet table read as a vendor's: in (owned by the vendor
 * once it is made) has PAR1 at its start.  A file is read in place, one
 * row group at a time; stdin, or a compressed file, whole in memory. */
qts_vendor *qts_vendor_open_parquet(qts_input *in, const qts_vendor_opts *o, char *err)
{
	const char *name = qts_input_name(in);
	char perr[QTS_ERR_MAX];
	unsigned char magic[4];
	qts_pq *pq;
	int fd = strcmp(name, "-") ? open(name, O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0 && pread(fd, magic, 4, 0) == 4 && qts_pq_magic(magic, 4)) {
		pq = qts_pq_open_fd(fd, name, perr);
	} else {
		if (fd >= 0)
			close(fd);
		size_t len = 0, cap = 1 << 16;
		unsigned char *buf = malloc(cap);
		long k = 0;
		while (buf && (k = qts_input_read(in, buf + len, cap - len)) > 0)
			if ((len += (size_t)k) == cap) {
				unsigned char *b = realloc(buf, cap *= 2);
				if (!b)
					free(buf);
				buf = b;
			}
		if (!buf || k < 0) {
			snprintf(err, 512, "%s", buf ? qts_input_error(in) : "out of memory");
			free(buf);
			return NULL;
		}
		pq = qts_pq_open_mem(buf, len, 1, name, perr);
	}
	if (!pq) {
		snprintf(err, 512, "%s", perr);
		return NULL;
	}
	qts_type t = o->columns ? QTS_UNKNOWN : qts_pq_event_type(pq);
	if (t == QTS_UNKNOWN)
		return vendor_open(in, o, pq, err);
	/* Events as qts writes them: read field by field. */
	qts_vendor *v = calloc(1, sizeof *v);
	if (!v || qts_pq_events_begin(pq, t, perr) < 0) {
		snprintf(err, 512, "%s", v ? perr : "out of memory");
		free(v);
		qts_pq_close(pq);
		return NULL;
	}
	v->in = in, v->o = *o, v->pq = pq, v->is_native = 1, v->native = t, v->kind = t, v->primed = 1;
	v->layout = "qts";
	return v;
}

/* A time column whose name says its times are UTC: `timestamp_utc',
 * `datetime_utc', `time_utc', `utc_time'... (canon): its column, or -1. */
static int time_named_utc(const char *name)
{
	char base[64];
	size_t k = strlen(name);
	if (k <= 3 || k >= sizeof base)
		return -1;
	if (strcmp(name + k - 3, "utc") == 0)
		memcpy(base, name, k - 3), base[k - 3] = '\0';
	else if (strncmp(name, "utc", 3) == 0)
		memcpy(base, name + 3, k - 2);
	else
		return -1;
	int c = column_of(base);
	return c == C_DATE || c == C_TIME || c == C_DATETIME ? c : -1;
}

static qts_vendor *vendor_open(qts_input *in, const qts_vendor_opts *o, qts_pq *pq, char *err)
{
	qts_vendor *v = calloc(1, sizeof *v);
	if (!v || !(v->csv = qts_csv_open(in))) {
		free(v);
		qts_pq_close(pq);
		snprintf(err, 512, "out of memory");
		return NULL;
	}
	v->in = in;
	v->pq = pq;
	v->o = *o;
	if (!v->o.delimiter)
		v->o.delimiter = ',';
	qts_csv_set_delimiter(v->csv, v->o.delimiter);
	if (o->symbol)
		QTS_SET(v->symbol, o->symbol);
	v->o.symbol = v->symbol;
	v->epoch = o->epoch_unit;
	for (int c = 0; c < C_NCOLS; c++)
		v->col[c] = -1;
	/* The column names: the file's header, or --columns in its place. */
	char **f = NULL, *names = NULL;
	size_t *len;
	int n;
	if (v->o.local && !(v->last_local = qts_symtab_new(sizeof(struct last_local)))) {
		snprintf(err, 512, "out of memory");
		goto fail;
	}
	if (o->columns) {
		v->header_is = "--columns";
		if (!pq && skip_header_line(v, err) < 0)
			goto fail;
		if (!(names = strdup(o->columns)) || !(f = calloc(strlen(o->columns) + 1, sizeof *f))) {
			snprintf(err, 512, "out of memory");
			goto fail;
		}
		n = 0;
		for (char *name = names;; name++) {
			f[n++] = name;
			if (!(name = strchr(name, ',')))
				break;
			*name = '\0';
		}
	} else if (pq) {
		v->header_is = "the file's columns";
		n = (int)qts_pq_ncolumns(pq);
		if (!n || !(f = calloc((size_t)n, sizeof *f))) {
			snprintf(err, 512, n ? "out of memory" : "%s: a Parquet file without columns", qts_input_name(in));
			goto fail;
		}
		for (int i = 0; i < n; i++)
			f[i] = qts_pq_column_at(pq, (size_t)i)->name;
	} else {
		v->header_is = "the header";
		n = qts_csv_next(v->csv, &f, &len);
		if (n <= 0) {
			if (n < 0)
				snprintf(err, 512, "%s; --columns NAMES reads the file without its header",
					 qts_csv_error(v->csv));
			else
				snprintf(err, 512, "%s: empty file: no header", qts_input_name(in));
			goto fail;
		}
	}
	v->nheader = (size_t)n;
	int utc[C_NCOLS] = { 0 }; /* a time column whose name says UTC */
	for (int i = 0; i < n; i++) {
		char name[64];
		canon(f[i], name, sizeof name);
		int c = column_of(name), said = time_named_utc(name);
		if (said >= 0)
			c = said;
		if (c >= 0 && v->col[c] < 0)
			v->col[c] = i, utc[c] = said >= 0;
		/* The same name twice: which of the two columns is meant is not
		 * known, and reading the first would lose the other without a
		 * word.  (Two names of one column, close and last, say, are
		 * read by the first: a vendor may well give both.) */
		for (int j = 0; c >= 0 && j < i; j++) {
			char other[64];
			canon(f[j], other, sizeof other);
			if (strcmp(name, other) == 0) {
				if (o->columns || pq)
					snprintf(err, 512, "%s: %s names column '%.64s' twice (fields %d and %d)",
						 qts_input_name(in), v->header_is, f[i], j + 1, i + 1);
				else
					snprintf(err, 512, "%s:%ld: the header names column '%.64s' twice (fields %d and %d)",
						 qts_input_name(in), qts_csv_line(v->csv), f[i], j + 1, i + 1);
				goto fail;
			}
		}
	}
	char first[64], sep = 0;
	canon(f[0], first, sizeof first);
	/* One field that holds a usual separator: the file uses another. */
	for (const char *c = ";\t|"; n == 1 && *c && !sep; c++)
		if (strchr(f[0], *c))
			sep = *c;
	if (o->columns || pq) {
		free(names);
		free(f);
	}
	names = NULL, f = NULL;
	/* A lone "time" column holds the whole date and time. */
	if (v->col[C_DATE] < 0 && v->col[C_DATETIME] < 0 && v->col[C_TIME] >= 0)
		v->col[C_DATETIME] = v->col[C_TIME], v->col[C_TIME] = -1, utc[C_DATETIME] = utc[C_TIME];
	/* Times in a column named as UTC (timestamp_utc, CME's and
	 * Databento's files) are UTC whatever --tz says, as a time written
	 * with its Z is: read as wall-clock time there, every bar moved by
	 * the zone's offset without a word.  --tz still sets the calendar
	 * of days, weeks and months, as for times written with a Z. */
	v->utc_times = v->col[C_DATETIME] >= 0 ? utc[C_DATETIME] : utc[C_DATE] || utc[C_TIME];
	int bars = v->col[C_OPEN] >= 0 || v->col[C_HIGH] >= 0 || v->col[C_LOW] >= 0 || v->col[C_CLOSE] >= 0;
	v->kind = bars ? QTS_BAR : v->col[C_BID] >= 0 || v->col[C_ASK] >= 0 ? QTS_QUOTE
		: v->col[C_PRICE] >= 0 ? QTS_TICK : QTS_BAR;
	const char *missing = v->col[C_DATE] < 0 && v->col[C_DATETIME] < 0 ? "date, datetime or timestamp"
			    : v->kind == QTS_QUOTE ? (v->col[C_BID] < 0 ? "bid" : v->col[C_ASK] < 0 ? "ask" : NULL)
			    : v->kind == QTS_TICK ? NULL
			    : v->col[C_OPEN] < 0 ? "open" : v->col[C_HIGH] < 0 ? "high"
			    : v->col[C_LOW] < 0 ? "low" : v->col[C_CLOSE] < 0 ? "close" : NULL;
	if (missing) {
		if (pq && !o->columns)
			snprintf(err, 512, "%s: no %s column among the file's columns (--columns NAMES names them)",
				 qts_input_name(in), missing);
		else if (o->columns)
			snprintf(err, 512, "%s: --columns names no %s column", qts_input_name(in), missing);
		else if (sep)
			snprintf(err, 512, "%s:%ld: header has no %s column, and one field: are they separated "
				 "by '%s'? (--delimiter %s)", qts_input_name(in), qts_csv_line(v->csv), missing,
				 sep == '\t' ? "\\t" : sep == ';' ? ";" : "|", sep == '\t' ? "tab" : sep == ';' ? "';'" : "'|'");
		else
			snprintf(err, 512, "%s:%ld: header has no %s column (not a known layout; "
				 "--columns NAMES names the columns)", qts_input_name(in), qts_csv_line(v->csv), missing);
		goto fail;
	}
	/* A trade's size may be called volume. */
	if (v->kind == QTS_TICK && v->col[C_SIZE] < 0)
		v->col[C_SIZE] = v->col[C_VOLUME];
	if (o->adjust && v->col[C_ADJ] < 0) {
		snprintf(err, 512, "%s: --adjust needs an Adj Close column", qts_input_name(in));
		goto fail;
	}
	v->layout = v->kind == QTS_TICK ? "trades" : v->kind == QTS_QUOTE ? "quotes"
		  : v->col[C_ADJ] >= 0 ? "yahoo"
		  : strcmp(first, "ticker") == 0 ? "stooq"
		  : strcmp(first, "timestamp") == 0 && n == 6 ? "alphavantage" : "generic";
	if (!v->symbol[0] && v->col[C_SYMBOL] < 0) {
		snprintf(err, 512, "%s: no symbol column and no --symbol", qts_input_name(in));
		goto fail;
	}
	if (o->tf.n) {
		qts_tf_format(o->tf, v->tf);
		v->tfv = o->tf;
		v->tf_ns = qts_tf_ns(o->tf);
		if (v->kind == QTS_BAR && !(v->last_row = qts_symtab_new(sizeof(struct last_row)))) {
			snprintf(err, 512, "out of memory");
			goto fail;
		}
	}
	if (pq) {
		/* Only the columns a layout takes are decoded. */
		if (!(v->pf = calloc((size_t)n, sizeof *v->pf)) || !(v->plen = calloc((size_t)n, sizeof *v->plen))) {
			snprintf(err, 512, "out of memory");
			goto fail;
		}
		for (int c = 0; c < C_NCOLS; c++)
			if (v->col[c] >= 0 && (size_t)v->col[c] < qts_pq_ncolumns(pq) && qts_pq_use(pq, (size_t)v->col[c], err) < 0)
				goto fail;
	}
	return v;
fail:
	if (o->columns || pq) {
		free(names);
		free(f);
	}
	qts_csv_close(v->csv);
	qts_pq_close(v->pq);
	free(v->pf);
	free(v->plen);
	qts_symtab_free(v->last_local);
	qts_symtab_free(v->last_row);
	free(v);
	return NULL;
}

/* YYYYMMDD and HHMMSS (Stooq) to the ISO forms qts_time_parse reads. */
static const char *iso_date(const char *s, size_t n, char *buf)
{
	if (n != 8 || strspn(s, "0123456789") != 8)
		return s;
	snprintf(buf, 16, "%.4s-%.2s-%.2s", s, s + 4, s + 6);
	return buf;
}

/* ---- --date-format -------------------------------------------------------- */

static const char months[12][10] = { "january", "february", "march", "april", "may", "june", "july",
				     "august", "september", "october", "november", "december" };

/* Between min and max digits at *s (before end) into *out. */
static int take_digits(const char **s, const char *end, int min, int max, int *out)
{
	int n = 0, v = 0;
	while (n < max && *s + n < end && isdigit((unsigned char)(*s)[n]))
		v = v * 10 + (*s)[n++] - '0';
	if (n < min)
		return -1;
	*s += n;
	*out = v;
	return 0;
}

/* A fraction of a second after '.' or ',' at *s, as its digits into
 * frac (size > 10); nothing there is no fraction.  A tenth digit is kept
 * (and the rest not), for the time to be refused as finer than the
 * nanoseconds qts keeps, as every reader refuses one: cut to nine, it
 * would read as another time without a word. */
static int take_fraction(const char **s, const char *end, char *frac, size_t size, int required)
{
	const char *p = *s;
	if (!required) {
		if (p + 1 >= end || (*p != '.' && *p != ',') || !isdigit((unsigned char)p[1]))
			return 0;
		p++;
	}
	size_t n = 0;
	for (; p < end && isdigit((unsigned char)*p); p++)
		if (n + 1 < size && n < 10)
			frac[n++] = *p;
	frac[n] = '\0';
	if (!n)
		return -1;
	*s = p;
	return 0;
}

const char *qts_date_format_check(const char *fmt)
{
	int year = 0, month = 0, day = 0, ampm = 0, hour12 = 0, fraction = 0;
	for (const char *f = fmt; *f; f++) {
		if (*f != '%')
			continue;
		switch (*++f) {
		case 'Y': case 'y': year++; break;
		case 'm': case 'b': month++; break;
		case 'd': day++; break;
		case 'p': ampm++; break;
		case 'I': hour12++; break;
		case 'f':
			/* a second %f would read another fraction over the first */
			if (fraction++)
				return "%f (a fraction of a second) more than once";
			break;
		case 'H': case 'M': case 'S': case '%': break;
		case '\0': return "a lone % at the end";
		default: return "an unknown % directive (known: %Y %y %m %b %d %H %I %p %M %S %f %%)";
		}
	}
	if (year != 1 || month != 1 || day != 1)
		return "needs one year (%Y or %y), one month (%m or %b) and one day (%d)";
	if (ampm != hour12 || ampm > 1)
		return "%I (12-hour clock) goes with %p (AM or PM), once";
	return NULL;
}

/* s[0..n) read by the --date-format into the ISO form in iso (80 bytes):
 * YYYY-MM-DD, with THH:MM:SS[.frac] when the format has a time, and
 * whatever follows the format (a zone) appended.  0, -1, or
 * TWO_FRACTIONS. */
/* Is the directive at f (after its %) a number? */
static int is_number(const char *f)
{
	return *f && strchr("YymdHIMS", *f);
}

/* %S read a fraction after its seconds and %f gives one too: which is
 * the time's is not known, and the second read replaced the first
 * (10:00:00.25 with 7 made 10:00:00.7).  A %S whole with %f is right. */
enum { TWO_FRACTIONS = -2 };
static int formatted_time(const char *fmt, const char *s, size_t n, char *iso)
{
	const char *end = s + n;
	int y = -1, mo = -1, d = -1, h = 0, mi = 0, se = 0, pm = -1, has_time = 0;
	char frac[11] = "";
	int fractions = 0; /* read so far, by %S or %f */
	/* Two numbers with no character between have two digits each:
	 * with one or two, '2024111' by %Y%m%d would be November 1 or
	 * January 11, and was read as the first. */
	int two = 0, after_number = 0;
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			if (s >= end || *s++ != *f)
				return -1;
			after_number = 0;
			continue;
		}
		f++;
		two = is_number(f) && (after_number || (f[1] == '%' && is_number(f + 2)));
		after_number = is_number(f);
		switch (*f) {
		case 'Y': if (take_digits(&s, end, 4, 4, &y)) return -1; break;
		case 'y':
			if (take_digits(&s, end, 2, 2, &y))
				return -1;
			y += y < 69 ? 2000 : 1900; /* POSIX strptime's century */
			break;
		case 'm': if (take_digits(&s, end, 1 + two, 2, &mo)) return -1; break;
		case 'd': if (take_digits(&s, end, 1 + two, 2, &d)) return -1; break;
		case 'H': case 'I': if (take_digits(&s, end, 1 + two, 2, &h)) return -1; has_time = 1; break;
		case 'M': if (take_digits(&s, end, 1 + two, 2, &mi)) return -1; has_time = 1; break;
		case 'S':
			if (take_digits(&s, end, 1 + two, 2, &se))
				return -1;
			has_time = 1;
			if (f[1] != '.' && f[1] != ',') {
				const char *at = s;
				if (take_fraction(&s, end, frac, sizeof frac, 0) < 0)
					return -1;
				if (s != at && fractions++)
					return TWO_FRACTIONS;
			}
			break;
		case 'f':
			if (take_fraction(&s, end, frac, sizeof frac, 1) < 0)
				return -1;
			if (fractions++)
				return TWO_FRACTIONS;
			break;
		case 'b':
			mo = -1;
			for (int i = 0; i < 12 && mo < 0; i++)
				if (end - s >= 3 && strncasecmp(s, months[i], 3) == 0) {
					size_t full = strlen(months[i]);
					/* the whole name, or its first three letters */
					s += (size_t)(end - s) >= full && strncasecmp(s, months[i], full) == 0 ? full : 3;
					mo = i + 1;
				}
			if (mo < 0)
				return -1;
			break;
		case 'p':
			if (end - s < 2 || (toupper((unsigned char)s[1]) != 'M'))
				return -1;
			pm = toupper((unsigned char)s[0]) == 'P' ? 1 : toupper((unsigned char)s[0]) == 'A' ? 0 : -1;
			if (pm < 0)
				return -1;
			s += 2;
			break;
		case '%': if (s >= end || *s++ != '%') return -1; break;
		default: return -1;
		}
	}
	if (pm >= 0) {
		if (h < 1 || h > 12)
			return -1;
		h = h % 12 + (pm ? 12 : 0);
	}
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return -1;
	size_t rest = (size_t)(end - s);
	int k;
	if (has_time)
		k = snprintf(iso, 80, "%04d-%02d-%02dT%02d:%02d:%02d%s%s%.*s", y, mo, d, h, mi, se, frac[0] ? "." : "",
			     frac, (int)(rest < 40 ? rest : 40), s);
	else
		k = snprintf(iso, 80, "%04d-%02d-%02d%.*s", y, mo, d, (int)(rest < 40 ? rest : 40), s);
	return k < 0 || k >= 80 || rest >= 40 ? -1 : 0;
}

/* ---- times ---------------------------------------------------------------- */

/* A time as written; without a zone it is wall-clock time in the zone of
 * --tz (UTC without it).  0; below 0 when it is not a time (the code of
 * qts_time_parse: -1, QTS_TIME_TOO_FINE, QTS_TIME_OUT_OF_RANGE); SKIPPED when it is
 * a wall-clock time the zone skips (the clocks go forward past it), and
 * SKIPPED_DAY when it is on a date the zone skips whole.  A
 * time of the hour repeated as the clocks go back is its first instant,
 * or its second when the first is not after the symbol's row before (a
 * bar's) or is before it (a tick's or quote's): a symbol's rows in order
 * read the repeated hour twice, as it was.  The rows of other symbols
 * tell nothing of it (two symbols' bars of 01:00 are both of the first
 * 01:00), nor does a trade at the time of the one before (trades share a
 * time): only a bar has one time a symbol. */
enum { SKIPPED = -100, SKIPPED_DAY = -101 }; /* below qts_time_parse's codes */
static int when(qts_vendor *v, struct last_local *last, const char *s, size_t n, int64_t *ts)
{
	int zoned, code;
	if ((code = qts_time_parse_zoned(s, n, ts, &zoned)) < 0)
		return code;
	if (zoned || !v->o.local || v->utc_times)
		return 0;
	int64_t early, late;
	int instants = qts_local_instants(*ts, &early, &late);
	/* a date alone, on a day that starts late, is that day; but not
	 * one of a day the zone skipped whole (Pacific/Apia's 2011-12-30),
	 * which read as the next day's start made two rows of one day */
	if (instants == 0 && qts_floor_mod(*ts, QTS_NS_PER_DAY) != 0)
		return SKIPPED;
	if (instants == 0 && qts_local_date(early) != qts_floor_div(*ts, QTS_NS_PER_DAY))
		return SKIPPED_DAY;
	int second = last->set && (v->kind == QTS_BAR ? early <= last->ts : early < last->ts);
	*ts = instants == 2 && second ? late : early;
	last->ts = *ts, last->set = 1;
	return 0;
}

static int skipped(qts_vendor *v, long line, const char *s, int code)
{
	if (code == SKIPPED_DAY)
		return vfail(v, line, "'%s' is a date the zone of --tz skips: its clocks go forward past the whole day", s);
	return vfail(v, line, "'%s' is a time the zone of --tz skips: the clocks go forward past it", s);
}

/* A time written right that qts cannot keep, said as every reader says
 * it (code from when(): QTS_TIME_TOO_FINE or QTS_TIME_OUT_OF_RANGE);
 * 0 for any other code. */
static int unkept(qts_vendor *v, long line, const char *s, int code)
{
	if (code == QTS_TIME_TOO_FINE || code == QTS_TIME_OUT_OF_RANGE)
		return vfail(v, line, "'%s' %s", s, qts_time_wrong(code));
	return 0;
}

/* The unit of an epoch integer from its number of digits, for times from
 * 1973 to 2286: 9-10 digits are seconds, 12-13 milliseconds, 15-16
 * microseconds, 18-19 nanoseconds; 0 for other lengths, which could be
 * either of two units. */
static int64_t epoch_unit_of(size_t digits)
{
	switch (digits) {
	case 9: case 10: return QTS_NS_PER_SEC;
	case 12: case 13: return 1000000;
	case 15: case 16: return 1000;
	case 18: case 19: return 1;
	default: return 0;
	}
}

static const char *unit_name(int64_t unit)
{
	return unit == QTS_NS_PER_SEC ? "s" : unit == 1000000 ? "ms" : unit == 1000 ? "us" : "ns";
}

static const char *unit_words(int64_t unit)
{
	return unit == QTS_NS_PER_SEC ? "seconds" : unit == 1000000 ? "milliseconds"
	     : unit == 1000 ? "microseconds" : "nanoseconds";
}

static int all_digits(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789") == n;
}

/* The number of digits before the point of an epoch time with a fraction
 * (1700000000.5, as exchanges' dumps and Python's time() write them), or
 * 0 for anything else. */
static size_t epoch_fraction_digits(const char *s, size_t n)
{
	size_t i = strspn(s, "0123456789");
	return i > 0 && i + 1 < n && s[i] == '.' && all_digits(s + i + 1, n - i - 1) ? i : 0;
}

/* An epoch time in the file's unit: an integer, or one with a fraction
 * of the unit down to the nanosecond, read from its digits (a double
 * holds 1700000000.123456789 s only to a few hundred nanoseconds). */
static int epoch_time(qts_vendor *v, const char *s, size_t n, int64_t *ts, long line)
{
	char *end = NULL;
	/* digits after an optional sign and nothing else, as a number field
	 * takes them: strtoll alone would also skip blanks */
	int digit = n > 0 && (isdigit((unsigned char)s[0]) ||
			      ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1])));
	errno = 0;
	long long e = digit ? strtoll(s, &end, 10) : 0;
	int range = errno == ERANGE;
	int64_t frac = 0;
	if (digit && end < s + n && *end == '.' && end + 1 < s + n && all_digits(end + 1, (size_t)(s + n - end - 1))) {
		size_t k = (size_t)(s + n - end - 1), places = 0;
		for (int64_t u = v->epoch; u > 1; u /= 10)
			places++;
		if (k > places) {
			if (!places)
				return vfail(v, line, "'%s' has a fraction of a nanosecond, the finest time kept "
					     "(--epoch ns)", s);
			return vfail(v, line, "'%s' has %zu decimals: %s since the epoch take at most %zu, "
				     "to the nanosecond, the finest time kept", s, k, unit_words(v->epoch), places);
		}
		for (size_t i = 0; i < places; i++)
			frac = frac * 10 + (i < k ? end[1 + i] - '0' : 0);
		end = (char *)s + n;
	}
	if (!digit || end != s + n)
		return vfail(v, line, "'%s' is not an epoch integer (--epoch %s)", s, unit_name(v->epoch));
	/* An epoch beyond int64 nanoseconds would wrap around. */
	if (range || __builtin_mul_overflow(e, v->epoch, ts) ||
	    __builtin_add_overflow(*ts, s[0] == '-' ? -frac : frac, ts))
		return vfail(v, line, "'%s' %s since the epoch is not a time there is (1677-09-21 to 2262-04-11)",
			     s, unit_words(v->epoch));
	return 0;
}

/* The time of a row of the symbol whose last time read is *last (NULL
 * without --tz): 0, or QTS_VENDOR_BAD with the reason. */
static int parse_when(qts_vendor *v, struct last_local *last, char **f, size_t *len, int64_t *ts, long line)
{
	char date[16], both[120], formatted[80];
	int alone = v->col[C_DATETIME] >= 0 || v->col[C_TIME] < 0; /* one column holds the time */
	int col = v->col[C_DATETIME] >= 0 ? v->col[C_DATETIME] : v->col[C_DATE];
	const char *s = f[col];
	size_t n = len[col];
	size_t whole = all_digits(s, n) ? n : epoch_fraction_digits(s, n);
	if (alone && !v->epoch && !v->o.date_format && whole && n != 8) {
		/* Epoch integers without --epoch: the first one's digits
		 * give the unit for the whole file. */
		/* Up to 7 digits are no unit's time but 1970's: a
		 * spreadsheet's serial day (45293, 2024-01-02) more likely,
		 * which --epoch, as the message said, read as 1970. */
		if (whole < 8)
			return vfail(v, line, "'%s' is not a time: an integer of %zu digits is no date (YYYYMMDD), "
				     "and since the epoch in any unit it is in 1970 (a spreadsheet's day "
				     "number? write the dates as YYYY-MM-DD)", s, whole);
		if (!(v->epoch = epoch_unit_of(whole)))
			return vfail(v, line, "'%s' is not a time: epoch integers of %zu digits could be of "
				     "two units; name it with --epoch s|ms|us|ns", s, whole);
	}
	if (alone && v->epoch)
		return epoch_time(v, s, n, ts, line);
	const char *d;
	if (v->o.date_format) {
		int fr = formatted_time(v->o.date_format, s, n, formatted);
		if (fr == TWO_FRACTIONS)
			return vfail(v, line, "'%s' has two fractions of a second by --date-format '%s': %%S read one "
				     "after its seconds and %%f another; a time has one", s, v->o.date_format);
		if (fr < 0)
			return vfail(v, line, "'%s' does not match --date-format '%s'", s, v->o.date_format);
		d = formatted;
	} else
		d = iso_date(s, n, date);
	if (alone) {
		int r = when(v, last, d, strlen(d), ts);
		if (r == 0)
			return 0;
		if (r == SKIPPED || r == SKIPPED_DAY)
			return skipped(v, line, s, r);
		if (unkept(v, line, s, r))
			return QTS_VENDOR_BAD;
		return vfail(v, line, "'%s' is not a time%s", s,
			     v->o.date_format ? "" : " (RFC 3339, YYYY-MM-DD HH:MM:SS or a date; "
						     "name another layout with --date-format)");
	}
	const char *t = f[v->col[C_TIME]];
	int k;
	if (len[v->col[C_TIME]] == 6 && strspn(t, "0123456789") == 6)
		k = snprintf(both, sizeof both, "%s %.2s:%.2s:%.2s", d, t, t + 2, t + 4);
	else
		k = snprintf(both, sizeof both, "%s %s", d, t);
	/* Cut short, the rest of a long date could read as a time without
	 * the time column. */
	int r = k < 0 || (size_t)k >= sizeof both ? -1 : when(v, last, both, (size_t)k, ts);
	if (r == SKIPPED || r == SKIPPED_DAY)
		return skipped(v, line, both, r);
	if (r < 0 && unkept(v, line, both, r))
		return QTS_VENDOR_BAD;
	if (r < 0)
		return vfail(v, line, "'%s' and '%s' are not a date and a time%s", s, t,
			     v->o.date_format ? "" : " (YYYY-MM-DD or YYYYMMDD, HH:MM:SS or HHMMSS; "
						     "name another date layout with --date-format)");
	return 0;
}

/* ---- rows ----------------------------------------------------------------- */

/* How vendors write a number that is not there: a day without trading. */
static int no_data(const char *s)
{
	static const char *const words[] = { "", "null", "nan", "n/a", "na", "none", "nil", "-", "#n/a" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

static int num(qts_vendor *v, char **f, size_t *len, int col, const char *name, double *out, long line)
{
	if (col < 0) {
		*out = 0;
		return 0;
	}
	/* inf is no price: the event reader refuses it, so it is not written. */
	if (qts_num_parse(f[col], len[col], out) == 0 && isfinite(*out))
		return 0;
	if (no_data(f[col])) {
		vfail(v, line, "%s: '%s' is not a number (a row without data)", name, f[col]);
		return QTS_VENDOR_NO_DATA;
	}
	return vfail(v, line, "%s: '%s' is not a number", name, f[col]);
}

/* A Parquet row as the text of its fields, as a CSV row would be: its
 * number of fields, 0 after the last row, -1 (v->err). */
static int pq_row(qts_vendor *v, char ***f, size_t **len)
{
	int r = qts_pq_next(v->pq);
	if (r <= 0) {
		if (r < 0)
			QTS_SET(v->err, qts_pq_error(v->pq));
		return r;
	}
	size_t n = qts_pq_ncolumns(v->pq), off = 0;
	for (size_t i = 0; i < n; i++) {
		qts_pq_value val;
		char num[64];
		const char *s;
		qts_pq_get(v->pq, i, &val);
		const qts_pq_column *col = qts_pq_column_at(v->pq, i);
		size_t k = qts_pq_value_text(&val, col->utc, num, &s);
		/* A null number or time reads as the word vendors write for
		 * one (a row without data); a null text is empty. */
		if (val.kind == QTS_PQV_NULL && col->kind != QTS_PQV_STR)
			s = "null", k = 4;
		if (off + k + 1 > v->ptext_cap) {
			size_t cap = v->ptext_cap ? v->ptext_cap : 256;
			while (cap < off + k + 1)
				cap *= 2;
			char *t = realloc(v->ptext, cap);
			if (!t) {
				QTS_SET(v->err, "out of memory");
				return -1;
			}
			v->ptext = t, v->ptext_cap = cap;
		}
		if (k)
			memcpy(v->ptext + off, s, k);
		v->ptext[off + k] = '\0';
		v->plen[i] = k;
		off += k + 1;
	}
	off = 0;
	for (size_t i = 0; i < n; i++) {
		v->pf[i] = v->ptext + off;
		off += v->plen[i] + 1;
	}
	*f = v->pf, *len = v->plen;
	return (int)n;
}

/* One row into an event (a bar without its timeframe yet): 1, 0 at the
 * end, -1 on an error that ends the file, QTS_VENDOR_BAD. */
static int read_row(qts_vendor *v, qts_event *ev, long *line)
{
	char **f;
	size_t *len;
	int n = v->pq ? pq_row(v, &f, &len) : qts_csv_next(v->csv, &f, &len);
	if (n < 0) {
		if (!v->pq)
			snprintf(v->err, sizeof v->err, "%s", qts_csv_error(v->csv));
		return -1;
	}
	if (n == 0)
		return 0;
	v->rows++;
	*line = v->pq ? (long)qts_pq_row(v->pq) : qts_csv_line(v->csv);
	v->where_line = *line;
	if ((size_t)n != v->nheader)
		return vfail(v, *line, "%d fields, but %s names %zu%s", n, v->header_is, v->nheader,
			     v->o.columns ? "" : " (--columns NAMES names the columns)");
	/* '2024-01-02\0junk' would be read as the date, 'AB\0C' as AB */
	int nul = qts_csv_nul_field(f, len, n);
	if (nul)
		return vfail(v, *line, "field %d holds a NUL byte", nul);
	qts_event_init(ev, v->kind, 0);
	/* The symbol first: a time in --tz is read after the symbol's last. */
	const char *sym = v->col[C_SYMBOL] >= 0 ? f[v->col[C_SYMBOL]] : v->o.symbol;
	if (strlen(sym) >= QTS_SYM_MAX)
		return vfail(v, *line, "symbol '%s' is longer than %d bytes%s", sym, QTS_SYM_MAX - 1,
			     v->col[C_SYMBOL] >= 0 ? "" : " (the file's name: name the symbol with -s)");
	if (!sym[0])
		return vfail(v, *line, "the symbol column is empty");
	char shown[4 * QTS_SYM_MAX + 8];
	const char *fault = qts_symbol_name_fault(sym, strlen(sym), shown);
	if (fault)
		return vfail(v, *line, "symbol '%s' %s%s", shown, fault,
			     v->col[C_SYMBOL] >= 0 ? "" : " (the file's name: name the symbol with -s)");
	QTS_SET(ev->symbol, sym);
	struct last_local *last = NULL;
	if (v->last_local && !(last = qts_symtab_get(v->last_local, sym))) {
		snprintf(v->err, sizeof v->err, "out of memory");
		return -1;
	}
	int r;
	if ((r = parse_when(v, last, f, len, &ev->ts, *line)) != 0)
		return r;
	double adj = 0;
	if (v->kind == QTS_TICK) {
		if ((r = num(v, f, len, v->col[C_PRICE], "price", &ev->tick.price, *line)) ||
		    (r = num(v, f, len, v->col[C_SIZE], "size", &ev->tick.size, *line)))
			return r;
	} else if (v->kind == QTS_QUOTE) {
		if ((r = num(v, f, len, v->col[C_BID], "bid", &ev->quote.bid, *line)) ||
		    (r = num(v, f, len, v->col[C_ASK], "ask", &ev->quote.ask, *line)) ||
		    (r = num(v, f, len, v->col[C_BIDSIZE], "bid size", &ev->quote.bid_size, *line)) ||
		    (r = num(v, f, len, v->col[C_ASKSIZE], "ask size", &ev->quote.ask_size, *line)))
			return r;
	} else if ((r = num(v, f, len, v->col[C_OPEN], "open", &ev->bar.open, *line)) ||
		   (r = num(v, f, len, v->col[C_HIGH], "high", &ev->bar.high, *line)) ||
		   (r = num(v, f, len, v->col[C_LOW], "low", &ev->bar.low, *line)) ||
		   (r = num(v, f, len, v->col[C_CLOSE], "close", &ev->bar.close, *line)) ||
		   (r = num(v, f, len, v->col[C_VOLUME], "volume", &ev->bar.volume, *line)) ||
		   (r = num(v, f, len, v->col[C_ADJ], "adj close", &adj, *line)))
		return r;
	if (v->kind == QTS_BAR && v->o.adjust) {
		/* The scale adj close / close of a price that is none: an adj
		 * close of 0 made a bar of zeros, a negative one turned the
		 * bar over, and a close of 0 left the bar unadjusted, each
		 * without a word, as an empty adj close is not. */
		if (!(adj > 0))
			return vfail(v, *line, "adj close: '%s' is not a positive price (--adjust scales by adj close / close)",
				     f[v->col[C_ADJ]]);
		if (!(ev->bar.close > 0))
			return vfail(v, *line, "close: '%s' is not a positive price (--adjust scales by adj close / close)",
				     f[v->col[C_CLOSE]]);
		double k = adj / ev->bar.close;
		ev->bar.open *= k, ev->bar.high *= k, ev->bar.low *= k;
		ev->bar.close = adj;
		if (!isfinite(ev->bar.open) || !isfinite(ev->bar.high) || !isfinite(ev->bar.low))
			return vfail(v, *line, "adj close / close overflows the prices");
	}
	return 1;
}

/* The timeframe from the spacing of the first rows: their most common gap
 * (the smallest of equally common ones), so holidays and missing bars do
 * not fool it. */
/* Days in a zone with daylight saving time are 23 or 25 hours (23.5,
 * 24.5 on Lord Howe) where the clocks change: a gap of days read there is
 * whole days. */
static int64_t whole_days(int64_t g)
{
	int64_t day = QTS_NS_PER_DAY, hour = 3600 * QTS_NS_PER_SEC, r = g % day;
	if (g < day - hour || (r > hour && r < day - hour))
		return g;
	return r <= hour ? g - r : g + (day - r);
}

/* The calendar months a gap of days between labels spans, when it is as
 * long as some run of them (a quarter is 89 to 92 days, which 13 weeks,
 * 91, would take otherwise); 0 when it is none. */
static int months_of(int64_t days)
{
	static const struct { int months, least, most; } span[] = {
		{ 1, 28, 31 }, { 2, 59, 62 }, { 3, 89, 92 }, { 4, 120, 123 }, { 6, 181, 184 }, { 12, 365, 366 },
	};
	for (size_t i = 0; i < sizeof span / sizeof span[0]; i++)
		if (days >= span[i].least && days <= span[i].most)
			return span[i].months;
	return 0;
}

static void infer_tf(qts_vendor *v)
{
	int64_t gaps[INFER_ROWS];
	int ngaps = 0;
	for (int i = 1; i < v->nqueue; i++)
		for (int j = i - 1; j >= 0 && !v->queue[i].bad; j--)
			if (!v->queue[j].bad && strcmp(v->queue[i].ev.symbol, v->queue[j].ev.symbol) == 0) {
				/* A gap wider than int64 (times centuries apart) tells
				 * nothing and would overflow. */
				int64_t g;
				if (v->queue[i].ev.ts > v->queue[j].ev.ts &&
				    !__builtin_sub_overflow(v->queue[i].ev.ts, v->queue[j].ev.ts, &g))
					gaps[ngaps++] = v->o.local ? whole_days(g) : g;
				break;
			}
	int64_t gap = 0;
	int best = 0;
	for (int i = 0; i < ngaps; i++) {
		int count = 0;
		for (int j = 0; j < ngaps; j++)
			count += gaps[j] == gaps[i];
		if (count > best || (count == best && gaps[i] < gap))
			best = count, gap = gaps[i];
	}
	qts_tf tf = { 1, 'd' };
	/* Times off whole seconds (bars made of trades, every gap its own)
	 * make one-second bars at the least: the shortest length there is. */
	if (gap > 0 && gap % QTS_NS_PER_SEC != 0) {
		gap = gap < QTS_NS_PER_SEC ? QTS_NS_PER_SEC : gap - gap % QTS_NS_PER_SEC;
		v->tf_rounded = 1;
	}
	int64_t s = gap / QTS_NS_PER_SEC, count = 0;
	char unit = 'd';
	if (s > 0) {
		if (s % 86400 == 0) {
			int64_t days = s / 86400;
			int in_months = months_of(days);
			count = in_months ? in_months : days % 7 == 0 ? days / 7 : days;
			unit = in_months ? 'M' : days % 7 == 0 ? 'w' : 'd';
		} else if (s % 3600 == 0)
			count = s / 3600, unit = 'h';
		else if (s % 60 == 0)
			count = s / 60, unit = 'm';
		else
			count = s, unit = 's';
	}
	/* Only a count qts_tf_parse reads back (below a million): a wider gap
	 * is no bar length, and stays 1d. */
	if (count >= 1 && count < 1000000)
		tf = (qts_tf){ (int)count, unit };
	/* measured, not the 1d left for want of a gap (rows newest first
	 * have none: validation names their order) */
	v->tf_inferred = count >= 1 && count < 1000000;
	qts_tf_format(tf, v->tf);
	v->tfv = tf;
	v->tf_ns = qts_tf_ns(tf);
}

/* The day (since 1970-01-01) of the date at t: UTC's, or with --tz the
 * zone's (TZ is set to it). */
static int64_t date_of(const qts_vendor *v, int64_t t)
{
	return v->o.local ? qts_local_date(t) : qts_floor_div(t, QTS_NS_PER_DAY);
}

/* The day a label of a bar of days, weeks or months falls in: the date of
 * its instant, or with end (--stamp end) of the instant before it.  But a
 * label at 00:00 UTC is the date it names, in every zone: qts and the
 * vendors date such bars so (2024-01-01T00:00:00Z is the week or month of
 * January 1), and read in the zone of --tz it was the evening before west
 * of UTC (the week or month before, by a Monday's or a 1st's label, its
 * bar known before its days had traded) and, with end, the morning of
 * the date east of it (the week or month after). */
static int64_t label_day(const qts_vendor *v, int64_t t, int end)
{
	if (v->o.local && qts_floor_mod(t, QTS_NS_PER_DAY) == 0)
		return qts_floor_div(t, QTS_NS_PER_DAY) - (end ? 1 : 0);
	return date_of(v, end ? t - (t > INT64_MIN) : t);
}

/* Bars of several weeks or months read as starting in the week or month
 * of their label: right for a label on their first day, and a period
 * late for one on their last (backtrader's 2-week files), where --stamp
 * end is meant.  Where the first label is late in its week (Thursday on)
 * or month (the 20th on), the user is told so, once. */
static void label_late(const qts_vendor *v, qts_tf tf, int64_t day, long line)
{
	static const char *const weekday[7] = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
	int y;
	unsigned m, d;
	qts_civil_from_days(day, &y, &m, &d);
	int wd = (int)(((day + 3) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
	if (tf.unit == 'w' ? wd < 3 : d < 20)
		return;
	char on[40];
	if (tf.unit == 'w')
		snprintf(on, sizeof on, "a %s", weekday[wd]);
	else
		snprintf(on, sizeof on, "day %u", d);
	qts_warn("%s:%ld: %s bar labelled %04d-%02u-%02u (%s) is read as starting that %s (--stamp start); "
		 "if labels are bars' last days, give --stamp end",
		 qts_input_name(v->in), line, v->tf, y, m, d, on, tf.unit == 'w' ? "week" : "month");
}

/* 0, or QTS_VENDOR_BAD when the bar's start, from its end, is before the
 * earliest time there is (int64 nanoseconds begin on 1677-09-21). */
static int finish(qts_vendor *v, qts_event *ev, long line)
{
	v->where_line = line;
	if (v->kind != QTS_BAR)
		return 0;
	QTS_SET(ev->bar.tf, v->tf);
	qts_tf tf = v->tfv;
	if (tf.unit == 'd' && v->o.stamp_end && v->o.local && qts_floor_mod(ev->ts, QTS_NS_PER_DAY) != 0) {
		/* Days of the zone follow its calendar, 23 or 25 hours long
		 * where the clocks change: a bar labelled at its end starts n
		 * days before on the zone's wall clock (at its midnight for a
		 * label at midnight), not n times 24 hours before. */
		int64_t wall;
		if (__builtin_sub_overflow(qts_utc_to_local(ev->ts), v->tf_ns, &wall) ||
		    (ev->ts = qts_local_to_utc(wall)) == INT64_MIN)
			return vfail(v, line, "the bar would start before 1677-09-21");
		return 0;
	}
	/* A label at 00:00 UTC names a date (label_day), also read in the
	 * zone of --tz: the bar labelled at its end so is the n days before,
	 * at 00:00 UTC as qts dates days, not 24 hours of the zone's wall
	 * clock before (01:00 UTC before New York's short day). */
	if (tf.unit != 'w' && tf.unit != 'M') {
		if (v->o.stamp_end && __builtin_sub_overflow(ev->ts, v->tf_ns, &ev->ts))
			return vfail(v, line, "the bar would start before 1677-09-21");
		return 0;
	}
	/* Weeks and months start on a Monday and on the 1st, at midnight
	 * (the zone's with --tz), whatever day a vendor labels them with: a
	 * bar is the one its label falls in, or with --stamp end the one the
	 * instant before it falls in, n - 1 of them before; so a label on its
	 * last day (a Friday, the 31st) gives the same start both ways, and
	 * so does one at its end (the next Monday, the next 1st) with
	 * --stamp end. */
	int64_t day = label_day(v, ev->ts, v->o.stamp_end);
	int back = v->o.stamp_end ? tf.n - 1 : 0;
	if (!v->o.stamp_end && tf.n > 1 && !v->label_looked++)
		label_late(v, tf, day, line);
	if (tf.unit == 'w') {
		int64_t monday = ((day + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
		day -= monday + 7 * (int64_t)back;
	} else {
		int y;
		unsigned m, d;
		qts_civil_from_days(day, &y, &m, &d);
		long month = (long)y * 12 + (long)m - 1 - back;
		day = qts_days_from_civil((int)qts_floor_div(month, 12), (unsigned)(month - qts_floor_div(month, 12) * 12) + 1, 1);
	}
	if (__builtin_mul_overflow(day, QTS_NS_PER_DAY, &ev->ts))
		return vfail(v, line, "the bar would start before 1677-09-21");
	if (v->o.local)
		ev->ts = qts_local_to_utc(ev->ts);
	return 0;
}

/* A gap between two rows in words: "1 day", "5 minutes", "0.5 seconds". */
static void apart(int64_t g, char *buf, size_t size)
{
	static const struct { int64_t ns; const char *one, *many; } unit[] = {
		{ QTS_NS_PER_DAY, "day", "days" }, { 3600 * QTS_NS_PER_SEC, "hour", "hours" },
		{ 60 * QTS_NS_PER_SEC, "minute", "minutes" }, { QTS_NS_PER_SEC, "second", "seconds" },
	};
	for (size_t i = 0; i < sizeof unit / sizeof unit[0]; i++)
		if (g % unit[i].ns == 0) {
			snprintf(buf, size, "%lld %s", (long long)(g / unit[i].ns), g == unit[i].ns ? unit[i].one : unit[i].many);
			return;
		}
	snprintf(buf, size, "%.9g seconds", (double)g / (double)QTS_NS_PER_SEC);
}

/* A row's time as the file means it: its date when both rows shown are
 * at a midnight, else its time; the zone's wall clock with --tz (without
 * the Z, which would say UTC). */
static void row_time(const qts_vendor *v, int64_t wall, int date, char *buf)
{
	qts_time_format(wall, buf);
	if (date)
		buf[10] = '\0';
	else if (v->o.local)
		buf[strlen(buf) - 1] = '\0';
}

/* With -t, rows of a symbol closer than one bar of the timeframe are not
 * bars of it: given -t 1w, daily rows were each relabelled as the week
 * they fall in and the second of a week failed as a duplicate bar, which
 * did not say why; given -t 1d, rows of minutes went out as days without
 * a word.  Only closer: a gap (a weekend, a holiday, a missing bar, the
 * night between two sessions) is no contradiction.  Days, weeks and
 * months follow the calendar (the zone's with --tz), as finish() does:
 * rows of n-day bars are on dates n days apart at the least (n trading
 * days span n days of the calendar or more), rows of n-week or n-month
 * bars in weeks (from Monday) or months n apart, whatever their days (a
 * Thursday label where the Friday was a holiday is six days after the
 * Friday before, in the next week; February has 28 days).  Seconds,
 * minutes and hours are lengths: the time elapsed, or on the wall clock
 * with --tz where that is longer (the repeated hour as the clocks go
 * back; bars of hours on the wall clock across the skipped one).  A row
 * at the time of the one before is validation's to refuse, as a
 * duplicate.  0, or -1 (the file's end: its rows are not bars of the
 * timeframe) with v->err. */
static int tf_contradicted(qts_vendor *v, const qts_event *ev, long line)
{
	struct last_row *last = qts_symtab_get(v->last_row, ev->symbol);
	if (!last) {
		snprintf(v->err, sizeof v->err, "out of memory");
		return -1;
	}
	qts_tf tf = v->tfv;
	int64_t wall = v->o.local ? qts_utc_to_local(ev->ts) : ev->ts;
	int calendar = tf.unit == 'd' || tf.unit == 'w' || tf.unit == 'M';
	int64_t before = last->ts;
	int had = last->set;
	last->ts = ev->ts, last->set = 1;
	if (!had || ev->ts == before)
		return 0;
	/* Rows going back are measured as those going forward: a file
	 * newest first is bars of its timeframe or not alike. */
	int back = ev->ts < before;
	int64_t before_wall = v->o.local ? qts_utc_to_local(before) : before;
	int64_t lo = back ? ev->ts : before, hi = back ? before : ev->ts;
	int64_t lo_wall = back ? wall : before_wall, hi_wall = back ? before_wall : wall;
	int64_t gap, wall_gap;
	int far = __builtin_sub_overflow(hi, lo, &gap) || __builtin_sub_overflow(hi_wall, lo_wall, &wall_gap);
	if (!far && wall_gap > gap)
		gap = wall_gap;
	if (calendar) {
		/* The day a label falls in, as finish() takes it: with
		 * --stamp end, the instant before it. */
		int64_t a = label_day(v, lo, v->o.stamp_end);
		int64_t b = label_day(v, hi, v->o.stamp_end);
		if (tf.unit == 'w')
			a = qts_floor_div(a + 3, 7), b = qts_floor_div(b + 3, 7); /* Monday 1969-12-29 begins week 0 */
		else if (tf.unit == 'M') {
			int y;
			unsigned m, d;
			qts_civil_from_days(a, &y, &m, &d);
			a = (int64_t)y * 12 + m;
			qts_civil_from_days(b, &y, &m, &d);
			b = (int64_t)y * 12 + m;
		}
		if (b - a >= tf.n)
			return 0;
	}
	int dates = qts_floor_mod(wall, QTS_NS_PER_DAY) == 0 && qts_floor_mod(before_wall, QTS_NS_PER_DAY) == 0;
	if (!calendar && (far || gap >= v->tf_ns)) {
		/* A whole number of days in hours (24h, 1440m) on rows of
		 * dates is no contradiction (a row a day after the one before
		 * is no closer than 24 hours), but qts-events(5) keeps 24h and
		 * 1d apart, and daily bars are 1d: said once, at the first
		 * such row after another. */
		if (dates && v->tf_ns % QTS_NS_PER_DAY == 0 && !v->day_in_hours_said++) {
			char a[40], b[40];
			long long days = (long long)(v->tf_ns / QTS_NS_PER_DAY);
			row_time(v, before_wall, 1, a);
			row_time(v, wall, 1, b);
			qts_warn("%s:%ld: rows of dates (%s, %s) read as %s bars: %lld hours from the start of a day, "
				 "not a day of trading (%lldd); if they are daily bars, give -t %lldd",
				 qts_input_name(v->in), line, a, b, v->tf, days * 24, days, days);
		}
		return 0;
	}
	char a[40], b[40], g[48];
	row_time(v, before_wall, dates, a);
	row_time(v, wall, dates, b);
	if (far) /* centuries apart, within one bar of thousands of months */
		snprintf(g, sizeof g, "%lld days", (long long)(qts_floor_div(hi_wall, QTS_NS_PER_DAY) -
							       qts_floor_div(lo_wall, QTS_NS_PER_DAY)));
	else
		apart(gap, g, sizeof g);
	/* A first bar of a session off the grid of hours, minutes or
	 * seconds (09:30, then 10:00 and on: Interactive Brokers' hourly
	 * bars) is a shorter bar, which no timeframe reads: -t 30m would
	 * take the next bars for half of what they hold.  Say what it is,
	 * and the label it has as qts's bar of its interval. */
	char what[200] = "";
	if (!calendar && !back && !far && v->tf_ns > 0 && qts_floor_mod(lo_wall, v->tf_ns) != 0 &&
	    qts_floor_mod(hi_wall, v->tf_ns) == 0 && hi_wall - lo_wall < v->tf_ns) {
		char at[40], grid[40];
		row_time(v, lo_wall, 0, at);
		row_time(v, lo_wall - qts_floor_mod(lo_wall, v->tf_ns), 0, grid);
		snprintf(what, sizeof what, "the one at %.5s is short (a session's open); label it %.5s, "
			 "its %s bar's start, as qts-resample does", at + 11, grid + 11, v->tf);
	}
	if (!what[0] && v->tf_rounded) /* no timeframe reads them */
		snprintf(what, sizeof what, "trades written as bars? --columns naming the time, price and size "
			 "columns reads them as ticks");
	vfail(v, line, "rows of %s %s apart (%s, %s) are closer than one %s bar: %s%s%s", ev->symbol, g, a, b, v->tf,
	      what[0] ? what : "they are not ", what[0] ? "" : v->tf,
	      what[0] ? "" : v->tf_inferred ? " bars, though the most common gap between its first rows; "
					       "give -t their timeframe"
					     : " bars; give -t their timeframe, or leave it out to infer it");
	/* and the file ends here, however often it is read again */
	QTS_SET(v->fatal, v->err);
	v->fatal_after_queue = 1;
	return -1;
}

/* No two rows of a symbol to measure the bars' length by leaves 1d: right
 * for rows of dates, but a row with a time of day (a one-row file of
 * minute bars) made a "daily" bar starting at 09:05, exit 0.  Such a
 * file fails before its first row, asking for -t. */
static void one_intraday_row(qts_vendor *v)
{
	int i;
	for (i = 1; i < v->nqueue; i++)
		for (int j = 0; j < i; j++)
			if (!v->queue[i].bad && !v->queue[j].bad &&
			    strcmp(v->queue[i].ev.symbol, v->queue[j].ev.symbol) == 0)
				return; /* a gap was measured */
	for (i = 0; i < v->nqueue; i++) {
		const struct ahead *a = &v->queue[i];
		int64_t wall = v->o.local ? qts_utc_to_local(a->ev.ts) : a->ev.ts;
		if (a->bad || qts_floor_mod(wall, QTS_NS_PER_DAY) == 0)
			continue;
		char t[40];
		qts_time_format(wall - qts_floor_mod(wall, QTS_NS_PER_SEC), t);
		t[19] = '\0';
		vfail(v, a->line, "one row of %s, at a time of day (%s), and no other to measure its bars' length by: "
		      "give it with -t (1m, 5m, 1h...)", a->ev.symbol, t + 11);
		QTS_SET(v->fatal, v->err);
		v->fatal_after_queue = 1;
		/* None of them goes out as a daily bar; but the rows that did
		 * not parse still go out in their place, first: one of them may
		 * be the other row (a minute's 10:61), and is the fault to name
		 * where --on-bad stops, not the want of a second row. */
		v->withhold = 1;
		return;
	}
}

/* Read the first rows ahead, bad ones in their place, to infer the
 * timeframe from them: only when there is one to infer, since a row read
 * ahead from a pipe waits for the next ones (a live feed's bar would go
 * out rows late). */
static void prime(qts_vendor *v)
{
	v->primed = 1;
	if (v->tf[0] || v->kind != QTS_BAR)
		return;
	while (v->nqueue < INFER_ROWS) {
		struct ahead *a = &v->queue[v->nqueue];
		int r = read_row(v, &a->ev, &a->line);
		if (r == 0)
			break;
		if (r == -1) {
			v->fatal_after_queue = 1;
			QTS_SET(v->fatal, v->err);
			break;
		}
		if ((a->bad = r < -1 ? r : 0))
			QTS_SET(a->msg, v->err);
		v->nqueue++;
	}
	if (!v->tf[0] && v->kind == QTS_BAR) {
		infer_tf(v);
		one_intraday_row(v);
		/* The timeframe inferred is checked against the rows as one
		 * given is: rows closer than a bar of it (an hour's bars after
		 * a first one at 09:30) went out as bars that overlap.  So is
		 * one of seconds from times off whole seconds (trades written
		 * as bars, every gap its own): rows closer than a second went
		 * out as one-second bars that overlap, which every stage
		 * refuses; they are ticks, and the message says how to read
		 * them so. */
		if (v->tf_inferred && !v->fatal_after_queue && !(v->last_row = qts_symtab_new(sizeof(struct last_row)))) {
			QTS_SET(v->fatal, "out of memory");
			v->fatal_after_queue = 1;
		}
	}
}

int qts_vendor_next(qts_vendor *v, qts_event *ev)
{
	if (v->is_native) {
		int r = qts_pq_next(v->pq);
		if (r <= 0) {
			if (r < 0)
				QTS_SET(v->err, qts_pq_error(v->pq));
			return r;
		}
		v->rows++;
		v->where_line = (long)qts_pq_row(v->pq);
		return qts_pq_row_event(v->pq, v->native, ev, v->err, sizeof v->err) < 0 ? QTS_VENDOR_BAD : 1;
	}
	if (!v->primed)
		prime(v);
	while (v->qpos < v->nqueue) {
		/* The rows read ahead first, errors after them. */
		struct ahead *a = &v->queue[v->qpos++];
		v->where_line = a->line;
		if (a->bad) {
			QTS_SET(v->err, a->msg);
			return a->bad;
		}
		if (v->withhold)
			continue;
		*ev = a->ev;
		if (v->last_row && tf_contradicted(v, ev, a->line) < 0)
			return -1;
		return finish(v, ev, a->line) < 0 ? QTS_VENDOR_BAD : 1;
	}
	if (v->fatal_after_queue) {
		QTS_SET(v->err, v->fatal);
		return -1;
	}
	long line;
	int r = read_row(v, ev, &line);
	if (r > 0 && v->last_row && tf_contradicted(v, ev, line) < 0)
		return -1;
	if (r > 0 && finish(v, ev, line) < 0)
		return QTS_VENDOR_BAD;
	return r;
}

void qts_vendor_close(qts_vendor *v)
{
	if (!v)
		return;
	qts_csv_close(v->csv);
	qts_pq_close(v->pq);
	free(v->pf);
	free(v->plen);
	free(v->ptext);
	qts_symtab_free(v->last_local);
	qts_symtab_free(v->last_row);
	qts_input_close(v->in);
	free(v);
}

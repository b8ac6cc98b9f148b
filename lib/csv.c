/* csv.c — CSV rows (RFC 4180) with line numbers.
 *
 * Input is taken a line at a time.  A line without a double quote cannot
 * hold a quoted field, so it is split on commas directly; any other line,
 * and the lines that follow it while a quoted field stays open, go through
 * libcsv.  The fast path matters: a qts stage reads millions of rows. */
#include "csv_priv.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

struct qts_csv {
	qts_input *in;
	struct csv_parser parser;
	int in_quoted_record;  /* libcsv holds part of a record */
	long line;             /* lines read so far */
	long row_line;         /* line where the returned row started */
	long embedded_nl;      /* newlines inside the fields of libcsv's record */
	/* The current row: field text in text[], NUL-separated. */
	char *text;
	size_t text_len, text_cap;
	size_t *off, *lens;
	char **fields;
	size_t nfields, fields_cap;
	int row_done;          /* libcsv completed a row */
	int row_count_pending; /* rows completed by one libcsv feed beyond the first */
	unsigned char delim;   /* the field separator: ',' unless set */
	int skip_bom;          /* qts_csv_skip_bom */
	char err[256];
};

static int grow_text(qts_csv *c, size_t need)
{
	if (c->text_len + need <= c->text_cap)
		return 0;
	size_t cap = c->text_cap ? c->text_cap : 256;
	while (cap < c->text_len + need)
		cap *= 2;
	char *t = realloc(c->text, cap);
	if (!t)
		return -1;
	c->text = t;
	c->text_cap = cap;
	return 0;
}

/* Room for one more field. */
static inline int grow_more_fields(qts_csv *c);
static inline int grow_fields(qts_csv *c)
{
	return c->nfields < c->fields_cap ? 0 : grow_more_fields(c);
}

static inline int grow_more_fields(qts_csv *c)
{
	size_t cap = c->fields_cap ? c->fields_cap * 2 : 16;
	size_t *o = realloc(c->off, cap * sizeof *o);
	if (o)
		c->off = o;
	size_t *l = realloc(c->lens, cap * sizeof *l);
	if (l)
		c->lens = l;
	char **f = realloc(c->fields, cap * sizeof *f);
	if (f)
		c->fields = f;
	if (!o || !l || !f)
		return -1;
	c->fields_cap = cap;
	return 0;
}

static int add_field(qts_csv *c, const char *s, size_t n)
{
	if (grow_fields(c) < 0 || grow_text(c, n + 1) < 0)
		return -1;
	memcpy(c->text + c->text_len, s, n);
	c->text[c->text_len + n] = '\0';
	c->off[c->nfields] = c->text_len;
	c->lens[c->nfields++] = n;
	c->text_len += n + 1;
	return 0;
}

/* Bytes of x equal to b have their high bit set; a byte just above a true
 * match may be flagged too (borrow), so callers check each candidate. */
static inline uint64_t bytes_equal(uint64_t x, unsigned char b)
{
	uint64_t y = x ^ (0x0101010101010101ULL * b);
	return (y - 0x0101010101010101ULL) & ~y & 0x8080808080808080ULL;
}

/* The fast path: copy the line once, then cut it at each comma, looking
 * at eight bytes at a time.  Returns 1 when the line holds a double quote
 * or a CR (it needs libcsv), 0 when split, -1 when out of memory.  A CR
 * inside a line ends a record (RFC 4180; a file with lone CR line ends):
 * libcsv splits it and the caller refuses the line, where splitting here
 * on commas alone would glue records together into one. */
static int split_line(qts_csv *c, const char *line, size_t len)
{
	if (grow_text(c, len + 8) < 0)
		return -1;
	const unsigned char delim = c->delim;
	char *t = c->text;
	memcpy(t, line, len);
	memset(t + len, 0, 8); /* whole words to the end, no stray matches */
	size_t start = 0;
	for (size_t at = 0; at < len; at += 8) {
		uint64_t w;
		memcpy(&w, t + at, 8);
		uint64_t m = bytes_equal(w, delim) | bytes_equal(w, '"') | bytes_equal(w, '\r');
		while (m) {
			size_t i = at + (size_t)(__builtin_ctzll(m) >> 3);
			m &= m - 1;
			if (i >= len)
				break;
			if (t[i] == '"' || t[i] == '\r') {
				c->nfields = 0;
				return 1;
			}
			if ((unsigned char)t[i] != delim)
				continue;
			if (grow_fields(c) < 0)
				return -1;
			t[i] = '\0';
			c->off[c->nfields] = start;
			c->lens[c->nfields++] = i - start;
			start = i + 1;
		}
	}
	if (grow_fields(c) < 0)
		return -1;
	c->off[c->nfields] = start;
	c->lens[c->nfields++] = len - start;
	c->text_len = len + 1;
	return 0;
}

/* libcsv trims spaces and tabs around unquoted fields by default; the
 * fast path keeps them, and so must libcsv, or a field's text would
 * depend on whether another field of its line is quoted. */
static int no_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void on_field(void *s, size_t n, void *data)
{
	qts_csv *c = data;
	if (c->row_done) {
		/* A second row in one feed (lines ended by a lone CR): keep
		 * only whole rows; this one is reported as malformed input. */
		c->row_count_pending++;
		return;
	}
	for (size_t i = 0; i < n; i++)
		c->embedded_nl += ((char *)s)[i] == '\n';
	if (add_field(c, s ? s : "", s ? n : 0) < 0)
		c->row_count_pending = -1;
}

static void on_row(int term, void *data)
{
	(void)term;
	qts_csv *c = data;
	if (c->row_done)
		c->row_count_pending++;
	c->row_done = 1;
}

qts_csv *qts_csv_open(qts_input *in)
{
	qts_csv *c = calloc(1, sizeof *c);
	if (!c || csv_init(&c->parser, CSV_APPEND_NULL | CSV_EMPTY_IS_NULL | CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(c);
		return NULL;
	}
	csv_set_space_func(&c->parser, no_space);
	c->in = in;
	c->delim = ',';
	return c;
}

int qts_csv_nul_field(char *const *fields, const size_t *lens, int n)
{
	for (int i = 0; i < n; i++)
		if (fields[i] && memchr(fields[i], '\0', lens[i]))
			return i + 1;
	return 0;
}

void qts_csv_skip_bom(qts_csv *c)
{
	c->skip_bom = 1;
}

void qts_csv_set_delimiter(qts_csv *c, char delim)
{
	c->delim = (unsigned char)delim;
	csv_set_delim(&c->parser, (unsigned char)delim);
}

long qts_csv_line(const qts_csv *c) { return c->row_line; }
const char *qts_csv_error(const qts_csv *c) { return c->err; }

static int finish_row(qts_csv *c, char ***fields, size_t **lens)
{
	for (size_t i = 0; i < c->nfields; i++)
		c->fields[i] = c->text + c->off[i];
	*fields = c->fields;
	*lens = c->lens;
	return (int)c->nfields;
}

static int csv_fail(qts_csv *c, const char *what)
{
	snprintf(c->err, sizeof c->err, "%s:%ld: %s", qts_input_name(c->in), c->line, what);
	return -1;
}

/* libcsv's strict mode says only "error parsing data": find the quote it
 * stopped at on the line, and say what is wrong with it in words.  A line
 * that continues a quoted field from the lines before has no field count
 * of its own. */
static int quote_fail(qts_csv *c, const char *line, size_t n, int continued)
{
	static const char how[] = "(a field with a double quote must be quoted whole, "
				  "each quote inside it doubled)";
	char what[200];
	size_t field = 1, i = 0;
	while (!continued && i < n) {
		if (line[i] == '"') {
			for (i++; i < n && !(line[i] == '"' && !(i + 1 < n && line[i + 1] == '"')); i++)
				i += line[i] == '"'; /* a doubled quote */
			if (i >= n)
				break; /* open to the next line: not this line's fault */
			i++;
			if (i < n && (unsigned char)line[i] != c->delim && line[i] != '\n' && line[i] != '\r') {
				snprintf(what, sizeof what, "field %zu: text after its closing quote %s", field, how);
				return csv_fail(c, what);
			}
		} else
			for (; i < n && (unsigned char)line[i] != c->delim && line[i] != '\n' && line[i] != '\r'; i++)
				if (line[i] == '"') {
					snprintf(what, sizeof what, "field %zu: a double quote inside a field "
						 "that does not start with one %s", field, how);
					return csv_fail(c, what);
				}
		if (i < n && (unsigned char)line[i] == c->delim)
			field++, i++;
		else
			break;
	}
	snprintf(what, sizeof what, "a double quote out of place %s", how);
	return csv_fail(c, what);
}

int qts_csv_next(qts_csv *c, char ***fields, size_t **lens)
{
	c->nfields = 0;
	c->text_len = 0;
	c->row_done = 0;
	c->embedded_nl = 0;
	for (;;) {
		const unsigned char *p;
		long avail = qts_input_fill(c->in, &p);
		if (avail < 0) {
			snprintf(c->err, sizeof c->err, "%s", qts_input_error(c->in));
			return -1;
		}
		if (avail == 0) {
			/* End of input: a record left open by libcsv (a last line
			 * without newline inside quotes) is finished or refused. */
			if (!c->in_quoted_record)
				return 0;
			c->in_quoted_record = 0;
			if (csv_fini(&c->parser, on_field, on_row, c) != 0 || !c->row_done)
				return csv_fail(c, "unterminated quoted field");
			c->row_line = c->line - c->embedded_nl;
			return finish_row(c, fields, lens);
		}
		const unsigned char *nl = memchr(p, '\n', (size_t)avail);
		size_t n;
		if (nl)
			n = (size_t)(nl - p) + 1;
		else {
			/* A line longer than the buffer, or the last line: get all of it. */
			long more = qts_input_need(c->in, (size_t)avail + 1, &p);
			if (more < 0) { /* the input's message names it already */
				snprintf(c->err, sizeof c->err, "%s", qts_input_error(c->in));
				return -1;
			}
			if (more > avail)
				continue;
			n = (size_t)avail;
			/* A file may lack its last newline; a stream's writer ends
			 * every line, and one without its end was stopped in the
			 * middle of it: its fields may well read as other values
			 * (a volume of 10 for 1000), so the record is refused. */
			if (qts_input_streamed(c->in)) {
				c->line++;
				qts_input_consume(c->in, n);
				return csv_fail(c, "the input ends inside a line: its writer stopped in the middle of "
						   "a record");
			}
		}
		const char *line = (const char *)p;
		c->line++;
		if (c->skip_bom && c->line == 1 && qts_bom_len(line, n)) {
			qts_input_consume(c->in, 3);
			line += 3;
			n -= 3;
		}
		if (!c->in_quoted_record) {
			size_t len = n;
			/* LF or CRLF (qts-events(5)): a CR more is in the
			 * line, which a lone CR is refused as */
			if (len && line[len - 1] == '\n')
				len--;
			if (len && line[len - 1] == '\r')
				len--;
			if (len == 0 || line[0] == '#') {
				qts_input_consume(c->in, n);
				continue;
			}
			if (line[len - 1] == '\r') {
				qts_input_consume(c->in, n);
				return csv_fail(c, "more than one CR at the line's end (lines end in LF or CRLF)");
			}
			int r = split_line(c, line, len);
			if (r < 0) {
				qts_input_consume(c->in, n);
				return csv_fail(c, "out of memory");
			}
			if (r == 0) {
				qts_input_consume(c->in, n);
				c->row_line = c->line;
				return finish_row(c, fields, lens);
			}
		}
		if (!c->in_quoted_record && line[0] == '#') {
			qts_input_consume(c->in, n);
			continue;
		}
		int continued = c->in_quoted_record;
		c->in_quoted_record = 1;
		size_t done = csv_parse(&c->parser, line, n, on_field, on_row, c);
		if (done != n) {
			int r = csv_error(&c->parser) == CSV_EPARSE ? quote_fail(c, line, n, continued)
				: csv_fail(c, csv_error(&c->parser) == CSV_ENOMEM ? "out of memory"
										 : csv_strerror(csv_error(&c->parser)));
			qts_input_consume(c->in, n);
			return r;
		}
		qts_input_consume(c->in, n);
		if (c->row_count_pending)
			return csv_fail(c, c->row_count_pending < 0 ? "out of memory"
								    : "more than one record on a line (lone CR line ends?)");
		if (c->row_done && nl == NULL) {
			/* The last line: what follows a lone CR after the row is
			 * still inside libcsv, and would be dropped unseen. */
			if (csv_fini(&c->parser, on_field, on_row, c) != 0)
				return csv_fail(c, "unterminated quoted field");
			if (c->row_count_pending)
				return csv_fail(c, "more than one record on a line (lone CR line ends?)");
		}
		if (c->row_done) {
			c->in_quoted_record = 0;
			c->row_line = c->line - c->embedded_nl;
			return finish_row(c, fields, lens);
		}
		if (nl == NULL) { /* last line, no newline: let csv_fini end it */
			continue;
		}
	}
}

size_t qts_csv_peek(qts_csv *c, const char **p)
{
	if (c->in_quoted_record)
		return 0;
	const unsigned char *b;
	long avail = qts_input_fill(c->in, &b);
	if (avail <= 0) /* end or error: qts_csv_next reports it */
		return 0;
	*p = (const char *)b;
	return (size_t)avail;
}

void qts_csv_take(qts_csv *c, size_t n, long lines)
{
	qts_input_consume(c->in, n);
	c->row_line = c->line += lines;
}

long qts_csv_lines(const qts_csv *c) { return c->line; }

void qts_csv_close(qts_csv *c)
{
	if (!c)
		return;
	csv_free(&c->parser);
	free(c->text);
	free(c->off);
	free(c->lens);
	free(c->fields);
	free(c);
}

void qts_csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

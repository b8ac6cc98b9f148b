/* qts_parquet.h — Apache Parquet files, read and written from the format's
 * specification (apache/parquet-format: README, Encodings.md,
 * parquet.thrift), for flat tables of market data and events: the Thrift
 * compact protocol of its metadata (thrift_compact.c), the reader
 * (parquet_read.c, parquet_decode.c), rows as events (parquet_events.c),
 * the writer (parquet_write.c) and libsnappy for their Snappy pages
 * (parquet_snappy.c). */
#ifndef QTS_PARQUET_H
#define QTS_PARQUET_H
#include "qts.h"

#include <snappy-c.h>
#include <stdint.h>

/* ---- Thrift compact protocol (thrift_compact.c) -------------------------- */

/* The compact protocol's wire types. */
enum { QTS_TC_STOP = 0, QTS_TC_TRUE = 1, QTS_TC_FALSE = 2, QTS_TC_BYTE = 3, QTS_TC_I16 = 4,
       QTS_TC_I32 = 5, QTS_TC_I64 = 6, QTS_TC_DOUBLE = 7, QTS_TC_BINARY = 8, QTS_TC_LIST = 9,
       QTS_TC_SET = 10, QTS_TC_MAP = 11, QTS_TC_STRUCT = 12 };

/* A decoder over bytes [start, end): every read is bounds-checked, and the
 * first failure sticks (err says what, at byte `at` from start). */
typedef struct qts_thrift {
	const uint8_t *start, *p, *end;
	int depth;        /* structs and containers open, bounded */
	const char *err;  /* NULL while all is well */
	size_t at;        /* where err happened */
} qts_thrift;

void qts_thrift_init(qts_thrift *t, const void *p, size_t n);
/* The next field header of a struct: 1 with its id and wire type, 0 at its
 * STOP, -1 on an error.  *last is the struct's previous field id (start
 * at 0): ids may be written as deltas from it. */
int qts_thrift_field(qts_thrift *t, int16_t *last, int *id, int *type);
/* Values of the wire type given; -1 on an error (a value out of its type's
 * range is one). */
int qts_thrift_i64(qts_thrift *t, int64_t *v);
int qts_thrift_i32(qts_thrift *t, int type, int32_t *v); /* I32, I16 or BYTE */
int qts_thrift_bool(qts_thrift *t, int type, int *v);   /* a field's TRUE/FALSE */
int qts_thrift_binary(qts_thrift *t, const uint8_t **p, size_t *n);
/* A list or set header: its element type and size (no more elements than
 * bytes left, each taking at least one, except booleans). */
int qts_thrift_list(qts_thrift *t, int *elem, uint32_t *n);
/* Skip a value of the wire type (a struct: to its STOP). */
int qts_thrift_skip(qts_thrift *t, int type);
/* Leave a struct or container begun: 0, or -1 when nested too deep. */
int qts_thrift_enter(qts_thrift *t);
void qts_thrift_leave(qts_thrift *t);

/* An encoder into a growing buffer (failures: out of memory, kept). */
typedef struct qts_thrift_out {
	uint8_t *buf;
	size_t len, cap;
	int16_t last[16]; /* the last field id of each open struct */
	int depth;
	int oom;
} qts_thrift_out;

void qts_thrift_out_field(qts_thrift_out *o, int id, int type);
void qts_thrift_out_i32(qts_thrift_out *o, int id, int32_t v);
void qts_thrift_out_i64(qts_thrift_out *o, int id, int64_t v);
void qts_thrift_out_bool(qts_thrift_out *o, int id, int v);
void qts_thrift_out_binary(qts_thrift_out *o, int id, const void *p, size_t n);
/* A list field's header; then its elements (with the _elem calls, or
 * begin/end for structs). */
void qts_thrift_out_list(qts_thrift_out *o, int id, int elem, uint32_t n);
void qts_thrift_out_i32_elem(qts_thrift_out *o, int32_t v);
void qts_thrift_out_binary_elem(qts_thrift_out *o, const void *p, size_t n);
/* A struct: as field id (id > 0) or as a list element (id == 0). */
void qts_thrift_out_begin(qts_thrift_out *o, int id);
void qts_thrift_out_end(qts_thrift_out *o);
void qts_thrift_out_bytes(qts_thrift_out *o, const void *p, size_t n);
void qts_thrift_out_varint(qts_thrift_out *o, uint64_t v);

/* ---- the values of a page (parquet_decode.c) ----------------------------- */

/* The RLE/bit-packed hybrid of Encodings.md: count values of bit_width
 * bits (0 to 32) from p[0..n) into out.  0, or -1 with why in err (runs
 * past the data, a width out of range). */
int qts_pq_rle_decode(const uint8_t *p, size_t n, int bit_width, uint32_t *out, size_t count, char *err);
/* DELTA_BINARY_PACKED integers (Encodings.md): count values from p[0..n)
 * into out, *used the bytes they took (NULL: not wanted).  0, or -1. */
int qts_pq_delta_decode(const uint8_t *p, size_t n, int64_t *out, size_t count, size_t *used, char *err);
/* Page bytes p[0..n) uncompressed with codec into out[0..size), which
 * must come out exactly size bytes.  0, or -1 with why in err. */
int qts_pq_uncompress(int codec, const uint8_t *p, size_t n, uint8_t *out, size_t size, char *err);
/* The name of a codec (CompressionCodec) and an encoding, for messages. */
const char *qts_pq_codec_name(int codec);
const char *qts_pq_encoding_name(int encoding);

/* ---- libsnappy (parquet_snappy.c) ------------------------------------------ */

/* The functions of snappy-c.h that qts calls. */
typedef struct qts_pq_snappy {
	snappy_status (*compress)(const char *input, size_t input_length, char *compressed,
				  size_t *compressed_length);
	snappy_status (*uncompress)(const char *compressed, size_t compressed_length, char *uncompressed,
				    size_t *uncompressed_length);
	size_t (*max_compressed_length)(size_t source_length);
	snappy_status (*uncompressed_length)(const char *compressed, size_t compressed_length, size_t *result);
} qts_pq_snappy;
/* libsnappy, loaded by the first call (dlopen, not linked: only Snappy
 * pages need it, and linked it would cost every start of a program):
 * its functions, or NULL with why in err (`Snappy: ` and dlerror's
 * words, the package to install), the same on every later call. */
const qts_pq_snappy *qts_pq_snappy_load(char *err, size_t errlen);

/* ---- the reader (parquet_read.c) ----------------------------------------- */

/* parquet.thrift's enums, as far as qts uses them. */
enum { QTS_PQ_BOOLEAN = 0, QTS_PQ_INT32 = 1, QTS_PQ_INT64 = 2, QTS_PQ_INT96 = 3, QTS_PQ_FLOAT = 4,
       QTS_PQ_DOUBLE = 5, QTS_PQ_BYTE_ARRAY = 6, QTS_PQ_FIXED = 7 };
enum { QTS_PQ_UNCOMPRESSED = 0, QTS_PQ_SNAPPY = 1, QTS_PQ_GZIP = 2, QTS_PQ_ZSTD = 6 };
enum { QTS_PQ_PLAIN = 0, QTS_PQ_PLAIN_DICTIONARY = 2, QTS_PQ_RLE = 3,
       QTS_PQ_DELTA_BINARY_PACKED = 5, QTS_PQ_RLE_DICTIONARY = 8 };

/* Rows in one row group qts reads at once: its memory is bounded by a row
 * group, and a file claiming more is refused rather than trusted. */
#define QTS_PQ_MAX_GROUP_ROWS (1L << 24)

/* What a column's values mean. */
enum qts_pq_kind { QTS_PQV_NULL, QTS_PQV_INT, QTS_PQV_DOUBLE, QTS_PQV_STR, QTS_PQV_BOOL,
		   QTS_PQV_TIME, QTS_PQV_DATE, QTS_PQV_UNSUPPORTED };

typedef struct qts_pq_column {
	char *name;
	int type;        /* physical type */
	int optional;    /* nulls possible (definition levels) */
	int kind;        /* enum qts_pq_kind of its values */
	int64_t unit;    /* QTS_PQV_TIME: nanoseconds per unit */
	int utc;         /* QTS_PQV_TIME: adjusted to UTC (else wall-clock time) */
	const char *why; /* QTS_PQV_UNSUPPORTED: what is not read */
	int decimal;     /* a DECIMAL: read as a double, unscaled / 10^scale */
	int scale;
	int type_length; /* FIXED_LEN_BYTE_ARRAY */
} qts_pq_column;

typedef struct qts_pq_value {
	int kind;        /* QTS_PQV_NULL for a missing value */
	int64_t i;       /* INT, BOOL, DATE (days), TIME (ns since the epoch) */
	double d;        /* DOUBLE */
	const char *s;   /* STR: not NUL-terminated, valid until the next row */
	size_t len;
} qts_pq_value;

typedef struct qts_pq qts_pq;
/* A file open on fd (owned from then on, read with pread), or the bytes
 * p[0..n) (freed with free() at close when owned).  name is for messages.
 * NULL with `NAME: what` in err (QTS_ERR_MAX) when the footer is not a
 * flat Parquet table qts can read. */
qts_pq *qts_pq_open_fd(int fd, const char *name, char *err);
qts_pq *qts_pq_open_mem(const void *p, size_t n, int owned, const char *name, char *err);
size_t qts_pq_ncolumns(const qts_pq *pq);
const qts_pq_column *qts_pq_column_at(const qts_pq *pq, size_t i);
/* The column named so (exactly), or -1. */
int qts_pq_find(const qts_pq *pq, const char *name);
/* A key-value of the footer's metadata, or NULL. */
const char *qts_pq_meta(const qts_pq *pq, const char *key);
int64_t qts_pq_nrows(const qts_pq *pq);
/* Its row groups, and the rows of the g-th. */
size_t qts_pq_ngroups(const qts_pq *pq);
int64_t qts_pq_group_rows(const qts_pq *pq, size_t g);
/* Decode column i with the rows (only the columns asked for are read):
 * 0, or -1 with why in err when its values are of no kind qts reads. */
int qts_pq_use(qts_pq *pq, size_t i, char *err);
/* The next row: 1, 0 after the last, -1 on an error (qts_pq_error). */
int qts_pq_next(qts_pq *pq);
/* Column i's value in the row (a column not used reads as NULL). */
void qts_pq_get(const qts_pq *pq, size_t i, qts_pq_value *v);
/* The row read last, from 1. */
int64_t qts_pq_row(const qts_pq *pq);
const char *qts_pq_name(const qts_pq *pq);
const char *qts_pq_error(const qts_pq *pq);
void qts_pq_close(qts_pq *pq);

/* Whether bytes start a Parquet file (the magic PAR1). */
int qts_pq_magic(const void *p, size_t n);

/* ---- rows as events (parquet_events.c) ------------------------------------ */

/* The event type a file holds when qts wrote it, or that its columns
 * name exactly (a type's fields, in any order): QTS_UNKNOWN otherwise,
 * and its rows are read as a vendor's table (fetch_vendor.c). */
qts_type qts_pq_event_type(const qts_pq *pq);
/* Ready the columns of type t: 0, or -1 with why in err. */
int qts_pq_events_begin(qts_pq *pq, qts_type t, char *err);
/* The row as an event of type t: 0, or -1 with why in err (a missing
 * value where one is required, a text too long). */
int qts_pq_row_event(qts_pq *pq, qts_type t, qts_event *ev, char *err, size_t errlen);
/* A value as text, the way a vendor's CSV writes it: numbers shortest,
 * times RFC 3339 (with Z when adjusted to UTC), dates YYYY-MM-DD, a
 * missing value empty.  Returns the length (buf holds >= 64 bytes for
 * all but strings, which are returned in place through *s). */
size_t qts_pq_value_text(const qts_pq_value *v, int utc, char *buf, const char **s);

/* ---- the writer (parquet_write.c) ------------------------------------------ */

typedef struct qts_pq_writer qts_pq_writer;
/* A file of events of one type, written whole at path (qts_outfile) with
 * pages compressed by codec (QTS_PQ_SNAPPY or QTS_PQ_UNCOMPRESSED).  NULL
 * with a message in err. */
qts_pq_writer *qts_pq_writer_open(const char *path, int codec, char *err, size_t errlen);
/* Add an event: 1 written, 0 not (of another type than the file's, which
 * the first event sets; or of no known type), -1 on an error (err),
 * QTS_PQ_NO_COLUMNS (err) for an event with optional fields the file has
 * no columns for (an equity's financing, after an equity without). */
#define QTS_PQ_NO_COLUMNS (-2)
int qts_pq_writer_put(qts_pq_writer *w, const qts_event *ev, char *err, size_t errlen);
/* The type of the file (QTS_UNKNOWN before the first event). */
qts_type qts_pq_writer_type(const qts_pq_writer *w);
/* Write what is left and the footer, and put the file in place: 0, or -1
 * with err (nothing left at path). */
int qts_pq_writer_close(qts_pq_writer *w, char *err, size_t errlen);
void qts_pq_writer_abort(qts_pq_writer *w);

#endif

/* Parquet: the Thrift compact protocol (thrift_compact.c), the codings of a
 * page (parquet_decode.c: the RLE/bit-packed hybrid and DELTA_BINARY_PACKED
 * with the examples of apache/parquet-format Encodings.md, the codecs),
 * the reader on files of other writers (tests/fixtures/parquet, see its
 * PROVENANCE) and on hostile ones made here, and the writer read back. */
#include "qts_parquet.h"
#include "tap.h"

#include <fcntl.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* ---- Thrift --------------------------------------------------------------- */

static void thrift(void)
{
	/* struct { 1: i32 -3, 3: string "ab", 20: i64 2^40, 21: true, 22: list<i32> [1, -1] } */
	static const uint8_t s[] = { 0x15, 0x05, 0x28, 0x02, 'a', 'b', 0x06, 0x28, 0x80, 0x80, 0x80, 0x80,
				     0x80, 0x40, 0x11, 0x19, 0x25, 0x02, 0x01, 0x00 };
	qts_thrift t;
	qts_thrift_init(&t, s, sizeof s);
	int16_t last = 0;
	int id, ty;
	int32_t i32;
	int64_t i64;
	const uint8_t *p;
	size_t n;
	CHECK(qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 1 && ty == QTS_TC_I32, "thrift: a short field header");
	CHECK(qts_thrift_i32(&t, ty, &i32) == 0 && i32 == -3, "thrift: zigzag -3");
	CHECK(qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 3 && ty == QTS_TC_BINARY, "thrift: delta 2");
	CHECK(qts_thrift_binary(&t, &p, &n) == 0 && n == 2 && memcmp(p, "ab", 2) == 0, "thrift: a string");
	CHECK(qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 20 && ty == QTS_TC_I64,
	      "thrift: a long field header (delta 0, zigzag id)");
	CHECK(qts_thrift_i64(&t, &i64) == 0 && i64 == (int64_t)1 << 40, "thrift: an i64 of 6 bytes");
	int b;
	CHECK(qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 21 && qts_thrift_bool(&t, ty, &b) == 0 && b,
	      "thrift: a boolean in its type");
	int elem;
	uint32_t count;
	CHECK(qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 22 && ty == QTS_TC_LIST &&
	      qts_thrift_list(&t, &elem, &count) == 0 && elem == QTS_TC_I32 && count == 2, "thrift: a list header");
	CHECK(qts_thrift_i32(&t, elem, &i32) == 0 && i32 == 1 && qts_thrift_i32(&t, elem, &i32) == 0 && i32 == -1,
	      "thrift: list elements");
	CHECK(qts_thrift_field(&t, &last, &id, &ty) == 0 && !t.err && t.p == t.end, "thrift: STOP at the end");
	qts_thrift_init(&t, s, sizeof s);
	CHECK(qts_thrift_skip(&t, QTS_TC_STRUCT) == 0 && t.p == t.end, "thrift: the struct skipped whole");

	/* Hostile: cut short at every byte, none reads past its end. */
	int all_fail = 1;
	for (size_t cut = 0; cut < sizeof s; cut++) {
		qts_thrift_init(&t, s, cut);
		all_fail &= qts_thrift_skip(&t, QTS_TC_STRUCT) < 0 && t.err && t.p <= t.end;
	}
	CHECK(all_fail, "thrift: a struct cut short anywhere fails, within its bytes");
	static const uint8_t longvar[] = { 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	qts_thrift_init(&t, longvar, sizeof longvar);
	CHECK(qts_thrift_skip(&t, QTS_TC_STRUCT) < 0 && t.err && strstr(t.err, "64 bits"), "thrift: a varint of 11 bytes");
	static const uint8_t biglist[] = { 0x19, 0xf5, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00 };
	qts_thrift_init(&t, biglist, sizeof biglist);
	CHECK(qts_thrift_skip(&t, QTS_TC_STRUCT) < 0 && t.err && strstr(t.err, "longer than its bytes"),
	      "thrift: a list of 2^32-1 elements in 8 bytes");
	static const uint8_t bigstr[] = { 0x18, 0xff, 0xff, 0x03, 'x', 0x00 };
	qts_thrift_init(&t, bigstr, sizeof bigstr);
	CHECK(qts_thrift_skip(&t, QTS_TC_STRUCT) < 0 && t.err && strstr(t.err, "string runs past"),
	      "thrift: a string longer than the bytes left");
	uint8_t deep[80];
	memset(deep, 0x1c, sizeof deep); /* field 1: struct, nested 80 deep */
	qts_thrift_init(&t, deep, sizeof deep);
	CHECK(qts_thrift_skip(&t, QTS_TC_STRUCT) < 0 && t.err && strstr(t.err, "too deep"), "thrift: nesting bounded");
	static const uint8_t badtype[] = { 0x1d, 0x00 };
	qts_thrift_init(&t, badtype, sizeof badtype);
	CHECK(qts_thrift_skip(&t, QTS_TC_STRUCT) < 0 && t.err && strstr(t.err, "unknown field type"),
	      "thrift: wire type 13");
	static const uint8_t map[] = { 0x1b, 0x02, 0x85, 0x01, 'k', 0x02, 0x01, 'j', 0x04, 0x00 };
	qts_thrift_init(&t, map, sizeof map);
	CHECK(qts_thrift_skip(&t, QTS_TC_STRUCT) == 0 && t.p == t.end, "thrift: a map<string, i32> skipped");

	/* The encoder, read back. */
	qts_thrift_out o = { 0 };
	qts_thrift_out_i32(&o, 1, -7);
	qts_thrift_out_i64(&o, 40, INT64_MIN);
	qts_thrift_out_begin(&o, 41);
	qts_thrift_out_bool(&o, 1, 0);
	qts_thrift_out_end(&o);
	qts_thrift_out_list(&o, 42, QTS_TC_BINARY, 20);
	for (int i = 0; i < 20; i++)
		qts_thrift_out_binary_elem(&o, "xyz", 3);
	qts_thrift_out_end(&o);
	qts_thrift_init(&t, o.buf, o.len);
	last = 0;
	int ok = qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 1 && qts_thrift_i32(&t, ty, &i32) == 0 && i32 == -7;
	ok &= qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 40 && qts_thrift_i64(&t, &i64) == 0 && i64 == INT64_MIN;
	ok &= qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 41 && ty == QTS_TC_STRUCT && qts_thrift_skip(&t, ty) == 0;
	ok &= qts_thrift_field(&t, &last, &id, &ty) == 1 && id == 42 && qts_thrift_list(&t, &elem, &count) == 0 &&
	      count == 20 && elem == QTS_TC_BINARY;
	for (uint32_t i = 0; i < count && ok; i++)
		ok &= qts_thrift_binary(&t, &p, &n) == 0 && n == 3;
	ok &= qts_thrift_field(&t, &last, &id, &ty) == 0 && t.p == t.end;
	CHECK(ok && !o.oom, "thrift: the encoder's i32, i64 (INT64_MIN), struct, bool and long list read back");
	free(o.buf);
}

/* ---- RLE/bit-packed hybrid and DELTA_BINARY_PACKED ----------------------------- */

static void rle(void)
{
	char err[QTS_ERR_MAX];
	uint32_t v[64];
	/* Encodings.md: 0..7 bit-packed with bit width 3 is 10001000 11000110 11111010 */
	static const uint8_t packed[] = { 0x03, 0x88, 0xc6, 0xfa };
	int ok = qts_pq_rle_decode(packed, sizeof packed, 3, v, 8, err) == 0;
	for (uint32_t i = 0; i < 8; i++)
		ok &= v[i] == i;
	CHECK(ok, "rle: the bit-packed example of Encodings.md (0..7, width 3)");
	/* a run of 5 sevens then a group of bit-packed values 1,0,0... (width 3) */
	static const uint8_t mixed[] = { 0x0a, 0x07, 0x03, 0x01, 0x00, 0x00 };
	ok = qts_pq_rle_decode(mixed, sizeof mixed, 3, v, 8, err) == 0;
	ok &= v[0] == 7 && v[4] == 7 && v[5] == 1 && v[6] == 0 && v[7] == 0;
	CHECK(ok, "rle: an RLE run then a bit-packed one");
	CHECK(qts_pq_rle_decode(mixed, 2, 3, v, 3, err) == 0 && v[2] == 7, "rle: a run longer than wanted stops");
	CHECK(qts_pq_rle_decode(mixed, 2, 3, v, 6, err) < 0 && strstr(err, "ends after 5 of 6"),
	      "rle: data that ends before the values wanted");
	static const uint8_t w0[] = { 0x40 }; /* RLE run of 32 with no value bytes */
	ok = qts_pq_rle_decode(w0, 1, 0, v, 32, err) == 0 && v[31] == 0;
	CHECK(ok, "rle: bit width 0 (one distinct value) needs no value bytes");
	static const uint8_t w32[] = { 0x04, 0xff, 0xff, 0xff, 0xff };
	CHECK(qts_pq_rle_decode(w32, sizeof w32, 32, v, 2, err) == 0 && v[1] == 0xffffffffu, "rle: bit width 32");
	CHECK(qts_pq_rle_decode(w32, sizeof w32, 33, v, 2, err) < 0 && strstr(err, "out of range"), "rle: width 33");
	static const uint8_t wide[] = { 0x02, 0x09 };
	CHECK(qts_pq_rle_decode(wide, 2, 3, v, 1, err) < 0 && strstr(err, "wider than 3 bits"),
	      "rle: a run's value wider than its width");
	/* a bit-packed run claiming 100 groups in 2 bytes: only what is wanted must be there */
	static const uint8_t claim[] = { 0xc9, 0x01, 0xff, 0x00 };
	CHECK(qts_pq_rle_decode(claim, sizeof claim, 1, v, 9, err) == 0 && v[0] == 1 && v[7] == 1 && v[8] == 0,
	      "rle: the last bit-packed run cut short by the page");
	CHECK(qts_pq_rle_decode(claim, sizeof claim, 1, v, 17, err) < 0 && strstr(err, "runs past the data"),
	      "rle: a bit-packed run past its bytes");
	static const uint8_t longhdr[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	CHECK(qts_pq_rle_decode(longhdr, sizeof longhdr, 1, v, 1, err) < 0, "rle: a run header of 10 bytes");

	int64_t d[16];
	size_t used;
	/* Encodings.md, example 1: 1 2 3 4 5 */
	static const uint8_t ex1[] = { 0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00 };
	ok = qts_pq_delta_decode(ex1, sizeof ex1, d, 5, &used, err) == 0 && used == sizeof ex1;
	for (int i = 0; i < 5; i++)
		ok &= d[i] == i + 1;
	CHECK(ok, "delta: Encodings.md example 1 (1 2 3 4 5)");
	/* example 2: 7 5 3 1 2 3 4 5: min delta -2, width 2 */
	static const uint8_t ex2[] = { 0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00,
				       0xc0, 0x3f, 0, 0, 0, 0, 0, 0 };
	static const int64_t want2[] = { 7, 5, 3, 1, 2, 3, 4, 5 };
	ok = qts_pq_delta_decode(ex2, sizeof ex2, d, 8, &used, err) == 0;
	for (int i = 0; i < 8; i++)
		ok &= d[i] == want2[i];
	CHECK(ok, "delta: Encodings.md example 2 (7 5 3 1 2 3 4 5)");
	CHECK(qts_pq_delta_decode(ex2, 11, d, 8, &used, err) < 0 && strstr(err, "miniblock runs past"),
	      "delta: a miniblock cut short");
	static const uint8_t badblock[] = { 0x64, 0x04, 0x05, 0x02 };
	CHECK(qts_pq_delta_decode(badblock, sizeof badblock, d, 5, &used, err) < 0 && strstr(err, "blocks of 100"),
	      "delta: a block size not a multiple of 128");
	CHECK(qts_pq_delta_decode(ex1, sizeof ex1, d, 6, &used, err) < 0 && strstr(err, "5 values where 6"),
	      "delta: fewer values than wanted");
}

/* ---- codecs ---------------------------------------------------------------- */

static void codecs(void)
{
	char err[QTS_ERR_MAX], text[3000], z[4000];
	uint8_t out[3000];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (char)('a' + i % 7);
	size_t zlen = sizeof z;
	snappy_compress(text, sizeof text, z, &zlen);
	CHECK(qts_pq_uncompress(QTS_PQ_SNAPPY, (uint8_t *)z, zlen, out, sizeof text, err) == 0 &&
	      memcmp(out, text, sizeof text) == 0, "codec: snappy");
	CHECK(qts_pq_uncompress(QTS_PQ_SNAPPY, (uint8_t *)z, zlen, out, 100, err) < 0 && strstr(err, "snappy"),
	      "codec: snappy of another size than the page says");
	zlen = ZSTD_compress(z, sizeof z, text, sizeof text, 3);
	CHECK(qts_pq_uncompress(QTS_PQ_ZSTD, (uint8_t *)z, zlen, out, sizeof text, err) == 0 &&
	      memcmp(out, text, sizeof text) == 0, "codec: zstd");
	CHECK(qts_pq_uncompress(QTS_PQ_ZSTD, (uint8_t *)z, zlen / 2, out, sizeof text, err) < 0 && strstr(err, "zstd"),
	      "codec: zstd cut short");
	uLongf glen = sizeof z;
	compress2((Bytef *)z, &glen, (const Bytef *)text, sizeof text, 6);
	CHECK(qts_pq_uncompress(QTS_PQ_GZIP, (uint8_t *)z, glen, out, sizeof text, err) == 0 &&
	      memcmp(out, text, sizeof text) == 0, "codec: gzip (zlib stream)");
	z[glen / 2] ^= 0x55;
	CHECK(qts_pq_uncompress(QTS_PQ_GZIP, (uint8_t *)z, glen, out, sizeof text, err) < 0 && strstr(err, "gzip"),
	      "codec: gzip corrupt");
	CHECK(qts_pq_uncompress(5, (uint8_t *)z, 10, out, 10, err) < 0 && strstr(err, "LZ4"), "codec: LZ4 named, refused");
	CHECK(qts_pq_uncompress(QTS_PQ_UNCOMPRESSED, (uint8_t *)z, 10, out, 11, err) < 0,
	      "codec: an uncompressed page of another size than it says");
}

/* ---- files of other writers ---------------------------------------------------- */

static qts_pq *open_fixture(const char *name, char *err)
{
	char path[256];
	snprintf(path, sizeof path, "tests/fixtures/parquet/%s", name);
	int fd = open(path, O_RDONLY);
	return fd < 0 ? NULL : qts_pq_open_fd(fd, path, err);
}

static void fixtures(void)
{
	char err[QTS_ERR_MAX] = "";
	/* make-fixtures.mjs: ts ms, price (nulls at rows 3 and 5), size
	 * float32 (null at 4), halted bool (true at 4, null at 6) */
	qts_pq *pq = open_fixture("trades-nulls-snappy.parquet", err);
	CHECK(pq && qts_pq_ncolumns(pq) == 5 && qts_pq_nrows(pq) == 6, "fixture: trades: 5 columns, 6 rows");
	if (!pq) {
		printf("# %s\n", err);
		return;
	}
	const qts_pq_column *ts = qts_pq_column_at(pq, 0), *size = qts_pq_column_at(pq, 3);
	CHECK(ts->kind == QTS_PQV_TIME && ts->unit == 1000000 && ts->utc, "fixture: TIMESTAMP(MILLIS, UTC)");
	CHECK(size->kind == QTS_PQV_DOUBLE && size->type == QTS_PQ_FLOAT && size->optional, "fixture: FLOAT, optional");
	CHECK(qts_pq_column_at(pq, 4)->kind == QTS_PQV_BOOL, "fixture: BOOLEAN");
	for (size_t i = 0; i < 5; i++)
		qts_pq_use(pq, i, err);
	qts_pq_value v[6][5];
	int rows = 0, sym_ok = 1;
	while (rows < 6 && qts_pq_next(pq) == 1) {
		for (size_t i = 0; i < 5; i++)
			qts_pq_get(pq, i, &v[rows][i]);
		/* a string is valid until the next row */
		sym_ok &= v[rows][1].len == 4 && memcmp(v[rows][1].s, "AAPL", 4) == 0;
		rows++;
	}
	CHECK(rows == 6 && qts_pq_next(pq) == 0, "fixture: all rows read, then the end");
	CHECK(v[0][0].i == 1704204000000000000LL && v[1][0].i == 1704204000250000000LL, "fixture: ms times in ns");
	CHECK(v[2][2].kind == QTS_PQV_NULL && v[4][2].kind == QTS_PQV_NULL && v[3][2].d == 185.49,
	      "fixture: nulls of price where written");
	CHECK(v[3][3].kind == QTS_PQV_NULL && v[5][3].d == 12.25 && v[1][3].d == 0.5, "fixture: float sizes and a null");
	CHECK(v[3][4].kind == QTS_PQV_BOOL && v[3][4].i == 1 && v[2][4].i == 0 && v[5][4].kind == QTS_PQV_NULL,
	      "fixture: booleans and a null");
	CHECK(sym_ok, "fixture: strings");
	qts_pq_close(pq);

	pq = open_fixture("yahoo-daily-dict-snappy.parquet", err);
	CHECK(pq && qts_pq_column_at(pq, 0)->kind == QTS_PQV_DATE, "fixture: DATE");
	if (pq) {
		qts_pq_use(pq, 0, err);
		qts_pq_value d;
		qts_pq_next(pq);
		qts_pq_get(pq, 0, &d);
		char buf[64];
		const char *s;
		size_t n = qts_pq_value_text(&d, 1, buf, &s);
		CHECK(n == 10 && memcmp(s, "2024-01-02", 10) == 0, "fixture: a date as text");
		qts_pq_close(pq);
	}
}

/* ---- hostile files made by hand --------------------------------------------------- */

/* The column's name in make_file (NULL: none). */
static const char *col_name = "x";

/* PAR1, the bytes of one column chunk, and a footer: one optional (or
 * required) column of type, rows rows, its chunk at chunk_at (0: where
 * the bytes are) of chunk_len bytes (0: all of them). */
static uint8_t *make_file(const uint8_t *chunk, size_t n, int type, int optional, int codec, int64_t rows,
			  int64_t chunk_at, int64_t chunk_len, size_t *len)
{
	qts_thrift_out f = { 0 };
	qts_thrift_out_i32(&f, 1, 1);
	qts_thrift_out_list(&f, 2, QTS_TC_STRUCT, 2);
	qts_thrift_out_begin(&f, 0);
	qts_thrift_out_binary(&f, 4, "schema", 6);
	qts_thrift_out_i32(&f, 5, 1);
	qts_thrift_out_end(&f);
	qts_thrift_out_begin(&f, 0);
	qts_thrift_out_i32(&f, 1, type);
	qts_thrift_out_i32(&f, 3, optional);
	if (col_name)
		qts_thrift_out_binary(&f, 4, col_name, strlen(col_name));
	qts_thrift_out_end(&f);
	qts_thrift_out_i64(&f, 3, rows);
	qts_thrift_out_list(&f, 4, QTS_TC_STRUCT, 1);
	qts_thrift_out_begin(&f, 0);
	qts_thrift_out_list(&f, 1, QTS_TC_STRUCT, 1);
	qts_thrift_out_begin(&f, 0);
	qts_thrift_out_begin(&f, 3);
	qts_thrift_out_i32(&f, 1, type);
	qts_thrift_out_i32(&f, 4, codec);
	qts_thrift_out_i64(&f, 5, rows);
	qts_thrift_out_i64(&f, 7, chunk_len ? chunk_len : (int64_t)n);
	qts_thrift_out_i64(&f, 9, chunk_at ? chunk_at : 4);
	qts_thrift_out_end(&f);
	qts_thrift_out_end(&f);
	qts_thrift_out_i64(&f, 3, rows);
	qts_thrift_out_end(&f);
	qts_thrift_out_end(&f);
	*len = 4 + n + f.len + 8;
	uint8_t *b = malloc(*len);
	memcpy(b, "PAR1", 4);
	memcpy(b + 4, chunk, n);
	memcpy(b + 4 + n, f.buf, f.len);
	uint32_t fl = (uint32_t)f.len;
	uint8_t tail[8] = { (uint8_t)fl, (uint8_t)(fl >> 8), (uint8_t)(fl >> 16), (uint8_t)(fl >> 24), 'P', 'A', 'R', '1' };
	memcpy(b + 4 + n + f.len, tail, 8);
	free(f.buf);
	return b;
}

/* A page header: type, sizes, and its sub-header (data v1: values,
 * encoding; dictionary: values). */
static size_t page(uint8_t *out, int type, int32_t usize, int32_t csize, int32_t nvalues, int enc)
{
	qts_thrift_out h = { 0 };
	qts_thrift_out_i32(&h, 1, type);
	qts_thrift_out_i32(&h, 2, usize);
	qts_thrift_out_i32(&h, 3, csize);
	qts_thrift_out_begin(&h, type == 2 ? 7 : 5);
	qts_thrift_out_i32(&h, 1, nvalues);
	qts_thrift_out_i32(&h, 2, enc);
	if (type == 0) {
		qts_thrift_out_i32(&h, 3, QTS_PQ_RLE);
		qts_thrift_out_i32(&h, 4, QTS_PQ_RLE);
	}
	qts_thrift_out_end(&h);
	qts_thrift_out_end(&h);
	memcpy(out, h.buf, h.len);
	size_t n = h.len;
	free(h.buf);
	return n;
}

/* Read a hand-made file to its end: the error, or "" when it reads. */
static const char *read_all(uint8_t *file, size_t len, char *err)
{
	qts_pq *pq = qts_pq_open_mem(file, len, 1, "hostile.parquet", err);
	if (!pq)
		return err;
	qts_pq_use(pq, 0, err);
	int r;
	while ((r = qts_pq_next(pq)) > 0)
		;
	snprintf(err, QTS_ERR_MAX, "%s", r < 0 ? qts_pq_error(pq) : "");
	qts_pq_close(pq);
	return err;
}

static void hostile(void)
{
	char err[QTS_ERR_MAX];
	uint8_t c[256];
	size_t n, len;
	/* A good one first: two INT64, PLAIN. */
	n = page(c, 0, 16, 16, 2, QTS_PQ_PLAIN);
	memcpy(c + n, "\x05\0\0\0\0\0\0\0\xfb\xff\xff\xff\xff\xff\xff\xff", 16);
	uint8_t *f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	CHECK_STR(read_all(f, len, err), "", "hostile: the good file made by hand reads");

	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 1000000, 0, &len);
	CHECK(strstr(read_all(f, len, err), "hostile.parquet: row group 1, column 'x': its 33 bytes at byte 1000000 "
		     "are not between the magic and the footer (bytes 4 to 37)"), "hostile: a chunk past the end of the file");
	printf("# %s\n", err);
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 1 << 20, &len);
	CHECK(strstr(read_all(f, len, err), "are not between the magic and the footer"), "hostile: a chunk too long");
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 3, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "its pages hold 2 of its 3 values"), "hostile: pages with too few values");
	f = make_file(c, n + 16, QTS_PQ_INT32, 0, 0, 2, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "page at byte 4: 2 values") || strstr(err, "PLAIN") || err[0] == '\0',
	      "hostile: INT32 read from INT64 bytes stays within them");
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, (int64_t)1 << 40, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "rows (qts reads row groups of 0 to 16777216 rows)"),
	      "hostile: 2^40 rows claimed, 2^24 the most");

	/* INT96, Impala's and Spark's timestamps: 1 h into Julian day 2460312 (2024-01-02) */
	n = page(c, 0, 12, 12, 1, QTS_PQ_PLAIN);
	memcpy(c + n, "\x00\xa0\xb8\x30\x46\x03\x00\x00\x98\x8a\x25\x00", 12);
	f = make_file(c, n + 12, QTS_PQ_INT96, 0, 0, 1, 0, 0, &len);
	{
		qts_pq *pq = qts_pq_open_mem(f, len, 1, "int96.parquet", err);
		qts_pq_value v = { 0 };
		if (pq && qts_pq_use(pq, 0, err) == 0 && qts_pq_next(pq) == 1)
			qts_pq_get(pq, 0, &v);
		CHECK(v.kind == QTS_PQV_TIME && v.i == 1704157200000000000LL, "int96: a time of the day and a Julian day");
		qts_pq_close(pq);
	}
	/* a time of the day past its end is another day's time: refused */
	memcpy(c + n, "\x00\xa0\x07\xc2\xda\x51\x00\x00\x98\x8a\x25\x00", 12);
	f = make_file(c, n + 12, QTS_PQ_INT96, 0, 0, 1, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "an INT96 time 90000000000000 ns into its day"), "int96: 25 h into a day");
	memcpy(c + n, "\xff\xff\xff\xff\xff\xff\xff\xff\x98\x8a\x25\x00", 12);
	f = make_file(c, n + 12, QTS_PQ_INT96, 0, 0, 1, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "an INT96 time -1 ns into its day"), "int96: before its day");
	/* DELTA_LENGTH_BYTE_ARRAY: lengths 2, 1 then "abc"; DELTA_BYTE_ARRAY:
	 * prefixes 0, 2, suffixes "abc", "d" (abc, abd) */
	static const uint8_t dlba[] = { 0x80, 0x01, 0x04, 0x02, 0x04, 0x01, 0, 0, 0, 0, 'a', 'b', 'c' };
	static const uint8_t dba[] = { 0x80, 0x01, 0x04, 0x02, 0x00, 0x04, 0, 0, 0, 0,
				       0x80, 0x01, 0x04, 0x02, 0x06, 0x03, 0, 0, 0, 0, 'a', 'b', 'c', 'd' };
	for (int e = 6; e <= 7; e++) {
		size_t k = e == 6 ? sizeof dlba : sizeof dba;
		n = page(c, 0, (int32_t)k, (int32_t)k, 2, e);
		memcpy(c + n, e == 6 ? dlba : dba, k);
		f = make_file(c, n + k, QTS_PQ_BYTE_ARRAY, 0, 0, 2, 0, 0, &len);
		qts_pq *pq = qts_pq_open_mem(f, len, 1, "delta.parquet", err);
		qts_pq_value a = { 0 }, b = { 0 };
		char first[8] = "";
		if (pq && qts_pq_use(pq, 0, err) == 0 && qts_pq_next(pq) == 1) {
			qts_pq_get(pq, 0, &a);
			snprintf(first, sizeof first, "%.*s", (int)a.len, a.s);
			if (qts_pq_next(pq) == 1)
				qts_pq_get(pq, 0, &b);
		}
		if (e == 6)
			CHECK(!strcmp(first, "ab") && b.len == 1 && b.s[0] == 'c', "delta: DELTA_LENGTH_BYTE_ARRAY strings");
		else
			CHECK(!strcmp(first, "abc") && b.len == 3 && !memcmp(b.s, "abd", 3), "delta: DELTA_BYTE_ARRAY strings");
		qts_pq_close(pq);
	}
	/* Found by fuzz_parquet: a column without a name (a NULL name was
	 * copied), a page header field of a negative id (an index below an
	 * array). */
	n = page(c, 0, 16, 16, 2, QTS_PQ_PLAIN);
	memcpy(c + n, "\x05\0\0\0\0\0\0\0\xfb\xff\xff\xff\xff\xff\xff\xff", 16);
	col_name = NULL;
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	col_name = "x";
	CHECK_STR(read_all(f, len, err), "", "fuzz: a column without a name reads");
	{
		qts_thrift_out h = { 0 };
		qts_thrift_out_i32(&h, 1, 0);
		qts_thrift_out_i32(&h, 2, 16);
		qts_thrift_out_i32(&h, 3, 16);
		qts_thrift_out_begin(&h, 8); /* v2 */
		qts_thrift_out_i32(&h, -17, 5);
		qts_thrift_out_i32(&h, 1, 2);
		qts_thrift_out_end(&h);
		qts_thrift_out_end(&h);
		memcpy(c, h.buf, h.len);
		memcpy(c + h.len, "\x05\0\0\0\0\0\0\0\xfb\xff\xff\xff\xff\xff\xff\xff", 16);
		f = make_file(c, h.len + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
		free(h.buf);
		read_all(f, len, err);
		CHECK(1, "fuzz: a page header field of id -17 is skipped, not stored");
	}
	/* A page bigger than its chunk. */
	n = page(c, 0, 16, 9999, 2, QTS_PQ_PLAIN);
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "page at byte 4: 9999 bytes"), "hostile: a page past its chunk");
	printf("# %s\n", err);
	/* PLAIN values short of the count. */
	n = page(c, 0, 8, 8, 2, QTS_PQ_PLAIN);
	f = make_file(c, n + 8, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "PLAIN values run past the page"), "hostile: PLAIN values short");
	/* A string longer than its page. */
	n = page(c, 0, 8, 8, 1, QTS_PQ_PLAIN);
	memcpy(c + n, "\xff\0\0\0abcd", 8);
	f = make_file(c, n + 8, QTS_PQ_BYTE_ARRAY, 0, 0, 1, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "a string of 255 bytes runs past the page"), "hostile: a string too long");
	/* Definition levels whose length runs past the page. */
	n = page(c, 0, 8, 8, 1, QTS_PQ_PLAIN);
	memcpy(c + n, "\x40\0\0\0\0\0\0\0", 8);
	f = make_file(c, n + 8, QTS_PQ_INT32, 1, 0, 1, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "definition levels run past the page"), "hostile: levels too long");
	/* A dictionary index out of the dictionary: dict of 1 INT32, index 5. */
	n = page(c, 2, 4, 4, 1, QTS_PQ_PLAIN);
	memcpy(c + n, "\x2a\0\0\0", 4);
	n += 4;
	size_t m = page(c + n, 0, 3, 3, 1, QTS_PQ_RLE_DICTIONARY);
	memcpy(c + n + m, "\x03\x02\x05", 3);
	f = make_file(c, n + m + 3, QTS_PQ_INT32, 0, 0, 1, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "dictionary index 5 of a dictionary of 1"), "hostile: index past the dictionary");
	memcpy(c + n + m, "\x03\x02\x00", 3);
	f = make_file(c, n + m + 3, QTS_PQ_INT32, 0, 0, 1, 0, 0, &len);
	CHECK_STR(read_all(f, len, err), "", "hostile: the same with index 0 reads");
	/* a dictionary page without a dictionary before the data */
	m = page(c, 0, 3, 3, 1, QTS_PQ_RLE_DICTIONARY);
	memcpy(c + m, "\x03\x02\x00", 3);
	f = make_file(c, m + 3, QTS_PQ_INT32, 0, 0, 1, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "without a dictionary page before it"), "hostile: indices without a dictionary");
	/* snappy that is not */
	n = page(c, 0, 8, 4, 1, QTS_PQ_PLAIN);
	memcpy(c + n, "\xff\xff\xff\xff", 4);
	f = make_file(c, n + 4, QTS_PQ_INT64, 0, QTS_PQ_SNAPPY, 1, 0, 0, &len);
	CHECK(strstr(read_all(f, len, err), "snappy page"), "hostile: a corrupt snappy page");

	/* Footers. */
	n = page(c, 0, 16, 16, 2, QTS_PQ_PLAIN);
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	f[len - 8] = 0xff, f[len - 7] = 0xff;
	CHECK(strstr(read_all(f, len, err), "footer of 65535 bytes in a file of"), "hostile: a footer longer than the file");
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	f[len - 1] = 'X';
	CHECK(strstr(read_all(f, len, err), "not a Parquet file: no PAR1 at its end"), "hostile: no magic at the end");
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	f[len - 9] = 0x0d; /* the footer's STOP made a field of type 13 */
	CHECK(strstr(read_all(f, len, err), "footer: metadata at byte"), "hostile: a corrupt footer, with where");
	printf("# %s\n", err);
	f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
	CHECK(strstr(read_all(f, 10, err), "fewer than its magic and footer need"), "hostile: 10 bytes");
	/* Cut short anywhere: an error, never a read out of bounds. */
	int all = 1;
	for (size_t cut = 0; cut < len; cut++) {
		f = make_file(c, n + 16, QTS_PQ_INT64, 0, 0, 2, 0, 0, &len);
		all &= read_all(f, cut, err)[0] != '\0';
	}
	CHECK(all, "hostile: a file cut short at any byte fails");
}

/* ---- the writer, read back ------------------------------------------------------ */

static void writer(void)
{
	char err[QTS_ERR_MAX], path[] = "/tmp/test_parquet-XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	for (int codec = 0; codec <= 1; codec++) {
		qts_pq_writer *w = qts_pq_writer_open(path, codec, err, sizeof err);
		CHECK(w != NULL, "writer: opened");
		if (!w)
			return;
		/* more rows than one row group holds (65536) */
		long n = 70000;
		int ok = 1;
		for (long i = 0; i < n && ok; i++) {
			qts_event ev;
			qts_event_init(&ev, QTS_UPDATE, 1700000000000000000LL + i);
			snprintf(ev.symbol, sizeof ev.symbol, "S%ld", i % 3);
			snprintf(ev.update.id, sizeof ev.update.id, "id-%ld", i);
			QTS_SET(ev.update.status, i % 2 ? "filled" : "new");
			ev.update.filled = (double)i / 8;
			ev.update.avg_price = i % 2 ? 100.0 + (double)i / 1000 : QTS_EMPTY;
			ok &= qts_pq_writer_put(w, &ev, err, sizeof err) == 1;
		}
		qts_event bar;
		qts_event_init(&bar, QTS_BAR, 0);
		ok &= qts_pq_writer_put(w, &bar, err, sizeof err) == 0;
		CHECK(ok && qts_pq_writer_close(w, err, sizeof err) == 0, "writer: 70000 updates written, a bar refused");
		qts_pq *pq = qts_pq_open_fd(open(path, O_RDONLY), path, err);
		CHECK(pq && qts_pq_event_type(pq) == QTS_UPDATE && qts_pq_nrows(pq) == n, "writer: read back: updates");
		if (!pq)
			return;
		CHECK(qts_pq_ngroups(pq) == 2 && qts_pq_group_rows(pq, 0) == 65536 && qts_pq_group_rows(pq, 1) == 4464,
		      "writer: row groups of 65536 rows");
		CHECK(qts_pq_events_begin(pq, QTS_UPDATE, err) == 0, "writer: its columns are those of updates");
		long i = 0;
		for (; qts_pq_next(pq) == 1; i++) {
			qts_event ev;
			if (qts_pq_row_event(pq, QTS_UPDATE, &ev, err, sizeof err) < 0)
				break;
			char id[32];
			snprintf(id, sizeof id, "id-%ld", i);
			if (ev.ts != 1700000000000000000LL + i || strcmp(ev.update.id, id) ||
			    ev.update.filled != (double)i / 8 ||
			    (i % 2 ? ev.update.avg_price != 100.0 + (double)i / 1000 : !isnan(ev.update.avg_price)))
				break;
		}
		CHECK(i == n, codec ? "writer: every row back as written (snappy)" : "writer: every row back as written");
		qts_pq_close(pq);
	}
	unlink(path);
}

int main(void)
{
	thrift();
	rle();
	codecs();
	fixtures();
	hostile();
	writer();
	return tap_done();
}

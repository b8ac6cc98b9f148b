/* Unit tests of the --print table writer (lib/strat_print_table.c). */
#include "qts_table.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

static void test_rows(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	qts_table *t = qts_table_new(f, 3);
	const char *names[] = { "sma(close,10)", "close[1]", "say \"hi\"" };
	CHECK(qts_table_header(t, names) == 0, "header: 0");
	const double a[3] = { 1.5, NAN, -0.25 }, b[3] = { 1e21, 0.1, 3 };
	int64_t ts = qts_days_from_civil(2024, 1, 2) * QTS_NS_PER_DAY;
	CHECK(qts_table_row(t, ts, "ACME", a) == 0, "row: 0");
	qts_table_row(t, ts, "A,B", b);
	qts_table_row(t, ts + QTS_NS_PER_SEC / 2, "Q\"X", a);
	qts_table_row(t, ts, "THIS-SYMBOL-IS-FAR-TOO-LONG-FOR-AN-EVENT", a);
	fflush(f);
	CHECK_STR(buf, "", "nothing written before a flush, not even the header");
	CHECK(qts_table_flush(t) == 0, "flush: 0");
	fflush(f);
	CHECK_STR(buf,
		  "ts,symbol,\"sma(close,10)\",close[1],\"say \"\"hi\"\"\"\n"
		  "2024-01-02T00:00:00Z,ACME,1.5,,-0.25\n"
		  "2024-01-02T00:00:00Z,\"A,B\",1e+21,0.1,3\n"
		  "2024-01-02T00:00:00.500Z,\"Q\"\"X\",1.5,,-0.25\n"
		  "2024-01-02T00:00:00Z,THIS-SYMBOL-IS-FAR-TOO-LONG-FOR,1.5,,-0.25\n",
		  "the header, names quoted as CSV needs; rows: shortest numbers, NaN empty, symbols quoted, at most 31 bytes of one");
	size_t before = len;
	CHECK(qts_table_flush(t) == 0 && (fflush(f), len == before), "flush again: nothing more, the header once");
	qts_table_free(t);
	fclose(f);
	free(buf);
}

/* Rows go out a block at a time, whole, and nothing is lost past one. */
static void test_blocks(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	qts_table *t = qts_table_new(f, 1);
	const double v[1] = { 0.125 };
	const char row[] = "1970-01-01T00:00:01Z,ACME,0.125\n";
	size_t n = 0, rows = 5000;
	for (size_t i = 0; i < rows; i++) {
		qts_table_row(t, QTS_NS_PER_SEC, "ACME", v);
		fflush(f);
		if (!n && len)
			n = len;
	}
	CHECK(n >= 65536 && n % (sizeof row - 1) == 0, "a block of whole rows, 64 KiB or more");
	qts_table_flush(t);
	fflush(f);
	CHECK(len == rows * (sizeof row - 1), "every row written once");
	CHECK(!memcmp(buf + len - (sizeof row - 1), row, sizeof row - 1), "the last row whole");
	qts_table_free(t);
	fclose(f);
	free(buf);
}

static void test_write_error(void)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f) {
		CHECK(1, "# skip: no /dev/full");
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	qts_table *t = qts_table_new(f, 1);
	const double v[1] = { 1 };
	int r = 0;
	for (int i = 0; i < 5000 && !r; i++)
		r = qts_table_row(t, 0, "ACME", v);
	CHECK(r == -1, "a block that cannot be written: -1");
	qts_table_row(t, 0, "ACME", v);
	CHECK(qts_table_flush(t) == -1, "flush that cannot write: -1");
	CHECK(qts_table_flush(t) == 0, "nothing left to flush: 0");
	qts_table_free(t);
	fclose(f);
}

int main(void)
{
	test_rows();
	test_blocks();
	test_write_error();
	return tap_done();
}

/* fuzz_parquet — any bytes as a Parquet file, and as the parts of one.
 * The first byte picks: 0-3 the whole input is a file (footer, schema,
 * row groups, pages: every column read, every row's values as text, the
 * rows as events when the file names a type); 4 the RLE/bit-packed
 * hybrid (the next byte its bit width); 5 DELTA_BINARY_PACKED; 6 a page
 * of any codec (the next byte picks it, the two after the size it claims);
 * 7 a Thrift structure skipped.  Nothing may read out of bounds, and a
 * failure always says why. */
#include "fuzz.h"
#include "qts_parquet.h"

#include <stdio.h>

static void whole_file(const unsigned char *data, size_t size)
{
	char err[QTS_ERR_MAX];
	void *copy = malloc(size ? size : 1);
	if (!copy)
		return;
	if (size)
		memcpy(copy, data, size);
	qts_pq *pq = qts_pq_open_mem(copy, size, 1, "fuzz.parquet", err);
	if (!pq) {
		if (!err[0])
			abort();
		return;
	}
	qts_type t = qts_pq_event_type(pq);
	int events = t != QTS_UNKNOWN && qts_pq_events_begin(pq, t, err) == 0;
	size_t n = qts_pq_ncolumns(pq);
	for (size_t i = 0; i < n; i++)
		(void)qts_pq_use(pq, i, err);
	int r;
	long rows = 0;
	while ((r = qts_pq_next(pq)) > 0 && rows++ < 100000) {
		for (size_t i = 0; i < n; i++) {
			qts_pq_value v;
			char buf[64];
			const char *s;
			qts_pq_get(pq, i, &v);
			size_t k = qts_pq_value_text(&v, qts_pq_column_at(pq, i)->utc, buf, &s);
			if (k && !s)
				abort();
		}
		if (events) {
			qts_event ev;
			(void)qts_pq_row_event(pq, t, &ev, err, sizeof err);
		}
	}
	if (r < 0 && !qts_pq_error(pq)[0])
		abort();
	qts_pq_close(pq);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0] & 7;
	data++, size--;
	char err[QTS_ERR_MAX];
	switch (mode) {
	case 4: {
		if (size < 2)
			return 0;
		int width = data[0] % 34;
		size_t count = data[1] * 37u;
		uint32_t *out = malloc((count ? count : 1) * sizeof *out);
		if (out && qts_pq_rle_decode(data + 2, size - 2, width, out, count, err) < 0 && !err[0])
			abort();
		free(out);
		return 0;
	}
	case 5: {
		if (size < 1)
			return 0;
		size_t count = data[0] * 29u, used = 0;
		int64_t *out = malloc((count ? count : 1) * sizeof *out);
		if (out && qts_pq_delta_decode(data + 1, size - 1, out, count, &used, err) == 0 && used > size - 1)
			abort();
		free(out);
		return 0;
	}
	case 6: {
		if (size < 3)
			return 0;
		int codec = data[0] % 8;
		size_t want = (size_t)data[1] << 8 | data[2];
		uint8_t *out = malloc(want ? want : 1);
		if (out && qts_pq_uncompress(codec, data + 3, size - 3, out, want, err) < 0 && !err[0])
			abort();
		free(out);
		return 0;
	}
	case 7: {
		qts_thrift t;
		qts_thrift_init(&t, data, size);
		if (qts_thrift_skip(&t, QTS_TC_STRUCT) < 0 && !t.err)
			abort();
		if (t.p > t.end)
			abort();
		return 0;
	}
	default:
		whole_file(data, size);
		return 0;
	}
}

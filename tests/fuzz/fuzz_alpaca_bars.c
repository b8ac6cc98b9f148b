/* fuzz_alpaca_bars — any bytes as a page of Alpaca's historical bars
 * (GET /v2/stocks/{symbol}/bars), the timeframe chosen by the first byte.
 * Every bar it gives writes as CSV and reads back the same; a page that
 * does not parse says why; the token fits its buffer. */
#include "fuzz.h"
#include "qts_alpaca.h"

#include <stdio.h>

static void check_event(const qts_event *ev)
{
	char line[1024], again[1024];
	size_t n = qts_event_to_csv(ev, line, sizeof line);
	if (n > sizeof line)
		abort();
	int fd = fuzz_fd(line, n);
	qts_reader *r = qts_reader_fdopen(fd, "bar");
	qts_event back;
	if (!r || qts_reader_next(r, &back) != 1) {
		fprintf(stderr, "event '%.*s' does not read back\n", (int)n, line);
		abort();
	}
	size_t m = qts_event_to_csv(&back, again, sizeof again);
	if (m != n || memcmp(line, again, n) != 0)
		abort();
	qts_reader_close(r);
	close(fd);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const qts_tf tfs[8] = { { 0, 0 }, { 1, 'd' }, { 1, 'm' }, { 5, 'm' }, { 1, 'h' }, { 1, 'w' }, { 1, 'M' },
				       { 3, 'M' } };
	if (size < 1)
		return 0;
	qts_tf tf = tfs[data[0] & 7];
	data++, size--;
	qts_evbuf b = { 0 };
	char token[64], err[QTS_ERR_MAX] = "";
	int r = qts_alpaca_parse_bars((const char *)data, size, "SYM", tf, &b, token, sizeof token, err);
	if (r < 0 && !err[0])
		abort();
	if (r == 0) {
		if (strlen(token) >= sizeof token)
			abort();
		for (size_t i = 0; i < b.n; i++) {
			if (b.ev[i].type != QTS_BAR || strcmp(b.ev[i].symbol, "SYM") != 0)
				abort();
			/* a day or longer: at 00:00 UTC */
			if ((tf.n == 0 || tf.unit == 'd' || tf.unit == 'w' || tf.unit == 'M') &&
			    qts_floor_mod(b.ev[i].ts, QTS_NS_PER_DAY) != 0)
				abort();
			check_event(&b.ev[i]);
		}
	}
	qts_evbuf_free(&b);
	return 0;
}

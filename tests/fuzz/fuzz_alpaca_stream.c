/* fuzz_alpaca_stream — any bytes as a message of Alpaca's real-time stream
 * (a JSON array of {"T":...} objects).  Every bar, trade and quote it gives
 * writes as CSV and reads back the same; a message that does not parse
 * says why and gives nothing. */
#include "fuzz.h"
#include "qts_alpaca.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	qts_evbuf b = { 0 };
	qts_alpaca_msg m;
	char err[QTS_ERR_MAX] = "";
	int r = qts_alpaca_parse_stream((const char *)data, size, &b, &m, err);
	if (r < 0 && !err[0])
		abort();
	if ((m.flags & QTS_ALPACA_ERROR) && !m.msg[0])
		abort();
	for (size_t i = 0; r == 0 && i < b.n; i++) {
		const qts_event *ev = &b.ev[i];
		if (ev->type != QTS_BAR && ev->type != QTS_TICK && ev->type != QTS_QUOTE)
			abort();
		if (!ev->symbol[0] || strlen(ev->symbol) >= QTS_SYM_MAX)
			abort();
		char line[1024], again[1024];
		size_t n = qts_event_to_csv(ev, line, sizeof line);
		if (n > sizeof line)
			abort();
		int fd = fuzz_fd(line, n);
		qts_reader *rd = qts_reader_fdopen(fd, "msg");
		qts_event back;
		if (!rd || qts_reader_next(rd, &back) != 1) {
			fprintf(stderr, "event '%.*s' does not read back\n", (int)n, line);
			abort();
		}
		size_t k = qts_event_to_csv(&back, again, sizeof again);
		if (k != n || memcmp(line, again, n) != 0)
			abort();
		qts_reader_close(rd);
		close(fd);
	}
	qts_evbuf_free(&b);
	return 0;
}

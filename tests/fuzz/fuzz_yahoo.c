/* fuzz_yahoo — any bytes as an answer of Yahoo's chart API (and of Alpha
 * Vantage, whose notices are JSON too), with the timeframe and --adjust
 * chosen by the first byte.  A chart gives bars in strictly increasing
 * time that write as CSV and read back as the same line, with actions as
 * whole qts-sim lines; anything else fails with a message naming the
 * source. */
#include "fuzz.h"
#include "qts_feeds.h"

#include <stdio.h>

static void check_event(const qts_event *ev)
{
	char line[1024];
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
	char again[1024];
	size_t m = qts_event_to_csv(&back, again, sizeof again);
	if (m != n || memcmp(line, again, n) != 0) {
		fprintf(stderr, "event '%.*s' reads back as '%.*s'\n", (int)n, line, (int)m, again);
		abort();
	}
	qts_reader_close(r);
	close(fd);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	static const qts_tf tfs[8] = { { 0, 0 }, { 1, 'd' }, { 1, 'w' }, { 1, 'M' },
				       { 1, 'm' }, { 5, 'm' }, { 1, 'h' }, { 30, 'm' } };
	unsigned o = data[0];
	data++, size--;
	qts_evbuf out = { 0 };
	qts_actbuf acts = { 0 };
	char err[QTS_ERR_MAX] = "";
	/* The body as the network gives it: NUL-terminated. */
	char *body = malloc(size + 1);
	if (!body)
		abort();
	memcpy(body, data, size);
	body[size] = '\0';
	if (qts_yahoo_parse(body, size, "SYM", tfs[o & 7], !!(o & 8), &out, &acts, err) < 0) {
		if (strncmp(err, "yahoo:SYM: ", 11) != 0 || out.n != 0)
			abort();
	} else {
		for (size_t i = 0; i < out.n; i++) {
			if (i && out.ev[i].ts <= out.ev[i - 1].ts)
				abort();
			check_event(&out.ev[i]);
		}
		for (const char *p = acts.text; p && *p; p = strchr(p, '\n') + 1) {
			if (!strchr(p, '\n') || strncmp(strchr(p, ',') ? strchr(p, ',') : p, ",SYM,", 5) != 0)
				abort();
		}
	}
	char msg[QTS_ERR_MAX];
	int kind = qts_alphavantage_notice(body, size, "KEY", msg, sizeof msg);
	if (kind != AV_DATA && (!msg[0] || strstr(msg, "KEY")))
		abort();
	qts_evbuf_free(&out);
	qts_actbuf_free(&acts);
	free(body);
	return 0;
}

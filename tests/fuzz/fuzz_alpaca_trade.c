/* fuzz_alpaca_trade — any bytes as the answers of Alpaca's trading API
 * and the messages of its trade_updates stream (alpaca_trade.c).  The
 * first byte picks: 0 stream messages, one a line, through one book (each
 * order known at its first sight); 1 an order; 2 a list of orders; 3
 * positions; 4 the account; 5 an error body.  What comes out writes as CSV
 * and reads back the same; through the book, an order's fills add up to
 * its last update's filled quantity, each fill positive at a positive
 * price, and nothing is said of an order after its final status. */
#include "fuzz.h"
#include "qts_alpaca.h"

#include <stdio.h>

/* Every event of b writes as CSV and reads back the same. */
static void round_trip(const qts_evbuf *b)
{
	for (size_t i = 0; i < b->n; i++) {
		char line[2048], again[2048];
		size_t n = qts_event_to_csv(&b->ev[i], line, sizeof line);
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
}

typedef struct seen {
	char id[QTS_ID_MAX];
	double filled, last_update;
	int final;
} seen;

static void stream(const char *p, size_t size)
{
	qts_alpaca_book *book = qts_alpaca_book_new();
	qts_evbuf b = { 0 };
	seen s[64];
	size_t ns = 0;
	for (const char *end = p + size; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		qts_alpaca_tmsg m;
		char err[QTS_ERR_MAX] = "";
		if (qts_alpaca_parse_tmsg(p, len, &m, err) < 0) {
			if (!err[0])
				abort();
		} else if (m.kind == QTS_ALPACA_T_UPDATE) {
			if (!qts_alpaca_book_has(book, m.order.client_id, NULL)) {
				qts_alpaca_order first = m.order;
				first.status = QTS_STATUS_NEW;
				first.filled = 0;
				first.avg_price = NAN;
				if (qts_alpaca_book_know(book, &first) < 0)
					abort();
			}
			qts_evbuf_clear(&b);
			if (qts_alpaca_book_apply(book, &m.order, &m, &b) < 0)
				abort();
			round_trip(&b);
			for (size_t i = 0; i < b.n; i++) {
				const qts_event *ev = &b.ev[i];
				const char *id = ev->type == QTS_FILL ? ev->fill.id : ev->update.id;
				size_t k = 0;
				while (k < ns && strcmp(s[k].id, id) != 0)
					k++;
				if (k == ns) {
					if (ns == 64)
						continue;
					memset(&s[ns], 0, sizeof s[ns]);
					QTS_SET(s[ns].id, id);
					ns++;
				}
				if (s[k].final)
					abort(); /* said after its final status */
				if (ev->type == QTS_FILL) {
					if (!(ev->fill.qty > 0) || !(ev->fill.price > 0) || !isfinite(ev->fill.price))
						abort();
					s[k].filled += ev->fill.qty;
				} else if (ev->type == QTS_UPDATE) {
					if (fabs(ev->update.filled - s[k].filled) > 1e-6 * (1 + s[k].filled))
						abort(); /* the fills add up to the update */
					if (ev->update.filled + 1e-9 < s[k].last_update)
						abort(); /* filled never goes back */
					s[k].last_update = ev->update.filled;
					s[k].final = qts_status_final(qts_status_parse(ev->update.status));
				} else
					abort();
			}
		}
		p += len + (nl != NULL);
	}
	qts_evbuf_free(&b);
	qts_alpaca_book_free(book);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (!size)
		return 0;
	int mode = data[0] % 6;
	const char *p = (const char *)data + 1;
	size--;
	char err[QTS_ERR_MAX] = "";
	qts_evbuf b = { 0 };
	qts_alpaca_order o, *list = NULL;
	size_t n = 0;
	qts_event ev;
	char reason[QTS_TEXT_MAX];
	int r = 0;
	switch (mode) {
	case 0:
		stream(p, size);
		return 0;
	case 1:
		if ((r = qts_alpaca_parse_order(p, size, &o, err)) == 0) {
			qts_alpaca_update_event(&o, &ev);
			qts_evbuf_push(&b, &ev);
		}
		break;
	case 2:
		if ((r = qts_alpaca_parse_orders(p, size, &list, &n, err)) == 0)
			for (size_t i = 0; i < n; i++) {
				qts_alpaca_update_event(&list[i], &ev);
				qts_evbuf_push(&b, &ev);
			}
		free(list);
		break;
	case 3:
		r = qts_alpaca_parse_positions(p, size, 0, &b, err);
		if (r < 0 && b.n)
			abort(); /* nothing kept from a bad list */
		break;
	case 4:
		if ((r = qts_alpaca_parse_account(p, size, 0, &ev, err)) == 0)
			qts_evbuf_push(&b, &ev);
		break;
	case 5:
		qts_alpaca_error_reason(p, size, 422, reason, sizeof reason);
		if (!reason[0] || strlen(reason) >= sizeof reason)
			abort();
		qts_alpaca_duplicate_id(p, size, 422);
		break;
	}
	if (r < 0 && !err[0])
		abort();
	round_trip(&b);
	qts_evbuf_free(&b);
	return 0;
}

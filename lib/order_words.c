/* order_words.c — the words of orders, fills, updates and targets (side,
 * kind, time in force, status, unit), parsed and named here alone.  The
 * stream's schema (event.c) checks its fields against the same lists, so
 * a word the reader takes is a word every stage understands. */
#include "qts.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const qts_side_words[] = { "buy", "sell", NULL };
const char *const qts_kind_words[] = { "market", "limit", "stop", "stop_limit", NULL };
const char *const qts_tif_words[] = { "day", "gtc", "ioc", "fok", NULL };
const char *const qts_status_words[] = { "new", "accepted", "partial", "filled",
					 "canceled", "rejected", "expired", NULL };
const char *const qts_unit_words[] = { "qty", "weight", NULL };

/* The index of s in a NULL-terminated list, or -1. */
static int lookup(const char *const *words, const char *s)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return -1;
}

/* The word of code in a list of n words (n - 1 names and the NULL). */
static const char *word(const char *const *words, size_t n, int code)
{
	return code >= 0 && (size_t)code < n - 1 ? words[code] : NULL;
}

#define NWORDS(a) (sizeof(a) / sizeof *(a))
/* Each list names its codes in order, its NULL last. */
_Static_assert(QTS_STOP_LIMIT == 3 && QTS_FOK == 3 && QTS_STATUS_EXPIRED == 6 && QTS_UNIT_WEIGHT == 1,
	       "the codes are the indexes of their words");

int qts_side_parse(const char *s)
{
	int i = lookup(qts_side_words, s);
	return i == 0 ? QTS_BUY : i == 1 ? QTS_SELL : 0;
}
int qts_kind_parse(const char *s) { return lookup(qts_kind_words, s); }
int qts_tif_parse(const char *s) { return lookup(qts_tif_words, s); }
int qts_status_parse(const char *s) { return lookup(qts_status_words, s); }
int qts_unit_parse(const char *s) { return lookup(qts_unit_words, s); }

const char *qts_side_name(int side)
{
	return side == QTS_BUY ? qts_side_words[0] : side == QTS_SELL ? qts_side_words[1] : NULL;
}
const char *qts_kind_name(int kind) { return word(qts_kind_words, NWORDS(qts_kind_words), kind); }
const char *qts_tif_name(int tif) { return word(qts_tif_words, NWORDS(qts_tif_words), tif); }
const char *qts_status_name(int st) { return word(qts_status_words, NWORDS(qts_status_words), st); }
const char *qts_unit_name(int unit) { return word(qts_unit_words, NWORDS(qts_unit_words), unit); }

int qts_status_final(int status)
{
	return status == QTS_STATUS_FILLED || status == QTS_STATUS_CANCELED ||
	       status == QTS_STATUS_REJECTED || status == QTS_STATUS_EXPIRED;
}

int qts_kind_has_limit(int kind)
{
	return kind == QTS_LIMIT || kind == QTS_STOP_LIMIT;
}

int qts_kind_has_stop(int kind)
{
	return kind == QTS_STOP || kind == QTS_STOP_LIMIT;
}

int qts_kind_of(double limit, double stop)
{
	return isnan(limit) ? (isnan(stop) ? QTS_MARKET : QTS_STOP)
			    : (isnan(stop) ? QTS_LIMIT : QTS_STOP_LIMIT);
}

static int price_fault(const char *kind_name, const char *what, double price, int any_price, char *why, size_t n)
{
	if (any_price ? isfinite(price) : price > 0)
		return 0;
	if (isnan(price)) /* empty */
		snprintf(why, n, "%s order needs a %s price", kind_name, what);
	else
		snprintf(why, n, "%s price %.10g is not %s", what, price, any_price ? "finite" : "above zero");
	return 1;
}

/* A price given to a kind that uses none is empty in the stream
 * (qts-events(5)).  Were it taken as the order's, or ignored, two stages
 * would read two orders: qts-risk bands a market order's limit that
 * qts-sim fills past.  So it is refused as the missing price is, by every
 * stage that takes orders. */
static int unused_price(const char *kind_name, const char *what, double price, char *why, size_t n)
{
	if (isnan(price)) /* empty */
		return 0;
	snprintf(why, n, "%s order takes no %s price (%.10g)", kind_name, what, price);
	return 1;
}

int qts_order_prices_fault(int kind, const char *kind_name, double limit, double stop, int any_price, char *why,
			   size_t n)
{
	return (qts_kind_has_limit(kind) ? price_fault(kind_name, "limit", limit, any_price, why, n)
					 : unused_price(kind_name, "limit", limit, why, n)) ||
	       (qts_kind_has_stop(kind) ? price_fault(kind_name, "stop", stop, any_price, why, n)
					: unused_price(kind_name, "stop", stop, why, n));
}

int qts_order_qty_fault(double qty, char *why, size_t n)
{
	if (!(qty > 0) || isinf(qty))
		snprintf(why, n, "bad qty %g (must be > 0)", qty);
	else if (qty <= QTS_QTY_EPS) /* no fill of it would be told from none */
		snprintf(why, n, "bad qty %g (must be > %g)", qty, QTS_QTY_EPS);
	else
		return 0;
	return 1;
}

int qts_order_fault(const qts_event *ev, int any_price, char *why, size_t n)
{
	int kind = qts_kind_parse(ev->order.kind);
	if (!qts_side_parse(ev->order.side))
		snprintf(why, n, "bad side '%s' (buy, sell)", ev->order.side);
	else if (kind < 0)
		snprintf(why, n, "bad kind '%s' (market, limit, stop, stop_limit)", ev->order.kind);
	else if (*ev->order.tif && qts_tif_parse(ev->order.tif) < 0)
		snprintf(why, n, "bad tif '%s' (day, gtc, ioc, fok)", ev->order.tif);
	else
		return qts_order_qty_fault(ev->order.qty, why, n) ||
		       qts_order_prices_fault(kind, ev->order.kind, ev->order.limit, ev->order.stop, any_price, why, n);
	return 1;
}

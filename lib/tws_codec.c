/* tws_codec.c — the TWS API messages qts-broker ib sends and reads, as
 * bytes, without I/O.  Layouts are those of the server versions
 * QTS_TWS_VERSION_MIN..QTS_TWS_VERSION_MAX, as IB's own clients (ibapi's
 * client.py and decoder.py, EDecoder.java) and ib_insync 0.9.86 write and
 * read them; the few fields that come or go inside the range are gated
 * on IB's MIN_SERVER_VER_* numbers, named where they are used. */
#include "qts_tws.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Server versions inside the range at which a layout changes. */
enum {
	MIN_SERVER_VER_DURATION = 158,
	MIN_SERVER_VER_POST_TO_ATS = 160,
	MIN_SERVER_VER_AUTO_CANCEL_PARENT = 162,
	MIN_SERVER_VER_ADVANCED_ORDER_REJECT = 166,
	MIN_SERVER_VER_MANUAL_ORDER_TIME = 169,
	MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS = 170,
	MIN_SERVER_VER_FA_PROFILE_DESUPPORT = 177,
	MIN_SERVER_VER_PENDING_PRICE_REVISION = 178
};

/* ---- encoding ---------------------------------------------------------------- */

void qts_tws_out_free(qts_tws_out *o)
{
	free(o->p);
	o->p = NULL;
	o->n = o->cap = 0;
}

static int reserve(qts_tws_out *o, size_t more)
{
	if (o->n + more <= o->cap)
		return 0;
	size_t cap = o->cap ? o->cap : 256;
	while (cap < o->n + more)
		cap *= 2;
	char *p = realloc(o->p, cap);
	if (!p)
		return -1;
	o->p = p;
	o->cap = cap;
	return 0;
}

static int put_bytes(qts_tws_out *o, const void *p, size_t n)
{
	if (reserve(o, n) < 0)
		return -1;
	memcpy(o->p + o->n, p, n);
	o->n += n;
	return 0;
}

/* A message under construction: its length is filled in at the end. */
typedef struct msg {
	qts_tws_out *o;
	size_t start;
	int oom;
} msg;

static void begin(msg *m, qts_tws_out *o)
{
	m->o = o;
	m->start = o->n;
	m->oom = put_bytes(o, "\0\0\0\0", 4) < 0;
}

static void str(msg *m, const char *s)
{
	if (!m->oom && put_bytes(m->o, s, strlen(s) + 1) < 0)
		m->oom = 1;
}

static void num(msg *m, long long v)
{
	char b[32];
	snprintf(b, sizeof b, "%lld", v);
	str(m, b);
}

/* A double as the shortest text that reads back the same; NaN: empty,
 * IB's "unset". */
static void dbl(msg *m, double v)
{
	char b[40] = "";
	if (!isnan(v))
		qts_num_format(v, b);
	str(m, b);
}

static int end(msg *m)
{
	if (m->oom) {
		m->o->n = m->start;
		return -1;
	}
	size_t len = m->o->n - m->start - 4;
	unsigned char *p = (unsigned char *)m->o->p + m->start;
	p[0] = (unsigned char)(len >> 24);
	p[1] = (unsigned char)(len >> 16);
	p[2] = (unsigned char)(len >> 8);
	p[3] = (unsigned char)len;
	return 0;
}

int qts_tws_hello(qts_tws_out *o)
{
	char v[32];
	int k = snprintf(v, sizeof v, "v%d..%d", QTS_TWS_VERSION_MIN, QTS_TWS_VERSION_MAX);
	if (put_bytes(o, "API", 4) < 0) /* "API" and its NUL: not a framed message */
		return -1;
	/* The version range is framed but not NUL-terminated. */
	msg m;
	begin(&m, o);
	if (!m.oom && put_bytes(o, v, (size_t)k) < 0)
		m.oom = 1;
	return end(&m);
}

int qts_tws_start_api(qts_tws_out *o, long client_id)
{
	msg m;
	begin(&m, o);
	num(&m, 71); /* START_API, version 2 */
	num(&m, 2);
	num(&m, client_id);
	str(&m, ""); /* optional capabilities */
	return end(&m);
}

static int simple(qts_tws_out *o, int id, int version)
{
	msg m;
	begin(&m, o);
	num(&m, id);
	num(&m, version);
	return end(&m);
}

int qts_tws_req_ids(qts_tws_out *o)
{
	msg m;
	begin(&m, o);
	num(&m, 8); /* REQ_IDS, version 1, numIds (ignored by TWS) */
	num(&m, 1);
	num(&m, 1);
	return end(&m);
}

int qts_tws_req_open_orders(qts_tws_out *o) { return simple(o, 5, 1); }
int qts_tws_req_all_open_orders(qts_tws_out *o) { return simple(o, 16, 1); }
int qts_tws_req_positions(qts_tws_out *o) { return simple(o, 61, 1); }
int qts_tws_req_current_time(qts_tws_out *o) { return simple(o, 49, 1); }

int qts_tws_req_completed_orders(qts_tws_out *o)
{
	msg m;
	begin(&m, o);
	num(&m, 99); /* REQ_COMPLETED_ORDERS: no version; apiOnly */
	num(&m, 1);
	return end(&m);
}

int qts_tws_req_account_summary(qts_tws_out *o, long req_id, const char *tags)
{
	msg m;
	begin(&m, o);
	num(&m, 62); /* REQ_ACCOUNT_SUMMARY, version 1 */
	num(&m, 1);
	num(&m, req_id);
	str(&m, "All");
	str(&m, tags);
	return end(&m);
}

int qts_tws_req_executions(qts_tws_out *o, long req_id)
{
	msg m;
	begin(&m, o);
	num(&m, 7); /* REQ_EXECUTIONS, version 3 */
	num(&m, 3);
	num(&m, req_id);
	/* An execution filter that filters nothing: clientId, acctCode,
	 * time, symbol, secType, exchange, side. */
	num(&m, 0);
	for (int i = 0; i < 6; i++)
		str(&m, "");
	return end(&m);
}

int qts_tws_cancel_order(qts_tws_out *o, int version, long long order_id)
{
	msg m;
	begin(&m, o);
	num(&m, 4); /* CANCEL_ORDER, version 1 */
	num(&m, 1);
	num(&m, order_id);
	if (version >= MIN_SERVER_VER_MANUAL_ORDER_TIME)
		str(&m, ""); /* manualOrderCancelTime */
	return end(&m);
}

/* placeOrder at a server version of the range (MIN_SERVER_VER_ORDER_CONTAINER,
 * 145, and later: no message version).  Every field qts does not set
 * carries the default ib_insync's Order sends ("" for unset numbers), in
 * the same words. */
int qts_tws_place_order(qts_tws_out *o, int version, const qts_tws_order *r)
{
	msg m;
	begin(&m, o);
	num(&m, 3);
	num(&m, r->order_id);
	/* the contract: conId, symbol, secType, lastTradeDateOrContractMonth,
	 * strike, right, multiplier, exchange, primaryExchange, currency,
	 * localSymbol, tradingClass, secIdType, secId */
	num(&m, 0);
	str(&m, r->symbol);
	str(&m, "STK");
	str(&m, "");
	str(&m, "0.0");
	str(&m, "");
	str(&m, "");
	str(&m, "SMART");
	str(&m, "");
	str(&m, "USD");
	str(&m, "");
	str(&m, "");
	str(&m, "");
	str(&m, "");
	/* the order's main fields */
	str(&m, r->action);
	dbl(&m, r->qty);
	str(&m, r->type);
	dbl(&m, r->limit);
	dbl(&m, r->aux);
	str(&m, r->tif);
	str(&m, "");                 /* ocaGroup */
	str(&m, r->account ? r->account : "");
	str(&m, "O");                /* openClose */
	num(&m, 0);                  /* origin: customer */
	str(&m, r->order_ref);
	num(&m, 1);                  /* transmit */
	num(&m, 0);                  /* parentId */
	num(&m, 0);                  /* blockOrder */
	num(&m, 0);                  /* sweepToFill */
	num(&m, 0);                  /* displaySize */
	num(&m, 0);                  /* triggerMethod */
	num(&m, 0);                  /* outsideRth */
	num(&m, 0);                  /* hidden */
	str(&m, "");                 /* deprecated sharesAllocation */
	str(&m, "0.0");              /* discretionaryAmt */
	str(&m, "");                 /* goodAfterTime */
	str(&m, "");                 /* goodTillDate */
	str(&m, "");                 /* faGroup */
	str(&m, "");                 /* faMethod */
	str(&m, "");                 /* faPercentage */
	if (version < MIN_SERVER_VER_FA_PROFILE_DESUPPORT)
		str(&m, "");         /* faProfile */
	str(&m, "");                 /* modelCode */
	num(&m, 0);                  /* shortSaleSlot */
	str(&m, "");                 /* designatedLocation */
	num(&m, -1);                 /* exemptCode */
	num(&m, 0);                  /* ocaType */
	str(&m, "");                 /* rule80A */
	str(&m, "");                 /* settlingFirm */
	num(&m, 0);                  /* allOrNone */
	str(&m, "");                 /* minQty */
	str(&m, "");                 /* percentOffset */
	num(&m, 0);                  /* eTradeOnly */
	num(&m, 0);                  /* firmQuoteOnly */
	str(&m, "");                 /* nbboPriceCap */
	num(&m, 0);                  /* auctionStrategy */
	str(&m, "");                 /* startingPrice */
	str(&m, "");                 /* stockRefPrice */
	str(&m, "");                 /* delta */
	str(&m, "");                 /* stockRangeLower */
	str(&m, "");                 /* stockRangeUpper */
	num(&m, 0);                  /* overridePercentageConstraints */
	str(&m, "");                 /* volatility */
	str(&m, "");                 /* volatilityType */
	str(&m, "");                 /* deltaNeutralOrderType (none: no more of it) */
	str(&m, "");                 /* deltaNeutralAuxPrice */
	num(&m, 0);                  /* continuousUpdate */
	str(&m, "");                 /* referencePriceType */
	str(&m, "");                 /* trailStopPrice */
	str(&m, "");                 /* trailingPercent */
	str(&m, "");                 /* scaleInitLevelSize */
	str(&m, "");                 /* scaleSubsLevelSize */
	str(&m, "");                 /* scalePriceIncrement (none: no more of it) */
	str(&m, "");                 /* scaleTable */
	str(&m, "");                 /* activeStartTime */
	str(&m, "");                 /* activeStopTime */
	str(&m, "");                 /* hedgeType (none: no hedgeParam) */
	num(&m, 0);                  /* optOutSmartRouting */
	str(&m, "");                 /* clearingAccount */
	str(&m, "");                 /* clearingIntent */
	num(&m, 0);                  /* notHeld */
	num(&m, 0);                  /* no deltaNeutralContract */
	str(&m, "");                 /* algoStrategy (none: no params) */
	str(&m, "");                 /* algoId */
	num(&m, 0);                  /* whatIf */
	str(&m, "");                 /* orderMiscOptions */
	num(&m, 0);                  /* solicited */
	num(&m, 0);                  /* randomizeSize */
	num(&m, 0);                  /* randomizePrice */
	num(&m, 0);                  /* conditions: none */
	str(&m, "");                 /* adjustedOrderType */
	str(&m, "");                 /* triggerPrice */
	str(&m, "");                 /* lmtPriceOffset */
	str(&m, "");                 /* adjustedStopPrice */
	str(&m, "");                 /* adjustedStopLimitPrice */
	str(&m, "");                 /* adjustedTrailingAmount */
	num(&m, 0);                  /* adjustableTrailingUnit */
	str(&m, "");                 /* extOperator */
	str(&m, "");                 /* softDollarTier name */
	str(&m, "");                 /* softDollarTier value */
	str(&m, "");                 /* cashQty */
	str(&m, "");                 /* mifid2DecisionMaker */
	str(&m, "");                 /* mifid2DecisionAlgo */
	str(&m, "");                 /* mifid2ExecutionTrader */
	str(&m, "");                 /* mifid2ExecutionAlgo */
	num(&m, 0);                  /* dontUseAutoPriceForHedge */
	num(&m, 0);                  /* isOmsContainer */
	num(&m, 0);                  /* discretionaryUpToLimitPrice */
	num(&m, 0);                  /* usePriceMgmtAlgo */
	if (version >= MIN_SERVER_VER_DURATION)
		str(&m, "");         /* duration */
	if (version >= MIN_SERVER_VER_POST_TO_ATS)
		str(&m, "");         /* postToAts */
	if (version >= MIN_SERVER_VER_AUTO_CANCEL_PARENT)
		num(&m, 0);          /* autoCancelParent */
	if (version >= MIN_SERVER_VER_ADVANCED_ORDER_REJECT)
		str(&m, "");         /* advancedErrorOverride */
	if (version >= MIN_SERVER_VER_MANUAL_ORDER_TIME)
		str(&m, "");         /* manualOrderTime */
	/* MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS adds fields only for IBKRATS
	 * and the PEG BEST / PEG MID types, which qts does not send. */
	return end(&m);
}

/* ---- decoding ------------------------------------------------------------------ */

int qts_tws_frame(const unsigned char *p, size_t n, size_t *len, char *err)
{
	if (n < 4)
		return 0;
	uint32_t l = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (l == 0 || l > QTS_TWS_MSG_MAX) {
		snprintf(err, QTS_ERR_MAX, "a message of %lu bytes (at most %u)", (unsigned long)l,
			 QTS_TWS_MSG_MAX);
		return -1;
	}
	if (n - 4 < l)
		return 0;
	*len = 4 + (size_t)l;
	return 1;
}

/* A cursor over a message's fields. */
typedef struct cur {
	const char *p, *end;
	int i;             /* the field read next, from 1 (the id is field 0) */
	const char *name;  /* the message, for errors */
	char *err;
	int failed;
} cur;

static void fail(cur *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(cur *c, const char *fmt, ...)
{
	if (c->failed)
		return;
	c->failed = 1;
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(c->err, QTS_ERR_MAX, "%s: %s", c->name, what);
}

/* The next field (NUL-terminated in the body), or NULL when the message
 * is cut short (what names the field for the error). */
static const char *next(cur *c, const char *what)
{
	if (c->failed)
		return NULL;
	if (c->p >= c->end) {
		fail(c, "cut short: no field %d (%s)", c->i, what);
		return NULL;
	}
	const char *f = c->p;
	c->p += strlen(f) + 1;
	c->i++;
	return f;
}

static void quoted(char *out, size_t size, const char *s)
{
	qts_quote(out, size, s, strlen(s));
}

static long long get_int(cur *c, const char *what)
{
	const char *f = next(c, what);
	if (!f || !*f)
		return 0;
	char *e;
	errno = 0;
	long long v = strtoll(f, &e, 10);
	if (*e || errno) {
		char q[64];
		quoted(q, sizeof q, f);
		fail(c, "field %d (%s): not an integer: \"%s\"", c->i - 1, what, q);
		return 0;
	}
	return v;
}

/* IB's unset double (Double.MAX_VALUE) and the empty field: NaN. */
static double get_num(cur *c, const char *what)
{
	const char *f = next(c, what);
	if (!f || !*f)
		return NAN;
	double v;
	if (qts_num_parse(f, strlen(f), &v) < 0 || isnan(v)) {
		char q[64];
		quoted(q, sizeof q, f);
		fail(c, "field %d (%s): not a number: \"%s\"", c->i - 1, what, q);
		return NAN;
	}
	return v >= 1.7976931348623157e308 ? NAN : v;
}

static double get_qty(cur *c, const char *what)
{
	double v = get_num(c, what);
	return isnan(v) ? 0 : v;
}

/* A field into dst: longer than dst holds is an error (an id cut short
 * would name another order). */
static void get_str(cur *c, char *dst, size_t size, const char *what)
{
	dst[0] = '\0';
	const char *f = next(c, what);
	if (!f)
		return;
	size_t n = strlen(f);
	if (n >= size) {
		fail(c, "field %d (%s): longer than %zu bytes", c->i - 1, what, size - 1);
		return;
	}
	memcpy(dst, f, n + 1);
}

/* A text for people (an error's message): cut to fit. */
static void get_text(cur *c, char *dst, size_t size, const char *what)
{
	const char *f = next(c, what);
	if (f)
		qts_strlcpy(dst, f, size);
}

static void skip(cur *c, int n, const char *what)
{
	while (n-- > 0 && !c->failed)
		next(c, what);
}

/* A count of repeated groups of per fields each: at most what the message
 * still holds. */
static long get_count(cur *c, int per, const char *what)
{
	long long v = get_int(c, what);
	if (c->failed)
		return 0;
	if (v < 0 || (per && v > (long long)(c->end - c->p) / per)) {
		fail(c, "field %d (%s): %lld, more than the message holds", c->i - 1, what, v);
		return 0;
	}
	return (long)v;
}

static int done(cur *c)
{
	if (!c->failed && c->p < c->end) {
		int extra = 0;
		for (const char *p = c->p; p < c->end; p += strlen(p) + 1)
			extra++;
		fail(c, "%d field%s more than its layout", extra, extra == 1 ? "" : "s");
	}
	return c->failed ? -1 : 0;
}

int qts_tws_decode_hello(const char *body, size_t n, int *version, char *conn_time, size_t tlen, char *err)
{
	cur c = { body, body + n, 0, "the server's hello", err, 0 };
	if (n == 0 || body[n - 1] != '\0') {
		fail(&c, "does not end in a NUL");
		return -1;
	}
	long long v = get_int(&c, "version");
	get_text(&c, conn_time, tlen, "connection time");
	if (done(&c) < 0)
		return -1;
	if (v <= 0 || v > 100000) {
		snprintf(err, QTS_ERR_MAX, "the server's hello: version %lld", v);
		return -1;
	}
	*version = (int)v;
	return 0;
}

/* The contract fields of openOrder, execDetails and position after conId. */
static void contract(cur *c, char *symbol, char *sec_type, char *currency)
{
	get_str(c, symbol, QTS_SYM_MAX, "symbol");
	get_str(c, sec_type, QTS_TWS_STR, "secType");
	skip(c, 5, "contract"); /* lastTradeDate, strike, right, multiplier, exchange */
	if (currency)
		get_str(c, currency, QTS_TWS_STR, "currency");
	else
		skip(c, 1, "currency");
	skip(c, 2, "contract"); /* localSymbol, tradingClass */
}

static void conditions(cur *c);

/* openOrder, walked whole (EDecoder.processOpenOrderMsg at versions of the
 * range, MIN_SERVER_VER_ORDER_CONTAINER on: no message version). */
static void open_order(cur *c, int version, qts_tws_msg *m)
{
	char buf[QTS_TWS_STR];
	m->open_order.order_id = get_int(c, "orderId");
	skip(c, 1, "conId");
	contract(c, m->open_order.symbol, m->open_order.sec_type, m->open_order.currency);
	get_str(c, m->open_order.action, QTS_TWS_STR, "action");
	m->open_order.qty = get_qty(c, "totalQuantity");
	get_str(c, m->open_order.type, QTS_TWS_STR, "orderType");
	m->open_order.limit = get_num(c, "lmtPrice");
	m->open_order.aux = get_num(c, "auxPrice");
	get_str(c, m->open_order.tif, QTS_TWS_STR, "tif");
	skip(c, 1, "ocaGroup");
	get_str(c, m->open_order.account, QTS_TWS_STR, "account");
	skip(c, 2, "openClose, origin");
	get_str(c, m->open_order.order_ref, QTS_ID_MAX, "orderRef");
	m->open_order.client_id = (long)get_int(c, "clientId");
	m->open_order.perm_id = get_int(c, "permId");
	/* outsideRth, hidden, discretionaryAmt, goodAfterTime, sharesAllocation,
	 * faGroup, faMethod, faPercentage */
	skip(c, 8, "order fields");
	if (version < MIN_SERVER_VER_FA_PROFILE_DESUPPORT)
		skip(c, 1, "faProfile");
	/* modelCode ... volatilityType (27 fields) */
	skip(c, 27, "order fields");
	get_str(c, buf, sizeof buf, "deltaNeutralOrderType");
	skip(c, 1, "deltaNeutralAuxPrice");
	if (buf[0])
		skip(c, 8, "deltaNeutral fields");
	/* continuousUpdate, referencePriceType, trailStopPrice, trailingPercent,
	 * basisPoints, basisPointsType, comboLegsDescrip */
	skip(c, 7, "order fields");
	long n = get_count(c, 8, "comboLegs count");
	skip(c, (int)n * 8, "comboLegs");
	n = get_count(c, 1, "orderComboLegs count");
	skip(c, (int)n, "orderComboLegs");
	n = get_count(c, 2, "smartComboRoutingParams count");
	skip(c, (int)n * 2, "smartComboRoutingParams");
	skip(c, 2, "scaleInitLevelSize, scaleSubsLevelSize");
	double incr = get_num(c, "scalePriceIncrement");
	if (incr > 0)
		skip(c, 7, "scale fields");
	get_str(c, buf, sizeof buf, "hedgeType");
	if (buf[0])
		skip(c, 1, "hedgeParam");
	skip(c, 4, "optOutSmartRouting, clearingAccount, clearingIntent, notHeld");
	if (get_int(c, "deltaNeutralContract"))
		skip(c, 3, "deltaNeutralContract");
	get_str(c, buf, sizeof buf, "algoStrategy");
	if (buf[0]) {
		n = get_count(c, 2, "algoParams count");
		skip(c, (int)n * 2, "algoParams");
	}
	skip(c, 2, "solicited, whatIf");
	get_str(c, m->open_order.status, QTS_TWS_STR, "status");
	/* the margin and commission preview (13), warningText, randomizeSize,
	 * randomizePrice */
	skip(c, 16, "orderState fields");
	if (!strcmp(m->open_order.type, "PEG BENCH") || !strcmp(m->open_order.type, "PEGBENCH"))
		skip(c, 5, "pegged-to-benchmark fields");
	conditions(c);
	/* adjusted order fields (8), softDollarTier (3), cashQty,
	 * dontUseAutoPriceForHedge, isOmsContainer,
	 * discretionaryUpToLimitPrice, usePriceMgmtAlgo */
	skip(c, 16, "order fields");
	if (version >= MIN_SERVER_VER_DURATION)
		skip(c, 1, "duration");
	if (version >= MIN_SERVER_VER_POST_TO_ATS)
		skip(c, 1, "postToAts");
	if (version >= MIN_SERVER_VER_AUTO_CANCEL_PARENT)
		skip(c, 1, "autoCancelParent");
	if (version >= MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS)
		skip(c, 5, "peg best / peg mid fields");
}

/* The conditions of an order (openOrder, completedOrder): their count,
 * each with its type's fields, then two flags when there are any. */
static void conditions(cur *c)
{
	long n = get_count(c, 2, "conditions count");
	for (long i = 0; i < n && !c->failed; i++) {
		long long t = get_int(c, "condition type");
		/* The fields of each condition type after its type
		 * (OrderCondition's subclasses). */
		int k = t == 1 ? 6 : t == 3 || t == 4 ? 3 : t == 5 ? 4 : t == 6 || t == 7 ? 5 : -1;
		if (k < 0 && !c->failed)
			fail(c, "field %d (condition type): unknown type %lld", c->i - 1, t);
		skip(c, k, "condition");
	}
	if (n > 0)
		skip(c, 2, "conditionsIgnoreRth, conditionsCancelOrder");
}

/* completedOrder (ib_insync decoder.completedOrder, EDecoder
 * processCompletedOrderMsg): no message version, no order id. */
static void completed_order(cur *c, int version, qts_tws_msg *m)
{
	char buf[QTS_TWS_STR];
	skip(c, 1, "conId");
	contract(c, m->completed.symbol, m->completed.sec_type, NULL);
	get_str(c, m->completed.action, QTS_TWS_STR, "action");
	m->completed.qty = get_qty(c, "totalQuantity");
	get_str(c, m->completed.type, QTS_TWS_STR, "orderType");
	skip(c, 4, "lmtPrice, auxPrice, tif, ocaGroup");
	get_str(c, m->completed.account, QTS_TWS_STR, "account");
	skip(c, 2, "openClose, origin");
	get_str(c, m->completed.order_ref, QTS_ID_MAX, "orderRef");
	m->completed.perm_id = get_int(c, "permId");
	/* outsideRth, hidden, discretionaryAmt, goodAfterTime, faGroup,
	 * faMethod, faPercentage */
	skip(c, 7, "order fields");
	if (version < MIN_SERVER_VER_FA_PROFILE_DESUPPORT)
		skip(c, 1, "faProfile");
	skip(c, 21, "order fields"); /* modelCode .. volatilityType */
	get_str(c, buf, sizeof buf, "deltaNeutralOrderType");
	skip(c, 1, "deltaNeutralAuxPrice");
	if (buf[0])
		skip(c, 4, "deltaNeutral fields");
	skip(c, 5, "order fields"); /* continuousUpdate .. comboLegsDescrip */
	long n = get_count(c, 8, "comboLegs count");
	skip(c, (int)n * 8, "comboLegs");
	n = get_count(c, 1, "orderComboLegs count");
	skip(c, (int)n, "orderComboLegs");
	n = get_count(c, 2, "smartComboRoutingParams count");
	skip(c, (int)n * 2, "smartComboRoutingParams");
	skip(c, 2, "scaleInitLevelSize, scaleSubsLevelSize");
	if (get_num(c, "scalePriceIncrement") > 0)
		skip(c, 7, "scale fields");
	get_str(c, buf, sizeof buf, "hedgeType");
	if (buf[0])
		skip(c, 1, "hedgeParam");
	skip(c, 3, "clearingAccount, clearingIntent, notHeld");
	if (get_int(c, "deltaNeutralContract"))
		skip(c, 3, "deltaNeutralContract");
	get_str(c, buf, sizeof buf, "algoStrategy");
	if (buf[0]) {
		n = get_count(c, 2, "algoParams count");
		skip(c, (int)n * 2, "algoParams");
	}
	skip(c, 1, "solicited");
	get_str(c, m->completed.status, QTS_TWS_STR, "status");
	skip(c, 2, "randomizeSize, randomizePrice");
	if (!strcmp(m->completed.type, "PEG BENCH") || !strcmp(m->completed.type, "PEGBENCH"))
		skip(c, 5, "pegged-to-benchmark fields");
	conditions(c);
	/* trailStopPrice, lmtPriceOffset, cashQty, dontUseAutoPriceForHedge,
	 * isOmsContainer, autoCancelDate */
	skip(c, 6, "order fields");
	m->completed.filled = get_qty(c, "filledQuantity");
	/* refFuturesConId, autoCancelParent, shareholder, imbalanceOnly,
	 * routeMarketableToBbo, parentPermId, completedTime */
	skip(c, 7, "order fields");
	get_text(c, m->completed.completed_status, QTS_TEXT_MAX, "completedStatus");
	if (version >= MIN_SERVER_VER_PEGBEST_PEGMID_OFFSETS)
		skip(c, 5, "peg best / peg mid fields");
}

int qts_tws_decode(int version, const char *body, size_t n, qts_tws_msg *m, char *err)
{
	memset(m, 0, sizeof *m);
	cur c = { body, body + n, 0, "a message", err, 0 };
	if (n == 0 || body[n - 1] != '\0') {
		fail(&c, "does not end in a NUL");
		return -1;
	}
	long long id = get_int(&c, "message id");
	if (c.failed)
		return -1;
	m->id = (int)id;
	c.i = 1;
	switch (id) {
	case QTS_TWS_ORDER_STATUS:
		/* no message version from MIN_SERVER_VER_MARKET_CAP_PRICE (131) */
		c.name = "orderStatus";
		m->order_status.order_id = get_int(&c, "orderId");
		get_str(&c, m->order_status.status, QTS_TWS_STR, "status");
		m->order_status.filled = get_qty(&c, "filled");
		m->order_status.remaining = get_qty(&c, "remaining");
		m->order_status.avg_price = get_num(&c, "avgFillPrice");
		m->order_status.perm_id = get_int(&c, "permId");
		m->order_status.parent_id = get_int(&c, "parentId");
		m->order_status.last_price = get_num(&c, "lastFillPrice");
		m->order_status.client_id = (long)get_int(&c, "clientId");
		get_text(&c, m->order_status.why_held, QTS_TWS_STR, "whyHeld");
		skip(&c, 1, "mktCapPrice");
		break;
	case QTS_TWS_ERROR:
		c.name = "error";
		skip(&c, 1, "version");
		m->error.id = get_int(&c, "id");
		m->error.code = (long)get_int(&c, "errorCode");
		get_text(&c, m->error.text, QTS_TEXT_MAX, "errorString");
		if (version >= MIN_SERVER_VER_ADVANCED_ORDER_REJECT)
			skip(&c, 1, "advancedOrderRejectJson");
		break;
	case QTS_TWS_OPEN_ORDER:
		c.name = "openOrder";
		open_order(&c, version, m);
		break;
	case QTS_TWS_NEXT_VALID_ID:
		c.name = "nextValidId";
		skip(&c, 1, "version");
		m->next_valid_id.order_id = get_int(&c, "orderId");
		break;
	case QTS_TWS_EXEC_DETAILS:
		/* no message version from MIN_SERVER_VER_LAST_LIQUIDITY (136) */
		c.name = "execDetails";
		m->exec_details.req_id = (long)get_int(&c, "reqId");
		m->exec_details.order_id = get_int(&c, "orderId");
		skip(&c, 1, "conId");
		contract(&c, m->exec_details.symbol, m->exec_details.sec_type, NULL);
		get_str(&c, m->exec_details.exec_id, QTS_TWS_STR, "execId");
		get_str(&c, m->exec_details.time, QTS_TWS_STR, "time");
		get_str(&c, m->exec_details.account, QTS_TWS_STR, "acctNumber");
		skip(&c, 1, "exchange");
		get_str(&c, m->exec_details.side, QTS_TWS_STR, "side");
		m->exec_details.shares = get_qty(&c, "shares");
		m->exec_details.price = get_num(&c, "price");
		m->exec_details.perm_id = get_int(&c, "permId");
		m->exec_details.client_id = (long)get_int(&c, "clientId");
		skip(&c, 1, "liquidation");
		m->exec_details.cum_qty = get_qty(&c, "cumQty");
		m->exec_details.avg_price = get_num(&c, "avgPrice");
		get_str(&c, m->exec_details.order_ref, QTS_ID_MAX, "orderRef");
		skip(&c, 4, "evRule, evMultiplier, modelCode, lastLiquidity");
		if (version >= MIN_SERVER_VER_PENDING_PRICE_REVISION)
			skip(&c, 1, "pendingPriceRevision");
		break;
	case QTS_TWS_MANAGED_ACCOUNTS:
		c.name = "managedAccounts";
		skip(&c, 1, "version");
		get_text(&c, m->managed_accounts.accounts, QTS_TEXT_MAX, "accountsList");
		break;
	case QTS_TWS_CURRENT_TIME:
		c.name = "currentTime";
		skip(&c, 1, "version");
		m->current_time.time = get_int(&c, "time");
		break;
	case QTS_TWS_OPEN_ORDER_END:
		c.name = "openOrderEnd";
		skip(&c, 1, "version");
		break;
	case QTS_TWS_EXEC_DETAILS_END:
		c.name = "execDetailsEnd";
		skip(&c, 1, "version");
		m->exec_details_end.req_id = (long)get_int(&c, "reqId");
		break;
	case QTS_TWS_COMMISSION_REPORT:
		c.name = "commissionReport";
		skip(&c, 1, "version");
		get_str(&c, m->commission.exec_id, QTS_TWS_STR, "execId");
		m->commission.commission = get_num(&c, "commission");
		get_str(&c, m->commission.currency, QTS_TWS_STR, "currency");
		skip(&c, 3, "realizedPNL, yield, yieldRedemptionDate");
		break;
	case QTS_TWS_POSITION:
		c.name = "position";
		skip(&c, 1, "version");
		get_str(&c, m->position.account, QTS_TWS_STR, "account");
		skip(&c, 1, "conId");
		contract(&c, m->position.symbol, m->position.sec_type, m->position.currency);
		m->position.position = get_qty(&c, "position");
		m->position.avg_cost = get_num(&c, "avgCost");
		break;
	case QTS_TWS_POSITION_END:
		c.name = "positionEnd";
		skip(&c, 1, "version");
		break;
	case QTS_TWS_ACCOUNT_SUMMARY:
		c.name = "accountSummary";
		skip(&c, 1, "version");
		m->account_summary.req_id = (long)get_int(&c, "reqId");
		get_str(&c, m->account_summary.account, QTS_TWS_STR, "account");
		get_str(&c, m->account_summary.tag, QTS_TWS_STR, "tag");
		get_str(&c, m->account_summary.value, QTS_TWS_STR, "value");
		get_str(&c, m->account_summary.currency, QTS_TWS_STR, "currency");
		break;
	case QTS_TWS_ACCOUNT_SUMMARY_END:
		c.name = "accountSummaryEnd";
		skip(&c, 1, "version");
		m->account_summary_end.req_id = (long)get_int(&c, "reqId");
		break;
	case QTS_TWS_COMPLETED_ORDER:
		c.name = "completedOrder";
		completed_order(&c, version, m);
		break;
	case QTS_TWS_COMPLETED_ORDERS_END:
		c.name = "completedOrdersEnd";
		break;
	default:
		return 0; /* a message qts does not use */
	}
	return done(&c);
}

int qts_tws_status(const char *w, double filled, double remaining)
{
	if (!strcmp(w, "ApiPending") || !strcmp(w, "PendingSubmit"))
		return QTS_STATUS_NEW;
	if (!strcmp(w, "PreSubmitted") || !strcmp(w, "Submitted") || !strcmp(w, "PendingCancel"))
		return filled > 0 && remaining > 0 ? QTS_STATUS_PARTIAL : QTS_STATUS_ACCEPTED;
	if (!strcmp(w, "Filled"))
		return QTS_STATUS_FILLED;
	if (!strcmp(w, "Cancelled") || !strcmp(w, "ApiCancelled"))
		return QTS_STATUS_CANCELED;
	if (!strcmp(w, "Inactive"))
		return QTS_STATUS_REJECTED;
	return -1;
}

/* strategy_feedback.c — qts-strategy --feedback: the fills, positions and
 * order updates of the executing stage (qts-sim, a broker), applied as
 * they arrive, make the position the strategy sees the real one.
 *
 * With --feedback nothing is presumed: a symbol's position is 0 until
 * feedback says otherwise; a `position` event sets it outright (the
 * executing stage's own count wins over any sum of fills); a `fill` moves
 * it by its quantity, up for buy and down for sell.  The order a
 * strategy keeps working stays in its book until an update says it is
 * done (filled, canceled, rejected, expired) or fills reach its
 * quantity: while feedback lags, the strategy keeps the order it has
 * rather than send another for the same change.  Without --feedback the
 * fills are presumed, as before (qts_strat_presume_fills). */
#include "strategy_priv.h"

#include <string.h>

static struct qts_strat_working *working(struct sym *s, const char *id)
{
	for (int i = 0; i < 2; i++)
		if (s->book.work[i].id[0] && !strcmp(s->book.work[i].id, id))
			return &s->book.work[i];
	return NULL;
}

static int done(const char *status)
{
	return qts_status_final(qts_status_parse(status));
}

int strategy_feedback(struct host *h, const qts_event *ev)
{
	if (h->portfolio)
		h->strat->portfolio->feedback(h->portfolio, ev);
	if (!qts_event_is_news(ev))
		return 0; /* equity, bars, the stream's own events: not the position */
	struct sym *s = strategy_sym(h, ev->symbol);
	if (!s)
		return -1;
	struct qts_strat_working *w;
	switch (ev->type) {
	case QTS_POSITION:
		s->book.pos = ev->position.qty;
		break;
	case QTS_FILL: {
		int side = qts_side_parse(ev->fill.side);
		if (!side || !isfinite(ev->fill.qty))
			break;
		s->book.pos += side * ev->fill.qty;
		if ((w = working(s, ev->fill.id)) && (w->o.qty -= ev->fill.qty) <= 1e-9 * ev->fill.qty)
			w->id[0] = '\0';
		/* a plugin hears of its fills; what it writes then is stamped
		 * with the stream's time, not the fill's, which is behind */
		if (h->pl)
			qts_plugin_fill(h->pl, ev, h->clock != QTS_TS_MIN ? h->clock : ev->ts);
		break;
	}
	default: /* QTS_UPDATE */
		if (done(ev->update.status) && (w = working(s, ev->update.id)))
			w->id[0] = '\0';
		break;
	}
	return h->stop ? -1 : 0;
}

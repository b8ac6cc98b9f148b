/* strat_bars.c — which of a strategy's series a bar feeds, and when the
 * bar became known, remembered a symbol and a timeframe so that a bar
 * costs a comparison of a word or two. */
#include "qts_strat.h"

#include <string.h>

/* A timeframe not among those seen so far: learnt, and remembered when
 * there is room.  Past QTS_STRAT_TFS, one the strategy reads (a mask
 * other than 0) takes the place of one it does not, whose bars pass by
 * unused: a driving or named timeframe is always remembered, so that
 * its next bar is checked to come after its last (a repeat counted
 * once, another bar of one time refused) however many timeframes the
 * symbol has.  Those left out are worked out again, in spare, at each of
 * their bars.  NULL when tf is not a timeframe. */
static struct qts_strat_tf *learn(qts_strat_tfs *s, const char *drive, const char *const *tfs,
					size_t ntf, const char *tf, struct qts_strat_tf *spare)
{
	struct qts_strat_tf *t = spare;
	memset(t, 0, sizeof *t);
	QTS_SET(t->tf, tf);
	if (qts_tf_parse(tf, &t->parsed) < 0)
		return NULL;
	t->ns = qts_tf_ns(t->parsed);
	qts_field_key_set(&t->key, t->tf);
	char canon[16];
	qts_tf_format(t->parsed, canon);
	if (!s->drive[0])
		QTS_SET(s->drive, drive && drive[0] ? drive : canon);
	if (!strcmp(canon, s->drive))
		t->mask |= 1;
	for (size_t k = 0; k < ntf; k++)
		if (!strcmp(canon, tfs[k]))
			t->mask |= 1u << (k + 1);
	if (s->n < QTS_STRAT_TFS) {
		s->seen[s->n] = *t;
		return &s->seen[s->n++];
	}
	for (int i = 0; t->mask && i < s->n; i++)
		if (!s->seen[i].mask) {
			s->seen[i] = *t;
			return &s->seen[i];
		}
	return t;
}

static inline void routed(const struct qts_strat_tf *t, const qts_event *bar, unsigned *mask, int64_t *known)
{
	*mask = t->mask;
	/* a fixed length is added without a call (months vary: qts_tf_end) */
	int64_t end;
	if (t->ns > 0 && t->ns < INT64_MAX)
		*known = __builtin_add_overflow(bar->ts, t->ns, &end) ? INT64_MAX : end;
	else
		*known = qts_tf_end(t->parsed, bar->ts);
}

static __attribute__((noinline)) int route_new(qts_strat_tfs *s, const char *drive, const char *const *tfs,
					       size_t ntf, const qts_event *bar, unsigned *mask, int64_t *known)
{
	struct qts_strat_tf spare;
	struct qts_strat_tf *t = learn(s, drive, tfs, ntf, bar->bar.tf, &spare);
	if (!t)
		return -1;
	qts_strat_tf_last(t, bar);
	routed(t, bar, mask, known);
	return 0;
}

int qts_strat_overlap(qts_strat_tfs *s, const struct qts_strat_tf *t, const qts_event *bar)
{
	if (!qts_bar_overlaps_fast(t->parsed, t->ns, t->last, bar->ts))
		return 0;
	s->overlapped = t->last;
	return QTS_STRAT_OVERLAP;
}

int qts_strat_route(qts_strat_tfs *s, const char *drive, const char *const *tfs, size_t ntf,
		    const qts_event *bar, unsigned *mask, int64_t *known)
{
	for (int i = 0; i < s->n; i++)
		if (qts_field_eq(s->seen[i].tf, bar->bar.tf)) {
			if (bar->ts <= s->seen[i].last)
				return qts_strat_not_after(&s->seen[i], bar);
			if (qts_strat_overlap(s, &s->seen[i], bar))
				return QTS_STRAT_OVERLAP;
			qts_strat_tf_last(&s->seen[i], bar);
			routed(&s->seen[i], bar, mask, known);
			return 0;
		}
	return route_new(s, drive, tfs, ntf, bar, mask, known);
}

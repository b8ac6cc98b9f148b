/* strat_bars.c — which of a strategy's series a bar feeds, and when the
 * bar became known, remembered a symbol and a timeframe so that a bar
 * costs a string comparison or two. */
#include "qts_strat.h"

#include <string.h>

static const struct qts_strat_tf *seen(qts_strat_tfs *s, const char *drive, const char *const *tfs,
				       size_t ntf, const char *tf, struct qts_strat_tf *spare)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->seen[i].tf, tf))
			return &s->seen[i];
	struct qts_strat_tf *t = s->n < QTS_STRAT_TFS ? &s->seen[s->n] : spare;
	memset(t, 0, sizeof *t);
	QTS_SET(t->tf, tf);
	if (qts_tf_parse(tf, &t->parsed) < 0)
		return NULL;
	char canon[16];
	qts_tf_format(t->parsed, canon);
	if (!s->drive[0])
		QTS_SET(s->drive, drive && drive[0] ? drive : canon);
	if (!strcmp(canon, s->drive))
		t->mask |= 1;
	for (size_t k = 0; k < ntf; k++)
		if (!strcmp(canon, tfs[k]))
			t->mask |= 1u << (k + 1);
	if (t != spare)
		s->n++;
	return t;
}

int qts_strat_route(qts_strat_tfs *s, const char *drive, const char *const *tfs, size_t ntf,
		    const qts_event *bar, unsigned *mask, int64_t *known)
{
	struct qts_strat_tf spare;
	const struct qts_strat_tf *t = seen(s, drive, tfs, ntf, bar->bar.tf, &spare);
	if (!t)
		return -1;
	*mask = t->mask;
	*known = qts_tf_end(t->parsed, bar->ts);
	return 0;
}

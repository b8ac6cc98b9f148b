/* report_financing.c — the financing rows of a report (interest, borrow
 * fees, margin interest), written after the other costs only when the
 * equity events carried them. */
#include "qts_metrics.h"

static const char *const names[QTS_NFIN] = { "total_interest", "total_borrow", "total_margin_interest" };
static const char *const labels[QTS_NFIN] = { "Total interest", "Total borrow fees", "Total margin interest" };

const char *qts_fin_name(int k)
{
	return names[k];
}

const char *qts_fin_label(int k)
{
	return labels[k];
}

void qts_fin_text(const qts_summary *s, int k, char *buf, size_t size)
{
	if (!s->have_fin || !isfinite(s->fin[k]))
		snprintf(buf, size, "-");
	else
		qts_fixed_text(s->fin[k], 2, "", buf, size);
}

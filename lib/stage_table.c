/* stage_table.c — the stages `qts pipe` can chain, by program name.  A new
 * stage is one line here.  Kept apart from stage.c so that a program
 * links only its own engine. */
#include "qts_stage.h"

#include <string.h>

static const qts_stage_def *const stages[] = {
	&qts_sim_stage,
	&qts_resample_stage,
	&qts_report_stage,
	&qts_strategy_stage,
	&qts_risk_stage,
};

const qts_stage_def *qts_stage_find(const char *name)
{
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
		if (strcmp(stages[i]->name, name) == 0)
			return stages[i];
	return NULL;
}

const qts_stage_def *qts_stage_at(size_t i)
{
	return i < sizeof stages / sizeof stages[0] ? stages[i] : NULL;
}

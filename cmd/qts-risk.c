/* qts-risk — approves, reduces or rejects targets and orders against risk
 * rules, generates exits, and stops everything on an emergency stop
 * (qts-risk(1)).  The stage is lib/risk_stage.c. */
#include "qts_stage.h"

int main(int argc, char **argv)
{
	return qts_stage_main(&qts_risk_stage, argc, argv);
}

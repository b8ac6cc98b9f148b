/* qts-report — performance metrics, trade statistics and charts of a
 * stream's equity and fills (qts-report(1)).  The stage is
 * lib/report_stage.c. */
#include "qts_stage.h"

int main(int argc, char **argv)
{
	return qts_stage_main(&qts_report_stage, argc, argv);
}

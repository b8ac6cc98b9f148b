/* qts-fetch — market data into the stream: event files, vendor CSV layouts,
 * generated bars; several sources merged in time order, paced with --pace
 * (qts-fetch(1)).  The stage is lib/fetch_stage.c. */
#include "qts_stage.h"

int main(int argc, char **argv)
{
	return qts_stage_main(&qts_fetch_stage, argc, argv);
}

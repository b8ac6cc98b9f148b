/* qts-resample — bars of larger timeframes from bars, ticks and quotes
 * (qts-resample(1)).  The stage is lib/resample_stage.c. */
#include "qts_stage.h"

int main(int argc, char **argv)
{
	return qts_stage_main(&qts_resample_stage, argc, argv);
}

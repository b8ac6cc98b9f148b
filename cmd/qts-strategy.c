/* qts-strategy — turn market data into desired positions: built-in
 * strategies, an expression language, or a C plugin; every event passes
 * through, and targets follow the bar that caused them (qts-strategy(1)).
 * The stage is lib/strategy_stage.c. */
#include "qts_stage.h"

int main(int argc, char **argv)
{
	return qts_stage_main(&qts_strategy_stage, argc, argv);
}

/* qts-sim — the simulated broker: fills orders and targets on market data,
 * keeps the portfolio, writes fills, order updates, positions and equity
 * (qts-sim(1)).  The stage is lib/sim_stage.c. */
#include "qts_stage.h"

int main(int argc, char **argv)
{
	return qts_stage_main(&qts_sim_stage, argc, argv);
}

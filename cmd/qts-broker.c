/* qts-broker — live execution: orders, targets and cancels to a broker
 * (paper, alpaca, ib), its updates, fills, positions and equity back
 * (qts-broker(1)).  The stage is lib/broker_stage.c. */
#include "qts_broker.h"

int main(int argc, char **argv)
{
	return qts_stage_main(&qts_broker_stage, argc, argv);
}

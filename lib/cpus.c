/* cpus.c — how many processors this process may run on. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "qts.h"

#include <sched.h>
#include <unistd.h>

/* Those of its affinity (taskset(1), a container's cpuset), not all the
 * machine has online: work spread over more than these only waits. */
int qts_cpus_allowed(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	return online > 0 ? (int)online : 1;
}

/* qts-bus — an event stream bridged to a NATS subject: pub publishes one,
 * sub writes what a subject carries (qts-bus(1)).  A program of its own,
 * run by `qts bus`, so that libnats, and the TLS and protobuf libraries it
 * pulls in, are loaded when the bus runs, not at every start of qts.
 * The stages are lib/bus_pub.c and lib/bus_sub.c. */
#include "qts_bus.h"

#include <string.h>

int main(int argc, char **argv)
{
	qts_init(argv[0]);
	argv[0] = (char *)qts_progname; /* for getopt's messages, as the other programs' */
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		qts_print_version();
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("%s\n%s\n%s", qts_bus_usage, qts_bus_pub_usage, qts_bus_sub_usage);
		return qts_close_stdout();
	}
	return qts_bus_main(argc, argv);
}

/* bus_main.c — qts-bus pub|sub: which of the two stages runs. */
#include "qts_bus.h"

#include <string.h>

const char qts_bus_usage[] =
	"usage: qts-bus pub [options] SUBJECT [FILE...]   publish a stream to a NATS subject\n"
	"       qts-bus sub [options] SUBJECT             write what a NATS subject carries\n"
	"       qts-bus pub --help | qts-bus sub --help   the options of one\n"
	"       qts-bus --help | --version\n";

int qts_bus_main(int argc, char **argv)
{
	qts_progname = "qts-bus";
	if (argc < 2)
		qts_usage_error(qts_bus_usage, "pub or sub?");
	if (strcmp(argv[1], "pub") == 0)
		return qts_bus_pub_main(argc - 1, argv + 1);
	if (strcmp(argv[1], "sub") == 0)
		return qts_bus_sub_main(argc - 1, argv + 1);
	qts_usage_error(qts_bus_usage, "'%s': pub or sub?", argv[1]);
}

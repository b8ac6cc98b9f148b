/* fifo.c — the end of a named FIFO read without waiting for its
 * writers.  open(2) of a FIFO for reading blocks until a writer comes:
 * a stage would sit there before its loop runs (no heartbeat, no signal
 * heard, no other input read).  Opened without waiting, a FIFO reads as ended (read(2)
 * gives 0) while no writer has it open, before the first writer came as
 * well as after the last went: qts_fifo_ended tells the two apart. */
#include "qts.h"

#include <poll.h>

/* Only when a writer came and went does poll(2) say POLLHUP on a
 * descriptor opened before (pipe(7); Linux keeps the count of writers
 * met at the open), and it goes on saying it while no writer has the
 * FIFO open: a reader that waits for the next writer opens the FIFO
 * again, or its poll would never wait. */
int qts_fifo_ended(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP) && !(pfd.revents & POLLIN);
}

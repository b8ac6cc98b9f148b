/* readfile.c — a whole file in memory: a strategy's program, a plugin's
 * object.  Read to its end rather than by its size, so a pipe or a file
 * still growing is read whole too. */
#include "qts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *qts_read_fd(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (cap - n < 2) { /* room for more and the NUL */
			char *b = realloc(buf, cap *= 2);
			if (!b) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = b;
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r == 0)
			break;
		if (r < 0) {
			/* a signal that stops the program stops the read: a
			 * fifo (--plugin) whose writer never ends would hold
			 * it deaf to SIGTERM */
			if (errno == EINTR && !qts_interrupted)
				continue;
			int e = errno;
			free(buf);
			errno = e;
			return NULL;
		}
		n += (size_t)r;
	}
	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *qts_read_file(const char *path, size_t *len, char *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *s = qts_read_fd(fd, len);
	if (!s)
		snprintf(err, QTS_ERR_MAX, "%s: %s", path, strerror(errno));
	close(fd);
	return s;
}

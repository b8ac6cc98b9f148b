/* fuzz.h — what the libFuzzer harnesses share: input bytes as a file
 * descriptor, and reads cut short so that records straddle buffer
 * boundaries at every offset.  lib/input.c is compiled with
 * -Dread=qts_fuzz_read (see run.sh), so every read(2) of libqts comes
 * through here. */
#ifndef QTS_FUZZ_H
#define QTS_FUZZ_H
#define _GNU_SOURCE /* memfd_create */
#include "event_priv.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The longest read(2) libqts gets; 0: no limit. */
static size_t fuzz_short_read;

ssize_t qts_fuzz_read(int fd, void *buf, size_t n);
ssize_t qts_fuzz_read(int fd, void *buf, size_t n)
{
	if (fuzz_short_read && n > fuzz_short_read)
		n = fuzz_short_read;
	return read(fd, buf, n);
}

/* A descriptor reading back the n bytes at p. */
static inline int fuzz_fd(const void *p, size_t n)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	for (size_t done = 0; done < n;) {
		ssize_t w = write(fd, (const char *)p + done, n - done);
		if (w <= 0)
			abort();
		done += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* Everything written to fd so far, as a malloc'd block of *n bytes. */
static inline char *fuzz_slurp(int fd, size_t *n)
{
	off_t end = lseek(fd, 0, SEEK_END);
	char *p = malloc(end > 0 ? (size_t)end : 1);
	if (!p || end < 0 || pread(fd, p, (size_t)end, 0) != end)
		abort();
	*n = (size_t)end;
	return p;
}

/* The first byte of an input chooses the read size: 1 to 63 bytes, or
 * whatever the kernel gives. */
static inline void fuzz_pick_read_size(const unsigned char **data, size_t *size)
{
	fuzz_short_read = 0;
	if (*size == 0)
		return;
	unsigned b = (*data)[0];
	fuzz_short_read = b < 192 ? b % 64 : 0;
	(*data)++, (*size)--;
}
#endif

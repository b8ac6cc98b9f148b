/* Whole files in memory (readfile.c). */
#include "qts.h"
#include "tap.h"

#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char path[] = "/tmp/test_readfile-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0, "a temporary file");
	/* past the first buffer (64 KiB), to its end */
	size_t want = 200000;
	char *text = malloc(want);
	for (size_t i = 0; i < want; i++)
		text[i] = (char)('a' + i % 26);
	CHECK(write(fd, text, want) == (ssize_t)want, "written");
	close(fd);

	char err[QTS_ERR_MAX] = "";
	size_t len = 0;
	char *got = qts_read_file(path, &len, err);
	CHECK(got && len == want && memcmp(got, text, want) == 0, "read whole");
	CHECK(got && got[len] == '\0', "a NUL after it");
	free(got);

	FILE *f = fopen(path, "w");
	fclose(f);
	got = qts_read_file(path, &len, err);
	CHECK(got && len == 0 && *got == '\0', "an empty file is an empty string");
	free(got);
	unlink(path);

	got = qts_read_file(path, &len, err);
	char msg[QTS_ERR_MAX];
	snprintf(msg, sizeof msg, "%s: No such file or directory", path);
	CHECK(!got, "a missing file: NULL");
	CHECK_STR(err, msg, "and PATH: why");
	free(text);
	return tap_done();
}

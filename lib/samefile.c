/* samefile.c — do two paths name one file?  Two outputs given one path
 * would overwrite each other, and an output over an input would be read
 * while written: both are refused before a run starts. */
#include "qts.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* path's directory made absolute and its last name after it, in out; 0
 * when the directory cannot be resolved. */
static int resolved(const char *path, char out[PATH_MAX + NAME_MAX + 2])
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	char dir[PATH_MAX];
	size_t n = slash ? (size_t)(slash - path) : 1;
	if (n >= sizeof dir)
		return 0;
	if (slash) {
		memcpy(dir, path, n);
		dir[n ? n : 1] = '\0'; /* "/x": the root */
		if (!n)
			dir[0] = '/';
	} else
		strcpy(dir, ".");
	char real[PATH_MAX];
	if (!realpath(dir, real))
		return 0;
	snprintf(out, PATH_MAX + NAME_MAX + 2, "%s/%s", real, base);
	return 1;
}

int qts_same_file(const char *a, const char *b)
{
	if (!a || !b || strcmp(a, "-") == 0 || strcmp(b, "-") == 0)
		return 0;
	struct stat sa, sb;
	int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
	/* a device (/dev/null) takes any number of writers */
	if ((ea && S_ISCHR(sa.st_mode)) || (eb && S_ISCHR(sb.st_mode)))
		return 0;
	if (strcmp(a, b) == 0)
		return 1;
	if (ea && eb)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	if (ea != eb)
		return 0;
	char ra[PATH_MAX + NAME_MAX + 2], rb[PATH_MAX + NAME_MAX + 2];
	return resolved(a, ra) && resolved(b, rb) && strcmp(ra, rb) == 0;
}

/* samefile.c — do two paths name one file?  Two outputs given one name
 * would overwrite each other, and an output named as an input would
 * replace it: both are refused before a run starts. */
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
	size_t n = slash ? (size_t)(slash - path) : 0;
	if (n >= sizeof dir)
		return 0;
	if (!slash)
		strcpy(dir, ".");
	else if (!n) /* "/x" */
		strcpy(dir, "/");
	else
		memcpy(dir, path, n), dir[n] = '\0';
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
	/* a device (/dev/null) takes any number of writers */
	struct stat st;
	if ((stat(a, &st) == 0 && S_ISCHR(st.st_mode)) || (stat(b, &st) == 0 && S_ISCHR(st.st_mode)))
		return 0;
	/* By name, not by inode: files are written through a temporary
	 * renamed over the name, which replaces a link there rather than
	 * writing through it (qts_outfile). */
	char ra[PATH_MAX + NAME_MAX + 2], rb[PATH_MAX + NAME_MAX + 2];
	if (resolved(a, ra) && resolved(b, rb))
		return strcmp(ra, rb) == 0;
	return strcmp(a, b) == 0;
}

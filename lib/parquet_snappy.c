/* parquet_snappy.c — libsnappy, opened the first time a Snappy page is
 * compressed or uncompressed rather than linked.  It is a C++ library:
 * linked, it brings libstdc++ and libgcc_s into every start of every qts
 * program (about a millisecond of each), while only Parquet pages need
 * it.  Opened by its soname (what the Debian package libsnappy1v5
 * installs), once whichever thread asks first, and kept for the life of
 * the process; a failure is kept too, and said to every caller. */
#include "qts_parquet.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#define SNAPPY_SONAME "libsnappy.so.1"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static qts_pq_snappy fns;
static int loaded;
static char why[QTS_ERR_MAX];

static void load(void)
{
	/* The pointers are of the types snappy-c.h declares (the compiler
	 * refuses a conditional of two other pointer types); sizeof does not
	 * evaluate its operand, so no symbol of libsnappy is referred to. */
	(void)sizeof(0 ? fns.compress : snappy_compress);
	(void)sizeof(0 ? fns.uncompress : snappy_uncompress);
	(void)sizeof(0 ? fns.max_compressed_length : snappy_max_compressed_length);
	(void)sizeof(0 ? fns.uncompressed_length : snappy_uncompressed_length);
	void *dl = dlopen(SNAPPY_SONAME, RTLD_NOW | RTLD_LOCAL);
	/* A pointer to function from dlsym's void *: the way POSIX sanctions
	 * (an object pointer's bytes copied into the function pointer). */
	if (dl && (*(void **)&fns.compress = dlsym(dl, "snappy_compress")) &&
	    (*(void **)&fns.uncompress = dlsym(dl, "snappy_uncompress")) &&
	    (*(void **)&fns.max_compressed_length = dlsym(dl, "snappy_max_compressed_length")) &&
	    (*(void **)&fns.uncompressed_length = dlsym(dl, "snappy_uncompressed_length"))) {
		loaded = 1;
		return;
	}
	const char *e = dlerror();
	snprintf(why, sizeof why, "Snappy: %s (Debian package libsnappy1v5)", e ? e : SNAPPY_SONAME ": not loaded");
	if (dl)
		dlclose(dl);
}

const qts_pq_snappy *qts_pq_snappy_load(char *err, size_t errlen)
{
	pthread_once(&once, load);
	if (!loaded) {
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	return &fns;
}

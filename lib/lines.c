/* lines.c — zeroed memory that starts a line of the cache, for the state
 * kept per symbol (qts_symtab's values, indicators' blocks, built-ins'
 * states). */
#include "qts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *qts_calloc_lines(size_t size)
{
	if (size > SIZE_MAX - QTS_CACHE_LINE)
		return NULL;
	/* aligned_alloc wants a multiple of the alignment, one at least */
	size_t whole = size ? (size + QTS_CACHE_LINE - 1) / QTS_CACHE_LINE * QTS_CACHE_LINE : QTS_CACHE_LINE;
	void *p = aligned_alloc(QTS_CACHE_LINE, whole);
	if (p)
		memset(p, 0, whole);
	return p;
}

/* lines.c — zeroed memory laid out for the cache: blocks that start a line
 * of it, for the state kept per symbol (qts_symtab's values, indicators'
 * blocks, built-ins' states), and tables probed at random on huge pages
 * (the order ids qts-sim and qts-risk remember). */
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

#include <sys/mman.h>

/* Tables probed at random (order ids): on pages of 4 KiB every probe of a
 * table of a megabyte is a miss of the TLB too, and every page a fault the
 * first time (6 us each on the bench machine, a virtual one: 900 of them
 * were 5% of a backtest of 1M bars); a huge page, where the kernel gives
 * them (madvise), takes one fault and one TLB entry for 2 MiB, and is
 * zeroed only when first touched.  Smaller tables are not worth a huge
 * page's zeroing.  A ring filled in order gets them too, all touched at
 * once before its first write (qts_table_fault_in): left to fault as it
 * fills, it would grow a long run's memory in steps of 2 MiB. */
#define HUGE_PAGE ((size_t)2 << 20)

void *qts_calloc_table(size_t size)
{
	if (size < HUGE_PAGE / 8)
		return calloc(1, size);
	size_t whole = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	/* mapped a huge page longer, to start the table on a huge page */
	char *p = mmap(NULL, whole + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	size_t lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
	if (lead)
		munmap(p, lead);
	munmap(p + lead + whole, HUGE_PAGE - lead);
	p += lead;
#ifdef MADV_HUGEPAGE
	madvise(p, whole, MADV_HUGEPAGE);
#endif
	return p;
}

void qts_table_fault_in(void *p, size_t size)
{
	/* a byte a page: a whole huge page where there is one, and where the
	 * kernel gave none, 4 KiB pages faulted now rather than one by one
	 * amid the run (the same faults) */
	for (size_t at = 0; at < size; at += 4096)
		((volatile char *)p)[at] = 0;
}

void qts_free_table(void *p, size_t size)
{
	if (!p)
		return;
	if (size < HUGE_PAGE / 8) {
		free(p);
		return;
	}
	munmap(p, (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE);
}

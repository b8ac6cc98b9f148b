/* lines.c — zeroed memory laid out for the cache: blocks that start a line
 * of it, for the state kept per symbol (qts_symtab's values, indicators'
 * blocks, built-ins' states), and tables probed at random on huge pages
 * (the order ids qts-sim and qts-risk remember). */
#include "qts.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

/* A stream of many symbols makes a few small blocks for each (a backtest
 * of 200 symbols about 700 KiB of them), and every 4 KiB page of them is
 * a fault the first time it is touched: 10 us each on a virtual machine
 * that shadows page tables, 2-3 ms of a backtest of 1M bars.  So once a
 * process has made LINES_EARLY bytes of them (a few symbols' worth, which
 * malloc gives as before), small blocks come from chunks of a huge page
 * (qts_calloc_table: one fault for 2 MiB where the kernel gives one),
 * handed out in turn; a freed one is kept on a list of its size for the
 * next of that size, so memory is bounded by the most of each size ever
 * in use at once (a symbol's blocks are of a few sizes).  Under
 * AddressSanitizer a chunk is poisoned but for the blocks in use, so a
 * read past a block's size is caught as it is in malloc's. */
#define LINES_SMALL 4096
#define LINES_EARLY ((size_t)64 << 10)
#define LINES_CHUNKS 512 /* 1 GiB of small blocks; beyond, malloc's */
#define CHUNK_SLOTS 1024 /* a hash of the chunks' starts, for a free */

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

/* Where one thread's small blocks come from.  A thread apart (`qts
 * pipe`'s second) has its own: two blocks that two threads write on every
 * event are never neighbours, which a core's prefetcher fetches in pairs
 * of lines (the pair would go back and forth between the cores). */
typedef struct arena {
	char *at, *end; /* what is left of its newest chunk */
	size_t early;   /* bytes of small blocks malloc gave */
	void *freed[LINES_SMALL / QTS_CACHE_LINE + 1]; /* by size in lines */
} arena;

static struct {
	size_t nchunk;
	uintptr_t chunk[CHUNK_SLOTS]; /* a chunk's start | its arena's index; 0: empty */
	arena arena[2];
} lines;

static _Thread_local int arena_of; /* this thread's: 0, or 1 apart */

void qts_lines_apart(void)
{
	arena_of = 1;
}

#define CHUNK_START(entry) ((entry) & ~(uintptr_t)(HUGE_PAGE - 1))

static size_t chunk_slot(uintptr_t start)
{
	size_t i = (size_t)(start / HUGE_PAGE) % CHUNK_SLOTS;
	while (lines.chunk[i] && CHUNK_START(lines.chunk[i]) != start)
		i = (i + 1) % CHUNK_SLOTS;
	return i;
}

/* The arena of the chunk p is in, or NULL: malloc's. */
static arena *chunk_arena(const void *p)
{
	uintptr_t start = (uintptr_t)p / HUGE_PAGE * HUGE_PAGE; /* chunks start a huge page */
	if (!lines.nchunk)
		return NULL;
	uintptr_t e = lines.chunk[chunk_slot(start)];
	return e ? &lines.arena[e & 1] : NULL;
}

static size_t whole_lines(size_t size)
{
	/* aligned_alloc wants a multiple of the alignment, one at least */
	return size ? (size + QTS_CACHE_LINE - 1) / QTS_CACHE_LINE * QTS_CACHE_LINE : QTS_CACHE_LINE;
}

/* A small block of whole bytes from the chunks; NULL for malloc's. */
static void *from_chunk(arena *a, size_t whole)
{
	void **head = &a->freed[whole / QTS_CACHE_LINE];
	if (*head) {
		void *p = *head;
		ASAN_UNPOISON_MEMORY_REGION(p, whole);
		*head = *(void **)p;
		memset(p, 0, whole);
		return p;
	}
	if ((size_t)(a->end - a->at) < whole) {
		if (a->early < LINES_EARLY) {
			a->early += whole;
			return NULL;
		}
		if (lines.nchunk == LINES_CHUNKS)
			return NULL;
		char *c = qts_calloc_table(HUGE_PAGE);
		if (!c)
			return NULL;
		ASAN_POISON_MEMORY_REGION(c, HUGE_PAGE);
		lines.chunk[chunk_slot((uintptr_t)c)] = (uintptr_t)c | (uintptr_t)(a - lines.arena);
		lines.nchunk++;
		a->at = c;
		a->end = c + HUGE_PAGE;
	}
	void *p = a->at; /* never handed out: still the kernel's zeros */
	a->at += whole;
	ASAN_UNPOISON_MEMORY_REGION(p, whole);
	return p;
}

/* `qts pipe` runs stages on two threads, each making its symbols' blocks:
 * one lock, taken once a block (a symbol's first event, not every event). */
static pthread_mutex_t lines_lock = PTHREAD_MUTEX_INITIALIZER;

void *qts_calloc_lines(size_t size)
{
	if (size > SIZE_MAX - QTS_CACHE_LINE)
		return NULL;
	size_t whole = whole_lines(size);
	void *p = NULL;
	if (whole <= LINES_SMALL) {
		pthread_mutex_lock(&lines_lock);
		p = from_chunk(&lines.arena[arena_of], whole);
		pthread_mutex_unlock(&lines_lock);
	}
	if (p) {
		/* the lines' padding stays poisoned */
		ASAN_POISON_MEMORY_REGION((char *)p + size, whole - size);
		return p;
	}
	if ((p = aligned_alloc(QTS_CACHE_LINE, whole)))
		memset(p, 0, whole);
	return p;
}

void qts_free_lines(void *p, size_t size)
{
	if (!p)
		return;
	pthread_mutex_lock(&lines_lock);
	arena *a = chunk_arena(p);
	if (!a) {
		pthread_mutex_unlock(&lines_lock);
		free(p);
		return;
	}
	size_t whole = whole_lines(size);
	void **head = &a->freed[whole / QTS_CACHE_LINE];
	ASAN_UNPOISON_MEMORY_REGION(p, sizeof(void *));
	*(void **)p = *head;
	*head = p;
	ASAN_POISON_MEMORY_REGION(p, whole); /* from_chunk unpoisons it to read the link */
	pthread_mutex_unlock(&lines_lock);
}

void *qts_calloc_aligned(size_t align, size_t size)
{
	size_t whole = (size + align - 1) / align * align; /* aligned_alloc's rule */
	void *p = whole >= size ? aligned_alloc(align, whole ? whole : align) : NULL;
	if (p)
		memset(p, 0, whole);
	return p;
}

/* Tables probed at random (order ids): on pages of 4 KiB every probe of a
 * table of a megabyte is a miss of the TLB too, and every page a fault the
 * first time (6 us each on the bench machine, a virtual one: 900 of them
 * were 5% of a backtest of 1M bars); a huge page, where the kernel gives
 * them (madvise), takes one fault and one TLB entry for 2 MiB, and is
 * zeroed only when first touched.  Smaller tables are not worth a huge
 * page's zeroing.  A ring filled in order gets them too, all touched at
 * once before its first write (qts_table_fault_in): left to fault as it
 * fills, it would grow a long run's memory in steps of 2 MiB. */
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

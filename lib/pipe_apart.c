/* pipe_apart.c — a second thread for `qts pipe`: the events one stage
 * emits, handed to the stages after it on another core through a ring.
 *
 * One producer, one consumer, and batches: the producer publishes its
 * place in the ring every RING_BATCH events (or when it settles), the
 * consumer its own after each batch it has handled.  Handing events one
 * at a time costs a round trip of a cache line between the cores each
 * (hundreds of ns on a virtual machine, more than a stage's work on a
 * bar); a batch moves the records' lines in order, which the
 * prefetcher follows, a round trip a batch.  Either side that finds
 * nothing to do spins a while, then sleeps on a futex: an idle pipeline
 * (a paced feed) costs no CPU. */
#include "qts_stage.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RING_BYTES ((uint32_t)1 << 20) /* a power of two */
#define RING_BATCH 32  /* events a side hands over at once */
#define RAW_MOST 512   /* an event's bytes as read, when they fit */
#define SPINS 2000     /* polls of the other side before sleeping (44 us here: a pause is 22 ns) */

/* The events lie one after the other in the ring, as a stream the cores'
 * prefetchers follow: each a record of this head, the part of the event
 * its type uses, and the bytes it was read as, each 8-aligned.  A bar
 * read from msgpack in the writer's layout, most of a backtest's events,
 * goes as its bytes alone, which the consumer reads again: 80 bytes
 * where the event and its bytes took 184, under half the cache lines
 * to move between the cores.  The decode costs the consumer some forty
 * instructions a bar, and the lines saved more (strategy | risk | sim
 * over 1M bars: a median of 115 ms against 124). */
typedef struct record {
	uint16_t ev_size; /* 0: a plain bar, read from the bytes */
	uint16_t raw_len;
	uint8_t fmt;  /* of the raw bytes; 0: none */
	uint8_t wrap; /* no record here: the next is at the ring's start */
	uint8_t pad[2];
} record;

#define ALIGN8(n) (((n) + 7u) & ~7u)

struct qts_apart {
	/* The producer's: its place published (bytes), and whether it sleeps. */
	_Alignas(QTS_APART) _Atomic uint32_t head;
	_Alignas(QTS_APART) _Atomic uint32_t producer_sleeps;
	/* The consumer's. */
	_Alignas(QTS_APART) _Atomic uint32_t tail;
	_Alignas(QTS_APART) _Atomic uint32_t consumer_sleeps;
	_Atomic uint32_t quit;
	/* The producer's own, never read by the consumer. */
	_Alignas(QTS_APART) uint32_t next;      /* where it writes next */
	uint32_t tail_seen;              /* the consumer's place last read */
	uint32_t unpublished;            /* events written since it published */
	pthread_t thread;
	qts_apart_fn fn;
	void *ctx;
	const char *progname;
	/* and room after its end for a whole event read past a record's
	 * (a stage may copy a whole qts_event) */
	_Alignas(QTS_APART) unsigned char ring[RING_BYTES + sizeof(qts_event)];
};

/* Bounded: the end (quit) is no change of the word waited on, and a wake
 * for it can come between the look at quit and the wait. */
static void futex_wait(_Atomic uint32_t *addr, uint32_t seen)
{
	struct timespec most = { 0, 20 * 1000 * 1000 };
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, seen, &most, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *addr)
{
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Until *word is no longer seen (its other side moved on): spin, then
 * sleep, telling the other side through *sleeps (sequentially consistent
 * both ways, so that a wake is never missed: it stores the word, then
 * reads *sleeps; this stores *sleeps, then reads the word). */
static uint32_t wait_change(_Atomic uint32_t *word, uint32_t seen, _Atomic uint32_t *sleeps,
			    const _Atomic uint32_t *quit)
{
	uint32_t now;
	for (int i = 0; i < SPINS; i++) {
		if ((now = atomic_load_explicit(word, memory_order_acquire)) != seen ||
		    (quit && atomic_load_explicit(quit, memory_order_relaxed)))
			return now;
		cpu_relax();
	}
	for (;;) {
		atomic_store(sleeps, 1);
		if ((now = atomic_load(word)) != seen || (quit && atomic_load(quit))) {
			atomic_store(sleeps, 0);
			return now;
		}
		futex_wait(word, seen);
		atomic_store(sleeps, 0);
		if ((now = atomic_load(word)) != seen || (quit && atomic_load(quit)))
			return now;
	}
}

/* The other side sleeps on word, just stored: woken. */
static inline void wake(_Atomic uint32_t *word, _Atomic uint32_t *sleeps)
{
	if (atomic_load(sleeps))
		futex_wake(word);
}

static void *consume(void *arg)
{
	qts_apart *a = arg;
	qts_event bar = { 0 }; /* a plain bar's, read from its bytes */
	/* read once: they share a line with what the producer writes */
	qts_apart_fn fn = a->fn;
	void *ctx = a->ctx;
	qts_progname = a->progname;
	qts_stage_apart = 1;
	qts_lines_apart();
	uint32_t t = atomic_load_explicit(&a->tail, memory_order_relaxed);
	unsigned n = 0;
	for (;;) {
		uint32_t h = atomic_load_explicit(&a->head, memory_order_acquire);
		if (h == t) {
			if (atomic_load(&a->quit) && atomic_load(&a->head) == t)
				break;
			wait_change(&a->head, t, &a->consumer_sleeps, &a->quit);
			continue;
		}
		while (t != h) {
			uint32_t at = t % RING_BYTES;
			const record *r = (const record *)(a->ring + at);
			if (r->wrap) {
				t += RING_BYTES - at;
				continue;
			}
			const unsigned char *ev = a->ring + at + sizeof *r;
			if (r->ev_size)
				fn(ctx, (const qts_event *)ev, r->fmt ? ev + ALIGN8(r->ev_size) : NULL, r->raw_len, r->fmt);
			else {
				qts_msgpack_plain_bar_read(ev, &bar);
				fn(ctx, &bar, ev, r->raw_len, r->fmt);
			}
			t += (uint32_t)sizeof *r + ALIGN8(r->ev_size) + ALIGN8(r->raw_len);
			if (++n % RING_BATCH == 0) {
				atomic_store_explicit(&a->tail, t, memory_order_release);
				wake(&a->tail, &a->producer_sleeps);
			}
		}
		atomic_store(&a->tail, t);
		wake(&a->tail, &a->producer_sleeps);
	}
	return NULL;
}

qts_apart *qts_apart_start(qts_apart_fn fn, void *ctx, const char *progname)
{
	qts_apart *a = qts_calloc_aligned(_Alignof(qts_apart), sizeof *a);
	if (!a)
		return NULL;
	a->fn = fn;
	a->ctx = ctx;
	a->progname = progname;
	/* The signals sent to the process are the first thread's to take
	 * (its loop's self-pipe, its interrupted reads): the second blocks
	 * them.  Not those its own acts raise: a write to a closed pipe ends
	 * the process by SIGPIPE as it would on one thread. */
	sigset_t all, old;
	sigfillset(&all);
	sigdelset(&all, SIGPIPE);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&a->thread, NULL, consume, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		free(a);
		return NULL;
	}
	return a;
}

static inline void publish(qts_apart *a)
{
	atomic_store(&a->head, a->next);
	wake(&a->head, &a->consumer_sleeps);
}

/* How much of an event its type uses: what the ring copies. */
static size_t event_size(qts_type t)
{
#define UPTO(member) (offsetof(qts_event, member) + sizeof(((qts_event *)0)->member))
	switch (t) {
	case QTS_BAR: return UPTO(bar);
	case QTS_TICK: return UPTO(tick);
	case QTS_QUOTE: return UPTO(quote);
	case QTS_TARGET: return UPTO(target);
	case QTS_ORDER: return UPTO(order);
	case QTS_CANCEL: return UPTO(cancel);
	case QTS_FILL: return UPTO(fill);
	case QTS_POSITION: return UPTO(position);
	case QTS_EQUITY: return UPTO(equity);
	default: return sizeof(qts_event);
	}
#undef UPTO
}

/* Until the ring has room for size bytes at the producer's place. */
static void wait_room(qts_apart *a, uint32_t size)
{
	if (a->next + size - a->tail_seen <= RING_BYTES)
		return;
	publish(a);
	a->tail_seen = atomic_load_explicit(&a->tail, memory_order_acquire);
	while (a->next + size - a->tail_seen > RING_BYTES)
		a->tail_seen = wait_change(&a->tail, a->tail_seen, &a->producer_sleeps, NULL);
}

void qts_apart_push(qts_apart *a, const qts_event *ev, const void *raw, size_t len, int fmt)
{
	uint32_t ev_size = (uint32_t)event_size(ev->type);
	if (!fmt || !raw || len > RAW_MOST)
		fmt = 0, len = 0;
	else if (ev->type == QTS_BAR && fmt == QTS_FMT_MSGPACK && qts_msgpack_plain_bar(raw, len))
		ev_size = 0;
	uint32_t size = (uint32_t)sizeof(record) + ALIGN8(ev_size) + ALIGN8((uint32_t)len);
	uint32_t at = a->next % RING_BYTES;
	if (RING_BYTES - at < size) { /* not whole before the end: from the start */
		wait_room(a, RING_BYTES - at);
		((record *)(a->ring + at))->wrap = 1;
		a->next += RING_BYTES - at;
		at = 0;
	}
	wait_room(a, size);
	record *r = (record *)(a->ring + at);
	r->ev_size = (uint16_t)ev_size;
	r->raw_len = (uint16_t)len;
	r->fmt = (uint8_t)fmt;
	r->wrap = 0;
	if (ev_size)
		memcpy(a->ring + at + sizeof *r, ev, ev_size);
	if (fmt)
		memcpy(a->ring + at + sizeof *r + ALIGN8(ev_size), raw, len);
	a->next += size;
	if (++a->unpublished == RING_BATCH) {
		a->unpublished = 0;
		publish(a);
	}
}

void qts_apart_settle(qts_apart *a)
{
	if (!a)
		return;
	publish(a);
	uint32_t t = atomic_load_explicit(&a->tail, memory_order_acquire);
	while (t != a->next)
		t = wait_change(&a->tail, t, &a->producer_sleeps, NULL);
	a->tail_seen = t;
}

void qts_apart_stop(qts_apart *a)
{
	if (!a)
		return;
	qts_apart_settle(a);
	atomic_store(&a->quit, 1);
	futex_wake(&a->head);
	pthread_join(a->thread, NULL);
	free(a);
}

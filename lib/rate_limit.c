/* rate_limit.c — the pacing every client of a remote service shares: a
 * token bucket at the service's documented rate, and exponential backoff
 * with full jitter (AWS's "Exponential Backoff And Jitter": sleep a
 * uniform random time in [0, min(cap, base * 2^attempt)]), never shorter
 * than what the server asked.  Every wait runs in the stage's loop. */
#include "qts_loop.h"
#include "qts_net.h"
#include "qts_stage.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

/* A full bucket lets burst requests through at once, and the refill of
 * a window as many again less a fraction: burst - 1 + refill in all.  So
 * the refill is limit - burst + 1 a window, and the burst is cut to
 * keep that refill at 3/4 of the limit at least (one at the least): a
 * limit of 5 a minute is 2 at once and 4 a minute after; 1 a minute is
 * one request a minute. */
void qts_rate_bucket_init(qts_rate_bucket *b, double limit, int64_t window, double burst)
{
	if (window <= 0)
		window = 60 * QTS_NS_PER_SEC;
	double most = floor(limit / 4 + 1);
	b->burst = burst < 1 ? 1 : burst < most ? floor(burst) : most;
	b->per_ns = limit > 0 ? (limit - b->burst + 1) / (double)window : 0;
	b->tokens = b->burst;
	b->refilled = qts_loop_now();
}

int qts_sleep_until(int64_t until)
{
	for (;;) {
		int r = qts_stage_wait(-1, 0, until);
		if (r < 0)
			return -1;
		if (qts_loop_now() >= until)
			return 0;
	}
}

int qts_rate_bucket_take(qts_rate_bucket *b)
{
	if (b->per_ns <= 0)
		return 0;
	double per_ns = b->per_ns;
	for (;;) {
		int64_t now = qts_loop_now();
		b->tokens += (double)(now - b->refilled) * per_ns;
		b->refilled = now;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		if (b->tokens >= 1) {
			b->tokens -= 1;
			return 0;
		}
		if (qts_sleep_until(now + (int64_t)((1 - b->tokens) / per_ns) + 1) < 0)
			return -1;
	}
}

void qts_jitter_seed(uint64_t *rng, const void *salt)
{
	*rng = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)salt ^ (uint64_t)qts_loop_now();
	if (!*rng)
		*rng = 1;
}

/* xorshift64*: jitter needs no more. */
static double uniform(uint64_t *rng)
{
	*rng ^= *rng >> 12;
	*rng ^= *rng << 25;
	*rng ^= *rng >> 27;
	return (double)((*rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

int64_t qts_backoff(uint64_t *rng, int64_t base, int64_t cap, int attempt, int64_t asked)
{
	double ceiling = (double)base * (double)(1ULL << (attempt < 30 ? attempt : 30));
	if (ceiling > (double)cap)
		ceiling = (double)cap;
	int64_t w = (int64_t)(uniform(rng) * ceiling);
	return asked > w ? asked : w;
}

int64_t qts_backoff_env(void)
{
	const char *s = getenv("QTS_NET_BACKOFF_MS");
	char *end;
	double ms = s && *s ? strtod(s, &end) : -1;
	return s && *s && !*end && ms >= 0 && ms <= 3600000 ? (int64_t)(ms * 1e6) : -1;
}

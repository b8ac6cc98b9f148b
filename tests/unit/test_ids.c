/* Order ids and the memory of ids seen.  (The header is read here without
 * the build's QTS_VERSION, as outside code reads it.) */
#undef QTS_VERSION
#include "qts.h"
#include "tap.h"

int main(void)
{
	char a[QTS_ID_MAX], b[QTS_ID_MAX];
	qts_order_id(a, "sma-cross", "ORCL", 7);
	CHECK_STR(a, "sma-cross-ORCL-7", "STRATEGY-SYMBOL-N");
	const char *s1 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ01234", *s2 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ01235";
	const char *strat = "a-strategy-name-of-31-bytes-xyz";
	qts_order_id(a, strat, s1, 1);
	qts_order_id(b, strat, s1, 2);
	CHECK(strcmp(a, b) != 0 && strlen(a) < QTS_ID_MAX, "too long: still unique per count");
	qts_order_id(b, strat, s2, 1);
	CHECK(strcmp(a, b) != 0, "too long: still unique per symbol");
	CHECK(strstr(a, "-1") && a[strlen(a) - 1] == '1', "the count is kept whole");
	qts_order_id(a, "p", s1, 18446744073709551615UL);
	CHECK(strlen(a) < QTS_ID_MAX && !strcmp(a + strlen(a) - 20, "18446744073709551615"), "the largest count fits");
	CHECK(qts_hash64("") != 0, "the hash is never 0");

	/* The hash of an id without the id: as qts_hash64 of it, for every
	 * length of count, and refused where the symbol gives way. */
	uint64_t start;
	int same = qts_order_id_hash_start(&start, "sma-cross", "ORCL");
	for (unsigned long n = 0; n < 100000 && same; n = n * 3 + 1) {
		qts_order_id(a, "sma-cross", "ORCL", n);
		same = qts_order_id_hash(start, n) == qts_hash64(a);
	}
	qts_order_id(a, "p", "S", 18446744073709551615UL);
	CHECK(same && qts_order_id_hash_start(&start, "p", "S") &&
		      qts_order_id_hash(start, 18446744073709551615UL) == qts_hash64(a),
	      "an id's hash from its prefix and symbol, then its count");
	CHECK(!qts_order_id_hash_start(&start, strat, s1), "no hash without the id where the symbol gives way");

	qts_idset *t = qts_idset_new(4);
	qts_idset_add(t, "o1");
	qts_idset_add(t, "o2");
	CHECK(qts_idset_has(t, "o1") && qts_idset_has(t, "o2") && !qts_idset_has(t, "o3"), "has what was added");
	qts_idset_add(t, "o3");
	qts_idset_add(t, "o4");
	qts_idset_add(t, "o5");
	CHECK(!qts_idset_has(t, "o1") && qts_idset_has(t, "o5") && qts_idset_has(t, "o2"), "forgets the oldest past its size");
	qts_idset_add(t, "o5");
	CHECK(qts_idset_has(t, "o2"), "adding an id again does not push another out");
	qts_idset_add_hash(t, qts_hash64("o6"));
	CHECK(qts_idset_has(t, "o6") && qts_idset_has_hash(t, qts_hash64("o5")) && !qts_idset_has_hash(t, qts_hash64("o7")),
	      "by hash: the same set as by id");
	qts_idset_free(t);

	/* Many ids through a small window: every probe chain stays whole. */
	t = qts_idset_new(1000);
	char id[32];
	int ok = 1;
	for (int i = 0; i < 100000; i++) {
		snprintf(id, sizeof id, "id-%d", i);
		qts_idset_add(t, id);
		snprintf(id, sizeof id, "id-%d", i - 999);
		if (i >= 999 && !qts_idset_has(t, id))
			ok = 0;
		snprintf(id, sizeof id, "id-%d", i - 1000);
		if (i >= 1000 && qts_idset_has(t, id))
			ok = 0;
	}
	CHECK(ok, "a window of 1000 over 100000 ids: exactly the last 1000");
	qts_idset_free(t);
	return tap_done();
}

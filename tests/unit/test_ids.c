/* Order ids and the memory of ids seen.  (The header is read here without
 * the build's QTS_VERSION, as outside code reads it.) */
#undef QTS_VERSION
#include "qts.h"
#include "tap.h"

/* After id-0 .. id-i went into a set of 1000: the oldest it holds is
 * id-(i-999), and id-(i-1000) has gone. */
static int window_holds(qts_idset *t, int i)
{
	char id[32];
	snprintf(id, sizeof id, "id-%d", i - 999);
	if (i >= 999 && !qts_idset_has(t, id))
		return 0;
	snprintf(id, sizeof id, "id-%d", i - 1000);
	return !(i >= 1000 && qts_idset_has(t, id));
}

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
		if (!window_holds(t, i))
			ok = 0;
	}
	CHECK(ok, "a window of 1000 over 100000 ids: exactly the last 1000");
	qts_idset_free(t);

	/* Ids added fresh wait outside the table; a question puts them in,
	 * and the window forgets them in turn either way. */
	t = qts_idset_new(4);
	qts_idset_add_fresh(t, qts_hash64("f1"));
	qts_idset_add_fresh(t, qts_hash64("f2"));
	CHECK(qts_idset_has(t, "f1") && qts_idset_has(t, "f2") && !qts_idset_has(t, "f3"), "fresh: has what was added");
	for (int i = 3; i <= 9; i++) { /* none asked about: all wait, the oldest go */
		snprintf(id, sizeof id, "f%d", i);
		qts_idset_add_fresh(t, qts_hash64(id));
	}
	CHECK(!qts_idset_has(t, "f5") && qts_idset_has(t, "f6") && qts_idset_has(t, "f9") && !qts_idset_has(t, "f2"),
	      "fresh: the last four, whether they waited or not");
	qts_idset_add(t, "o1");
	qts_idset_add_fresh(t, qts_hash64("f10"));
	qts_idset_add_fresh(t, qts_hash64("f11"));
	qts_idset_add_fresh(t, qts_hash64("f12"));
	CHECK(qts_idset_has(t, "f12") && qts_idset_has(t, "f10") && qts_idset_has(t, "o1") && !qts_idset_has(t, "f9"),
	      "fresh and asked-about ids forget in the order they came");
	qts_idset_add_fresh(t, qts_hash64("f13"));
	CHECK(!qts_idset_has(t, "o1") && qts_idset_has(t, "f13") && qts_idset_has(t, "f10"),
	      "the oldest forgotten from the table while newer ones wait");
	qts_idset_free(t);
	t = qts_idset_new(1000);
	ok = 1;
	for (int i = 0; i < 100000; i++) { /* asked now and then, as a live qts-sim */
		snprintf(id, sizeof id, "id-%d", i);
		if (i % 7)
			qts_idset_add_fresh(t, qts_hash64(id));
		else
			qts_idset_add(t, id);
		if (i % 1013 == 0 && !window_holds(t, i))
			ok = 0;
	}
	for (int i = 99000; i < 100000 && ok; i++) {
		snprintf(id, sizeof id, "id-%d", i);
		ok = qts_idset_has(t, id);
	}
	CHECK(ok, "fresh: a window of 1000 over 100000 ids, asked about now and then: exactly the last 1000");
	qts_idset_free(t);

	/* Whether a target's id is new for sure. */
	qts_fresh_ids f = { 0 };
	CHECK(qts_fresh_id(&f, "sma-cross", "ORCL") && qts_fresh_id(&f, "sma-cross", "BRK-B"), "one prefix: new for sure");
	CHECK(qts_fresh_id(&f, "*", "ORCL") && qts_fresh_id(&f, "target", "IBM") && qts_fresh_id(&f, "sma-cross", "IBM"),
	      "prefixes that cannot write one id: new for sure");
	CHECK(!qts_fresh_id(&f, "sma", "cross-ORCL") && f.unsure && !qts_fresh_id(&f, "sma-cross", "ORCL"),
	      "sma-cross-ORCL-1 is also sma's for cross-ORCL: looked up from then on");
	f = (qts_fresh_ids){ 0 };
	CHECK(qts_fresh_id(&f, "a-b", "C") && !qts_fresh_id(&f, "a", "b-C"), "the shorter prefix second: looked up");
	f = (qts_fresh_ids){ 0 };
	CHECK(!qts_fresh_id(&f, strat, s1) && !qts_fresh_id(&f, "p", "S"), "an id cut to fit: looked up from then on");
	f = (qts_fresh_ids){ 0 };
	ok = 1;
	for (int i = 0; i < QTS_FRESH_PREFIXES && ok; i++) {
		snprintf(id, sizeof id, "s%d", i);
		ok = qts_fresh_id(&f, id, "X");
	}
	CHECK(ok && !qts_fresh_id(&f, "one-more", "X") && !qts_fresh_id(&f, "s0", "X"),
	      "more prefixes than kept: looked up from then on");
	f = (qts_fresh_ids){ 0 };
	qts_fresh_ids_unsure(&f);
	CHECK(!qts_fresh_id(&f, "p", "S"), "after an id of another kind: looked up");
	return tap_done();
}

/* Per-symbol state: keys short and long (a word, past a word, past the
 * stored key), many of them (the table grows), found again and in order. */
#include "qts.h"
#include "tap.h"

#include <string.h>

int main(void)
{
	qts_symtab *t = qts_symtab_new(sizeof(int));
	char key[32];
	/* interleaved and of every length from 1 to 20 bytes */
	int zeroed = 1;
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof key, "%.*s%d", i % 17, "ABCDEFGHIJKLMNOPQ", i);
		int *v = qts_symtab_get(t, key);
		if (!v || *v != 0)
			return CHECK(0, "a new key's block"), tap_done();
		zeroed &= *v == 0;
		*v = i + 1;
	}
	CHECK(zeroed, "a new key's block is zeroed");
	CHECK(qts_symtab_count(t) == 1000, "1000 keys");
	int found = 1;
	for (int i = 999; i >= 0; i--) {
		snprintf(key, sizeof key, "%.*s%d", i % 17, "ABCDEFGHIJKLMNOPQ", i);
		int *v = qts_symtab_find(t, key);
		found &= v && *v == i + 1;
		const char *k;
		found &= qts_symtab_at(t, (size_t)i, &k) == v && strcmp(k, key) == 0;
	}
	CHECK(found, "every key found again, its block and its place in order");
	/* keys equal in their first eight bytes, and prefixes of one another */
	int *a = qts_symtab_get(t, "ABCDEFGH"), *b = qts_symtab_get(t, "ABCDEFGHI"), *c = qts_symtab_get(t, "ABCDEFG");
	CHECK(a && b && c && a != b && a != c && b != c, "prefixes are keys of their own");
	CHECK(qts_symtab_find(t, "ABCDEFGH") == a && qts_symtab_find(t, "ABCDEFGHI") == b, "found apart");
	CHECK(qts_symtab_find(t, "ABCDEFGHX") == NULL && qts_symtab_find(t, "") == NULL, "absent keys");
	int *e = qts_symtab_get(t, "");
	CHECK(e && qts_symtab_find(t, "") == e, "the empty key");
	/* a symbol field: the bytes after its NUL are anything, and it finds
	 * the key a string made, and makes one a string finds */
	int same = 1;
	for (int i = 0; i < 1000; i++) {
		char field[QTS_SYM_MAX];
		memset(field, 'Z' - i % 3, sizeof field);
		int n = snprintf(key, sizeof key, "%.*s%d", i % 17, "ABCDEFGHIJKLMNOPQ", i);
		memcpy(field, key, (size_t)n + 1);
		same &= qts_symtab_find_field(t, field) == qts_symtab_find(t, key);
		same &= qts_symtab_get_field(t, field) == qts_symtab_find(t, key);
	}
	CHECK(same && qts_symtab_count(t) == 1004, "a symbol field finds a string's key");
	char f1[QTS_SYM_MAX] = "NEW1", f2[QTS_SYM_MAX] = "NEW2\0garbage";
	int *n1 = qts_symtab_get_field(t, f1), *n2 = qts_symtab_get_field(t, f2);
	CHECK(n1 && n2 && n1 != n2 && qts_symtab_find(t, "NEW1") == n1 && qts_symtab_find(t, "NEW2") == n2,
	      "a key a symbol field made, found by its string");
	char fe[QTS_SYM_MAX] = "\0xyz", fx[QTS_SYM_MAX] = "ABCDEFGHX";
	CHECK(qts_symtab_find_field(t, fe) == e && qts_symtab_find_field(t, fx) == NULL,
	      "the empty field, and an absent long one");
	qts_symtab_free(t);
	return tap_done();
}

/* The stream codecs: the writer's own msgpack encoding of known types is
 * byte for byte what msgpack-c's packer writes; reading it back gives the
 * same events. */
#include "event_priv.h"
#include "tap.h"

#include <msgpack.h>
#include <stdlib.h>
#include <unistd.h>

/* The reference: each field through msgpack-c. */
static void pack_reference(msgpack_packer *pk, const qts_event *ev)
{
	const struct schema *s = &qts_schema[ev->type];
	msgpack_pack_array(pk, (size_t)s->nfields + 1);
	msgpack_pack_str(pk, strlen(s->name));
	msgpack_pack_str_body(pk, s->name, strlen(s->name));
	for (int i = 0; i < s->nfields; i++) {
		const char *at = (const char *)ev + s->f[i].offset;
		double d;
		memcpy(&d, at, sizeof d);
		switch (s->f[i].kind) {
		case FK_TS: msgpack_pack_fix_int64(pk, ev->ts); break;
		case FK_STR:
		case FK_ENUM:
			msgpack_pack_str(pk, strlen(at));
			msgpack_pack_str_body(pk, at, strlen(at));
			break;
		case FK_OPTNUM:
			if (isnan(d)) {
				msgpack_pack_nil(pk);
				break;
			}
			/* fall through */
		case FK_NUM: msgpack_pack_double(pk, d); break;
		}
	}
}

int main(void)
{
	const char *fixture = "tests/fixtures/all-types.csv";
	qts_reader *r = qts_reader_open(fixture);
	if (!CHECK(r != NULL, "open the fixture of every type"))
		return tap_done();
	int fds[2];
	if (pipe(fds) < 0)
		return 1;
	qts_writer *w = qts_writer_new(fds[1], QTS_FMT_MSGPACK);
	msgpack_sbuffer ref;
	msgpack_sbuffer_init(&ref);
	msgpack_packer pk;
	msgpack_packer_init(&pk, &ref, msgpack_sbuffer_write);
	qts_event ev, kept[32];
	int n = 0;
	while (qts_reader_next(r, &ev) > 0 && n < 32) {
		if (ev.type == QTS_UNKNOWN)
			continue;
		kept[n++] = ev;
		pack_reference(&pk, &ev);
		qts_writer_put(w, &ev);
	}
	CHECK(n == 15, "15 known events read");
	qts_writer_close(w);
	close(fds[1]);
	char *got = malloc(ref.size + 64);
	size_t len = 0;
	ssize_t k;
	while ((k = read(fds[0], got + len, ref.size + 64 - len)) > 0)
		len += (size_t)k;
	CHECK(len == ref.size && memcmp(got, ref.data, len) == 0, "writer bytes equal msgpack-c's");

	/* Decode them again: every field equal. */
	int in[2];
	if (pipe(in) < 0)
		return 1;
	if (write(in[1], got, len) != (ssize_t)len)
		return 1;
	close(in[1]);
	qts_reader *back = qts_reader_fdopen(in[0], "pipe");
	int same = 1;
	for (int i = 0; i < n; i++) {
		if (qts_reader_next(back, &ev) != 1) {
			same = 0;
			break;
		}
		char a[1024], b[1024];
		size_t la = qts_event_to_csv(&ev, a, sizeof a), lb = qts_event_to_csv(&kept[i], b, sizeof b);
		same &= la == lb && memcmp(a, b, la) == 0;
	}
	CHECK(same, "decoded events equal the originals");
	CHECK(qts_reader_next(back, &ev) == 0, "then the end");
	CHECK(qts_reader_format(back) == QTS_FMT_MSGPACK, "detected as msgpack");
	qts_reader_close(back);
	qts_reader_close(r);
	free(got);
	msgpack_sbuffer_destroy(&ref);
	return tap_done();
}

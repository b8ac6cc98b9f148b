/* fuzz_tws — any bytes as what TWS sends: the first byte picks the server
 * version (157 + byte % 22), the rest are length-prefixed messages, the
 * first of them the server's hello.  Every message decodes or says why;
 * an id or word decoded fits its field. */
#include "fuzz.h"
#include "qts_tws.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	int version = QTS_TWS_VERSION_MIN + data[0] % (QTS_TWS_VERSION_MAX - QTS_TWS_VERSION_MIN + 1);
	const unsigned char *p = data + 1;
	size_t n = size - 1, len;
	char err[QTS_ERR_MAX];
	int first = 1, r;
	while ((err[0] = '\0', r = qts_tws_frame(p, n, &len, err)) == 1) {
		if (len < 5 || len > n)
			abort();
		const char *body = (const char *)p + 4;
		if (first) {
			int v;
			char t[64];
			if (qts_tws_decode_hello(body, len - 4, &v, t, sizeof t, err) < 0 && !err[0])
				abort();
			first = 0;
		} else {
			qts_tws_msg m;
			if (qts_tws_decode(version, body, len - 4, &m, err) < 0) {
				if (!err[0])
					abort();
			} else if (m.id == QTS_TWS_OPEN_ORDER) {
				if (strlen(m.open_order.order_ref) >= QTS_ID_MAX ||
				    strlen(m.open_order.symbol) >= QTS_SYM_MAX ||
				    strlen(m.open_order.status) >= QTS_TWS_STR)
					abort();
			} else if (m.id == QTS_TWS_EXEC_DETAILS) {
				if (strlen(m.exec_details.exec_id) >= QTS_TWS_STR ||
				    strlen(m.exec_details.order_ref) >= QTS_ID_MAX)
					abort();
			} else if (m.id == QTS_TWS_ERROR && strlen(m.error.text) >= QTS_TEXT_MAX) {
				abort();
			}
		}
		p += len;
		n -= len;
	}
	if (r < 0 && !err[0])
		abort();
	return 0;
}

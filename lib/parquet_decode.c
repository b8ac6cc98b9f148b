/* parquet_decode.c — the byte-level codings of a Parquet page: the
 * RLE/bit-packed hybrid of levels and dictionary indices (Encodings.md),
 * and the page codecs (snappy, gzip, zstd).  Each checks the lengths it
 * is given against the bytes there are. */
#include "qts_parquet.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

const char *qts_pq_codec_name(int codec)
{
	static const char *const names[] = { "UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD",
					     "LZ4_RAW" };
	return codec >= 0 && codec < 8 ? names[codec] : "an unknown codec";
}

const char *qts_pq_encoding_name(int encoding)
{
	static const char *const names[] = { "PLAIN", "GROUP_VAR_INT", "PLAIN_DICTIONARY", "RLE", "BIT_PACKED",
					     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
					     "RLE_DICTIONARY", "BYTE_STREAM_SPLIT" };
	return encoding >= 0 && encoding < 10 ? names[encoding] : "an unknown encoding";
}

int qts_pq_rle_decode(const uint8_t *p, size_t n, int bit_width, uint32_t *out, size_t count, char *err)
{
	if (bit_width < 0 || bit_width > 32) {
		snprintf(err, QTS_ERR_MAX, "bit width %d out of range (0 to 32)", bit_width);
		return -1;
	}
	const uint8_t *end = p + n;
	size_t got = 0, bytes = (size_t)(bit_width + 7) / 8;
	uint64_t mask = bit_width == 32 ? 0xffffffffu : (1ull << bit_width) - 1;
	while (got < count) {
		/* The run's header: a ULEB128 varint. */
		uint64_t h = 0;
		int shift = 0;
		for (;;) {
			if (p >= end) {
				snprintf(err, QTS_ERR_MAX, "RLE/bit-packed data ends after %zu of %zu values", got, count);
				return -1;
			}
			uint8_t b = *p++;
			if (shift > 56) {
				snprintf(err, QTS_ERR_MAX, "RLE/bit-packed run header too long");
				return -1;
			}
			h |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			if (!(b & 0x80))
				break;
		}
		if (h & 1) { /* bit-packed: groups of 8 values, least significant bit first */
			uint64_t groups = h >> 1, avail = (uint64_t)(end - p), left = count - got;
			uint64_t want = groups >= left / 8 + 1 ? left : groups * 8 < left ? groups * 8 : left;
			/* The last run may be cut short by the page: only the values
			 * still wanted have to be there. */
			if ((want * (uint64_t)bit_width + 7) / 8 > avail) {
				snprintf(err, QTS_ERR_MAX, "a bit-packed run of %llu values runs past the data",
					 (unsigned long long)want);
				return -1;
			}
			uint64_t bitpos = 0;
			for (uint64_t k = 0; k < want; k++) {
				uint64_t v = 0;
				for (int b = 0; b < bit_width; b++, bitpos++)
					v |= (uint64_t)((p[bitpos >> 3] >> (bitpos & 7)) & 1) << b;
				out[got++] = (uint32_t)(v & mask);
			}
			uint64_t used = groups > avail ? avail : groups * (uint64_t)bit_width;
			p += used < avail ? used : avail;
		} else { /* a run of one value repeated */
			uint64_t run = h >> 1;
			if ((size_t)(end - p) < bytes) {
				snprintf(err, QTS_ERR_MAX, "an RLE run's value runs past the data");
				return -1;
			}
			uint64_t v = 0;
			for (size_t b = 0; b < bytes; b++)
				v |= (uint64_t)p[b] << (8 * b);
			p += bytes;
			if (v > mask) {
				snprintf(err, QTS_ERR_MAX, "an RLE value wider than %d bits", bit_width);
				return -1;
			}
			for (uint64_t k = 0; k < run && got < count; k++)
				out[got++] = (uint32_t)v;
		}
	}
	return 0;
}

int qts_pq_uncompress(int codec, const uint8_t *p, size_t n, uint8_t *out, size_t size, char *err)
{
	switch (codec) {
	case QTS_PQ_UNCOMPRESSED:
		if (n != size) {
			snprintf(err, QTS_ERR_MAX, "an uncompressed page of %zu bytes says it holds %zu", n, size);
			return -1;
		}
		if (n)
			memcpy(out, p, n);
		return 0;
	case QTS_PQ_SNAPPY: {
		const qts_pq_snappy *sn = qts_pq_snappy_load(err, QTS_ERR_MAX);
		if (!sn)
			return -1;
		size_t len;
		if (sn->uncompressed_length((const char *)p, n, &len) != SNAPPY_OK || len != size) {
			snprintf(err, QTS_ERR_MAX, "snappy page: not %zu bytes of snappy data", size);
			return -1;
		}
		if (sn->uncompress((const char *)p, n, (char *)out, &len) != SNAPPY_OK || len != size) {
			snprintf(err, QTS_ERR_MAX, "snappy page: corrupt data");
			return -1;
		}
		return 0;
	}
	case QTS_PQ_GZIP: {
		z_stream z = { 0 };
		if (inflateInit2(&z, 15 + 32) != Z_OK) { /* a gzip or zlib header */
			snprintf(err, QTS_ERR_MAX, "gzip page: out of memory");
			return -1;
		}
		z.next_in = (Bytef *)p;
		z.avail_in = (uInt)n;
		z.next_out = out;
		z.avail_out = (uInt)size;
		int r = n > UINT32_MAX || size > UINT32_MAX ? Z_DATA_ERROR : inflate(&z, Z_FINISH);
		size_t made = size - z.avail_out;
		inflateEnd(&z);
		if (r != Z_STREAM_END || made != size) {
			snprintf(err, QTS_ERR_MAX, "gzip page: %s", r == Z_STREAM_END || r == Z_BUF_ERROR
				 ? "not the size its header says" : "corrupt data");
			return -1;
		}
		return 0;
	}
	case QTS_PQ_ZSTD: {
		size_t r = ZSTD_decompress(out, size, p, n);
		if (ZSTD_isError(r) || r != size) {
			snprintf(err, QTS_ERR_MAX, "zstd page: %s", ZSTD_isError(r) ? ZSTD_getErrorName(r)
				 : "not the size its header says");
			return -1;
		}
		return 0;
	}
	default:
		snprintf(err, QTS_ERR_MAX, "pages compressed with %s (codec %d) are not read; qts reads "
			 "UNCOMPRESSED, SNAPPY, GZIP and ZSTD", qts_pq_codec_name(codec), codec);
		return -1;
	}
}

static int uleb(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t r = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return 0;
		}
	}
	return -1;
}

int qts_pq_delta_decode(const uint8_t *p, size_t n, int64_t *out, size_t count, size_t *used, char *err)
{
	const uint8_t *start = p, *end = p + n;
	uint64_t block, minis, total, first;
	if (uleb(&p, end, &block) < 0 || uleb(&p, end, &minis) < 0 || uleb(&p, end, &total) < 0 ||
	    uleb(&p, end, &first) < 0) {
		snprintf(err, QTS_ERR_MAX, "DELTA_BINARY_PACKED: its header runs past the data");
		return -1;
	}
	if (!block || block % 128 || !minis || block % minis || (block / minis) % 32 || block > (1u << 20)) {
		snprintf(err, QTS_ERR_MAX, "DELTA_BINARY_PACKED: blocks of %llu values in %llu miniblocks",
			 (unsigned long long)block, (unsigned long long)minis);
		return -1;
	}
	if (total < count) {
		snprintf(err, QTS_ERR_MAX, "DELTA_BINARY_PACKED: %llu values where %zu are wanted",
			 (unsigned long long)total, count);
		return -1;
	}
	uint64_t per_mini = block / minis, v = (first >> 1) ^ -(first & 1);
	size_t got = 0;
	if (count)
		out[got++] = (int64_t)v;
	while (got < count) {
		uint64_t zz;
		if (uleb(&p, end, &zz) < 0 || (uint64_t)(end - p) < minis) {
			snprintf(err, QTS_ERR_MAX, "DELTA_BINARY_PACKED: a block header runs past the data");
			return -1;
		}
		uint64_t min_delta = (zz >> 1) ^ -(zz & 1);
		const uint8_t *widths = p;
		p += minis;
		for (uint64_t m = 0; m < minis && got < count; m++) {
			int w = widths[m];
			if (w > 64) {
				snprintf(err, QTS_ERR_MAX, "DELTA_BINARY_PACKED: a bit width of %d", w);
				return -1;
			}
			uint64_t bytes = per_mini * (uint64_t)w / 8;
			uint64_t want = count - got < per_mini ? count - got : per_mini;
			if ((want * (uint64_t)w + 7) / 8 > (uint64_t)(end - p)) {
				snprintf(err, QTS_ERR_MAX, "DELTA_BINARY_PACKED: a miniblock runs past the data");
				return -1;
			}
			uint64_t bit = 0;
			for (uint64_t k = 0; k < want; k++) {
				uint64_t d = 0;
				for (int b = 0; b < w; b++, bit++)
					d |= (uint64_t)((p[bit >> 3] >> (bit & 7)) & 1) << b;
				v += min_delta + d; /* wraps, as the encoding means it to */
				out[got++] = (int64_t)v;
			}
			p += bytes < (uint64_t)(end - p) ? bytes : (uint64_t)(end - p);
		}
	}
	if (used)
		*used = (size_t)(p - start);
	return 0;
}

/* qts_journal.h — the event journal (journal.c): a stream kept on disk
 * in blocks that each survive or vanish whole.
 *
 * A journal file is a series of gzip members (RFC 1952), so that zcat,
 * and every qts program, reads it as a msgpack stream.  Each member is a
 * block: its header's extra field holds a "QJ" subfield with the block's
 * size in bytes, its record count and the least and greatest times of its
 * records, and the header ends in its own CRC-16 (FHCRC): the count and
 * times decide what a reader skips and what a restarted stage counts as
 * written, so a corrupt one must not pass as the truth.  The trailer
 * holds the CRC-32 and the length of its records.  Blocks written before
 * the CRC-16 (flags FEXTRA alone, a header of 40 bytes) are still read:
 * their header is believed only once their records, inflated, agree with
 * it.  A block is written with one write(2) and, per --sync,
 * fsync(2): after a crash the file is whole blocks and at most one torn
 * block at its end, which the next writer cuts.  The layout follows BGZF's (SAM/BAM
 * specification, section 4.1), whose blocks are gzip members too.
 *
 * Internal to qts (not installed). */
#ifndef QTS_JOURNAL_H
#define QTS_JOURNAL_H

#include "qts.h"

/* Bytes of a block's header (gzip's 10, XLEN's 2, the QJ subfield's 28,
 * the header's CRC-16) and of its trailer (CRC-32 and ISIZE); a block
 * written before the CRC-16 has a header of QTS_JOURNAL_HEAD_OLD. */
#define QTS_JOURNAL_HEAD 42
#define QTS_JOURNAL_HEAD_OLD 40
#define QTS_JOURNAL_TAIL 8
/* Records of one block take at most this many bytes (ISIZE is 32 bits;
 * blocks stay far smaller: --block-size is at most 16 MiB). */
#define QTS_JOURNAL_BLOCK_MAX (16u << 20)

typedef struct qts_journal_block {
	uint64_t offset;         /* of the block in its file */
	uint32_t size;           /* header, data and trailer */
	uint32_t head;           /* bytes of its header: QTS_JOURNAL_HEAD, or _OLD */
	int checked;             /* its header is under its CRC-16 (else
				  * believed once its records agree) */
	uint32_t count;          /* records */
	int64_t first_ts;        /* the least ts of its records */
	int64_t last_known;      /* the greatest time one of them became known
				  * (qts_event_known: a bar's end) */
} qts_journal_block;

/* ---- writing ------------------------------------------------------------- */

typedef struct qts_journal_opts {
	size_t block_bytes;      /* a block is closed at this many bytes of records; 0: 64 KiB */
	int sync;                /* QTS_JOURNAL_SYNC_* */
	int64_t sync_every;      /* SYNC_INTERVAL: ns between fsyncs */
	uint64_t rotate_bytes;   /* rotate past this file size; 0: never */
	int rotate_daily;        /* rotate when a record's UTC day is not the file's */
	int level;               /* zlib level; 0: 6 */
} qts_journal_opts;
enum { QTS_JOURNAL_SYNC_BLOCK, QTS_JOURNAL_SYNC_INTERVAL, QTS_JOURNAL_SYNC_NONE };

typedef struct qts_journal qts_journal;
/* Open path for appending (created when missing).  Its blocks are walked
 * by their headers; a torn last block is cut (cut says how many bytes at
 * which offset, else 0; warn says so).  NULL with err. */
qts_journal *qts_journal_open(const char *path, const qts_journal_opts *o, char *warn, size_t warnlen,
			      char *err);
/* Add one record (the msgpack bytes of ev).  A full block is written out
 * (and synced per the options), and the file rotated when due.  The
 * first record after opening may not be known before the journal's end:
 * a journal is one stream in time order.  0, or -1 with err. */
int qts_journal_add(qts_journal *j, const void *rec, size_t len, const qts_event *ev, char *err);
/* Write the block being filled, if any, and sync it when the options say
 * a block is synced (or force).  0, or -1 with err. */
int qts_journal_flush(qts_journal *j, int force_sync, char *err);
/* Sync what was written and not synced yet (--sync DURATION's timer). */
int qts_journal_sync(qts_journal *j, char *err);
/* Records added and blocks written, for heartbeats. */
void qts_journal_counts(const qts_journal *j, uint64_t *records, uint64_t *blocks, uint64_t *bytes);
/* Flush, sync and close: 0, or -1 with err (the file is closed anyway). */
int qts_journal_close(qts_journal *j, char *err);

/* ---- reading ------------------------------------------------------------- */

/* Parse a block header at p[0..n): 1 with b filled (offset 0), 0 when p
 * does not start a block, -1 when n is too short to tell, -2 when it is a
 * block's header that fails its CRC-16, -3 when one that passes it holds
 * no block's size, count or times (b untouched but on success). */
int qts_journal_parse_head(const unsigned char *p, size_t n, qts_journal_block *b);
/* What a parse_head result other than 1 says, for messages. */
const char *qts_journal_head_why(int h);
/* A reader of the records rec[0..n) of a block (copied), named name: a
 * failure among them is a record like any other, and none at all is no
 * warning.  NULL when out of memory. */
qts_reader *qts_journal_reader(const unsigned char *rec, size_t n, const char *name);
/* Check the records rec[0..n) of block b (name for messages) against
 * its header: their count, their least ts and the greatest time one of
 * them became known.  0, or -1 with why. */
int qts_journal_check(const unsigned char *rec, size_t n, const qts_journal_block *b, const char *name, char *why,
		      size_t whylen);
/* The offset of the first block header in fd at or after from that
 * parses and fits in the file of size bytes, else 0: whole blocks after
 * a bad one make it corruption, not a torn end, and not to be cut. */
uint64_t qts_journal_later_block(int fd, uint64_t from, uint64_t size);
/* Whether the bytes of fd from off (up to 64 KiB looked at) are all zero:
 * what a crash may leave where a block was to be written, a torn end
 * rather than another file or corruption. */
int qts_journal_zeros_at(int fd, uint64_t off);
/* The number of a rotated file of the journal named base (no directory):
 * name is BASE.NNNNNN, six digits and more as rotation writes them; 0
 * when it is not one. */
long qts_journal_rotated_no(const char *base, const char *name);
/* Whether path's name is that of a rotated file (BASE.NNNNNN).  One is
 * synced before it is renamed, so no crash leaves it torn: a bad end
 * there is corruption, not a torn block to leave out. */
int qts_journal_is_rotated(const char *path);
/* The length of a whole block's records, from its trailer. */
uint32_t qts_journal_isize(const unsigned char *p, const qts_journal_block *b);
/* Check a whole block at p (b->size bytes) and inflate its records into
 * out (cap bytes, at least qts_journal_isize): their length, or -1 with
 * why in err (a CRC mismatch, corrupt data). */
long qts_journal_inflate(const unsigned char *p, const qts_journal_block *b, unsigned char *out, size_t cap,
			 char *err, size_t errlen);
/* The records of block b, at offset at of fd, read, inflated into *out
 * (malloc'd; NULL but on success) and checked against the header
 * (qts_journal_check): their length; -1 with why when the block is not
 * whole (cut short, a CRC mismatch, records that do not agree with its
 * header), -2 when out of memory. */
long qts_journal_read_block(int fd, uint64_t at, const qts_journal_block *b, unsigned char **out, char *why,
			    size_t whylen);

/* A failure record (a system event of level error) ends a stream: the
 * writer gives it a block of its own, the journal's last, and a writer
 * that opens the journal again to go on with the stream cuts it (a
 * stage restarted after its failure), so that the stream it holds goes
 * on unbroken and its records count as the stage's.  Whether the records
 * rec[0..n) of a block of count records are such a failure alone: 1 with
 * `SOURCE failed: MESSAGE` in failure (QTS_UPSTREAM_MAX bytes), else 0. */
int qts_journal_lone_failure(const unsigned char *rec, size_t n, uint32_t count, const char *name, char *failure);

/* `qts journal cat`'s whole main (journal_cat.c). */
int qts_journal_cat_main(int argc, char **argv);

#endif

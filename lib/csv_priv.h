/* csv_priv.h — raw access to the lines of a CSV input, for decoders that
 * parse a known record in one pass (reader_csv.c) instead of splitting it
 * into fields first.  The generic qts_csv_next stays the reference: a decoder
 * that meets anything unusual leaves the line alone and asks for it there. */
#ifndef QTS_CSV_PRIV_H
#define QTS_CSV_PRIV_H
#include "qts.h"

/* The unread buffered bytes, from the start of the next line, when no
 * quoted record is open; returns how many (0: none, or go through
 * qts_csv_next).  Never reads more than qts_csv_next would, so a live
 * pipe is not waited on for more than one line. */
size_t qts_csv_peek(qts_csv *c, const char **p);

/* Take the first n peeked bytes, holding that many whole lines (newlines
 * included), as read: line numbers move on as with qts_csv_next, the last
 * of them being the row just read (qts_csv_line).  The bytes after stay
 * where they were. */
void qts_csv_take(qts_csv *c, size_t n, long lines);

/* How many lines have been read so far. */
long qts_csv_lines(const qts_csv *c);

/* Have r read every CSV line through qts_csv_next and every msgpack
 * record through the generic decoder, never in one pass: the reference
 * the one-pass decoders are checked against (tests/fuzz). */
void qts_reader_split_only(qts_reader *r);
/* Fields separated by delim instead of a comma (vendor files written with
 * ';' or a tab); set before the first row is read. */
void qts_csv_set_delimiter(qts_csv *c, char delim);
#endif

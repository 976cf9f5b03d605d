/*
 * A YAML reader and writer for the block-style subset that Flipt's declarative files use.
 *
 * Reads: block mappings and sequences (including "- key: value" items and sequences written
 * at the same column as their key), plain, single- and double-quoted scalars (with line
 * folding and all double-quote escapes), literal and folded block scalars (| > with chomping
 * and indentation indicators), flow collections ([a, b], {k: v}, nested, across lines),
 * comments, a leading "---" and "%" directives, CRLF line ends. Plain scalars are typed with
 * the YAML 1.2 core schema (null, true/false, integers incl. 0x/0o, floats).
 * Rejects, with a message naming the line: anchors, aliases, tags, complex keys ("? "),
 * several documents in one file, duplicate keys, tabs in indentation, bad indentation.
 *
 * Every value keeps the byte range it came from, so a caller can splice new text into the
 * original and leave the rest of the file byte for byte as it was.
 */
#ifndef FLIPT_YAML_H
#define FLIPT_YAML_H

#include "value.h"

typedef struct {
  int map_indent; /* columns between a key and the keys of the mapping under it */
  int seq_indent; /* columns between a key and the "-" of the sequence under it */
  int crlf;       /* the file ends its lines with CR LF */
} YamlStyle;

/* Parses a whole file; the result is NULL-valued (V_NULL) for an empty file. */
Value *yaml_parse(const char *src, size_t n, const char *what, YamlStyle *style);

/*
 * Writes one block sequence item ("- ...", ending with a newline) with its dash at column col.
 * Where `old` (the value this one replaces) holds an equal scalar at the same place, its
 * source text is reused, and mapping keys keep the order they had in `old`.
 */
void yaml_emit_item(Buf *b, const Value *item, const Value *old, int col, const YamlStyle *st);

/* Writes "key: value" (or "key:" and a nested block) at column col, ending with a newline. */
void yaml_emit_entry(Buf *b, const char *key, const Value *v, const Value *old, int col,
                     const YamlStyle *st);

#endif

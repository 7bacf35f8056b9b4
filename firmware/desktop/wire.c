#include <stdlib.h>
#include <string.h>
#include "wire.h"

void wire_write_record(FILE *f, uint8_t type, size_t length, const void *a, size_t alen, const void *b, size_t blen, const void *c, size_t clen) {
  uint8_t hdr[5];
  hdr[0] = type;
  hdr[1] = (uint8_t)(length & 0xff);
  hdr[2] = (uint8_t)((length >> 8) & 0xff);
  hdr[3] = (uint8_t)((length >> 16) & 0xff);
  hdr[4] = (uint8_t)((length >> 24) & 0xff);
  fwrite(hdr, 1, 5, f);
  if (alen) fwrite(a, 1, alen, f);
  if (blen) fwrite(b, 1, blen, f);
  if (clen) fwrite(c, 1, clen, f);
}

uint16_t wire_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
uint32_t wire_u32(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24); }

double wire_f64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; i--) v = (v << 8) | p[i];
  double d;
  memcpy(&d, &v, sizeof d);
  return d;
}

int wire_read_record(FILE *f, uint8_t **buf, size_t *cap, size_t *length) {
  uint8_t hdr[5];
  size_t got = fread(hdr, 1, 5, f);
  if (got == 0) return 0;
  if (got != 5) return -1;
  uint32_t len = wire_u32(hdr + 1);
  if (len > WIRE_MAX_RECORD) return -1;
  if (len > *cap) {
    uint8_t *p = (uint8_t *)realloc(*buf, len);
    if (!p) return -1;
    *buf = p;
    *cap = len;
  }
  if (len && fread(*buf, 1, len, f) != len) return -1;
  *length = len;
  return hdr[0];
}

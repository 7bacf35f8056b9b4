/* External memory for the JS app: one region, bump-allocated at start-up, never freed one by one
   (a reboot of the app resets it with qc_external_init). 8-byte aligned. */
#include <string.h>
#include "qc_ports.h"

static uint8_t *region;
static size_t region_size;
static size_t used;

void qc_external_init(void *base, size_t size) {
  region = (uint8_t *)base;
  region_size = size;
  used = 0;
}

void *qc_external_alloc(size_t bytes) {
  size_t at = (used + 7u) & ~(size_t)7u;
  if (!region || bytes > region_size || at > region_size - bytes) return NULL;
  used = at + bytes;
  memset(region + at, 0, bytes);
  return region + at;
}

size_t qc_external_used(void) { return used; }
size_t qc_external_size(void) { return region_size; }

/* SHA-256 block compression in C, for ports.digest.sha256Blocks: bit-exact with the TypeScript
   reference (src/protocol/sha256.ts), which the app checks it against at start-up. In the
   interpreters the same loop costs ~20k x86 instructions per byte (bench/firmware-mac.ts). */
#ifndef QC_SHA256_H
#define QC_SHA256_H
#include <stddef.h>
#include <stdint.h>

/* Process `blocks` 64-byte blocks at `p` into the 8-word state (big-endian words, as FIPS 180-4). */
void qc_sha256_blocks(int32_t state[8], const uint8_t *p, size_t blocks);

/* NULL when the arguments fit (state of 8 int32, from + 64 * blocks <= data length), else why. */
const char *qc_sha256_check(size_t state_bytes, size_t data_bytes, double from, double blocks);
#endif

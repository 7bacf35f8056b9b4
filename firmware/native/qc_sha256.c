/* SHA-256 block compression (FIPS 180-4), see qc_sha256.h. */
#include <math.h>
#include "qc_sha256.h"

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

void qc_sha256_blocks(int32_t state[8], const uint8_t *p, size_t blocks) {
  uint32_t w[64];
  for (size_t b = 0; b < blocks; b++, p += 64) {
    for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
      uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
      uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = (uint32_t)state[0], bb = (uint32_t)state[1], c = (uint32_t)state[2], d = (uint32_t)state[3];
    uint32_t e = (uint32_t)state[4], f = (uint32_t)state[5], g = (uint32_t)state[6], h = (uint32_t)state[7];
    for (int i = 0; i < 64; i++) {
      uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
      h = g; g = f; f = e; e = d + t1; d = c; c = bb; bb = a; a = t1 + t2;
    }
    state[0] = (int32_t)((uint32_t)state[0] + a); state[1] = (int32_t)((uint32_t)state[1] + bb);
    state[2] = (int32_t)((uint32_t)state[2] + c); state[3] = (int32_t)((uint32_t)state[3] + d);
    state[4] = (int32_t)((uint32_t)state[4] + e); state[5] = (int32_t)((uint32_t)state[5] + f);
    state[6] = (int32_t)((uint32_t)state[6] + g); state[7] = (int32_t)((uint32_t)state[7] + h);
  }
}

const char *qc_sha256_check(size_t state_bytes, size_t data_bytes, double from, double blocks) {
  if (state_bytes != 32) return "state must be an Int32Array of 8";
  if (!(from >= 0) || !(blocks >= 0) || floor(from) != from || floor(blocks) != blocks) return "from and blocks must be non-negative integers";
  if (from + 64.0 * blocks > (double)data_bytes) return "from + 64 * blocks is past the end of data";
  return NULL;
}

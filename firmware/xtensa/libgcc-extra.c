/*
 * The 64-bit integer helpers Debian's lx106 libgcc.a lacks (it has __udivmoddi4, __divmoddi4 and
 * __moddi3), written over those and lib1funcs' __umulsidi3. Not a copy of GCC's code.
 */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t a, uint64_t b, uint64_t *rem);
int64_t __divmoddi4(int64_t a, int64_t b, int64_t *rem);
uint64_t __umulsidi3(uint32_t a, uint32_t b);

uint64_t __udivdi3(uint64_t a, uint64_t b) {
  uint64_t r;
  return __udivmoddi4(a, b, &r);
}

uint64_t __umoddi3(uint64_t a, uint64_t b) {
  uint64_t r;
  __udivmoddi4(a, b, &r);
  return r;
}

int64_t __divdi3(int64_t a, int64_t b) {
  int64_t r;
  return __divmoddi4(a, b, &r);
}

/* (ah*2^32 + al)(bh*2^32 + bl) mod 2^64 = al*bl + ((al*bh + ah*bl) mod 2^32) * 2^32 */
uint64_t __muldi3(uint64_t a, uint64_t b) {
  uint32_t al = (uint32_t)a, ah = (uint32_t)(a >> 32), bl = (uint32_t)b, bh = (uint32_t)(b >> 32);
  uint32_t cross = al * bh + ah * bl;
  uint64_t low = __umulsidi3(al, bl);
  return low + ((uint64_t)cross << 32);
}

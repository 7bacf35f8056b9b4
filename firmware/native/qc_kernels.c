/*
 * The detector's per-pixel loops in C: see qc_kernels.h. Bit-exact with src/core/kernels.ts
 * (checked by test/firmware/kernels.test.ts in the desktop runtime, and by the byte identity of
 * whole runs in Node and in the runtime).
 *
 * Integer details that make them exact: JS `>>` on a negative number is an arithmetic shift
 * (floor), so is `>>` on a negative int in GCC (documented implementation-defined behaviour, the
 * same on x86-64 and xtensa); it is written as a floor for any other compiler. JS masks a shift
 * count to 5 bits, so does this. Stores wrap like JS typed-array stores (uint16_t, uint8_t casts);
 * with the detector's cell sizes (<= 16) counts and sums never come near wrapping anyway.
 */
#include "qc_kernels.h"

static inline int32_t shr_floor(int32_t v, unsigned r) {
#if defined(__GNUC__)
  return v >> r; /* arithmetic on GCC/Clang for every target */
#else
  return v >= 0 ? (v >> r) : -(int32_t)(((uint32_t)(-v) + ((1u << r) - 1)) >> r);
#endif
}

size_t qc_kernel_cells(unsigned width, unsigned height, unsigned cell) {
  if (!cell) return 0;
  return (size_t)((width + cell - 1) / cell) * ((height + cell - 1) / cell);
}

void qc_kernel_difference(const uint8_t *frame, const uint8_t *bg8, const uint8_t *thr, uint16_t *cnt, int32_t *sad,
                          unsigned width, unsigned height, unsigned cell) {
  const unsigned cols = (width + cell - 1) / cell;
  const size_t cells = qc_kernel_cells(width, height, cell);
  for (size_t c = 0; c < cells; c++) {
    cnt[c] = 0;
    sad[c] = 0;
  }
  size_t i = 0;
  for (unsigned y = 0; y < height; y++) {
    const size_t row_cell = (size_t)(y / cell) * cols;
    unsigned x = 0;
    for (size_t c = row_cell; x < width; c++) {
      const unsigned xe = x + cell < width ? x + cell : width;
      const int t = thr[c];
      unsigned n = 0;
      int32_t sum = 0;
      for (; x < xe; x++, i++) {
        int d = (int)frame[i] - (int)bg8[i];
        if (d < 0) d = -d;
        sum += d;
        n += d > t;
      }
      cnt[c] = (uint16_t)(cnt[c] + n);
      sad[c] += sum;
    }
  }
}

void qc_kernel_update_background(const uint8_t *frame, uint16_t *bgq, uint8_t *bg8, const uint8_t *rate, unsigned width,
                                 unsigned height, unsigned cell, unsigned stride, unsigned phase) {
  const unsigned cols = (width + cell - 1) / cell;
  if (!stride) return;
  for (unsigned y = phase; y < height; y += stride) {
    const size_t row_cell = (size_t)(y / cell) * cols;
    size_t i = (size_t)y * width;
    unsigned x = 0;
    for (size_t c = row_cell; x < width; c++) {
      const unsigned xe = x + cell < width ? x + cell : width;
      const unsigned r = rate[c] & 31u;
      if (rate[c] == 0) {
        i += xe - x;
        x = xe;
        continue;
      }
      for (; x < xe; x++, i++) {
        int32_t q = bgq[i];
        q += shr_floor(((int32_t)frame[i] << 8) - q, r);
        bgq[i] = (uint16_t)q;
        bg8[i] = (uint8_t)((q + 128) >> 8);
      }
    }
  }
}

static int whole(double v, double lo, double hi) { return v >= lo && v <= hi && v == (double)(long)v; }

static const char *check_grid(size_t frame, double width, double height, double cell) {
  if (!whole(width, 1, 4096) || !whole(height, 1, 4096)) return "width and height must be integers in 1..4096";
  if (!whole(cell, 1, 64)) return "cellSize must be an integer in 1..64";
  if (frame < (size_t)width * (size_t)height) return "frame is smaller than width*height";
  return NULL;
}

const char *qc_kernel_check_difference(size_t frame, size_t bg8, size_t thr, size_t cnt, size_t sad, double width,
                                       double height, double cell) {
  const char *bad = check_grid(frame, width, height, cell);
  if (bad) return bad;
  size_t n = (size_t)width * (size_t)height, cells = qc_kernel_cells((unsigned)width, (unsigned)height, (unsigned)cell);
  if (bg8 < n) return "bg8 is smaller than width*height";
  if (thr < cells || cnt < 2 * cells || sad < 4 * cells) return "thr (Uint8), cnt (Uint16) and sad (Int32) need one entry per cell";
  return NULL;
}

const char *qc_kernel_check_update(size_t frame, size_t bgq, size_t bg8, size_t rate, double width, double height,
                                   double cell, double stride, double phase) {
  const char *bad = check_grid(frame, width, height, cell);
  if (bad) return bad;
  size_t n = (size_t)width * (size_t)height, cells = qc_kernel_cells((unsigned)width, (unsigned)height, (unsigned)cell);
  if (bgq < 2 * n || bg8 < n) return "bgq (Uint16) and bg8 (Uint8) need width*height entries";
  if (rate < cells) return "rate (Uint8) needs one entry per cell";
  if (!whole(stride, 1, 4096) || !whole(phase, 0, 4095)) return "stride must be an integer in 1..4096, phase in 0..4095";
  return NULL;
}

/*
 * The detector's per-pixel loops in C (src/core/kernels.ts is the reference; these must give the
 * same integers in every array). Shared by the desktop runtime (Duktape) and the board
 * (JerryScript): each engine binding checks the JS arguments, then calls these.
 *
 * Sizes: frame, bg8 and bgq hold width*height pixels; thr, cnt, sad and rate hold one entry per
 * cell, cols*rows with cols = ceil(width/cell), rows = ceil(height/cell). The bindings check them.
 */
#ifndef QC_KERNELS_H
#define QC_KERNELS_H
#include <stddef.h>
#include <stdint.h>

/* Cells of a width x height frame with square cells of `cell` pixels (partial at the edges). */
size_t qc_kernel_cells(unsigned width, unsigned height, unsigned cell);

/* cnt[c] = pixels of cell c with |frame - bg8| > thr[c]; sad[c] = sum of |frame - bg8| (overwritten). */
void qc_kernel_difference(const uint8_t *frame, const uint8_t *bg8, const uint8_t *thr, uint16_t *cnt, int32_t *sad,
                          unsigned width, unsigned height, unsigned cell);

/* Rows y with y % stride == phase: q += ((frame << 8) - q) >> rate[cell] (floor), bg8 = (q + 128) >> 8; rate 0 holds. */
void qc_kernel_update_background(const uint8_t *frame, uint16_t *bgq, uint8_t *bg8, const uint8_t *rate, unsigned width,
                                 unsigned height, unsigned cell, unsigned stride, unsigned phase);

/* Argument checks for the engine bindings (sizes in bytes as the engine reports them): NULL when
   the call is safe, else what is wrong. Nothing is read or written before they pass. */
const char *qc_kernel_check_difference(size_t frame, size_t bg8, size_t thr, size_t cnt, size_t sad, double width,
                                       double height, double cell);
const char *qc_kernel_check_update(size_t frame, size_t bgq, size_t bg8, size_t rate, double width, double height,
                                   double cell, double stride, double phase);
#endif

/**
 * Drawing for report images: resampling, masks tinted over a picture, box outlines.
 *
 * Limits: report-side only (allocates freely; the detector never draws). Images are row-major
 * grey (1 byte per pixel) or RGB (3 bytes per pixel). Cell masks are drawn at `cellPx` display
 * pixels per cell, clipped at the right and bottom edges where the grid has partial cells.
 */

export type Rgb = readonly [number, number, number];

/**
 * Resample grey `src` (sw x sh) to dw x dh by averaging the source pixels under each destination
 * pixel: a box filter when shrinking (no aliasing of fine texture), nearest neighbour when
 * enlarging by a whole factor (crisp grid cells).
 */
export function resampleGrey(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (src.length < sw * sh) throw new RangeError(`resampleGrey: ${src.length} bytes for ${sw}x${sh}`);
  const dst = new Uint8Array(dw * dh);
  const xs = new Int32Array(dw + 1);
  for (let x = 0; x <= dw; x++) xs[x] = Math.floor((x * sw) / dw);
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor((y * sh) / dh);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * sh) / dh));
    for (let x = 0; x < dw; x++) {
      const x0 = xs[x];
      const x1 = Math.max(x0 + 1, xs[x + 1]);
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) {
        const row = yy * sw;
        for (let xx = x0; xx < x1; xx++) sum += src[row + xx];
      }
      dst[y * dw + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return dst;
}

export function greyToRgb(grey: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(grey.length * 3);
  for (let i = 0, j = 0; i < grey.length; i++, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = grey[i];
  return rgb;
}

/** Blend `colour` over every display pixel of the cells set in `mask` (alpha 0–1). */
export function tintCells(
  rgb: Uint8Array, w: number, h: number,
  mask: Uint8Array, cols: number, rows: number, cellPx: number,
  colour: Rgb, alpha: number,
): void {
  const a = Math.max(0, Math.min(1, alpha));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (!mask[r * cols + c]) continue;
      const y1 = Math.min(h, (r + 1) * cellPx);
      const x1 = Math.min(w, (c + 1) * cellPx);
      for (let y = r * cellPx; y < y1; y++) {
        for (let x = c * cellPx; x < x1; x++) {
          const j = (y * w + x) * 3;
          rgb[j] = Math.round(rgb[j] * (1 - a) + colour[0] * a);
          rgb[j + 1] = Math.round(rgb[j + 1] * (1 - a) + colour[1] * a);
          rgb[j + 2] = Math.round(rgb[j + 2] * (1 - a) + colour[2] * a);
        }
      }
    }
  }
}

/** Outline the rectangle [x0, x1) x [y0, y1) in display pixels, `thickness` px inside it. */
export function drawRect(
  rgb: Uint8Array, w: number, h: number,
  x0: number, y0: number, x1: number, y1: number,
  colour: Rgb, thickness: number,
): void {
  // Clip first, so a box reaching into a partial edge cell still shows its right/bottom side.
  x0 = Math.max(0, x0);
  y0 = Math.max(0, y0);
  x1 = Math.min(w, x1);
  y1 = Math.min(h, y1);
  for (let y = y0; y < y1; y++) {
    const edgeY = y < y0 + thickness || y >= y1 - thickness;
    for (let x = x0; x < x1; x++) {
      if (!edgeY && x >= x0 + thickness && x < x1 - thickness) continue;
      const j = (y * w + x) * 3;
      rgb[j] = colour[0];
      rgb[j + 1] = colour[1];
      rgb[j + 2] = colour[2];
    }
  }
}

/** Draw `count` boxes given in cells (x0, y0, x1, y1 inclusive, 4 values each). */
export function drawBoxes(
  rgb: Uint8Array, w: number, h: number,
  boxes: Int16Array, count: number, cellPx: number,
  colour: Rgb, thickness: number,
): void {
  for (let b = 0; b < count; b++) {
    const x0 = boxes[b * 4] * cellPx;
    const y0 = boxes[b * 4 + 1] * cellPx;
    const x1 = (boxes[b * 4 + 2] + 1) * cellPx;
    const y1 = (boxes[b * 4 + 3] + 1) * cellPx;
    drawRect(rgb, w, h, x0, y0, x1, y1, colour, thickness);
  }
}

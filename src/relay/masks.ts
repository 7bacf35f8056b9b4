/**
 * Cell masks and motion boxes drawn at the raw view's resolution (images 2-4), and the boxes as
 * JSON. Pure functions over typed arrays. The raw view and the working grid show the same field
 * of view, so raw pixel x lies in working pixel floor(x * width / rawWidth), in cell
 * floor(that / cellSize); the right and bottom cells may be partial.
 */
import type { Bundle } from '../protocol/index.js';

/** Grey levels of the drawings: masks are 0/255; the box drawing shows motion cells dimmer than box outlines. */
export const MASK_ON = 255;
export const MOTION_CELL = 96;
export const BOX_LINE = 255;

interface Grid {
  width: number;
  height: number;
  cellSize: number;
  cols: number;
}

/** For each raw pixel along one axis, its cell index. */
function cellOf(rawSize: number, workSize: number, cellSize: number): Int32Array {
  const out = new Int32Array(rawSize);
  for (let x = 0; x < rawSize; x++) out[x] = Math.floor(Math.floor((x * workSize) / rawSize) / cellSize);
  return out;
}

/**
 * A cell mask (1 byte per cell, 0/1) as a raw-resolution single-channel image, 0 or MASK_ON.
 * `into`: draw into this buffer (cleared first; at least rawWidth * rawHeight bytes) instead of a
 * new one, and return its first rawWidth * rawHeight bytes.
 * @example renderMask(bundle.sky, bundle, 640, 480) // Uint8Array(640 * 480)
 */
export function renderMask(mask: Uint8Array, grid: Grid, rawWidth: number, rawHeight: number, on = MASK_ON, into?: Uint8Array): Uint8Array {
  const out = into ? into.subarray(0, rawWidth * rawHeight).fill(0) : new Uint8Array(rawWidth * rawHeight);
  const colOf = cellOf(rawWidth, grid.width, grid.cellSize);
  const rowOf = cellOf(rawHeight, grid.height, grid.cellSize);
  for (let y = 0; y < rawHeight; y++) {
    const start = y * rawWidth;
    if (y > 0 && rowOf[y] === rowOf[y - 1]) {
      out.copyWithin(start, start - rawWidth, start); // same cell row as the line above
      continue;
    }
    const base = rowOf[y] * grid.cols;
    for (let x = 0; x < rawWidth; x++) if (mask[base + colOf[x]]) out[start + x] = on;
  }
  return out;
}

/** A box in raw pixels, inclusive. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Box i of the bundle (cells, inclusive) in raw pixels (inclusive). */
export function boxToPixels(b: Bundle, i: number, rawWidth: number, rawHeight: number): PixelBox {
  const toRaw = (cell: number, work: number, raw: number) => Math.ceil((Math.min(work, cell * b.cellSize) * raw) / work);
  return {
    x0: toRaw(b.boxes[4 * i], b.width, rawWidth),
    y0: toRaw(b.boxes[4 * i + 1], b.height, rawHeight),
    x1: toRaw(b.boxes[4 * i + 2] + 1, b.width, rawWidth) - 1,
    y1: toRaw(b.boxes[4 * i + 3] + 1, b.height, rawHeight) - 1,
  };
}

/**
 * Image 4, where motion is occurring: motion cells at MOTION_CELL, each box outlined at BOX_LINE
 * (lines ~0.5% of the width thick, at least 1 px). `into`: as for renderMask.
 */
export function renderBoxes(b: Bundle, rawWidth: number, rawHeight: number, into?: Uint8Array): Uint8Array {
  const out = renderMask(b.motion, b, rawWidth, rawHeight, MOTION_CELL, into);
  const t = Math.max(1, Math.round(rawWidth / 200));
  const fill = (x0: number, y0: number, x1: number, y1: number) => {
    for (let y = Math.max(0, y0); y <= Math.min(rawHeight - 1, y1); y++) {
      out.fill(BOX_LINE, y * rawWidth + Math.max(0, x0), y * rawWidth + Math.min(rawWidth - 1, x1) + 1);
    }
  };
  for (let i = 0; i < b.boxCount; i++) {
    const p = boxToPixels(b, i, rawWidth, rawHeight);
    fill(p.x0, p.y0, p.x1, p.y0 + t - 1);
    fill(p.x0, p.y1 - t + 1, p.x1, p.y1);
    fill(p.x0, p.y0, p.x0 + t - 1, p.y1);
    fill(p.x1 - t + 1, p.y0, p.x1, p.y1);
  }
  return out;
}

/** meta.json's `boxes`: every box in cells and in raw pixels, with the cells its motion covers. */
export function boxesJson(b: Bundle, rawWidth: number, rawHeight: number): object {
  const boxes = [];
  for (let i = 0; i < b.boxCount; i++) {
    boxes.push({
      cells: { x0: b.boxes[4 * i], y0: b.boxes[4 * i + 1], x1: b.boxes[4 * i + 2], y1: b.boxes[4 * i + 3] },
      pixels: boxToPixels(b, i, rawWidth, rawHeight),
      areaCells: b.boxAreas[i],
    });
  }
  return {
    coordinates: 'inclusive; pixels are in the raw view (image 1), cells in the working grid',
    rawView: { width: rawWidth, height: rawHeight },
    grid: { width: b.width, height: b.height, cellSize: b.cellSize, cols: b.cols, rows: b.rows },
    boxes,
  };
}

/**
 * Per pixel of a w x h image covering the working grid: 1 where neither that cell nor any of its
 * 8 neighbours moved or holds a static object (the margin keeps the edges of movers out).
 */
export function motionFreeMask(b: Bundle, w: number, h: number): Uint8Array {
  const busy = new Uint8Array(b.cols * b.rows);
  for (let r = 0; r < b.rows; r++) {
    for (let c = 0; c < b.cols; c++) {
      const i = r * b.cols + c;
      if (!b.motion[i] && !b.staticMask[i]) continue;
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if (rr >= 0 && rr < b.rows && cc >= 0 && cc < b.cols) busy[rr * b.cols + cc] = 1;
        }
      }
    }
  }
  const out = renderMask(busy, b, w, h, 1);
  for (let i = 0; i < out.length; i++) out[i] ^= 1;
  return out;
}

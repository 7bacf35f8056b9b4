/**
 * Where in an event frame the person detector looks: the region around the board's motion boxes
 * (event frame v2 carries them, in cells of the board's grid), as Frigate scores regions around
 * motion rather than whole frames. A region costs the detector about half a full frame (its input
 * is smaller), and a distant person keeps more of their pixels than in the whole frame shrunk to the
 * model's input.
 *
 * The rule, in the frame's own pixels:
 * 1. the union of the boxes (cells scaled to the frame: the board's grid covers the same view);
 * 2. grown by `margin` of its size on every side (a motion box is often a person's moving part:
 *    legs, an arm), then to the crop input's aspect, and to at least half the crop input's size (a
 *    small region is enlarged up to 2x: REGION_ENLARGE);
 * 3. moved inside the frame (never cut), and no larger than the frame;
 * 4. the whole frame instead (null) when there is no motion information (a v1 board), or when the
 *    region would be scored at a lower resolution than the whole frame is (its side over the crop
 *    input's is above the frame's over the full input's): the crop is only ever the sharper choice.
 * Pure: no I/O. Integer pixels.
 * @example
 *   motionRegion(640, 480, { cols: 20, rows: 15, count: 1, boxes: [9, 4, 12, 9] }, CROP, FULL)
 *   // -> { x: 160, y: 32, w: 384, h: 384 }
 */

/** A rectangle in a frame's own pixels. */
export interface Rect { x: number; y: number; w: number; h: number }

/** The board's motion boxes for one frame: `count` boxes, 4 numbers each (x0, y0, x1, y1, cells, inclusive). */
export interface MotionCells { cols: number; rows: number; count: number; boxes: ArrayLike<number> }

/** A model input size in pixels. */
export interface Size { width: number; height: number }

/** Margin added on each side of the motion union, as a fraction of its width/height (0.5: twice the size). */
export const REGION_MARGIN = 0.5;

/**
 * A region is enlarged at most this much to the crop input: small, distant motion (a person ~30 px
 * tall) is scored at up to 2x. Measured on the generated scenes' people (device app, event frames):
 * at 1x (never enlarged) 6 of 8 person events alerted (tree-person and one plain walker missed),
 * at 2x and 3x 8 of 8; real clips and scenes without people unchanged (tree.avi <= 0.10, parked
 * car <= 0.09).
 */
export const REGION_ENLARGE = 2;

/** The union of the boxes in frame pixels, or null when there is none. */
export function motionUnion(frameW: number, frameH: number, m: MotionCells | null | undefined): Rect | null {
  if (!m || m.cols < 1 || m.rows < 1 || m.count < 1) return null;
  let x0 = m.cols, y0 = m.rows, x1 = -1, y1 = -1;
  for (let i = 0; i < m.count; i++) {
    const b = i * 4;
    x0 = Math.min(x0, m.boxes[b]);
    y0 = Math.min(y0, m.boxes[b + 1]);
    x1 = Math.max(x1, m.boxes[b + 2]);
    y1 = Math.max(y1, m.boxes[b + 3]);
  }
  if (x1 < x0 || y1 < y0) return null;
  const px = Math.floor((x0 * frameW) / m.cols), py = Math.floor((y0 * frameH) / m.rows);
  const qx = Math.min(frameW, Math.ceil(((x1 + 1) * frameW) / m.cols)), qy = Math.min(frameH, Math.ceil(((y1 + 1) * frameH) / m.rows));
  return { x: px, y: py, w: qx - px, h: qy - py };
}

/** `len` pixels centred on `centre`, moved inside 0..limit. */
function place(centre: number, len: number, limit: number): number {
  return Math.max(0, Math.min(limit - len, Math.round(centre - len / 2)));
}

/**
 * The region to score for a frame with these motion boxes, or null: score the whole frame
 * (at `full`). `crop` is the detector's input size for regions.
 */
export function motionRegion(frameW: number, frameH: number, m: MotionCells | null | undefined, crop: Size, full: Size, margin = REGION_MARGIN, enlarge = REGION_ENLARGE): Rect | null {
  const u = motionUnion(frameW, frameH, m);
  if (!u) return null;
  const aspect = crop.width / crop.height;
  let w = Math.max(u.w * (1 + 2 * margin), crop.width / enlarge);
  let h = Math.max(u.h * (1 + 2 * margin), crop.height / enlarge);
  if (w / h < aspect) w = h * aspect;
  else h = w / aspect;
  w = Math.min(frameW, Math.round(w));
  h = Math.min(frameH, Math.round(h));
  // sharper than the whole frame, or not worth it: region pixels per input pixel vs the frame's
  if (w / crop.width > frameW / full.width || h / crop.height > frameH / full.height) return null;
  return { x: place(u.x + u.w / 2, w, frameW), y: place(u.y + u.h / 2, h, frameH), w, h };
}

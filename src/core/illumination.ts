/**
 * Local illumination test for one component: a cloud's shadow, headlights sweeping a wall or a
 * sunbeam change brightness but keep the texture underneath, so inside each cell the frame is
 * close to gain·background + offset (the gain may differ from cell to cell: shadows have soft
 * edges). An object replaces the texture, which no gain and offset explain. Cells with too little
 * texture to tell are left out of the vote; when too few cells can vote, it is an object.
 * Integer least squares on deviations from the means, as in the global-change guard.
 */
import { State } from './state.js';

/** 1 = the cell changed like lighting, 0 = like an object, -1 = too flat to tell. */
function cellVote(s: State, frame: Uint8Array, c: number): number {
  const bg = s.bg8;
  const w = s.width;
  const first = s.cellFirst[c];
  const cw = s.cellW[c];
  const ch = s.cellH[c];
  const n = s.npix[c];
  let sf = 0;
  let sb = 0;
  for (let y = 0, row = first; y < ch; y++, row += w) {
    for (let i = row, e = row + cw; i < e; i++) { sf += frame[i]; sb += bg[i]; }
  }
  const mf = (sf / n) | 0;
  const mb = (sb / n) | 0;
  let cov = 0;
  let vb = 0;
  for (let y = 0, row = first; y < ch; y++, row += w) {
    for (let i = row, e = row + cw; i < e; i++) { const db = bg[i] - mb; cov += db * (frame[i] - mf); vb += db * db; }
  }
  // Texture below ~4 grey levels of deviation cannot witness anything.
  if (vb < 16 * n) return -1;
  const gain = (cov / ((vb >> 8) + 1)) | 0;
  if (gain < 64 || gain > 1024) return 0; // 0.25x..4x: beyond that it is not the same surface
  const t = s.thr[c];
  let left = 0;
  for (let y = 0, row = first; y < ch; y++, row += w) {
    for (let i = row, e = row + cw; i < e; i++) {
      let r = frame[i] - (mf + (((bg[i] - mb) * gain) >> 8));
      if (r < 0) r = -r;
      if (r > t) left++;
    }
  }
  return left * 8 <= n ? 1 : 0;
}

/**
 * True when the cells q[0..n) changed like lighting: at least half of them can vote, and two
 * thirds of the voters say lighting.
 */
export function isIllumination(s: State, frame: Uint8Array, q: Int32Array, n: number): boolean {
  let voters = 0;
  let light = 0;
  for (let k = 0; k < n; k++) {
    const v = cellVote(s, frame, q[k]);
    if (v < 0) continue;
    voters++;
    light += v;
  }
  return voters * 2 >= n && light * 3 >= voters * 2;
}

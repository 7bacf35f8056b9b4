/**
 * The global-change guard. When many cells differ at once, fit frame ≈ a·background + b over
 * one sample per cell, its centre pixel (integer least squares on deviations from the means, so
 * sums stay within 32 bits). If that gain+offset explains most cells, the whole scene changed (a
 * light switch, IR night mode, an exposure jump): the caller remaps and re-settles the background
 * instead of raising motion. A hand over the lens or a crowd does not fit one gain and offset, so
 * it stays motion.
 */
import { DetectorConfig } from './config.js';
import { State } from './state.js';

export function isGlobalChange(s: State, cfg: DetectorConfig, frame: Uint8Array): boolean {
  const at = s.sample;
  const bg = s.bg8;
  const n = s.cells;
  let sf = 0;
  let sb = 0;
  for (let c = 0; c < n; c++) {
    sf += frame[at[c]];
    sb += bg[at[c]];
  }
  const mf = (sf / n) | 0;
  const mb = (sb / n) | 0;
  let cov = 0;
  let vb = 0;
  for (let c = 0; c < n; c++) {
    const db = bg[at[c]] - mb;
    cov += db * (frame[at[c]] - mf);
    vb += db * db;
  }
  // Gain in Q8; a flat background (vb ~ 0) means offset only.
  const gain = vb > 256 ? ((cov / ((vb >> 8) + 1)) | 0) : 256;
  if (gain < 32 || gain > 2048) return false; // no lighting change inverts or multiplies by 8
  let explained = 0;
  for (let c = 0; c < n; c++) {
    const i = at[c];
    let r = frame[i] - (mf + (((bg[i] - mb) * gain) >> 8));
    if (r < 0) r = -r;
    // Tolerance: the cell's own threshold plus a margin for what one gain cannot model.
    if (r <= s.thr[c] + 8) explained++;
  }
  s.fitGain = gain;
  s.fitBg = mb;
  s.fitFrame = mf;
  return explained * 100 >= cfg.globalExplained * n;
}

/**
 * Carry the background through the lighting change with the fitted gain and offset, instead of
 * re-learning it from the frame: what differed from the background before (a parked car, a
 * person) still differs after, so static objects survive a light switch and nobody standing
 * there is absorbed.
 */
export function remapBackground(s: State): void {
  const gain = s.fitGain;
  const mb = s.fitBg;
  const mf = s.fitFrame;
  for (let i = 0; i < s.pixels; i++) {
    let v = mf + (((s.bg8[i] - mb) * gain) >> 8);
    if (v < 0) v = 0;
    if (v > 255) v = 255;
    s.bg8[i] = v;
    s.bgq[i] = v << 8;
  }
}

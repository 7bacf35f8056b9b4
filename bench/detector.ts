/**
 * Detector speed in Node: the whole detector step vs a bare frame-difference loop (abs diff +
 * threshold + count over the same frame), measured in the same run on the same frames, at 80x60
 * and 160x120. Prints ns/pixel for both and the ratio (goal: ratio <= 3), and us/frame
 * (OpenCV MOG2, C++, one thread, takes ~120 us per 80x60 grey frame here: aim for <= 60 us).
 */
import { createDetector, createOutput } from '../src/core/index.ts';
import { benchFrames } from './frames.ts';

function bareDiff(a: Uint8Array, b: Uint8Array, t: number): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) {
    let d = a[i] - b[i];
    if (d < 0) d = -d;
    if (d > t) count++;
  }
  return count;
}

export interface DetectorBench { width: number; height: number; detectorNsPerPixel: number; bareNsPerPixel: number; ratio: number; usPerFrame: number; stateBytes: number }

export async function benchDetector(width: number, height: number, rounds = 7): Promise<DetectorBench> {
  const frames = await benchFrames(width, height);
  const px = width * height;
  const det = createDetector({ width, height });
  const out = createOutput(width, height, det.cellSize, 32, false);
  // Warm both loops (JIT) on the whole clip once.
  for (const f of frames) det.step(f, out);
  let sink = 0;
  for (let i = 1; i < frames.length; i++) sink += bareDiff(frames[i], frames[i - 1], 15);
  const detTimes: number[] = [];
  const bareTimes: number[] = [];
  // Alternate the two measurements so machine load hits both alike; keep the median round.
  for (let r = 0; r < rounds; r++) {
    det.reset();
    let t0 = process.hrtime.bigint();
    for (const f of frames) det.step(f, out);
    detTimes.push(Number(process.hrtime.bigint() - t0) / frames.length);
    t0 = process.hrtime.bigint();
    for (let i = 0; i < frames.length; i++) sink += bareDiff(frames[i], frames[i === 0 ? frames.length - 1 : i - 1], 15);
    bareTimes.push(Number(process.hrtime.bigint() - t0) / frames.length);
  }
  if (sink < 0) console.log(sink);
  const median = (a: number[]) => a.slice().sort((x, y) => x - y)[a.length >> 1];
  const detNs = median(detTimes);
  const bareNs = median(bareTimes);
  return {
    width, height,
    detectorNsPerPixel: detNs / px,
    bareNsPerPixel: bareNs / px,
    ratio: detNs / bareNs,
    usPerFrame: detNs / 1000,
    stateBytes: det.stateBytes(),
  };
}

export async function main(): Promise<void> {
  console.log('detector speed (Node ' + process.version + '): whole step vs bare frame difference, same frames, same run');
  for (const [w, h] of [[80, 60], [160, 120]]) {
    const r = await benchDetector(w, h);
    console.log(`  ${w}x${h}: detector ${r.detectorNsPerPixel.toFixed(2)} ns/px (${r.usPerFrame.toFixed(1)} us/frame), bare diff ${r.bareNsPerPixel.toFixed(2)} ns/px, ratio ${r.ratio.toFixed(2)} (goal <= 3), state ${r.stateBytes} B`);
  }
}

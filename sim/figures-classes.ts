/**
 * Issue 18's per-class figures on the generated scenes, with the EVAL protocol (80-wide grid):
 *   - queue:     cell F, and the cell recall over frames in which people stand waiting (from 1 s
 *                after they stop until they walk on);
 *   - boot:      cell F over the first second, and the first frame whose own cell F is >= 0.5;
 *   - sky-crown: sky IoU (mean) where there is sky behind moving crowns; tree, 0 events;
 *   - facade/fog: sky cells at the end (no sky: must be 0) and events;
 *   - bag:       static IoU at the last frame and mean.
 * Every figure carries its goal; `printFigures` (figures.ts) prints them.
 */
import { openSource } from './sources/open.js';
import { evaluateSource, type EvalFrame } from './eval/evaluate.js';
import { defaultMethods } from './eval/methods.js';
import { SequenceScorer } from './eval/score.js';
import { runSource } from './runner.js';
import type { SceneSource } from './sources/scene.js';
import type { Figure } from './figures.js';

const WIDTH = 80;
const f3 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(3));

interface ClassRun {
  f: number;
  baseline: number;
  /** Cell recall over frames selected by `pick`. */
  pickedRecall: number;
  pickedF: number;
  firstUseful: number;
  staticLast: number;
  staticMean: number | null;
  skyMean: number | null;
  skyCellsEnd: number;
}

/** Evaluates a scene; `pick(t)` selects the frames (by time, s) of the restricted figures. */
export async function runClass(name: string, pick: (t: number, scene: SceneSource) => boolean = () => false): Promise<ClassRun> {
  const src = (await openSource('scene:' + name, {})) as SceneSource;
  let picked: SequenceScorer | undefined;
  let firstUseful = -1;
  let skyCellsEnd = 0;
  const onFrame = (e: EvalFrame) => {
    const m = e.methods[0];
    picked ??= new SequenceScorer({ nativeW: src.width, nativeH: src.height, Wg: WIDTH });
    picked.add(e.frame.truth, pick(e.frame.timeMs / 1000, src), m.out.foreground);
    if (firstUseful < 0) {
      const one = new SequenceScorer({ nativeW: src.width, nativeH: src.height, Wg: WIDTH });
      one.add(e.frame.truth, true, m.out.foreground);
      if ((one.result().cell?.f ?? 0) >= 0.5) firstUseful = e.step;
    }
    skyCellsEnd = 0;
    for (let c = 0; c < m.out.sky.length; c++) skyCellsEnd += m.out.sky[c];
  };
  const r = await evaluateSource(src, { width: WIDTH, methods: defaultMethods(), onFrame });
  const q = r.methods[0].score;
  const p = picked!.result().cell;
  return {
    f: q.cell?.f ?? 0,
    baseline: r.methods[1].score.cell?.f ?? 0,
    pickedRecall: p?.recall ?? 0,
    pickedF: p?.f ?? 0,
    firstUseful,
    staticLast: q.static?.last ?? 0,
    staticMean: q.static?.mean ?? null,
    skyMean: q.sky?.mean ?? null,
    skyCellsEnd,
  };
}

/** Times (s) in which someone stands waiting, from 1 s after they stop. */
function waiting(t: number, src: SceneSource): boolean {
  return src.scene.timeline.some((e) => e.what === 'wait' && e.until !== undefined && t >= e.t + 1 && t < e.until);
}

async function events(name: string): Promise<number> {
  return (await runSource(await openSource('scene:' + name, {}), {})).events.length;
}

export async function classFigures(): Promise<Figure[]> {
  const out: Figure[] = [];
  const q = await runClass('queue', waiting);
  out.push({ name: 'queue cell F', value: `${f3(q.f)} (frame-diff ${f3(q.baseline)})`, goal: '>= 0.80', pass: q.f >= 0.8 });
  out.push({ name: 'queue cell recall while people wait', value: f3(q.pickedRecall), goal: '>= 0.7', pass: q.pickedRecall >= 0.7 });
  const b = await runClass('boot', (t) => t < 1);
  out.push({ name: 'boot cell F in the first second', value: `${f3(b.pickedF)} (whole clip ${f3(b.f)}, frame-diff ${f3(b.baseline)})`, goal: '>= 0.5', pass: b.pickedF >= 0.5 });
  out.push({ name: 'boot first frame with cell F >= 0.5', value: b.firstUseful < 0 ? 'never' : String(b.firstUseful), goal: '<= 10', pass: b.firstUseful >= 0 && b.firstUseful <= 10 });
  const s = await runClass('sky-crown');
  out.push({ name: 'sky-crown sky IoU (mean)', value: f3(s.skyMean), goal: '>= 0.7', pass: (s.skyMean ?? 0) >= 0.7 });
  const t = await runClass('tree');
  out.push({ name: 'tree (plain sky) sky IoU (mean)', value: f3(t.skyMean), goal: '>= 0.7', pass: (t.skyMean ?? 0) >= 0.7 });
  for (const name of ['facade', 'fog']) {
    const r = await runClass(name);
    out.push({ name: `${name}: sky cells at the end (no sky)`, value: String(r.skyCellsEnd), goal: '0', pass: r.skyCellsEnd === 0 });
  }
  const g = await runClass('bag');
  out.push({ name: 'bag static IoU last / mean', value: `${f3(g.staticLast)} / ${f3(g.staticMean)}`, goal: '>= 0.5', pass: g.staticLast >= 0.5 });
  for (const name of ['sky-crown', 'facade', 'fog']) {
    const n = await events(name);
    out.push({ name: `scene:${name} events (no motion truth)`, value: String(n), goal: '0', pass: n === 0 });
  }
  return out;
}

/**
 * `quietcam scenes [--json] [--width N --height N --fps N --seed N]`: the catalog of generated
 * scenes, each with its duration and timeline (when objects enter, stop and leave, global switches)
 * at the given size, so a test or a sim run can be aimed at the right moment.
 */
import { compileScene, listScenes, sceneSpec, type SceneOptions } from '../sim/scenes/index.js';

const USAGE = 'Usage: quietcam scenes [--json] [--width 320] [--height 240] [--fps 10] [--seed 1]';

function parse(args: string[]): { json: boolean; opts: SceneOptions } {
  const opts: SceneOptions = {};
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    const key = a.replace(/^--/, '');
    if (!a.startsWith('--') || !['width', 'height', 'fps', 'seed'].includes(key)) throw new Error(`unknown argument '${a}'\n${USAGE}`);
    const v = Number(args[++i]);
    if (!Number.isFinite(v)) throw new Error(`${a} needs a number\n${USAGE}`);
    opts[key as 'width' | 'height' | 'fps' | 'seed'] = v;
  }
  return { json, opts };
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parse(args);
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const { json, opts } = parsed;
  const rows = listScenes().map((info) => {
    const scene = compileScene(sceneSpec(info.name), opts);
    return { ...info, width: scene.width, height: scene.height, fps: scene.fps, frames: scene.frameCount, timeline: scene.timeline, expect: scene.expect };
  });
  if (json) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  const first = rows[0];
  console.log(`Generated scenes (${first.width}x${first.height} at ${first.fps} fps; use as scene:NAME or scene:NAME:SEED)\n`);
  for (const r of rows) {
    const flags = [r.hasSky ? 'sky' : '', r.hasMotion ? 'motion' : 'no motion', r.hasStatic ? 'static' : ''].filter(Boolean).join(', ');
    console.log(`${r.name.padEnd(13)} ${String(r.seconds).padStart(4)} s  ${String(r.frames).padStart(5)} frames  [${flags}]`);
    console.log(`${''.padEnd(14)}${r.description}`);
    for (const e of r.timeline) console.log(`${''.padEnd(16)}${e.t.toFixed(1).padStart(6)} s  ${e.id ?? e.kind} ${e.what}${e.note ? `  (${e.note})` : ''}`);
  }
  return 0;
}

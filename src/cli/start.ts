/**
 * `quietcam start` (npm start): the main job on the embedded defaults. Today that is the
 * simulator playing a generated scene (or the source given) through the detector, with a
 * progress bar, an event summary and an HTML report. When the relay stack (src/relay/stack.ts:
 * in-process broker, local S3, relay) is present it is brought up too and the simulated camera
 * publishes to it.
 */
import { existsSync } from 'node:fs';

export async function run(args: string[]): Promise<number> {
  const source = args.find((a) => !a.startsWith('--')) ?? 'scene:busy';
  const stackPath = new URL('../relay/stack.ts', import.meta.url);
  if (existsSync(stackPath)) {
    const stack = await import(stackPath.href);
    if (typeof stack.startDemo === 'function') return stack.startDemo({ source, args });
  }
  console.log(`quietcam start: simulating one camera on ${source} (the relay stack is not part of this build yet)`);
  const sim = await import('../../sim/cli-sim.ts');
  return sim.run([source, ...args.filter((a) => a !== source)]);
}

// Which code `quietcam` runs: the prebuilt runtime in dist/runtime (scripts/build-runtime.ts) while it
// is newer than every source it was built from, else the TypeScript sources through tsx.
// QUIETCAM_RUNTIME=src forces the sources, =dist the build (an error when there is none).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** True while `dir` holds a build newer than every source listed in its inputs.json. */
export function runtimeFresh(dir = `${ROOT}dist/runtime`) {
  try {
    const m = JSON.parse(readFileSync(`${dir}/inputs.json`, 'utf8'));
    return m.inputs.length > 0 && m.inputs.every((f) => statSync(ROOT + f).mtimeMs <= m.builtMs);
  } catch {
    return false;
  }
}

/** The module exporting `main(argv)`: the build's entry (in `dist`), or cli/main.ts with tsx registered. */
export async function loadCli(env = process.env, dist = `${ROOT}dist/runtime`) {
  if (env.QUIETCAM_RUNTIME === 'dist' || (env.QUIETCAM_RUNTIME !== 'src' && runtimeFresh(dist))) return import(`${dist}/main.js`);
  const { register } = await import('tsx/esm/api');
  register();
  return import('../cli/main.ts');
}

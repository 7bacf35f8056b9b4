/**
 * `npm run build`: the CLI as prebuilt JavaScript in dist/runtime/, so `quietcam` (bin/quietcam.js)
 * runs without a TypeScript loader: no tsx hooks and no esbuild service process beside every
 * Node process (~25 MB RSS together, measured by `npm run bench -- relay`). prestart and preweb
 * run it; it does nothing while the build is newer than every source it was made from.
 *
 * What it makes: esbuild bundles cli/main.ts with code splitting (each command stays its own chunk,
 * loaded when used), npm packages left to node_modules. `import.meta.url` keeps naming the source
 * file (paths like `new URL('../..', import.meta.url)` resolve as they do from the sources), and
 * dist/runtime/inputs.json lists every source with the build time: bin/quietcam.js uses the build
 * only while none of them is newer (otherwise it runs the sources through tsx, as before).
 *
 * Usage: node --import tsx scripts/build-runtime.ts [--force] [--out DIR]
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { runtimeFresh } from '../bin/runtime.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RUNTIME_DIR = join(ROOT, 'dist/runtime');
/** The manifest bin/quietcam.js reads: { builtMs, inputs: [paths relative to the project] }. */
export const MANIFEST = 'inputs.json';

/**
 * Worker threads the runtime starts from a file beside its own code: built as entries of their own
 * (dist/runtime/<name>.js), and the modules that start them keep the build's `import.meta.url`, so
 * they find the built worker. Their starter registers tsx in the thread (for the sources); in the
 * build that registration is pointed at dist/runtime/no-loader.js, which registers nothing: the
 * thread then costs what the detector in the relay's own thread costs (186 against 185 MB RSS after
 * three detections, bench/relay.ts' note), not 44 MB more.
 */
const WORKERS: Record<string, { entry: string; startedBy: string }> = {
  'person-worker': { entry: 'src/adapters/person-worker.ts', startedBy: 'src/adapters/person-pool.ts' },
};

const NO_LOADER = 'no-loader.js';

/** `import.meta.url` in a project source becomes that source's own file URL (except in WORKERS' starters). */
const sourceUrls: Plugin = {
  name: 'source-urls',
  setup(b) {
    const keep = new Set(Object.values(WORKERS).map((w) => join(ROOT, w.startedBy)));
    b.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const text = keep.has(args.path)
        ? source.replace(/import\.meta\.resolve\(\s*['"]tsx\/esm\/api['"]\s*\)/g, `new URL('./${NO_LOADER}', import.meta.url).href`)
        : source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents: text, loader: 'ts', resolveDir: dirname(args.path) };
    });
  },
};

/**
 * Bundle `entryPoints` (name -> source) into `out` as the runtime is built (built beside it, then
 * moved in place: a running quietcam never sees half a build). Returns the number of source files.
 * bench/relay.ts builds its stack process this way too, to measure what `npm start` runs.
 */
export async function bundleRuntime(entryPoints: Record<string, string>, out: string): Promise<number> {
  const builtMs = Date.now();
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    const r = await build({
      entryPoints: { ...entryPoints, ...Object.fromEntries(Object.entries(WORKERS).map(([name, w]) => [name, join(ROOT, w.entry)])) },
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'linked',
      metafile: true,
      logLevel: 'error',
      plugins: [sourceUrls],
    });
    const inputs = Object.keys(r.metafile.inputs).map((f) => relative(ROOT, resolve(ROOT, f))).filter((f) => !f.startsWith('node_modules/'));
    writeFileSync(join(tmp, NO_LOADER), '// The prebuilt runtime needs no TypeScript loader in its worker threads (scripts/build-runtime.ts).\nexport function register() {}\n');
    writeFileSync(join(tmp, MANIFEST), JSON.stringify({ builtMs, inputs }, null, 1));
    mkdirSync(dirname(out), { recursive: true });
    rmSync(out, { recursive: true, force: true });
    renameSync(tmp, out);
    return inputs.length;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The CLI (cli/main.ts) as dist/runtime/main.js, what bin/quietcam.js runs when it is fresh. */
export function buildRuntime(out = RUNTIME_DIR): Promise<number> {
  return bundleRuntime({ main: join(ROOT, 'cli/main.ts') }, out);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { force: { type: 'boolean' }, out: { type: 'string' } } });
  const out = values.out ? resolve(values.out) : RUNTIME_DIR;
  if (!values.force && existsSync(out) && runtimeFresh(out)) return 0;
  const t0 = Date.now();
  const n = await buildRuntime(out);
  console.error(`quietcam: built the runtime (${n} sources) into ${relative(process.cwd(), out) || '.'} in ${Date.now() - t0} ms`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));

/**
 * The layer rules of the layout (README "Layout", DESIGN.md), checked over the import graph of
 * every source file, so a future violation fails the suite instead of waiting for a review:
 * - src/ never imports cli/, sim/, firmware/, bench/ or test/ (the CLI is the one place that wires
 *   them together); src/core imports only src/core; src/protocol only src/core and itself.
 * - firmware/ never imports sim/, cli/, bench/ or test/ (the simulator's glue lives in sim/).
 * - sim/ never imports cli/, bench/ or test/; boards/ imports nothing of ours.
 * Imports are read from the text (static `import`/`export ... from`, `import('...')`, and
 * `import type`), relative specifiers only: packages and node: built-ins are not layers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['src', 'cli', 'sim', 'firmware', 'boards', 'bench', 'bin'];

/** Folders (repo-relative, '/'-separated prefixes) a file under `from` must not import. */
const RULES: { from: string; forbidden: string[]; only?: string[] }[] = [
  { from: 'src/core/', forbidden: [], only: ['src/core/'] },
  { from: 'src/protocol/', forbidden: [], only: ['src/core/', 'src/protocol/'] },
  { from: 'src/', forbidden: ['cli/', 'sim/', 'firmware/', 'bench/', 'test/'] },
  { from: 'firmware/', forbidden: ['sim/', 'cli/', 'bench/', 'test/'] },
  { from: 'sim/', forbidden: ['cli/', 'bench/', 'test/'] },
  { from: 'boards/', forbidden: [], only: ['boards/'] },
];

function sourceFiles(dir: string, acc: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, acc);
    else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) acc.push(p);
  }
  return acc;
}

/** Relative specifiers a module imports or re-exports, static or dynamic. */
export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;
  for (const m of text.matchAll(re)) out.push(m[2]);
  return out;
}

/** Repo-relative '/'-path of what `spec` in `file` points at. */
function target(file: string, spec: string): string {
  return relative(ROOT, resolve(dirname(file), spec)).split(sep).join('/');
}

/** Every broken rule as "file imports spec (target)". */
export function violations(files: { path: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    const rel = relative(ROOT, f.path).split(sep).join('/');
    const rules = RULES.filter((r) => rel.startsWith(r.from));
    for (const spec of importSpecifiers(f.text)) {
      const to = target(f.path, spec);
      for (const r of rules) {
        const bad = r.forbidden.some((p) => to.startsWith(p)) || (r.only !== undefined && !r.only.some((p) => to.startsWith(p)));
        if (bad) found.push(`${rel} imports '${spec}' (${to}): ${r.from} ${r.only ? 'may import only ' + r.only.join(', ') : 'must not import ' + r.forbidden.join(', ')}`);
      }
    }
  }
  return found;
}

test('the import graph keeps the layer rules (src, firmware, sim, boards)', () => {
  const files = SOURCE_DIRS.flatMap((d) => sourceFiles(join(ROOT, d))).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
  assert.ok(files.length > 100, `found only ${files.length} source files: is ROOT right?`);
  assert.equal(violations(files), []);
});

test('the check sees static, type-only, re-exported and dynamic imports', () => {
  const text = [
    "import { a } from '../../sim/grid.ts';",
    "import type { B } from '../cli/main.ts';",
    "export { c } from '../../sim/runner.ts';",
    "const d = await import('../../sim/firmware.ts');",
    "import '../../sim/side-effect.ts';",
    "import { ok } from './wire.ts';",
    "import jpeg from 'jpeg-js';",
  ].join('\n');
  assert.equal(importSpecifiers(text), ['../../sim/grid.ts', '../cli/main.ts', '../../sim/runner.ts', '../../sim/firmware.ts', '../../sim/side-effect.ts', './wire.ts']);
});

test('a violation is reported with the file, the specifier and the rule', () => {
  const got = violations([
    { path: join(ROOT, 'firmware/node/x.ts'), text: "import { g } from '../../sim/grid.ts';" },
    { path: join(ROOT, 'src/core/x.ts'), text: "import { b } from '../protocol/bundle.ts';" },
    { path: join(ROOT, 'src/relay/x.ts'), text: "const m = await import('../../cli/main.ts');" },
    { path: join(ROOT, 'sim/x.ts'), text: "import { f } from '../firmware/node/run.ts'; import { e } from '../cli/eval.ts';" },
  ]);
  assert.equal(got, [
    "firmware/node/x.ts imports '../../sim/grid.ts' (sim/grid.ts): firmware/ must not import sim/, cli/, bench/, test/",
    "src/core/x.ts imports '../protocol/bundle.ts' (src/protocol/bundle.ts): src/core/ may import only src/core/",
    "src/relay/x.ts imports '../../cli/main.ts' (cli/main.ts): src/ must not import cli/, sim/, firmware/, bench/, test/",
    "sim/x.ts imports '../cli/eval.ts' (cli/eval.ts): sim/ must not import cli/, bench/, test/",
  ]);
});

test.run();

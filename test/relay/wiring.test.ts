/**
 * The relay takes ports only: no stage imports an adapter (main.ts and stack.ts are the wiring),
 * adapters import no stage (only the port types and the config's type), and the owner pages
 * import shared adapters from src/adapters, never relay internals for them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\1/g)].map((m) => m[2]);
}

const ts = (dir: string) => readdirSync(join(ROOT, dir)).filter((n) => n.endsWith('.ts')).map((n) => `${dir}/${n}`);

test('relay stages import no adapter; only main.ts and stack.ts wire them', () => {
  for (const f of ts('src/relay')) {
    if (f.endsWith('/main.ts') || f.endsWith('/stack.ts')) continue;
    for (const spec of imports(f)) assert.not.match(spec, /adapters\//, `${f} imports ${spec}`);
  }
});

test('adapters import no stage: only the relay port types, the config type and the status view', () => {
  // plus the review console's and the alerts' port types (src/operator/bucket.ts, src/review/ports.ts,
  // src/alerts/alert.ts, ports.ts and types.ts), which their adapters implement
  const allowed = ['../relay/types.js', '../relay/config.js', '../relay/status.js', '../log.js', '../protocol/index.js', '../operator/bucket.js', '../review/ports.js',
    '../alerts/alert.js', '../alerts/ports.js', '../alerts/types.js'];
  for (const f of ts('src/adapters')) {
    for (const spec of imports(f)) {
      if (spec.startsWith('./')) continue;
      assert.ok(allowed.includes(spec), `${f} imports ${spec}`);
    }
  }
});

test('the owner pages take shared adapters and the logger from src/adapters and src/log.ts', () => {
  for (const dir of ['src/web', 'src/web/adapters']) {
    for (const f of ts(dir)) {
      for (const spec of imports(f)) assert.not.match(spec, /relay\/(adapters|metrics)/, `${f} imports ${spec}`);
    }
  }
});

test.run();

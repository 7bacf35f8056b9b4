// test-timeout: 90 s
/**
 * The ESP-IDF project's JerryScript side, as far as it can be checked without ESP-IDF: every folder
 * the CMake files name exists in JerryScript v3.0.0's layout (below, from `git ls-tree -d -r v3.0.0
 * jerry-core`), the heap is put in PSRAM, the bundle is embedded 4-byte aligned (assembled here), and
 * the binding throws when a frame buffer has no data (compiled here with a fake jerryscript.h).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Every folder of jerry-core in the v3.0.0 tag (and the public header that must exist). */
const JERRY_V300_DIRS = [
  'jerry-core', 'jerry-core/api', 'jerry-core/debugger', 'jerry-core/ecma', 'jerry-core/ecma/base',
  'jerry-core/ecma/builtin-objects', 'jerry-core/ecma/builtin-objects/typedarray', 'jerry-core/ecma/operations',
  'jerry-core/include', 'jerry-core/jcontext', 'jerry-core/jmem', 'jerry-core/jrt', 'jerry-core/lit',
  'jerry-core/parser', 'jerry-core/parser/js', 'jerry-core/parser/regexp', 'jerry-core/profiles', 'jerry-core/vm',
];
const JERRY_V300_FILES = ['jerry-core/include/jerryscript.h', 'jerry-core/include/jerryscript-port.h'];
const COMPONENT = 'firmware/esp32/components/jerryscript';
const MAIN = 'firmware/esp32/main';
const tmps: string[] = [];
const tmp = () => { const d = mkdtempSync(join(tmpdir(), 'qc-jerry-')); tmps.push(d); return d; };

test.after(() => { for (const d of tmps) rmSync(d, { recursive: true, force: true }); });

test('the JerryScript component names only folders and files of the v3.0.0 layout', () => {
  const cmake = readFileSync(`${COMPONENT}/CMakeLists.txt`, 'utf8');
  const paths = [...cmake.matchAll(/\$\{JERRY_DIR\}\/([\w./-]+)/g)].map((m) => m[1].replace(/\/$/, ''));
  assert.ok(paths.length >= 15, `found ${paths.length} paths`);
  for (const p of paths) assert.ok(JERRY_V300_DIRS.includes(p) || JERRY_V300_FILES.includes(p), `${p} is not in JerryScript v3.0.0`);
  assert.not.match(cmake, /extensions/);
  // the component's own files
  for (const m of cmake.matchAll(/\$\{CMAKE_CURRENT_LIST_DIR\}\/([\w./-]+)/g)) {
    if (m[1] !== 'jerryscript') assert.ok(existsSync(`${COMPONENT}/${m[1]}`), `${m[1]} missing`);
  }
  for (const src of cmake.match(/SRCS ([^\n]*)/)![1].split(/\s+/).filter((s) => !s.startsWith('$'))) {
    assert.ok(existsSync(`${COMPONENT}/${src}`), `${src} missing`);
  }
});

test('the JerryScript heap is placed in PSRAM, and that is required by the build and checked at start-up', () => {
  const cmake = readFileSync(`${COMPONENT}/CMakeLists.txt`, 'utf8');
  assert.match(cmake, /-include \$\{CMAKE_CURRENT_LIST_DIR\}\/jerry_esp_config\.h/);
  const cfg = readFileSync(`${COMPONENT}/jerry_esp_config.h`, 'utf8');
  assert.match(cfg, /#define JERRY_ATTR_GLOBAL_HEAP EXT_RAM_BSS_ATTR/);
  assert.match(cfg, /#if !CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY\n#error/);
  assert.match(readFileSync('firmware/esp32/sdkconfig.defaults', 'utf8'), /^CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY=y$/m);
  assert.match(readFileSync(`${MAIN}/engine_jerry.c`, 'utf8'), /if \(!esp_ptr_external_ram\(jerry_global_heap\)\)/);
  assert.match(cmake, /JERRY_SNAPSHOT_EXEC=0/);
});

test('main/CMakeLists.txt names existing files; the bundle is embedded by bundle.S.in, 4-byte aligned', () => {
  const cmake = readFileSync(`${MAIN}/CMakeLists.txt`, 'utf8');
  assert.not.match(cmake, /^\s*EMBED_FILES/m);
  for (const f of ['main.c', 'port_esp32.c', 'engine_jerry.c', 'provisioning.c', 'bundle.S.in']) assert.ok(existsSync(`${MAIN}/${f}`), f);
  for (const m of cmake.matchAll(/\$\{QC_PORTS\}\/(\w+\.c)/g)) assert.ok(existsSync(`firmware/native/${m[1]}`), m[1]);
  // configure bundle.S.in as CMake would (@QC_BUNDLE@) with a bundle of odd size, after 3 odd bytes
  const dir = tmp();
  writeFileSync(join(dir, 'b.js'), 'var quietcam={ };');
  writeFileSync(join(dir, 'bundle.S'), readFileSync(`${MAIN}/bundle.S.in`, 'utf8').replace(/@QC_BUNDLE@/g, join(dir, 'b.js')));
  writeFileSync(join(dir, 'before.S'), '\t.section .rodata.qc_bundle, "a"\n\t.byte 1, 2, 3\n');
  writeFileSync(join(dir, 'main.c'), '#include <stdio.h>\n#include <stdint.h>\nextern const unsigned char qc_bundle_start[], qc_bundle_end[];\n'
    + 'int main(void) { printf("%u %d %.*s", (unsigned)((uintptr_t)qc_bundle_start & 3), (int)(qc_bundle_end - qc_bundle_start), (int)(qc_bundle_end - qc_bundle_start), (const char *)qc_bundle_start); return 0; }\n');
  const exe = join(dir, 'a.out');
  const cc = spawnSync('gcc', ['-o', exe, join(dir, 'before.S'), join(dir, 'bundle.S'), join(dir, 'main.c')], { encoding: 'utf8' });
  assert.is(cc.status, 0, cc.stderr);
  assert.is(spawnSync(exe, { encoding: 'utf8' }).stdout, '0 17 var quietcam={ };');
  const xt = spawnSync('xtensa-lx106-elf-gcc', ['-c', '-o', join(dir, 'x.o'), join(dir, 'bundle.S')], { encoding: 'utf8' });
  if (xt.error) console.log('  (xtensa-lx106-elf-gcc not installed: bundle.S assembled for x86-64 only)');
  else assert.is(xt.status, 0, xt.stderr);
});

test('camera.read/readView throw when the ArrayBuffer has no data; misaligned or snapshot bundles are refused', () => {
  const dir = tmp();
  const exe = join(dir, 'bc');
  const stub = resolve('test/firmware/fixtures/jerry-stub');
  const cc = spawnSync('gcc', ['-Wall', '-Wextra', '-Werror', '-no-pie', `-I${stub}`, '-Ifirmware/native', `-I${MAIN}`, join(stub, 'binding-check.c'),
    '-Wl,--unresolved-symbols=ignore-all', '-o', exe], { encoding: 'utf8' });
  assert.is(cc.status, 0, cc.stderr);
  const out = spawnSync(exe, { encoding: 'utf8' });
  assert.is(out.status, 0, out.stderr);
  const nodata = 'throws RangeError camera: the frame buffer has no data (JerryScript heap too small for its ArrayBuffer)';
  assert.is(out.stdout, [
    'read(data): returns 16', `read(no data): ${nodata}`, 'read(number): throws TypeError camera.read(Uint8Array)',
    'read(): throws TypeError camera.read(Uint8Array)', 'readView(data): returns 3', `readView(no data): ${nodata}`,
    'start(misaligned): -1 not 4-byte aligned', 'start(snapshot): -1 bundle is a JerryScript snapshot: this build runs ES5 source only', '',
  ].join('\n'));
});

test.run();

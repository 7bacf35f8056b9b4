/**
 * The ES5 gate: proves that board code (src/core, src/protocol, the firmware app) stays inside
 * the subset that Espruino, JerryScript and Duktape all run (see ../../shared/DESIGN.md,
 * "The embedded engine"). Enforced by a tool, not by review:
 *
 * 1. tsc (5.9) type-checks the entries against lib.es5.d.ts only, with no @types: any ES2015+
 *    library API (Map, Promise, Math.imul, Array.from, String#includes...) is a type error.
 * 2. With types known, every property used on a typed array must be one Duktape has:
 *    length, byteLength, byteOffset, buffer, BYTES_PER_ELEMENT, set, subarray (no fill/slice/...).
 * 3. tsc emits ES5 (target ES5, module ES2015) to a temp dir; esbuild bundles that into one IIFE
 *    (esbuild cannot lower to ES5 itself, only bundle what is already ES5).
 * 4. acorn parses the bundle with ecmaVersion 5 (any ES2015 syntax fails), and a walk rejects
 *    banned globals (Map, Set, Symbol, Promise, DataView, TextEncoder...), banned members
 *    (Math.imul/trunc/clz32, Number.isNaN, Object.freeze/assign, .fill, .includes...), labels,
 *    tsc's iteration/async helpers (spread, for-of over iterables, generators, async) and calls
 *    to a function declared further down its scope (Espruino does not hoist).
 *
 * Running the bundle in the Duktape runtime and comparing outputs with Node is the firmware's
 * job; this gate is the static half and runs in about a second. `npm run build:firmware`
 * (firmware/build.ts) runs stages 2 and 4 on every build and writes nothing the gate refuses;
 * `checkEs5Bundle` runs all four on any entry (the tests use it on src/core and src/protocol).
 * @example
 * const r = checkEs5Bundle(['src/protocol/index.ts']);
 * if (!r.ok) console.error(r.errors.join('\n'));
 */
import { buildSync } from 'esbuild';
import { parse } from 'acorn';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ES5_TS_OPTIONS } from './es5-options.ts';

export interface Es5GateResult {
  /** True when no check found anything. */
  ok: boolean;
  /** One line per finding, with file:line (TS stages) or bundle line:column (acorn stage). */
  errors: string[];
  /** Size of the ES5 bundle in bytes (0 when it could not be built). */
  bytes: number;
  /** The ES5 bundle itself ('' when it could not be built). */
  code: string;
}

export interface Es5GateOptions {
  /** Banned globals or member names to allow anyway (e.g. 'console' for a debug build). */
  allow?: string[];
}

/** Typed-array constructors (the allowed integer ones and the others, for the member check). */
const TYPED_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array'];
/** What Duktape 2.7 / JerryScript / Espruino all implement on typed arrays. */
const TYPED_ARRAY_MEMBERS = ['length', 'byteLength', 'byteOffset', 'buffer', 'BYTES_PER_ELEMENT', 'set', 'subarray'];

/** Globals that do not exist (or must not be used) on the board engines. */
const BANNED_GLOBALS = [
  'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'Symbol', 'Promise', 'Proxy', 'Reflect', 'DataView',
  'TextEncoder', 'TextDecoder', 'Buffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'globalThis',
  'Float32Array', 'Float64Array', 'Uint8ClampedArray', 'SharedArrayBuffer', 'Atomics', 'queueMicrotask',
  'setImmediate', 'require', 'process', 'console',
];
/** Static members that are ES2015+ (object.member). */
const BANNED_STATIC: Record<string, string[]> = {
  Math: ['imul', 'trunc', 'clz32', 'fround', 'sign', 'log2', 'log10', 'log1p', 'expm1', 'hypot', 'cbrt', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh'],
  Number: ['isNaN', 'isFinite', 'isInteger', 'isSafeInteger', 'parseInt', 'parseFloat', 'EPSILON', 'MAX_SAFE_INTEGER', 'MIN_SAFE_INTEGER'],
  Object: ['freeze', 'assign', 'entries', 'values', 'fromEntries', 'getOwnPropertySymbols', 'is'],
  Array: ['from', 'of', 'prototype'],
  String: ['fromCodePoint', 'raw'],
};
/**
 * Member names banned on whatever object. Only names nobody uses for their own methods: stage 1
 * (the ES5 lib) already catches the rest precisely (Array#find, String#repeat...).
 */
const BANNED_MEMBERS = [
  'imul', 'trunc', 'clz32', 'fill', 'freeze', 'includes', 'startsWith', 'endsWith', 'padStart', 'padEnd',
  'codePointAt', 'copyWithin', 'findIndex',
];
/** tsc helpers that need Symbol.iterator, generators or Promise (spread, for-of, async...). */
const BANNED_HELPERS = ['__spreadArray', '__spread', '__read', '__values', '__generator', '__awaiter', '__await', '__asyncValues', '__asyncGenerator', '__asyncDelegator', '__classPrivateFieldGet', '__classPrivateFieldSet'];

// The firmware build's ES5 lowering; the gate still emits on type errors so it can report them all.
const TS_OPTIONS: ts.CompilerOptions = { ...ES5_TS_OPTIONS, noEmitOnError: false };

function isTypedArray(t: ts.Type): boolean {
  if (t.isUnionOrIntersection()) return t.types.some(isTypedArray);
  const s = t.getSymbol() || t.aliasSymbol;
  return !!s && TYPED_ARRAYS.indexOf(s.getName()) >= 0;
}

function where(node: ts.Node): string {
  const sf = node.getSourceFile();
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart());
  return relative(process.cwd(), sf.fileName) + ':' + (line + 1) + ':' + (character + 1);
}

/** Stage 2: every property used on a typed array that the board engines lack, as findings. */
export function typedArrayFindings(program: ts.Program): string[] {
  const errors: string[] = [];
  const checker = program.getTypeChecker();
  for (const sf of program.getSourceFiles()) {
    if (sf.isDeclarationFile || sf.fileName.includes('/node_modules/')) continue;
    const visit = (node: ts.Node): void => {
      if (ts.isPropertyAccessExpression(node) && TYPED_ARRAY_MEMBERS.indexOf(node.name.text) < 0 &&
        isTypedArray(checker.getTypeAtLocation(node.expression))) {
        errors.push('typed-array: ' + where(node) + ' .' + node.name.text + ' (the board engines have only ' + TYPED_ARRAY_MEMBERS.join(', ') + ')');
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return errors;
}

/** Stages 1-3: type errors under ES5 lib, typed-array members, then emit to `outDir`. */
function compile(entries: string[], outDir: string, errors: string[]): string[] {
  const program = ts.createProgram(entries, { ...TS_OPTIONS, outDir });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file && d.start !== undefined) {
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      errors.push('es5-lib: ' + relative(process.cwd(), d.file.fileName) + ':' + (line + 1) + ':' + (character + 1) + ' ' + msg);
    } else {
      errors.push('es5-lib: ' + msg);
    }
  }
  errors.push(...typedArrayFindings(program));
  const outputs: string[] = [];
  const wanted = entries.map((e) => resolve(e));
  program.emit(undefined, (fileName, text, _bom, _onError, sources) => {
    ts.sys.writeFile(fileName, text);
    if (sources && sources.length === 1 && wanted.indexOf(resolve(sources[0].fileName)) >= 0 && fileName.endsWith('.js')) {
      outputs[wanted.indexOf(resolve(sources[0].fileName))] = fileName;
    }
  });
  return outputs;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type AstNode = any;

function children(node: AstNode): AstNode[] {
  const out: AstNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc') continue;
    const v = node[key];
    if (Array.isArray(v)) for (const x of v) { if (x && typeof x.type === 'string') out.push(x); }
    else if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

function isFunction(n: AstNode): boolean {
  return n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression';
}

/** Names a function scope binds (params, vars, function declarations), not descending into nested functions. */
function scopeNames(fn: AstNode): Map<string, AstNode | null> {
  const names = new Map<string, AstNode | null>();
  for (const p of fn.params || []) if (p.type === 'Identifier') names.set(p.name, null);
  const walk = (n: AstNode): void => {
    if (n.type === 'FunctionDeclaration') { names.set(n.id.name, n); return; }
    if (n.type === 'FunctionExpression') return;
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && !names.has(n.id.name)) names.set(n.id.name, null);
    for (const c of children(n)) walk(c);
  };
  for (const s of fn.type === 'Program' ? fn.body : fn.body.body) walk(s);
  return names;
}

/**
 * Stage 4: acorn parses an (unminified) esbuild bundle as ECMAScript 5 and the walk rejects banned
 * globals, members, helpers, labels and calls before definition. Returns the findings.
 */
export function lintEs5Bundle(code: string, allow: string[] = []): string[] {
  const errors: string[] = [];
  lint(code, allow, errors);
  return errors;
}

function lint(code: string, allow: string[], errors: string[]): void {
  let ast: AstNode;
  try {
    ast = parse(code, { ecmaVersion: 5, sourceType: 'script', locations: true });
  } catch (e) {
    errors.push('es5-syntax: ' + (e as Error).message);
    return;
  }
  // esbuild starts each module with a `// path/to/module.js` comment: name the module in findings.
  const moduleOfLine: string[] = [];
  let current = '';
  code.split('\n').forEach((line, i) => {
    const m = /^\s*\/\/ (\S+\.js)$/.exec(line);
    if (m) current = m[1].replace(/^.*(?:es5-gate|quietcam-fw)-[^/]+\//, '');
    moduleOfLine[i + 1] = current;
  });
  const at = (n: AstNode): string => 'bundle ' + n.loc.start.line + ':' + (n.loc.start.column + 1) + ' (' + moduleOfLine[n.loc.start.line] + ')';
  const banned = (name: string): boolean => allow.indexOf(name) < 0;
  const scopes: Map<string, AstNode | null>[] = [];
  const visit = (n: AstNode, parent: AstNode | null): void => {
    if (n.type === 'Program' || isFunction(n)) scopes.push(scopeNames(n));
    if (n.type === 'LabeledStatement') errors.push('label: ' + at(n) + ' ' + n.label.name + ': (labels are not allowed)');
    if (n.type === 'Identifier') {
      const isProperty = parent && ((parent.type === 'MemberExpression' && parent.property === n && !parent.computed) ||
        (parent.type === 'Property' && parent.key === n));
      if (!isProperty && BANNED_GLOBALS.indexOf(n.name) >= 0 && banned(n.name) && !scopes.some((s) => s.has(n.name))) {
        errors.push('global: ' + at(n) + ' ' + n.name + ' is not available on the board engines');
      }
      if (!isProperty && BANNED_HELPERS.indexOf(n.name) >= 0) {
        errors.push('helper: ' + at(n) + ' ' + n.name + ' (spread, for-of over non-arrays, generators or async)');
      }
    }
    if (n.type === 'MemberExpression' && !n.computed && n.property.type === 'Identifier') {
      const prop = n.property.name;
      const obj = n.object.type === 'Identifier' ? n.object.name : '';
      const statics = BANNED_STATIC[obj];
      if (statics && statics.indexOf(prop) >= 0 && banned(obj + '.' + prop)) errors.push('member: ' + at(n) + ' ' + obj + '.' + prop + ' is ES2015+ or a helper the board engines lack');
      else if (BANNED_MEMBERS.indexOf(prop) >= 0 && banned(prop)) errors.push('member: ' + at(n) + ' .' + prop + ' is ES2015+ or missing on the board engines');
    }
    if ((n.type === 'CallExpression' || n.type === 'NewExpression') && n.callee.type === 'Identifier') {
      for (let i = scopes.length - 1; i >= 0; i--) {
        if (!scopes[i].has(n.callee.name)) continue;
        const decl = scopes[i].get(n.callee.name);
        if (decl && decl.start > n.start) {
          errors.push('hoisting: ' + at(n) + ' ' + n.callee.name + '() is called before its definition at bundle line ' + decl.loc.start.line);
        }
        break;
      }
    }
    for (const c of children(n)) visit(c, n);
    if (n.type === 'Program' || isFunction(n)) scopes.pop();
  };
  visit(ast, null);
}

/**
 * Run the gate over board entry files (TypeScript). Never throws for findings; they are in `errors`.
 */
export function checkEs5Bundle(entryTsFiles: string[], options?: Es5GateOptions): Es5GateResult {
  const errors: string[] = [];
  const allow = (options && options.allow) || [];
  const outDir = mkdtempSync(join(tmpdir(), 'es5-gate-'));
  try {
    const outputs = compile(entryTsFiles, outDir, errors);
    if (outputs.length !== entryTsFiles.length || outputs.some((o) => !o)) {
      errors.push('emit: tsc produced no JavaScript for some entries');
      return { ok: false, errors, bytes: 0, code: '' };
    }
    const stdin = outputs.map((o, i) => 'export * as m' + i + ' from ' + JSON.stringify(o) + ';').join('\n');
    let code = '';
    try {
      const built = buildSync({
        stdin: { contents: stdin, resolveDir: outDir, loader: 'js' },
        bundle: true,
        format: 'iife',
        globalName: 'es5gate', // keeps every export, so nothing is tree-shaken out of the check
        target: 'es5',
        write: false,
        logLevel: 'silent',
        charset: 'utf8',
      });
      code = built.outputFiles[0].text;
    } catch (e) {
      errors.push('esbuild: ' + (e as Error).message);
      return { ok: false, errors, bytes: 0, code: '' };
    }
    lint(code, allow, errors);
    return { ok: errors.length === 0, errors, bytes: Buffer.byteLength(code), code };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

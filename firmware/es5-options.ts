/**
 * The tsc options that lower board code (src/core, src/protocol, firmware/app) to ES5: the
 * firmware build and the ES5 gate (firmware/es5-gate.ts) compile with exactly these, so what
 * the gate checks is what the board runs.
 */
import ts from 'typescript';

export const ES5_TS_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES5,
  module: ts.ModuleKind.ES2015,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es5.d.ts'],
  types: [],
  strict: true,
  skipLibCheck: true,
  noEmitOnError: true,
  rewriteRelativeImportExtensions: true, // lets board code import './x.ts' as well as './x.js'
  sourceMap: false,
  declaration: false,
};

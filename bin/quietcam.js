#!/usr/bin/env node
// Entry point: the prebuilt runtime (dist/runtime, `npm run build`) when it is up to date, else the
// TypeScript sources through tsx (bin/runtime.js); then hands over to the CLI.
// The locked AWS SDK runs on Node 20; it warns (from every thread that loads it) that releases
// after January 2027 will not. src/relay/README.md says so once; the terminal need not, each run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { loadCli } = await import('./runtime.js');
const { main } = await loadCli();
process.exitCode = await main(process.argv.slice(2));

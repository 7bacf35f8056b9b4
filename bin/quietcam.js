#!/usr/bin/env node
// Entry point: registers tsx so the TypeScript sources run as they are, then hands over to the CLI.
import { register } from 'tsx/esm/api';
register();
// The locked AWS SDK runs on Node 20; it warns (from every thread that loads it) that releases
// after January 2027 will not. src/relay/README.md says so once; the terminal need not, each run.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

/**
 * One relay as a process of its own, for the tests that kill one: `node --import tsx
 * relay-process.ts <config.json>`. Prints `relay ready` once subscribed; stops on SIGTERM.
 */
import { loadConfig } from '../../../src/relay/config.js';
import { startRelay } from '../../../src/relay/main.js';

const relay = await startRelay({ config: loadConfig({ file: process.argv[2], env: {} }) });
console.log('relay ready');
process.once('SIGTERM', () => void relay.stop().then(() => process.exit(0)));

/**
 * The home stack the browser tests drive: embedded broker, local S3 and relay on free ports in a
 * temp dir, and the owner pages in front of them. `closeBrowserStack` runs in `test.after`, so it
 * also cleans up after a failed assertion (browser contexts first, then the pages, the stack, the dir).
 */
import { silentLogger } from '../../src/log.js';
import { startStack, type Stack } from '../../src/relay/stack.js';
import { startWebServer, type WebServer } from '../../src/web/server.js';
import { tempDir } from '../relay/helpers/env.js';

export interface BrowserStack {
  tmp: { dir: string; cleanup: () => void };
  stack: Stack;
  web: WebServer;
  contexts: { close(): Promise<void> }[];
}

/** Fills `c` as it goes, so the after hook can close whatever was started before a failure. */
export async function openBrowserStack(c: Partial<BrowserStack>, prefix: string): Promise<void> {
  c.tmp = tempDir(prefix);
  c.contexts = [];
  c.stack = await startStack({ dataDir: c.tmp.dir, brokerPort: 0, s3Port: 0, statusPort: null, log: silentLogger, alerts: false });
  c.web = await startWebServer({
    relay: c.stack.relay.config, log: silentLogger,
    web: { port: 0, cookies: 'insecure-localhost', passwords: { scryptLogN: 12, minLength: 10 } },
  });
}

export async function closeBrowserStack(c: Partial<BrowserStack>): Promise<void> {
  for (const ctx of c.contexts ?? []) await ctx.close().catch(() => {});
  await c.web?.close();
  await c.stack?.stop();
  c.tmp?.cleanup();
}

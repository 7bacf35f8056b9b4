/**
 * The home stack's processes for the relay benchmark, one role per process so each one's RSS is
 * its own (as on a home server):
 *   relay-peer.ts broker          aedes (the embedded broker)
 *   relay-peer.ts s3 DIR          s3rver with data under DIR (the embedded local S3)
 *   relay-peer.ts relay CONFIG    the relay, production wiring (main.ts), config from a JSON file
 *   relay-peer.ts stack CONFIG [alerts|no-alerts]
 *                                 all three and the owner pages in one process, as
 *                                 `quietcam web --local` runs them, relay config from the file;
 *                                 with alerts (the default, as there) every camera is enrolled;
 *                                 BENCH_DETECTOR_WORKERS=N: the detector in N worker threads
 * Talks JSON over IPC: { ready: {...} } once up; the relay then sends { uploaded: [bundleId, ms] }
 * per bundle S3 confirmed (wall clock, when its last object was confirmed). { ask: 'alerts' } is
 * answered with { to: 'alerts', answer: the alert stage's stats or null }, { ask: 'memory' } with
 * process.memoryUsage().
 */
// Each role imports only what it runs: a process's RSS is that of its own modules.

const send = (m: unknown) => process.send!(m);
// Exit cleanly on SIGTERM (the bench's stop), so --cpu-prof and other exit hooks still run.
process.on('SIGTERM', () => process.exit(0));
const [role, arg, flag] = process.argv.slice(2);

if (role === 'broker') {
  const { startBroker } = await import('../src/adapters/aedes-broker.ts');
  const broker = await startBroker({ port: 0 });
  send({ ready: { url: broker.url } });
} else if (role === 's3') {
  const { startS3 } = await import('../src/adapters/s3rver-endpoint.ts');
  const s3 = await startS3({ directory: arg, buckets: ['quietcam-contributions'] });
  send({ ready: { endpoint: s3.endpoint } });
} else if (role === 'relay') {
  const log = { info() {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
  const { loadConfig } = await import('../src/relay/config.ts');
  const { startRelay } = await import('../src/relay/main.ts');
  const relay = await startRelay({ config: loadConfig({ file: arg, env: {} }), log });
  relay.on('uploaded', (r) => send({ uploaded: [r.bundleId, Date.now()] }));
  send({ ready: {} });
} else if (role === 'stack') {
  const { mkdirSync, readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { startStack } = await import('../src/relay/stack.ts');
  const log = { info() {}, warn: (m: string) => console.warn(m), error: (m: string) => console.error(m) };
  const { startWebServer } = await import('../src/web/server.ts');
  const config = JSON.parse(readFileSync(arg, 'utf8')) as { dataDir: string; cameras: { id: string }[] };
  const alerts = flag !== 'no-alerts';
  if (alerts) {
    // the owner turned alerts on for every camera (what the pages' alert settings store)
    const { openDatabase } = await import('../src/adapters/sqlite-schema.ts');
    const { SqliteEventHistory } = await import('../src/adapters/sqlite-alerts.ts');
    mkdirSync(config.dataDir, { recursive: true });
    const db = openDatabase(join(config.dataDir, 'relay.db'));
    const history = new SqliteEventHistory(db, join(config.dataDir, 'alerts'));
    for (const c of config.cameras) history.setEnrolled(c.id, true, 'bench', Date.now());
    db.close();
  }
  // the embedded broker lets in paired cameras only: pair the simulated ones, hand their logins over
  const stack = await startStack({ config: config as never, brokerPort: 0, s3Port: 0, statusPort: null, log, pair: config.cameras.map((c) => c.id), ...(alerts ? (process.env.BENCH_DETECTOR_WORKERS ? { alerts: { workers: Number(process.env.BENCH_DETECTOR_WORKERS) } } : {}) : { alerts: false }) });
  await startWebServer({ relay: stack.relay.config, web: { port: 0 }, log });
  stack.relay.on('uploaded', (r) => send({ uploaded: [r.bundleId, Date.now()] }));
  const stage = stack.relay.alerts as { stats?: () => unknown } | undefined;
  // how long the stack's thread was held at a time (a detection in it, a long synchronous call)
  const { monitorEventLoopDelay } = await import('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (m: { ask?: string }) => {
    if (m.ask === 'alerts') send({ to: 'alerts', answer: stage?.stats ? stage.stats() : null });
    if (m.ask === 'memory') send({ to: 'memory', answer: { ...process.memoryUsage(), loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6 } });
    if (m.ask === 'memory') delay.reset();
  });
  send({ ready: { url: stack.brokerUrl, logins: JSON.stringify(stack.paired) } });
} else {
  console.error('usage: relay-peer.ts broker | s3 DIR | relay CONFIG | stack CONFIG [alerts|no-alerts]');
  process.exit(2);
}
export {};

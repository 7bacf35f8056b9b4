/**
 * Processes for `npm run bench -- packet-size`, one role each so each RSS is its own:
 *   packet-size-peer.ts broker MAX          aedes with a packet cap of MAX bytes
 *   packet-size-peer.ts ingest URL MAX      the relay's MQTT client (mqtt-ingest.ts), cap MAX bytes
 * IPC: { ready: {...} } once up; the ingest sends { refused: 1 } per packet it refused, { got: bytes } per message.
 */
const send = (m: unknown) => process.send!(m);
process.on('SIGTERM', () => process.exit(0));
const [role, a, b] = process.argv.slice(2);

if (role === 'broker') {
  const { startBroker } = await import('../src/adapters/aedes-broker.ts');
  const broker = await startBroker({ port: 0, maxPacketBytes: Number(a) });
  send({ ready: { url: broker.url } });
  setInterval(() => send({ oversize: broker.oversize.connections }), 50);
} else if (role === 'ingest') {
  const { startMqttIngest } = await import('../src/adapters/mqtt-ingest.ts');
  await startMqttIngest({
    url: a, clientId: 'bench-ingest', keepaliveS: 30, reconnectMs: 100, subscription: 'quietcam/+/bundle', maxPacketBytes: Number(b),
    log: { info() {}, warn() {}, error: () => send({ refused: 1 }) },
    onMessage: (m) => void send({ got: m.payload.length }),
  });
  send({ ready: {} });
}
export {};

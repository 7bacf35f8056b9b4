/**
 * The embedded MQTT broker: aedes (in memory) behind a net server on loopback. The default of
 * `startStack()` and of tests; a home server with a real broker (mosquitto) points the relay at
 * it instead (README.md). Sessions and queued QoS 1 messages live in memory: they survive a relay
 * restart, not a broker restart.
 */
import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface EmbeddedBroker {
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly aedes: Aedes;
  stop(): Promise<void>;
}

/**
 * Start aedes on `host:port` (port 0: any free port).
 * @example const broker = await startBroker({ port: 0 }); console.log(broker.url);
 */
export async function startBroker(o: { host?: string; port?: number } = {}): Promise<EmbeddedBroker> {
  const host = o.host ?? '127.0.0.1';
  const aedes = await Aedes.createBroker({ maxClientsIdLength: 64, drainTimeout: 30000 });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // A taken port: close aedes too, or its heartbeat timer keeps the process alive forever.
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `mqtt://${host}:${port}`,
    port,
    aedes,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/**
 * The embedded MQTT broker: aedes (in memory) behind a net server on loopback. The default of
 * `startStack()` and of tests; a home server with a real broker (mosquitto) points the relay at
 * it instead (README.md). Sessions and queued QoS 1 messages live in memory: they survive a relay
 * restart, not a broker restart.
 */
import { Aedes } from 'aedes';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { BrokerAuth } from './broker-auth.js';
import { guardPacketSize, MAX_PACKET_BYTES } from './mqtt-size-guard.js';

export interface EmbeddedBroker {
  /** `mqtt://127.0.0.1:<port>` (`mqtts://` with TLS) */
  readonly url: string;
  readonly port: number;
  readonly aedes: Aedes;
  /** Connections closed for sending a packet over `maxPacketBytes`. */
  readonly oversize: { connections: number; largestBytes: number };
  stop(): Promise<void>;
}

export interface BrokerOptions {
  host?: string;
  port?: number;
  /** Logins and topic rules (src/adapters/broker-auth.ts). Without it anyone may connect and do anything: tests of other parts only. */
  auth?: BrokerAuth;
  /** PEM certificate (chain) and key: listen with TLS (mqtts://). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Largest MQTT packet a client may send, bytes (default MAX_PACKET_BYTES, 400 KiB: bundles are
   * ≤ 384 KiB). A bigger one closes the connection after its fixed header, before its body is
   * buffered (mqtt-size-guard.ts); nothing of it is delivered.
   */
  maxPacketBytes?: number;
}

/**
 * Start aedes on `host:port` (port 0: any free port).
 * @example const broker = await startBroker({ port: 0, auth: brokerAuth({ cameras, services }) }); console.log(broker.url);
 */
export async function startBroker(o: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const host = o.host ?? '127.0.0.1';
  const aedes = await Aedes.createBroker({ maxClientsIdLength: 64, drainTimeout: 30000 });
  o.auth?.install(aedes);
  const sockets = new Set<Socket>();
  const oversize = { connections: 0, largestBytes: 0 };
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    aedes.handle(socket);
    // after aedes' 'readable' listener: sees each chunk aedes reads, before aedes parses it
    guardPacketSize(socket, o.maxPacketBytes ?? MAX_PACKET_BYTES, (bytes) => {
      oversize.connections++;
      oversize.largestBytes = Math.max(oversize.largestBytes, bytes);
      socket.destroy();
    });
  };
  const server: Server = o.tls ? createTlsServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2' }, onSocket) : createServer(onSocket);
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
    url: `${o.tls ? 'mqtts' : 'mqtt'}://${host}:${port}`,
    port,
    aedes,
    oversize,
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

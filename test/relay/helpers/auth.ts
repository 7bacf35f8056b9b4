/**
 * Broker logins for relay tests: paired cameras (in memory), the services' logins in the relay's
 * data dir (where `quietcam relay` finds them), the embedded broker's auth, and mosquitto's files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerAuth, type BrokerAuth } from '../../../src/adapters/broker-auth.js';
import { MemoryCameraCredentials, newCameraCredentials } from '../../../src/adapters/broker-credentials.js';
import { loadOrCreateBrokerUsers, type BrokerUsers } from '../../../src/adapters/broker-users.js';
import { writeMosquittoFiles } from '../../../src/adapters/mosquitto-config.js';

export interface TestLogins {
  /** username/password per camera id. */
  cameras: Record<string, { username: string; password: string }>;
  services: BrokerUsers;
  store: MemoryCameraCredentials;
  /** For startBroker({ auth }). */
  auth(): BrokerAuth;
  /** For startMosquitto(dir, { listener }): the files `quietcam broker-config` writes, in `<dir>/auth`. */
  mosquittoListener(dir: string): (port: number) => string[];
}

/** `relayDataDir`: the relay config's dataDir (its broker-users.json). */
export function testLogins(relayDataDir: string, cameraIds: string[]): TestLogins {
  const store = new MemoryCameraCredentials();
  const cameras: TestLogins['cameras'] = {};
  for (const id of cameraIds) {
    const c = newCameraCredentials(id);
    store.put(c);
    cameras[id] = { username: id, password: c.token };
  }
  const services = loadOrCreateBrokerUsers(relayDataDir);
  return {
    cameras, services, store,
    auth: () => brokerAuth({ cameras: store, services }),
    mosquittoListener: (dir) => (port) => readFileSync(writeMosquittoFiles({ cameras: store.list(), services, dir: join(dir, 'auth'), port }).conf, 'utf8').split('\n'),
  };
}

/**
 * Authentication and authorization for the embedded broker (aedes): who may connect (paired
 * cameras with their pairing token, the relay and the web with their service passwords, nobody
 * anonymous), which client id each may hold, and the topic rules of broker-acl.ts on every
 * publish, subscribe and delivery.
 *
 * Client ids: aedes' default lets a new CONNECT with a client id in use close the old connection
 * (MQTT-3.1.4-2). Here a client id is bound to the identity that holds it: while a live client
 * holds it, or while a persistent session (clean: false) made by one identity exists on this broker,
 * another identity's CONNECT with that id is refused ("identifier rejected") and the holder stays.
 * The same identity reconnecting takes its id over, as MQTT says. The services' ids
 * (`quietcam-relay...`, `quietcam-web...`) are refused to everyone else at all times.
 *
 * Refusals: a bad login gets CONNACK 4 (bad user name or password), a taken id CONNACK 2; a
 * publish outside the rules closes the connection (MQTT 3.1.1 has no negative PUBACK; aedes does
 * this on an authorizePublish error); a subscribe outside them gets SUBACK 0x80 and the client
 * stays. Each refusal is counted and logged once per (reason, name) with its count.
 */
import type { Aedes, AuthenticateError, Client } from 'aedes';
import { identityFor, identityName, mayPublish, mayReceive, maySubscribe, mayUseClientId, sameIdentity, type BrokerIdentity } from './broker-acl.js';
import { checkPairingToken, safeEqualText, type CameraCredentialStore } from './broker-credentials.js';
import type { BrokerUsers } from './broker-users.js';

export interface BrokerAuthOptions {
  /** Looked up on every camera CONNECT (a camera paired a moment ago can connect at once). */
  cameras: Pick<CameraCredentialStore, 'get'>;
  /** The relay's and the web's logins (broker-users.ts). */
  services: BrokerUsers;
  /** Refusals, one line per first occurrence of a (reason, name). Default: silent. */
  log?: (line: string) => void;
  /**
   * Persistent sessions (clean: false) remembered with their identity, 1-1000000 (default 10000:
   * a home has tens of cameras). Past it, a new persistent session is refused (CONNACK 3), so a
   * leaked camera login cannot grow the broker's memory without bound; clean sessions still connect.
   */
  maxSessions?: number;
}

export type RefusalReason = 'anonymous' | 'bad-login' | 'client-id-taken' | 'too-many-sessions' | 'revoked' | 'publish-denied' | 'subscribe-denied';

export interface BrokerAuth {
  /** Install the hooks on a broker (before it accepts connections). */
  install(aedes: Aedes): void;
  /** The identity a connected client logged in as (null: not authenticated). */
  identityOf(client: Client): BrokerIdentity | null;
  /** Refusals so far, by reason. */
  refusals(): Record<RefusalReason, number>;
}

function refusal(code: 2 | 3 | 4 | 5, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;
}

/** A service login's password: the pages' notices log in with the web's (mosquitto-config.ts writes both), like the relay's alert publisher with the relay's. */
function servicePassword(services: BrokerAuthOptions['services'], kind: Exclude<BrokerIdentity['kind'], 'camera'>): string | undefined {
  switch (kind) {
    case 'relay': return services.relay.password;
    case 'web':
    case 'notices': return services.web.password;
    case 'ha': return services.ha?.password;
  }
}

/** Check a username and password; null when they do not log anyone in. A camera's `hash` is the pairing hash it logged in with. */
function login(o: BrokerAuthOptions, username: string | undefined, password: Buffer | undefined): { id: BrokerIdentity; hash?: string } | null {
  const id = identityFor(username);
  const pw = password ? password.toString('utf8') : '';
  if (!id) {
    checkPairingToken(null, pw); // same work as for a known name
    return null;
  }
  if (id.kind === 'camera') {
    const hash = o.cameras.get(id.cameraId)?.pairingHash ?? null;
    return checkPairingToken(hash, pw) ? { id, hash: hash! } : null;
  }
  const want = servicePassword(o.services, id.kind);
  if (want === undefined) {
    checkPairingToken(null, pw);
    return null;
  }
  return safeEqualText(want, pw) ? { id } : null;
}

/**
 * @example
 * const auth = brokerAuth({ cameras: store, services: loadOrCreateBrokerUsers(dataDir) });
 * const broker = await startBroker({ port: 0, auth });
 */
export function brokerAuth(o: BrokerAuthOptions): BrokerAuth {
  const identities = new WeakMap<Client, BrokerIdentity>();
  /** The pairing hash each camera client logged in with: a new login for the camera (or none) ends its publishing at once. */
  const loggedInWith = new WeakMap<Client, string>();
  /** client id -> who made the persistent session under it (this broker's life; sessions are in memory). */
  const sessions = new Map<string, BrokerIdentity>();
  const counts: Record<RefusalReason, number> = { anonymous: 0, 'bad-login': 0, 'client-id-taken': 0, 'too-many-sessions': 0, revoked: 0, 'publish-denied': 0, 'subscribe-denied': 0 };
  const maxSessions = o.maxSessions ?? 10000;
  const seen = new Set<string>();
  const refuse = (reason: RefusalReason, name: string, what: string) => {
    counts[reason]++;
    const key = `${reason}/${name}`;
    if (!seen.has(key) && seen.size < 1000) {
      seen.add(key);
      o.log?.(`broker: refused ${what} (${reason}; further ones counted, not logged)`);
    }
  };

  function install(aedes: Aedes): void {
    aedes.authenticate = (client, username, password, done) => {
      if (!username) {
        refuse('anonymous', '-', `an anonymous client (client id '${client.id}')`);
        return done(refusal(5, 'not authorized'), false);
      }
      const ok = login(o, username, password);
      if (!ok) {
        refuse('bad-login', String(username).slice(0, 64), `the login '${String(username).slice(0, 64)}'`);
        return done(refusal(4, 'bad user name or password'), false);
      }
      const id = ok.id;
      // aedes keeps its live clients by id (not in its typings)
      const holder = (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[client.id];
      const holderId = holder && holder !== client ? identities.get(holder) : undefined;
      const owner = sessions.get(client.id);
      if (!mayUseClientId(id, client.id) || (holderId && !sameIdentity(holderId, id)) || (owner && !sameIdentity(owner, id))) {
        refuse('client-id-taken', identityName(id), `'${identityName(id)}' taking the client id '${client.id}'`);
        return done(refusal(2, 'identifier rejected'), false);
      }
      if (!client.clean && !owner && sessions.size >= maxSessions) {
        refuse('too-many-sessions', identityName(id), `a new persistent session by '${identityName(id)}' (${maxSessions} exist)`);
        return done(refusal(3, 'server unavailable'), false);
      }
      identities.set(client, id);
      if (ok.hash) loggedInWith.set(client, ok.hash);
      if (!client.clean) sessions.set(client.id, id);
      else if (owner) sessions.delete(client.id); // a clean start ends the old session (same identity)
      done(null, true);
    };

    aedes.authorizePublish = (client, packet, done) => {
      const id = client ? identities.get(client) : undefined;
      if (id?.kind === 'camera' && o.cameras.get(id.cameraId)?.pairingHash !== loggedInWith.get(client!)) {
        refuse('revoked', id.cameraId, `a publish by '${id.cameraId}', whose login was replaced or removed since it connected`);
        return done(new Error('login no longer valid'));
      }
      if (id && mayPublish(id, packet.topic, !!packet.retain)) return done(null);
      const name = id ? identityName(id) : '-';
      refuse('publish-denied', name, `a publish by '${name}' on '${String(packet.topic).slice(0, 100)}'${packet.retain ? ' (retained)' : ''}`);
      done(new Error('not authorized to publish there'));
    };

    aedes.authorizeSubscribe = (client, sub, done) => {
      const id = identities.get(client);
      if (id && maySubscribe(id, sub.topic)) return done(null, sub);
      const name = id ? identityName(id) : '-';
      refuse('subscribe-denied', name, `a subscription by '${name}' to '${String(sub.topic).slice(0, 100)}'`);
      done(null, null); // SUBACK 0x80 for this filter
    };

    aedes.authorizeForward = (client, packet) => {
      const id = identities.get(client);
      return id && mayReceive(id, packet.topic) ? packet : null;
    };
  }

  return {
    install,
    identityOf: (client) => identities.get(client) ?? null,
    refusals: () => ({ ...counts }),
  };
}

/**
 * The services' broker logins: `<dataDir>/broker-users.json`, mode 0600, made at first start with
 * random passwords (24 bytes, base64url) and read from then on. The relay logs in as
 * `quietcam-relay`, the owner pages as `quietcam-web`, Home Assistant (smart alerts) as
 * `quietcam-ha` (added to an older file that lacks it); the embedded broker checks them, and
 * `quietcam broker-config` writes them (hashed) into mosquitto's password file. Two more logins
 * share a password here: the relay's alert publisher `quietcam-relay-alerts` (the relay's) and
 * the pages' notices `quietcam-web-notices` (the web's), each with its own topic rules (broker-acl.ts).
 *
 * File format:
 * ```json
 * { "version": 1, "users": { "quietcam-relay": { "password": "…" }, "quietcam-web": { "password": "…" }, "quietcam-ha": { "password": "…" } } }
 * ```
 * A file readable by group or others is narrowed to 0600 when read (it holds passwords).
 */
import { randomBytes } from 'node:crypto';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isRelayUsername, SERVICE_USERS } from './broker-acl.js';
import { createSecretFile, readSecretFile } from './secret-file.js';

export const BROKER_USERS_FILE = 'broker-users.json';

export interface ServiceLogin {
  username: string;
  password: string;
}

export interface BrokerUsers {
  relay: ServiceLogin;
  web: ServiceLogin;
  /** Home Assistant's login: reads smart alerts and discovery only (broker-acl.ts). Always in a file this module wrote; absent: refused. */
  ha?: ServiceLogin;
}

const login = z.object({ password: z.string().min(16).max(256) }).strict();
const schema = z.object({
  version: z.literal(1),
  users: z.object({ [SERVICE_USERS.relay]: login, [SERVICE_USERS.web]: login, [SERVICE_USERS.ha]: login.optional() }).strict(),
}).strict();

const newPassword = () => randomBytes(24).toString('base64url');

type UsersFile = z.infer<typeof schema>;

function toUsers(f: UsersFile): BrokerUsers | null {
  const ha = f.users[SERVICE_USERS.ha];
  if (!ha) return null;
  return {
    relay: { username: SERVICE_USERS.relay, password: f.users[SERVICE_USERS.relay].password },
    web: { username: SERVICE_USERS.web, password: f.users[SERVICE_USERS.web].password },
    ha: { username: SERVICE_USERS.ha, password: ha.password },
  };
}

/** `<dataDir>/broker-users.json` */
export function brokerUsersPath(dataDir: string): string {
  return join(dataDir, BROKER_USERS_FILE);
}

/** Read the file; null when there is none. Throws on a malformed file (never silently replaced). */
export function readBrokerUsers(dataDir: string): BrokerUsers | null {
  const f = readUsersFile(dataDir);
  if (!f) return null;
  const users = toUsers(f);
  if (users) return users;
  // a file from before Home Assistant's login: add one (a new file, renamed over the old one, mode 0600)
  const file = brokerUsersPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  const body = { ...f, users: { ...f.users, [SERVICE_USERS.ha]: { password: newPassword() } } };
  writeFileSync(tmp, JSON.stringify(body, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return toUsers(readUsersFile(dataDir)!)!;
}

function readUsersFile(dataDir: string): UsersFile | null {
  return readSecretFile(brokerUsersPath(dataDir), schema);
}

/**
 * The services' logins, made (with random passwords, mode 0600) when the file does not exist yet.
 * @example const users = loadOrCreateBrokerUsers(config.dataDir); connect({ ...users.relay })
 */
export function loadOrCreateBrokerUsers(dataDir: string): BrokerUsers {
  const existing = readBrokerUsers(dataDir);
  if (existing) return existing;
  const body = { version: 1, users: { [SERVICE_USERS.relay]: { password: newPassword() }, [SERVICE_USERS.web]: { password: newPassword() }, [SERVICE_USERS.ha]: { password: newPassword() } } };
  createSecretFile(brokerUsersPath(dataDir), body); // two processes starting at once: the loser reads the winner's file
  return readBrokerUsers(dataDir)!;
}

/**
 * The login a service connects with: the one configured explicitly (broker.username/password),
 * else its entry in `<dataDir>/broker-users.json` (made at first start). A relay whose client id is
 * `quietcam-relay-<n>` (one of several) logs in under that name, with the relay password.
 * @example const login = serviceLogin(config.dataDir, 'relay', config.broker);
 */
export function serviceLogin(dataDir: string, kind: 'relay' | 'web', configured: { username?: string; password?: string; clientId?: string } = {}): ServiceLogin {
  if (configured.username) return { username: configured.username, password: configured.password ?? '' };
  const login = loadOrCreateBrokerUsers(dataDir)[kind];
  if (kind === 'relay' && configured.clientId && isRelayUsername(configured.clientId)) return { ...login, username: configured.clientId };
  return login;
}

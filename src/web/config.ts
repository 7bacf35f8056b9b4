/**
 * Owner pages configuration: one defaults object (units and ranges beside each value), validated
 * once with zod. The relay's config (src/relay/config.ts) says where the database, the bucket and
 * the broker are; this says how the pages behave.
 */
import { z } from 'zod';

const MIN = 60000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const WEB_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080, // 0 = any free port
  /**
   * 'secure': the `__Host-qc_sid` cookie with Secure (TLS, usually terminated by a proxy in front,
   * see README.md). 'insecure-localhost': plain HTTP for the demo, cookie `qc_sid_local` without
   * Secure (browsers refuse `__Host-` cookies over http); only allowed on a loopback host.
   */
  cookies: 'secure' as 'secure' | 'insecure-localhost',
  /**
   * Behind a TLS proxy: trust the X-Forwarded-For entry *the proxy appended* (the right-most one,
   * one hop) and X-Forwarded-Proto. Entries a client wrote itself (to the left) are ignored, so a
   * client cannot choose the address the sign-in limits count it under.
   */
  trustProxy: false,
  session: {
    idleMs: 12 * HOUR, // a signed-in session ends 12 hours after its last use, 5 min-30 days
    anonMs: 1 * HOUR, // an anonymous (pre-login) session, for its CSRF token, 1 min-1 day
    stepMs: 10 * MIN, // time to finish TOTP after the password, or enrolment after sign-up, 1-60 min
  },
  /** Sign-in limits (limiter.ts says which and why): per client, slower per account, trusted devices apart. */
  login: {
    /** Failed password or code attempts per client address (and per trusted device) in `windowMs`. */
    maxFailures: 5, // 1-100
    windowMs: 15 * MIN, // 1 min-1 day: a blocked client may try again by itself
    /** Failed attempts per account from clients it never signed in from, in `accountWindowMs`. */
    accountMaxFailures: 20, // 5-1000: ~20 guesses an hour for a guesser spread over many addresses
    accountWindowMs: HOUR, // 1 min-1 day
    /** A browser that completed a sign-in (password + TOTP) is trusted this long, ms. */
    deviceMs: 90 * DAY, // 1-400 days
  },
  /** Account creations per client address (each costs a scrypt hash and a row), in `windowMs`. */
  signup: {
    perClient: 10, // 1-1000: a household signs up a few accounts, once
    windowMs: HOUR, // 1 min-1 day
  },
  passwords: {
    minLength: 10, // characters, 8-128 (NIST 800-63B asks for >= 8; a passphrase is better)
    /** scrypt cost: 2^15 is ~60 ms and 32 MiB here (OWASP's minimum is 2^17 with r=8 over 5 s budgets; 2^15 keeps a Pi responsive). */
    scryptLogN: 15, // 10-20; tests use 10
  },
  totp: {
    issuer: 'quietcam',
    /** Accept the previous and next 30 s step too (phone clocks drift), seconds, 0-90. */
    toleranceS: 30,
  },
  recoveryCodes: 10, // codes per account, 5-20, each usable once
  consent: {
    validMs: 365 * DAY, // consent is re-confirmed yearly (matches src/relay CONSENT_VALID_MS)
    remindMs: 30 * DAY, // the page reminds the owner this long before expiry
  },
  /** Largest request body, bytes: forms are small; a bigger one is refused with 413. */
  bodyLimit: 65536,
  /** Contributions per page in the Data Integrity Zone, 1-500. */
  pageSize: 50,
  /** A retained config publish the broker has not confirmed within this is reported, ms. */
  publishTimeoutMs: 3000,
  /**
   * The broker address written into a new camera's provisioning file (what the board connects to),
   * e.g. 'mqtts://home.lan:8883'. '' = mqtt://<the host name these pages were opened with>:1883.
   */
  boardBrokerUrl: '',
};

export type WebConfig = typeof WEB_DEFAULTS;
export type WebConfigInput = { [K in keyof WebConfig]?: WebConfig[K] extends object ? Partial<WebConfig[K]> : WebConfig[K] };

const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

const schema = z.object({
  host: z.string().min(1),
  port: int(0, 65535),
  cookies: z.enum(['secure', 'insecure-localhost']),
  trustProxy: z.boolean(),
  session: z.object({ idleMs: int(5 * MIN, 30 * DAY), anonMs: int(MIN, DAY), stepMs: int(MIN, HOUR) }).strict(),
  login: z.object({
    maxFailures: int(1, 100), windowMs: int(MIN, DAY), accountMaxFailures: int(5, 1000), accountWindowMs: int(MIN, DAY), deviceMs: int(DAY, 400 * DAY),
  }).strict(),
  signup: z.object({ perClient: int(1, 1000), windowMs: int(MIN, DAY) }).strict(),
  passwords: z.object({ minLength: int(8, 128), scryptLogN: int(10, 20) }).strict(),
  totp: z.object({ issuer: z.string().min(1).max(40), toleranceS: int(0, 90) }).strict(),
  recoveryCodes: int(5, 20),
  consent: z.object({ validMs: int(DAY, 400 * DAY), remindMs: int(0, 90 * DAY) }).strict(),
  bodyLimit: int(1024, 1048576),
  pageSize: int(1, 500),
  publishTimeoutMs: int(100, 60000),
  boardBrokerUrl: z.string().regex(/^((mqtts?):\/\/[^\s/]+)?$/, 'expected mqtt://host:port or mqtts://host:port'),
}).strict().refine((c) => c.cookies === 'secure' || isLoopback(c.host), {
  message: "cookies 'insecure-localhost' is for a loopback host only (127.0.0.1, ::1, localhost): put TLS in front otherwise",
  path: ['cookies'],
});

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Defaults < overrides, validated. Throws an Error listing every problem. */
export function resolveWebConfig(over: WebConfigInput = {}): WebConfig {
  const merged: Record<string, unknown> = { ...WEB_DEFAULTS };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const base = (WEB_DEFAULTS as Record<string, unknown>)[k];
    merged[k] = typeof base === 'object' && base !== null ? { ...base, ...(v as object) } : v;
  }
  const r = schema.safeParse(merged);
  if (!r.success) throw new Error('web config:\n' + z.prettifyError(r.error));
  return r.data as WebConfig;
}

/** The session cookie's name for a cookie mode. */
export function cookieName(mode: WebConfig['cookies']): string {
  return mode === 'secure' ? '__Host-qc_sid' : 'qc_sid_local';
}

/** The trusted-device cookie's name (limiter.ts) for a cookie mode. */
export function deviceCookieName(mode: WebConfig['cookies']): string {
  return mode === 'secure' ? '__Host-qc_dev' : 'qc_dev_local';
}

/**
 * Sign-in limits that a stranger cannot turn against the owner.
 *
 * Which and why: a per-client limit plus a slower per-account one, and the owner's own browser
 * exempt from both. A per-account lock alone is a denial of service (anyone who knows a username
 * locks its owner out); a per-client lock alone lets a guesser spread over many addresses. So:
 * - **per client address** (`ip:`, an IPv6 address by its /64): 5 failures in 15 minutes, then that client gets 429 with
 *   Retry-After. Other clients are not affected, so 50 wrong passwords from one address do not
 *   stop the right password from another.
 * - **per account** (`u:`), slower: 20 failures in an hour from clients the account has never
 *   signed in from, then *those* clients are refused for that account. This caps a guesser
 *   spread over many addresses at ~20 guesses an hour (and a password alone is not enough: TOTP).
 * - **a trusted device** (the owner's browser, after a full sign-in with password and TOTP) gets
 *   a random device cookie (`__Host-qc_dev`, 90 days; only its SHA-256 is kept) and is counted on
 *   its own key (`d:`), 5 failures in 15 minutes, outside both limits above: no stranger, from
 *   any number of addresses (or from the owner's own NAT address), can lock it out.
 * No delay or proof of work: a delay that a stranger can trigger slows the owner too, and proof
 * of work needs a client script, which the pages' CSP forbids.
 *
 * In memory: a restart forgets counts and trusted devices together (state it in README.md).
 * Bounded: at most `maxKeys` windows, 10 devices per account and `maxDevices` in all; the oldest go first.
 */
import { randomToken, sha256Hex } from './tokens.js';

export interface LimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Keys tracked at once; the oldest window is dropped first. */
  maxKeys?: number;
}

/**
 * The key a client address is counted under: an IPv4 address as is (IPv4-mapped IPv6 too), an
 * IPv6 address by its /64, because one host picks any number of addresses inside its /64
 * (SLAAC privacy addresses) and would otherwise get a fresh limit with each.
 * @example clientKey('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function clientKey(address: string): string {
  const a = address.trim().toLowerCase().replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1];
  if (!a.includes(':')) return a;
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

/** Failed attempts counted per key in a fixed window. */
export class AttemptLimiter {
  private readonly windows = new Map<string, { startMs: number; failures: number }>();

  constructor(private readonly o: LimiterOptions) {}

  /** ms until `key` may try again, 0 when it may try now. */
  blockedFor(key: string, nowMs: number): number {
    const w = this.windows.get(key);
    if (!w || nowMs - w.startMs >= this.o.windowMs) return 0;
    return w.failures >= this.o.maxFailures ? w.startMs + this.o.windowMs - nowMs : 0;
  }

  fail(key: string, nowMs: number): void {
    let w = this.windows.get(key);
    if (!w || nowMs - w.startMs >= this.o.windowMs) {
      w = { startMs: nowMs, failures: 0 };
      this.windows.delete(key);
      this.windows.set(key, w);
      const max = this.o.maxKeys ?? 100000;
      if (this.windows.size > max) this.windows.delete(this.windows.keys().next().value as string);
    }
    w.failures++;
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}

/** Trusted browsers kept per account (phone, laptop, tablet... and a few old ones). */
const DEVICES_PER_ACCOUNT = 10;

export interface SignInLimitOptions {
  /** Per client address and per trusted device: failures in `windowMs`. */
  maxFailures: number;
  windowMs: number;
  /** Per account, from clients it has not signed in from: failures in `accountWindowMs`. */
  accountMaxFailures: number;
  accountWindowMs: number;
  /** How long a device cookie is trusted, ms. */
  deviceMs: number;
  maxDevices?: number;
}

/** Who is trying: the client address, the account (username or id), the device cookie if any. */
export interface Attempt {
  client: string;
  account: string;
  device?: string;
}

export class SignInLimits {
  private readonly perClient: AttemptLimiter;
  private readonly perAccount: AttemptLimiter;
  /** sha256(device token) -> the account it signed in to, and until when it is trusted. */
  private readonly devices = new Map<string, { account: string; expiresMs: number }>();

  constructor(private readonly o: SignInLimitOptions) {
    this.perClient = new AttemptLimiter({ maxFailures: o.maxFailures, windowMs: o.windowMs });
    this.perAccount = new AttemptLimiter({ maxFailures: o.accountMaxFailures, windowMs: o.accountWindowMs });
  }

  /** The keys an attempt is counted on: its own device key, or its address and the account. */
  private keys(a: Attempt, nowMs: number): { limiter: AttemptLimiter; key: string }[] {
    const d = this.trustedDevice(a, nowMs);
    if (d) return [{ limiter: this.perClient, key: `d:${d}` }];
    return [{ limiter: this.perClient, key: `ip:${clientKey(a.client)}` }, { limiter: this.perAccount, key: `u:${a.account}` }];
  }

  private trustedDevice(a: Attempt, nowMs: number): string | null {
    if (!a.device || a.device.length > 100) return null;
    const h = sha256Hex(a.device);
    const d = this.devices.get(h);
    return d && d.account === a.account && nowMs < d.expiresMs ? h : null;
  }

  /** ms until this attempt may be made, 0 when it may be made now. */
  blockedFor(a: Attempt, nowMs: number): number {
    return Math.max(0, ...this.keys(a, nowMs).map((k) => k.limiter.blockedFor(k.key, nowMs)));
  }

  fail(a: Attempt, nowMs: number): void {
    for (const k of this.keys(a, nowMs)) k.limiter.fail(k.key, nowMs);
  }

  /**
   * A full sign-in: this client's count starts again (not the account's: a guesser elsewhere keeps
   * its count); the old device token is replaced by the one returned.
   */
  succeeded(a: Attempt, nowMs: number): string {
    this.perClient.reset(`ip:${clientKey(a.client)}`);
    if (a.device) {
      this.perClient.reset(`d:${sha256Hex(a.device)}`);
      this.devices.delete(sha256Hex(a.device));
    }
    // an account keeps its newest few devices, so someone signing in over and over to their own
    // account pushes out their own devices, not the owner's (the global cap is a last resort)
    const mine: string[] = [];
    for (const [h, d] of this.devices) {
      if (d.expiresMs <= nowMs) this.devices.delete(h);
      else if (d.account === a.account) mine.push(h);
    }
    for (const h of mine.slice(0, Math.max(0, mine.length - DEVICES_PER_ACCOUNT + 1))) this.devices.delete(h);
    const token = randomToken();
    this.devices.set(sha256Hex(token), { account: a.account, expiresMs: nowMs + this.o.deviceMs });
    if (this.devices.size > (this.o.maxDevices ?? 100000)) this.devices.delete(this.devices.keys().next().value as string);
    return token;
  }
}

/** Accounts, recovery codes and sessions in SQLite (tables in sqlite-db.ts). */
import type { Account, AccountStore, Role, Session, SessionStore } from '../ports.js';
import type { SqliteDatabase } from './sqlite-db.js';

interface AccountRow {
  id: string; username: string; password_hash: string; totp_secret: string; totp_last_step: number;
  role: string; active: number; created_ms: number; time_zone?: string;
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id, username: r.username, passwordHash: r.password_hash, totpSecret: r.totp_secret, totpLastStep: r.totp_last_step,
  role: r.role === 'reviewer' ? 'reviewer' : 'owner', active: r.active === 1, createdMs: r.created_ms,
  timeZone: r.time_zone ?? 'UTC',
});

export class SqliteAccounts implements AccountStore {
  private readonly q;
  private readonly replaceCodes;
  private readonly deleteTx;

  constructor(db: SqliteDatabase) {
    this.q = {
      insert: db.prepare(`INSERT OR IGNORE INTO web_accounts (id, username, password_hash, totp_secret, created_ms, time_zone) VALUES (?, ?, ?, ?, ?, ?)`),
      password: db.prepare('UPDATE web_accounts SET password_hash = ? WHERE id = ?'),
      totp: db.prepare('UPDATE web_accounts SET totp_secret = ?, totp_last_step = ? WHERE id = ?'),
      timeZone: db.prepare('UPDATE web_accounts SET time_zone = ? WHERE id = ?'),
      byId: db.prepare('SELECT * FROM web_accounts WHERE id = ?'),
      byName: db.prepare('SELECT * FROM web_accounts WHERE username = ?'),
      activate: db.prepare('UPDATE web_accounts SET active = 1 WHERE id = ?'),
      step: db.prepare('UPDATE web_accounts SET totp_last_step = max(totp_last_step, ?) WHERE id = ?'),
      role: db.prepare('UPDATE web_accounts SET role = ? WHERE id = ?'),
      dropCodes: db.prepare('DELETE FROM web_recovery_codes WHERE account_id = ?'),
      addCode: db.prepare('INSERT OR IGNORE INTO web_recovery_codes (account_id, code_hash, created_ms) VALUES (?, ?, ?)'),
      useCode: db.prepare('UPDATE web_recovery_codes SET used_ms = ? WHERE account_id = ? AND code_hash = ? AND used_ms IS NULL'),
      left: db.prepare('SELECT count(*) AS n FROM web_recovery_codes WHERE account_id = ? AND used_ms IS NULL'),
    };
    // everything kept per account, the alert tables (migration 6) included; consent decisions (web_consents) stay as evidence
    const forget = ['DELETE FROM web_sessions WHERE account_id = ?', 'DELETE FROM web_recovery_codes WHERE account_id = ?',
      'DELETE FROM web_access_log WHERE owner_id = ?', 'DELETE FROM alert_enrolment_log WHERE owner_id = ?', 'DELETE FROM alert_channels WHERE owner_id = ?',
      'DELETE FROM alert_push_subscriptions WHERE owner_id = ?', 'DELETE FROM alert_log WHERE owner_id = ?',
      'DELETE FROM web_accounts WHERE id = ?'].map((q) => db.prepare(q));
    this.deleteTx = db.transaction((id: string) => { for (const q of forget) q.run(id); });
    this.replaceCodes = db.transaction((id: string, hashes: string[], now: number) => {
      this.q.dropCodes.run(id);
      for (const h of hashes) this.q.addCode.run(id, h, now);
    });
  }

  create(a: Omit<Account, 'active' | 'totpLastStep' | 'role' | 'timeZone'> & { timeZone?: string }): Account | 'taken' {
    const info = this.q.insert.run(a.id, a.username, a.passwordHash, a.totpSecret, a.createdMs, a.timeZone ?? 'UTC');
    return info.changes === 1 ? this.byId(a.id)! : 'taken';
  }

  byId(id: string): Account | null {
    const r = this.q.byId.get(id) as AccountRow | undefined;
    return r ? toAccount(r) : null;
  }

  byUsername(username: string): Account | null {
    const r = this.q.byName.get(username) as AccountRow | undefined;
    return r ? toAccount(r) : null;
  }

  activate(id: string): void {
    this.q.activate.run(id);
  }

  setTotpStep(id: string, step: number): void {
    this.q.step.run(step, id);
  }

  setRole(id: string, role: Role): void {
    this.q.role.run(role, id);
  }

  setRecoveryCodes(id: string, hashes: string[], nowMs: number): void {
    this.replaceCodes(id, hashes, nowMs);
  }

  useRecoveryCode(id: string, hash: string, nowMs: number): boolean {
    return this.q.useCode.run(nowMs, id, hash).changes === 1;
  }

  recoveryCodesLeft(id: string): number {
    return (this.q.left.get(id) as { n: number }).n;
  }

  setPassword(id: string, passwordHash: string): void {
    this.q.password.run(passwordHash, id);
  }

  setTotp(id: string, secret: string, step: number): void {
    this.q.totp.run(secret, step, id);
  }

  setTimeZone(id: string, timeZone: string): void {
    this.q.timeZone.run(timeZone, id);
  }

  deleteAccount(id: string): void {
    this.deleteTx(id);
  }
}

interface SessionRow { id: string; account_id: string | null; stage: string; csrf: string; created_ms: number; expires_ms: number; flash: string | null }

export class SqliteSessions implements SessionStore {
  private readonly q;

  constructor(db: SqliteDatabase) {
    this.q = {
      put: db.prepare('INSERT OR REPLACE INTO web_sessions (id, account_id, stage, csrf, created_ms, expires_ms, flash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT * FROM web_sessions WHERE id = ?'),
      del: db.prepare('DELETE FROM web_sessions WHERE id = ?'),
      delAccount: db.prepare('DELETE FROM web_sessions WHERE account_id = ?'),
      flash: db.prepare('UPDATE web_sessions SET flash = ? WHERE id = ?'),
      prune: db.prepare('DELETE FROM web_sessions WHERE expires_ms <= ?'),
    };
  }

  put(s: Session): void {
    this.q.put.run(s.id, s.accountId, s.stage, s.csrf, s.createdMs, s.expiresMs, s.flash);
  }

  get(id: string): Session | null {
    const r = this.q.get.get(id) as SessionRow | undefined;
    if (!r) return null;
    return { id: r.id, accountId: r.account_id, stage: r.stage as Session['stage'], csrf: r.csrf, createdMs: r.created_ms, expiresMs: r.expires_ms, flash: r.flash };
  }

  delete(id: string): void {
    this.q.del.run(id);
  }

  deleteForAccount(accountId: string): void {
    this.q.delAccount.run(accountId);
  }

  setFlash(id: string, flash: string | null): void {
    this.q.flash.run(flash, id);
  }

  prune(nowMs: number): number {
    return this.q.prune.run(nowMs).changes;
  }
}

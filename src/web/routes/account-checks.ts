/**
 * The password and code checks of the account forms (account.ts, account-delete.ts), counted on
 * the account id like the recovery-code form, so a session thief guessing is slowed.
 */
import { HttpError, type WebContext } from '../context.js';
import { verifyPassword } from '../passwords.js';
import type { Account } from '../ports.js';
import { checkTotp } from '../totp.js';

export type Errors = Record<string, string>;

export function accountChecks(ctx: WebContext) {
  const { ports, config } = ctx;
  return {
    password: (a: Account, given: string) => verifyPassword(given, a.passwordHash),
    guard(a: Account): void {
      const wait = ctx.limiter.blockedFor(`acct:${a.id}`, ports.clock());
      if (wait > 0) throw new HttpError(429, `Too many failed attempts. Try again in ${Math.ceil(wait / 60000)} minute(s).`, { 'retry-after': String(Math.ceil(wait / 1000)) });
    },
    failed: (a: Account) => ctx.limiter.fail(`acct:${a.id}`, ports.clock()),
    async code(a: Account, given: string): Promise<boolean> {
      const step = await checkTotp(a.totpSecret, given, ports.clock(), a.totpLastStep, config.totp.toleranceS);
      if (step !== null) ports.accounts.setTotpStep(a.id, step);
      return step !== null;
    },
  };
}


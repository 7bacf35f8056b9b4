/**
 * The board's copy of the owner's consent, from the retained config topic. The payload codec is
 * src/protocol/consent-config.ts and the rule is src/protocol/consent.ts (the same code the
 * relay and the owner pages run); this class only keeps the last accepted terms.
 * Off until a config is accepted. Which configs count (the owner's MAC, a counter that never goes
 * back) is config-guard.ts's job.
 * ES5-safe.
 */
import { CONSENT_ON, consentPurposes, consentReason, consentStatus } from '../../src/protocol/consent.js';
import { decodeConfig, type ConfigTerms } from '../../src/protocol/consent-config.js';

export { CONSENT_ON };
export { CONFIG_FORMAT_VERSION, MAX_CONFIG_BYTES, parseDateMs } from '../../src/protocol/consent-config.js';

export class Consent {
  /** The accepted terms; null = none (no config yet, or the last one was refused). */
  terms: ConfigTerms | null;
  /** PURPOSE_* bits the owner chose, before expiry and placement checks. */
  purposes: number;
  placement: string;
  consentVersion: number;
  /** Why the last config was refused ('' = accepted), for the log. */
  problem: string;

  constructor() {
    this.terms = null;
    this.purposes = 0;
    this.placement = 'interior';
    this.consentVersion = 0;
    this.problem = 'no config received';
  }

  /** Take these terms (a config the owner signed: config-guard.ts checked it). */
  apply(terms: ConfigTerms): void {
    this.terms = terms;
    this.purposes = terms.purposes;
    this.placement = terms.placement;
    this.consentVersion = terms.version;
    this.problem = '';
  }

  /** Turn everything off, saying why. */
  refuse(problem: string): void {
    this.terms = null;
    this.purposes = 0;
    this.placement = 'interior';
    this.consentVersion = 0;
    this.problem = problem;
  }

  /**
   * Decode a config payload WITHOUT checking its MAC and apply it; false (and everything off) when
   * it is not readable. For diagnostics and tests of the rule: the app goes through ConfigGuard.
   */
  update(payload: Uint8Array): boolean {
    const r = decodeConfig(payload);
    if (!r.ok) {
      this.refuse(r.problem);
      return false;
    }
    this.apply(r.terms);
    return true;
  }

  /** Purposes in force at `wallMs` (0 = no snapshot); `wallValid` false = the clock is not synced. */
  purposesAt(wallMs: number, wallValid: boolean): number {
    return consentPurposes(this.terms, wallValid ? wallMs : -1);
  }

  /** CONSENT_ON, or a short reason why no purpose is in force (for the event message). */
  reason(wallMs: number, wallValid: boolean): string {
    return consentStatus(this.terms, wallValid ? wallMs : -1);
  }

  /** CONSENT_ON, or why `purpose` (PURPOSE_* bits) is not in force: the shared rule, as the board runs it. */
  reasonFor(purpose: number, wallMs: number, wallValid: boolean): string {
    return consentReason(this.terms, purpose, wallValid ? wallMs : -1);
  }
}

/**
 * The board's copy of the owner's consent, from the retained config topic. The payload codec is
 * src/protocol/consent-config.ts and the rule is src/protocol/consent.ts (the same code the
 * relay and the owner pages run); this class only keeps the last accepted terms.
 * Off until a config is accepted; a config that is refused turns everything off.
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

  /** Apply a config payload. Returns false (and turns everything off) when it is not acceptable. */
  update(payload: Uint8Array): boolean {
    const r = decodeConfig(payload);
    if (!r.ok) {
      this.terms = null;
      this.purposes = 0;
      this.placement = 'interior';
      this.consentVersion = 0;
      this.problem = r.problem;
      return false;
    }
    this.terms = r.terms;
    this.purposes = r.terms.purposes;
    this.placement = r.terms.placement;
    this.consentVersion = r.terms.version;
    this.problem = '';
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

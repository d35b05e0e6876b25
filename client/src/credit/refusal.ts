/**
 * A CREDIT_RESTRICTED refusal (registration, bid upload, award) explained: kept apart from labels.ts
 * so the shared error helper (errors.ts, in the main bundle) pulls in no credit labels.
 */
import type { Translate } from '../i18n.js';
import { shanghaiMinute } from '../format.js';

/**
 * A CREDIT_RESTRICTED refusal in words: who restricted (the issuing region's name), on what basis
 * (with the decision number) and until when, from the extra fields of the problem+json answer.
 * Null when the answer lacks them (then the plain error message stands).
 */
export function creditRestrictionText(t: Translate, problem: Record<string, unknown> | null): string | null {
  if (!problem) return null;
  const region = typeof problem.issuingRegionName === 'string' ? problem.issuingRegionName : typeof problem.issuingRegion === 'string' ? problem.issuingRegion : null;
  const basis = typeof problem.basis === 'string' ? problem.basis : null;
  if (!region || !basis) return null;
  const code = typeof problem.issuingRegion === 'string' && problem.issuingRegion !== region ? problem.issuingRegion : null;
  const until = typeof problem.until === 'string' ? problem.until : null;
  const who = code ? t('credit.refusal.region', { name: region, code }) : region;
  return until ? t('credit.refusal.until', { region: who, basis, until: shanghaiMinute(until) }) : t('credit.refusal.open', { region: who, basis });
}

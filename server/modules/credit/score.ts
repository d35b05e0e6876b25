import type { CreditKind, CreditScorePoint } from '../../../contracts/credit.js';

/**
 * The credit score (信用分), from the records alone — no national formula exists, so every number
 * comes from the rules table (`credit.score.*`, configurable per region):
 *
 *   score(at) = max(0, base − Σ points of penalties in force at `at`
 *                        + min(cap, Σ points of commendations in force at `at`))
 *
 * A record is in force from startsAt until endsAt, or until it was lifted (repair / objection). A
 * penalty's points are fixed when it is recorded (by severity, `credit.score.deduct.*` of the
 * issuing region, unless the decision names them), so every deployment computes the same score from
 * the same feed. `knownBy` leaves out records this deployment learned of later: the score an
 * evaluation reads "at the bid deadline" cannot be changed by a record entered afterwards.
 */
export interface ScoredRecord {
  uid: string;
  kind: CreditKind;
  points: number;
  startsAt: Date;
  endsAt: Date;
  liftedAt: Date | null;
  /** When this deployment knew of it (recorded here, or received from a peer). */
  knownAt: Date;
}

export interface ScoreParams {
  base: number;
  commendationCap: number;
}

export const SCORE_FORMULA = 'score = max(0, base − Σ penalty points in force + min(cap, Σ commendation points in force)); base = credit.score.base, cap = credit.score.commendation_cap, penalty points by severity = credit.score.deduct.*';

export function inForce(record: ScoredRecord, at: Date, knownBy: Date = at): boolean {
  const t = at.getTime();
  return record.knownAt.getTime() <= knownBy.getTime() && record.startsAt.getTime() <= t && t < record.endsAt.getTime() && (!record.liftedAt || record.liftedAt.getTime() > t);
}

export function scoreAt(records: ScoredRecord[], at: Date, params: ScoreParams, knownBy: Date = at): number {
  let deducted = 0;
  let added = 0;
  for (const r of records) {
    if (!inForce(r, at, knownBy)) continue;
    if (r.kind === 'penalty') deducted += r.points;
    else added += r.points;
  }
  return Math.max(0, params.base - deducted + Math.min(params.commendationCap, added));
}

/** The criterion's share of its maximum: the score over the base, at most 1. */
export function creditShare(score: number, params: ScoreParams): number {
  return params.base > 0 ? Math.min(1, score / params.base) : 1;
}

/** Every instant up to `now` at which a record started, ended or was lifted, with the score after it. */
export function scoreHistory(records: ScoredRecord[], now: Date, params: ScoreParams): CreditScorePoint[] {
  const events: { at: Date; event: CreditScorePoint['event']; record: string }[] = [];
  for (const r of records) {
    events.push({ at: r.startsAt, event: 'started', record: r.uid });
    if (r.liftedAt && r.liftedAt < r.endsAt) events.push({ at: r.liftedAt, event: 'lifted', record: r.uid });
    else events.push({ at: r.endsAt, event: 'ended', record: r.uid });
  }
  return events
    .filter((e) => e.at.getTime() <= now.getTime())
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.record.localeCompare(b.record))
    .map((e) => ({ at: e.at.toISOString(), event: e.event, record: e.record, score: scoreAt(records, e.at, params, now) }));
}

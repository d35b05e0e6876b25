/**
 * HTTP calls of the evaluation (评标) room. Type-only imports from contracts/evaluation.ts (no zod in
 * the bundle); every call goes through api.request (cookie session + CSRF).
 */
import type { ComplianceCheck, EvaluationView } from '../../../contracts/evaluation.js';
import { request } from '../api.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});
const base = (tradeId: number) => `/api/trades/${tradeId}/evaluation`;

export function getEvaluation(tradeId: number, signal?: AbortSignal): Promise<EvaluationView> {
  return request<EvaluationView>('GET', base(tradeId), opts(signal));
}

/** Staff open the evaluation for the accepted committee. */
export function startEvaluation(tradeId: number): Promise<EvaluationView> {
  return request<EvaluationView>('POST', `${base(tradeId)}/start`, { body: {} });
}

export function voteChair(tradeId: number, userId: number): Promise<EvaluationView> {
  return request<EvaluationView>('POST', `${base(tradeId)}/chair`, { body: { userId } });
}

export function voteCompliance(tradeId: number, bidId: number, check: ComplianceCheck, pass: boolean, reason?: string): Promise<EvaluationView> {
  return request<EvaluationView>('POST', `${base(tradeId)}/compliance`, { body: reason !== undefined ? { bidId, check, pass, reason } : { bidId, check, pass } });
}

export function closeReview(tradeId: number): Promise<EvaluationView> {
  return request<EvaluationView>('POST', `${base(tradeId)}/compliance/close`, { body: {} });
}

export interface ScoreInput {
  bidId: number;
  criterion: string;
  value: number;
}

/** Draft scores: private to the expert, kept by the server (a reconnect restores them). */
export function saveScores(tradeId: number, scores: ScoreInput[]): Promise<EvaluationView> {
  return request<EvaluationView>('PUT', `${base(tradeId)}/scores`, { body: { scores } });
}

/** Submit and lock; the last member's submission computes the result. */
export function submitScores(tradeId: number): Promise<EvaluationView> {
  return request<EvaluationView>('POST', `${base(tradeId)}/scores/submit`, { body: {} });
}

/** The chair writes the report (its SHA-256 is what every member signs). */
export function writeReport(tradeId: number): Promise<EvaluationView> {
  return request<EvaluationView>('POST', `${base(tradeId)}/report`, { body: {} });
}

/** base64 CMS SignedData over the report's SHA-256 (detached digest), or a refusal with its reason. */
export function sign(tradeId: number, answer: { signature: string } | { refuse: string }): Promise<EvaluationView> {
  return request<EvaluationView>('POST', `${base(tradeId)}/signatures`, { body: answer });
}

export function reportPdfUrl(tradeId: number): string {
  return `${base(tradeId)}/report.pdf`;
}

/**
 * HTTP calls of the credit module (信用). Type-only imports from contracts/credit-names.ts (zod-free):
 * the public credit list and an organisation's score, a supervisor's records, applications and the
 * federation peers, and a subject's repair / objection applications.
 */
import type {
  CreditKind,
  CreditRecordView,
  CreditRole,
  CreditScope,
  CreditScoreView,
  CreditSeverity,
  CreditRegionView,
  PeerView,
  PullResult,
  RepairKind,
  RepairStatus,
  RepairView,
} from '../../../contracts/credit-names.js';
import { request } from '../api.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) search.set(k, v);
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** `GET /api/public/credit` (no login): penalties in force, by USCC / ID number / name and issuing region. */
export async function publicList(filter: { q?: string; region?: string }, signal?: AbortSignal): Promise<CreditRecordView[]> {
  const answer = await request<{ records: CreditRecordView[] }>('GET', `/api/public/credit${query({ q: filter.q, region: filter.region })}`, opts(signal));
  return answer.records;
}

/** `GET /api/public/credit/organisations/:uscc` (no login): the score now, its formula, records and history. */
export function organisation(uscc: string, signal?: AbortSignal): Promise<CreditScoreView> {
  return request<CreditScoreView>('GET', `/api/public/credit/organisations/${encodeURIComponent(uscc)}`, opts(signal));
}

/** `GET /api/credit/records?status=all` (full detail for supervisors). */
export async function records(signal?: AbortSignal): Promise<CreditRecordView[]> {
  const answer = await request<{ records: CreditRecordView[] }>('GET', '/api/credit/records?status=all', opts(signal));
  return answer.records;
}

export type RecordSubject = { kind: 'organisation'; uscc: string; name: string } | { kind: 'person'; idNumber: string; name: string };

/** The body of `POST /api/credit/records` (RecordCreditRequest). */
export interface RecordInput {
  kind: CreditKind;
  subject: RecordSubject;
  role: CreditRole;
  act: string;
  basis: string;
  decisionNo: string;
  authority: string;
  issuingRegionCode: string;
  severity?: CreditSeverity;
  scope: CreditScope;
  points?: number;
  startsAt?: string;
  endsAt: string;
}

export function record(input: RecordInput): Promise<CreditRecordView> {
  return request<CreditRecordView>('POST', '/api/credit/records', { body: input });
}

/** `GET /api/credit/applications`: a supervisor's jurisdiction, or one's own. */
export async function applications(status?: RepairStatus, signal?: AbortSignal): Promise<RepairView[]> {
  const answer = await request<{ applications: RepairView[] }>('GET', `/api/credit/applications${query({ status })}`, opts(signal));
  return answer.applications;
}

export function apply(recordId: number, input: { kind: RepairKind; reason: string; evidence: string }): Promise<RepairView> {
  return request<RepairView>('POST', `/api/credit/records/${recordId}/applications`, { body: input });
}

export function decide(applicationId: number, input: { grant: boolean; reason: string }): Promise<RepairView> {
  return request<RepairView>('POST', `/api/credit/applications/${applicationId}/decision`, { body: input });
}

/** `GET /api/credit/peers`: this deployment's feed region and the peers whose feeds it pulls. */
export function peers(signal?: AbortSignal): Promise<{ region: CreditRegionView; peers: PeerView[] }> {
  return request<{ region: CreditRegionView; peers: PeerView[] }>('GET', '/api/credit/peers', opts(signal));
}

export function pull(code: string): Promise<PullResult> {
  return request<PullResult>('POST', `/api/credit/peers/${encodeURIComponent(code)}/pull`, {});
}

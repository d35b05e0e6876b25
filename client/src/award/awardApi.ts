/**
 * HTTP calls of the award module (定标): candidate publicity, disqualification and declines, the
 * award with its notices, and the contract record. Type-only imports from contracts/award.ts (no
 * zod in the bundle); JSON calls go through api.request (cookie session + CSRF), the contract's
 * signed document through tradesApi.uploadMultipart (with progress).
 */
import type {
  AwardSummaryView,
  CandidateOutcomeView,
  ContractParties,
  ContractView,
  PublicityListItem,
  PublicityView,
} from '../../../contracts/award.js';
import { request } from '../api.js';
import { uploadMultipart } from '../tradesApi.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export interface PublicityRounds {
  current: PublicityView;
  rounds: PublicityView[];
}

/** `GET /api/trades/:id/publicity` (public); null when the trade has no publicity yet. */
export async function publicity(tradeId: number, signal?: AbortSignal): Promise<PublicityRounds | null> {
  try {
    return await request<PublicityRounds>('GET', `/api/trades/${tradeId}/publicity`, opts(signal));
  } catch (error) {
    if ((error as { code?: string }).code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** `GET /api/publicity` (public portal list). */
export async function publicityList(status: 'running' | 'ended' | 'withdrawn' | 'all' = 'all', signal?: AbortSignal): Promise<PublicityListItem[]> {
  return (await request<{ publicities: PublicityListItem[] }>('GET', `/api/publicity?status=${status}`, opts(signal))).publicities;
}

export function startPublicity(tradeId: number, note?: string): Promise<PublicityRounds> {
  return request<PublicityRounds>('POST', `/api/trades/${tradeId}/publicity`, { body: note ? { note } : {} });
}

export function disqualify(tradeId: number, bidId: number, reason: string): Promise<CandidateOutcomeView> {
  return request<CandidateOutcomeView>('POST', `/api/trades/${tradeId}/candidates/${bidId}/disqualify`, { body: { reason } });
}

export function decline(tradeId: number, reason: string): Promise<CandidateOutcomeView> {
  return request<CandidateOutcomeView>('POST', `/api/trades/${tradeId}/award/decline`, { body: { reason } });
}

export function award(tradeId: number): Promise<AwardSummaryView> {
  return request<AwardSummaryView>('POST', `/api/trades/${tradeId}/award`, { body: {} });
}

/** `GET /api/trades/:id/award` (public): notices, candidates, the contract summary. */
export function summary(tradeId: number, signal?: AbortSignal): Promise<AwardSummaryView> {
  return request<AwardSummaryView>('GET', `/api/trades/${tradeId}/award`, opts(signal));
}

export function recordContract(
  tradeId: number,
  fields: { signedOn: string; amountFen: number; parties: ContractParties },
  file: File,
  onProgress?: (sent: number, total: number) => void,
): Promise<ContractView> {
  return uploadMultipart<ContractView>(
    `/api/trades/${tradeId}/contract`,
    [
      { name: 'signedOn', value: fields.signedOn },
      { name: 'amountFen', value: String(fields.amountFen) },
      { name: 'parties', value: JSON.stringify(fields.parties) },
      { name: 'file', value: file, fileName: file.name },
    ],
    onProgress ? { onProgress } : {},
  );
}

export function contractDocumentUrl(tradeId: number): string {
  return `/api/trades/${tradeId}/contract/document`;
}

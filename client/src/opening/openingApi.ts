/**
 * HTTP calls of the opening hall (不见面开标). Type-only imports from contracts/opening.ts (no zod in
 * the bundle). JSON calls go through api.request (cookie session + CSRF); the two binary downloads
 * (a bidder's own envelope, an official's sealed share) are read here as bytes.
 */
import type { OpeningEvent, OpeningView } from '../../../contracts/opening.js';
import type { Problem } from '../../../contracts/errors.js';
import { ApiError, request } from '../api.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});
const base = (tradeId: number) => `/api/trades/${tradeId}/opening`;

export function getOpening(tradeId: number, signal?: AbortSignal): Promise<OpeningView> {
  return request<OpeningView>('GET', base(tradeId), opts(signal));
}

export async function openingEvents(tradeId: number, after: number, signal?: AbortSignal): Promise<OpeningEvent[]> {
  return (await request<{ events: OpeningEvent[] }>('GET', `${base(tradeId)}/events?after=${after}`, opts(signal))).events;
}

export function startOpening(tradeId: number): Promise<OpeningView> {
  return request<OpeningView>('POST', `${base(tradeId)}/start`, { body: {} });
}

export interface SealedShareView {
  index: number;
  certificateSerial: string;
  /** base64 CMS, sealed to the official's own encryption certificate. */
  sealedShare: string;
}

/** The caller's (an official's) sealed share of this trade's opening key. */
export function mySealedShare(tradeId: number, signal?: AbortSignal): Promise<SealedShareView> {
  return request<SealedShareView>('GET', `/api/trades/${tradeId}/opening-share`, opts(signal));
}

export function submitShare(tradeId: number, share: string): Promise<OpeningView> {
  return request<OpeningView>('POST', `${base(tradeId)}/shares`, { body: { share } });
}

export function unlock(tradeId: number, bidId: number, cek: string): Promise<OpeningView> {
  return request<OpeningView>('POST', `${base(tradeId)}/unlock`, { body: { bidId, cek } });
}

export function remedy(tradeId: number, bidId: number, fault: 'bidder' | 'other', note: string): Promise<OpeningView> {
  return request<OpeningView>('POST', `${base(tradeId)}/remedy`, { body: { bidId, fault, note } });
}

export function publishRecord(tradeId: number): Promise<OpeningView> {
  return request<OpeningView>('POST', `${base(tradeId)}/publish`, { body: {} });
}

export function confirm(tradeId: number, decision: 'confirm' | 'object', text?: string): Promise<OpeningView> {
  return request<OpeningView>('POST', `${base(tradeId)}/confirmations`, { body: text !== undefined ? { decision, text } : { decision } });
}

export function recordPdfUrl(tradeId: number): string {
  return `${base(tradeId)}/record.pdf`;
}

/** The caller's own sealed envelope, byte for byte (GET /api/trades/:id/bids/:bidId/envelope). */
export async function myEnvelope(tradeId: number, bidId: number, signal?: AbortSignal): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(`/api/trades/${tradeId}/bids/${bidId}/envelope`, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/cms, application/octet-stream, application/problem+json' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'NETWORK_ERROR');
  }
  if (!response.ok) {
    let problem: Problem | null = null;
    try {
      const body: unknown = await response.json();
      if (body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string') problem = body as Problem;
    } catch {
      // not JSON
    }
    throw new ApiError(response.status, problem?.code ?? 'HTTP_ERROR', problem);
  }
  return new Uint8Array(await response.arrayBuffer());
}

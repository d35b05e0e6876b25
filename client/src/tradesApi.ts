/**
 * HTTP calls of the trades, documents, bids and notifications pages. Type-only imports from
 * contracts/ (no zod in the bundle). JSON calls go through api.request (cookie session + CSRF);
 * multipart uploads go through XMLHttpRequest so the page can show upload progress.
 */
import type { OrganisationView } from '../../contracts/identity.js';
import type { BidReceiptView, BidView, WithdrawalView } from '../../contracts/bids.js';
import type { Problem } from '../../contracts/errors.js';
import type {
  DocumentKind,
  DocumentView,
  DownloadView,
  NotificationView,
  RegistrationView,
  TradeNoticeInput,
  TradeView,
} from '../../contracts/trades.js';
import { ApiError, CSRF_HEADER_NAME, getCsrfToken, request } from './api.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export async function listTrades(signal?: AbortSignal): Promise<TradeView[]> {
  return (await request<{ trades: TradeView[] }>('GET', '/api/trades', opts(signal))).trades;
}

export function getTrade(id: number, signal?: AbortSignal): Promise<TradeView> {
  return request<TradeView>('GET', `/api/trades/${id}`, opts(signal));
}

export function createTrade(notice: TradeNoticeInput): Promise<TradeView> {
  return request<TradeView>('POST', '/api/trades', { body: notice });
}

export function fireTransition(id: number, transition: string, reason?: string): Promise<TradeView> {
  return request<TradeView>('POST', `/api/trades/${id}/transitions/${encodeURIComponent(transition)}`, { body: reason ? { reason } : {} });
}

export async function listDocuments(id: number, signal?: AbortSignal): Promise<DocumentView[]> {
  return (await request<{ documents: DocumentView[] }>('GET', `/api/trades/${id}/documents`, opts(signal))).documents;
}

export function documentUrl(tradeId: number, documentId: number): string {
  return `/api/trades/${tradeId}/documents/${documentId}/content`;
}

export function registerForTrade(id: number): Promise<RegistrationView> {
  return request<RegistrationView>('POST', `/api/trades/${id}/registrations`, { body: {} });
}

export function downloadRegister(id: number, signal?: AbortSignal): Promise<{ registrations: RegistrationView[]; downloads: DownloadView[] }> {
  return request('GET', `/api/trades/${id}/downloads`, opts(signal));
}

export async function myBids(id: number, signal?: AbortSignal): Promise<BidView[]> {
  return (await request<{ bids: BidView[] }>('GET', `/api/trades/${id}/bids`, opts(signal))).bids;
}

export function bidReceipt(tradeId: number, bidId: number): Promise<BidReceiptView> {
  return request<BidReceiptView>('GET', `/api/trades/${tradeId}/bids/${bidId}/receipt`);
}

export function withdrawBid(tradeId: number, bidId: number): Promise<WithdrawalView> {
  return request<WithdrawalView>('POST', `/api/trades/${tradeId}/bids/${bidId}/withdraw`, { body: {} });
}

export async function notifications(signal?: AbortSignal): Promise<NotificationView[]> {
  return (await request<{ notifications: NotificationView[] }>('GET', '/api/notifications', opts(signal))).notifications;
}

export function markNotificationRead(id: number): Promise<NotificationView> {
  return request<NotificationView>('POST', `/api/notifications/${id}/read`, { body: {} });
}

export function organisations(signal?: AbortSignal): Promise<OrganisationView[]> {
  return request<OrganisationView[]>('GET', '/api/organisations', opts(signal));
}

export interface OfficialChoice {
  id: number;
  username: string;
  displayName: string;
  regionCode: string;
  /** Serial of the certificate the official holds today, or null (such an official gets no share). */
  certificateSerial: string | null;
}

/** Opening officials a notice may name (staff: those in their jurisdiction). */
export function officials(signal?: AbortSignal): Promise<OfficialChoice[]> {
  return request<{ officials: OfficialChoice[] }>('GET', '/api/officials', opts(signal)).then((r) => r.officials);
}

// ---------------------------------------------------------------------------------------------
// multipart uploads with progress

export interface UploadPart {
  name: string;
  value: Blob | string;
  fileName?: string;
}

export interface UploadOptions {
  /** Called with bytes sent and total as the body goes out (XMLHttpRequest upload.onprogress). */
  onProgress?: (sent: number, total: number) => void;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * POSTs multipart/form-data and resolves ONLY with a 2xx JSON answer. A network error, an abort,
 * a timeout, a non-JSON answer or any 4xx/5xx (e.g. a 504 from a proxy) rejects with an ApiError.
 */
export function uploadMultipart<T>(path: string, parts: UploadPart[], options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const form = new FormData();
    for (const part of parts) {
      if (typeof part.value === 'string') form.append(part.name, part.value);
      else form.append(part.name, part.value, part.fileName ?? part.name);
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    const csrf = getCsrfToken();
    if (csrf) xhr.setRequestHeader(CSRF_HEADER_NAME, csrf);
    for (const [name, value] of Object.entries(options.headers ?? {})) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) options.onProgress?.(event.loaded, event.total);
    };
    const fail = () => reject(new ApiError(0, 'NETWORK_ERROR'));
    xhr.onerror = fail;
    xhr.ontimeout = fail;
    xhr.onabort = fail;
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body !== null && typeof body === 'object') {
        resolve(body as T);
        return;
      }
      const problem = body !== null && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string' ? (body as Problem) : null;
      reject(new ApiError(xhr.status, problem?.code ?? 'HTTP_ERROR', problem));
    };
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

export function uploadDocument(
  tradeId: number,
  fields: { kind: DocumentKind; title: string; affectsBids?: boolean },
  file: File,
  onProgress?: (sent: number, total: number) => void,
): Promise<DocumentView> {
  const parts: UploadPart[] = [
    { name: 'kind', value: fields.kind },
    { name: 'title', value: fields.title },
  ];
  if (fields.affectsBids !== undefined) parts.push({ name: 'affectsBids', value: String(fields.affectsBids) });
  parts.push({ name: 'file', value: file, fileName: file.name });
  return uploadMultipart<DocumentView>(`/api/trades/${tradeId}/documents`, parts, onProgress ? { onProgress } : {});
}

export function uploadSealedBid(
  tradeId: number,
  sealed: { envelope: Uint8Array; signature: Uint8Array; fileName: string },
  options: { replaces?: number; idempotencyKey: string; onProgress?: (sent: number, total: number) => void },
): Promise<BidReceiptView> {
  const parts: UploadPart[] = [];
  if (options.replaces !== undefined) parts.push({ name: 'replaces', value: String(options.replaces) });
  parts.push({ name: 'envelope', value: new Blob([sealed.envelope as BlobPart], { type: 'application/cms' }), fileName: sealed.fileName });
  parts.push({ name: 'signature', value: new Blob([sealed.signature as BlobPart], { type: 'application/cms' }), fileName: `${sealed.fileName}.sig` });
  return uploadMultipart<BidReceiptView>(`/api/trades/${tradeId}/bids`, parts, {
    headers: { 'Idempotency-Key': options.idempotencyKey },
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

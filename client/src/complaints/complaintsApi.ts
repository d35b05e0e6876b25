/**
 * HTTP calls of objections / challenges (异议 / 质疑), complaints (投诉) and the published
 * decisions. Type-only imports from contracts/complaints.ts (no zod in the bundle). Filings are
 * multipart (their attachments), sent through tradesApi.uploadMultipart; the rest is JSON.
 */
import type {
  ComplaintDecisionView,
  ComplaintOutcome,
  ComplaintRemedy,
  ComplaintSubject,
  ComplaintView,
  ObjectionView,
} from '../../../contracts/complaints.js';
import { request } from '../api.js';
import { uploadMultipart, type UploadPart } from '../tradesApi.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

/** Same values as contracts' COMPLAINT_SUBJECTS (a value import would pull zod in). */
export const SUBJECTS = ['documents', 'opening', 'candidates', 'award', 'process'] as const satisfies readonly ComplaintSubject[];
/** Same values as contracts' COMPLAINT_OUTCOMES / COMPLAINT_REMEDIES. */
export const OUTCOMES = ['dismissed', 'upheld'] as const satisfies readonly ComplaintOutcome[];
export const REMEDIES = ['none', 'keep', 'recheck', 'correct_documents', 're_tender'] as const satisfies readonly ComplaintRemedy[];
/** contracts' ATTACHMENT_PARTS: at most five attachments. */
export const MAX_ATTACHMENTS = 5;

export interface Filing {
  subject: ComplaintSubject;
  facts: string;
  request: string;
  legalBasis: string;
  step?: string;
  objectionId?: number;
  attachments: File[];
}

function parts(filing: Filing): UploadPart[] {
  const out: UploadPart[] = [
    { name: 'subject', value: filing.subject },
    { name: 'facts', value: filing.facts },
    { name: 'request', value: filing.request },
    { name: 'legalBasis', value: filing.legalBasis },
  ];
  if (filing.step) out.push({ name: 'step', value: filing.step });
  if (filing.objectionId !== undefined) out.push({ name: 'objectionId', value: String(filing.objectionId) });
  filing.attachments.slice(0, MAX_ATTACHMENTS).forEach((file, i) => out.push({ name: `attachment${i + 1}`, value: file, fileName: file.name }));
  return out;
}

export function fileObjection(tradeId: number, filing: Filing, onProgress?: (sent: number, total: number) => void): Promise<ObjectionView> {
  return uploadMultipart<ObjectionView>(`/api/trades/${tradeId}/objections`, parts(filing), onProgress ? { onProgress } : {});
}

export function fileComplaint(tradeId: number, filing: Filing, onProgress?: (sent: number, total: number) => void): Promise<ComplaintView> {
  return uploadMultipart<ComplaintView>(`/api/trades/${tradeId}/complaints`, parts(filing), onProgress ? { onProgress } : {});
}

export async function tradeObjections(tradeId: number, signal?: AbortSignal): Promise<ObjectionView[]> {
  return (await request<{ objections: ObjectionView[] }>('GET', `/api/trades/${tradeId}/objections`, opts(signal))).objections;
}

export async function tradeComplaints(tradeId: number, signal?: AbortSignal): Promise<ComplaintView[]> {
  return (await request<{ complaints: ComplaintView[] }>('GET', `/api/trades/${tradeId}/complaints`, opts(signal))).complaints;
}

export async function myObjections(signal?: AbortSignal): Promise<ObjectionView[]> {
  return (await request<{ objections: ObjectionView[] }>('GET', '/api/objections', opts(signal))).objections;
}

export async function myComplaints(signal?: AbortSignal): Promise<ComplaintView[]> {
  return (await request<{ complaints: ComplaintView[] }>('GET', '/api/complaints', opts(signal))).complaints;
}

export function replyObjection(id: number, body: { reply: string; upheld: boolean; grounds?: string[] }): Promise<ObjectionView> {
  return request<ObjectionView>('POST', `/api/objections/${id}/reply`, { body });
}

export function withdrawObjection(id: number, reason?: string): Promise<ObjectionView> {
  return request<ObjectionView>('POST', `/api/objections/${id}/withdraw`, { body: reason ? { reason } : {} });
}

export function withdrawComplaint(id: number, reason?: string): Promise<ComplaintView> {
  return request<ComplaintView>('POST', `/api/complaints/${id}/withdraw`, { body: reason ? { reason } : {} });
}

export function acceptComplaint(id: number, note?: string): Promise<ComplaintView> {
  return request<ComplaintView>('POST', `/api/complaints/${id}/accept`, { body: note ? { note } : {} });
}

export function rejectComplaint(id: number, reason: string): Promise<ComplaintView> {
  return request<ComplaintView>('POST', `/api/complaints/${id}/reject`, { body: { reason } });
}

export function decideComplaint(id: number, body: { outcome: ComplaintOutcome; decision: string; remedy: ComplaintRemedy; grounds?: string[] }): Promise<ComplaintView> {
  return request<ComplaintView>('POST', `/api/complaints/${id}/decide`, { body });
}

/** Published decisions (public): all, or one trade's. */
export async function decisions(tradeId?: number, signal?: AbortSignal): Promise<ComplaintDecisionView[]> {
  const path = tradeId === undefined ? '/api/complaints/decisions' : `/api/trades/${tradeId}/decisions`;
  return (await request<{ decisions: ComplaintDecisionView[] }>('GET', path, opts(signal))).decisions;
}

export function attachmentUrl(owner: 'objection' | 'complaint', id: number, attachmentId: number): string {
  return `/api/${owner === 'objection' ? 'objections' : 'complaints'}/${id}/attachments/${attachmentId}/content`;
}

/**
 * HTTP calls of the expert draw (随机抽取评标专家) and the expert's invitations. Type-only imports
 * from contracts/experts.ts (no zod in the bundle); every call goes through api.request (cookie
 * session + CSRF).
 */
import type { AssignmentView, DrawView, ReplayView } from '../../../contracts/experts.js';
import { request } from '../api.js';

const opts = (signal?: AbortSignal) => (signal ? { signal } : {});

export interface SeatRequest {
  specialty: string;
  count: number;
}

/** A trade's draws, newest first (staff, supervisors). */
export async function listDraws(tradeId: number, signal?: AbortSignal): Promise<DrawView[]> {
  return (await request<{ draws: DrawView[] }>('GET', `/api/trades/${tradeId}/draws`, opts(signal))).draws;
}

export function getDraw(tradeId: number, drawId: number, signal?: AbortSignal): Promise<DrawView> {
  return request<DrawView>('GET', `/api/trades/${tradeId}/draws/${drawId}`, opts(signal));
}

/** Step 1: snapshot the eligible pool and publish the seed's hash. */
export function commitDraw(tradeId: number, seats: SeatRequest[], tendereeRepresentatives: number): Promise<DrawView> {
  return request<DrawView>('POST', `/api/trades/${tradeId}/draws`, { body: { seats, tendereeRepresentatives } });
}

/** Step 2: draw and reveal the seed. */
export function runDraw(tradeId: number, drawId: number): Promise<DrawView> {
  return request<DrawView>('POST', `/api/trades/${tradeId}/draws/${drawId}/run`, { body: {} });
}

export function replayDraw(tradeId: number, drawId: number): Promise<ReplayView> {
  return request<ReplayView>('GET', `/api/trades/${tradeId}/draws/${drawId}/replay`);
}

export async function myAssignments(signal?: AbortSignal): Promise<AssignmentView[]> {
  return (await request<{ assignments: AssignmentView[] }>('GET', '/api/experts/assignments', opts(signal))).assignments;
}

export function respond(assignmentId: number, accept: boolean, reason?: string): Promise<AssignmentView> {
  return request<AssignmentView>('POST', `/api/experts/assignments/${assignmentId}/respond`, { body: reason ? { accept, reason } : { accept } });
}

export function declareConflict(organisationId: number, reason: string): Promise<{ organisationId: number; reason: string; declaredAt: string }> {
  return request('POST', '/api/experts/conflicts', { body: { organisationId, reason } });
}

import { z } from 'zod';
import { AssignmentParams, ConflictRequest, DrawCommitRequest, DrawParams, ExpertStatusRequest, RespondRequest } from '../../../contracts/experts.js';
import { IdParams } from '../../../contracts/values.js';
import { roles, route, type RouteSpec } from '../../kernel/http.js';
import type { ExpertService } from './service.js';

export function expertRoutes(experts: ExpertService): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/experts',
      guard: roles('admin', 'center_staff', 'supervisor'),
      summary: 'The expert pool: specialties, region, employer, qualification, status',
      handle: async () => ({ experts: await experts.pool() }),
    }),
    route({
      method: 'patch',
      path: '/api/experts/:id/status',
      guard: roles('admin', 'center_staff'),
      summary: 'Suspend an expert (not drawn) or make them active again',
      params: IdParams,
      body: ExpertStatusRequest,
      status: 204,
      handle: ({ actor, params, body }) => experts.setStatus(actor, params.id, body.status, body.reason),
    }),
    route({
      method: 'post',
      path: '/api/experts/conflicts',
      guard: roles('expert'),
      summary: 'Declare a conflict of interest with an organisation (the expert is then never drawn for its trades)',
      body: ConflictRequest,
      status: 201,
      handle: ({ actor, body }) => experts.declareConflict(actor, body.organisationId, body.reason),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/draws',
      guard: roles('admin', 'center_staff'),
      summary: 'Commit a draw: snapshot the eligible pool and publish the seed’s hash',
      params: IdParams,
      body: DrawCommitRequest,
      status: 201,
      handle: ({ actor, params, body }) => experts.commit(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/draws/:drawId/run',
      guard: roles('admin', 'center_staff'),
      summary: 'Run a committed draw and reveal its seed',
      params: DrawParams,
      body: z.strictObject({}),
      handle: ({ actor, params }) => experts.run(actor, params.id, params.drawId),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/draws',
      guard: roles('admin', 'center_staff', 'supervisor'),
      summary: 'A trade’s draws, newest first',
      params: IdParams,
      handle: async ({ actor, params }) => ({ draws: await experts.list(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/draws/:drawId',
      guard: roles('admin', 'center_staff', 'supervisor'),
      summary: 'A draw: commitment, revealed seed, pool hash, seats and answers',
      params: DrawParams,
      handle: ({ actor, params }) => experts.view(actor, params.id, params.drawId),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/draws/:drawId/replay',
      guard: roles('admin', 'center_staff', 'supervisor'),
      summary: 'Recompute a draw from its published pool snapshot and revealed seed',
      params: DrawParams,
      handle: ({ actor, params }) => experts.replay(actor, params.id, params.drawId),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/draws/:drawId/published',
      guard: roles('admin', 'center_staff', 'supervisor'),
      summary: 'What a replay needs: the pool snapshot, the request and the revealed seed',
      params: DrawParams,
      handle: ({ actor, params }) => experts.published(actor, params.id, params.drawId),
    }),
    route({
      method: 'get',
      path: '/api/experts/assignments',
      guard: roles('expert'),
      summary: 'The caller’s invitations to evaluate',
      handle: async ({ actor }) => ({ assignments: await experts.assignmentsOf(actor) }),
    }),
    route({
      method: 'post',
      path: '/api/experts/assignments/:id/respond',
      guard: roles('expert'),
      summary: 'Accept or decline an invitation (a decline is refilled by the same draw)',
      params: AssignmentParams,
      body: RespondRequest,
      handle: ({ actor, params, body }) => experts.respond(actor, params.id, body.accept, body.reason),
    }),
  ];
}

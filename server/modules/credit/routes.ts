import {
  CreditListQuery, FeedQuery, PeerParams, RecordCreditRequest, RepairDecisionRequest, RepairParams, RepairRequest, UsccParams,
} from '../../../contracts/credit.js';
import { IdParams } from '../../../contracts/values.js';
import { z } from 'zod';
import { AUTHENTICATED, PUBLIC, roles, route, type RouteSpec } from '../../kernel/http.js';
import type { CreditService } from './service.js';

const RepairListQuery = z.strictObject({ status: z.enum(['pending', 'granted', 'refused']).optional() });

export function creditRoutes(credit: CreditService): RouteSpec[] {
  return [
    // ── public: the credit list (信用公示), scores, this deployment's signed feed ──
    route({
      method: 'get',
      path: '/api/public/credit',
      guard: PUBLIC,
      summary: 'Public credit list: penalties in force (status=all for every record), searchable by USCC, ID number or name (q) and issuing region',
      query: CreditListQuery,
      handle: async ({ query }) => ({ records: await credit.list({ kind: 'penalty', ...query }, true) }),
    }),
    route({
      method: 'get',
      path: '/api/public/credit/organisations/:uscc',
      guard: PUBLIC,
      summary: 'An organisation’s credit score now, its records and the score’s history',
      params: UsccParams,
      handle: async ({ params }) => credit.score(params.uscc),
    }),
    route({
      method: 'get',
      path: '/api/credit/feed',
      guard: PUBLIC,
      summary: 'This deployment’s append-only credit feed: entries after SEQ, each a CMS SignedData by the region certificate',
      query: FeedQuery,
      handle: async ({ query }) => credit.feed.page(query.after, query.limit),
    }),
    // ── records ──
    route({
      method: 'post',
      path: '/api/credit/records',
      guard: roles('supervisor', 'admin'),
      summary: 'Record a penalty (不良行为记录) or commendation; its restrictions apply in every region at once',
      body: RecordCreditRequest,
      status: 201,
      handle: async ({ actor, body }) => credit.record(actor, body),
    }),
    route({
      method: 'get',
      path: '/api/credit/records',
      guard: AUTHENTICATED,
      summary: 'Credit records (local and received from peers), full detail; status=active by default',
      query: CreditListQuery,
      handle: async ({ actor, query }) => ({ records: await credit.list(query, actor.role !== 'supervisor' && actor.role !== 'admin') }),
    }),
    route({
      method: 'get',
      path: '/api/credit/records/:id',
      guard: AUTHENTICATED,
      summary: 'One credit record',
      params: IdParams,
      handle: async ({ actor, params }) => credit.get(params.id, actor.role !== 'supervisor' && actor.role !== 'admin'),
    }),
    // ── repair (信用修复) and objection ──
    route({
      method: 'post',
      path: '/api/credit/records/:id/applications',
      guard: roles('bidder', 'agent', 'expert'),
      summary: 'The record’s subject applies for a credit repair (after the minimum publicity period) or objects to the record',
      params: IdParams,
      body: RepairRequest,
      status: 201,
      handle: async ({ actor, params, body }) => credit.applyRepair(actor, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/credit/applications',
      guard: AUTHENTICATED,
      summary: 'Repair and objection applications: a supervisor’s jurisdiction, or one’s own',
      query: RepairListQuery,
      handle: async ({ actor, query }) => ({ applications: await credit.repairs(actor, query.status) }),
    }),
    route({
      method: 'post',
      path: '/api/credit/applications/:id/decision',
      guard: roles('supervisor', 'admin'),
      summary: 'The issuing region decides an application; granting lifts the record early (repair) or revokes it (objection)',
      params: RepairParams,
      body: RepairDecisionRequest,
      handle: async ({ actor, params, body }) => credit.decideRepair(actor, params.id, body),
    }),
    // ── federation ──
    route({
      method: 'get',
      path: '/api/credit/peers',
      guard: roles('admin', 'supervisor', 'center_staff'),
      summary: 'Configured peer deployments: progress, failures, next attempt and refused entries',
      handle: async () => ({ region: credit.region, peers: await credit.peers.list() }),
    }),
    route({
      method: 'post',
      path: '/api/credit/peers/:code/pull',
      guard: roles('admin', 'supervisor'),
      summary: 'Pull a peer’s feed now (otherwise every CREDIT_PULL_SECONDS)',
      params: PeerParams,
      handle: async ({ params }) => credit.peers.pull(params.code),
    }),
  ];
}

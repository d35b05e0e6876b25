import { z } from 'zod';
import {
  AwardRequest,
  CandidateParams,
  ContractFields,
  DeclineRequest,
  DisqualifyRequest,
  PublicityListQuery,
  ResultNoticeParams,
  StartPublicityRequest,
} from '../../../contracts/award.js';
import { Id, IdParams } from '../../../contracts/values.js';
import { AUTHENTICATED, PUBLIC, roles, route, type RouteSpec } from '../../kernel/http.js';
import { receiveMultipart } from '../../kernel/upload.js';
import type { AwardService } from './service.js';

/** The signed contract PDF: 50 MiB is plenty for a scanned contract with its annexes. */
const CONTRACT_MAX_BYTES = 50 * 1024 * 1024;

const NoticeParams = z.strictObject({ id: Id, seq: Id });
const OldResultParams = z.strictObject({ id: Id, seq: Id, bidId: Id });

export function awardRoutes(award: AwardService): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/api/trades/:id/publicity',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Publish the candidates (中标候选人公示 / 结果公告): fires start_publicity; the window comes from award.publicity_period.* on the region calendar',
      params: IdParams,
      body: StartPublicityRequest,
      status: 201,
      handle: async ({ actor, params, body }) => award.startPublicity(actor, params.id, body.note),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/publicity',
      guard: PUBLIC,
      summary: 'The publicity of a trade: candidates (rank, bidder, USCC, price, total), window, round, status; earlier rounds',
      params: IdParams,
      handle: async ({ actor, params }) => award.publicity(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/api/publicity',
      guard: PUBLIC,
      summary: 'The portal list of publicities (running, ended, withdrawn) with their results',
      query: PublicityListQuery,
      handle: async ({ query }) => ({ publicities: await award.publicityList(query) }),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/candidates/:bidId/disqualify',
      guard: roles('admin', 'center_staff', 'agent', 'supervisor'),
      summary: 'Disqualify a candidate with a reason (during publicity or after the award); the award passes to the next candidate',
      params: CandidateParams,
      body: DisqualifyRequest,
      handle: async ({ actor, params, body }) => award.disqualify(actor, params.id, params.bidId, body.reason),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/award/decline',
      guard: roles('bidder'),
      summary: 'The winning bidder declines the award (放弃中标) before the contract; the award passes to the next candidate',
      params: IdParams,
      body: DeclineRequest,
      handle: async ({ actor, params, body }) => award.decline(actor, params.id, body.reason),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/award',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'The award (定标) after the publicity: fires award, issues the award notice and the result notices (PDF, published)',
      params: IdParams,
      body: AwardRequest,
      status: 201,
      handle: async ({ actor, params }) => award.award(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/award',
      guard: PUBLIC,
      summary: 'The award: current and void notices with links and SHA-256, candidates, the contract summary',
      params: IdParams,
      handle: async ({ actor, params }) => award.summary(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/award/notice.pdf',
      guard: PUBLIC,
      summary: 'The current award notice (中标通知书 / 成交通知书), as published',
      params: IdParams,
      handle: async ({ actor, params, res }) => award.sendNotice(actor, params.id, null, res),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/award/results/:bidId.pdf',
      guard: PUBLIC,
      summary: 'The result notice (中标结果通知书) of a bidder that was not awarded, for the current notice',
      params: ResultNoticeParams,
      handle: async ({ actor, params, res }) => award.sendResult(actor, params.id, null, params.bidId, res),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/award/notices/:seq.pdf',
      guard: PUBLIC,
      summary: 'An award notice by its number in the trade (void ones stay published)',
      params: NoticeParams,
      handle: async ({ actor, params, res }) => award.sendNotice(actor, params.id, params.seq, res),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/award/notices/:seq/results/:bidId.pdf',
      guard: PUBLIC,
      summary: 'A result notice that went with an earlier (void) award notice',
      params: OldResultParams,
      handle: async ({ actor, params, res }) => award.sendResult(actor, params.id, params.seq, params.bidId, res),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/contract',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Record the signed contract (合同备案); multipart: signedOn, amountFen, parties (JSON), file (the signed PDF)',
      params: IdParams,
      status: 201,
      raw: true,
      handle: async ({ actor, params, req, res }) => {
        const upload = await receiveMultipart(req, res, award.blobs, [{ name: 'file', maxBytes: CONTRACT_MAX_BYTES, required: true }], ContractFields);
        try {
          return await award.recordContract(actor, params.id, upload);
        } catch (error) {
          await upload.discard();
          throw error;
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/contract',
      guard: PUBLIC,
      summary: 'The contract record: signing date, amount, parties, the document’s SHA-256, on time or late',
      params: IdParams,
      handle: async ({ actor, params }) => ({ contract: await award.contract(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/contract/document',
      guard: AUTHENTICATED,
      summary: 'The signed contract document (its parties, the trading center, supervisors)',
      params: IdParams,
      handle: async ({ actor, params, res }) => award.sendContractDocument(actor, params.id, res),
    }),
  ];
}

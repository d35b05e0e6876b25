import {
  ATTACHMENT_PARTS,
  AttachmentParams,
  ComplaintAcceptRequest,
  ComplaintDecideRequest,
  ComplaintFields,
  ComplaintListQuery,
  ComplaintRejectRequest,
  ObjectionFields,
  ObjectionListQuery,
  ObjectionReplyRequest,
  WithdrawRequest,
} from '../../../contracts/complaints.js';
import { IdParams } from '../../../contracts/values.js';
import type { Config } from '../../config.js';
import { AUTHENTICATED, PUBLIC, roles, route, type RouteSpec } from '../../kernel/http.js';
import { receiveMultipart, type Received } from '../../kernel/upload.js';
import type { ComplaintService } from './service.js';

const MANAGERS = ['admin', 'center_staff', 'agent'] as const;

export function complaintRoutes(complaints: ComplaintService, config: Pick<Config, 'documentMaxBytes'>): RouteSpec[] {
  const parts = ATTACHMENT_PARTS.map((name) => ({ name, maxBytes: config.documentMaxBytes, required: false }));
  /** Runs `file` on a received upload; the temp files go on any failure. */
  const withUpload = async <F, R>(upload: Received<F>, file: (u: Received<F>) => Promise<R>): Promise<R> => {
    try {
      return await file(upload);
    } catch (error) {
      await upload.discard();
      throw error;
    }
  };
  return [
    // ── objections / challenges (异议 / 质疑) ──
    route({
      method: 'post',
      path: '/api/trades/:id/objections',
      guard: roles('bidder'),
      summary: 'Raise an objection (异议) or challenge (质疑) to the tenderee/agent; multipart: subject, facts, request, legalBasis, step?, attachment1…5',
      params: IdParams,
      status: 201,
      raw: true,
      handle: async ({ actor, params, req, res }) => {
        const upload = await receiveMultipart(req, res, complaints.blobs, parts, ObjectionFields);
        return withUpload(upload, (u) => complaints.fileObjection(actor, params.id, u));
      },
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/objections',
      guard: AUTHENTICATED,
      summary: 'Objections of a trade: all for its staff, agent and supervisors; a bidder’s own organisation’s',
      params: IdParams,
      query: ObjectionListQuery,
      handle: async ({ actor, params, query }) => ({ objections: await complaints.tradeObjections(actor, params.id, query.status) }),
    }),
    route({
      method: 'get',
      path: '/api/objections',
      guard: AUTHENTICATED,
      summary: 'The caller’s objections: a bidder’s organisation’s; staff, agents and supervisors: those on their trades',
      query: ObjectionListQuery,
      handle: async ({ actor, query }) => ({ objections: await complaints.myObjections(actor, query.status) }),
    }),
    route({
      method: 'get',
      path: '/api/objections/:id',
      guard: AUTHENTICATED,
      summary: 'One objection with its reply (parties only)',
      params: IdParams,
      handle: async ({ actor, params }) => complaints.getObjection(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/api/objections/:id/reply',
      guard: roles(...MANAGERS),
      summary: 'Reply to an objection (the trade’s staff or agent); an upheld objection to the candidates opens a recheck',
      params: IdParams,
      body: ObjectionReplyRequest,
      handle: async ({ actor, params, body }) => complaints.replyObjection(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/objections/:id/withdraw',
      guard: roles('bidder'),
      summary: 'Withdraw one’s own pending objection',
      params: IdParams,
      body: WithdrawRequest,
      handle: async ({ actor, params, body }) => complaints.withdrawObjection(actor, params.id, body.reason),
    }),
    route({
      method: 'get',
      path: '/api/objections/:id/attachments/:attachmentId/content',
      guard: AUTHENTICATED,
      summary: 'Download an objection’s attachment (parties only; SHA-256 in X-Content-SHA256)',
      params: AttachmentParams,
      handle: async ({ actor, params, res }) => complaints.downloadAttachment(actor, 'objection', params.id, params.attachmentId, res),
    }),
    // ── complaints (投诉) ──
    route({
      method: 'post',
      path: '/api/trades/:id/complaints',
      guard: roles('bidder'),
      summary: 'Complain (投诉) to the supervisor; multipart: subject, facts, request, legalBasis, objectionId?, step?, attachment1…5',
      params: IdParams,
      status: 201,
      raw: true,
      handle: async ({ actor, params, req, res }) => {
        const upload = await receiveMultipart(req, res, complaints.blobs, parts, ComplaintFields);
        return withUpload(upload, (u) => complaints.fileComplaint(actor, params.id, u));
      },
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/complaints',
      guard: AUTHENTICATED,
      summary: 'Complaints about a trade: all for its staff, agent and supervisors; a bidder’s own organisation’s',
      params: IdParams,
      query: ComplaintListQuery,
      handle: async ({ actor, params, query }) => ({ complaints: await complaints.tradeComplaints(actor, params.id, query.status) }),
    }),
    route({
      method: 'get',
      path: '/api/complaints',
      guard: AUTHENTICATED,
      summary: 'The caller’s complaints: a bidder’s organisation’s; supervisors: their region’s; staff and agents: their trades’',
      query: ComplaintListQuery,
      handle: async ({ actor, query }) => ({ complaints: await complaints.myComplaints(actor, query.status) }),
    }),
    route({
      method: 'get',
      path: '/api/complaints/decisions',
      guard: PUBLIC,
      summary: 'Published complaint decisions (投诉处理决定)',
      handle: async () => ({ decisions: await complaints.decisions() }),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/decisions',
      guard: PUBLIC,
      summary: 'A trade’s published complaint decisions',
      params: IdParams,
      handle: async ({ actor, params }) => ({ decisions: await complaints.decisions(params.id, actor) }),
    }),
    route({
      method: 'get',
      path: '/api/complaints/:id',
      guard: AUTHENTICATED,
      summary: 'One complaint with its handling (parties only)',
      params: IdParams,
      handle: async ({ actor, params }) => complaints.getComplaint(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/api/complaints/:id/accept',
      guard: roles('supervisor'),
      summary: 'Accept a complaint (受理): the trade is suspended until the decision',
      params: IdParams,
      body: ComplaintAcceptRequest,
      handle: async ({ actor, params, body }) => complaints.accept(actor, params.id, body.note),
    }),
    route({
      method: 'post',
      path: '/api/complaints/:id/reject',
      guard: roles('supervisor'),
      summary: 'Reject a complaint (不予受理) with reasons',
      params: IdParams,
      body: ComplaintRejectRequest,
      handle: async ({ actor, params, body }) => complaints.reject(actor, params.id, body.reason),
    }),
    route({
      method: 'post',
      path: '/api/complaints/:id/decide',
      guard: roles('supervisor'),
      summary: 'Decide an accepted complaint (处理决定): lifts the suspension; published',
      params: IdParams,
      body: ComplaintDecideRequest,
      handle: async ({ actor, params, body }) => complaints.decide(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/complaints/:id/withdraw',
      guard: roles('bidder'),
      summary: 'Withdraw one’s own complaint (撤回投诉): handling ends, a suspension is lifted',
      params: IdParams,
      body: WithdrawRequest,
      handle: async ({ actor, params, body }) => complaints.withdrawComplaint(actor, params.id, body.reason),
    }),
    route({
      method: 'get',
      path: '/api/complaints/:id/attachments/:attachmentId/content',
      guard: AUTHENTICATED,
      summary: 'Download a complaint’s attachment (parties only; SHA-256 in X-Content-SHA256)',
      params: AttachmentParams,
      handle: async ({ actor, params, res }) => complaints.downloadAttachment(actor, 'complaint', params.id, params.attachmentId, res),
    }),
  ];
}

import { z } from 'zod';
import {
  DocumentParams,
  DocumentUploadFields,
  TradeCreateRequest,
  TradeListQuery,
  TradeUpdateRequest,
  TransitionParams,
  TransitionRequest,
} from '../../../contracts/trades.js';
import { IdParams } from '../../../contracts/values.js';
import type { Config } from '../../config.js';
import { AUTHENTICATED, PUBLIC, roles, route, type RouteSpec } from '../../kernel/http.js';
import { receiveMultipart } from '../../kernel/upload.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { TradeService } from './service.js';

export function tradeRoutes(trades: TradeService, blobs: BlobStore, config: Pick<Config, 'documentMaxBytes'>): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/trades',
      guard: PUBLIC,
      summary: 'Published trades (notices) — drafts only for those who manage them',
      query: TradeListQuery,
      handle: async ({ actor, query }) => ({ trades: await trades.list(actor, query) }),
    }),
    route({
      method: 'post',
      path: '/api/trades',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Create a trade (draft notice)',
      body: TradeCreateRequest,
      status: 201,
      handle: async ({ actor, body }) => trades.view(await trades.create(actor, body), actor),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id',
      guard: PUBLIC,
      summary: 'One trade with its notice, limits and history',
      params: IdParams,
      handle: async ({ actor, params }) => trades.view(await trades.visible(params.id, actor), actor, true),
    }),
    route({
      method: 'put',
      path: '/api/trades/:id',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Edit a draft notice',
      params: IdParams,
      body: TradeUpdateRequest,
      handle: async ({ actor, params, body }) => trades.view(await trades.update(actor, params.id, body), actor),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/transitions/:transition',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Fire a lifecycle transition (publish, cancel) declared in the method table',
      params: TransitionParams,
      body: TransitionRequest,
      handle: async ({ actor, params, body }) => trades.view(await trades.fireByHand(actor, params.id, params.transition, body.reason), actor, true),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/retender',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Tender a failed trade (流标) again: a new draft that names it',
      params: IdParams,
      body: z.strictObject({}),
      status: 201,
      handle: async ({ actor, params }) => trades.view(await trades.retender(actor, params.id), actor),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/documents',
      guard: PUBLIC,
      summary: 'Documents and clarifications of a trade, each with its SHA-256',
      params: IdParams,
      handle: async ({ actor, params }) => ({ documents: await trades.documents(actor, params.id) }),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/documents',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Upload a tender document (draft) or a clarification/amendment (bidding); multipart: file, kind, title, affectsBids',
      params: IdParams,
      status: 201,
      raw: true,
      handle: async ({ actor, params, req, res }) => {
        const upload = await receiveMultipart(req, res, blobs, [{ name: 'file', maxBytes: config.documentMaxBytes, required: true }], DocumentUploadFields);
        try {
          return await trades.addDocument(actor, params.id, upload);
        } catch (error) {
          await upload.discard();
          throw error;
        }
      },
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/documents/:documentId/content',
      guard: AUTHENTICATED,
      summary: 'Download a document (registered bidders; recorded in the download register)',
      params: DocumentParams,
      handle: async ({ actor, params, res }) => trades.download(actor, params.id, params.documentId, res),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/registrations',
      guard: roles('bidder'),
      summary: 'Register (报名) the caller’s organisation for the trade',
      params: IdParams,
      status: 201,
      handle: async ({ actor, params }) => trades.register(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/downloads',
      guard: roles('admin', 'center_staff', 'supervisor'),
      summary: 'The download register: who registered and downloaded what, when (confidential)',
      params: IdParams,
      handle: async ({ actor, params }) => trades.downloadRegister(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/opening-share',
      guard: roles('official'),
      summary: 'The caller’s share of the opening key, sealed to the caller’s certificate (CMS, base64)',
      params: IdParams,
      handle: async ({ actor, params }) => {
        const share = await trades.sealedShareFor(actor, params.id);
        return { index: share.index, certificateSerial: share.certificateSerial, sealedShare: share.sealed.toString('base64') };
      },
    }),
    route({
      method: 'get',
      path: '/api/officials',
      guard: roles('admin', 'center_staff', 'agent'),
      summary: 'Opening officials a notice may name, with the serial of the certificate each holds (or null)',
      handle: async ({ actor }) => ({ officials: await trades.officials(actor) }),
    }),
    route({
      method: 'get',
      path: '/api/notifications',
      guard: AUTHENTICATED,
      summary: 'The caller’s notifications (站内消息)',
      handle: async ({ actor }) => ({ notifications: await trades.notifier.list(actor) }),
    }),
    route({
      method: 'post',
      path: '/api/notifications/:id/read',
      guard: AUTHENTICATED,
      summary: 'Mark a notification read',
      params: IdParams,
      body: z.strictObject({}),
      handle: async ({ actor, params }) => trades.notifier.markRead(actor, params.id),
    }),
  ];
}

import { z } from 'zod';
import { BID_UPLOAD_FIELDS, BidParams, BidUploadFields, IDEMPOTENCY_HEADER } from '../../../contracts/bids.js';
import { IdParams } from '../../../contracts/values.js';
import type { Config } from '../../config.js';
import { AppError } from '../../kernel/errors.js';
import { roles, route, type RouteSpec } from '../../kernel/http.js';
import type { BlobStore } from '../../kernel/storage.js';
import { receiveMultipart } from '../../kernel/upload.js';
import { SIGNATURE_MAX_BYTES, type BidService } from './service.js';

export function bidRoutes(bids: BidService, blobs: BlobStore, config: Pick<Config, 'bidMaxBytes'>): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/api/trades/:id/bids',
      guard: roles('bidder'),
      summary: 'Upload a sealed bid (multipart: envelope, signature[, replaces]); answers the signed receipt',
      params: IdParams,
      status: 201,
      raw: true,
      handle: async ({ actor, params, req, res }) => {
        const key = req.get(IDEMPOTENCY_HEADER) ?? null;
        if (key !== null && !/^[\w.:-]{8,100}$/.test(key)) throw new AppError('VALIDATION_FAILED', `${IDEMPOTENCY_HEADER} must be 8–100 of [A-Za-z0-9_.:-]`);
        // refuse before reading a byte of the body when the answer is already known
        try {
          await bids.precheck(actor, params.id);
        } catch (error) {
          res.setHeader('Connection', 'close');
          throw error;
        }
        const upload = await receiveMultipart(
          req,
          res,
          blobs,
          [
            { name: BID_UPLOAD_FIELDS.envelope, maxBytes: config.bidMaxBytes, required: true },
            { name: BID_UPLOAD_FIELDS.signature, maxBytes: SIGNATURE_MAX_BYTES, required: true, memory: true },
          ],
          BidUploadFields,
        );
        const { status, body } = await bids.submit(actor, params.id, upload, key);
        res.status(status).json(body);
      },
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/bids',
      guard: roles('bidder', 'admin', 'center_staff', 'agent', 'supervisor', 'official', 'expert'),
      summary: 'The caller’s own bids on the trade, with history (nobody else’s before the opening)',
      params: IdParams,
      handle: async ({ actor, params }) => ({ bids: await bids.mine(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/bids/:bidId/receipt',
      guard: roles('bidder'),
      summary: 'The platform-signed receipt of one of the caller’s bids',
      params: BidParams,
      handle: async ({ actor, params }) => bids.receipt(actor, params.id, params.bidId),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/bids/:bidId/envelope',
      guard: roles('bidder'),
      summary: 'Download one of the caller’s sealed envelopes, byte for byte as received',
      params: BidParams,
      handle: async ({ actor, params, res }) => bids.sendEnvelope(actor, params.id, params.bidId, res),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/bids/:bidId/withdraw',
      guard: roles('bidder'),
      summary: 'Withdraw the caller’s current bid before the deadline',
      params: BidParams,
      body: z.strictObject({}),
      handle: async ({ actor, params }) => bids.withdraw(actor, params.id, params.bidId),
    }),
  ];
}

import { z } from 'zod';
import { ConfirmationRequest, EventsQuery, RemedyRequest, SubmitShareRequest, UnlockRequest } from '../../../contracts/opening.js';
import { IdParams } from '../../../contracts/values.js';
import { AUTHENTICATED, PUBLIC, roles, route, type RouteSpec } from '../../kernel/http.js';
import type { OpeningService } from './service.js';

export function openingRoutes(opening: OpeningService): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/trades/:id/opening',
      guard: PUBLIC,
      summary: 'The opening hall: state, shares in, results, record (participants; everyone once the record is published)',
      params: IdParams,
      handle: ({ actor, params }) => opening.view(actor, params.id),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/opening/events',
      guard: AUTHENTICATED,
      summary: 'The hall’s numbered events after a sequence number (what a reconnecting client missed)',
      params: IdParams,
      query: EventsQuery,
      handle: async ({ actor, params, query }) => {
        await opening.view(actor, params.id);
        return { events: await opening.events(params.id, query.after) };
      },
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/opening/start',
      guard: roles('admin', 'center_staff'),
      summary: 'Start the opening (after the bid deadline)',
      params: IdParams,
      body: z.strictObject({}),
      handle: ({ actor, params }) => opening.start(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/opening/shares',
      guard: roles('official'),
      summary: 'Submit your decrypted share of the opening key; with k shares in, the bids are opened',
      params: IdParams,
      body: SubmitShareRequest,
      handle: ({ actor, params, body }) => opening.submitShare(actor, params.id, body.share),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/opening/unlock',
      guard: roles('bidder'),
      summary: 'Bidder-unlock mode: hand over your bid’s content key',
      params: IdParams,
      body: UnlockRequest,
      handle: ({ actor, params, body }) => opening.unlock(actor, params.id, body.bidId, body.cek),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/opening/remedy',
      guard: roles('admin', 'center_staff'),
      summary: 'Bidder-unlock mode, after the window: revoke a bid (bidder’s fault) or send it to the officials’ key',
      params: IdParams,
      body: RemedyRequest,
      handle: ({ actor, params, body }) => opening.remedy(actor, params.id, body.bidId, body.fault, body.note),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/opening/publish',
      guard: roles('admin', 'center_staff'),
      summary: 'Publish the opening record (the trade moves on, or fails); the confirmation window opens',
      params: IdParams,
      body: z.strictObject({}),
      handle: ({ actor, params }) => opening.publish(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/api/trades/:id/opening/confirmations',
      guard: roles('bidder'),
      summary: 'Confirm the opening record or object to it, within the window',
      params: IdParams,
      body: ConfirmationRequest,
      status: 201,
      handle: ({ actor, params, body }) => opening.confirm(actor, params.id, body.decision, body.text),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/opening/record.pdf',
      guard: PUBLIC,
      summary: 'The opening record (开标记录) as a PDF',
      params: IdParams,
      handle: async ({ actor, params, res }) => {
        const pdf = await opening.recordPdf(actor, params.id);
        res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="opening-record-${params.id}.pdf"`);
        res.send(pdf);
      },
    }),
  ];
}

import { FindingRequest, OutcomeRequest, RecheckRequest, RecheckSignatureRequest } from '../../../contracts/recheck.js';
import { IdParams } from '../../../contracts/values.js';
import { roles, route, type RouteSpec } from '../../kernel/http.js';
import type { RecheckService } from './service.js';

export function recheckRoutes(recheck: RecheckService): RouteSpec[] {
  const readers = roles('admin', 'center_staff', 'agent', 'supervisor', 'expert');
  return [
    route({
      method: 'post',
      path: '/api/trades/:id/rechecks',
      guard: roles('admin', 'center_staff', 'agent', 'supervisor'),
      summary: 'Ask for a recheck of the signed evaluation on statutory grounds (tenderee side or supervisor)',
      params: IdParams,
      body: RecheckRequest,
      status: 201,
      handle: ({ actor, params, body }) => recheck.request(actor, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/trades/:id/rechecks',
      guard: readers,
      summary: 'A trade’s rechecks, newest first (staff and agent of the trade, supervisors, committee and panel members)',
      params: IdParams,
      handle: async ({ actor, params }) => ({ rechecks: await recheck.list(actor, params.id) }),
    }),
    route({
      method: 'get',
      path: '/api/rechecks/:id',
      guard: readers,
      summary: 'A recheck: grounds, the diff, members, findings, outcome, report; the evaluation’s raw votes and scores',
      params: IdParams,
      handle: ({ actor, params }) => recheck.view(actor, params.id),
    }),
    route({
      method: 'post',
      path: '/api/rechecks/:id/findings',
      guard: roles('expert'),
      summary: 'A member records a finding (on a flagged item or another matter), with corrections and their reasons',
      params: IdParams,
      body: FindingRequest,
      status: 201,
      handle: ({ actor, params, body }) => recheck.addFinding(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/rechecks/:id/outcome',
      guard: roles('expert'),
      summary: 'A member proposes the outcome (confirm | correct | reevaluate) with reasons; the report is written for signing',
      params: IdParams,
      body: OutcomeRequest,
      handle: ({ actor, params, body }) => recheck.propose(actor, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/rechecks/:id/signatures',
      guard: roles('expert'),
      summary: 'Sign the recheck report (CMS over its SHA-256) or refuse with a reason; the last answer closes the recheck',
      params: IdParams,
      body: RecheckSignatureRequest,
      handle: ({ actor, params, body }) => recheck.sign(actor, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/rechecks/:id/report.pdf',
      guard: readers,
      summary: 'The recheck report (评标复核/复审报告) as a PDF',
      params: IdParams,
      handle: async ({ actor, params, res }) => {
        res.type('application/pdf').send(await recheck.reportPdf(actor, params.id));
      },
    }),
  ];
}

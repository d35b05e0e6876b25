import { AuditEventsQuery } from '../../../contracts/audit.js';
import { roles, route, type RouteSpec } from '../http.js';
import type { AuditLog } from './service.js';

export function auditRoutes(audit: AuditLog): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/audit/verify',
      guard: roles('supervisor', 'admin'),
      summary: 'Check the whole audit hash chain; reports the first broken sequence number',
      handle: () => audit.verify(),
    }),
    route({
      method: 'post',
      path: '/api/audit/checkpoints',
      guard: roles('supervisor', 'admin'),
      summary: 'Sign the current audit head with the platform key now (the server also does it periodically)',
      status: 201,
      handle: async () => ({ checkpoint: await audit.checkpoint() }),
    }),
    route({
      method: 'get',
      path: '/api/audit/events',
      guard: roles('supervisor', 'admin'),
      summary: 'Audit events after a sequence number, oldest first',
      query: AuditEventsQuery,
      handle: ({ query }) => audit.list(query.after ?? 0, query.limit ?? 100),
    }),
  ];
}

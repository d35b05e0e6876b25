import { CalendarDayParams, CalendarQuery, CalendarRegionParams, SetCalendarDayRequest } from '../../../contracts/calendar.js';
import { PUBLIC, roles, route, type RouteSpec } from '../http.js';
import type { CalendarService } from './service.js';

export function calendarRoutes(service: CalendarService): RouteSpec[] {
  return [
    route({
      method: 'get',
      path: '/api/calendar/:region',
      guard: PUBLIC,
      summary: "A region's effective holidays (放假) and worked weekend days (调休上班) for one year ('000000' = national)",
      params: CalendarRegionParams,
      query: CalendarQuery,
      handle: ({ params, query }) => service.list(params.region, query.year),
    }),
    route({
      method: 'put',
      path: '/api/calendar/:region/days/:date',
      guard: roles('admin', 'center_staff'),
      summary: "Set a region's own entry for a day: holiday, workday (调休) or normal (remove it); audited",
      params: CalendarDayParams,
      body: SetCalendarDayRequest,
      region: ({ params }) => params.region,
      handle: ({ actor, params, body }) => service.setDay(actor, params.region, params.date, body.kind, body.name ?? null),
    }),
  ];
}

import type { RouteSpec } from '../../kernel/http.js';
import type { RecheckService } from './service.js';

export function recheckRoutes(_recheck: RecheckService): RouteSpec[] {
  return [];
}

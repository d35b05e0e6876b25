import type { Config } from '../../config.js';
import type { RouteSpec } from '../../kernel/http.js';
import type { ComplaintService } from './service.js';

export function complaintRoutes(_complaints: ComplaintService, _config: Config): RouteSpec[] {
  return [];
}

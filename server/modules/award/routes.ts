import type { RouteSpec } from '../../kernel/http.js';
import type { AwardService } from './service.js';

export function awardRoutes(_award: AwardService): RouteSpec[] {
  return [];
}

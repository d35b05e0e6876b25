import { isApiError } from '../api.js';
import { errorMessage } from '../errors.js';
import type { Translate } from '../i18n.js';
import { unitLabel } from './labels.js';

/**
 * A rule error (publish refused…) by its code, with the facts the server sends along: the
 * earliest allowed date for DEADLINE_TOO_EARLY / DOCUMENT_PERIOD_TOO_SHORT, the rule and its value.
 */
export function ruleProblem(t: Translate, error: unknown): { code: string; message: string; facts: string | null } {
  const message = errorMessage(t, error);
  if (!isApiError(error)) return { code: 'CLIENT', message, facts: null };
  const problem = error.problem;
  const facts: string[] = [];
  if (problem) {
    if (typeof problem.earliest === 'string') facts.push(t('rule.earliest', { date: problem.earliest }));
    if (typeof problem.value === 'number' && typeof problem.unit === 'string') facts.push(t('rule.limit', { value: problem.value, unit: unitLabel(t, problem.unit) }));
    if (typeof problem.rule === 'string') facts.push(t('rule.id', { rule: problem.rule }));
    if (typeof problem.source === 'string') facts.push(t('rule.source', { source: problem.source }));
  }
  return { code: error.code, message, facts: facts.length ? facts.join(' · ') : null };
}

import { isApiError } from './api.js';
import { creditRestrictionText } from './credit/refusal.js';
import { isMessageKey, type Translate } from './i18n.js';

/** A translated, human-readable message for any error an API call can reject with. */
export function errorMessage(t: Translate, error: unknown): string {
  if (!isApiError(error)) return t('error.generic', { code: 'CLIENT' });
  if (error.code === 'AUTH_THROTTLED' && error.retryAfterSeconds !== null) {
    const seconds = error.retryAfterSeconds;
    return seconds >= 120
      ? t('error.throttledMinutes', { minutes: Math.ceil(seconds / 60) })
      : t('error.throttledSeconds', { seconds: Math.max(1, seconds) });
  }
  if (error.code === 'HTTP_ERROR') return t('error.HTTP_ERROR', { status: error.status });
  if (error.code === 'CREDIT_RESTRICTED') {
    // who restricted, on what basis and until when (the answer's extra fields)
    const because = creditRestrictionText(t, error.problem);
    if (because) return `${t('error.CREDIT_RESTRICTED')}${because}`;
  }
  const key = `error.${error.code}`;
  if (/^[A-Z][A-Z0-9_]*$/.test(error.code) && isMessageKey(key)) return t(key);
  return t('error.generic', { code: error.code });
}

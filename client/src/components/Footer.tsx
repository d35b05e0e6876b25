import type { HealthResponse } from '../../../contracts/index.js';
import { useI18n } from '../LocaleContext.js';

/** `undefined` while the first check runs, `null` when /health could not be reached. */
export type HealthState = HealthResponse | null | undefined;

export function Footer({ health }: { health: HealthState }) {
  const { t } = useI18n();

  let status: 'checking' | 'ok' | 'degraded' | 'down';
  if (health === undefined) status = 'checking';
  else if (health === null) status = 'down';
  else status = health.status === 'ok' && health.db === 'ok' ? 'ok' : 'degraded';

  const label = {
    checking: t('footer.healthChecking'),
    ok: t('footer.healthOk'),
    degraded: t('footer.healthDegraded'),
    down: t('footer.healthUnreachable'),
  }[status];

  return (
    <footer className="site-footer">
      <div className="site-footer__inner">
        <span>{t('footer.about')}</span>
        <span className={`health health--${status}`} data-testid="health-status" data-status={status} role="status">
          <span className="health__dot" aria-hidden="true" />
          {label}
          {health && <span className="health__version">{t('footer.version', { version: health.version })}</span>}
        </span>
      </div>
    </footer>
  );
}

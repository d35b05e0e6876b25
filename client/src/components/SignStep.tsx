import { lazy, Suspense } from 'react';
import { useI18n } from '../LocaleContext.js';
import type { DigestSignProps } from './DigestSignPanel.js';

/** Signing needs node-forge and the crypto library: loaded only when a member signs. */
const DigestSignPanel = lazy(() => import('./DigestSignPanel.js').then((m) => ({ default: m.DigestSignPanel })));

/**
 * A member's signature on a report in a committee room: the signing panel while `pending` (the
 * report awaits this member's signature), then what they did (`signed`: signed or refused).
 */
export function SignStep({ pending, signed, ...panel }: DigestSignProps & { pending: boolean; signed: 'signed' | 'refused' | null | undefined }) {
  const { t } = useI18n();
  return (
    <>
      {pending && (
        <Suspense
          fallback={
            <p role="status">
              <span className="spinner" aria-hidden="true" /> {t('app.loading')}
            </p>
          }
        >
          <DigestSignPanel {...panel} />
        </Suspense>
      )}
      {signed != null && (
        <p className="notice notice--info" role="status" data-testid={`${panel.idPrefix}-my-signature`} data-signed={signed}>
          {signed === 'signed' ? t('evaluation.sign.done') : t('evaluation.sign.refusedDone')}
        </p>
      )}
    </>
  );
}

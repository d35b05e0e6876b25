import { useEffect, useState } from 'react';
import type { ComplaintDecisionView } from '../../../contracts/complaints.js';
import { errorMessage } from '../errors.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as complaintsApi from './complaintsApi.js';
import { DecisionCard } from './ObjectionsSection.js';

/** 投诉处理决定 (public portal): every published decision on a complaint, newest first. */
export function DecisionsPage() {
  const { t } = useI18n();
  const [decisions, setDecisions] = useState<ComplaintDecisionView[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    complaintsApi
      .decisions(undefined, controller.signal)
      .then(setDecisions)
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, []);

  return (
    <div className="trades-page" data-testid="decisions-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('decisions.pageTitle')}</h1>
          <p>{t('decisions.pageIntro')}</p>
          <a className="button" href={viewHref({ name: 'publicity' })}>
            {t('nav.publicity')}
          </a>
        </div>
      </section>
      {error !== null && (
        <p className="form-error" role="alert">
          {errorMessage(t, error)}
        </p>
      )}
      {decisions === null && error === null && (
        <div className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          {t('app.loading')}
        </div>
      )}
      {decisions !== null && decisions.length === 0 && <p data-testid="decisions-empty">{t('decisions.none')}</p>}
      <div className="filing-list">{decisions?.map((d) => <DecisionCard key={d.complaintId} d={d} showTrade />)}</div>
    </div>
  );
}

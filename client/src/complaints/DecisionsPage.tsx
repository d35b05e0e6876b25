import type { ComplaintDecisionView } from '../../../contracts/complaints.js';
import { ErrorLine, Loading, useLoaded } from '../components/async.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as complaintsApi from './complaintsApi.js';
import { DecisionCard } from './ObjectionsSection.js';

/** 投诉处理决定 (public portal): every published decision on a complaint, newest first. */
export function DecisionsPage() {
  const { t } = useI18n();
  const { data: decisions, error } = useLoaded<ComplaintDecisionView[]>((signal) => complaintsApi.decisions(undefined, signal), []);

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
      <ErrorLine error={error} />
      {decisions === null && error === null && <Loading />}
      {decisions !== null && decisions.length === 0 && <p data-testid="decisions-empty">{t('decisions.none')}</p>}
      <div className="filing-list">{decisions?.map((d) => <DecisionCard key={d.complaintId} d={d} showTrade />)}</div>
    </div>
  );
}

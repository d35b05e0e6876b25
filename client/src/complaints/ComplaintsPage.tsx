import { useState } from 'react';
import type { ComplaintStatus, ComplaintView, ObjectionView } from '../../../contracts/complaints.js';
import type { UserView } from '../../../contracts/index.js';
import type { TradeKind } from '../../../contracts/trades.js';
import { ErrorLine, useLoaded } from '../components/async.js';
import { useI18n } from '../LocaleContext.js';
import { STAFF_ROLES } from '../trades/labels.js';
import { ComplaintCard, ObjectionCard } from './Cards.js';
import * as complaintsApi from './complaintsApi.js';

/** The trade kind of a filing's trade is not in its view: 质疑 records are procurement ones. */
const kindOf = (o: ObjectionView): TradeKind => (o.label === 'challenge' ? 'procurement' : 'construction');

/**
 * 异议与投诉: a bidder's own objections and complaints with their answers; the trades' objections
 * (reply deadlines first) for staff and agents; the supervisor's complaints inbox — to accept (the
 * trade is suspended), reject with reasons, or decide.
 */
export function ComplaintsPage({ user }: { user: UserView }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<'open' | 'all'>('open');
  const supervisor = user.role === 'supervisor';
  const loaded = useLoaded<[ObjectionView[], ComplaintView[]]>((signal) => Promise.all([complaintsApi.myObjections(signal), complaintsApi.myComplaints(signal)]), []);
  const [objections, complaints] = loaded.data ?? [null, null];
  const error = loaded.error;

  const openComplaint = (c: ComplaintView) => c.status === 'filed' || c.status === 'accepted';
  const shownComplaints = (complaints ?? []).filter((c) => filter === 'all' || openComplaint(c)).sort((a, b) => (openComplaint(a) === openComplaint(b) ? a.acceptanceDueAt.localeCompare(b.acceptanceDueAt) : openComplaint(a) ? -1 : 1));
  const shownObjections = (objections ?? []).filter((o) => filter === 'all' || o.status === 'pending').sort((a, b) => a.replyDueAt.localeCompare(b.replyDueAt));
  const count = (s: ComplaintStatus) => (complaints ?? []).filter((c) => c.status === s).length;
  const changed = loaded.reload;

  return (
    <div className="trades-page" data-testid="complaints-page" data-role={user.role}>
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{supervisor ? t('complaints.inboxTitle') : t('complaints.pageTitle')}</h1>
          <p>{supervisor ? t('complaints.inboxIntro') : user.role === 'bidder' ? t('complaints.bidderIntro') : t('complaints.staffIntro')}</p>
          {complaints && (
            <p data-testid="complaints-counts">{t('complaints.counts', { filed: count('filed'), accepted: count('accepted'), decided: count('decided') })}</p>
          )}
          <div className="button-row" role="group">
            <button type="button" className={filter === 'open' ? 'button button--primary' : 'button'} aria-pressed={filter === 'open'} onClick={() => setFilter('open')} data-testid="complaints-filter-open">
              {t('complaints.filterOpen')}
            </button>
            <button type="button" className={filter === 'all' ? 'button button--primary' : 'button'} aria-pressed={filter === 'all'} onClick={() => setFilter('all')} data-testid="complaints-filter-all">
              {t('complaints.filterAll')}
            </button>
          </div>
        </div>
      </section>
      <ErrorLine error={error} />
      <section aria-labelledby="complaints-list-title">
        <div className="section-heading">
          <h2 id="complaints-list-title">{t('complaint.all')}</h2>
        </div>
        {complaints !== null && shownComplaints.length === 0 && <p data-testid="complaints-empty">{t('complaint.none')}</p>}
        <div className="filing-list" data-testid="complaints">
          {shownComplaints.map((c) => (
            <ComplaintCard key={c.id} c={c} kind={null} supervisor={supervisor} mayWithdraw={user.role === 'bidder'} showTrade onChanged={changed} />
          ))}
        </div>
      </section>
      {!supervisor || shownObjections.length > 0 ? (
        <section aria-labelledby="objections-list-title">
          <div className="section-heading">
            <h2 id="objections-list-title">{t('complaints.objectionsTitle')}</h2>
          </div>
          {objections !== null && shownObjections.length === 0 && <p>{t('objection.none')}</p>}
          <div className="filing-list" data-testid="objections">
            {shownObjections.map((o) => (
              <ObjectionCard key={o.id} o={o} kind={kindOf(o)} mayReply={STAFF_ROLES.has(user.role)} mayWithdraw={user.role === 'bidder'} showTrade onChanged={changed} />
            ))}
          </div>
        </section>
      ) : null}
    </div>
  );
}

import { useState } from 'react';
import type { PublicityListItem } from '../../../contracts/award.js';
import { ErrorLine, Loading, useLoaded } from '../components/async.js';
import { shanghaiTime, yuan } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import { kindLabel, methodLabel } from '../trades/labels.js';
import type { TradeKind, TradeMethod } from '../../../contracts/trades.js';
import * as awardApi from './awardApi.js';

type Filter = 'running' | 'ended' | 'withdrawn' | 'all';

/** 公示公告 (public portal): candidate publicities running now, and the results of those that ended. */
export function PublicityPage() {
  const { t, locale } = useI18n();
  const [filter, setFilter] = useState<Filter>('all');
  const { data: items, error } = useLoaded<PublicityListItem[]>((signal) => awardApi.publicityList(filter, signal), [filter]);

  return (
    <div className="trades-page" data-testid="publicity-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('publicity.pageTitle')}</h1>
          <p>{t('publicity.pageIntro')}</p>
          <div className="button-row" role="group" aria-label={t('publicity.filter')}>
            {(['all', 'running', 'ended', 'withdrawn'] as const).map((f) => (
              <button key={f} type="button" className={filter === f ? 'button button--primary' : 'button'} aria-pressed={filter === f} onClick={() => setFilter(f)} data-testid={`publicity-filter-${f}`}>
                {t(`publicity.filter.${f}`)}
              </button>
            ))}
            <a className="button" href={viewHref({ name: 'decisions' })}>
              {t('nav.decisions')}
            </a>
          </div>
        </div>
      </section>
      <ErrorLine error={error} />
      {items === null && error === null && <Loading />}
      {items !== null && items.length === 0 && <p data-testid="publicity-list-empty">{t('publicity.listNone')}</p>}
      {items !== null && items.length > 0 && (
        <table className="data-table" data-testid="publicity-list">
          <thead>
            <tr>
              <th>{t('trades.code')}</th>
              <th>{t('publicity.notice')}</th>
              <th>{t('trades.kind')}</th>
              <th>{t('publicity.firstCandidate')}</th>
              <th>{t('publicity.window')}</th>
              <th>{t('publicity.status')}</th>
              <th>{t('award.winner')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map(({ publicity: p, award }) => {
              const first = p.candidates.find((c) => c.status === 'candidate' || c.status === 'winner') ?? p.candidates[0];
              return (
                <tr key={p.id} data-testid="publicity-row" data-trade-id={p.tradeId} data-status={p.status}>
                  <td>
                    <code>{p.tradeCode}</code>
                  </td>
                  <td>
                    <a href={viewHref({ name: 'trade', id: p.tradeId })} data-testid="publicity-link">
                      {p.tradeTitle}
                    </a>
                    <div className="muted">
                      {p.title} · {t('publicity.round', { n: p.round })}
                    </div>
                  </td>
                  <td>
                    {kindLabel(p.kind as TradeKind, locale)}
                    <div className="muted">{methodLabel(p.method as TradeMethod, locale)}</div>
                  </td>
                  <td>{first ? `${first.bidderName} · ¥${yuan(first.priceFen)}` : '—'}</td>
                  <td>
                    {shanghaiTime(p.startsAt, locale)}
                    <br />– {t('publicity.lastDay', { day: p.lastDay })}
                  </td>
                  <td>
                    <span className={`state-badge state-badge--publicity-${p.status}`}>{t(`publicity.status.${p.status}`)}</span>
                  </td>
                  <td data-testid="publicity-winner">{award ? `${award.winner} · ¥${yuan(award.priceFen)}` : '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

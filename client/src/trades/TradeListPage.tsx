import { useEffect, useState } from 'react';
import type { UserView } from '../../../contracts/index.js';
import type { TradeView } from '../../../contracts/trades.js';
import { shanghaiTime, yuan } from '../format.js';
import { ErrorLine } from '../components/async.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as tradesApi from '../tradesApi.js';
import { kindLabel, methodLabel, STAFF_ROLES } from './labels.js';

/** 交易公告: the public portal's list of notices (drafts only for those who manage them). */
export function TradeListPage({ user }: { user: UserView | null }) {
  const { t, locale } = useI18n();
  const [trades, setTrades] = useState<TradeView[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    tradesApi
      .listTrades(controller.signal)
      .then(setTrades)
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, [user?.username]);

  return (
    <div className="trades-page" data-testid="trade-list-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('trades.title')}</h1>
          <p>{t('trades.intro')}</p>
          <div className="button-row">
            {user && STAFF_ROLES.has(user.role) && (
              <a className="button button--primary" href={viewHref({ name: 'tradeNew' })} data-testid="trade-new-link">
                {t('trades.create')}
              </a>
            )}
            <a className="button" href={viewHref({ name: 'publicity' })} data-testid="trades-publicity-link">
              {t('nav.publicity')}
            </a>
            <a className="button" href={viewHref({ name: 'decisions' })} data-testid="trades-decisions-link">
              {t('nav.decisions')}
            </a>
            <a className="button" href={viewHref({ name: 'credit' })} data-testid="trades-credit-link">
              {t('nav.credit')}
            </a>
            {user && (
              <a className="button" href={viewHref({ name: 'home' })}>
                {t('nav.home')}
              </a>
            )}
          </div>
        </div>
      </section>
      <ErrorLine error={error} testId="trade-list-error" />
      {trades === null && error === null && (
        <div className="loading" role="status">
          <span className="spinner" aria-hidden="true" />
          {t('app.loading')}
        </div>
      )}
      {trades !== null && trades.length === 0 && <p data-testid="trade-list-empty">{t('trades.none')}</p>}
      {trades !== null && trades.length > 0 && (
        <table className="data-table" data-testid="trade-list">
          <thead>
            <tr>
              <th>{t('trades.code')}</th>
              <th>{t('trades.titleColumn')}</th>
              <th>{t('trades.kind')}</th>
              <th>{t('trades.method')}</th>
              <th>{t('trades.amount')}</th>
              <th>{t('trades.deadline')}</th>
              <th>{t('trades.state')}</th>
            </tr>
          </thead>
          <tbody>
            {trades.map((trade) => (
              <tr key={trade.id} data-testid="trade-row" data-trade-id={trade.id} data-state={trade.state}>
                <td>
                  <code>{trade.code}</code>
                </td>
                <td>
                  <a href={viewHref({ name: 'trade', id: trade.id })} data-testid="trade-link">
                    {trade.title}
                  </a>
                </td>
                <td data-testid="trade-kind">{kindLabel(trade.kind, locale)}</td>
                <td data-testid="trade-method">{methodLabel(trade.method, locale)}</td>
                <td className="numeric">¥{yuan(trade.notice.amountFen)}</td>
                <td data-testid="trade-deadline">{shanghaiTime(trade.bidDeadline, locale)}</td>
                <td>
                  <span className={`state-badge state-badge--${trade.state}`}>{t(`tradeState.${trade.state}`)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import type { UserView } from '../../../contracts/index.js';
import * as api from '../api.js';
import { ErrorLine, Loading, useLoaded } from '../components/async.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as creditApi from './creditApi.js';
import { RecordsTable } from './RecordsTable.js';

/**
 * 信用公示 (public portal, no login): the penalties in force, searchable by USCC, ID number or part
 * of the name, and by issuing region (a city includes its counties). Organisations link to their score.
 */
export function CreditListPage({ user }: { user: UserView | null }) {
  const { t, locale } = useI18n();
  const [q, setQ] = useState('');
  const [region, setRegion] = useState('');
  const [filter, setFilter] = useState<{ q: string; region: string }>({ q: '', region: '' });
  const regions = useLoaded((signal) => api.regions(signal), []);
  const { data: records, error } = useLoaded((signal) => creditApi.publicList({ q: filter.q, region: filter.region }, signal), [filter.q, filter.region]);

  function search(event: FormEvent) {
    event.preventDefault();
    setFilter({ q: q.trim(), region });
  }

  return (
    <div className="trades-page" data-testid="credit-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('credit.pageTitle')}</h1>
          <p>{t('credit.pageIntro')}</p>
          <div className="button-row">
            <a className="button" href={viewHref({ name: 'publicity' })}>
              {t('nav.publicity')}
            </a>
            <a className="button" href={viewHref({ name: 'decisions' })}>
              {t('nav.decisions')}
            </a>
            {user?.role === 'bidder' && (
              <a className="button" href={viewHref({ name: 'creditMine' })} data-testid="credit-mine-link">
                {t('nav.creditMine')}
              </a>
            )}
            {(user?.role === 'supervisor' || user?.role === 'admin') && (
              <a className="button" href={viewHref({ name: 'creditManage' })} data-testid="credit-manage-link">
                {t('nav.creditManage')}
              </a>
            )}
          </div>
        </div>
      </section>
      <form className="inline-form" role="search" onSubmit={search} data-testid="credit-search">
        <div className="field">
          <label htmlFor="credit-q">{t('credit.search')}</label>
          <input id="credit-q" type="search" value={q} maxLength={100} placeholder={t('credit.searchPlaceholder')} onChange={(e) => setQ(e.target.value)} data-testid="credit-q" />
        </div>
        <div className="field">
          <label htmlFor="credit-region-filter">{t('credit.regionFilter')}</label>
          <select id="credit-region-filter" value={region} onChange={(e) => setRegion(e.target.value)} data-testid="credit-region-filter">
            <option value="">{t('credit.allRegions')}</option>
            {(regions.data ?? []).map((r) => (
              <option key={r.code} value={r.code}>
                {locale === 'en' ? r.nameEn : r.name} ({r.code})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--primary" data-testid="credit-search-submit">
          {t('credit.searchSubmit')}
        </button>
      </form>
      <ErrorLine error={error} testId="credit-error" />
      {records === null && error === null && <Loading />}
      {records !== null && records.length === 0 && <p data-testid="credit-empty">{filter.q || filter.region ? t('credit.noneFound') : t('credit.none')}</p>}
      {records !== null && records.length > 0 && (
        <>
          <p className="muted" data-testid="credit-count">
            {t('credit.count', { n: records.length })}
          </p>
          <RecordsTable records={records} testId="credit-list" />
        </>
      )}
    </div>
  );
}

/** An organisation's credit score now, how it is computed, its records and the score's history (public). */
export function CreditOrganisationPage({ uscc }: { uscc: string }) {
  const { t, locale } = useI18n();
  const { data: view, error } = useLoaded((signal) => creditApi.organisation(uscc, signal), [uscc]);
  if (view === null) {
    return (
      <div className="trades-page" data-testid="credit-organisation-page">
        <ErrorLine error={error} testId="credit-organisation-error" />
        {error === null && <Loading />}
        <a className="button" href={viewHref({ name: 'credit' })}>
          {t('credit.back')}
        </a>
      </div>
    );
  }
  return (
    <div className="trades-page" data-testid="credit-organisation-page" data-uscc={view.uscc}>
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title" data-testid="credit-organisation-name">
            {view.name ?? view.uscc}
          </h1>
          <p>
            <code data-testid="credit-organisation-uscc">{view.uscc}</code>
          </p>
          <a className="button" href={viewHref({ name: 'credit' })}>
            {t('credit.back')}
          </a>
        </div>
      </section>
      <ScorePanel view={view} />
      <section aria-labelledby="credit-records-title">
        <h2 id="credit-records-title">{t('credit.records')}</h2>
        {view.records.length === 0 ? <p data-testid="credit-organisation-empty">{t('credit.noRecords')}</p> : <RecordsTable records={view.records} testId="credit-organisation-records" showKind />}
      </section>
      <section aria-labelledby="credit-history-title">
        <h2 id="credit-history-title">{t('credit.history')}</h2>
        {view.history.length === 0 ? (
          <p>{t('credit.historyNone', { base: view.base })}</p>
        ) : (
          <table className="data-table" data-testid="credit-history">
            <thead>
              <tr>
                <th>{t('credit.history.at')}</th>
                <th>{t('credit.history.event')}</th>
                <th>{t('credit.history.record')}</th>
                <th>{t('credit.history.score')}</th>
              </tr>
            </thead>
            <tbody>
              {view.history.map((h, i) => (
                <tr key={i} data-testid="credit-history-row">
                  <td>{shanghaiTime(h.at, locale)}</td>
                  <td>{t(`credit.event.${h.event}`)}</td>
                  <td>
                    <code>{h.record}</code>
                  </td>
                  <td className="numeric">{h.score}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

/** The score now, its base and formula (shared with 我的信用). */
export function ScorePanel({ view }: { view: { score: number; base: number; formula: string; at: string } }) {
  const { t, locale } = useI18n();
  return (
    <section aria-labelledby="credit-score-title" data-testid="credit-score" data-score={view.score}>
      <h2 id="credit-score-title">{t('credit.score')}</h2>
      <p>
        <strong className="numeric" data-testid="credit-score-value">
          {view.score}
        </strong>{' '}
        <span className="muted">{t('credit.scoreBase', { base: view.base, at: shanghaiTime(view.at, locale) })}</span>
      </p>
      <p className="prewrap muted" data-testid="credit-formula">
        {t('credit.formula')}: {view.formula}
      </p>
    </section>
  );
}

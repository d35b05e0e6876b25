import type { ReactNode } from 'react';
import type { CreditRecordView } from '../../../contracts/credit-names.js';
import { useI18n } from '../LocaleContext.js';
import { shanghaiTime } from '../format.js';
import { viewHref } from '../route.js';
import { creditLabel, shanghaiDate } from './labels.js';

/**
 * Credit records as a table: subject (name and USCC, or a person's ID number masked as the server
 * sends it), issuing region, act, basis and decision number, authority, restriction, period (Beijing
 * time) and status. Organisations link to their score page; `actions` adds a last column.
 */
export function RecordsTable({ records, testId, actions, showKind = false }: { records: CreditRecordView[]; testId: string; actions?: (record: CreditRecordView) => ReactNode; showKind?: boolean }) {
  const { t, locale } = useI18n();
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid={testId}>
        <thead>
          <tr>
            {showKind && <th>{t('credit.col.kind')}</th>}
            <th>{t('credit.col.subject')}</th>
            <th>{t('credit.col.region')}</th>
            <th>{t('credit.col.act')}</th>
            <th>{t('credit.col.basis')}</th>
            <th>{t('credit.col.authority')}</th>
            <th>{t('credit.col.restriction')}</th>
            <th>{t('credit.col.period')}</th>
            <th>{t('credit.col.status')}</th>
            {actions && <th>{t('credit.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.uid} data-testid="credit-row" data-record-id={r.id} data-uid={r.uid} data-status={r.status} data-kind={r.kind}>
              {showKind && <td data-testid="credit-kind">{creditLabel('kind', r.kind, locale)}</td>}
              <td data-testid="credit-subject">
                {r.subject.kind === 'organisation' ? (
                  <a href={viewHref({ name: 'creditOrganisation', uscc: r.subject.id })} data-testid="credit-subject-link">
                    {r.subject.name}
                  </a>
                ) : (
                  <span>{r.subject.name}</span>
                )}
                <br />
                <code className="muted" data-testid="credit-subject-id">
                  {r.subject.id}
                </code>
                <br />
                <span className="muted">{creditLabel('role', r.role, locale)}</span>
                {r.persons.length > 0 && (
                  <ul className="muted" data-testid="credit-persons">
                    {r.persons.map((p, i) => (
                      <li key={i}>
                        {p.role}：{p.name}
                        {p.idNumber ? ` ${p.idNumber}` : ''}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td data-testid="credit-region" data-code={r.issuingRegion.code}>
                {r.issuingRegion.name}
                {r.origin === 'remote' && r.source && (
                  <>
                    <br />
                    <span className="muted">{t('credit.fromPeer', { name: r.source.name })}</span>
                  </>
                )}
              </td>
              <td className="prewrap" data-testid="credit-act">
                {r.act}
              </td>
              <td data-testid="credit-basis">
                {r.basis}
                <br />
                <span className="muted" data-testid="credit-decision-no">
                  {r.decisionNo}
                </span>
              </td>
              <td data-testid="credit-authority">{r.authority}</td>
              <td data-testid="credit-scope" data-scope={r.scope}>
                {creditLabel('scope', r.scope, locale)}
                {r.severity && (
                  <>
                    <br />
                    <span className="muted">
                      {t('credit.severityPoints', { severity: creditLabel('severity', r.severity, locale), points: r.points })}
                    </span>
                  </>
                )}
                {!r.severity && r.points > 0 && (
                  <>
                    <br />
                    <span className="muted">{t('credit.pointsOnly', { points: r.points })}</span>
                  </>
                )}
              </td>
              <td data-testid="credit-period" title={`${shanghaiTime(r.startsAt, locale)} – ${shanghaiTime(r.endsAt, locale)}`}>
                {t('credit.period', { from: shanghaiDate(r.startsAt), to: shanghaiDate(r.endsAt) })}
              </td>
              <td data-testid="credit-status">
                {creditLabel('status', r.status, locale)}
                {r.liftReason && (
                  <>
                    <br />
                    <span className="muted">{r.liftReason}</span>
                  </>
                )}
              </td>
              {actions && <td>{actions(r)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

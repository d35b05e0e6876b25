import { useState, type FormEvent } from 'react';
import type { CreditRecordView, RepairKind } from '../../../contracts/credit-names.js';
import { REPAIR_KINDS } from '../../../contracts/credit-names.js';
import type { UserView } from '../../../contracts/index.js';
import { ErrorLine, Loading, useAction, useLoaded } from '../components/async.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import { ApplicationCard } from './CreditManagePage.js';
import { ScorePanel } from './CreditListPage.js';
import * as creditApi from './creditApi.js';
import { FormProblem } from './FormProblem.js';
import { creditLabel } from './labels.js';
import { RecordsTable } from './RecordsTable.js';

/**
 * 我的信用 (bidders): the credit score and the records about the bidder's own organisation (by the
 * USCC of the signed-in user's organisation), a credit repair (信用修复) or objection (异议) for a
 * penalty in force, and the organisation's applications with their decisions.
 */
export function MyCreditPage({ user }: { user: UserView }) {
  const { t, locale } = useI18n();
  const uscc = user.organisation?.uscc ?? null;
  const [round, setRound] = useState(0);
  const [applyFor, setApplyFor] = useState<{ record: CreditRecordView; kind: RepairKind } | null>(null);
  const score = useLoaded((signal) => (uscc ? creditApi.organisation(uscc, signal) : Promise.resolve(null)), [uscc, round]);
  const applications = useLoaded((signal) => creditApi.applications(undefined, signal), [round]);

  if (!uscc) {
    return (
      <div className="trades-page" data-testid="credit-mine-page">
        <p className="form-error" role="alert">
          {t('error.ORGANISATION_REQUIRED')}
        </p>
      </div>
    );
  }
  const view = score.data;
  const pendingFor = new Set((applications.data ?? []).filter((a) => a.status === 'pending').map((a) => a.recordId));
  const mayApply = (r: CreditRecordView) => r.kind === 'penalty' && r.origin === 'local' && (r.status === 'active' || r.status === 'pending') && !pendingFor.has(r.id);

  return (
    <div className="trades-page" data-testid="credit-mine-page" data-uscc={uscc}>
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('creditMine.title')}</h1>
          <p>
            {user.organisation?.name} <code>{uscc}</code>
          </p>
          <a className="button" href={viewHref({ name: 'credit' })}>
            {t('nav.credit')}
          </a>
        </div>
      </section>
      <ErrorLine error={score.error} testId="credit-mine-error" />
      {view === null && score.error === null && <Loading />}
      {view && (
        <>
          <ScorePanel view={view} />
          <section aria-labelledby="credit-mine-records-title">
            <h2 id="credit-mine-records-title">{t('credit.records')}</h2>
            {view.records.length === 0 ? (
              <p data-testid="credit-mine-empty">{t('creditMine.none')}</p>
            ) : (
              <RecordsTable
                records={view.records}
                testId="credit-mine-records"
                showKind
                actions={(r) =>
                  mayApply(r) ? (
                    <div className="button-row">
                      {REPAIR_KINDS.map((kind) => (
                        <button key={kind} type="button" className="button button--small" onClick={() => setApplyFor({ record: r, kind })} data-testid={`credit-apply-${kind}`}>
                          {t(`creditMine.apply.${kind}`)}
                        </button>
                      ))}
                      {r.status === 'active' && Date.parse(view.at) < Date.parse(r.repairableFrom) && (
                        <span className="muted">{t('creditMine.repairableFrom', { at: shanghaiTime(r.repairableFrom, locale) })}</span>
                      )}
                    </div>
                  ) : pendingFor.has(r.id) ? (
                    <span className="muted">{t('creditMine.pending')}</span>
                  ) : null
                }
              />
            )}
          </section>
        </>
      )}
      {applyFor && (
        <ApplicationForm
          key={`${applyFor.record.id}-${applyFor.kind}`}
          record={applyFor.record}
          initialKind={applyFor.kind}
          onCancel={() => setApplyFor(null)}
          onApplied={() => {
            setApplyFor(null);
            setRound((n) => n + 1);
          }}
        />
      )}
      <section aria-labelledby="credit-mine-applications-title" data-testid="credit-mine-applications">
        <h2 id="credit-mine-applications-title">{t('creditMine.applications')}</h2>
        <ErrorLine error={applications.error} />
        {applications.data === null && applications.error === null && <Loading />}
        {applications.data !== null && applications.data.length === 0 && <p data-testid="credit-mine-applications-none">{t('creditMine.applicationsNone')}</p>}
        <div className="filing-list">
          {applications.data?.map((a) => (
            <ApplicationCard key={a.id} application={a} />
          ))}
        </div>
      </section>
    </div>
  );
}

function ApplicationForm({ record, initialKind, onCancel, onApplied }: { record: CreditRecordView; initialKind: RepairKind; onCancel(): void; onApplied(): void }) {
  const { t, locale } = useI18n();
  const [kind, setKind] = useState<RepairKind>(initialKind);
  const [reason, setReason] = useState('');
  const [evidence, setEvidence] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (!reason.trim() || !evidence.trim()) return setProblem(t('creditMine.form.required'));
    const ok = await run(() => creditApi.apply(record.id, { kind, reason: reason.trim(), evidence: evidence.trim() }));
    if (ok) onApplied();
  }

  return (
    <section aria-labelledby="credit-apply-title" data-testid="credit-apply-section">
      <h2 id="credit-apply-title">{t('creditMine.form.title', { uid: record.uid })}</h2>
      <p className="muted">
        {record.basis}（{record.decisionNo}） · {creditLabel('scope', record.scope, locale)}
      </p>
      <form className="filing-form" onSubmit={submit} noValidate data-testid="credit-apply-form" data-record-id={record.id}>
        <div className="field">
          <span>{t('creditMine.form.kind')}</span>
          <div className="radio-group">
            {REPAIR_KINDS.map((k) => (
              <label key={k}>
                <input type="radio" name="credit-apply-kind" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`credit-apply-kind-${k}`} /> {creditLabel('repairKind', k, locale)}
              </label>
            ))}
          </div>
          <p className="muted">{t(`creditMine.form.hint.${kind}`, { from: shanghaiTime(record.repairableFrom, locale) })}</p>
        </div>
        <div className="field">
          <label htmlFor="credit-apply-reason">{t('creditMine.form.reason')}</label>
          <textarea id="credit-apply-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="credit-apply-reason" />
        </div>
        <div className="field">
          <label htmlFor="credit-apply-evidence">{t('creditMine.form.evidence')}</label>
          <textarea id="credit-apply-evidence" rows={3} value={evidence} onChange={(e) => setEvidence(e.target.value)} data-testid="credit-apply-evidence" />
        </div>
        {problem && (
          <p className="form-error" role="alert" data-testid="credit-apply-problem">
            {problem}
          </p>
        )}
        <FormProblem error={error} testId="credit-apply-error" />
        <div className="button-row">
          <button type="submit" className="button button--primary" disabled={busy} data-testid="credit-apply-submit">
            {t('creditMine.form.submit')}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            {t('creditMine.form.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

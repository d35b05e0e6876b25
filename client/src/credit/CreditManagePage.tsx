import { useMemo, useState, type FormEvent } from 'react';
import type { CreditKind, CreditRole, CreditScope, CreditSeverity, PullResult, RepairView } from '../../../contracts/credit-names.js';
import { CREDIT_KINDS, CREDIT_ROLES, CREDIT_SCOPES, CREDIT_SEVERITIES } from '../../../contracts/credit-names.js';
import type { RegionView, UserView } from '../../../contracts/index.js';
import * as api from '../api.js';
import { ErrorLine, Loading, useAction, useLoaded } from '../components/async.js';
import { shanghaiInputToIso, shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as creditApi from './creditApi.js';
import { FormProblem } from './FormProblem.js';
import { creditLabel } from './labels.js';
import { RecordsTable } from './RecordsTable.js';

/** Regions the user may issue records for: their own and everything below it (all for admin). */
export function coveredRegions(user: UserView, regions: RegionView[]): RegionView[] {
  if (user.role === 'admin') return regions;
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const covers = (code: string): boolean => {
    for (let r = byCode.get(code); r; r = r.parentCode ? byCode.get(r.parentCode) : undefined) if (r.code === user.regionCode) return true;
    return false;
  };
  return regions.filter((r) => covers(r.code));
}

/**
 * 信用管理 (supervisors, admin): record a penalty (不良行为记录) or commendation, every record with
 * its status, the repair and objection applications waiting for a decision, and the federation
 * peers whose signed feeds this deployment pulls.
 */
export function CreditManagePage({ user }: { user: UserView }) {
  const { t } = useI18n();
  const [round, setRound] = useState(0);
  const reload = () => setRound((n) => n + 1);
  if (user.role !== 'supervisor' && user.role !== 'admin') {
    return (
      <div className="trades-page" data-testid="credit-manage-page">
        <p className="form-error" role="alert">
          {t('error.NOT_PARTICIPANT')}
        </p>
      </div>
    );
  }
  return (
    <div className="trades-page" data-testid="credit-manage-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('creditManage.title')}</h1>
          <p>{t('creditManage.intro')}</p>
          <a className="button" href={viewHref({ name: 'credit' })}>
            {t('nav.credit')}
          </a>
        </div>
      </section>
      <RecordForm user={user} onRecorded={reload} />
      <RecordsSection round={round} />
      <ApplicationsSection round={round} onDecided={reload} />
      <PeersSection />
    </div>
  );
}

function RecordForm({ user, onRecorded }: { user: UserView; onRecorded(): void }) {
  const { t, locale } = useI18n();
  const regions = useLoaded((signal) => api.regions(signal), []);
  const covered = useMemo(() => coveredRegions(user, regions.data ?? []), [user, regions.data]);
  const [kind, setKind] = useState<CreditKind>('penalty');
  const [subjectKind, setSubjectKind] = useState<'organisation' | 'person'>('organisation');
  const [subjectId, setSubjectId] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<CreditRole>('bidder');
  const [act, setAct] = useState('');
  const [basis, setBasis] = useState('');
  const [decisionNo, setDecisionNo] = useState('');
  const [authority, setAuthority] = useState('');
  const [region, setRegion] = useState('');
  const [severity, setSeverity] = useState<CreditSeverity>('general');
  const [scope, setScope] = useState<CreditScope>('bidding');
  const [points, setPoints] = useState('');
  const [startsAt, setStartsAt] = useState('');
  const [endsAt, setEndsAt] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<{ uid: string; name: string } | null>(null);
  const { busy, error, run } = useAction();
  const issuingRegion = region || covered[0]?.code || '';

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    const ends = shanghaiInputToIso(endsAt);
    if (!ends) return setProblem(t('creditManage.form.endsRequired'));
    const starts = startsAt ? shanghaiInputToIso(startsAt) : null;
    if (startsAt && !starts) return setProblem(t('creditManage.form.startsInvalid'));
    const pointsValue = points.trim() ? Number(points.trim()) : undefined;
    if (pointsValue !== undefined && (!Number.isInteger(pointsValue) || pointsValue < 0 || pointsValue > 100)) return setProblem(t('creditManage.form.pointsInvalid'));
    const input: creditApi.RecordInput = {
      kind,
      subject: subjectKind === 'organisation' ? { kind: 'organisation', uscc: subjectId.trim().toUpperCase(), name: name.trim() } : { kind: 'person', idNumber: subjectId.trim().toUpperCase(), name: name.trim() },
      role,
      act: act.trim(),
      basis: basis.trim(),
      decisionNo: decisionNo.trim(),
      authority: authority.trim(),
      issuingRegionCode: issuingRegion,
      scope: kind === 'commendation' ? 'none' : scope,
      endsAt: ends,
      ...(kind === 'penalty' ? { severity } : {}),
      ...(pointsValue !== undefined ? { points: pointsValue } : {}),
      ...(starts ? { startsAt: starts } : {}),
    };
    await run(async () => {
      const recorded = await creditApi.record(input);
      setDone({ uid: recorded.uid, name: recorded.subject.name });
      onRecorded();
    });
  }

  const field = (id: string, label: string, value: string, set: (v: string) => void, extra: { textarea?: boolean; type?: string; placeholder?: string } = {}) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {extra.textarea ? (
        <textarea id={id} value={value} rows={3} onChange={(e) => set(e.target.value)} data-testid={id} />
      ) : (
        <input id={id} type={extra.type ?? 'text'} value={value} placeholder={extra.placeholder} onChange={(e) => set(e.target.value)} data-testid={id} />
      )}
    </div>
  );

  return (
    <section aria-labelledby="credit-form-title" data-testid="credit-form-section">
      <div className="section-heading">
        <h2 id="credit-form-title">{t('creditManage.form.title')}</h2>
        <p>{t('creditManage.form.intro')}</p>
      </div>
      <form className="trade-form" onSubmit={submit} noValidate data-testid="credit-form">
        <div className="field">
          <label htmlFor="credit-form-kind">{t('creditManage.form.kind')}</label>
          <select id="credit-form-kind" value={kind} onChange={(e) => setKind(e.target.value as CreditKind)} data-testid="credit-form-kind">
            {CREDIT_KINDS.map((k) => (
              <option key={k} value={k}>
                {creditLabel('kind', k, locale)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="credit-form-subject-kind">{t('creditManage.form.subjectKind')}</label>
          <select id="credit-form-subject-kind" value={subjectKind} onChange={(e) => setSubjectKind(e.target.value as 'organisation' | 'person')} data-testid="credit-form-subject-kind">
            <option value="organisation">{t('creditManage.form.organisation')}</option>
            <option value="person">{t('creditManage.form.person')}</option>
          </select>
        </div>
        {field('credit-form-subject-id', subjectKind === 'organisation' ? t('creditManage.form.uscc') : t('creditManage.form.idNumber'), subjectId, setSubjectId)}
        {field('credit-form-name', subjectKind === 'organisation' ? t('creditManage.form.orgName') : t('creditManage.form.personName'), name, setName)}
        <div className="field">
          <label htmlFor="credit-form-role">{t('creditManage.form.role')}</label>
          <select id="credit-form-role" value={role} onChange={(e) => setRole(e.target.value as CreditRole)} data-testid="credit-form-role">
            {CREDIT_ROLES.map((r) => (
              <option key={r} value={r}>
                {creditLabel('role', r, locale)}
              </option>
            ))}
          </select>
        </div>
        {field('credit-form-act', t('creditManage.form.act'), act, setAct, { textarea: true })}
        {field('credit-form-basis', t('creditManage.form.basis'), basis, setBasis, { placeholder: t('creditManage.form.basisPlaceholder') })}
        {field('credit-form-decision-no', t('creditManage.form.decisionNo'), decisionNo, setDecisionNo)}
        {field('credit-form-authority', t('creditManage.form.authority'), authority, setAuthority)}
        <div className="field">
          <label htmlFor="credit-form-region">{t('creditManage.form.region')}</label>
          <select id="credit-form-region" value={issuingRegion} onChange={(e) => setRegion(e.target.value)} data-testid="credit-form-region">
            {covered.map((r) => (
              <option key={r.code} value={r.code}>
                {locale === 'en' ? r.nameEn : r.name} ({r.code})
              </option>
            ))}
          </select>
          <ErrorLine error={regions.error} />
        </div>
        {kind === 'penalty' && (
          <>
            <div className="field">
              <label htmlFor="credit-form-severity">{t('creditManage.form.severity')}</label>
              <select id="credit-form-severity" value={severity} onChange={(e) => setSeverity(e.target.value as CreditSeverity)} data-testid="credit-form-severity">
                {CREDIT_SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {creditLabel('severity', s, locale)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="credit-form-scope">{t('creditManage.form.scope')}</label>
              <select id="credit-form-scope" value={scope} onChange={(e) => setScope(e.target.value as CreditScope)} data-testid="credit-form-scope">
                {CREDIT_SCOPES.map((s) => (
                  <option key={s} value={s}>
                    {creditLabel('scope', s, locale)}
                  </option>
                ))}
              </select>
            </div>
          </>
        )}
        {field('credit-form-points', kind === 'penalty' ? t('creditManage.form.pointsPenalty') : t('creditManage.form.pointsCommendation'), points, setPoints, { type: 'number' })}
        {field('credit-form-starts', t('creditManage.form.startsAt'), startsAt, setStartsAt, { type: 'datetime-local' })}
        {field('credit-form-ends', t('creditManage.form.endsAt'), endsAt, setEndsAt, { type: 'datetime-local' })}
        <p className="muted">{t('creditManage.form.timeNote')}</p>
        {problem && (
          <p className="form-error" role="alert" data-testid="credit-form-problem">
            {problem}
          </p>
        )}
        <FormProblem error={error} testId="credit-form-error" />
        {done && (
          <p className="notice notice--info" role="status" data-testid="credit-form-done">
            {t('creditManage.form.done', { uid: done.uid, name: done.name })}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy || !issuingRegion} data-testid="credit-form-submit">
          {t('creditManage.form.submit')}
        </button>
      </form>
    </section>
  );
}

function RecordsSection({ round }: { round: number }) {
  const { t } = useI18n();
  const { data: records, error } = useLoaded((signal) => creditApi.records(signal), [round]);
  return (
    <section aria-labelledby="credit-records-all-title" data-testid="credit-records-section">
      <div className="section-heading">
        <h2 id="credit-records-all-title">{t('creditManage.records.title')}</h2>
      </div>
      <ErrorLine error={error} />
      {records === null && error === null && <Loading />}
      {records !== null && records.length === 0 && <p data-testid="credit-records-empty">{t('credit.noRecords')}</p>}
      {records !== null && records.length > 0 && <RecordsTable records={records} testId="credit-records" showKind />}
    </section>
  );
}

function ApplicationsSection({ round, onDecided }: { round: number; onDecided(): void }) {
  const { t } = useI18n();
  const { data: applications, error } = useLoaded((signal) => creditApi.applications(undefined, signal), [round]);
  const pending = applications?.filter((a) => a.status === 'pending') ?? [];
  const decided = applications?.filter((a) => a.status !== 'pending') ?? [];
  return (
    <section aria-labelledby="credit-applications-title" data-testid="credit-applications-section">
      <div className="section-heading">
        <h2 id="credit-applications-title">{t('creditManage.applications.title')}</h2>
        <p>{t('creditManage.applications.intro')}</p>
      </div>
      <ErrorLine error={error} />
      {applications === null && error === null && <Loading />}
      {applications !== null && pending.length === 0 && <p data-testid="credit-applications-none">{t('creditManage.applications.none')}</p>}
      <div className="filing-list">
        {pending.map((a) => (
          <ApplicationCard key={a.id} application={a} onDecided={onDecided} />
        ))}
        {decided.map((a) => (
          <ApplicationCard key={a.id} application={a} onDecided={onDecided} />
        ))}
      </div>
    </section>
  );
}

/** One repair / objection application; a supervisor grants or refuses a pending one with a reason. */
export function ApplicationCard({ application: a, onDecided }: { application: RepairView; onDecided?: () => void }) {
  const { t, locale } = useI18n();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const { busy, error, run } = useAction();

  async function decide(grant: boolean) {
    setProblem(null);
    if (!reason.trim()) return setProblem(t('creditManage.applications.reasonRequired'));
    await run(async () => {
      await creditApi.decide(a.id, { grant, reason: reason.trim() });
      onDecided?.();
    });
  }

  return (
    <article className="filing-card" data-testid="credit-application" data-application-id={a.id} data-record-id={a.recordId} data-status={a.status} data-kind={a.kind}>
      <div className="filing-card__head">
        <strong>
          {creditLabel('repairKind', a.kind, locale)} #{a.id}
        </strong>{' '}
        <span className="badge" data-testid="credit-application-status">
          {creditLabel('repairStatus', a.status, locale)}
        </span>
      </div>
      <p className="muted">
        {t('creditManage.applications.about', { uid: a.recordUid, name: a.applicant.name, org: a.applicant.organisation ?? '—', at: shanghaiTime(a.appliedAt, locale) })}
      </p>
      <p className="prewrap" data-testid="credit-application-reason">
        {a.reason}
      </p>
      <p className="prewrap muted" data-testid="credit-application-evidence">
        {t('creditManage.applications.evidence')}: {a.evidence}
      </p>
      {a.status !== 'pending' && (
        <p className="filing-card__reply" data-testid="credit-application-decision">
          {t('creditManage.applications.decided', { by: a.decidedBy ?? '—', at: a.decidedAt ? shanghaiTime(a.decidedAt, locale) : '—', reason: a.decision ?? '' })}
        </p>
      )}
      {a.status === 'pending' && onDecided && (
        <div className="inline-form">
          <div className="field">
            <label htmlFor={`credit-decision-reason-${a.id}`}>{t('creditManage.applications.reason')}</label>
            <textarea id={`credit-decision-reason-${a.id}`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="credit-decision-reason" />
          </div>
          <div className="button-row">
            <button type="button" className="button button--primary" disabled={busy} onClick={() => void decide(true)} data-testid="credit-decision-grant">
              {t('creditManage.applications.grant')}
            </button>
            <button type="button" className="button button--danger" disabled={busy} onClick={() => void decide(false)} data-testid="credit-decision-refuse">
              {t('creditManage.applications.refuse')}
            </button>
          </div>
          {problem && (
            <p className="form-error" role="alert">
              {problem}
            </p>
          )}
          <ErrorLine error={error} testId="credit-decision-error" />
        </div>
      )}
    </article>
  );
}

function PeersSection() {
  const { t, locale } = useI18n();
  const [round, setRound] = useState(0);
  const { data, error } = useLoaded((signal) => creditApi.peers(signal), [round]);
  const [results, setResults] = useState<Record<string, PullResult>>({});
  const { busy, error: pullError, run } = useAction();

  async function pull(code: string) {
    await run(async () => {
      const result = await creditApi.pull(code);
      setResults((r) => ({ ...r, [code]: result }));
      setRound((n) => n + 1);
    });
  }

  const when = (iso: string | null) => (iso ? shanghaiTime(iso, locale) : '—');
  return (
    <section aria-labelledby="credit-peers-title" data-testid="credit-peers-section">
      <div className="section-heading">
        <h2 id="credit-peers-title">{t('creditManage.peers.title')}</h2>
        {data && <p data-testid="credit-feed-region">{t('creditManage.peers.region', { name: data.region.name, code: data.region.code })}</p>}
      </div>
      <ErrorLine error={error} />
      <ErrorLine error={pullError} testId="credit-pull-error" />
      {data === null && error === null && <Loading />}
      {data !== null && data.peers.length === 0 && <p data-testid="credit-peers-none">{t('creditManage.peers.none')}</p>}
      {data !== null && data.peers.length > 0 && (
        <div className="table-scroll">
          <table className="data-table" data-testid="credit-peers">
            <thead>
              <tr>
                <th>{t('creditManage.peers.code')}</th>
                <th>{t('creditManage.peers.lastSeq')}</th>
                <th>{t('creditManage.peers.lastOk')}</th>
                <th>{t('creditManage.peers.failures')}</th>
                <th>{t('creditManage.peers.next')}</th>
                <th>{t('creditManage.peers.lastError')}</th>
                <th>{t('creditManage.peers.refusals')}</th>
                <th>{t('credit.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.peers.map((p) => {
                const result = results[p.code];
                return (
                  <tr key={p.code} data-testid="credit-peer" data-code={p.code} data-failures={p.failures}>
                    <td>
                      <code>{p.code}</code>
                      <br />
                      <span className="muted">{p.url}</span>
                    </td>
                    <td className="numeric" data-testid="credit-peer-seq">
                      {p.lastSeq}
                    </td>
                    <td>{when(p.lastOkAt)}</td>
                    <td className="numeric" data-testid="credit-peer-failures">
                      {p.failures}
                    </td>
                    <td>{when(p.nextAttemptAt)}</td>
                    <td className="prewrap" data-testid="credit-peer-error">
                      {p.lastError ?? '—'}
                    </td>
                    <td>
                      {p.refusals.length === 0 ? (
                        '—'
                      ) : (
                        <ul data-testid="credit-peer-refusals">
                          {p.refusals.map((r, i) => (
                            <li key={i}>
                              {when(r.at)} {r.seq !== null ? `#${r.seq} ` : ''}
                              <code>{r.reason}</code> {r.detail}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>
                      <button type="button" className="button button--small" disabled={busy} onClick={() => void pull(p.code)} data-testid="credit-peer-pull">
                        {t('creditManage.peers.pull')}
                      </button>
                      {result && (
                        <p className={result.ok ? 'muted' : 'form-error'} data-testid="credit-peer-pulled">
                          {result.ok ? t('creditManage.peers.pulled', { n: result.accepted, seq: result.lastSeq }) : t('creditManage.peers.pullFailed', { error: result.error ?? result.refused?.reason ?? '' })}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

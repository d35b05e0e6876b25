import { useEffect, useState, type FormEvent } from 'react';
import type { ComplaintDecisionView, ComplaintSubject, ComplaintView, ObjectionView } from '../../../contracts/complaints.js';
import type { UserView } from '../../../contracts/index.js';
import type { TradeView } from '../../../contracts/trades.js';
import { isApiError } from '../api.js';
import { RefusalBox } from '../award/RefusalBox.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { STAFF_ROLES } from '../trades/labels.js';
import { ComplaintCard, ObjectionCard } from './Cards.js';
import * as complaintsApi from './complaintsApi.js';
import { defaultSubject, labelName, objectionLabelOf, STEPS, subjectName } from './labels.js';

const READERS = new Set(['admin', 'center_staff', 'agent', 'supervisor']);

interface Props {
  trade: TradeView;
  user: UserView;
  reload: number;
  onChanged(): void;
}

/**
 * 异议 / 质疑 与 投诉 on the trade page. A bidder files an objection (or, for government procurement,
 * a challenge) to the tenderee side and a complaint to the supervisor, with attachments, and sees its
 * own filings with their deadlines and answers. The trade's staff and agent see every objection with
 * its reply deadline and reply; supervisors see the complaints and handle them.
 */
export function ObjectionsSection({ trade, user, reload, onChanged }: Props) {
  const { t } = useI18n();
  const [objections, setObjections] = useState<ObjectionView[] | null>(null);
  const [complaints, setComplaints] = useState<ComplaintView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState(0);
  const bidder = user.role === 'bidder';
  const reader = READERS.has(user.role);

  useEffect(() => {
    if (!bidder && !reader) return;
    const controller = new AbortController();
    const quiet = (e: unknown) => {
      if (isApiError(e) && (e.code === 'NOT_PARTICIPANT' || e.code === 'FORBIDDEN_ROLE')) return null;
      throw e;
    };
    Promise.all([complaintsApi.tradeObjections(trade.id, controller.signal).catch(quiet), complaintsApi.tradeComplaints(trade.id, controller.signal).catch(quiet)])
      .then(([o, c]) => {
        setObjections(o);
        setComplaints(c);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, [trade.id, bidder, reader, reload, local]);

  if (!bidder && !reader) return null;
  if (trade.state === 'draft') return null;
  if (!bidder && objections === null && complaints === null && error === null) return null;

  const changed = () => {
    setLocal((n) => n + 1);
    onChanged();
  };
  const label = objectionLabelOf(trade.kind);
  const mayReply = STAFF_ROLES.has(user.role);
  const pending = (objections ?? []).filter((o) => o.status === 'pending').length;

  return (
    <section aria-labelledby="objections-title" data-testid="objections-section">
      <div className="section-heading">
        <h2 id="objections-title">{t('objection.sectionTitle', { label: labelName(t, label) })}</h2>
        <p>{bidder ? t('objection.bidderIntro', { label: labelName(t, label) }) : t('objection.staffIntro', { label: labelName(t, label) })}</p>
        {!bidder && pending > 0 && (
          <p className="notice notice--warn" data-testid="objections-pending">
            {t('objection.pendingCount', { n: pending, label: labelName(t, label) })}
          </p>
        )}
      </div>
      {error !== null && <RefusalBox error={error} testId="objections-error" />}
      {bidder && (
        <details className="filing" open={trade.state === 'publicity' || undefined} data-testid="filing">
          <summary className="button button--primary">{t('filing.open', { label: labelName(t, label) })}</summary>
          <FilingForm trade={trade} objections={objections ?? []} onFiled={changed} />
        </details>
      )}

      <h3>{bidder ? t('objection.mine', { label: labelName(t, label) }) : t('objection.all', { label: labelName(t, label) })}</h3>
      {objections !== null && objections.length === 0 && <p data-testid="objections-none">{t('objection.none')}</p>}
      <div className="filing-list" data-testid="objections">
        {(objections ?? []).map((o) => (
          <ObjectionCard key={o.id} o={o} kind={trade.kind} mayReply={mayReply} mayWithdraw={bidder} onChanged={changed} />
        ))}
      </div>

      {complaints !== null && (complaints.length > 0 || bidder || user.role === 'supervisor') && (
        <>
          <h3>{bidder ? t('complaint.mine') : t('complaint.all')}</h3>
          {complaints.length === 0 && <p>{t('complaint.none')}</p>}
          <div className="filing-list" data-testid="complaints">
            {complaints.map((c) => (
              <ComplaintCard key={c.id} c={c} kind={trade.kind} supervisor={user.role === 'supervisor'} mayWithdraw={bidder} onChanged={changed} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

/** The bidder's filing form: an objection / challenge to the tenderee side, or a complaint to the supervisor. */
function FilingForm({ trade, objections, onFiled }: { trade: TradeView; objections: ObjectionView[]; onFiled(): void }) {
  const { t } = useI18n();
  const label = objectionLabelOf(trade.kind);
  const [to, setTo] = useState<'objection' | 'complaint'>('objection');
  const [subject, setSubject] = useState<ComplaintSubject>(defaultSubject(trade.state));
  const [facts, setFacts] = useState('');
  const [request, setRequest] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [step, setStep] = useState('');
  const [objectionId, setObjectionId] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [filed, setFiled] = useState<{ id: number; due: string } | null>(null);
  const { locale } = useI18n();

  const ready = facts.trim() && request.trim() && legalBasis.trim();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    setError(null);
    setFiled(null);
    setProgress(0);
    const filing: complaintsApi.Filing = {
      subject,
      facts: facts.trim(),
      request: request.trim(),
      legalBasis: legalBasis.trim(),
      attachments: files,
      ...(subject === 'process' && step ? { step } : {}),
      ...(to === 'complaint' && objectionId ? { objectionId: Number(objectionId) } : {}),
    };
    const onProgress = (sent: number, total: number) => setProgress(Math.round((sent / total) * 100));
    try {
      if (to === 'objection') {
        const answer = await complaintsApi.fileObjection(trade.id, filing, onProgress);
        setFiled({ id: answer.id, due: answer.replyDueAt });
      } else {
        const answer = await complaintsApi.fileComplaint(trade.id, filing, onProgress);
        setFiled({ id: answer.id, due: answer.acceptanceDueAt });
      }
      setFacts('');
      setRequest('');
      setLegalBasis('');
      setFiles([]);
      onFiled();
    } catch (caught) {
      setError(caught);
    } finally {
      setProgress(null);
    }
  }

  return (
    <form className="filing-form" onSubmit={submit} noValidate data-testid="filing-form" data-to={to}>
      <fieldset className="radio-group">
        <legend>{t('filing.to')}</legend>
        <label className="checkbox">
          <input type="radio" name="filing-to" checked={to === 'objection'} onChange={() => setTo('objection')} data-testid="filing-to-objection" /> {t('filing.toObjection', { label: labelName(t, label) })}
        </label>
        <label className="checkbox">
          <input type="radio" name="filing-to" checked={to === 'complaint'} onChange={() => setTo('complaint')} data-testid="filing-to-complaint" /> {t('filing.toComplaint')}
        </label>
      </fieldset>
      <p className="muted">{to === 'objection' ? t('filing.objectionHint', { label: labelName(t, label) }) : t('filing.complaintHint', { label: labelName(t, label) })}</p>
      <div className="form-row">
        <label>
          {t('filing.subject')}
          <select value={subject} onChange={(e) => setSubject(e.target.value as ComplaintSubject)} data-testid="filing-subject">
            {complaintsApi.SUBJECTS.map((s) => (
              <option key={s} value={s}>
                {subjectName(t, s)}
              </option>
            ))}
          </select>
        </label>
        {subject === 'process' && (
          <label>
            {t('complaint.step')}
            <select value={step} onChange={(e) => setStep(e.target.value)} data-testid="filing-step">
              <option value="">{t('filing.latestStep')}</option>
              {STEPS.map((s) => (
                <option key={s} value={s}>
                  {t(`filing.step.${s}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        {to === 'complaint' && (
          <label>
            {t('complaint.follows')}
            <select value={objectionId} onChange={(e) => setObjectionId(e.target.value)} data-testid="filing-objection">
              <option value="">{t('filing.noObjection')}</option>
              {objections
                .filter((o) => o.status !== 'withdrawn')
                .map((o) => (
                  <option key={o.id} value={o.id}>
                    {labelName(t, o.label)} #{o.id} · {subjectName(t, o.subject)} · {t(`objection.status.${o.status}`)}
                  </option>
                ))}
            </select>
          </label>
        )}
      </div>
      <div className="field">
        <label htmlFor="filing-facts">{t('complaint.facts')}</label>
        <textarea id="filing-facts" rows={4} value={facts} maxLength={1300} onChange={(e) => setFacts(e.target.value)} data-testid="filing-facts" />
      </div>
      <div className="field">
        <label htmlFor="filing-request">{t('complaint.request')}</label>
        <textarea id="filing-request" rows={2} value={request} maxLength={1000} onChange={(e) => setRequest(e.target.value)} data-testid="filing-request" />
      </div>
      <div className="field">
        <label htmlFor="filing-basis">{t('complaint.legalBasis')}</label>
        <input id="filing-basis" value={legalBasis} maxLength={1000} onChange={(e) => setLegalBasis(e.target.value)} data-testid="filing-basis" />
      </div>
      <div className="field">
        <label htmlFor="filing-files">{t('filing.attachments', { n: complaintsApi.MAX_ATTACHMENTS })}</label>
        <input id="filing-files" type="file" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []).slice(0, complaintsApi.MAX_ATTACHMENTS))} data-testid="filing-files" />
        {files.length > 0 && <p className="muted">{files.map((f) => f.name).join('、')}</p>}
      </div>
      {progress !== null && <progress max={100} value={progress} />}
      <button type="submit" className="button button--primary" disabled={!ready || progress !== null} data-testid="filing-submit">
        {to === 'objection' ? t('filing.submitObjection', { label: labelName(t, label) }) : t('filing.submitComplaint')}
      </button>
      {error !== null && <RefusalBox error={error} testId="filing-error" />}
      {filed && (
        <p role="status" className="notice notice--info" data-testid="filing-done">
          {to === 'objection' ? t('filing.doneObjection', { id: filed.id, label: labelName(t, label), due: shanghaiTime(filed.due, locale) }) : t('filing.doneComplaint', { id: filed.id, due: shanghaiTime(filed.due, locale) })}
        </p>
      )}
    </form>
  );
}

/** 投诉处理决定 of one trade (public). */
export function TradeDecisions({ tradeId, reload }: { tradeId: number; reload: number }) {
  const { t } = useI18n();
  const [decisions, setDecisions] = useState<ComplaintDecisionView[] | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    complaintsApi
      .decisions(tradeId, controller.signal)
      .then(setDecisions)
      .catch(() => {
        if (!controller.signal.aborted) setDecisions(null);
      });
    return () => controller.abort();
  }, [tradeId, reload]);
  if (!decisions || decisions.length === 0) return null;
  return (
    <section aria-labelledby="trade-decisions-title" data-testid="trade-decisions">
      <div className="section-heading">
        <h2 id="trade-decisions-title">{t('decisions.tradeTitle')}</h2>
      </div>
      {decisions.map((d) => (
        <DecisionCard key={d.complaintId} d={d} />
      ))}
    </section>
  );
}

export function DecisionCard({ d, showTrade }: { d: ComplaintDecisionView; showTrade?: boolean }) {
  const { t, locale } = useI18n();
  return (
    <article className="filing-card" data-testid="decision" data-complaint-id={d.complaintId} data-outcome={d.outcome}>
      <header className="filing-card__head">
        <strong>
          {t('decisions.item', { id: d.complaintId })} · {t(`complaint.outcome.${d.outcome}`)}
        </strong>{' '}
        <span className="badge">{t(`complaint.remedy.${d.remedy}`)}</span>
        {showTrade && (
          <div>
            <a href={`#/trades/${d.tradeId}`}>
              <code>{d.tradeCode}</code> {d.tradeTitle}
            </a>
          </div>
        )}
      </header>
      <p className="muted">
        {t('decisions.meta', { complainant: d.complainant, subject: subjectName(t, d.subject), filed: shanghaiTime(d.filedAt, locale), decided: shanghaiTime(d.decidedAt, locale), by: d.decidedBy })}
      </p>
      <h4>{t('complaint.request')}</h4>
      <p className="prewrap">{d.request}</p>
      <h4>{t('complaint.decision')}</h4>
      <p className="prewrap" data-testid="decision-text">
        {d.decision}
      </p>
    </article>
  );
}

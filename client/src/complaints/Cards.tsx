import { useState, type FormEvent } from 'react';
import type { AttachmentView, ComplaintOutcome, ComplaintRemedy, ComplaintView, ObjectionView } from '../../../contracts/complaints.js';
import type { TradeKind } from '../../../contracts/trades.js';
import { RefusalBox } from '../award/RefusalBox.js';
import { useAction } from '../components/async.js';
import { bytes, shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { requestableGrounds } from '../recheck/recheckApi.js';
import { viewHref } from '../route.js';
import * as complaintsApi from './complaintsApi.js';
import { labelName, subjectName } from './labels.js';

function Attachments({ owner, id, list }: { owner: 'objection' | 'complaint'; id: number; list: AttachmentView[] }) {
  const { t } = useI18n();
  if (!list.length) return null;
  return (
    <ul className="attachments" data-testid={`${owner}-attachments`}>
      {list.map((a) => (
        <li key={a.id} data-testid={`${owner}-attachment`}>
          <a href={complaintsApi.attachmentUrl(owner, id, a.id)} download={a.fileName}>
            {a.fileName}
          </a>{' '}
          <span className="muted">
            {bytes(a.size)} · SHA-256 <code className="hash">{a.sha256}</code>
          </span>
        </li>
      ))}
      <li className="muted">{t('complaint.attachmentsCount', { n: list.length })}</li>
    </ul>
  );
}

function GroundPicker({ kind, value, onChange, testId }: { kind: TradeKind | null; value: string[]; onChange(v: string[]): void; testId: string }) {
  const { t, locale } = useI18n();
  return (
    <fieldset className="ground-picker" data-testid={testId}>
      <legend>{t('recheck.request.grounds')}</legend>
      <p className="muted">{t('recheck.request.defaultGrounds')}</p>
      {requestableGrounds(kind).map((g) => (
        <label key={g.id} className="checkbox">
          <input type="checkbox" checked={value.includes(g.id)} onChange={(e) => onChange(e.target.checked ? [...value, g.id] : value.filter((x) => x !== g.id))} data-ground={g.id} />{' '}
          {locale === 'zh-CN' ? g.zh : g.en}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * One objection / challenge: the filing, its window and reply deadline, the reply; for the trade's
 * staff and agent the reply form (upheld or not; an upheld objection to the candidates opens a
 * recheck); for the filer, withdrawal while pending.
 */
export function ObjectionCard({ o, kind, mayReply, mayWithdraw, showTrade, onChanged }: { o: ObjectionView; kind: TradeKind; mayReply: boolean; mayWithdraw: boolean; showTrade?: boolean; onChanged(o: ObjectionView): void }) {
  const { t, locale } = useI18n();
  const [reply, setReply] = useState('');
  const [upheld, setUpheld] = useState<boolean | null>(null);
  const [grounds, setGrounds] = useState<string[]>([]);
  const { busy, error, run: attempt } = useAction();
  const overdue = o.status === 'pending' && Date.now() > Date.parse(o.replyDueAt);

  async function run(action: () => Promise<ObjectionView>) {
    await attempt(async () => {
      onChanged(await action());
    });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!reply.trim() || upheld === null) return;
    void run(() => complaintsApi.replyObjection(o.id, { reply: reply.trim(), upheld, ...(upheld && o.subject === 'candidates' && grounds.length ? { grounds } : {}) }));
  }

  return (
    <article className={`filing-card filing-card--${o.status}`} data-testid="objection" data-objection-id={o.id} data-status={o.status} data-subject={o.subject}>
      <header className="filing-card__head">
        <strong>
          {labelName(t, o.label)} #{o.id} · {subjectName(t, o.subject)}
        </strong>{' '}
        <span className={`badge badge--filing-${o.status}`} data-testid="objection-status">
          {t(`objection.status.${o.status}`)}
        </span>
        {o.holds.length > 0 && <span className="badge badge--warn"> {t('objection.holding')}</span>}
        {showTrade && (
          <div>
            <a href={viewHref({ name: 'trade', id: o.tradeId })}>
              <code>{o.tradeCode}</code> {o.tradeTitle}
            </a>
          </div>
        )}
      </header>
      <dl className="profile profile--grid">
        <div className="profile__item">
          <dt>{t('complaint.filer')}</dt>
          <dd data-testid="objection-filer">
            {o.organisationName} · {o.filedBy}
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('complaint.filedAt')}</dt>
          <dd>{shanghaiTime(o.filedAt, locale)}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('objection.replyDue')}</dt>
          <dd data-testid="objection-reply-due" data-due={o.replyDueAt} className={overdue ? 'warn-text' : undefined}>
            {shanghaiTime(o.replyDueAt, locale)}
            {overdue && ` · ${t('objection.overdue')}`}
          </dd>
        </div>
        {o.window.endsAt && (
          <div className="profile__item">
            <dt>{t('complaint.window')}</dt>
            <dd>
              {t('complaint.windowEnds', { at: shanghaiTime(o.window.endsAt, locale) })} <span className="muted">（{o.window.source}）</span>
            </dd>
          </div>
        )}
        {o.step && (
          <div className="profile__item">
            <dt>{t('complaint.step')}</dt>
            <dd>
              <code>{o.step}</code>
            </dd>
          </div>
        )}
      </dl>
      <h4>{t('complaint.facts')}</h4>
      <p className="prewrap" data-testid="objection-facts">
        {o.facts}
      </p>
      <h4>{t('complaint.request')}</h4>
      <p className="prewrap" data-testid="objection-request">
        {o.request}
      </p>
      <h4>{t('complaint.legalBasis')}</h4>
      <p className="prewrap">{o.legalBasis}</p>
      <Attachments owner="objection" id={o.id} list={o.attachments} />
      {o.status === 'replied' && (
        <div className="filing-card__reply" data-testid="objection-reply" data-upheld={String(o.upheld)}>
          <h4>
            {t('objection.reply')} · {o.upheld ? t('objection.upheld') : t('objection.notUpheld')}
          </h4>
          <p className="prewrap" data-testid="objection-reply-text">
            {o.reply}
          </p>
          <p className="muted">
            {o.repliedBy} · {o.repliedAt && shanghaiTime(o.repliedAt, locale)}
            {o.replyLate && <span className="badge badge--warn"> {t('objection.replyLate')}</span>}
          </p>
          {o.recheckId !== null && (
            <p>
              <a href={viewHref({ name: 'recheck', id: o.recheckId })} data-testid="objection-recheck">
                {t('objection.recheckOpened', { id: o.recheckId })}
              </a>
            </p>
          )}
          {o.recheckError && (
            <p className="form-error">
              {t('objection.recheckFailed')} <code>{o.recheckError.code}</code> {o.recheckError.detail}
            </p>
          )}
        </div>
      )}
      {o.status === 'withdrawn' && o.withdrawnAt && <p className="muted">{t('objection.withdrawnAt', { at: shanghaiTime(o.withdrawnAt, locale) })}</p>}
      {mayReply && o.status === 'pending' && (
        <form onSubmit={submit} noValidate className="inline-form" data-testid="objection-reply-form">
          <div className="field">
            <label htmlFor={`reply-${o.id}`}>{t('objection.replyText')}</label>
            <textarea id={`reply-${o.id}`} value={reply} maxLength={4000} onChange={(e) => setReply(e.target.value)} data-testid="objection-reply-input" />
          </div>
          <fieldset className="radio-group">
            <legend>{t('objection.replyVerdict')}</legend>
            <label className="checkbox">
              <input type="radio" name={`upheld-${o.id}`} checked={upheld === true} onChange={() => setUpheld(true)} data-testid="objection-upheld" /> {t('objection.upheld')}
            </label>
            <label className="checkbox">
              <input type="radio" name={`upheld-${o.id}`} checked={upheld === false} onChange={() => setUpheld(false)} data-testid="objection-not-upheld" /> {t('objection.notUpheld')}
            </label>
          </fieldset>
          {upheld === true && o.subject === 'candidates' && (
            <>
              <p className="muted">{t('objection.upheldOpensRecheck')}</p>
              <GroundPicker kind={kind} value={grounds} onChange={setGrounds} testId="objection-grounds" />
            </>
          )}
          <button type="submit" className="button button--primary" disabled={busy || !reply.trim() || upheld === null} data-testid="objection-reply-submit">
            {t('objection.replySubmit')}
          </button>
        </form>
      )}
      {mayWithdraw && o.status === 'pending' && (
        <button type="button" className="button button--small" disabled={busy} onClick={() => void run(() => complaintsApi.withdrawObjection(o.id))} data-testid="objection-withdraw">
          {t('complaint.withdraw')}
        </button>
      )}
      {error !== null && <RefusalBox error={error} testId="objection-error" />}
    </article>
  );
}

/**
 * One complaint (投诉): the filing, its acceptance and decision deadlines, the suspension, the
 * decision; for the supervisor accept (the trade is suspended) / reject with reasons / decide with
 * outcome, text and remedy; for the filer, withdrawal.
 */
export function ComplaintCard({ c, kind, supervisor, mayWithdraw, showTrade, onChanged }: { c: ComplaintView; kind: TradeKind | null; supervisor: boolean; mayWithdraw: boolean; showTrade?: boolean; onChanged(c: ComplaintView): void }) {
  const { t, locale } = useI18n();
  const [mode, setMode] = useState<'none' | 'reject' | 'decide'>('none');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<ComplaintOutcome>('dismissed');
  const [remedy, setRemedy] = useState<ComplaintRemedy>('keep');
  const [decision, setDecision] = useState('');
  const [grounds, setGrounds] = useState<string[]>([]);
  const { busy, error, run: attempt } = useAction();

  async function run(action: () => Promise<ComplaintView>) {
    await attempt(async () => {
      onChanged(await action());
      setMode('none');
    });
  }

  return (
    <article className={`filing-card filing-card--${c.status}`} data-testid="complaint" data-complaint-id={c.id} data-status={c.status}>
      <header className="filing-card__head">
        <strong>
          {t('complaint.label')} #{c.id} · {subjectName(t, c.subject)}
        </strong>{' '}
        <span className={`badge badge--filing-${c.status}`} data-testid="complaint-status">
          {t(`complaint.status.${c.status}`)}
        </span>
        {c.suspended && (
          <span className="badge badge--warn" data-testid="complaint-suspended">
            {' '}
            {t('complaint.suspended')}
          </span>
        )}
        {showTrade && (
          <div>
            <a href={viewHref({ name: 'trade', id: c.tradeId })}>
              <code>{c.tradeCode}</code> {c.tradeTitle}
            </a>
          </div>
        )}
      </header>
      <dl className="profile profile--grid">
        <div className="profile__item">
          <dt>{t('complaint.complainant')}</dt>
          <dd>
            {c.organisationName} · {c.filedBy}
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('complaint.filedAt')}</dt>
          <dd>{shanghaiTime(c.filedAt, locale)}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('complaint.acceptanceDue')}</dt>
          <dd data-testid="complaint-acceptance-due">{shanghaiTime(c.acceptanceDueAt, locale)}</dd>
        </div>
        {c.decisionDueAt && (
          <div className="profile__item">
            <dt>{t('complaint.decisionDue')}</dt>
            <dd>{shanghaiTime(c.decisionDueAt, locale)}</dd>
          </div>
        )}
        {c.suspendedUntil && (
          <div className="profile__item">
            <dt>{t('complaint.suspendedUntil')}</dt>
            <dd>{shanghaiTime(c.suspendedUntil, locale)}</dd>
          </div>
        )}
        {c.objectionId !== null && (
          <div className="profile__item">
            <dt>{t('complaint.follows')}</dt>
            <dd>#{c.objectionId}</dd>
          </div>
        )}
        {c.window.endsAt && (
          <div className="profile__item">
            <dt>{t('complaint.window')}</dt>
            <dd>
              {t('complaint.windowEnds', { at: shanghaiTime(c.window.endsAt, locale) })} <span className="muted">（{c.window.source}）</span>
            </dd>
          </div>
        )}
      </dl>
      <h4>{t('complaint.facts')}</h4>
      <p className="prewrap">{c.facts}</p>
      <h4>{t('complaint.request')}</h4>
      <p className="prewrap">{c.request}</p>
      <h4>{t('complaint.legalBasis')}</h4>
      <p className="prewrap">{c.legalBasis}</p>
      <Attachments owner="complaint" id={c.id} list={c.attachments} />
      {c.rejectionReason && (
        <p className="notice notice--warn" data-testid="complaint-rejection">
          {t('complaint.rejected', { reason: c.rejectionReason })}
        </p>
      )}
      {c.status === 'decided' && (
        <div className="filing-card__reply" data-testid="complaint-decision" data-outcome={c.outcome ?? ''}>
          <h4>
            {t('complaint.decision')} · {c.outcome && t(`complaint.outcome.${c.outcome}`)} · {c.remedy && t(`complaint.remedy.${c.remedy}`)}
          </h4>
          <p className="prewrap">{c.decision}</p>
          <p className="muted">
            {c.decidedBy} · {c.decidedAt && shanghaiTime(c.decidedAt, locale)}
            {c.decisionLate && <span className="badge badge--warn"> {t('complaint.decisionLate')}</span>}
          </p>
          {c.remedyEffect && <p>{c.remedyEffect}</p>}
          {c.recheckId !== null && (
            <a href={viewHref({ name: 'recheck', id: c.recheckId })} data-testid="complaint-recheck">
              {t('objection.recheckOpened', { id: c.recheckId })}
            </a>
          )}
          {c.recheckError && (
            <p className="form-error">
              {t('objection.recheckFailed')} <code>{c.recheckError.code}</code> {c.recheckError.detail}
            </p>
          )}
        </div>
      )}
      {supervisor && c.status === 'filed' && (
        <div className="button-row">
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void run(() => complaintsApi.acceptComplaint(c.id))} data-testid="complaint-accept">
            {t('complaint.accept')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => setMode(mode === 'reject' ? 'none' : 'reject')} data-testid="complaint-reject-toggle">
            {t('complaint.reject')}
          </button>
        </div>
      )}
      {supervisor && c.status === 'filed' && <p className="muted">{t('complaint.acceptSuspends')}</p>}
      {supervisor && c.status === 'accepted' && (
        <button type="button" className="button button--primary" disabled={busy} onClick={() => setMode(mode === 'decide' ? 'none' : 'decide')} data-testid="complaint-decide-toggle">
          {t('complaint.decide')}
        </button>
      )}
      {mode === 'reject' && (
        <form
          className="inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (reason.trim()) void run(() => complaintsApi.rejectComplaint(c.id, reason.trim()));
          }}
        >
          <div className="field">
            <label htmlFor={`reject-${c.id}`}>{t('complaint.rejectReason')}</label>
            <textarea id={`reject-${c.id}`} value={reason} maxLength={2000} onChange={(e) => setReason(e.target.value)} data-testid="complaint-reject-reason" />
          </div>
          <button type="submit" className="button button--danger" disabled={busy || !reason.trim()} data-testid="complaint-reject-confirm">
            {t('complaint.rejectConfirm')}
          </button>
        </form>
      )}
      {mode === 'decide' && (
        <form
          className="inline-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (decision.trim()) void run(() => complaintsApi.decideComplaint(c.id, { outcome, decision: decision.trim(), remedy, ...(remedy === 'recheck' && grounds.length ? { grounds } : {}) }));
          }}
          data-testid="complaint-decide-form"
        >
          <div className="form-row">
            <label>
              {t('complaint.outcomeLabel')}
              <select value={outcome} onChange={(e) => setOutcome(e.target.value as ComplaintOutcome)} data-testid="complaint-outcome">
                {complaintsApi.OUTCOMES.map((o) => (
                  <option key={o} value={o}>
                    {t(`complaint.outcome.${o}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('complaint.remedyLabel')}
              <select value={remedy} onChange={(e) => setRemedy(e.target.value as ComplaintRemedy)} data-testid="complaint-remedy">
                {complaintsApi.REMEDIES.map((r) => (
                  <option key={r} value={r}>
                    {t(`complaint.remedy.${r}`)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {remedy === 'recheck' && <GroundPicker kind={kind} value={grounds} onChange={setGrounds} testId="complaint-grounds" />}
          <div className="field">
            <label htmlFor={`decision-${c.id}`}>{t('complaint.decisionText')}</label>
            <textarea id={`decision-${c.id}`} rows={6} value={decision} maxLength={8000} onChange={(e) => setDecision(e.target.value)} data-testid="complaint-decision-text" />
          </div>
          <button type="submit" className="button button--primary" disabled={busy || !decision.trim()} data-testid="complaint-decide-confirm">
            {t('complaint.decideConfirm')}
          </button>
        </form>
      )}
      {mayWithdraw && (c.status === 'filed' || c.status === 'accepted') && (
        <button type="button" className="button button--small" disabled={busy} onClick={() => void run(() => complaintsApi.withdrawComplaint(c.id))} data-testid="complaint-withdraw">
          {t('complaint.withdraw')}
        </button>
      )}
      {error !== null && <RefusalBox error={error} testId="complaint-error" />}
    </article>
  );
}

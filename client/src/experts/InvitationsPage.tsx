import { useState, type FormEvent } from 'react';
import type { AssignmentView } from '../../../contracts/experts.js';
import { ErrorLine, Loading, useAction, useLoaded } from '../components/async.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as expertsApi from './expertsApi.js';
import { specialtyLabel } from './labels.js';

/**
 * 评标邀请 (experts): the invitations of the draws, each accepted or declined (a decline needs a
 * reason and is refilled by the same draw), and the declaration of a conflict of interest (申报回避).
 */
export function InvitationsPage() {
  const { t } = useI18n();
  const { data: assignments, error, reload: refresh } = useLoaded<AssignmentView[]>((signal) => expertsApi.myAssignments(signal), []);

  return (
    <div className="invitations-page" data-testid="invitations-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('invitations.title')}</h1>
          <p>{t('invitations.intro')}</p>
          <button type="button" className="button" onClick={refresh} data-testid="invitations-refresh">
            {t('draw.refresh')}
          </button>
        </div>
      </section>

      <section aria-labelledby="invitations-list-title">
        <div className="section-heading">
          <h2 id="invitations-list-title">{t('invitations.listTitle')}</h2>
        </div>
        <ErrorLine error={error} testId="invitations-error" />
        {assignments === null && error === null && <Loading />}
        {assignments?.length === 0 && (
          <p className="muted" data-testid="invitations-none">
            {t('invitations.none')}
          </p>
        )}
        {assignments && assignments.length > 0 && (
          <ul className="invitation-list">
            {assignments.map((a) => (
              <Invitation key={a.id} assignment={a} onChanged={refresh} />
            ))}
          </ul>
        )}
      </section>

      <ConflictForm />
    </div>
  );
}

function Invitation({ assignment, onChanged }: { assignment: AssignmentView; onChanged(): void }) {
  const { t, locale } = useI18n();
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();

  async function answer(accept: boolean) {
    if (!accept && !reason.trim()) return;
    await run(async () => {
      await expertsApi.respond(assignment.id, accept, accept ? undefined : reason.trim());
      setDeclining(false);
      onChanged();
    });
  }

  return (
    <li className="invitation" data-testid="invitation" data-assignment-id={assignment.id} data-trade-id={assignment.tradeId} data-status={assignment.status}>
      <div className="invitation__head">
        <a href={viewHref({ name: 'trade', id: assignment.tradeId })}>
          <code>{assignment.tradeCode}</code> {assignment.tradeTitle}
        </a>
        <span className={`state-badge state-badge--seat-${assignment.status}`} data-testid="invitation-status">
          {t(`draw.seatStatus.${assignment.status}`)}
        </span>
      </div>
      <p className="muted">
        {t('invitations.specialty', { specialty: specialtyLabel(t, assignment.specialty) })} · {t('invitations.invitedAt', { at: shanghaiTime(assignment.invitedAt, locale) })}
      </p>
      {assignment.status === 'invited' && !declining && (
        <div className="button-row">
          <button type="button" className="button button--primary" disabled={busy} onClick={() => answer(true)} data-testid="invitation-accept">
            {t('invitations.accept')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => setDeclining(true)} data-testid="invitation-decline">
            {t('invitations.decline')}
          </button>
        </div>
      )}
      {assignment.status === 'invited' && declining && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void answer(false);
          }}
          noValidate
        >
          <div className="field">
            <label htmlFor={`decline-reason-${assignment.id}`}>{t('invitations.declineReason')}</label>
            <input id={`decline-reason-${assignment.id}`} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-testid="invitation-decline-reason" />
          </div>
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy || !reason.trim()} data-testid="invitation-decline-confirm">
              {t('invitations.declineConfirm')}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => setDeclining(false)}>
              {t('invitations.cancel')}
            </button>
          </div>
        </form>
      )}
      <ErrorLine error={error} testId="invitation-error" />
    </li>
  );
}

/** 申报回避: experts cannot list organisations (GET /api/organisations is for staff), so the organisation is entered by its id. */
function ConflictForm() {
  const { t, locale } = useI18n();
  const [organisationId, setOrganisationId] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<{ organisationId: number; declaredAt: string } | null>(null);
  const id = Number(organisationId);
  const valid = /^\d{1,12}$/.test(organisationId.trim()) && id > 0 && reason.trim().length > 0;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!valid) return;
    setDone(null);
    await run(async () => {
      const answer = await expertsApi.declareConflict(id, reason.trim());
      setDone(answer);
      setOrganisationId('');
      setReason('');
    });
  }

  return (
    <section aria-labelledby="conflict-title" data-testid="conflict-form">
      <div className="section-heading">
        <h2 id="conflict-title">{t('conflict.title')}</h2>
      </div>
      <p className="muted">{t('conflict.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="conflict-organisation">{t('conflict.organisation')}</label>
          <input id="conflict-organisation" inputMode="numeric" value={organisationId} onChange={(e) => setOrganisationId(e.target.value)} data-testid="conflict-organisation" />
        </div>
        <div className="field">
          <label htmlFor="conflict-reason">{t('conflict.reason')}</label>
          <input id="conflict-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} data-testid="conflict-reason" />
        </div>
        <button type="submit" className="button button--primary" disabled={busy || !valid} data-testid="conflict-submit">
          {t('conflict.submit')}
        </button>
      </form>
      {done && (
        <p className="muted" role="status" data-testid="conflict-done">
          {t('conflict.done', { id: done.organisationId, at: shanghaiTime(done.declaredAt, locale) })}
        </p>
      )}
      <ErrorLine error={error} testId="conflict-error" />
    </section>
  );
}

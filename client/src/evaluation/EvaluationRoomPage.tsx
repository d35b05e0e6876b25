import { useEffect, useRef, useState } from 'react';
import type { ComplianceCheck, EvaluationView } from '../../../contracts/evaluation.js';
import type { UserView } from '../../../contracts/index.js';
import { isApiError } from '../api.js';
import { PresenceBadge, RoomAlerts, useAction, ViewPending } from '../components/async.js';
import { SignStep } from '../components/SignStep.js';
import { errorMessage } from '../errors.js';
import { yuan } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as evaluationApi from './evaluationApi.js';
import { ChartLegend, ScoreChart } from './ScoreChart.js';
import { useEvaluationRoom } from './useEvaluationRoom.js';

/** Same values as contracts' COMPLIANCE_CHECKS (a value import would pull zod in). */
const CHECKS: ComplianceCheck[] = ['formal', 'qualification', 'responsiveness'];

interface Props {
  id: number;
  user: UserView;
}

type Bid = EvaluationView['bids'][number];
/** 暗标: while the server withholds the bidder, the bid is its label (A, B, C…). */
const bidName = (bid: Bid) => (bid.bidder ? `${bid.label} · ${bid.bidder.name}` : bid.label);
const key = (bidId: number, criterion: string) => `${bidId}:${criterion}`;
/** A rejection reason as the result words it (`qualification: …`), with the check's name translated. */
function checkReason(t: ReturnType<typeof useI18n>['t'], reason: string): string {
  const match = /^(formal|qualification|responsiveness): (.*)$/s.exec(reason);
  return match ? `${t(`evaluation.check.${match[1] as ComplianceCheck}`)}：${match[2]}` : reason;
}

/**
 * 评标室 (the live evaluation room): committee members elect the chair, vote on compliance, score
 * the compliant bids (drafts kept by the server, private until submitted), then see the computed
 * ranking; the chair writes the report and every member signs it with their own key file or refuses
 * with a reason. Staff and supervisors see the same room read-only, with, after the result, a chart
 * of every expert's scores per judged criterion.
 */
export function EvaluationRoomPage({ id, user }: Props) {
  const { t, locale } = useI18n();
  const room = useEvaluationRoom(id);
  const view = room.view;
  const { busy, error: actionError, run } = useAction();
  const act = (request: () => Promise<EvaluationView>) => run(async () => room.accept(await request()));

  if (view === null) {
    const notStarted = isApiError(room.error) && room.error.code === 'NOT_FOUND';
    return (
      <ViewPending
        error={room.error}
        className="evaluation-page"
        errorTestId="evaluation-error"
        notice={notStarted ? t('evaluation.notStarted') : null}
        back={{ href: viewHref({ name: 'trade', id }), label: t('evaluation.backToTrade') }}
      />
    );
  }

  const isMember = view.members.some((m) => m.userId === user.id);
  const me = view.members.find((m) => m.userId === user.id) ?? null;
  const isChair = view.chair === user.id;
  const judged = view.criteria.filter((c) => c.kind === 'judged');
  const votes = room.progress?.votes ?? null;
  const crit = (c: { name: { zh: string; en: string } }) => (locale === 'zh-CN' ? c.name.zh : c.name.en);

  return (
    <div className="evaluation-page" data-testid="evaluation-room" data-state={view.state} data-member={isMember} data-connection={room.connection}>
      <section className="welcome">
        <div className="welcome__text">
          <p className="eyebrow">
            {t('evaluation.eyebrow')} · {t(`evaluation.method.${view.method}`)}
            {view.anonymous && (
              <>
                {' '}
                · <span className="badge" data-testid="evaluation-anonymous">{t('evaluation.anonymous')}</span>
              </>
            )}
          </p>
          <h1 className="welcome__title">{t('evaluation.title', { id: view.tradeId })}</h1>
          <p>
            <span className="state-badge" data-testid="evaluation-state">
              {t(`evaluation.state.${view.state}`)}
            </span>{' '}
            <span className={`connection connection--${room.connection}`} data-testid="evaluation-connection">
              {t(`evaluation.connection.${room.connection}`)}
            </span>
            {!isMember && (
              <>
                {' '}
                <span className="badge" data-testid="evaluation-readonly">
                  {t('evaluation.readOnly')}
                </span>
              </>
            )}
          </p>
          <a className="button" href={viewHref({ name: 'trade', id })} data-testid="evaluation-back">
            {t('evaluation.backToTrade')}
          </a>
        </div>
      </section>

      <RoomAlerts prefix="evaluation" joinError={room.joinError} error={actionError} />

      {/* the committee: presence, chair, progress */}
      <section aria-labelledby="evaluation-members-title" data-testid="evaluation-members">
        <div className="section-heading">
          <h2 id="evaluation-members-title">{t('evaluation.members.title')}</h2>
          <p>{view.chair === null ? t('evaluation.members.electIntro') : t('evaluation.members.chairIs', { name: view.members.find((m) => m.userId === view.chair)?.name ?? '' })}</p>
        </div>
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('evaluation.members.name')}</th>
              <th>{t('evaluation.members.present')}</th>
              <th>{t('evaluation.members.scores')}</th>
              <th>{t('evaluation.members.signature')}</th>
              {isMember && view.chair === null && <th>{t('evaluation.members.vote')}</th>}
            </tr>
          </thead>
          <tbody>
            {view.members.map((m) => {
              const present = room.present.includes(m.userId);
              return (
                <tr
                  key={m.userId}
                  data-testid="evaluation-member"
                  data-user-id={m.userId}
                  data-present={present}
                  data-submitted={m.submitted}
                  data-signed={m.signed ?? 'none'}
                  data-chair={view.chair === m.userId}
                >
                  <td>
                    {m.name}
                    {m.userId === user.id && ` (${t('evaluation.members.me')})`}{' '}
                    {view.chair === m.userId && <span className="badge">{t('evaluation.members.chair')}</span>}
                  </td>
                  <td>
                    <PresenceBadge present={present} />
                  </td>
                  <td>{m.submitted ? t('evaluation.members.submitted') : t('evaluation.members.notSubmitted')}</td>
                  <td>{m.signed === 'signed' ? t('evaluation.members.signed') : m.signed === 'refused' ? t('evaluation.members.refused') : '—'}</td>
                  {isMember && view.chair === null && (
                    <td>
                      <button type="button" className="button button--small" disabled={busy} onClick={() => act(() => evaluationApi.voteChair(id, m.userId))} data-testid="evaluation-chair-vote">
                        {t('evaluation.members.voteFor')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>

      {view.state === 'review' && (
        <ComplianceSection view={view} isMember={isMember} isChair={isChair} busy={busy} votes={votes} act={act} />
      )}

      {view.state === 'scoring' && isMember && me && <ScoringSection view={view} submitted={me.submitted} act={act} />}
      {view.state === 'scoring' && !isMember && (
        <section data-testid="evaluation-scoring-progress">
          <div className="section-heading">
            <h2>{t('evaluation.scoring.title')}</h2>
            <p>{t('evaluation.scoring.watch', { done: view.members.filter((m) => m.submitted).length, all: view.members.length })}</p>
          </div>
        </section>
      )}

      {view.result && (
        <section aria-labelledby="evaluation-result-title" data-testid="evaluation-result">
          <div className="section-heading">
            <h2 id="evaluation-result-title">{t('evaluation.result.title')}</h2>
            <p>
              {view.result.benchmarkFen !== null && t('evaluation.result.benchmark', { amount: yuan(view.result.benchmarkFen) })}{' '}
              {view.result.dropExtremes ? t('evaluation.result.dropExtremes') : t('evaluation.result.noDropExtremes')}
            </p>
          </div>
          <table className="data-table" data-testid="evaluation-ranking">
            <thead>
              <tr>
                <th>{t('evaluation.result.rank')}</th>
                <th>{t('evaluation.result.bidder')}</th>
                <th>{t('evaluation.result.price')}</th>
                {view.criteria.map((c) => (
                  <th key={c.id}>
                    {crit(c)} ({c.max})
                  </th>
                ))}
                <th>{t('evaluation.result.total')}</th>
              </tr>
            </thead>
            <tbody>
              {view.result.ranked.map((r) => (
                <tr key={r.bidId} data-testid="evaluation-rank-row" data-bid-id={r.bidId} data-rank={r.rank} data-total={r.total} data-tied={r.tied}>
                  <td data-testid="evaluation-rank">
                    {r.rank}
                    {r.tied && ` ${t('evaluation.result.tied')}`}
                  </td>
                  <td data-testid="evaluation-rank-bidder">
                    {r.bidder.label} · {r.bidder.name}
                  </td>
                  <td>¥{yuan(r.priceFen)}</td>
                  {view.criteria.map((c) => (
                    <td key={c.id} data-testid="evaluation-rank-criterion" data-criterion={c.id}>
                      {r.criteria.find((x) => x.id === c.id)?.score ?? '—'}
                    </td>
                  ))}
                  <td data-testid="evaluation-rank-total">
                    <strong>{r.total}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {view.result.rejected.length > 0 && (
            <>
              <h3>{t('evaluation.result.rejected')}</h3>
              <ul data-testid="evaluation-rejected">
                {view.result.rejected.map((r) => (
                  <li key={r.bidId} data-testid="evaluation-rejected-row" data-bid-id={r.bidId}>
                    {r.bidder}：{[...new Set(r.reasons)].map((reason) => checkReason(t, reason)).join('；')}
                  </li>
                ))}
              </ul>
            </>
          )}
          <h3>{t('evaluation.result.candidates')}</h3>
          <ol data-testid="evaluation-candidates">
            {view.result.candidates.map((c) => (
              <li key={c.bidId} data-testid="evaluation-candidate" data-bid-id={c.bidId} data-rank={c.rank}>
                {t('evaluation.result.candidate', { rank: c.rank, bidder: c.bidder })}
              </li>
            ))}
          </ol>
          {judged.length > 0 && view.result.ranked.length > 0 && <Charts view={view} />}
        </section>
      )}

      {(view.state === 'computed' || view.reportSha256) && (
        <section aria-labelledby="evaluation-report-title" data-testid="evaluation-report">
          <div className="section-heading">
            <h2 id="evaluation-report-title">{t('evaluation.report.title')}</h2>
            <p>{view.reportSha256 ? t('evaluation.report.intro') : isChair ? t('evaluation.report.chairIntro') : t('evaluation.report.waitChair')}</p>
          </div>
          {view.state === 'computed' && isChair && (
            <button type="button" className="button button--primary" disabled={busy} onClick={() => act(() => evaluationApi.writeReport(id))} data-testid="evaluation-write-report">
              {t('evaluation.report.write')}
            </button>
          )}
          {view.reportSha256 && (
            <>
              <p>
                {t('evaluation.report.sha')}: <code data-testid="evaluation-report-sha">{view.reportSha256}</code>
              </p>
              <p>
                <a className="button" href={evaluationApi.reportPdfUrl(id)} target="_blank" rel="noopener" data-testid="evaluation-report-pdf">
                  {t('evaluation.report.pdf')}
                </a>
              </p>
            </>
          )}
          <SignStep
            idPrefix="evaluation"
            pending={view.state === 'reported' && me !== null && me.signed === null}
            signed={me?.signed}
            digestHex={view.reportSha256}
            intro="evaluation.sign.intro"
            submitLabel="evaluation.sign.submit"
            submit={async (answer) => room.accept(await evaluationApi.sign(id, answer))}
          />
          {view.state === 'final' && (
            <p className="notice notice--info" role="status" data-testid="evaluation-final">
              {t('evaluation.report.final')}
            </p>
          )}
        </section>
      )}
    </div>
  );
}

function ComplianceSection({
  view,
  isMember,
  isChair,
  busy,
  votes,
  act,
}: {
  view: EvaluationView;
  isMember: boolean;
  isChair: boolean;
  busy: boolean;
  votes: { cast: number; needed: number } | null;
  act(run: () => Promise<EvaluationView>): Promise<boolean>;
}) {
  const { t } = useI18n();
  const [rejecting, setRejecting] = useState<{ bidId: number; check: ComplianceCheck } | null>(null);
  const [reason, setReason] = useState('');
  const id = view.tradeId;

  return (
    <section aria-labelledby="evaluation-compliance-title" data-testid="evaluation-compliance">
      <div className="section-heading">
        <h2 id="evaluation-compliance-title">{t('evaluation.compliance.title')}</h2>
        <p>{isMember ? t('evaluation.compliance.intro') : t('evaluation.compliance.watch')}</p>
        {votes && <p data-testid="evaluation-votes">{t('evaluation.compliance.votes', { cast: votes.cast, needed: votes.needed })}</p>}
      </div>
      <table className="data-table compliance-table">
        <thead>
          <tr>
            <th>{t('evaluation.result.bidder')}</th>
            {CHECKS.map((c) => (
              <th key={c}>{t(`evaluation.check.${c}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {view.bids.map((bid) => (
            <tr key={bid.bidId} data-testid="evaluation-compliance-row" data-bid-id={bid.bidId}>
              <td>
                {bidName(bid)}
                <br />
                <small>¥{yuan(bid.priceFen)}</small>
                {view.forcedRejections
                  .filter((f) => f.bidId === bid.bidId)
                  .map((f) => (
                    <p key={f.reason} className="form-error" role="note" data-testid="evaluation-forced-rejection">
                      {t('evaluation.compliance.forced', { reason: f.reason })}
                    </p>
                  ))}
              </td>
              {CHECKS.map((check) => {
                const mine = view.myVotes.find((v) => v.bidId === bid.bidId && v.check === check) ?? null;
                const open = rejecting?.bidId === bid.bidId && rejecting.check === check;
                return (
                  <td key={check} data-testid="evaluation-compliance-cell" data-check={check} data-vote={mine ? (mine.pass ? 'pass' : 'reject') : 'none'}>
                    {!isMember && '—'}
                    {mine && <span className={`vote vote--${mine.pass ? 'pass' : 'reject'}`}>{mine.pass ? t('evaluation.compliance.passed') : t('evaluation.compliance.rejected', { reason: mine.reason ?? '' })}</span>}
                    {isMember && (
                      <span className="vote-buttons">
                        <button
                          type="button"
                          className="button button--small"
                          disabled={busy || mine?.pass === true}
                          onClick={() => act(() => evaluationApi.voteCompliance(id, bid.bidId, check, true))}
                          data-testid="compliance-pass"
                        >
                          {t('evaluation.compliance.pass')}
                        </button>
                        <button
                          type="button"
                          className="button button--small"
                          disabled={busy}
                          onClick={() => {
                            setRejecting(open ? null : { bidId: bid.bidId, check });
                            setReason('');
                          }}
                          data-testid="compliance-reject"
                        >
                          {t('evaluation.compliance.reject')}
                        </button>
                      </span>
                    )}
                    {open && (
                      <form
                        className="reject-form"
                        onSubmit={async (e) => {
                          e.preventDefault();
                          if (!reason.trim()) return;
                          if (await act(() => evaluationApi.voteCompliance(id, bid.bidId, check, false, reason.trim()))) setRejecting(null);
                        }}
                      >
                        <label htmlFor={`reject-${bid.bidId}-${check}`}>{t('evaluation.compliance.reason')}</label>
                        <input id={`reject-${bid.bidId}-${check}`} value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} data-testid="compliance-reason" />
                        <button type="submit" className="button button--small" disabled={busy || !reason.trim()} data-testid="compliance-reject-confirm">
                          {t('evaluation.compliance.rejectConfirm')}
                        </button>
                      </form>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {isChair && (
        <button type="button" className="button button--primary" disabled={busy || (votes !== null && votes.cast < votes.needed)} onClick={() => act(() => evaluationApi.closeReview(id))} data-testid="evaluation-close-review">
          {t('evaluation.compliance.close')}
        </button>
      )}
    </section>
  );
}

/**
 * The member's scoring form: every judged criterion of every bid still in the evaluation, within
 * the criterion's range. "保存草稿" keeps the draft on the server (private); "提交评分" saves and locks.
 * The view does not list the bids the compliance review rejected: a bid the server refuses to take
 * scores for (not a range error) is marked as rejected and left out.
 */
function ScoringSection({ view, submitted, act }: { view: EvaluationView; submitted: boolean; act(run: () => Promise<EvaluationView>): Promise<boolean> }) {
  const { t, locale } = useI18n();
  const id = view.tradeId;
  const judged = view.criteria.filter((c) => c.kind === 'judged');
  const [values, setValues] = useState<Record<string, string>>({});
  const [excluded, setExcluded] = useState<number[]>([]);
  const [invalid, setInvalid] = useState<string[]>([]);
  const [state, setState] = useState<{ kind: 'idle' } | { kind: 'working' } | { kind: 'saved' } | { kind: 'failed'; message: string }>({ kind: 'idle' });
  const seeded = useRef(false);

  // the server's draft (also after a reconnect or a reload) fills the form once
  useEffect(() => {
    if (seeded.current) return;
    seeded.current = true;
    setValues(Object.fromEntries(view.myScores.map((s) => [key(s.bidId, s.criterion), String(s.value)])));
  }, [view.myScores]);

  // the review's rejections (from the view; a refused save is the fallback) are not scored
  const out = view.bids.filter((b) => excluded.includes(b.bidId) || view.rejectedBids.includes(b.bidId));
  const bids = view.bids.filter((b) => !out.includes(b));

  /** Saves every filled field, bid by bid; false if anything is out of range or refused. */
  async function save(): Promise<boolean> {
    const bad: string[] = [];
    const perBid = new Map<number, evaluationApi.ScoreInput[]>();
    for (const bid of bids) {
      for (const c of judged) {
        const text = (values[key(bid.bidId, c.id)] ?? '').trim();
        if (text === '') continue;
        const value = Number(text);
        if (!Number.isFinite(value) || value < 0 || value > c.max) {
          bad.push(key(bid.bidId, c.id));
          continue;
        }
        perBid.set(bid.bidId, [...(perBid.get(bid.bidId) ?? []), { bidId: bid.bidId, criterion: c.id, value }]);
      }
    }
    setInvalid(bad);
    if (bad.length > 0) {
      setState({ kind: 'failed', message: t('evaluation.scoring.outOfRange') });
      return false;
    }
    setState({ kind: 'working' });
    for (const [bidId, scores] of perBid) {
      try {
        await evaluationApi.saveScores(id, scores);
      } catch (error) {
        if (isApiError(error) && error.code === 'VALIDATION_FAILED' && error.problem && !('criterion' in error.problem)) {
          setExcluded((list) => [...list, bidId]); // rejected by the compliance review: not scored
          continue;
        }
        setState({ kind: 'failed', message: errorMessage(t, error) });
        return false;
      }
    }
    setState({ kind: 'saved' });
    return true;
  }

  async function submit() {
    if (!(await save())) return;
    setState({ kind: 'working' });
    if (await act(() => evaluationApi.submitScores(id))) setState({ kind: 'idle' });
    else setState({ kind: 'idle' });
  }

  return (
    <section aria-labelledby="evaluation-scoring-title" data-testid="evaluation-scoring" data-submitted={submitted}>
      <div className="section-heading">
        <h2 id="evaluation-scoring-title">{t('evaluation.scoring.title')}</h2>
        <p>{submitted ? t('evaluation.scoring.submittedIntro') : t('evaluation.scoring.intro')}</p>
      </div>
      {view.anonymous && <p className="notice notice--info">{t('evaluation.scoring.anonymous')}</p>}
      <table className="data-table score-table" data-testid="evaluation-score-form">
        <thead>
          <tr>
            <th>{t('evaluation.result.bidder')}</th>
            {judged.map((c) => (
              <th key={c.id}>{t('evaluation.scoring.range', { criterion: locale === 'zh-CN' ? c.name.zh : c.name.en, max: c.max })}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {bids.map((bid) => (
            <tr key={bid.bidId} data-testid="evaluation-score-row" data-bid-id={bid.bidId} data-label={bid.label}>
              <td data-testid="evaluation-score-bidder">{bidName(bid)}</td>
              {judged.map((c) => {
                const k = key(bid.bidId, c.id);
                return (
                  <td key={c.id}>
                    <input
                      type="number"
                      min={0}
                      max={c.max}
                      step="0.01"
                      inputMode="decimal"
                      aria-label={`${bid.label} ${locale === 'zh-CN' ? c.name.zh : c.name.en}`}
                      aria-invalid={invalid.includes(k)}
                      className={invalid.includes(k) ? 'input--invalid' : undefined}
                      disabled={submitted}
                      value={values[k] ?? ''}
                      onChange={(e) => {
                        setValues((v) => ({ ...v, [k]: e.target.value }));
                        if (state.kind === 'saved') setState({ kind: 'idle' });
                      }}
                      data-testid="score-input"
                      data-bid-id={bid.bidId}
                      data-criterion={c.id}
                      data-max={c.max}
                    />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {out.length > 0 && <p data-testid="evaluation-score-excluded">{t('evaluation.scoring.excluded', { bids: out.map((b) => b.label).join('、') })}</p>}
      {submitted ? (
        <p className="notice notice--info" role="status" data-testid="evaluation-submitted">
          {t('evaluation.scoring.submitted')}
        </p>
      ) : (
        <div className="evaluation-actions">
          <button type="button" className="button" disabled={state.kind === 'working'} onClick={() => void save()} data-testid="evaluation-save-scores">
            {t('evaluation.scoring.save')}
          </button>
          <button type="button" className="button button--primary" disabled={state.kind === 'working'} onClick={() => void submit()} data-testid="evaluation-submit-scores">
            {t('evaluation.scoring.submit')}
          </button>
        </div>
      )}
      {state.kind === 'saved' && (
        <p role="status" data-testid="evaluation-saved">
          {t('evaluation.scoring.saved')}
        </p>
      )}
      {state.kind === 'failed' && (
        <p className="form-error" role="alert" data-testid="evaluation-score-error">
          {state.message}
        </p>
      )}
    </section>
  );
}

/** Every expert's scores per judged criterion, bidders on the x axis (supervision: outliers stand out). */
function Charts({ view }: { view: EvaluationView }) {
  const { t } = useI18n();
  const result = view.result!;
  const experts = [...new Set(result.ranked.flatMap((r) => r.criteria.flatMap((c) => c.byExpert.map((e) => e.expert))))];
  return (
    <div className="score-charts" data-testid="evaluation-charts">
      <h3>{t('evaluation.chart.title')}</h3>
      <ChartLegend experts={experts} dropExtremes={result.dropExtremes} />
      <div className="score-charts__grid">
        {view.criteria
          .filter((c) => c.kind === 'judged')
          .map((c) => (
            <ScoreChart key={c.id} criterion={c} result={result} experts={experts} />
          ))}
      </div>
    </div>
  );
}

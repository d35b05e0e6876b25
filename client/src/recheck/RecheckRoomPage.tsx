import { useState, type FormEvent } from 'react';
import type { ComplianceCheck } from '../../../contracts/evaluation.js';
import type { UserView } from '../../../contracts/index.js';
import type { Correction, RecheckOutcome, RecheckView } from '../../../contracts/recheck.js';
import { PresenceBadge, RoomAlerts, useAction, ViewPending } from '../components/async.js';
import { SignStep } from '../components/SignStep.js';
import { shanghaiTime, yuan } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import { describeDiff, kindName, outcomeName, triggerName } from './labels.js';
import * as recheckApi from './recheckApi.js';
import { useRecheckRoom } from './useRecheckRoom.js';

/** Same values as contracts' COMPLIANCE_CHECKS (a value import would pull zod in). */
const CHECKS: ComplianceCheck[] = ['formal', 'qualification', 'responsiveness'];

/**
 * 评标复核 / 复审室 (the recheck room, live on the evaluation namespace): the members — the original
 * committee (复核) or the independent panel (复审) — see the platform's recomputation (the flagged
 * items), the evaluation's raw votes and scores, record findings with corrections (each with its
 * reason), propose the outcome the grounds allow, and sign the recheck report with their own key
 * file. Staff, the agent and supervisors watch read-only and download the report.
 */
export function RecheckRoomPage({ id, user }: { id: number; user: UserView }) {
  const { t, locale } = useI18n();
  const room = useRecheckRoom(id);
  const view = room.view;
  const [findingItem, setFindingItem] = useState<string>('');
  const { busy, error: actionError, run } = useAction();
  const act = (request: () => Promise<RecheckView>) => run(async () => room.accept(await request()));

  if (view === null) {
    return <ViewPending error={room.error} className="evaluation-page" errorTestId="recheck-error" back={{ href: viewHref({ name: 'trades' }), label: t('trade.back') }} />;
  }

  const me = view.members.find((m) => m.userId === user.id) ?? null;
  const isMember = me !== null;
  const diffItems = view.diff?.items ?? [];
  const expertName = (userId: number) => view.evaluation?.experts.find((e) => e.userId === userId)?.name ?? view.members.find((m) => m.userId === userId)?.name ?? `#${userId}`;
  const bidName = (bidId: number) => {
    const bid = view.evaluation?.bids.find((b) => b.bidId === bidId);
    return bid ? `${bid.label} · ${bid.bidder}` : `#${bidId}`;
  };
  const criterionName = (id: string) => {
    const c = view.evaluation?.criteria.find((x) => x.id === id);
    return c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : id;
  };

  return (
    <div className="evaluation-page recheck-page" data-testid="recheck-room" data-state={view.state} data-member={isMember} data-connection={room.connection} data-recheck-id={view.id}>
      <section className="welcome">
        <div className="welcome__text">
          <p className="eyebrow">
            {kindName(t, view.kind)} · <code>{view.tradeCode}</code> · {t('recheck.round', { n: view.evaluationRound })}
          </p>
          <h1 className="welcome__title">{t('recheck.title', { id: view.id })}</h1>
          <p>
            <span className={`state-badge state-badge--recheck-${view.state}`} data-testid="recheck-state">
              {t(`recheck.state.${view.state}`)}
            </span>{' '}
            <span className="badge" data-testid="recheck-trigger">
              {triggerName(t, view.trigger)}
            </span>{' '}
            <span className={`connection connection--${room.connection}`} data-testid="recheck-connection">
              {t(`evaluation.connection.${room.connection}`)}
            </span>
            {!isMember && (
              <>
                {' '}
                <span className="badge">{t('evaluation.readOnly')}</span>
              </>
            )}
          </p>
          <p className="muted">
            {t('recheck.openedBy', { by: view.openedBy, at: shanghaiTime(view.openedAt, locale) })}
            {view.closedAt && <> · {t('recheck.closedAt', { at: shanghaiTime(view.closedAt, locale) })}</>}
          </p>
          <a className="button" href={viewHref({ name: 'trade', id: view.tradeId })} data-testid="recheck-back">
            {t('evaluation.backToTrade')}
          </a>
        </div>
      </section>

      <RoomAlerts prefix="recheck" joinError={room.joinError} error={actionError} />

      <section aria-labelledby="recheck-grounds-title">
        <div className="section-heading">
          <h2 id="recheck-grounds-title">{t('recheck.grounds')}</h2>
          <p>{view.note}</p>
        </div>
        <ul data-testid="recheck-grounds">
          {view.grounds.map((g) => (
            <li key={g.id} data-ground={g.id}>
              {locale === 'zh-CN' ? g.label.zh : g.label.en} <span className="muted">（{g.source}）</span>
            </li>
          ))}
        </ul>
        <p>{t('recheck.allowedOutcomes', { outcomes: view.allowedOutcomes.map((o) => outcomeName(t, o)).join(locale === 'zh-CN' ? '、' : ', ') })}</p>
      </section>

      <section aria-labelledby="recheck-members-title" data-testid="recheck-members">
        <div className="section-heading">
          <h2 id="recheck-members-title">{view.kind === 'panel' ? t('recheck.members.panel') : t('recheck.members.committee')}</h2>
          {view.panelSize !== null && <p data-testid="recheck-panel-size">{t('recheck.members.panelSize', { joined: view.members.length, size: view.panelSize })}</p>}
          {room.progress && <p data-testid="recheck-progress">{t('recheck.progress', { findings: room.progress.findings, signed: room.progress.members.filter((m) => m.signed !== null).length, all: room.progress.members.length })}</p>}
        </div>
        {view.members.length === 0 ? (
          <p>{t('recheck.members.none')}</p>
        ) : (
          <table className="data-table">
            <thead>
              <tr>
                <th>{t('evaluation.members.name')}</th>
                <th>{t('evaluation.members.present')}</th>
                <th>{t('evaluation.members.signature')}</th>
              </tr>
            </thead>
            <tbody>
              {view.members.map((m) => {
                const present = room.present.includes(m.userId);
                return (
                  <tr key={m.userId} data-testid="recheck-member" data-user-id={m.userId} data-present={present} data-signed={m.signed ?? 'none'}>
                    <td>
                      {m.name}
                      {m.userId === user.id && ` (${t('evaluation.members.me')})`}
                    </td>
                    <td>
                      <PresenceBadge present={present} />
                    </td>
                    <td>
                      {m.signed === 'signed' ? t('evaluation.members.signed') : m.signed === 'refused' ? `${t('evaluation.members.refused')}：${m.refusedReason ?? ''}` : '—'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="recheck-diff-title" data-testid="recheck-diff">
        <div className="section-heading">
          <h2 id="recheck-diff-title">{t('recheck.diff.title')}</h2>
          <p>
            {view.diff ? t('recheck.diff.intro', { at: shanghaiTime(view.diff.computedAt, locale), share: view.diff.rules.deviationSharePercent }) : t('recheck.diff.none')}
          </p>
        </div>
        {diffItems.length === 0 ? (
          <p data-testid="recheck-diff-empty">{t('recheck.diff.clean')}</p>
        ) : (
          <ul className="flag-list">
            {diffItems.map((item) => (
              <li key={item.key} data-testid="recheck-diff-item" data-type={item.type} data-key={item.key}>
                <span className="badge badge--warn">{t(`recheck.diffType.${item.type}`)}</span> {describeDiff(t, item, criterionName)}{' '}
                {isMember && view.state === 'open' && (
                  <button type="button" className="button button--small" onClick={() => setFindingItem(item.key)} data-testid="recheck-diff-finding">
                    {t('recheck.finding.onItem')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {view.evaluation && <RawRecord view={view} expertName={expertName} bidName={bidName} />}

      <section aria-labelledby="recheck-findings-title" data-testid="recheck-findings">
        <div className="section-heading">
          <h2 id="recheck-findings-title">{t('recheck.findings.title')}</h2>
        </div>
        {view.findings.length === 0 ? (
          <p>{t('recheck.findings.none')}</p>
        ) : (
          <ol>
            {view.findings.map((f) => (
              <li key={f.id} data-testid="recheck-finding" data-item={f.item ?? ''}>
                <strong>{f.name}</strong> · {shanghaiTime(f.at, locale)}
                {f.item && (
                  <>
                    {' '}
                    · <code>{f.item}</code>
                  </>
                )}
                <p>{f.text}</p>
                {f.corrections.length > 0 && (
                  <ul>
                    {f.corrections.map((c, i) => (
                      <li key={i} data-testid="recheck-correction">
                        {describeCorrection(t, c, bidName, expertName, criterionName)}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ol>
        )}
        {isMember && view.state === 'open' && <FindingForm view={view} item={findingItem} onItem={setFindingItem} busy={busy} act={act} bidName={bidName} expertName={expertName} />}
      </section>

      {isMember && view.state === 'open' && <OutcomeForm view={view} busy={busy} act={act} />}

      {(view.outcome || view.reportSha256) && (
        <section aria-labelledby="recheck-report-title" data-testid="recheck-report">
          <div className="section-heading">
            <h2 id="recheck-report-title">{t('recheck.report.title')}</h2>
            {view.outcome && (
              <p data-testid="recheck-outcome" data-outcome={view.outcome.decision}>
                {t('recheck.report.outcome', { outcome: outcomeName(t, view.outcome.decision), by: expertName(view.outcome.proposedBy), at: shanghaiTime(view.outcome.proposedAt, locale) })}
              </p>
            )}
            {view.outcome && <p>{view.outcome.reasons}</p>}
          </div>
          {view.report && view.report.changes.length > 0 && (
            <table className="data-table" data-testid="recheck-changes">
              <thead>
                <tr>
                  <th>{t('evaluation.result.bidder')}</th>
                  <th>{t('recheck.change.expert')}</th>
                  <th>{t('recheck.change.item')}</th>
                  <th>{t('recheck.change.from')}</th>
                  <th>{t('recheck.change.to')}</th>
                  <th>{t('recheck.change.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {view.report.changes.map((c, i) => (
                  <tr key={i} data-testid="recheck-change">
                    <td>{c.bidder}</td>
                    <td>{c.expert}</td>
                    <td>{c.criterion ? criterionName(c.criterion) : c.check ? t(`evaluation.check.${c.check}`) : ''}</td>
                    <td>{c.from ?? '—'}</td>
                    <td>{c.to}</td>
                    <td>{c.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {view.report?.rankingAfter && view.report.rankingBefore && (
            <div className="ranking-compare" data-testid="recheck-ranking">
              <div>
                <h3>{t('recheck.report.before')}</h3>
                <ol>
                  {view.report.rankingBefore.map((r) => (
                    <li key={r.bidId}>
                      {r.bidder} · {r.total}
                    </li>
                  ))}
                </ol>
              </div>
              <div>
                <h3>{t('recheck.report.after')}</h3>
                <ol>
                  {view.report.rankingAfter.map((r) => (
                    <li key={r.bidId} data-testid="recheck-ranking-after" data-bid-id={r.bidId}>
                      {r.bidder} · {r.total}
                    </li>
                  ))}
                </ol>
              </div>
            </div>
          )}
          {view.reportSha256 && (
            <p>
              {t('evaluation.report.sha')}: <code className="hash" data-testid="recheck-report-sha">{view.reportSha256}</code>{' '}
              <a className="button button--small" href={recheckApi.reportPdfUrl(view.id)} target="_blank" rel="noopener" data-testid="recheck-report-pdf">
                {t('recheck.report.pdf')}
              </a>
            </p>
          )}
          <SignStep
            idPrefix="recheck"
            pending={view.state === 'signing' && me !== null && me.signed === null}
            signed={me?.signed}
            digestHex={view.reportSha256}
            intro="recheck.sign.intro"
            submitLabel="recheck.sign.submit"
            submit={async (answer) => room.accept(await recheckApi.sign(view.id, answer))}
          />
          {view.state === 'closed' && (
            <p className="notice notice--info" role="status" data-testid="recheck-closed">
              {t('recheck.report.closed')}
            </p>
          )}
        </section>
      )}
    </div>
  );
}


function RawRecord({ view, expertName, bidName }: { view: RecheckView; expertName(id: number): string; bidName(id: number): string }) {
  const { t, locale } = useI18n();
  const ev = view.evaluation!;
  const judged = ev.criteria.filter((c) => c.kind === 'judged');
  const rejections = ev.votes.filter((v) => !v.pass);
  return (
    <section aria-labelledby="recheck-raw-title" data-testid="recheck-raw">
      <div className="section-heading">
        <h2 id="recheck-raw-title">{t('recheck.raw.title')}</h2>
        <p>{t('recheck.raw.intro')}</p>
      </div>
      <div className="table-scroll">
        <table className="data-table score-table">
          <thead>
            <tr>
              <th>{t('evaluation.result.bidder')}</th>
              <th>{t('recheck.change.expert')}</th>
              {judged.map((c) => (
                <th key={c.id}>
                  {locale === 'zh-CN' ? c.name.zh : c.name.en} ({c.max})
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ev.bids.flatMap((bid) =>
              ev.experts
                .filter((e) => ev.scores.some((s) => s.bidId === bid.bidId && s.expertUserId === e.userId))
                .map((e) => (
                  <tr key={`${bid.bidId}:${e.userId}`} data-testid="recheck-raw-row" data-bid-id={bid.bidId} data-expert={e.userId}>
                    <td>
                      {bid.label} · {bid.bidder} <small>¥{yuan(bid.priceFen)}</small>
                    </td>
                    <td>{expertName(e.userId)}</td>
                    {judged.map((c) => {
                      const score = ev.scores.find((s) => s.bidId === bid.bidId && s.expertUserId === e.userId && s.criterion === c.id);
                      const over = score !== undefined && score.value > c.max;
                      return (
                        <td key={c.id} className={over ? 'cell--flag' : undefined} data-criterion={c.id}>
                          {score?.value ?? '—'}
                        </td>
                      );
                    })}
                  </tr>
                )),
            )}
          </tbody>
        </table>
      </div>
      {rejections.length > 0 && (
        <>
          <h3>{t('recheck.raw.rejections')}</h3>
          <ul>
            {rejections.map((v, i) => (
              <li key={i}>
                {bidName(v.bidId)} · {expertName(v.expertUserId)} · {t(`evaluation.check.${v.check}`)}：{v.reason ?? <em className="muted">{t('recheck.raw.noReason')}</em>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function describeCorrection(t: ReturnType<typeof useI18n>['t'], c: Correction, bidName: (id: number) => string, expertName: (id: number) => string, criterionName: (id: string) => string): string {
  return c.kind === 'score'
    ? t('recheck.correction.score', { bid: bidName(c.bidId), expert: expertName(c.expertUserId), criterion: criterionName(c.criterion), value: c.value, reason: c.reason })
    : t('recheck.correction.reason', { bid: bidName(c.bidId), expert: expertName(c.expertUserId), check: t(`evaluation.check.${c.check}`), text: c.text, reason: c.reason });
}

type Draft =
  | { kind: 'score'; bidId: string; expertUserId: string; criterion: string; value: string; reason: string }
  | { kind: 'rejection_reason'; bidId: string; expertUserId: string; check: ComplianceCheck; text: string; reason: string };

/** A finding: on a flagged item (or a matter the member raises), with corrections, each with its reason. */
function FindingForm({
  view,
  item,
  onItem,
  busy,
  act,
  bidName,
  expertName,
}: {
  view: RecheckView;
  item: string;
  onItem(item: string): void;
  busy: boolean;
  act(run: () => Promise<RecheckView>): Promise<boolean>;
  bidName(id: number): string;
  expertName(id: number): string;
}) {
  const { t, locale } = useI18n();
  const [text, setText] = useState('');
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [invalid, setInvalid] = useState<string | null>(null);
  const ev = view.evaluation;
  const judged = ev?.criteria.filter((c) => c.kind === 'judged') ?? [];

  const update = (i: number, patch: Partial<Draft>) => setDrafts((list) => list.map((d, j) => (j === i ? ({ ...d, ...patch } as Draft) : d)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setInvalid(null);
    if (!text.trim()) return;
    const corrections: Correction[] = [];
    for (const d of drafts) {
      const bidId = Number(d.bidId);
      const expertUserId = Number(d.expertUserId);
      if (!bidId || !expertUserId || !d.reason.trim()) return setInvalid(t('recheck.finding.incomplete'));
      if (d.kind === 'score') {
        const value = Number(d.value);
        const max = judged.find((c) => c.id === d.criterion)?.max;
        if (!d.criterion || d.value.trim() === '' || !Number.isFinite(value) || value < 0 || (max !== undefined && value > max)) return setInvalid(t('recheck.finding.outOfRange', { max: max ?? '' }));
        corrections.push({ kind: 'score', bidId, expertUserId, criterion: d.criterion, value, reason: d.reason.trim() });
      } else {
        if (!d.text.trim()) return setInvalid(t('recheck.finding.incomplete'));
        corrections.push({ kind: 'rejection_reason', bidId, expertUserId, check: d.check, text: d.text.trim(), reason: d.reason.trim() });
      }
    }
    const ok = await act(() => recheckApi.addFinding(view.id, { ...(item ? { item } : {}), text: text.trim(), corrections }));
    if (ok) {
      setText('');
      setDrafts([]);
      onItem('');
    }
  }

  return (
    <form className="recheck-finding-form" onSubmit={submit} noValidate data-testid="recheck-finding-form">
      <h3>{t('recheck.finding.add')}</h3>
      <div className="field">
        <label htmlFor="finding-item">{t('recheck.finding.item')}</label>
        <select id="finding-item" value={item} onChange={(e) => onItem(e.target.value)} data-testid="recheck-finding-item">
          <option value="">{t('recheck.finding.ownMatter')}</option>
          {(view.diff?.items ?? []).map((d) => (
            <option key={d.key} value={d.key}>
              {t(`recheck.diffType.${d.type}`)} · {d.key}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="finding-text">{t('recheck.finding.text')}</label>
        <textarea id="finding-text" value={text} maxLength={4000} onChange={(e) => setText(e.target.value)} data-testid="recheck-finding-text" />
      </div>
      {drafts.map((d, i) => (
        <fieldset key={i} className="correction" data-testid="recheck-correction-draft">
          <legend>{d.kind === 'score' ? t('recheck.correction.scoreTitle') : t('recheck.correction.reasonTitle')}</legend>
          <div className="form-row">
            <label>
              {t('evaluation.result.bidder')}
              <select value={d.bidId} onChange={(e) => update(i, { bidId: e.target.value })}>
                <option value="" />
                {ev?.bids.map((b) => (
                  <option key={b.bidId} value={b.bidId}>
                    {bidName(b.bidId)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('recheck.change.expert')}
              <select value={d.expertUserId} onChange={(e) => update(i, { expertUserId: e.target.value })}>
                <option value="" />
                {ev?.experts.map((x) => (
                  <option key={x.userId} value={x.userId}>
                    {expertName(x.userId)}
                  </option>
                ))}
              </select>
            </label>
            {d.kind === 'score' ? (
              <>
                <label>
                  {t('recheck.change.item')}
                  <select value={d.criterion} onChange={(e) => update(i, { criterion: e.target.value })}>
                    <option value="" />
                    {judged.map((c) => (
                      <option key={c.id} value={c.id}>
                        {locale === 'zh-CN' ? c.name.zh : c.name.en} (0–{c.max})
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('recheck.change.to')}
                  <input type="number" min={0} step="0.01" value={d.value} onChange={(e) => update(i, { value: e.target.value })} />
                </label>
              </>
            ) : (
              <>
                <label>
                  {t('recheck.change.item')}
                  <select value={d.check} onChange={(e) => update(i, { check: e.target.value as ComplianceCheck })}>
                    {CHECKS.map((c) => (
                      <option key={c} value={c}>
                        {t(`evaluation.check.${c}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t('recheck.correction.statedReason')}
                  <input value={d.text} maxLength={1000} onChange={(e) => update(i, { text: e.target.value })} />
                </label>
              </>
            )}
            <label>
              {t('recheck.change.reason')}
              <input value={d.reason} maxLength={1000} onChange={(e) => update(i, { reason: e.target.value })} />
            </label>
            <button type="button" className="button button--small" onClick={() => setDrafts((list) => list.filter((_, j) => j !== i))}>
              {t('recheck.correction.remove')}
            </button>
          </div>
        </fieldset>
      ))}
      <div className="button-row">
        <button type="button" className="button button--small" onClick={() => setDrafts((l) => [...l, { kind: 'score', bidId: '', expertUserId: '', criterion: '', value: '', reason: '' }])} data-testid="recheck-add-score-correction">
          {t('recheck.correction.addScore')}
        </button>
        <button type="button" className="button button--small" onClick={() => setDrafts((l) => [...l, { kind: 'rejection_reason', bidId: '', expertUserId: '', check: 'qualification', text: '', reason: '' }])}>
          {t('recheck.correction.addReason')}
        </button>
        <button type="submit" className="button button--primary" disabled={busy || !text.trim()} data-testid="recheck-finding-submit">
          {t('recheck.finding.submit')}
        </button>
      </div>
      {invalid && (
        <p className="form-error" role="alert">
          {invalid}
        </p>
      )}
    </form>
  );
}

function OutcomeForm({ view, busy, act }: { view: RecheckView; busy: boolean; act(run: () => Promise<RecheckView>): Promise<boolean> }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<RecheckOutcome>(view.allowedOutcomes[0] ?? 'confirm');
  const [reasons, setReasons] = useState('');
  return (
    <section aria-labelledby="recheck-outcome-title" data-testid="recheck-outcome-form">
      <div className="section-heading">
        <h2 id="recheck-outcome-title">{t('recheck.outcomeForm.title')}</h2>
        <p>{t('recheck.outcomeForm.intro')}</p>
      </div>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!reasons.trim()) return;
          await act(() => recheckApi.proposeOutcome(view.id, outcome, reasons.trim()));
        }}
        noValidate
      >
        <fieldset className="radio-group">
          <legend>{t('recheck.outcomeForm.outcome')}</legend>
          {recheckApi.OUTCOMES.map((o) => (
            <label key={o} className="checkbox">
              <input type="radio" name="recheck-outcome" value={o} checked={outcome === o} disabled={!view.allowedOutcomes.includes(o)} onChange={() => setOutcome(o)} data-testid={`recheck-outcome-${o}`} />{' '}
              {outcomeName(t, o)}
              {!view.allowedOutcomes.includes(o) && <span className="muted"> （{t('recheck.outcomeForm.notAllowed')}）</span>}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="recheck-reasons">{t('recheck.outcomeForm.reasons')}</label>
          <textarea id="recheck-reasons" value={reasons} maxLength={4000} onChange={(e) => setReasons(e.target.value)} data-testid="recheck-reasons" />
        </div>
        <button type="submit" className="button button--primary" disabled={busy || !reasons.trim()} data-testid="recheck-propose">
          {t('recheck.outcomeForm.submit')}
        </button>
      </form>
    </section>
  );
}

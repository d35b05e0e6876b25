/**
 * 不见面开标大厅 (#/trades/:id/opening): the countdown by the server's clock, the officials' shares
 * arriving (n of k), each bid's result as it is opened, the final record with its PDF — live over
 * socket.io — and, by role, the official's share, the bidder's unlock and confirmation, and the
 * staff's start / remedy / publish.
 */
import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import type { UserView } from '../../../contracts/index.js';
import type { OpeningEvent, OpeningRecord, OpeningResultView, OpeningView } from '../../../contracts/opening.js';
import type { TradeView } from '../../../contracts/trades.js';
import { ErrorLine, Loading, ViewPending } from '../components/async.js';
import { shanghaiTime, yuan } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as tradesApi from '../tradesApi.js';
import { countdownText, shanghaiSeconds } from './hallFormat.js';
import * as openingApi from './openingApi.js';
import { useOpeningHall } from './useOpeningHall.js';

/** Key files and crypto: only for officials and bidders. */
const OfficialSharePanel = lazy(() => import('./KeyPanels.js').then((m) => ({ default: m.OfficialSharePanel })));
const BidderUnlockPanel = lazy(() => import('./KeyPanels.js').then((m) => ({ default: m.BidderUnlockPanel })));

const HALL_STAFF = new Set(['center_staff', 'admin']);

export function OpeningHallPage({ id, user }: { id: number; user: UserView }) {
  const { t, locale } = useI18n();
  const [trade, setTrade] = useState<TradeView | null>(null);
  const hall = useOpeningHall(id, true);
  const view = hall.view;

  useEffect(() => {
    const controller = new AbortController();
    tradesApi.getTrade(id, controller.signal).then(setTrade, () => {
      // the hall works without the notice's title
    });
    return () => controller.abort();
  }, [id, view?.state]);

  if (view === null) {
    return <ViewPending error={hall.error} className="trade-page" testId="opening-hall-error" back={{ href: viewHref({ name: 'trade', id }), label: t('opening.backToTrade') }} />;
  }

  const isStaff = HALL_STAFF.has(user.role);
  const isOfficial = user.role === 'official' && (trade === null || trade.officials.some((o) => o.userId === user.id));
  const isBidder = user.role === 'bidder';
  const fallback = <Loading />;

  return (
    <div className="trade-page opening-hall" data-testid="opening-hall" data-trade-id={id} data-state={view.state} data-mode={view.mode} data-last-seq={hall.lastSeq}>
      <section className="welcome">
        <div className="welcome__text">
          <p className="eyebrow">
            {t('opening.eyebrow')}
            {trade && (
              <>
                {' '}
                · <code data-testid="hall-trade-code">{trade.code}</code>
              </>
            )}
          </p>
          <h1 className="welcome__title" data-testid="hall-trade-title">
            {trade?.title ?? t('opening.title')}
          </h1>
          <p>
            <span className={`state-badge state-badge--opening-${view.state}`} data-testid="hall-state" data-state={view.state}>
              {t(`opening.state.${view.state}`)}
            </span>{' '}
            <span className="badge" data-testid="hall-mode">
              {t(`opening.mode.${view.mode}`, { k: view.sharesNeeded, n: trade?.officials.length ?? '—' })}
            </span>{' '}
            <span className={`hall-connection hall-connection--${hall.connection}`} role="status" data-testid="hall-connection" data-state={hall.connection}>
              {t(`opening.connection.${hall.connection}`)}
            </span>
          </p>
          {hall.joinError && (
            <p className="form-error" role="alert" data-testid="hall-join-error">
              {t('opening.connection.refused', { code: hall.joinError })}
            </p>
          )}
          <a className="button" href={viewHref({ name: 'trade', id })} data-testid="hall-back">
            {t('opening.backToTrade')}
          </a>
        </div>
      </section>

      <Countdown serverTime={hall.serverTime} openingAt={hall.openingAt ?? view.openingAt} startedAt={view.startedAt} />

      {isStaff && <StaffPanel tradeId={id} view={view} events={hall.events} serverTime={hall.serverTime} onView={hall.accept} />}
      {isOfficial && (
        <Suspense fallback={fallback}>
          <OfficialSharePanel tradeId={id} view={view} user={user} onView={hall.accept} />
        </Suspense>
      )}
      {isBidder && view.mode === 'bidder' && view.myBid && (
        <Suspense fallback={fallback}>
          <BidderUnlockPanel tradeId={id} view={view} user={user} onView={hall.accept} />
        </Suspense>
      )}
      {isBidder && <ConfirmPanel tradeId={id} view={view} serverTime={hall.serverTime} onView={hall.accept} />}

      <Shares view={view} officials={trade?.officials.length ?? null} />

      <section aria-labelledby="hall-results-title" data-testid="hall-results-section">
        <div className="section-heading">
          <h2 id="hall-results-title">{t('opening.results.title')}</h2>
          <p>{view.record ? t('opening.results.introFinal') : t('opening.results.intro')}</p>
        </div>
        <p data-testid="hall-pending" data-pending={view.pending}>
          {t('opening.results.pending', { n: view.pending, done: view.results.length })}
        </p>
        <ResultsTable results={view.results} />
      </section>

      {view.record && <RecordSection tradeId={id} view={view} record={view.record} />}

      <section aria-labelledby="hall-events-title" data-testid="hall-events-section">
        <div className="section-heading">
          <h2 id="hall-events-title">{t('opening.events.title')}</h2>
        </div>
        {hall.events.length === 0 ? (
          <p data-testid="hall-events-none">{t('opening.events.none')}</p>
        ) : (
          <ol className="hall-events" data-testid="hall-events">
            {hall.events.map((event) => (
              <li key={event.seq} data-testid="hall-event" data-seq={event.seq} data-type={event.type}>
                <span className="muted">#{event.seq} · {shanghaiSeconds(event.at, locale)}</span> {t(`opening.event.${event.type}`)}
                <EventFacts event={event} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function Countdown({ serverTime, openingAt, startedAt }: { serverTime: string | null; openingAt: string; startedAt: string | null }) {
  const { t, locale } = useI18n();
  const remaining = serverTime ? Date.parse(openingAt) - Date.parse(serverTime) : null;
  return (
    <section className="hall-clock" aria-labelledby="hall-clock-title" data-testid="hall-clock">
      <div className="section-heading">
        <h2 id="hall-clock-title">{t('opening.clock.title')}</h2>
      </div>
      <dl className="profile profile--grid">
        <div className="profile__item">
          <dt>{t('trade.openingAt')}</dt>
          <dd data-testid="hall-opening-at">{shanghaiTime(openingAt, locale)}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('opening.clock.serverTime')}</dt>
          <dd data-testid="hall-server-time">{serverTime ? shanghaiSeconds(serverTime, locale) : '—'}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('opening.clock.remaining')}</dt>
          <dd className="hall-countdown" data-testid="hall-countdown" data-remaining-ms={remaining ?? ''} aria-live="off">
            {remaining === null ? '—' : remaining > 0 ? countdownText(remaining, t('opening.clock.days')) : t('opening.clock.due')}
          </dd>
        </div>
        {startedAt && (
          <div className="profile__item">
            <dt>{t('opening.clock.startedAt')}</dt>
            <dd data-testid="hall-started-at">{shanghaiSeconds(startedAt, locale)}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function Shares({ view, officials }: { view: OpeningView; officials: number | null }) {
  const { t, locale } = useI18n();
  return (
    <section aria-labelledby="hall-shares-title" data-testid="hall-shares" data-in={view.sharesIn.length} data-needed={view.sharesNeeded}>
      <div className="section-heading">
        <h2 id="hall-shares-title">{t('opening.shares.title')}</h2>
        <p>{view.mode === 'bidder' ? t('opening.shares.introBidder') : t('opening.shares.intro')}</p>
      </div>
      <p className="hall-shares-count" data-testid="hall-shares-count">
        {t('opening.shares.count', { n: view.sharesIn.length, k: view.sharesNeeded })}
        {officials !== null && <span className="muted"> {t('opening.shares.ofOfficials', { n: officials })}</span>}
      </p>
      <progress max={Math.max(1, view.sharesNeeded)} value={Math.min(view.sharesIn.length, view.sharesNeeded)} aria-label={t('opening.shares.title')} />
      {view.sharesIn.length > 0 && (
        <ul data-testid="hall-share-list">
          {view.sharesIn.map((s) => (
            <li key={`${s.userId}-${s.shareIndex}`} data-testid="hall-share" data-user-id={s.userId} data-index={s.shareIndex}>
              {t('opening.shares.item', { name: s.displayName, index: s.shareIndex, at: shanghaiSeconds(s.at, locale) })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function outcomeText(t: ReturnType<typeof useI18n>['t'], result: OpeningResultView): string {
  const outcome = t(`opening.outcome.${result.outcome}`);
  return result.reason ? `${outcome}（${t(`opening.reason.${result.reason}`)}）` : outcome;
}

function bidFact(result: OpeningResultView, key: string): string | null {
  const value = result.bidJson?.[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** The results as they come in; once all unlocking has finished, the same rows with bidders, prices and bid.json facts (the record's table). */
function ResultsTable({ results }: { results: OpeningResultView[] }) {
  const { t } = useI18n();
  const testId = 'hall-results';
  if (results.length === 0) return <p data-testid={`${testId}-none`}>{t('opening.results.none')}</p>;
  const rowId = 'hall-result';
  return (
    <table className="data-table" data-testid={testId}>
      <thead>
        <tr>
          <th>{t('opening.results.order')}</th>
          <th>{t('opening.results.outcome')}</th>
          <th>{t('opening.results.bidder')}</th>
          <th>{t('opening.results.price')}</th>
          <th>{t('bid.duration')}</th>
          <th>{t('bid.quality')}</th>
          <th>{t('bid.projectManager')}</th>
          <th>SHA-256</th>
        </tr>
      </thead>
      <tbody>
        {[...results]
          .sort((a, b) => a.order - b.order)
          .map((r) => (
            <tr key={r.bidId} className={`hall-result hall-result--${r.outcome}`} data-testid={rowId} data-bid-id={r.bidId} data-outcome={r.outcome} data-reason={r.reason ?? ''}>
              <td className="numeric">{r.order}</td>
              <td data-testid={`${rowId}-outcome`}>
                {outcomeText(t, r)}
                {r.detail && <div className="muted">{r.detail}</div>}
              </td>
              <td data-testid={`${rowId}-bidder`}>{r.bidder ? `${r.bidder.name}（${r.bidder.uscc}）` : <span className="muted">{t('opening.results.sealedUntilEnd')}</span>}</td>
              <td className="numeric" data-testid={`${rowId}-price`} data-price-fen={r.priceFen ?? ''}>
                {r.priceFen !== null ? `¥${yuan(r.priceFen)}` : '—'}
              </td>
              <td>{bidFact(r, 'durationDays') ?? '—'}</td>
              <td>{bidFact(r, 'quality') ?? '—'}</td>
              <td>{bidFact(r, 'projectManager') ?? '—'}</td>
              <td>
                <code className="hash">{r.sha256}</code>
              </td>
            </tr>
          ))}
      </tbody>
    </table>
  );
}

function RecordSection({ tradeId, view, record }: { tradeId: number; view: OpeningView; record: OpeningRecord }) {
  const { t, locale } = useI18n();
  return (
    <section aria-labelledby="hall-record-title" data-testid="hall-record" data-failed={String(record.failed)} data-valid={record.validBids}>
      <div className="section-heading">
        <h2 id="hall-record-title">{t('opening.record.title')}</h2>
        <p>
          {view.publishedAt
            ? t('opening.record.published', { at: shanghaiSeconds(view.publishedAt, locale) })
            : t('opening.record.notPublished')}
        </p>
      </div>
      <dl className="profile profile--grid">
        <div className="profile__item">
          <dt>{t('opening.record.trade')}</dt>
          <dd>
            {record.trade.title} · <code>{record.trade.code}</code>
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('trade.openingPlace')}</dt>
          <dd>{record.openingPlace}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('opening.record.time')}</dt>
          <dd>
            {shanghaiSeconds(record.startedAt, locale)} — {shanghaiSeconds(record.finishedAt, locale)}
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('opening.record.valid')}</dt>
          <dd data-testid="hall-record-valid">{t('opening.record.validOf', { n: record.validBids, min: record.minimumValidBids })}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('trade.officials')}</dt>
          <dd>
            {record.officials
              .map((o) => (o.submittedAt ? t('opening.record.officialIn', { name: o.displayName, index: o.shareIndex ?? '—' }) : t('opening.record.officialOut', { name: o.displayName })))
              .join('；')}
          </dd>
        </div>
        {view.confirmUntil && (
          <div className="profile__item">
            <dt>{t('opening.confirm.until')}</dt>
            <dd data-testid="hall-confirm-until">{shanghaiSeconds(view.confirmUntil, locale)}</dd>
          </div>
        )}
      </dl>
      {record.failed && (
        <p className="form-error" role="alert" data-testid="hall-record-failed">
          {t('opening.record.failed', { basis: record.failureBasis ?? '' })}
        </p>
      )}
      {record.confirmations.length > 0 && (
        <>
          <h3>{t('opening.record.confirmations')}</h3>
          <ul data-testid="record-confirmations">
            {record.confirmations.map((c) => (
              <li key={c.uscc} data-testid="record-confirmation" data-decision={c.decision}>
                {c.organisationName}：{t(`opening.decision.${c.decision}`)}
                {c.at && <span className="muted"> · {shanghaiSeconds(c.at, locale)}</span>}
                {c.text && <div className="muted">{c.text}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
      <p>
        <a className="button" href={openingApi.recordPdfUrl(tradeId)} target="_blank" rel="noopener" data-testid="hall-record-pdf">
          {t('opening.record.pdf')}
        </a>
      </p>
    </section>
  );
}

/** A few payload facts worth a line in the log (names and prices only appear once the server sends them). */
function EventFacts({ event }: { event: OpeningEvent }) {
  const { t } = useI18n();
  const p = event.payload ?? {};
  const parts: string[] = [];
  // share.received: {official, index, count, needed}; bid.unlocked: {bidId, order, outcome, reason} or {bidId, remedy, note};
  // bid.result: a result view (names and prices once all unlocking has finished); record.ready: {validBids, minimumValidBids, failed}
  if (typeof p.official === 'string') parts.push(p.official);
  if (event.type === 'share.received' && typeof p.index === 'number') parts.push(t('opening.events.shareIndex', { index: p.index }));
  if (typeof p.count === 'number' && typeof p.needed === 'number') parts.push(t('opening.shares.count', { n: p.count, k: p.needed }));
  if (typeof p.bidId === 'number') parts.push(t('opening.staff.bidNo', { id: p.bidId }));
  if (typeof p.remedy === 'string') parts.push(t(p.remedy === 'other' ? 'opening.staff.faultOther' : 'opening.staff.faultBidder'));
  const bidder = p.bidder as { name?: unknown } | null | undefined;
  if (bidder && typeof bidder.name === 'string') parts.push(bidder.name);
  if (typeof p.priceFen === 'number') parts.push(`¥${yuan(p.priceFen)}`);
  if (typeof p.validBids === 'number' && typeof p.minimumValidBids === 'number') parts.push(t('opening.record.validOf', { n: p.validBids, min: p.minimumValidBids }));
  if (typeof p.outcome === 'string' && isOutcome(p.outcome)) parts.push(t(`opening.outcome.${p.outcome}`));
  if (typeof p.reason === 'string' && isReason(p.reason)) parts.push(t(`opening.reason.${p.reason}`));
  if (typeof p.decision === 'string' && (p.decision === 'confirm' || p.decision === 'object')) parts.push(t(`opening.decision.${p.decision}`));
  if (parts.length === 0) return null;
  return <span className="muted"> — {parts.join(' · ')}</span>;
}

const OUTCOMES = ['opened', 'refused', 'revoked', 'withdrawn'] as const;
const REASONS = ['DECRYPTION_FAILED', 'SIGNATURE_MISMATCH', 'MALFORMED_PACKAGE', 'BIDDER_DID_NOT_UNLOCK', 'UNLOCK_FAILED'] as const;
const isOutcome = (v: string): v is (typeof OUTCOMES)[number] => (OUTCOMES as readonly string[]).includes(v);
const isReason = (v: string): v is (typeof REASONS)[number] => (REASONS as readonly string[]).includes(v);

/** 投标人确认开标记录 / 提出异议, within the confirmation window (server clock). */
function ConfirmPanel({ tradeId, view, serverTime, onView }: { tradeId: number; view: OpeningView; serverTime: string | null; onView(view: OpeningView): void }) {
  const { t, locale } = useI18n();
  const [objecting, setObjecting] = useState(false);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problem, setProblem] = useState<MessageKey | null>(null);

  if (!view.publishedAt) return null;
  const mine = view.myConfirmation;
  const now = serverTime ? Date.parse(serverTime) : Date.parse(view.serverTime);
  const windowOpen = view.state === 'published' && view.confirmUntil !== null && now < Date.parse(view.confirmUntil);

  async function send(decision: 'confirm' | 'object', event?: FormEvent) {
    event?.preventDefault();
    setProblem(null);
    setError(null);
    if (decision === 'object' && !text.trim()) return setProblem('opening.confirm.objectionRequired');
    setBusy(true);
    try {
      onView(await openingApi.confirm(tradeId, decision, decision === 'object' ? text.trim() : undefined));
      setObjecting(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="hall-confirm-title" data-testid="confirm-panel">
      <div className="section-heading">
        <h2 id="hall-confirm-title">{t('opening.confirm.title')}</h2>
        <p>{view.confirmUntil ? t('opening.confirm.intro', { until: shanghaiSeconds(view.confirmUntil, locale) }) : ''}</p>
      </div>
      {mine ? (
        <div className="notice notice--info" role="status" data-testid="my-confirmation" data-decision={mine.decision}>
          {t(`opening.confirm.mine.${mine.decision}`, { at: shanghaiSeconds(mine.at, locale) })}
          {mine.text && <div className="muted">{mine.text}</div>}
        </div>
      ) : !windowOpen ? (
        <p data-testid="confirm-closed">{t('opening.confirm.closed')}</p>
      ) : (
        <>
          <div className="button-row">
            <button type="button" className="button button--primary" disabled={busy} onClick={() => send('confirm')} data-testid="confirm-record">
              {t('opening.confirm.confirm')}
            </button>
            <button type="button" className="button" disabled={busy} onClick={() => setObjecting((v) => !v)} data-testid="object-record">
              {t('opening.confirm.object')}
            </button>
          </div>
          {objecting && (
            <form onSubmit={(e) => send('object', e)} noValidate data-testid="objection-form">
              <div className="field">
                <label htmlFor="objection-text">{t('opening.confirm.objectionText')}</label>
                <textarea id="objection-text" rows={4} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} data-testid="objection-text" />
              </div>
              <button type="submit" className="button button--primary" disabled={busy} data-testid="objection-submit">
                {t('opening.confirm.objectSubmit')}
              </button>
            </form>
          )}
        </>
      )}
      {problem && (
        <p className="form-error" role="alert" data-testid="confirm-problem">
          {t(problem)}
        </p>
      )}
      <ErrorLine error={error} testId="confirm-error" />
    </section>
  );
}

/** Bid ids the events name that have no result yet (the staff's remedy candidates in bidder-unlock mode). */
function unresolvedBids(view: OpeningView, events: OpeningEvent[]): number[] {
  const done = new Set(view.results.map((r) => r.bidId));
  const ids = new Set<number>();
  for (const e of events) {
    const p = e.payload ?? {};
    if (typeof p.bidId === 'number') ids.add(p.bidId);
    if (Array.isArray(p.bidIds)) for (const b of p.bidIds) if (typeof b === 'number') ids.add(b);
    if (Array.isArray(p.pendingBidIds)) for (const b of p.pendingBidIds) if (typeof b === 'number') ids.add(b);
  }
  return [...ids].filter((b) => !done.has(b)).sort((a, b) => a - b);
}

/** Staff: start the opening, remedy bids their bidders did not unlock (bidder mode), publish the record. */
function StaffPanel({ tradeId, view, events, serverTime, onView }: { tradeId: number; view: OpeningView; events: OpeningEvent[]; serverTime: string | null; onView(view: OpeningView): void }) {
  const { t, locale } = useI18n();
  // the server refuses a remedy while the bidders' window runs (server clock)
  const windowOpen = view.unlockUntil !== null && Date.parse(serverTime ?? view.serverTime) < Date.parse(view.unlockUntil);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [bidId, setBidId] = useState('');
  const [fault, setFault] = useState<'bidder' | 'other'>('bidder');
  const [note, setNote] = useState('');

  async function run(what: string, call: () => Promise<OpeningView>) {
    setBusy(what);
    setError(null);
    try {
      onView(await call());
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  // the server lists the waiting bids (ids and hashes) to staff; the event log is the fallback
  const candidates = view.pendingBids ? view.pendingBids.map((b) => b.bidId) : unresolvedBids(view, events);
  const remedyBid = Number(bidId || candidates[0] || 0);

  function remedy(event: FormEvent) {
    event.preventDefault();
    if (!remedyBid || !note.trim()) return;
    void run('remedy', () => openingApi.remedy(tradeId, remedyBid, fault, note.trim()));
  }

  return (
    <section aria-labelledby="hall-staff-title" data-testid="staff-panel">
      <div className="section-heading">
        <h2 id="hall-staff-title">{t('opening.staff.title')}</h2>
      </div>
      <div className="button-row">
        {view.state === 'waiting' && (
          <button type="button" className="button button--primary" disabled={busy !== null} onClick={() => run('start', () => openingApi.startOpening(tradeId))} data-testid="staff-start">
            {t('opening.staff.start')}
          </button>
        )}
        {view.state === 'recorded' && (
          <button type="button" className="button button--primary" disabled={busy !== null} onClick={() => run('publish', () => openingApi.publishRecord(tradeId))} data-testid="staff-publish">
            {t('opening.staff.publish')}
          </button>
        )}
      </div>
      {view.state === 'waiting' && <p className="muted">{t('opening.staff.startIntro')}</p>}
      {view.state === 'recorded' && <p className="muted">{t('opening.staff.publishIntro')}</p>}
      {view.mode === 'bidder' && view.state === 'unlocking' && view.pending > 0 && windowOpen && view.unlockUntil && (
        <p className="muted" data-testid="remedy-wait">
          {t('opening.staff.remedyAfter', { until: shanghaiSeconds(view.unlockUntil, locale) })}
        </p>
      )}
      {view.mode === 'bidder' && view.state === 'unlocking' && view.pending > 0 && !windowOpen && (
        <form onSubmit={remedy} noValidate data-testid="remedy-form">
          <h3>{t('opening.staff.remedyTitle')}</h3>
          <p className="muted">{t('opening.staff.remedyIntro')}</p>
          <div className="field">
            <label htmlFor="remedy-bid">{t('opening.staff.remedyBid')}</label>
            {candidates.length > 0 ? (
              <select id="remedy-bid" value={String(remedyBid)} onChange={(e) => setBidId(e.target.value)} data-testid="remedy-bid">
                {candidates.map((b) => (
                  <option key={b} value={b}>
                    {t('opening.staff.bidNo', { id: b })}
                  </option>
                ))}
              </select>
            ) : (
              <input id="remedy-bid" inputMode="numeric" value={bidId} onChange={(e) => setBidId(e.target.value.replace(/\D/g, ''))} data-testid="remedy-bid" />
            )}
          </div>
          <div className="field">
            <label htmlFor="remedy-fault">{t('opening.staff.remedyFault')}</label>
            <select id="remedy-fault" value={fault} onChange={(e) => setFault(e.target.value === 'other' ? 'other' : 'bidder')} data-testid="remedy-fault">
              <option value="bidder">{t('opening.staff.faultBidder')}</option>
              <option value="other">{t('opening.staff.faultOther')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="remedy-note">{t('opening.staff.remedyNote')}</label>
            <input id="remedy-note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} data-testid="remedy-note" />
          </div>
          <button type="submit" className="button" disabled={busy !== null || !remedyBid || !note.trim()} data-testid="remedy-submit">
            {t('opening.staff.remedySubmit')}
          </button>
        </form>
      )}
      <ErrorLine error={error} testId="staff-error" />
    </section>
  );
}

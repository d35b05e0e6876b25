import { useEffect, useState, type FormEvent } from 'react';
import type { AwardNoticeView, AwardSummaryView, CandidateView, ContractView, PublicityView } from '../../../contracts/award.js';
import type { UserView } from '../../../contracts/index.js';
import type { TradeView } from '../../../contracts/trades.js';
import { useAction } from '../components/async.js';
import { bytes, shanghaiTime, yuan, yuanToFen } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import * as tradesApi from '../tradesApi.js';
import { OVERSIGHT_ROLES, STAFF_ROLES, unitLabel } from '../trades/labels.js';
import * as awardApi from './awardApi.js';
import { RefusalBox } from './RefusalBox.js';

/**
 * Within this many days of the contract deadline staff see the warning (and after it, a stronger
 * one): the rules table's award.contract_warning when the trade's limits carry it, else its value 5.
 */
export const CONTRACT_WARNING_DAYS = 5;
const warningDays = (trade: TradeView) => trade.limits.find((l) => l.rule.startsWith('award.contract_warning'))?.value ?? CONTRACT_WARNING_DAYS;
const DAY_MS = 86_400_000;

/** States in which the trade has (or had) a publicity or an award to show. */
const AFTER_EVALUATION = new Set(['evaluated', 'publicity', 'awarded', 'contracted', 'failed']);

interface Props {
  trade: TradeView;
  user: UserView | null;
  /** Bumped by the page after any change, so the section reloads. */
  reload: number;
  onChanged(): void;
}

/**
 * 结果公示与定标 on the trade page: the candidate publicity (public: candidates, the window with its
 * end, status, earlier rounds), the award (winner, price, the published notice PDF with its SHA-256,
 * the result notices), the contract summary; for staff and the agent the actions by trade state
 * (start the publicity, award, disqualify, record the contract, the contract deadline warning);
 * for the winning bidder the decline, for every bidder its own notice.
 */
export function AwardSection({ trade, user, reload, onChanged }: Props) {
  const { t } = useI18n();
  const [publicity, setPublicity] = useState<awardApi.PublicityRounds | null>(null);
  const [summary, setSummary] = useState<AwardSummaryView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const show = AFTER_EVALUATION.has(trade.state);

  useEffect(() => {
    if (!show) return;
    const controller = new AbortController();
    Promise.all([awardApi.publicity(trade.id, controller.signal), awardApi.summary(trade.id, controller.signal)])
      .then(([p, s]) => {
        setPublicity(p);
        setSummary(s);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, [trade.id, trade.state, show, reload, user?.username]);

  if (!show) return null;
  const manager = user !== null && STAFF_ROLES.has(user.role) && trade.actions.length > 0;
  const mayDisqualify = user !== null && (manager || user.role === 'supervisor') && (trade.state === 'publicity' || trade.state === 'awarded');
  const now = Date.parse(trade.serverTime);

  return (
    <section aria-labelledby="award-title" data-testid="award-section">
      <div className="section-heading">
        <h2 id="award-title">{t('award.sectionTitle')}</h2>
        <p>{t('award.sectionIntro')}</p>
      </div>
      {error !== null && <RefusalBox error={error} testId="award-load-error" />}
      {publicity ? (
        <PublicityPanel publicity={publicity} tradeId={trade.id} mayDisqualify={mayDisqualify} now={now} onChanged={onChanged} />
      ) : (
        trade.state === 'evaluated' && <p data-testid="publicity-none">{t('publicity.none')}</p>
      )}
      {summary && (summary.notices.length > 0 || summary.failed || summary.contract) && <AwardResult summary={summary} trade={trade} user={user} manager={manager} now={now} />}
      {manager && <StaffAwardActions trade={trade} summary={summary} onChanged={onChanged} />}
      {user?.role === 'bidder' && summary && (trade.state === 'publicity' || trade.state === 'awarded') && <DeclinePanel trade={trade} user={user} summary={summary} onChanged={onChanged} />}
    </section>
  );
}

function statusLabel(t: ReturnType<typeof useI18n>['t'], status: PublicityView['status']) {
  return t(`publicity.status.${status}`);
}

export function CandidatesTable({ candidates, actions }: { candidates: CandidateView[]; actions?: (c: CandidateView) => React.ReactNode }) {
  const { t, locale } = useI18n();
  return (
    <table className="data-table" data-testid="candidates">
      <thead>
        <tr>
          <th>{t('publicity.rank')}</th>
          <th>{t('publicity.bidder')}</th>
          <th>{t('home.uscc')}</th>
          <th>{t('publicity.price')}</th>
          <th>{t('publicity.total')}</th>
          <th>{t('publicity.candidateStatus')}</th>
          {actions && <th />}
        </tr>
      </thead>
      <tbody>
        {candidates.map((c) => (
          <tr key={c.bidId} data-testid="candidate-row" data-bid-id={c.bidId} data-rank={c.rank} data-status={c.status}>
            <td>{t('publicity.rankN', { n: c.rank })}</td>
            <td data-testid="candidate-name">{c.bidderName}</td>
            <td>
              <code>{c.uscc}</code>
            </td>
            <td className="numeric">¥{yuan(c.priceFen)}</td>
            <td className="numeric">{c.totalScore}</td>
            <td>
              <span className={`badge badge--candidate-${c.status}`}>{t(`candidate.status.${c.status}`)}</span>
              {c.reason && <div className="muted">{c.reason}</div>}
              {c.decidedAt && <div className="muted">{shanghaiTime(c.decidedAt, locale)}</div>}
            </td>
            {actions && <td>{actions(c)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The window of a publicity in words: from, to (the end of its last day), the period rule. */
export function PublicityWindow({ p, now }: { p: PublicityView; now: number }) {
  const { t, locale } = useI18n();
  const left = Date.parse(p.endsAt) - now;
  return (
    <dl className="profile profile--grid" data-testid="publicity-window">
      <div className="profile__item">
        <dt>{t('publicity.status')}</dt>
        <dd>
          <span className={`state-badge state-badge--publicity-${p.status}`} data-testid="publicity-status" data-status={p.status}>
            {statusLabel(t, p.status)}
          </span>
          {p.status === 'running' && left > 0 && <span className="muted"> {t('publicity.daysLeft', { n: Math.ceil(left / DAY_MS) })}</span>}
        </dd>
      </div>
      <div className="profile__item">
        <dt>{t('publicity.startsAt')}</dt>
        <dd>{shanghaiTime(p.startsAt, locale)}</dd>
      </div>
      <div className="profile__item">
        <dt>{t('publicity.endsAt')}</dt>
        <dd data-testid="publicity-ends" data-ends-at={p.endsAt}>
          {t('publicity.lastDay', { day: p.lastDay })}
        </dd>
      </div>
      <div className="profile__item">
        <dt>{t('publicity.period')}</dt>
        <dd>
          {p.period.value} {unitLabel(t, p.period.unit)} <span className="muted">（{p.period.source}）</span>
        </dd>
      </div>
      {p.late && p.publishBy && (
        <div className="profile__item">
          <dt>{t('publicity.publishBy')}</dt>
          <dd className="warn-text">{t('publicity.late', { at: shanghaiTime(p.publishBy, locale) })}</dd>
        </div>
      )}
    </dl>
  );
}

function PublicityPanel({ publicity, tradeId, mayDisqualify, now, onChanged }: { publicity: awardApi.PublicityRounds; tradeId: number; mayDisqualify: boolean; now: number; onChanged(): void }) {
  const { t, locale } = useI18n();
  const p = publicity.current;
  const [target, setTarget] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const [done, setDone] = useState<string | null>(null);

  async function disqualify(event: FormEvent) {
    event.preventDefault();
    if (target === null || !reason.trim()) return;
    await run(async () => {
      const answer = await awardApi.disqualify(tradeId, target, reason.trim());
      setDone(t(`award.outcome.${answer.outcome}`, { next: answer.next?.bidderName ?? '' }));
      setTarget(null);
      setReason('');
      onChanged();
    });
  }

  return (
    <div className="publicity" data-testid="publicity" data-round={p.round} data-status={p.status}>
      <h3 data-testid="publicity-title">
        {p.title} · {t('publicity.round', { n: p.round })}
      </h3>
      <PublicityWindow p={p} now={now} />
      {p.note && <p className="notice notice--info">{p.note}</p>}
      {p.withdrawnAt && (
        <p className="notice notice--warn" data-testid="publicity-withdrawn">
          {t('publicity.withdrawn', { at: shanghaiTime(p.withdrawnAt, locale), reason: p.withdrawnReason ?? '' })}
        </p>
      )}
      <CandidatesTable
        candidates={p.candidates}
        {...(mayDisqualify
          ? {
              actions: (c: CandidateView) =>
                c.status === 'candidate' || c.status === 'winner' ? (
                  <button type="button" className="button button--small button--danger" onClick={() => setTarget(c.bidId)} data-testid="candidate-disqualify">
                    {t('award.disqualify')}
                  </button>
                ) : null,
            }
          : {})}
      />
      {target !== null && (
        <form onSubmit={disqualify} noValidate className="inline-form" data-testid="disqualify-form">
          <div className="field">
            <label htmlFor="disqualify-reason">{t('award.disqualifyReason', { bidder: p.candidates.find((c) => c.bidId === target)?.bidderName ?? '' })}</label>
            <textarea id="disqualify-reason" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} data-testid="disqualify-reason" />
          </div>
          <div className="button-row">
            <button type="submit" className="button button--danger" disabled={busy || !reason.trim()} data-testid="disqualify-confirm">
              {t('award.disqualifyConfirm')}
            </button>
            <button type="button" className="button" onClick={() => setTarget(null)}>
              {t('app.dismiss')}
            </button>
          </div>
        </form>
      )}
      {error !== null && <RefusalBox error={error} testId="disqualify-error" />}
      {done && (
        <p role="status" data-testid="disqualify-done">
          {done}
        </p>
      )}
      {publicity.rounds.length > 1 && (
        <details>
          <summary>{t('publicity.earlierRounds', { n: publicity.rounds.length - 1 })}</summary>
          <ul>
            {publicity.rounds.slice(0, -1).map((r) => (
              <li key={r.id}>
                {t('publicity.round', { n: r.round })} · {statusLabel(t, r.status)} · {shanghaiTime(r.startsAt, locale)} – {shanghaiTime(r.endsAt, locale)}
                {r.withdrawnReason && ` · ${r.withdrawnReason}`}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function StaffAwardActions({ trade, summary, onChanged }: { trade: TradeView; summary: AwardSummaryView | null; onChanged(): void }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const { busy, error, run: attempt } = useAction();

  async function run(action: () => Promise<unknown>) {
    await attempt(async () => {
      await action();
      onChanged();
    });
  }

  return (
    <div className="staff-award" data-testid="award-actions">
      {trade.state === 'evaluated' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(() => awardApi.startPublicity(trade.id, note.trim() || undefined));
          }}
          noValidate
        >
          <div className="field">
            <label htmlFor="publicity-note">{t('award.publicityNote')}</label>
            <input id="publicity-note" value={note} maxLength={1000} onChange={(e) => setNote(e.target.value)} data-testid="publicity-note" />
          </div>
          <button type="submit" className="button button--primary" disabled={busy} data-testid="start-publicity">
            {t('award.startPublicity')}
          </button>
        </form>
      )}
      {trade.state === 'publicity' && (
        <>
          <p>{t('award.awardIntro')}</p>
          <button type="button" className="button button--primary" disabled={busy} onClick={() => void run(() => awardApi.award(trade.id))} data-testid="award-submit">
            {t('award.award')}
          </button>
        </>
      )}
      {trade.state === 'awarded' && summary?.current && <ContractForm trade={trade} notice={summary.current} onChanged={onChanged} />}
      {error !== null && <RefusalBox error={error} testId="award-error" />}
    </div>
  );
}

/** The contract deadline: counted from the current notice; a warning when close, a stronger one when passed. */
export function ContractDeadline({ notice, now, contract, warnDays }: { notice: AwardNoticeView; now: number; contract: ContractView | null; warnDays: number }) {
  const { t } = useI18n();
  if (contract) return null;
  const left = Date.parse(notice.contractDeadline) - now;
  const days = Math.ceil(left / DAY_MS);
  const level = left <= 0 ? 'overdue' : days <= warnDays ? 'close' : 'ok';
  return (
    <p className={`notice ${level === 'ok' ? 'notice--info' : 'notice--warn'}`} role={level === 'ok' ? undefined : 'alert'} data-testid="contract-deadline" data-level={level}>
      {level === 'overdue'
        ? t('contract.deadline.overdue', { day: notice.contractLastDay })
        : level === 'close'
          ? t('contract.deadline.close', { day: notice.contractLastDay, n: days })
          : t('contract.deadline.ok', { day: notice.contractLastDay, n: days })}
    </p>
  );
}

function NoticeLink({ url, sha256, size, label, testId }: { url: string; sha256: string; size: number; label: string; testId: string }) {
  const { t } = useI18n();
  return (
    <span className="notice-link">
      <a className="button button--small" href={url} target="_blank" rel="noopener" data-testid={testId}>
        {label}
      </a>{' '}
      <span className="muted">{bytes(size)}</span> · {t('award.sha')} <code className="hash">{sha256}</code>
    </span>
  );
}

function AwardResult({ summary, trade, user, manager, now }: { summary: AwardSummaryView; trade: TradeView; user: UserView | null; manager: boolean; now: number }) {
  const { t, locale } = useI18n();
  const current = summary.current;
  const org = user?.role === 'bidder' ? user.organisation : null;
  const old = summary.notices.filter((n) => n.status === 'void');
  return (
    <div className="award-result" data-testid="award-result">
      <h3>{t('award.resultTitle')}</h3>
      {summary.failed && (
        <p className="notice notice--warn" data-testid="award-failed">
          {t('award.failed', { at: shanghaiTime(summary.failed.at, locale) })}
        </p>
      )}
      {current && (
        <>
          <dl className="profile profile--grid" data-testid="award-current" data-seq={current.seq}>
            <div className="profile__item">
              <dt>{t('award.winner')}</dt>
              <dd data-testid="award-winner">
                {current.winner.name} <code>{current.winner.uscc}</code>
              </dd>
            </div>
            <div className="profile__item">
              <dt>{t('award.price')}</dt>
              <dd data-testid="award-price">¥{yuan(current.priceFen)}</dd>
            </div>
            <div className="profile__item">
              <dt>{t('award.awardedAt')}</dt>
              <dd>{shanghaiTime(current.awardedAt, locale)}</dd>
            </div>
            {current.noticeDeadline && (
              <div className="profile__item">
                <dt>{t('award.noticeDeadline')}</dt>
                <dd className={current.noticeLate ? 'warn-text' : undefined}>
                  {shanghaiTime(current.noticeDeadline, locale)}
                  {current.noticeLate && ` · ${t('award.noticeLate')}`}
                </dd>
              </div>
            )}
          </dl>
          <p>
            <NoticeLink url={current.notice.url} sha256={current.notice.sha256} size={current.notice.size} label={current.notice.title} testId="award-notice-pdf" />
          </p>
          {(manager || (org && org.uscc === current.winner.uscc)) && <ContractDeadline notice={current} now={now} contract={summary.contract} warnDays={warningDays(trade)} />}
          {current.results.length > 0 && (
            <>
              <h4>{t('award.results')}</h4>
              <ul data-testid="award-results">
                {current.results.map((r) => (
                  <li key={r.bidId} data-testid="award-result-notice" data-mine={org?.name === r.bidderName}>
                    {r.bidderName}
                    {org?.name === r.bidderName && <strong> （{t('award.mine')}）</strong>}{' '}
                    <NoticeLink url={r.url} sha256={r.sha256} size={r.size} label={t('award.resultNotice')} testId="award-result-pdf" />
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      {old.length > 0 && (
        <details data-testid="award-void">
          <summary>{t('award.voidNotices', { n: old.length })}</summary>
          <ul>
            {old.map((n) => (
              <li key={n.id}>
                {t('award.voidNotice', { seq: n.seq, winner: n.winner.name, reason: n.voidReason ?? '' })} <NoticeLink url={n.notice.url} sha256={n.notice.sha256} size={n.notice.size} label={n.notice.title} testId="award-void-pdf" />
              </li>
            ))}
          </ul>
        </details>
      )}
      {summary.contract && <ContractSummary contract={summary.contract} tradeId={trade.id} mayDownload={user !== null && (manager || OVERSIGHT_ROLES.has(user.role) || org?.uscc === summary.contract.parties.winner.uscc)} />}
    </div>
  );
}

function ContractSummary({ contract, tradeId, mayDownload }: { contract: ContractView; tradeId: number; mayDownload: boolean }) {
  const { t, locale } = useI18n();
  return (
    <div data-testid="contract-summary">
      <h4>{t('contract.title')}</h4>
      <dl className="profile profile--grid">
        <div className="profile__item">
          <dt>{t('contract.signedOn')}</dt>
          <dd data-testid="contract-signed-on">
            {contract.signedOn}
            {contract.late && <span className="badge badge--warn"> {t('contract.late', { day: contract.dueBy })}</span>}
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('contract.amount')}</dt>
          <dd data-testid="contract-amount">¥{yuan(contract.amountFen)}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('contract.purchaser')}</dt>
          <dd>
            {contract.parties.purchaser.name} <code>{contract.parties.purchaser.uscc}</code>
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('contract.winner')}</dt>
          <dd>
            {contract.parties.winner.name} <code>{contract.parties.winner.uscc}</code>
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('contract.recordedAt')}</dt>
          <dd>{shanghaiTime(contract.recordedAt, locale)}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('contract.document')}</dt>
          <dd>
            {contract.fileName} · {bytes(contract.size)} · SHA-256 <code className="hash" data-testid="contract-sha256">{contract.sha256}</code>
            {mayDownload && (
              <>
                {' '}
                <a className="button button--small" href={awardApi.contractDocumentUrl(tradeId)} download={contract.fileName}>
                  {t('doc.download')}
                </a>
              </>
            )}
          </dd>
        </div>
      </dl>
    </div>
  );
}

function ContractForm({ trade, notice, onChanged }: { trade: TradeView; notice: AwardNoticeView; onChanged(): void }) {
  const { t } = useI18n();
  const [signedOn, setSignedOn] = useState('');
  const [amount, setAmount] = useState((notice.priceFen / 100).toFixed(2));
  const [purchaserName, setPurchaserName] = useState(trade.notice.tendereeName);
  const [purchaserUscc, setPurchaserUscc] = useState('');
  const [winnerName, setWinnerName] = useState(notice.winner.name);
  const [winnerUscc, setWinnerUscc] = useState(notice.winner.uscc);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState<string | null>(null);

  // the tenderee's USCC from the organisation register (staff may read it); typed in otherwise
  useEffect(() => {
    const controller = new AbortController();
    tradesApi
      .organisations(controller.signal)
      .then((orgs) => {
        const tenderee = orgs.find((o) => o.id === trade.notice.tendereeOrganisationId);
        if (tenderee) setPurchaserUscc((u) => u || tenderee.uscc);
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [trade.notice.tendereeOrganisationId]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setInvalid(null);
    setError(null);
    const amountFen = yuanToFen(amount);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(signedOn) || amountFen === null || amountFen <= 0 || !file || !purchaserName.trim() || !purchaserUscc.trim() || !winnerName.trim() || !winnerUscc.trim()) {
      setInvalid(t('contract.incomplete'));
      return;
    }
    setProgress(0);
    try {
      await awardApi.recordContract(
        trade.id,
        { signedOn, amountFen, parties: { purchaser: { name: purchaserName.trim(), uscc: purchaserUscc.trim() }, winner: { name: winnerName.trim(), uscc: winnerUscc.trim() } } },
        file,
        (sent, total) => setProgress(Math.round((sent / total) * 100)),
      );
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setProgress(null);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="contract-form" data-testid="contract-form">
      <h3>{t('contract.formTitle')}</h3>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="contract-signed-on">{t('contract.signedOn')}</label>
          <input id="contract-signed-on" type="date" value={signedOn} onChange={(e) => setSignedOn(e.target.value)} data-testid="contract-signed-on-input" />
        </div>
        <div className="field">
          <label htmlFor="contract-amount">{t('contract.amountYuan')}</label>
          <input id="contract-amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} data-testid="contract-amount-input" />
        </div>
        <div className="field">
          <label htmlFor="contract-purchaser">{t('contract.purchaser')}</label>
          <input id="contract-purchaser" value={purchaserName} onChange={(e) => setPurchaserName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="contract-purchaser-uscc">{t('contract.purchaserUscc')}</label>
          <input id="contract-purchaser-uscc" value={purchaserUscc} maxLength={18} onChange={(e) => setPurchaserUscc(e.target.value)} data-testid="contract-purchaser-uscc" />
        </div>
        <div className="field">
          <label htmlFor="contract-winner">{t('contract.winner')}</label>
          <input id="contract-winner" value={winnerName} onChange={(e) => setWinnerName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="contract-winner-uscc">{t('contract.winnerUscc')}</label>
          <input id="contract-winner-uscc" value={winnerUscc} maxLength={18} onChange={(e) => setWinnerUscc(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="contract-file">{t('contract.file')}</label>
          <input id="contract-file" type="file" accept="application/pdf,.pdf" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="contract-file" />
        </div>
      </div>
      {progress !== null && <progress max={100} value={progress} />}
      <button type="submit" className="button button--primary" disabled={progress !== null} data-testid="contract-submit">
        {t('contract.submit')}
      </button>
      {invalid && (
        <p className="form-error" role="alert">
          {invalid}
        </p>
      )}
      {error !== null && <RefusalBox error={error} testId="contract-error" />}
    </form>
  );
}

/** The bidder's own part: its notice to download; the winner (or first candidate) may decline. */
function DeclinePanel({ trade, user, summary, onChanged }: { trade: TradeView; user: UserView; summary: AwardSummaryView; onChanged(): void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const uscc = user.organisation?.uscc;
  // the award goes to the current winner once awarded; during publicity to the first candidate still in line
  const inLine = [...summary.candidates].sort((a, b) => a.rank - b.rank).find((c) => c.status === 'candidate' || c.status === 'winner');
  const holder = trade.state === 'awarded' ? (summary.current ? summary.candidates.find((c) => c.bidId === summary.current!.bidId) : undefined) : inLine;
  if (!uscc || !holder || holder.uscc !== uscc) return null;
  const mine = holder;
  const winner = trade.state === 'awarded';

  async function decline(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) return;
    await run(async () => {
      await awardApi.decline(trade.id, reason.trim());
      setOpen(false);
      onChanged();
    });
  }

  return (
    <div className="decline-panel" data-testid="decline-panel">
      <h3>{winner ? t('award.youWon') : t('award.youAreCandidate', { rank: mine.rank })}</h3>
      <button type="button" className="button button--danger" onClick={() => setOpen((o) => !o)} data-testid="decline-toggle">
        {t('award.decline')}
      </button>
      {open && (
        <form onSubmit={decline} noValidate>
          <div className="field">
            <label htmlFor="decline-reason">{t('award.declineReason')}</label>
            <textarea id="decline-reason" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} data-testid="decline-reason" />
          </div>
          <p className="muted">{t('award.declineWarning')}</p>
          <button type="submit" className="button button--danger" disabled={busy || !reason.trim()} data-testid="decline-confirm">
            {t('award.declineConfirm')}
          </button>
        </form>
      )}
      {error !== null && <RefusalBox error={error} testId="decline-error" />}
    </div>
  );
}

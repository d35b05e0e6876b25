import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { DrawView, ReplayView, SeatView } from '../../../contracts/experts.js';
import type { UserView } from '../../../contracts/index.js';
import type { TradeView } from '../../../contracts/trades.js';
import { isApiError } from '../api.js';
import { errorMessage } from '../errors.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as tradesApi from '../tradesApi.js';
import { ruleProblem } from '../trades/problems.js';
import * as expertsApi from './expertsApi.js';
import { exclusionLabel, SPECIALTIES, specialtyLabel } from './labels.js';

interface Props {
  id: number;
  user: UserView;
}

interface Problem {
  code: string;
  message: string;
  facts: string | null;
}

/** SHA-256 (hex) in the browser, to check the revealed seed against its commitment; null where WebCrypto is unavailable (no secure context). */
async function sha256Hex(text: string): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * 抽取评标专家 (staff): choose seats per specialty and the tenderee's representatives, publish the
 * seed's commitment (with the pool snapshot's hash and who the avoidance rules left out), then draw:
 * the seats appear with the revealed seed, which anyone can check against the commitment and replay.
 */
export function DrawPage({ id, user }: Props) {
  const { t, locale } = useI18n();
  const [trade, setTrade] = useState<TradeView | null>(null);
  const [draws, setDraws] = useState<DrawView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([tradesApi.getTrade(id, controller.signal), expertsApi.listDraws(id, controller.signal)])
      .then(([tr, list]) => {
        setTrade(tr);
        setDraws(list);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, [id, reload]);

  const refresh = useCallback(() => setReload((n) => n + 1), []);
  const replaceCurrent = useCallback((draw: DrawView) => setDraws((list) => [draw, ...(list ?? []).filter((d) => d.id !== draw.id)]), []);

  if (error !== null && (trade === null || draws === null)) {
    return (
      <p className="form-error" role="alert" data-testid="draw-load-error" data-code={isApiError(error) ? error.code : undefined}>
        {errorMessage(t, error)}
      </p>
    );
  }
  if (trade === null || draws === null) {
    return (
      <div className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        {t('app.loading')}
      </div>
    );
  }

  const current = draws[0] ?? null;
  const canDraw = user.role === 'admin' || user.role === 'center_staff';
  const deadlinePassed = trade.state === 'opening' || trade.state === 'opened';

  return (
    <div className="draw-page" data-testid="draw-page" data-trade-id={trade.id}>
      <section className="welcome">
        <div className="welcome__text">
          <p className="eyebrow">
            {t('draw.eyebrow')} · <code>{trade.code}</code>
          </p>
          <h1 className="welcome__title">{trade.title}</h1>
          <p>{t('draw.intro')}</p>
          <div className="button-row">
            <a className="button" href={viewHref({ name: 'trade', id: trade.id })} data-testid="draw-back">
              {t('opening.backToTrade')}
            </a>
            <button type="button" className="button" onClick={refresh} data-testid="draw-refresh">
              {t('draw.refresh')}
            </button>
          </div>
        </div>
      </section>

      {canDraw && !deadlinePassed && (
        <p className="muted" data-testid="draw-not-yet">
          {t('draw.notYet')}
        </p>
      )}
      {canDraw && deadlinePassed && current?.state !== 'drawn' && <CommitForm tradeId={trade.id} onCommitted={replaceCurrent} />}
      {current && <DrawPanel key={current.id} tradeId={trade.id} draw={current} canRun={canDraw} onChanged={replaceCurrent} locale={locale} />}
      {!current && !canDraw && <p className="muted">{t('draw.none')}</p>}
    </div>
  );
}

function ProblemBox({ problem, testId }: { problem: Problem; testId: string }) {
  return (
    <div className="form-error draw-problem" role="alert" data-testid={testId} data-code={problem.code}>
      <p>
        <code>{problem.code}</code> {problem.message}
      </p>
      {problem.facts && <p data-testid={`${testId}-facts`}>{problem.facts}</p>}
    </div>
  );
}

function CommitForm({ tradeId, onCommitted }: { tradeId: number; onCommitted(draw: DrawView): void }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<{ specialty: string; count: number }[]>([{ specialty: 'building', count: 5 }]);
  const [representatives, setRepresentatives] = useState(0);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const size = rows.reduce((n, r) => n + (Number.isFinite(r.count) ? r.count : 0), 0) + representatives;
  const update = (index: number, patch: Partial<{ specialty: string; count: number }>) => setRows((list) => list.map((r, i) => (i === index ? { ...r, ...patch } : r)));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      onCommitted(await expertsApi.commitDraw(tradeId, rows, representatives));
    } catch (caught) {
      setProblem(ruleProblem(t, caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="draw-form-title" data-testid="draw-form">
      <div className="section-heading">
        <h2 id="draw-form-title">{t('draw.formTitle')}</h2>
      </div>
      <p className="muted">{t('draw.formIntro')}</p>
      <form onSubmit={submit} noValidate>
        {rows.map((row, index) => (
          <div className="field-row draw-seat-row" key={index} data-testid="draw-seat-row">
            <div className="field">
              <label htmlFor={`draw-specialty-${index}`}>{t('draw.specialty')}</label>
              <select id={`draw-specialty-${index}`} value={row.specialty} onChange={(e) => update(index, { specialty: e.target.value })} data-testid="draw-specialty">
                {SPECIALTIES.map((code) => (
                  <option key={code} value={code}>
                    {specialtyLabel(t, code)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`draw-count-${index}`}>{t('draw.count')}</label>
              <input
                id={`draw-count-${index}`}
                type="number"
                min={1}
                max={25}
                value={Number.isFinite(row.count) ? row.count : ''}
                onChange={(e) => update(index, { count: e.target.valueAsNumber })}
                data-testid="draw-count"
              />
            </div>
            {rows.length > 1 && (
              <button type="button" className="button button--small" onClick={() => setRows((list) => list.filter((_, i) => i !== index))} data-testid="draw-seat-remove">
                {t('draw.removeSpecialty')}
              </button>
            )}
          </div>
        ))}
        <div className="button-row">
          <button
            type="button"
            className="button button--small"
            disabled={rows.length >= 10}
            onClick={() => setRows((list) => [...list, { specialty: SPECIALTIES.find((s) => !list.some((r) => r.specialty === s)) ?? 'cost', count: 1 }])}
            data-testid="draw-seat-add"
          >
            {t('draw.addSpecialty')}
          </button>
        </div>
        <div className="field">
          <label htmlFor="draw-representatives">{t('draw.representatives')}</label>
          <input
            id="draw-representatives"
            type="number"
            min={0}
            max={5}
            value={representatives}
            onChange={(e) => setRepresentatives(Number.isFinite(e.target.valueAsNumber) ? e.target.valueAsNumber : 0)}
            data-testid="draw-representatives"
          />
        </div>
        <p className="muted" data-testid="draw-size">
          {t('draw.size', { n: size })}
        </p>
        <button type="submit" className="button button--primary" disabled={busy} data-testid="draw-commit">
          {t('draw.commit')}
        </button>
      </form>
      {problem && <ProblemBox problem={problem} testId="draw-commit-error" />}
    </section>
  );
}

function DrawPanel({ tradeId, draw, canRun, onChanged, locale }: { tradeId: number; draw: DrawView; canRun: boolean; onChanged(draw: DrawView): void; locale: 'zh-CN' | 'en' }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [replay, setReplay] = useState<ReplayView | null>(null);
  const [replayError, setReplayError] = useState<unknown>(null);
  const [seedCheck, setSeedCheck] = useState<boolean | null>(null);

  useEffect(() => {
    let live = true;
    if (draw.seed === null) setSeedCheck(null);
    else void sha256Hex(draw.seed).then((hash) => live && setSeedCheck(hash === null ? null : hash === draw.seedCommitment));
    return () => {
      live = false;
    };
  }, [draw.seed, draw.seedCommitment]);

  async function run() {
    setBusy(true);
    setProblem(null);
    try {
      onChanged(await expertsApi.runDraw(tradeId, draw.id));
    } catch (caught) {
      const found = ruleProblem(t, caught);
      const specialty = isApiError(caught) && typeof caught.problem?.specialty === 'string' ? caught.problem.specialty : null;
      setProblem(specialty ? { ...found, facts: [t('draw.problemSpecialty', { specialty: specialtyLabel(t, specialty) }), found.facts].filter(Boolean).join(' · ') } : found);
    } finally {
      setBusy(false);
    }
  }

  async function check() {
    setReplay(null);
    setReplayError(null);
    try {
      setReplay(await expertsApi.replayDraw(tradeId, draw.id));
    } catch (caught) {
      setReplayError(caught);
    }
  }

  const seatStatus = (seat: SeatView) => t(`draw.seatStatus.${seat.status}`);

  return (
    <section aria-labelledby="draw-panel-title" data-testid="draw-panel" data-draw-id={draw.id} data-state={draw.state}>
      <div className="section-heading">
        <h2 id="draw-panel-title">{t('draw.panelTitle', { id: draw.id })}</h2>
        <span className={`state-badge state-badge--draw-${draw.state}`} data-testid="draw-state">
          {t(`draw.state.${draw.state}`)}
        </span>
      </div>
      <dl className="profile profile--grid">
        <div className="profile__item">
          <dt>{t('draw.commitment')}</dt>
          <dd className="hash" data-testid="draw-commitment">
            {draw.seedCommitment}
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('draw.poolHash')}</dt>
          <dd className="hash" data-testid="draw-pool-hash">
            {draw.poolHash}
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('draw.poolSize')}</dt>
          <dd data-testid="draw-pool-size">{draw.poolSize}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('draw.request')}</dt>
          <dd data-testid="draw-request">
            {draw.requested.map((r) => t('draw.requestItem', { specialty: specialtyLabel(t, r.specialty), n: r.count })).join('；')}
            {draw.tendereeRepresentatives > 0 && `；${t('draw.representativesItem', { n: draw.tendereeRepresentatives })}`}
            {' · '}
            {t('draw.size', { n: draw.committeeSize })}
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('draw.committedAt')}</dt>
          <dd>{shanghaiTime(draw.committedAt, locale)}</dd>
        </div>
      </dl>

      <h3>{t('draw.excludedTitle')}</h3>
      {draw.excluded.length === 0 ? (
        <p className="muted" data-testid="draw-excluded-none">
          {t('draw.excludedNone')}
        </p>
      ) : (
        <table className="data-table" data-testid="draw-excluded">
          <thead>
            <tr>
              <th>{t('draw.excludedRule')}</th>
              <th className="numeric">{t('draw.excludedCount')}</th>
            </tr>
          </thead>
          <tbody>
            {draw.excluded.map((e) => (
              <tr key={e.rule} data-testid="draw-excluded-row" data-rule={e.rule} data-count={e.count}>
                <td>
                  {exclusionLabel(t, e.rule)} <code className="muted">{e.rule}</code>
                </td>
                <td className="numeric">{e.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {draw.state === 'committed' && canRun && (
        <div className="button-row">
          <button type="button" className="button button--primary" disabled={busy} onClick={run} data-testid="draw-run">
            {t('draw.run')}
          </button>
        </div>
      )}
      {problem && <ProblemBox problem={problem} testId="draw-run-error" />}

      {draw.state === 'drawn' && (
        <>
          <dl className="profile profile--grid">
            <div className="profile__item">
              <dt>{t('draw.seed')}</dt>
              <dd className="hash" data-testid="draw-seed">
                {draw.seed}
              </dd>
            </div>
            <div className="profile__item">
              <dt>{t('draw.seedCheck')}</dt>
              <dd data-testid="draw-seed-check" data-ok={seedCheck === null ? undefined : String(seedCheck)}>
                {seedCheck === null ? t('draw.seedCheckUnavailable') : seedCheck ? t('draw.seedCheckOk') : t('draw.seedCheckBad')}
              </dd>
            </div>
            {draw.drawnAt && (
              <div className="profile__item">
                <dt>{t('draw.drawnAt')}</dt>
                <dd>{shanghaiTime(draw.drawnAt, locale)}</dd>
              </div>
            )}
          </dl>
          <h3>{t('draw.seatsTitle')}</h3>
          <table className="data-table" data-testid="draw-seats">
            <thead>
              <tr>
                <th className="numeric">{t('draw.seat')}</th>
                <th>{t('draw.specialty')}</th>
                <th>{t('draw.expert')}</th>
                <th>{t('draw.region')}</th>
                <th>{t('draw.status')}</th>
                <th>{t('draw.note')}</th>
              </tr>
            </thead>
            <tbody>
              {draw.seats.map((seat) => (
                <tr key={seat.seat} data-testid="draw-seat" data-seat={seat.seat} data-status={seat.status} data-user-id={seat.userId} data-replaces={seat.replaces ?? undefined}>
                  <td className="numeric">{seat.seat}</td>
                  <td>{specialtyLabel(t, seat.specialty)}</td>
                  <td data-testid="draw-seat-name">{seat.name}</td>
                  <td>{seat.regionCode}</td>
                  <td>
                    <span className={`state-badge state-badge--seat-${seat.status}`} data-testid="draw-seat-status">
                      {seatStatus(seat)}
                    </span>
                  </td>
                  <td>
                    {seat.replaces !== null && (
                      <span data-testid="draw-seat-replaces">{t('draw.replaces', { seat: seat.replaces })}</span>
                    )}
                    {seat.declineReason && <span className="muted"> {t('draw.declineReason', { reason: seat.declineReason })}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="button-row">
            <button type="button" className="button" onClick={check} data-testid="draw-replay">
              {t('draw.replay')}
            </button>
          </div>
          {replay && (
            <p className={replay.matches ? 'draw-replay draw-replay--ok' : 'draw-replay draw-replay--bad'} data-testid="draw-replay-result" data-matches={String(replay.matches)}>
              {replay.matches ? t('draw.replayMatches', { n: replay.seats.length }) : t('draw.replayMismatch')}
            </p>
          )}
          {replayError !== null && (
            <p className="form-error" role="alert" data-testid="draw-replay-error">
              {errorMessage(t, replayError)}
            </p>
          )}
        </>
      )}
    </section>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import type { UserView } from '../../../contracts/index.js';
import type { RecheckView } from '../../../contracts/recheck.js';
import type { TradeView } from '../../../contracts/trades.js';
import { isApiError } from '../api.js';
import { RefusalBox } from '../award/RefusalBox.js';
import { useAction } from '../components/async.js';
import { runDraw } from '../experts/expertsApi.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import { kindName, outcomeName, triggerName } from './labels.js';
import * as recheckApi from './recheckApi.js';

const READERS = new Set(['admin', 'center_staff', 'agent', 'supervisor', 'expert']);
const REQUESTERS = new Set(['admin', 'center_staff', 'agent', 'supervisor']);
const AFTER_EVALUATION = new Set(['opened', 'evaluated', 'publicity', 'awarded', 'contracted', 'failed']);

/**
 * 评标复核 / 复审 on the trade page (staff, the agent, supervisors, the committee and panel members):
 * the trade's rechecks with their state, trigger, grounds, outcome and report PDF, a link to the live
 * room; the request form (grounds the law allows, with a note) while the trade is evaluated or in
 * publicity; for an independent panel (复审) the panel draw (the old committee left out).
 */
export function RechecksSection({ trade, user, reload, onChanged }: { trade: TradeView; user: UserView; reload: number; onChanged(): void }) {
  const { t, locale } = useI18n();
  const [rechecks, setRechecks] = useState<RecheckView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState(0);
  const show = READERS.has(user.role) && AFTER_EVALUATION.has(trade.state);

  useEffect(() => {
    if (!show) return;
    const controller = new AbortController();
    recheckApi
      .listRechecks(trade.id, controller.signal)
      .then((list) => {
        setRechecks(list);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (controller.signal.aborted) return;
        if (isApiError(caught) && (caught.code === 'NOT_PARTICIPANT' || caught.code === 'FORBIDDEN_ROLE')) setRechecks(null);
        else setError(caught);
      });
    return () => controller.abort();
  }, [trade.id, show, reload, local]);

  if (!show || (rechecks === null && error === null)) return null;
  const mayRequest = REQUESTERS.has(user.role) && (trade.state === 'evaluated' || trade.state === 'publicity') && !(rechecks ?? []).some((r) => r.state !== 'closed');
  const changed = () => {
    setLocal((n) => n + 1);
    onChanged();
  };

  return (
    <section aria-labelledby="rechecks-title" data-testid="rechecks-section">
      <div className="section-heading">
        <h2 id="rechecks-title">{t('recheck.sectionTitle')}</h2>
        <p>{t('recheck.sectionIntro')}</p>
      </div>
      {error !== null && <RefusalBox error={error} testId="rechecks-error" />}
      {rechecks !== null && rechecks.length === 0 && <p data-testid="rechecks-none">{t('recheck.none')}</p>}
      {(rechecks ?? []).map((r) => (
        <article key={r.id} className="filing-card" data-testid="recheck-item" data-recheck-id={r.id} data-state={r.state}>
          <header className="filing-card__head">
            <strong>
              {kindName(t, r.kind)} #{r.id}
            </strong>{' '}
            <span className={`state-badge state-badge--recheck-${r.state}`}>{t(`recheck.state.${r.state}`)}</span> <span className="badge">{triggerName(t, r.trigger)}</span>
          </header>
          <p className="muted">{t('recheck.openedBy', { by: r.openedBy, at: shanghaiTime(r.openedAt, locale) })}</p>
          <p>{r.grounds.map((g) => (locale === 'zh-CN' ? g.label.zh : g.label.en)).join('；')}</p>
          <p className="prewrap">{r.note}</p>
          {r.diff && <p>{t('recheck.flagged', { n: r.diff.items.length })}</p>}
          {r.outcome && (
            <p data-testid="recheck-item-outcome" data-outcome={r.outcome.decision}>
              {t('recheck.outcomeIs', { outcome: outcomeName(t, r.outcome.decision) })}
            </p>
          )}
          <div className="button-row">
            <a className="button button--primary" href={viewHref({ name: 'recheck', id: r.id })} data-testid="recheck-room-link">
              {r.members.some((m) => m.userId === user.id) && r.state !== 'closed' ? t('recheck.enterRoom') : t('recheck.viewRoom')}
            </a>
            {r.reportSha256 && (
              <a className="button" href={recheckApi.reportPdfUrl(r.id)} target="_blank" rel="noopener" data-testid="recheck-report-link">
                {t('recheck.report.pdf')}
              </a>
            )}
          </div>
          {r.kind === 'panel' && r.state === 'open' && r.members.length < (r.panelSize ?? Number.MAX_SAFE_INTEGER) && (user.role === 'center_staff' || user.role === 'admin') && (
            <PanelDraw trade={trade} recheck={r} onChanged={changed} />
          )}
        </article>
      ))}
      {mayRequest && <RequestForm trade={trade} onDone={changed} />}
    </section>
  );
}

function RequestForm({ trade, onDone }: { trade: TradeView; onDone(): void }) {
  const { t, locale } = useI18n();
  const [grounds, setGrounds] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!grounds.length || !note.trim()) return;
    await run(async () => {
      await recheckApi.requestRecheck(trade.id, grounds, note.trim());
      setGrounds([]);
      setNote('');
      onDone();
    });
  }

  return (
    <details className="recheck-request" data-testid="recheck-request">
      <summary className="button">{t('recheck.request.title')}</summary>
      <form onSubmit={submit} noValidate className="inline-form" data-testid="recheck-request-form">
        <fieldset className="ground-picker">
          <legend>{t('recheck.request.grounds')}</legend>
          {recheckApi.requestableGrounds(trade.kind).map((g) => (
            <label key={g.id} className="checkbox">
              <input type="checkbox" checked={grounds.includes(g.id)} onChange={(e) => setGrounds((list) => (e.target.checked ? [...list, g.id] : list.filter((x) => x !== g.id)))} data-ground={g.id} />{' '}
              {locale === 'zh-CN' ? g.zh : g.en}
              <span className="muted"> · {g.outcomes.map((o) => outcomeName(t, o)).join(' / ')}</span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="recheck-note">{t('recheck.request.note')}</label>
          <textarea id="recheck-note" value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} data-testid="recheck-note" />
        </div>
        <button type="submit" className="button button--primary" disabled={busy || !grounds.length || !note.trim()} data-testid="recheck-request-submit">
          {t('recheck.request.submit')}
        </button>
        {error !== null && <RefusalBox error={error} testId="recheck-request-error" />}
      </form>
    </details>
  );
}

/** 复审专家抽取: commit the seed (the original committee excluded by the server) and draw at once. */
function PanelDraw({ trade, recheck, onChanged }: { trade: TradeView; recheck: RecheckView; onChanged(): void }) {
  const { t } = useI18n();
  const [specialty, setSpecialty] = useState('');
  const [count, setCount] = useState('3');
  const { busy, error, run } = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const n = Number(count);
    if (!/^[a-z][a-z0-9_]{1,31}$/.test(specialty.trim()) || !Number.isInteger(n) || n < 1) return;
    await run(async () => {
      const draw = await recheckApi.commitPanelDraw(trade.id, [{ specialty: specialty.trim(), count: n }]);
      await runDraw(trade.id, draw.id);
      onChanged();
    });
  }

  return (
    <form onSubmit={submit} noValidate className="inline-form" data-testid="recheck-panel-draw">
      <p>{t('recheck.panel.intro', { joined: recheck.members.length, size: recheck.panelSize ?? '—' })}</p>
      <div className="form-row">
        <label>
          {t('recheck.panel.specialty')}
          <input value={specialty} onChange={(e) => setSpecialty(e.target.value)} placeholder="municipal" />
        </label>
        <label>
          {t('recheck.panel.count')}
          <input type="number" min={1} max={25} value={count} onChange={(e) => setCount(e.target.value)} />
        </label>
        <button type="submit" className="button" disabled={busy}>
          {t('recheck.panel.draw')}
        </button>
      </div>
      {error !== null && <RefusalBox error={error} testId="recheck-panel-error" />}
    </form>
  );
}

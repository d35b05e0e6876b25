import { lazy, Suspense, useCallback, useEffect, useState, type FormEvent } from 'react';
import type { UserView } from '../../../contracts/index.js';
import type { DocumentKind, DocumentView, DownloadView, RegistrationView, TradeView } from '../../../contracts/trades.js';
import { isApiError, request } from '../api.js';
import { AwardSection } from '../award/AwardSection.js';
import { ObjectionsSection, TradeDecisions } from '../complaints/ObjectionsSection.js';
import { ErrorLine, useAction } from '../components/async.js';
import { RechecksSection } from '../recheck/RechecksSection.js';
import { CreditNotice } from '../credit/CreditNotice.js';
import { errorMessage } from '../errors.js';
import { listDraws } from '../experts/expertsApi.js';
import { getEvaluation, startEvaluation } from '../evaluation/evaluationApi.js';
import { bytes, saveFile, shanghaiTime, yuan } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import { viewHref } from '../route.js';
import * as tradesApi from '../tradesApi.js';
import { kindLabel, limitLabel, methodLabel, noticeLabel, OVERSIGHT_ROLES, STAFF_ROLES, unitLabel } from './labels.js';
import { ruleProblem } from './problems.js';

/** Sealing needs the crypto library (pkijs, node-forge): loaded only when a bidder opens a trade. */
const BidPanel = lazy(() => import('./BidPanel.js').then((m) => ({ default: m.BidPanel })));

interface Props {
  id: number;
  user: UserView | null;
}

/** States in which the trade has (or may have) an evaluation whose room members, staff and supervisors may open. */
const EVALUATION_STATES = new Set(['opened', 'evaluated', 'publicity', 'awarded', 'contracted', 'failed']);

/** Transitions the award module fires with its own records (publicity window, notices, the contract): their own forms above, not bare buttons. */
const MODULE_ACTIONS = new Set(['start_publicity', 'award', 'record_contract']);

export function TradeDetailPage({ id, user }: Props) {
  const { t, locale } = useI18n();
  const [trade, setTrade] = useState<TradeView | null>(null);
  const [documents, setDocuments] = useState<DocumentView[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([tradesApi.getTrade(id, controller.signal), tradesApi.listDocuments(id, controller.signal)])
      .then(([tr, docs]) => {
        setTrade(tr);
        setDocuments(docs);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(caught);
      });
    return () => controller.abort();
  }, [id, reload, user?.username]);

  const refresh = useCallback(() => setReload((n) => n + 1), []);

  // 评标: whether the evaluation has started (members, staff and supervisors may see its room), and
  // for staff whether the latest draw has every seat accepted (then "开始评标").
  const [evaluation, setEvaluation] = useState<{ started: boolean; drawReady: boolean } | null>(null);
  const [evaluationError, setEvaluationError] = useState<unknown>(null);
  const [starting, setStarting] = useState(false);
  const tradeState = trade?.state;
  const role = user?.role;
  useEffect(() => {
    if (!tradeState || !EVALUATION_STATES.has(tradeState) || !role || !['center_staff', 'admin', 'supervisor', 'expert'].includes(role)) return;
    const controller = new AbortController();
    // the draw (and "开始评标") only while the trade is opened; the room stays readable afterwards
    const staff = (role === 'center_staff' || role === 'admin') && tradeState === 'opened';
    Promise.all([
      getEvaluation(id, controller.signal).then(
        () => true,
        (error: unknown) => {
          if (isApiError(error) && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN_ROLE' || error.code === 'NOT_PARTICIPANT')) return false;
          throw error;
        },
      ),
      staff
        ? listDraws(id, controller.signal).then((draws) => {
            const latest = draws.find((d) => d.state === 'drawn');
            if (!latest) return false;
            const requested = latest.requested.reduce((n, r) => n + r.count, 0);
            return latest.seats.filter((s) => s.status === 'accepted').length === requested;
          })
        : Promise.resolve(false),
    ])
      .then(([started, drawReady]) => setEvaluation({ started, drawReady }))
      .catch(() => {
        if (!controller.signal.aborted) setEvaluation(null);
      });
    return () => controller.abort();
  }, [id, tradeState, role, reload]);

  async function onStartEvaluation() {
    setStarting(true);
    setEvaluationError(null);
    try {
      await startEvaluation(id);
      window.location.hash = viewHref({ name: 'evaluation', id });
    } catch (caught) {
      setEvaluationError(caught);
      refresh();
    } finally {
      setStarting(false);
    }
  }

  if (error !== null && trade === null) {
    return (
      <p className="form-error" role="alert" data-testid="trade-error">
        {errorMessage(t, error)}
      </p>
    );
  }
  if (trade === null) {
    return (
      <div className="loading" role="status">
        <span className="spinner" aria-hidden="true" />
        {t('app.loading')}
      </div>
    );
  }

  const notice = trade.notice;
  const details = notice.details;
  const field = (label: string, value: React.ReactNode, testId?: string) => (
    <div className="profile__item">
      <dt>{label}</dt>
      <dd data-testid={testId}>{value}</dd>
    </div>
  );

  return (
    <div className="trade-page" data-testid="trade-detail" data-trade-id={trade.id} data-state={trade.state}>
      <section className="welcome">
        <div className="welcome__text">
          <p className="eyebrow">
            {noticeLabel(trade.kind, locale)} · <code data-testid="trade-code">{trade.code}</code>
          </p>
          <h1 className="welcome__title" data-testid="trade-title">
            {trade.title}
          </h1>
          <p>
            <span className="badge" data-testid="trade-kind">
              {kindLabel(trade.kind, locale)}
            </span>{' '}
            <span className="badge" data-testid="trade-method">
              {methodLabel(trade.method, locale)}
            </span>{' '}
            <span className={`state-badge state-badge--${trade.state}`} data-testid="trade-state">
              {t(`tradeState.${trade.state}`)}
            </span>
          </p>
          <a className="button" href={viewHref({ name: 'trades' })} data-testid="trade-back">
            {t('trade.back')}
          </a>
          {user && (trade.state === 'opening' || trade.state === 'opened' || trade.state === 'failed') && (
            <a className="button button--primary" href={viewHref({ name: 'opening', id: trade.id })} title={t('trade.openingHallIntro')} data-testid="trade-opening-hall">
              {t('trade.openingHall')}
            </a>
          )}
          {(user?.role === 'center_staff' || user?.role === 'admin') && (trade.state === 'opening' || trade.state === 'opened') && (
            <a className="button" href={viewHref({ name: 'draw', id: trade.id })} data-testid="trade-draw-experts">
              {t('trade.drawExperts')}
            </a>
          )}
          {evaluation?.started && (
            <a className="button button--primary" href={viewHref({ name: 'evaluation', id: trade.id })} data-testid="trade-evaluation-room">
              {t('trade.evaluationRoom')}
            </a>
          )}
          {evaluation && !evaluation.started && evaluation.drawReady && (
            <button type="button" className="button button--primary" disabled={starting} onClick={onStartEvaluation} data-testid="trade-start-evaluation">
              {t('trade.startEvaluation')}
            </button>
          )}
          {user && STAFF_ROLES.has(user.role) && trade.state === 'failed' && <RetenderButton tradeId={trade.id} />}
          {notice.previousTradeId !== undefined && (
            <a className="button" href={viewHref({ name: 'trade', id: notice.previousTradeId })} data-testid="trade-previous-round">
              {t('trade.previousRound')}
            </a>
          )}
          {evaluationError !== null && (
            <p className="form-error" role="alert" data-testid="trade-evaluation-error">
              {errorMessage(t, evaluationError)}
            </p>
          )}
        </div>
      </section>

      <section aria-labelledby="trade-notice-title">
        <div className="section-heading">
          <h2 id="trade-notice-title">{t('trade.noticeTitle')}</h2>
        </div>
        <dl className="profile profile--grid">
          {field(t('trade.tenderee'), notice.tendereeName)}
          {notice.agencyName && field(t('trade.agency'), notice.agencyName)}
          {field(t('trade.region'), notice.regionCode)}
          {field(t('trade.amount'), `¥${yuan(notice.amountFen)}`)}
          {field(t('trade.bidSecurity'), `¥${yuan(notice.bidSecurityFen)}`)}
          {field(t('trade.documentsUntil'), shanghaiTime(notice.documentsUntil, locale))}
          {field(t('trade.bidDeadline'), shanghaiTime(trade.bidDeadline, locale), 'trade-deadline')}
          {field(t('trade.openingAt'), shanghaiTime(trade.openingAt, locale))}
          {field(t('trade.openingPlace'), notice.openingPlace)}
          {field(t('trade.unlockMode'), t(`trade.unlock.${notice.unlockMode}`))}
          {field(t('trade.officials'), `${trade.officials.map((o) => o.displayName).join('、')} (${t('trade.threshold', { k: trade.threshold, n: trade.officials.length })})`)}
          {trade.publishedAt && field(t('trade.publishedAt'), shanghaiTime(trade.publishedAt, locale))}
        </dl>

        <h3>{t('trade.detailsTitle')}</h3>
        <dl className="profile profile--grid" data-testid="trade-details" data-kind={details.kind}>
          {details.kind === 'construction' && (
            <>
              {field(t('details.site'), details.site)}
              {field(t('details.scope'), details.scope)}
              {field(t('details.durationDays'), t('details.days', { n: details.durationDays }))}
              {field(t('details.qualityStandard'), details.qualityStandard)}
              {details.ceilingPriceFen !== undefined && field(t('details.ceilingPrice'), `¥${yuan(details.ceilingPriceFen)}`)}
            </>
          )}
          {details.kind === 'land' && (
            <>
              {field(t('details.parcelNo'), details.parcelNo)}
              {field(t('details.location'), details.location)}
              {field(t('details.areaSqm'), `${details.areaSqm} m²`)}
              {field(t('details.landUse'), details.landUse)}
              {field(t('details.termYears'), t('details.years', { n: details.termYears }))}
              {details.plotRatio && field(t('details.plotRatio'), details.plotRatio)}
            </>
          )}
          {details.kind === 'mining' && (
            <>
              {field(t('details.rightType'), t(`details.rightType.${details.rightType}`))}
              {field(t('details.mineral'), details.mineral)}
              {field(t('details.location'), details.location)}
              {field(t('details.areaSqKm'), `${details.areaSqKm} km²`)}
              {field(t('details.termYears'), t('details.years', { n: details.termYears }))}
            </>
          )}
          {details.kind === 'property' && (
            <>
              {field(t('details.targetCompany'), details.targetCompany)}
              {field(t('details.sharePercent'), `${details.sharePercent}%`)}
              {field(t('details.valuation'), `¥${yuan(details.valuationFen)}`)}
            </>
          )}
          {details.kind === 'procurement' && (
            <>
              {field(t('details.category'), t(`details.category.${details.category}`))}
              {details.planNo && field(t('details.planNo'), details.planNo)}
            </>
          )}
        </dl>

        <h3>{t('trade.lots')}</h3>
        <ul data-testid="trade-lots">
          {notice.lots.map((lot) => (
            <li key={lot.no}>
              {t('trade.lot', { no: lot.no })} {lot.name} · ¥{yuan(lot.amountFen)}
            </li>
          ))}
        </ul>
        <h3>{t('trade.qualifications')}</h3>
        <ol>
          {notice.qualifications.map((q) => (
            <li key={q}>{q}</li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="trade-limits-title">
        <div className="section-heading">
          <h2 id="trade-limits-title">{t('trade.limitsTitle')}</h2>
        </div>
        {trade.limits.length === 0 ? (
          <p>{t('trade.limitsNone')}</p>
        ) : (
          <ul data-testid="trade-limits">
            {trade.limits.map((limit) => (
              <li key={limit.rule} data-testid="trade-limit" data-rule={limit.rule}>
                {limitLabel(t, limit.rule)}: <strong>{limit.value}</strong> {unitLabel(t, limit.unit)}
                {limit.earliest && <> · {t('rule.earliest', { date: limit.earliest })}</>} <code className="muted">{limit.rule}</code>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="trade-cert-title">
        <div className="section-heading">
          <h2 id="trade-cert-title">{t('trade.openingCertTitle')}</h2>
          <p>{t('trade.openingCertIntro')}</p>
        </div>
        {trade.openingCertificatePem ? (
          <div data-testid="opening-cert">
            <p>
              {t('cert.serial')}: <code data-testid="opening-cert-serial">{trade.openingCertificateSerial}</code>
            </p>
            <button
              type="button"
              className="button"
              data-testid="opening-cert-download"
              onClick={() => saveFile(trade.openingCertificatePem!, `opening-${trade.code}.crt`, 'application/x-pem-file')}
            >
              {t('trade.openingCertDownload')}
            </button>
          </div>
        ) : (
          <p data-testid="opening-cert-none">{t('trade.openingCertNone')}</p>
        )}
      </section>

      <DocumentsSection trade={trade} documents={documents} user={user} />

      <AwardSection trade={trade} user={user} reload={reload} onChanged={refresh} />
      {user && <RechecksSection trade={trade} user={user} reload={reload} onChanged={refresh} />}
      {user && <ObjectionsSection trade={trade} user={user} reload={reload} onChanged={refresh} />}
      {trade.state !== 'draft' && <TradeDecisions tradeId={trade.id} reload={reload} />}

      {user && trade.actions.some((a) => !MODULE_ACTIONS.has(a)) && <StaffActions trade={trade} onChanged={refresh} />}
      {user && STAFF_ROLES.has(user.role) && (trade.state === 'draft' || trade.state === 'bidding') && (
        <StaffUpload trade={trade} onChanged={refresh} />
      )}
      {user && OVERSIGHT_ROLES.has(user.role) && trade.state !== 'draft' && <DownloadRegister tradeId={trade.id} />}

      {user?.role === 'bidder' && trade.state === 'bidding' && (
        <BidderSection trade={trade} user={user} onChanged={refresh} />
      )}
    </div>
  );
}

function DocumentsSection({ trade, documents, user }: { trade: TradeView; documents: DocumentView[]; user: UserView | null }) {
  const { t, locale } = useI18n();
  const mayDownload = user !== null && (user.role !== 'bidder' || trade.registered === true);
  return (
    <section aria-labelledby="trade-docs-title">
      <div className="section-heading">
        <h2 id="trade-docs-title">{t('trade.documentsTitle')}</h2>
        <p>{user?.role === 'bidder' && !trade.registered ? t('trade.documentsRegisterFirst') : !user ? t('trade.documentsLogin') : t('trade.documentsIntro')}</p>
      </div>
      {documents.length === 0 ? (
        <p>{t('trade.documentsNone')}</p>
      ) : (
        <table className="data-table" data-testid="documents">
          <thead>
            <tr>
              <th>{t('doc.title')}</th>
              <th>{t('doc.kind')}</th>
              <th>{t('doc.size')}</th>
              <th>SHA-256</th>
              <th>{t('doc.published')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {documents.map((doc) => (
              <tr key={doc.id} data-testid="document-row" data-document-id={doc.id}>
                <td>
                  {doc.title}
                  {doc.affectsBids && <span className="badge badge--warn"> {t('doc.affectsBids')}</span>}
                  {doc.deadlineMoved && (
                    <div className="muted" data-testid="document-deadline-moved">
                      {t('doc.deadlineMoved', { from: shanghaiTime(doc.deadlineMoved.from, locale), to: shanghaiTime(doc.deadlineMoved.to, locale) })}
                    </div>
                  )}
                </td>
                <td>{t(`doc.kind.${doc.kind}`)}</td>
                <td className="numeric">{bytes(doc.size)}</td>
                <td>
                  <code className="hash" data-testid="document-sha256">
                    {doc.sha256}
                  </code>
                </td>
                <td>{doc.publishedAt ? shanghaiTime(doc.publishedAt, locale) : t('doc.unpublished')}</td>
                <td>
                  {mayDownload && (
                    <a className="button button--small" href={tradesApi.documentUrl(trade.id, doc.id)} download={doc.fileName} data-testid="document-download">
                      {t('doc.download')}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StaffActions({ trade, onChanged }: { trade: TradeView; onChanged(): void }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<ReturnType<typeof ruleProblem> | null>(null);
  const [reason, setReason] = useState('');

  async function fire(transition: string) {
    setBusy(transition);
    setProblem(null);
    try {
      await tradesApi.fireTransition(trade.id, transition, reason.trim() || undefined);
      onChanged();
    } catch (caught) {
      setProblem(ruleProblem(t, caught));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby="trade-actions-title" data-testid="trade-actions">
      <div className="section-heading">
        <h2 id="trade-actions-title">{t('trade.actionsTitle')}</h2>
      </div>
      {trade.actions.some((a) => a !== 'publish' && !MODULE_ACTIONS.has(a)) && (
        <div className="field">
          <label htmlFor="transition-reason">{t('trade.reason')}</label>
          <input id="transition-reason" value={reason} onChange={(e) => setReason(e.target.value)} data-testid="transition-reason" />
        </div>
      )}
      <div className="button-row">
        {trade.actions.filter((a) => !MODULE_ACTIONS.has(a)).map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'publish' ? 'button button--primary' : 'button'}
            disabled={busy !== null}
            onClick={() => fire(action)}
            data-testid={`transition-${action}`}
          >
            {action === 'publish' ? t('trade.publish') : action === 'cancel' ? t('trade.cancel') : action}
          </button>
        ))}
      </div>
      {problem && (
        <div className="form-error" role="alert" data-testid="transition-error" data-code={problem.code}>
          <p>{problem.message}</p>
          {problem.facts && <p data-testid="transition-error-facts">{problem.facts}</p>}
        </div>
      )}
    </section>
  );
}

function StaffUpload({ trade, onChanged }: { trade: TradeView; onChanged(): void }) {
  const { t } = useI18n();
  const kinds: DocumentKind[] = trade.state === 'draft' ? ['tender_documents', 'attachment'] : ['clarification', 'amendment'];
  const [kind, setKind] = useState<DocumentKind>(kinds[0]!);
  const [title, setTitle] = useState('');
  const [affectsBids, setAffectsBids] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<DocumentView | null>(null);

  useEffect(() => setKind(kinds[0]!), [trade.state]); // eslint-disable-line react-hooks/exhaustive-deps

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file || !title.trim()) return;
    setError(null);
    setDone(null);
    setProgress(0);
    try {
      const answer = await tradesApi.uploadDocument(
        trade.id,
        { kind, title: title.trim(), ...(kind === 'clarification' || kind === 'amendment' ? { affectsBids } : {}) },
        file,
        (sent, total) => setProgress(Math.round((sent / total) * 100)),
      );
      setDone(answer);
      setTitle('');
      setFile(null);
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setProgress(null);
    }
  }

  return (
    <section aria-labelledby="trade-upload-title" data-testid="document-upload">
      <div className="section-heading">
        <h2 id="trade-upload-title">{trade.state === 'draft' ? t('upload.documentsTitle') : t('upload.clarificationTitle')}</h2>
      </div>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="doc-kind">{t('doc.kind')}</label>
          <select id="doc-kind" value={kind} onChange={(e) => setKind(e.target.value as DocumentKind)} data-testid="doc-kind">
            {kinds.map((k) => (
              <option key={k} value={k}>
                {t(`doc.kind.${k}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="doc-title">{t('doc.title')}</label>
          <input id="doc-title" value={title} onChange={(e) => setTitle(e.target.value)} data-testid="doc-title" />
        </div>
        {(kind === 'clarification' || kind === 'amendment') && (
          <label className="checkbox">
            <input type="checkbox" checked={affectsBids} onChange={(e) => setAffectsBids(e.target.checked)} data-testid="doc-affects-bids" />{' '}
            {t('upload.affectsBids')}
          </label>
        )}
        <div className="field">
          <label htmlFor="doc-file">{t('upload.file')}</label>
          <input id="doc-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="doc-file" />
        </div>
        {progress !== null && <progress max={100} value={progress} data-testid="doc-progress" />}
        <button type="submit" className="button button--primary" disabled={!file || !title.trim() || progress !== null} data-testid="doc-submit">
          {t('upload.submit')}
        </button>
        <ErrorLine error={error} testId="doc-error" />
        {done && (
          <p role="status" data-testid="doc-uploaded">
            {t('upload.done', { title: done.title, sha256: done.sha256 })}
          </p>
        )}
      </form>
    </section>
  );
}

function DownloadRegister({ tradeId }: { tradeId: number }) {
  const { t, locale } = useI18n();
  const [register, setRegister] = useState<{ registrations: RegistrationView[]; downloads: DownloadView[] } | null>(null);
  const [error, setError] = useState<unknown>(null);

  function load() {
    setError(null);
    tradesApi.downloadRegister(tradeId).then(setRegister, setError);
  }

  return (
    <section aria-labelledby="trade-register-title" data-testid="download-register">
      <div className="section-heading">
        <h2 id="trade-register-title">{t('register.title')}</h2>
        <p>{t('register.intro')}</p>
      </div>
      <button type="button" className="button" onClick={load} data-testid="download-register-load">
        {register ? t('register.refresh') : t('register.show')}
      </button>
      <ErrorLine error={error} />
      {register && (
        <>
          <h3>{t('register.registrations', { n: register.registrations.length })}</h3>
          <ul data-testid="register-registrations">
            {register.registrations.map((r) => (
              <li key={r.organisationId}>
                {r.organisationName} · {shanghaiTime(r.registeredAt, locale)}
              </li>
            ))}
          </ul>
          <h3>{t('register.downloads', { n: register.downloads.length })}</h3>
          <table className="data-table" data-testid="register-downloads">
            <thead>
              <tr>
                <th>{t('register.organisation')}</th>
                <th>{t('home.uscc')}</th>
                <th>{t('login.username')}</th>
                <th>{t('doc.title')}</th>
                <th>{t('register.at')}</th>
              </tr>
            </thead>
            <tbody>
              {register.downloads.map((d, i) => (
                <tr key={i} data-testid="register-download-row">
                  <td>{d.organisationName}</td>
                  <td>{d.uscc}</td>
                  <td>{d.username}</td>
                  <td>{d.documentTitle}</td>
                  <td>{shanghaiTime(d.at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function BidderSection({ trade, user, onChanged }: { trade: TradeView; user: UserView; onChanged(): void }) {
  const { t, locale } = useI18n();
  const { busy, error, run } = useAction();

  async function register() {
    await run(async () => {
      await tradesApi.registerForTrade(trade.id);
      onChanged();
    });
  }

  return (
    <section aria-labelledby="trade-bidder-title" data-testid="bidder-section">
      <div className="section-heading">
        <h2 id="trade-bidder-title">{t('bidder.title')}</h2>
      </div>
      {trade.state === 'bidding' && <CreditNotice user={user} />}
      {trade.registered ? (
        <p data-testid="registered">{t('bidder.registered', { org: user.organisation?.name ?? '' })}</p>
      ) : (
        <>
          <p>{t('bidder.registerIntro', { until: shanghaiTime(trade.notice.documentsUntil, locale) })}</p>
          <button type="button" className="button button--primary" onClick={register} disabled={busy} data-testid="register-trade">
            {t('bidder.register')}
          </button>
        </>
      )}
      <ErrorLine error={error} testId="register-error" />
      {trade.registered && (
        <Suspense
          fallback={
            <div className="loading" role="status">
              <span className="spinner" aria-hidden="true" />
              {t('app.loading')}
            </div>
          }
        >
          <BidPanel trade={trade} user={user} />
        </Suspense>
      )}
    </section>
  );
}

/** 流标: staff tender the failed trade again, as a new draft linked to this one. */
function RetenderButton({ tradeId }: { tradeId: number }) {
  const { t } = useI18n();
  const { busy, error, run } = useAction();
  async function retender() {
    await run(async () => {
      const draft = await request<TradeView>('POST', `/api/trades/${tradeId}/retender`, { body: {} });
      window.location.hash = viewHref({ name: 'trade', id: draft.id });
    });
  }
  return (
    <>
      <button type="button" className="button button--primary" disabled={busy} onClick={retender} data-testid="trade-retender">
        {t('trade.retender')}
      </button>
      <ErrorLine error={error} testId="trade-retender-error" />
    </>
  );
}

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { flushSync } from 'react-dom';
import type { UserView } from '../../../contracts/index.js';
import type { BidReceiptView, BidView } from '../../../contracts/bids.js';
import type { TradeView } from '../../../contracts/trades.js';
import { isIdNumber, normaliseIdNumber } from '../../../contracts/credit-names.js';
import { buildBidPackage, type BidAttachment } from '../../../crypto/bid-package.js';
import { sealBid } from '../../../crypto/sealed-bid.js';
import { webProvider } from '../../../crypto/web/provider.js';
import { isApiError } from '../api.js';
import { KeyLoader, type LoadedKey } from '../components/KeyLoader.js';
import { errorMessage } from '../errors.js';
import { base64ToBytes, bytes, saveFile, shanghaiTime, yuan, yuanToFen } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import * as tradesApi from '../tradesApi.js';

type Phase =
  | { kind: 'idle' }
  | { kind: 'sealing' }
  | { kind: 'uploading'; percent: number }
  | { kind: 'failed'; error: unknown }
  | { kind: 'done'; receipt: BidReceiptView };

/**
 * 投标: the bidder's key file is opened here, the bid package (bid.json + attachments) is built,
 * signed and sealed to the trade's opening certificate here, and only the sealed envelope and its
 * outer signature are uploaded. Success is shown only once the platform's signed receipt arrived.
 */
export function BidPanel({ trade, user }: { trade: TradeView; user: UserView }) {
  const { t, locale } = useI18n();
  const [key, setKey] = useState<LoadedKey | null>(null);

  const lots = trade.notice.lots;
  const [lot, setLot] = useState(lots[0]?.no ?? '1');
  const [price, setPrice] = useState('');
  const [duration, setDuration] = useState('');
  const [quality, setQuality] = useState('');
  const [projectManager, setProjectManager] = useState('');
  const [projectManagerId, setProjectManagerId] = useState('');
  const [notes, setNotes] = useState('');
  const [attachments, setAttachments] = useState<File[]>([]);
  const [formProblem, setFormProblem] = useState<string | null>(null);

  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [bids, setBids] = useState<BidView[] | null>(null);
  const [historyError, setHistoryError] = useState<unknown>(null);
  const [shownReceipt, setShownReceipt] = useState<BidReceiptView | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);

  const loadBids = useCallback(() => {
    tradesApi.myBids(trade.id).then(
      (list) => {
        setBids(list);
        setHistoryError(null);
      },
      (error: unknown) => setHistoryError(error),
    );
  }, [trade.id]);
  useEffect(loadBids, [loadBids]);

  const current = bids?.find((b) => b.status === 'current') ?? null;
  // The server's clock decides; this only hides buttons that would be refused anyway.
  const clockOffset = Date.parse(trade.serverTime) - Date.now();
  const beforeDeadline = Date.now() + clockOffset < Date.parse(trade.bidDeadline);
  const busy = phase.kind === 'sealing' || phase.kind === 'uploading';

  async function submit(event: FormEvent, replaces?: number) {
    event.preventDefault();
    setFormProblem(null);
    setActionError(null);
    if (!key) return setFormProblem(t('bid.keyFirst'));
    if (!trade.openingCertificatePem) return setFormProblem(t('trade.openingCertNone'));
    const organisation = user.organisation;
    if (!organisation) return setFormProblem(t('error.ORGANISATION_REQUIRED'));
    const priceFen = yuanToFen(price);
    if (priceFen === null) return setFormProblem(t('bid.priceInvalid'));
    const durationDays = duration.trim() ? Number(duration.trim()) : undefined;
    if (durationDays !== undefined && (!Number.isInteger(durationDays) || durationDays <= 0 || durationDays > 3650)) {
      return setFormProblem(t('bid.durationInvalid'));
    }
    // checked here: a malformed bid.json would be refused at the opening, too late to correct
    const projectManagerIdNumber = projectManagerId.trim() ? normaliseIdNumber(projectManagerId.trim()) : undefined;
    if (projectManagerIdNumber !== undefined && !isIdNumber(projectManagerIdNumber)) return setFormProblem(t('bid.projectManagerIdInvalid'));

    setPhase({ kind: 'sealing' });
    let sealed: { envelope: Uint8Array; signature: Uint8Array };
    try {
      const files: BidAttachment[] = [];
      for (const file of attachments) files.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
      const bidJson = {
        format: 'tenderhall-bid' as const,
        version: 1 as const,
        trade: trade.code,
        bidder: { uscc: organisation.uscc, name: organisation.name },
        lot,
        priceFen,
        ...(durationDays !== undefined ? { durationDays } : {}),
        ...(quality.trim() ? { quality: quality.trim() } : {}),
        ...(projectManager.trim() ? { projectManager: projectManager.trim() } : {}),
        ...(projectManagerIdNumber ? { projectManagerIdNumber } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      };
      const pkg = await buildBidPackage(bidJson, files);
      sealed = await sealBid(pkg, { certificatePem: key.certificatePem, privateKeyPem: key.privateKeyPem, chainPem: key.chainPem }, trade.openingCertificatePem, {
        provider: webProvider,
      });
    } catch (error) {
      setPhase({ kind: 'failed', error });
      return;
    }

    setPhase({ kind: 'uploading', percent: 0 });
    try {
      const fileName = `${trade.code}-${organisation.uscc}.sealed`.replace(/[^\w.-]/g, '_');
      const answer = await tradesApi.uploadSealedBid(
        trade.id,
        { ...sealed, fileName },
        {
          ...(replaces !== undefined ? { replaces } : {}),
          idempotencyKey: crypto.randomUUID(),
          // flushSync: every progress step is drawn, even when the answer follows at once
          onProgress: (sent, total) => flushSync(() => setPhase({ kind: 'uploading', percent: Math.min(100, Math.round((sent / total) * 100)) })),
        },
      );
      // Only a receipt counts as success.
      if (!answer || typeof answer.receipt !== 'string' || !answer.bid || !answer.receiptContent) throw new Error('no receipt in the answer');
      setPhase({ kind: 'done', receipt: answer });
      setShownReceipt(answer);
      loadBids();
    } catch (error) {
      setPhase({ kind: 'failed', error });
      loadBids();
    }
  }

  async function showReceipt(bid: BidView) {
    setActionError(null);
    try {
      setShownReceipt(await tradesApi.bidReceipt(trade.id, bid.id));
    } catch (error) {
      setActionError(error);
    }
  }

  async function withdraw(bid: BidView) {
    if (!window.confirm(t('bid.withdrawConfirm'))) return;
    setActionError(null);
    try {
      const answer = await tradesApi.withdrawBid(trade.id, bid.id);
      saveFile(base64ToBytes(answer.acknowledgement), `withdrawal-${trade.code}-${bid.seq}.p7s`.replace(/[^\w.-]/g, '_'), 'application/pkcs7-signature');
      setShownReceipt(null);
      loadBids();
    } catch (error) {
      setActionError(error);
    }
  }

  const failure = phase.kind === 'failed' ? (isApiError(phase.error) ? errorMessage(t, phase.error) : t('bid.sealFailed')) : null;

  return (
    <div className="bid-panel" data-testid="bid-panel">
      <h3>{t('bid.keyTitle')}</h3>
      <p>{t('bid.keyIntro')}</p>
      <KeyLoader prefix="bid" loaded={key} onLoaded={setKey} onForget={() => setKey(null)} {...(user.organisation?.uscc ? { expectUscc: user.organisation.uscc } : {})} />

      <h3>{current ? t('bid.replaceTitle') : t('bid.formTitle')}</h3>
      {!beforeDeadline && <p className="form-error">{t('error.BID_DEADLINE_PASSED')}</p>}
      <form onSubmit={(e) => submit(e, current?.id)} noValidate data-testid="bid-form">
        {lots.length > 1 && (
          <div className="field">
            <label htmlFor="bid-lot">{t('bid.lot')}</label>
            <select id="bid-lot" value={lot} onChange={(e) => setLot(e.target.value)} data-testid="bid-lot">
              {lots.map((l) => (
                <option key={l.no} value={l.no}>
                  {t('trade.lot', { no: l.no })} {l.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="bid-price">{t('bid.price')}</label>
          <input id="bid-price" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} placeholder="9876543.21" data-testid="bid-price" />
          {yuanToFen(price) !== null && (
            <span className="muted" data-testid="bid-price-fen">
              {t('bid.priceFen', { yuan: yuan(yuanToFen(price)!), fen: yuanToFen(price)! })}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor="bid-duration">{t('bid.duration')}</label>
          <input id="bid-duration" inputMode="numeric" value={duration} onChange={(e) => setDuration(e.target.value)} data-testid="bid-duration" />
        </div>
        <div className="field">
          <label htmlFor="bid-quality">{t('bid.quality')}</label>
          <input id="bid-quality" value={quality} onChange={(e) => setQuality(e.target.value)} maxLength={200} data-testid="bid-quality" />
        </div>
        <div className="field">
          <label htmlFor="bid-pm">{t('bid.projectManager')}</label>
          <input id="bid-pm" value={projectManager} onChange={(e) => setProjectManager(e.target.value)} maxLength={100} data-testid="bid-pm" />
        </div>
        <div className="field">
          <label htmlFor="bid-pm-id">{t('bid.projectManagerId')}</label>
          <input id="bid-pm-id" value={projectManagerId} onChange={(e) => setProjectManagerId(e.target.value)} maxLength={18} autoComplete="off" data-testid="bid-pm-id" />
          <p className="muted">{t('bid.projectManagerIdHint')}</p>
        </div>
        <div className="field">
          <label htmlFor="bid-notes">{t('bid.notes')}</label>
          <textarea id="bid-notes" value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} rows={3} data-testid="bid-notes" />
        </div>
        <div className="field">
          <label htmlFor="bid-attachments">{t('bid.attachments')}</label>
          <input id="bid-attachments" type="file" multiple onChange={(e) => setAttachments(Array.from(e.target.files ?? []))} data-testid="bid-attachments" />
          {attachments.length > 0 && (
            <ul className="muted">
              {attachments.map((f) => (
                <li key={f.name}>
                  {f.name} · {bytes(f.size)}
                </li>
              ))}
            </ul>
          )}
        </div>
        {formProblem && (
          <p className="form-error" role="alert" data-testid="bid-form-error">
            {formProblem}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy || !key || !beforeDeadline} data-testid="bid-submit">
          {current ? t('bid.replace') : t('bid.submit')}
        </button>
      </form>

      {phase.kind === 'sealing' && (
        <p role="status" data-testid="bid-sealing">
          <span className="spinner" aria-hidden="true" /> {t('bid.sealing')}
        </p>
      )}
      {phase.kind === 'uploading' && (
        <div role="status" data-testid="bid-uploading">
          <label htmlFor="bid-progress">{t('bid.uploading', { percent: phase.percent })}</label>
          <progress id="bid-progress" max={100} value={phase.percent} data-testid="bid-progress" data-percent={phase.percent} />
        </div>
      )}
      {phase.kind === 'failed' && (
        <p className="form-error" role="alert" data-testid="bid-upload-error">
          {t('bid.failed', { message: failure ?? '' })}
        </p>
      )}
      {phase.kind === 'done' && (
        <div role="status" data-testid="bid-upload-done">
          <progress max={100} value={100} data-testid="bid-progress" data-percent={100} />
          <p className="notice notice--info">{phase.receipt.replayed ? t('bid.replayed') : t('bid.accepted')}</p>
        </div>
      )}

      {shownReceipt && <Receipt receipt={shownReceipt} />}

      <h3>{t('bid.historyTitle')}</h3>
      {historyError !== null && <p className="form-error">{errorMessage(t, historyError)}</p>}
      {actionError !== null && (
        <p className="form-error" role="alert" data-testid="bid-action-error">
          {errorMessage(t, actionError)}
        </p>
      )}
      {bids !== null && bids.length === 0 && <p data-testid="bid-history-empty">{t('bid.historyNone')}</p>}
      {bids !== null && bids.length > 0 && (
        <table className="data-table" data-testid="bid-history">
          <thead>
            <tr>
              <th>{t('bid.seq')}</th>
              <th>{t('bid.status')}</th>
              <th>{t('bid.receivedAt')}</th>
              <th>SHA-256</th>
              <th>{t('doc.size')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {bids.map((bid) => (
              <tr key={bid.id} data-testid="bid-history-row" data-bid-id={bid.id} data-status={bid.status} data-predates-amendment={String(bid.predatesAmendment)}>
                <td>{bid.seq}</td>
                <td>
                  {t(`bid.status.${bid.status}`)}
                  {bid.predatesAmendment && (
                    <span className="badge badge--warn" data-testid="bid-predates-amendment">
                      {' '}
                      {t('bid.predatesAmendment')}
                    </span>
                  )}
                </td>
                <td>{shanghaiTime(bid.receivedAt, locale)}</td>
                <td>
                  <code className="hash">{bid.sha256}</code>
                </td>
                <td className="numeric">{bytes(bid.size)}</td>
                <td className="button-row">
                  <button type="button" className="button button--small" onClick={() => showReceipt(bid)} data-testid="bid-show-receipt">
                    {t('bid.receipt')}
                  </button>
                  {bid.status === 'current' && beforeDeadline && (
                    <button type="button" className="button button--small" onClick={() => withdraw(bid)} data-testid="bid-withdraw">
                      {t('bid.withdraw')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Receipt({ receipt }: { receipt: BidReceiptView }) {
  const { t, locale } = useI18n();
  const content = receipt.receiptContent;
  return (
    <div className="receipt" data-testid="bid-receipt" data-bid-id={receipt.bid.id}>
      <h3>{t('bid.receiptTitle')}</h3>
      {(receipt.warnings ?? []).map((w) => (
        <p key={w.code} className="form-error" role="alert" data-testid="receipt-warning" data-code={w.code}>
          {t(`error.${w.code}`)}
        </p>
      ))}
      <dl className="profile">
        <div className="profile__item">
          <dt>{t('trades.code')}</dt>
          <dd data-testid="receipt-trade">{content.trade}</dd>
        </div>
        <div className="profile__item">
          <dt>SHA-256</dt>
          <dd>
            <code className="hash" data-testid="receipt-sha256">
              {content.sha256}
            </code>
          </dd>
        </div>
        <div className="profile__item">
          <dt>{t('doc.size')}</dt>
          <dd data-testid="receipt-size">{t('bid.sizeBytes', { n: content.size })}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('bid.receivedAt')}</dt>
          <dd data-testid="receipt-received-at">{shanghaiTime(content.receivedAt, locale)}</dd>
        </div>
        <div className="profile__item">
          <dt>{t('bid.seq')}</dt>
          <dd data-testid="receipt-seq">{content.seq}</dd>
        </div>
      </dl>
      <button
        type="button"
        className="button"
        data-testid="receipt-download"
        onClick={() => saveFile(base64ToBytes(receipt.receipt), `receipt-${content.trade}-${content.seq}.p7s`.replace(/[^\w.-]/g, '_'), 'application/pkcs7-signature')}
      >
        {t('bid.receiptDownload')}
      </button>
    </div>
  );
}

/**
 * The two hall panels that need a key file and the crypto library (node-forge, pkijs): loaded only
 * when an official or a bidder opens the hall. Keys are read in the page and kept in memory only;
 * what leaves the page is an official's decrypted share, or a bidder's bid content key (never a
 * private key).
 */
import { useState } from 'react';
import type { UserView } from '../../../contracts/index.js';
import type { OpeningView } from '../../../contracts/opening.js';
import { openBytes } from '../../../crypto/envelope.js';
import { unlockBid } from '../../../crypto/sealed-bid.js';
import { isApiError } from '../api.js';
import { KeyLoader, type LoadedKey } from '../components/KeyLoader.js';
import { errorMessage } from '../errors.js';
import { base64ToBytes, shanghaiTime } from '../format.js';
import type { MessageKey } from '../i18n.js';
import { useI18n } from '../LocaleContext.js';
import { bytesToBase64 } from './hallFormat.js';
import * as openingApi from './openingApi.js';

/**
 * The opened share file is the share's canonical JSON and a newline (crypto/opening-key.ts
 * encodeShare), sent as is; the server checks it in full (decodeShare: canonical form, integrity
 * check, digests). Here only that it is a share, and the one this official was given. (The client
 * bundle does not take crypto/opening-key.ts: its pkijs-support helpers do not typecheck under the
 * DOM library's BufferSource types.)
 */
function shareText(bytes: Uint8Array, index: number): string {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  const value: unknown = JSON.parse(text);
  const share = value as { format?: unknown; index?: unknown };
  if (typeof value !== 'object' || value === null || share.format !== 'tenderhall-opening-share' || (index && share.index !== index)) {
    throw Object.assign(new Error('not an opening share'), { code: 'SHARE_CORRUPTED' });
  }
  return text;
}

const serialKey = (serial: string) => serial.toLowerCase().replace(/[^0-9a-f]/g, '').replace(/^0+/, '');

type Step = { kind: 'idle' } | { kind: 'working'; what: MessageKey } | { kind: 'failed'; message: string };

/** A crypto failure (wrong key, corrupted share…) by its code; an API failure by the server's code. */
function failure(t: ReturnType<typeof useI18n>['t'], error: unknown, cryptoKey: MessageKey): string {
  if (isApiError(error)) return errorMessage(t, error);
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'CLIENT';
  return t(cryptoKey, { code });
}

/**
 * 开标人: decrypt my share of the opening key with my own key file, in this page, and submit it.
 * The server rebuilds the opening key once k shares are in.
 */
export function OfficialSharePanel({ tradeId, view, user, onView }: { tradeId: number; view: OpeningView; user: UserView; onView(view: OpeningView): void }) {
  const { t } = useI18n();
  const [key, setKey] = useState<LoadedKey | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const mine = view.sharesIn.find((s) => s.userId === user.id) ?? null;
  const open = view.state === 'unlocking';

  async function submit() {
    if (!key) return;
    setStep({ kind: 'working', what: 'opening.share.fetching' });
    try {
      const sealed = await openingApi.mySealedShare(tradeId);
      if (sealed.certificateSerial && serialKey(sealed.certificateSerial) !== serialKey(key.serial)) {
        setStep({ kind: 'failed', message: t('opening.share.wrongKey', { serial: sealed.certificateSerial }) });
        return;
      }
      setStep({ kind: 'working', what: 'opening.share.decrypting' });
      let text: string;
      try {
        text = shareText(await openBytes(base64ToBytes(sealed.sealedShare), { certificatePem: key.certificatePem, privateKeyPem: key.privateKeyPem }), sealed.index);
      } catch (error) {
        setStep({ kind: 'failed', message: failure(t, error, 'opening.share.decryptFailed') });
        return;
      }
      setStep({ kind: 'working', what: 'opening.share.submitting' });
      onView(await openingApi.submitShare(tradeId, text));
      setStep({ kind: 'idle' });
    } catch (error) {
      setStep({ kind: 'failed', message: failure(t, error, 'opening.share.decryptFailed') });
    }
  }

  return (
    <section aria-labelledby="hall-official-title" data-testid="official-panel">
      <div className="section-heading">
        <h2 id="hall-official-title">{t('opening.share.title')}</h2>
        <p>{t('opening.share.intro')}</p>
      </div>
      {mine ? (
        <p className="notice notice--info" role="status" data-testid="official-share-done" data-index={mine.shareIndex}>
          {t('opening.share.done', { index: mine.shareIndex })}
        </p>
      ) : !open ? (
        <p data-testid="official-share-wait">{view.state === 'waiting' ? t('opening.share.notStarted') : t('opening.share.notNeeded')}</p>
      ) : (
        <>
          <KeyLoader prefix="official" loaded={key} onLoaded={setKey} onForget={() => setKey(null)} />
          <button type="button" className="button button--primary" disabled={!key || step.kind === 'working'} onClick={submit} data-testid="official-submit-share">
            {t('opening.share.submit')}
          </button>
        </>
      )}
      {step.kind === 'working' && (
        <p role="status" data-testid="official-share-working">
          <span className="spinner" aria-hidden="true" /> {t(step.what)}
        </p>
      )}
      {step.kind === 'failed' && (
        <p className="form-error" role="alert" data-testid="official-share-error">
          {step.message}
        </p>
      )}
    </section>
  );
}

/**
 * 投标人解密 (bidder-unlock mode): my page downloads my own envelope, unwraps its content key with
 * my key file, and hands over only that key.
 */
export function BidderUnlockPanel({ tradeId, view, user, onView }: { tradeId: number; view: OpeningView; user: UserView; onView(view: OpeningView): void }) {
  const { t, locale } = useI18n();
  const [key, setKey] = useState<LoadedKey | null>(null);
  const [step, setStep] = useState<Step>({ kind: 'idle' });
  const myBid = view.myBid;
  if (!myBid) return null;

  async function unlock() {
    if (!key || !myBid) return;
    setStep({ kind: 'working', what: 'opening.unlock.fetching' });
    try {
      const envelope = await openingApi.myEnvelope(tradeId, myBid.bidId);
      setStep({ kind: 'working', what: 'opening.unlock.decrypting' });
      let cek: Uint8Array;
      try {
        cek = await unlockBid(envelope, { certificatePem: key.certificatePem, privateKeyPem: key.privateKeyPem });
      } catch (error) {
        setStep({ kind: 'failed', message: failure(t, error, 'opening.unlock.decryptFailed') });
        return;
      }
      setStep({ kind: 'working', what: 'opening.unlock.submitting' });
      const encoded = bytesToBase64(cek);
      cek.fill(0);
      onView(await openingApi.unlock(tradeId, myBid.bidId, encoded));
      setStep({ kind: 'idle' });
    } catch (error) {
      setStep({ kind: 'failed', message: failure(t, error, 'opening.unlock.decryptFailed') });
    }
  }

  return (
    <section aria-labelledby="hall-unlock-title" data-testid="bidder-unlock-panel">
      <div className="section-heading">
        <h2 id="hall-unlock-title">{t('opening.unlock.title')}</h2>
        <p>{view.unlockUntil ? t('opening.unlock.introUntil', { until: shanghaiTime(view.unlockUntil, locale) }) : t('opening.unlock.intro')}</p>
      </div>
      {myBid.unlocked ? (
        <p className="notice notice--info" role="status" data-testid="bidder-unlocked">
          {t('opening.unlock.done')}
        </p>
      ) : view.state !== 'unlocking' ? (
        <p data-testid="bidder-unlock-wait">{view.state === 'waiting' ? t('opening.share.notStarted') : t('opening.unlock.closed')}</p>
      ) : (
        <>
          <KeyLoader prefix="bidder" loaded={key} onLoaded={setKey} onForget={() => setKey(null)} {...(user.organisation?.uscc ? { expectUscc: user.organisation.uscc } : {})} />
          <button type="button" className="button button--primary" disabled={!key || step.kind === 'working'} onClick={unlock} data-testid="bidder-unlock">
            {t('opening.unlock.submit')}
          </button>
        </>
      )}
      {step.kind === 'working' && (
        <p role="status" data-testid="bidder-unlock-working">
          <span className="spinner" aria-hidden="true" /> {t(step.what)}
        </p>
      )}
      {step.kind === 'failed' && (
        <p className="form-error" role="alert" data-testid="bidder-unlock-error">
          {step.message}
        </p>
      )}
    </section>
  );
}

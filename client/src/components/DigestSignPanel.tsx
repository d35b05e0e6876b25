/**
 * Signing a document by its SHA-256 (the evaluation report, the recheck report): the member loads
 * their own key file (.p12) in the page, and signs the digest (CMS SignedData, detached digest) with
 * it — or refuses with a reason. Loaded on demand (SignStep.tsx): it needs node-forge and the crypto
 * library. The private key stays in this page's memory.
 */
import { useState, type FormEvent } from 'react';
import { signDetachedDigest } from '../../../crypto/signed-data.js';
import { webProvider } from '../../../crypto/web/provider.js';
import { errorMessage } from '../errors.js';
import type { MessageKey } from '../i18n.js';
import { useI18n } from '../LocaleContext.js';
import { bytesToBase64 } from '../opening/hallFormat.js';
import { KeyLoader, type LoadedKey } from './KeyLoader.js';

/** What the signer sends: the CMS signature (base64), or the reason for refusing. */
export type SignAnswer = { signature: string } | { refuse: string };

export interface DigestSignProps {
  /** Prefix of the element ids and test ids (`evaluation`, `recheck`). */
  idPrefix: string;
  /** The SHA-256 (hex) of the document to sign. */
  digestHex: string | null;
  /** The introduction and the sign button's label. */
  intro: MessageKey;
  submitLabel: MessageKey;
  /** Sends the answer (and adopts the view the server answers with). */
  submit(answer: SignAnswer): Promise<void>;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function DigestSignPanel({ idPrefix: p, digestHex, intro, submitLabel, submit }: DigestSignProps) {
  const { t } = useI18n();
  const [key, setKey] = useState<LoadedKey | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');

  async function signDigest() {
    if (!key || !digestHex) return;
    setBusy(true);
    setProblem(null);
    try {
      let signature: Uint8Array;
      try {
        signature = await signDetachedDigest(hexToBytes(digestHex), { certificatePem: key.certificatePem, privateKeyPem: key.privateKeyPem }, { provider: webProvider });
      } catch (error) {
        const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'CLIENT';
        setProblem(t('evaluation.sign.failed', { code }));
        return;
      }
      await submit({ signature: bytesToBase64(signature) });
    } catch (error) {
      setProblem(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  }

  async function refuse(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) return;
    setBusy(true);
    setProblem(null);
    try {
      await submit({ refuse: reason.trim() });
    } catch (error) {
      setProblem(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid={`${p}-sign-panel`}>
      <p>{t(intro)}</p>
      <p>
        {t('evaluation.report.sha')}: <code className="hash" data-testid={`${p}-sign-sha`}>{digestHex}</code>
      </p>
      <KeyLoader prefix={p} loaded={key} onLoaded={setKey} onForget={() => setKey(null)} person />
      <div className="evaluation-actions">
        <button type="button" className="button button--primary" disabled={!key || busy} onClick={signDigest} data-testid={`${p}-sign`}>
          {t(submitLabel)}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => setRefusing((r) => !r)} data-testid={`${p}-refuse-toggle`}>
          {t('evaluation.sign.refuse')}
        </button>
      </div>
      {refusing && (
        <form onSubmit={refuse} noValidate data-testid={`${p}-refuse-form`}>
          <div className="field">
            <label htmlFor={`${p}-refuse-reason`}>{t('evaluation.sign.refuseReason')}</label>
            <textarea id={`${p}-refuse-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} data-testid={`${p}-refuse-reason`} />
          </div>
          <button type="submit" className="button button--danger" disabled={busy || !reason.trim()} data-testid={`${p}-refuse-confirm`}>
            {t('evaluation.sign.refuseConfirm')}
          </button>
        </form>
      )}
      {busy && (
        <p role="status">
          <span className="spinner" aria-hidden="true" /> {t('evaluation.working')}
        </p>
      )}
      {problem && (
        <p className="form-error" role="alert" data-testid={`${p}-sign-error`}>
          {problem}
        </p>
      )}
    </div>
  );
}

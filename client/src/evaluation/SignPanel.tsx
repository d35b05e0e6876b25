/**
 * 签署评标报告: the member loads their own key file (.p12) in the page, and signs the report's SHA-256
 * (CMS SignedData, detached digest) with it — or refuses with a reason. Loaded on demand: it needs
 * node-forge and the crypto library. The private key stays in this page's memory.
 */
import { useState, type FormEvent } from 'react';
import type { EvaluationView } from '../../../contracts/evaluation.js';
import { describeCertificate } from '../../../crypto/certificates.js';
import { signDetachedDigest } from '../../../crypto/signed-data.js';
import { webProvider } from '../../../crypto/web/provider.js';
import { errorMessage } from '../errors.js';
import { shanghaiTime } from '../format.js';
import { KeyFileError, readPkcs12, type KeyFile } from '../keyfile.js';
import { useI18n } from '../LocaleContext.js';
import { bytesToBase64 } from '../opening/hallFormat.js';
import * as evaluationApi from './evaluationApi.js';

interface LoadedKey extends KeyFile {
  serial: string;
  subject: string;
  notAfter: string;
}

function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function SignPanel({ tradeId, view, onView }: { tradeId: number; view: EvaluationView; onView(view: EvaluationView): void }) {
  const { t, locale } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [key, setKey] = useState<LoadedKey | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [refusing, setRefusing] = useState(false);
  const [reason, setReason] = useState('');

  async function load(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (!file) return setProblem(t('bid.keyChoose'));
    try {
      const read = readPkcs12(new Uint8Array(await file.arrayBuffer()), password);
      const info = describeCertificate(read.certificatePem);
      setKey({ ...read, serial: info.serial, subject: info.subject.commonName ?? info.subject.organization ?? '', notAfter: info.notAfter.toISOString() });
      setPassword('');
    } catch (error) {
      setProblem(error instanceof KeyFileError ? t(`keyfile.${error.code}`) : t('keyfile.KEYFILE_MALFORMED'));
    }
  }

  async function signReport() {
    if (!key || !view.reportSha256) return;
    setBusy(true);
    setProblem(null);
    try {
      let signature: Uint8Array;
      try {
        signature = await signDetachedDigest(hexToBytes(view.reportSha256), { certificatePem: key.certificatePem, privateKeyPem: key.privateKeyPem }, { provider: webProvider });
      } catch (error) {
        const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : 'CLIENT';
        setProblem(t('evaluation.sign.failed', { code }));
        return;
      }
      onView(await evaluationApi.sign(tradeId, { signature: bytesToBase64(signature) }));
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
      onView(await evaluationApi.sign(tradeId, { refuse: reason.trim() }));
    } catch (error) {
      setProblem(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="evaluation-sign-panel">
      <p>{t('evaluation.sign.intro')}</p>
      <p>
        {t('evaluation.report.sha')}: <code data-testid="evaluation-sign-sha">{view.reportSha256}</code>
      </p>
      {key ? (
        <p data-testid="evaluation-key-loaded" data-serial={key.serial}>
          {t('bid.keyLoaded', { subject: key.subject, serial: key.serial, until: shanghaiTime(key.notAfter, locale) })}{' '}
          <button type="button" className="button button--small" onClick={() => setKey(null)} data-testid="evaluation-key-forget">
            {t('bid.keyForget')}
          </button>
        </p>
      ) : (
        <form onSubmit={load} noValidate data-testid="evaluation-key-form">
          <div className="field">
            <label htmlFor="evaluation-keyfile">{t('bid.keyFile')}</label>
            <input id="evaluation-keyfile" type="file" accept=".p12,.pfx,application/x-pkcs12" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="evaluation-keyfile" />
          </div>
          <div className="field">
            <label htmlFor="evaluation-key-password">{t('cert.password')}</label>
            <input id="evaluation-key-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="evaluation-key-password" />
          </div>
          <button type="submit" className="button" data-testid="evaluation-key-load">
            {t('bid.keyLoad')}
          </button>
        </form>
      )}
      <div className="evaluation-actions">
        <button type="button" className="button button--primary" disabled={!key || busy} onClick={signReport} data-testid="evaluation-sign">
          {t('evaluation.sign.submit')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => setRefusing((r) => !r)} data-testid="evaluation-refuse-toggle">
          {t('evaluation.sign.refuse')}
        </button>
      </div>
      {refusing && (
        <form onSubmit={refuse} noValidate data-testid="evaluation-refuse-form">
          <div className="field">
            <label htmlFor="evaluation-refuse-reason">{t('evaluation.sign.refuseReason')}</label>
            <textarea id="evaluation-refuse-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} data-testid="evaluation-refuse-reason" />
          </div>
          <button type="submit" className="button button--danger" disabled={busy || !reason.trim()} data-testid="evaluation-refuse-confirm">
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
        <p className="form-error" role="alert" data-testid="evaluation-sign-error">
          {problem}
        </p>
      )}
    </div>
  );
}

/**
 * 签署复核（复审）报告: as the evaluation's SignPanel, the member loads their own key file (.p12) in
 * the page and signs the recheck report's SHA-256 (CMS SignedData, detached digest) — or refuses
 * with a reason. Loaded on demand (node-forge and the crypto library); the key stays in memory.
 */
import { useState, type FormEvent } from 'react';
import type { RecheckView } from '../../../contracts/recheck.js';
import { describeCertificate } from '../../../crypto/certificates.js';
import { signDetachedDigest } from '../../../crypto/signed-data.js';
import { webProvider } from '../../../crypto/web/provider.js';
import { errorMessage } from '../errors.js';
import { shanghaiTime } from '../format.js';
import { KeyFileError, readPkcs12, type KeyFile } from '../keyfile.js';
import { useI18n } from '../LocaleContext.js';
import { bytesToBase64 } from '../opening/hallFormat.js';
import * as recheckApi from './recheckApi.js';

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

export function RecheckSignPanel({ view, onView }: { view: RecheckView; onView(view: RecheckView): void }) {
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
      onView(await recheckApi.sign(view.id, { signature: bytesToBase64(signature) }));
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
      onView(await recheckApi.sign(view.id, { refuse: reason.trim() }));
    } catch (error) {
      setProblem(errorMessage(t, error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="recheck-sign-panel">
      <p>{t('recheck.sign.intro')}</p>
      <p>
        {t('evaluation.report.sha')}: <code className="hash" data-testid="recheck-sign-sha">{view.reportSha256}</code>
      </p>
      {key ? (
        <p data-testid="recheck-key-loaded" data-serial={key.serial}>
          {t('bid.keyLoaded', { subject: key.subject, serial: key.serial, until: shanghaiTime(key.notAfter, locale) })}{' '}
          <button type="button" className="button button--small" onClick={() => setKey(null)}>
            {t('bid.keyForget')}
          </button>
        </p>
      ) : (
        <form onSubmit={load} noValidate data-testid="recheck-key-form">
          <div className="field">
            <label htmlFor="recheck-keyfile">{t('bid.keyFile')}</label>
            <input id="recheck-keyfile" type="file" accept=".p12,.pfx,application/x-pkcs12" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="recheck-keyfile" />
          </div>
          <div className="field">
            <label htmlFor="recheck-key-password">{t('cert.password')}</label>
            <input id="recheck-key-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="recheck-key-password" />
          </div>
          <button type="submit" className="button" data-testid="recheck-key-load">
            {t('bid.keyLoad')}
          </button>
        </form>
      )}
      <div className="evaluation-actions">
        <button type="button" className="button button--primary" disabled={!key || busy} onClick={signReport} data-testid="recheck-sign">
          {t('recheck.sign.submit')}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => setRefusing((r) => !r)} data-testid="recheck-refuse-toggle">
          {t('evaluation.sign.refuse')}
        </button>
      </div>
      {refusing && (
        <form onSubmit={refuse} noValidate>
          <div className="field">
            <label htmlFor="recheck-refuse-reason">{t('evaluation.sign.refuseReason')}</label>
            <textarea id="recheck-refuse-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} data-testid="recheck-refuse-reason" />
          </div>
          <button type="submit" className="button button--danger" disabled={busy || !reason.trim()} data-testid="recheck-refuse-confirm">
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
        <p className="form-error" role="alert" data-testid="recheck-sign-error">
          {problem}
        </p>
      )}
    </div>
  );
}

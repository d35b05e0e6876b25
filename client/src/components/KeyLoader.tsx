/**
 * The key file (.p12) a user signs or decrypts with, read in the page (keyfile.ts) and kept in
 * memory only. Needs node-forge and the crypto library: import it only from lazily loaded panels.
 */
import { useState, type FormEvent } from 'react';
import { describeCertificate } from '../../../crypto/certificates.js';
import { shanghaiTime } from '../format.js';
import { KeyFileError, readPkcs12, type KeyFile } from '../keyfile.js';
import { useI18n } from '../LocaleContext.js';

export interface LoadedKey extends KeyFile {
  serial: string;
  subject: string;
  notAfter: string;
}

/**
 * Loads a .p12 with its password, or shows the one loaded with a way to forget it. `prefix`
 * namespaces the ids and data-testids (official-…, bidder-…, bid-…, evaluation-…); `expectUscc`
 * refuses a certificate of another organisation; `person` names the holder by the certificate's
 * common name first (an expert's own certificate), else by its organisation.
 */
export function KeyLoader({ prefix, loaded, onLoaded, onForget, expectUscc, person }: { prefix: string; loaded: LoadedKey | null; onLoaded(key: LoadedKey): void; onForget(): void; expectUscc?: string; person?: boolean }) {
  const { t, locale } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  async function load(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    if (!file) return setProblem(t('bid.keyChoose'));
    try {
      const key = readPkcs12(new Uint8Array(await file.arrayBuffer()), password);
      const info = describeCertificate(key.certificatePem);
      if (expectUscc && info.subject.uscc !== expectUscc) return setProblem(t('bid.keyWrongHolder', { uscc: expectUscc }));
      onLoaded({ ...key, serial: info.serial, subject: (person ? (info.subject.commonName ?? info.subject.organization) : (info.subject.organization ?? info.subject.commonName)) ?? '', notAfter: info.notAfter.toISOString() });
      setPassword('');
    } catch (error) {
      setProblem(error instanceof KeyFileError ? t(`keyfile.${error.code}`) : t('keyfile.KEYFILE_MALFORMED'));
    }
  }

  if (loaded) {
    return (
      <p data-testid={`${prefix}-key-loaded`} data-serial={loaded.serial}>
        {t('bid.keyLoaded', { subject: loaded.subject, serial: loaded.serial, until: shanghaiTime(loaded.notAfter, locale) })}{' '}
        <button type="button" className="button button--small" onClick={onForget} data-testid={`${prefix}-key-forget`}>
          {t('bid.keyForget')}
        </button>
      </p>
    );
  }
  return (
    <form onSubmit={load} noValidate data-testid={`${prefix}-key-form`}>
      <div className="field">
        <label htmlFor={`${prefix}-keyfile`}>{t('bid.keyFile')}</label>
        <input id={`${prefix}-keyfile`} type="file" accept=".p12,.pfx,application/x-pkcs12" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid={`${prefix}-keyfile`} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-key-password`}>{t('cert.password')}</label>
        <input
          id={`${prefix}-key-password`}
          type="password"
          autoComplete="off"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid={`${prefix}-key-password`}
        />
      </div>
      <button type="submit" className="button" data-testid={`${prefix}-key-load`}>
        {t('bid.keyLoad')}
      </button>
      {problem && (
        <p className="form-error" role="alert" data-testid={`${prefix}-key-error`}>
          {problem}
        </p>
      )}
    </form>
  );
}

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { CertificateView, IssuedCertificateResponse, UserView } from '../../../contracts/index.js';
import { pemBlocks } from '../../../crypto/certificates.js';
import { createCsr } from '../../../crypto/csr.js';
import { generateRsaKeyPairPem } from '../../../crypto/keys.js';
import { createPkcs12 } from '../../../crypto/pkcs12.js';
import * as api from '../api.js';
import { ErrorLine, useAction } from './async.js';
import { useI18n } from '../LocaleContext.js';

const MIN_PASSWORD = 8;

interface CertificatesPageProps {
  user: UserView;
  onBack(): void;
}

/**
 * 数字证书: the key pair is made here by WebCrypto, the CSR signed here, and the private key only
 * ever leaves this page inside the password-encrypted PKCS#12 file the holder saves.
 */
export function CertificatesPage({ user, onBack }: CertificatesPageProps) {
  const { t, locale } = useI18n();
  const { busy, error, run } = useAction();
  const [issued, setIssued] = useState<IssuedCertificateResponse | null>(null);
  const [mine, setMine] = useState<CertificateView[] | null>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [saveProblem, setSaveProblem] = useState<string | null>(null);
  const [savedFile, setSavedFile] = useState<string | null>(null);
  // In memory only, never stored or sent.
  const privateKey = useRef<string | null>(null);

  const organisation = user.organisation;
  const commonName = user.displayName;

  useEffect(() => {
    const controller = new AbortController();
    api
      .myCertificates(controller.signal)
      .then(setMine)
      .catch(() => setMine([]));
    return () => controller.abort();
  }, [issued]);

  async function requestCertificate() {
    setSavedFile(null);
    await run(async () => {
      const keys = await generateRsaKeyPairPem();
      const csr = createCsr(keys.privateKeyPem, {
        commonName,
        ...(organisation ? { organisation: organisation.name, uscc: organisation.uscc } : {}),
      });
      const answer = await api.requestCertificate(csr);
      privateKey.current = keys.privateKeyPem;
      setIssued(answer);
    });
  }

  function savePkcs12(event: FormEvent) {
    event.preventDefault();
    setSaveProblem(null);
    if (!issued || !privateKey.current) return;
    if (password.length < MIN_PASSWORD) return setSaveProblem(t('cert.passwordTooShort'));
    if (password !== confirm) return setSaveProblem(t('cert.passwordMismatch'));
    const p12 = createPkcs12(privateKey.current, pemBlocks(issued.chainPem), password, { friendlyName: commonName });
    const file = `tenderhall-${issued.certificate.serial}.p12`;
    const url = URL.createObjectURL(new Blob([p12 as BlobPart], { type: 'application/x-pkcs12' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    document.body.append(link);
    link.click();
    link.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setSavedFile(file);
  }

  const date = (iso: string) => new Date(iso).toLocaleString(locale);

  return (
    <div className="certificates-page" data-testid="certificates-page">
      <section className="welcome" aria-labelledby="cert-title">
        <div className="welcome__text">
          <h1 id="cert-title" className="welcome__title">
            {t('cert.title')}
          </h1>
          <p>{t('cert.intro')}</p>
          <button type="button" className="button" onClick={onBack} data-testid="cert-back">
            {t('cert.back')}
          </button>
        </div>
      </section>

      <section aria-labelledby="cert-subject-title">
        <div className="section-heading">
          <h2 id="cert-subject-title">{t('cert.subjectTitle')}</h2>
        </div>
        <dl className="profile">
          <div className="profile__item">
            <dt>{t('cert.commonName')}</dt>
            <dd data-testid="cert-cn">{commonName}</dd>
          </div>
          {organisation && (
            <>
              <div className="profile__item">
                <dt>{t('cert.organisation')}</dt>
                <dd>{organisation.name}</dd>
              </div>
              <div className="profile__item">
                <dt>{t('cert.uscc')}</dt>
                <dd data-testid="cert-subject-uscc">{organisation.uscc}</dd>
              </div>
            </>
          )}
        </dl>
        <button type="button" className="button button--primary" onClick={requestCertificate} disabled={busy} data-testid="cert-request">
          {busy ? t('cert.requesting') : t('cert.request')}
        </button>
        <ErrorLine error={error} testId="cert-error" />
      </section>

      {issued && (
        <section aria-labelledby="cert-issued-title" data-testid="cert-issued">
          <div className="section-heading">
            <h2 id="cert-issued-title">{t('cert.issuedTitle')}</h2>
          </div>
          <dl className="profile">
            <div className="profile__item">
              <dt>{t('cert.serial')}</dt>
              <dd data-testid="cert-serial">{issued.certificate.serial}</dd>
            </div>
            <div className="profile__item">
              <dt>{t('cert.validUntil')}</dt>
              <dd>{date(issued.certificate.notAfter)}</dd>
            </div>
            <div className="profile__item">
              <dt>{t('cert.fingerprint')}</dt>
              <dd data-testid="cert-fingerprint">{issued.certificate.fingerprint}</dd>
            </div>
          </dl>
          <pre className="certificate-pem" data-testid="cert-pem">
            {issued.certificate.pem}
          </pre>

          <form onSubmit={savePkcs12} noValidate>
            <h3>{t('cert.saveTitle')}</h3>
            <p>{t('cert.saveIntro')}</p>
            <div className="field">
              <label htmlFor="p12-password">{t('cert.password')}</label>
              <input
                id="p12-password"
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="p12-password"
              />
            </div>
            <div className="field">
              <label htmlFor="p12-confirm">{t('cert.passwordConfirm')}</label>
              <input
                id="p12-confirm"
                type="password"
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                data-testid="p12-confirm"
              />
            </div>
            {saveProblem && (
              <p className="form-error" role="alert" data-testid="p12-error">
                {saveProblem}
              </p>
            )}
            <button type="submit" className="button button--primary" data-testid="p12-save">
              {t('cert.save')}
            </button>
            {savedFile && (
              <p role="status" data-testid="p12-saved">
                {t('cert.saved', { file: savedFile })}
              </p>
            )}
          </form>
        </section>
      )}

      <section aria-labelledby="cert-mine-title">
        <div className="section-heading">
          <h2 id="cert-mine-title">{t('cert.mineTitle')}</h2>
        </div>
        {mine !== null && mine.length === 0 && <p>{t('cert.none')}</p>}
        {mine !== null && mine.length > 0 && (
          <ul className="certificate-list" data-testid="cert-list">
            {mine.map((c) => (
              <li key={c.serial} data-testid="cert-list-item" data-serial={c.serial} data-status={c.status}>
                <code>{c.serial}</code> · {c.subject} · {t('cert.validUntil')} {date(c.notAfter)} · {t(`cert.status.${c.status}`)}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

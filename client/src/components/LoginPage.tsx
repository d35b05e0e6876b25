import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { LoginResponse, Role } from '../../../contracts/index.js';
import * as api from '../api.js';
import { errorMessage } from '../errors.js';
import { useI18n } from '../LocaleContext.js';
import { Icon } from './Icon.js';

export type LoginNotice = 'sessionExpired' | 'loggedOut';

/** The seeded demo accounts (usernames are data, not UI text); all share DEMO_PASSWORD. */
const DEMO_PASSWORD = 'demo1234';
const range = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
const DEMO_ACCOUNTS: readonly { role: Role; usernames: readonly string[] }[] = [
  { role: 'admin', usernames: ['admin'] },
  { role: 'center_staff', usernames: ['staff'] },
  { role: 'agent', usernames: ['agent'] },
  { role: 'bidder', usernames: range('bidder', 5) },
  { role: 'expert', usernames: range('expert', 9) },
  { role: 'official', usernames: range('official', 3) },
  { role: 'supervisor', usernames: ['supervisor'] },
];

interface LoginPageProps {
  notice: LoginNotice | null;
  onLoggedIn: (answer: LoginResponse) => void;
}

export function LoginPage({ notice, onLoggedIn }: LoginPageProps) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const usernameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  const inFlight = useRef<AbortController | null>(null);
  const errorId = useId();
  const titleId = useId();

  useEffect(() => {
    usernameRef.current?.focus();
    return () => inFlight.current?.abort();
  }, []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (submitting) return;
    const controller = new AbortController();
    inFlight.current = controller;
    setSubmitting(true);
    setError(null);
    try {
      const answer = await api.login({ username, password }, controller.signal);
      onLoggedIn(answer);
    } catch (caught) {
      if (controller.signal.aborted) return;
      setError(caught);
      if (api.isApiError(caught) && caught.code === 'AUTH_INVALID_CREDENTIALS') {
        setPassword('');
        passwordRef.current?.focus();
      }
    } finally {
      if (!controller.signal.aborted) setSubmitting(false);
    }
  }

  function fillDemo(account: string) {
    setUsername(account);
    setPassword(DEMO_PASSWORD);
    setError(null);
    submitRef.current?.focus();
  }

  const hasError = error !== null;
  const errorCode = api.isApiError(error) ? error.code : undefined;

  return (
    <div className="login-page" data-testid="login-page">
      <div className="login-intro">
        <p className="login-intro__title">{t('login.introTitle')}</p>
        <p className="login-intro__body">{t('login.introBody')}</p>
        <ul className="login-intro__points">
          <li>
            <Icon name="lock" />
            <span>{t('login.introPoint1')}</span>
          </li>
          <li>
            <Icon name="eye" />
            <span>{t('login.introPoint2')}</span>
          </li>
          <li>
            <Icon name="chain" />
            <span>{t('login.introPoint3')}</span>
          </li>
        </ul>
      </div>

      <section className="login-panel" aria-labelledby={titleId}>
        <h1 id={titleId} className="login-panel__title">
          {t('login.title')}
        </h1>
        <p className="login-panel__subtitle">{t('login.subtitle')}</p>

        {notice && (
          <p className="notice notice--info" role="status" data-testid="login-notice">
            <Icon name="info" />
            <span>{notice === 'sessionExpired' ? t('login.sessionExpired') : t('login.loggedOut')}</span>
          </p>
        )}

        <form className="login-form" onSubmit={submit} noValidate aria-busy={submitting}>
          <div className="field">
            <label htmlFor="username">{t('login.username')}</label>
            <input
              ref={usernameRef}
              id="username"
              name="username"
              type="text"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              placeholder={t('login.usernamePlaceholder')}
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              aria-invalid={hasError || undefined}
              aria-describedby={hasError ? errorId : undefined}
              maxLength={64}
            />
          </div>
          <div className="field">
            <label htmlFor="password">{t('login.password')}</label>
            <input
              ref={passwordRef}
              id="password"
              name="password"
              type="password"
              autoComplete="current-password"
              placeholder={t('login.passwordPlaceholder')}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={hasError || undefined}
              aria-describedby={hasError ? errorId : undefined}
              maxLength={256}
            />
          </div>

          <div
            id={errorId}
            className="form-error"
            data-testid="login-error"
            data-error-code={errorCode}
            role="alert"
          >
            {hasError && (
              <>
                <Icon name="alert" />
                <span>{errorMessage(t, error)}</span>
              </>
            )}
          </div>

          <button
            ref={submitRef}
            type="submit"
            className="button button--primary button--block"
            data-testid="login-submit"
            disabled={submitting}
          >
            {submitting ? t('login.submitting') : t('login.submit')}
          </button>
        </form>

        <div className="demo-accounts" data-testid="demo-accounts">
          <h2 className="demo-accounts__title">{t('login.demoTitle')}</h2>
          <p className="demo-accounts__hint">{t('login.demoHint', { password: DEMO_PASSWORD })}</p>
          <dl className="demo-accounts__list">
            {DEMO_ACCOUNTS.map(({ role, usernames }) => (
              <div className="demo-accounts__row" key={role}>
                <dt>{t(`role.${role}`)}</dt>
                <dd>
                  {usernames.map((account) => (
                    <button
                      key={account}
                      type="button"
                      className="account-chip"
                      data-testid={`demo-account-${account}`}
                      title={t('login.demoFill', { username: account })}
                      onClick={() => fillDemo(account)}
                    >
                      {account}
                    </button>
                  ))}
                </dd>
              </div>
            ))}
          </dl>
        </div>
      </section>
    </div>
  );
}

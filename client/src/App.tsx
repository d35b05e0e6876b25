import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { LoginResponse, RegionView, UserView } from '../../contracts/index.js';
import * as api from './api.js';
import { errorMessage } from './errors.js';
import { useI18n } from './LocaleContext.js';
import { Footer, type HealthState } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HomePage } from './components/HomePage.js';
import { Icon } from './components/Icon.js';
import { LoginPage, type LoginNotice } from './components/LoginPage.js';
import { useNotifications } from './notifications.js';
import { isPublicView, useView } from './route.js';

/** node-forge (X.509, CSR, PKCS#12) is large: loaded only when the certificates page opens. */
const CertificatesPage = lazy(() => import('./components/CertificatesPage.js').then((m) => ({ default: m.CertificatesPage })));
/** The trades pages use contracts' labels and tables (and, for bidders, the crypto library): loaded on demand. */
const TradeListPage = lazy(() => import('./trades/TradeListPage.js').then((m) => ({ default: m.TradeListPage })));
const TradeDetailPage = lazy(() => import('./trades/TradeDetailPage.js').then((m) => ({ default: m.TradeDetailPage })));
const TradeCreatePage = lazy(() => import('./trades/TradeCreatePage.js').then((m) => ({ default: m.TradeCreatePage })));
/** The live opening hall (socket.io; key files and crypto only for officials and bidders). */
const OpeningHallPage = lazy(() => import('./opening/OpeningHallPage.js').then((m) => ({ default: m.OpeningHallPage })));
/** The expert draw (staff) and the expert's invitations. */
const DrawPage = lazy(() => import('./experts/DrawPage.js').then((m) => ({ default: m.DrawPage })));
const InvitationsPage = lazy(() => import('./experts/InvitationsPage.js').then((m) => ({ default: m.InvitationsPage })));
/** The live evaluation room (socket.io; the key file and crypto only when a member signs). */
const EvaluationRoomPage = lazy(() => import('./evaluation/EvaluationRoomPage.js').then((m) => ({ default: m.EvaluationRoomPage })));
/** Issue 7: the portal's publicity and decisions, the complaints inbox, the live recheck room. */
const PublicityPage = lazy(() => import('./award/PublicityPage.js').then((m) => ({ default: m.PublicityPage })));
const DecisionsPage = lazy(() => import('./complaints/DecisionsPage.js').then((m) => ({ default: m.DecisionsPage })));
const ComplaintsPage = lazy(() => import('./complaints/ComplaintsPage.js').then((m) => ({ default: m.ComplaintsPage })));
const RecheckRoomPage = lazy(() => import('./recheck/RecheckRoomPage.js').then((m) => ({ default: m.RecheckRoomPage })));
/** Issue 8: 信用公示 (public), an organisation's score, 信用管理 (supervisors), 我的信用 (bidders). */
const CreditListPage = lazy(() => import('./credit/CreditListPage.js').then((m) => ({ default: m.CreditListPage })));
const CreditOrganisationPage = lazy(() => import('./credit/CreditListPage.js').then((m) => ({ default: m.CreditOrganisationPage })));
const CreditManagePage = lazy(() => import('./credit/CreditManagePage.js').then((m) => ({ default: m.CreditManagePage })));
const MyCreditPage = lazy(() => import('./credit/MyCreditPage.js').then((m) => ({ default: m.MyCreditPage })));
const NotificationsPage = lazy(() => import('./trades/NotificationsPage.js').then((m) => ({ default: m.NotificationsPage })));

/** What is shown follows from the session state and the view in the location hash (route.ts). */
type Phase =
  | { kind: 'starting' }
  | { kind: 'unreachable'; error: unknown }
  | { kind: 'anonymous'; notice: LoginNotice | null }
  | { kind: 'signedIn'; user: UserView; expiresAt: string };

const HEALTH_POLL_MS = 60_000;
/** setTimeout's ceiling (~24.8 days); longer waits are cut short and simply re-checked. */
const MAX_TIMER_MS = 2_147_483_647;
/** Never re-check the session more often than this, whatever the clocks say. */
const MIN_SESSION_RECHECK_MS = 30_000;

export function App() {
  const { t } = useI18n();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const [startAttempt, setStartAttempt] = useState(0);
  const [loggingOut, setLoggingOut] = useState(false);
  const [banner, setBanner] = useState<unknown>(null);
  const [regions, setRegions] = useState<ReadonlyMap<string, RegionView>>(() => new Map());
  const [health, setHealth] = useState<HealthState>(undefined);
  const [sessionCheck, setSessionCheck] = useState(0);
  /** The view (route.ts): public portal pages are shown to anyone, the others after signing in. */
  const [view, setView] = useView();

  const signedIn = phase.kind === 'signedIn';
  const notifications = useNotifications(signedIn);

  // Restore the session from the cookie at startup (and on "retry").
  useEffect(() => {
    const controller = new AbortController();
    api
      .me(controller.signal)
      .then((answer) => setPhase({ kind: 'signedIn', user: answer.user, expiresAt: answer.expiresAt }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setPhase(api.isAuthLost(error) ? { kind: 'anonymous', notice: null } : { kind: 'unreachable', error });
      });
    return () => controller.abort();
  }, [startAttempt]);

  // Service status in the footer.
  useEffect(() => {
    let controller = new AbortController();
    const check = () => {
      controller.abort();
      controller = new AbortController();
      const { signal } = controller;
      api
        .health(signal)
        .then((answer) => setHealth(answer))
        .catch(() => {
          if (!signal.aborted) setHealth(null);
        });
    };
    check();
    const timer = window.setInterval(check, HEALTH_POLL_MS);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [startAttempt]);

  // Region names (for the English name of the user's region). Public, so loaded once.
  const regionsLoaded = useRef(false);
  useEffect(() => {
    if (!signedIn || regionsLoaded.current) return;
    const controller = new AbortController();
    api
      .regions(controller.signal)
      .then((list) => {
        regionsLoaded.current = true;
        setRegions(new Map(list.map((region) => [region.code, region])));
      })
      .catch(() => {
        // Keep showing `regionName` from the user; tried again at the next sign-in.
      });
    return () => controller.abort();
  }, [signedIn]);

  // When the session should have expired, ask the server; back to the login page if it has.
  const expiresAt = phase.kind === 'signedIn' ? phase.expiresAt : null;
  useEffect(() => {
    if (expiresAt === null) return;
    const expiry = Date.parse(expiresAt);
    if (Number.isNaN(expiry)) return;
    const delay = Math.min(Math.max(expiry - Date.now() + 1_000, MIN_SESSION_RECHECK_MS), MAX_TIMER_MS);
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api
        .me(controller.signal)
        .then((answer) => {
          setPhase({ kind: 'signedIn', user: answer.user, expiresAt: answer.expiresAt });
          setSessionCheck((n) => n + 1);
        })
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          if (api.isAuthLost(error)) setPhase({ kind: 'anonymous', notice: 'sessionExpired' });
          else setSessionCheck((n) => n + 1);
        });
    }, delay);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [expiresAt, sessionCheck]);

  const onLoggedIn = useCallback((answer: LoginResponse) => {
    setBanner(null);
    // Stay on a portal page the user signed in from; otherwise start at home.
    if (!isPublicView(view)) setView({ name: 'home' });
    setPhase({ kind: 'signedIn', user: answer.user, expiresAt: answer.expiresAt });
    window.scrollTo(0, 0);
  }, [view, setView]);

  const onLogout = useCallback(async () => {
    const loggedOut = () => setPhase({ kind: 'anonymous', notice: 'loggedOut' });
    setLoggingOut(true);
    setBanner(null);
    try {
      await api.logout();
      loggedOut();
    } catch (error) {
      if (api.isAuthLost(error)) {
        loggedOut(); // the session had already ended
      } else if (api.isApiError(error) && error.code === 'CSRF_FAILED') {
        // Our token is stale (e.g. the session was renewed in another tab): refresh it once.
        try {
          await api.me();
          await api.logout();
          loggedOut();
        } catch (retryError) {
          if (api.isAuthLost(retryError)) loggedOut();
          else setBanner(retryError);
        }
      } else {
        setBanner(error);
      }
    } finally {
      setLoggingOut(false);
    }
  }, []);

  const signedInUser = phase.kind === 'signedIn' ? phase.user : null;

  const retryStart = () => {
    setPhase({ kind: 'starting' });
    setStartAttempt((n) => n + 1);
  };

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Header
        user={phase.kind === 'signedIn' ? phase.user : null}
        loggingOut={loggingOut}
        onLogout={onLogout}
        view={view}
        unread={notifications.unread}
      />

      {banner !== null && (
        <div className="banner banner--error" role="alert" data-testid="app-error">
          <div className="banner__inner">
            <Icon name="alert" />
            <span>{t('header.logoutFailed', { message: errorMessage(t, banner) })}</span>
            <button type="button" className="banner__close" onClick={() => setBanner(null)}>
              {t('app.dismiss')}
            </button>
          </div>
        </div>
      )}

      <main id="main" className="site-main" tabIndex={-1}>
        {phase.kind === 'starting' && (
          <div className="loading" role="status" data-testid="app-loading">
            <span className="spinner" aria-hidden="true" />
            {t('app.loading')}
          </div>
        )}
        {phase.kind === 'unreachable' && (
          <div className="startup-error" role="alert" data-testid="startup-error">
            <Icon name="alert" className="startup-error__icon" />
            <p>{errorMessage(t, phase.error)}</p>
            <button type="button" className="button button--primary" onClick={retryStart}>
              {t('app.retry')}
            </button>
          </div>
        )}
        {phase.kind === 'anonymous' && !isPublicView(view) && <LoginPage notice={phase.notice} onLoggedIn={onLoggedIn} />}
        {(phase.kind === 'anonymous' || phase.kind === 'signedIn') && (
          <Suspense
            fallback={
              <div className="loading" role="status">
                <span className="spinner" aria-hidden="true" />
                {t('app.loading')}
              </div>
            }
          >
            {view.name === 'trades' && <TradeListPage user={signedInUser} />}
            {view.name === 'trade' && <TradeDetailPage key={view.id} id={view.id} user={signedInUser} />}
            {view.name === 'publicity' && <PublicityPage />}
            {view.name === 'decisions' && <DecisionsPage />}
            {view.name === 'credit' && <CreditListPage user={signedInUser} />}
            {view.name === 'creditOrganisation' && <CreditOrganisationPage key={view.uscc} uscc={view.uscc} />}
            {phase.kind === 'signedIn' && view.name === 'creditManage' && <CreditManagePage user={phase.user} />}
            {phase.kind === 'signedIn' && view.name === 'creditMine' && <MyCreditPage user={phase.user} />}
            {phase.kind === 'signedIn' && view.name === 'complaints' && <ComplaintsPage user={phase.user} />}
            {phase.kind === 'signedIn' && view.name === 'recheck' && <RecheckRoomPage key={view.id} id={view.id} user={phase.user} />}
            {phase.kind === 'signedIn' && view.name === 'home' && (
              <HomePage user={phase.user} regions={regions} onOpenCertificates={() => setView({ name: 'certificates' })} />
            )}
            {phase.kind === 'signedIn' && view.name === 'certificates' && (
              <CertificatesPage user={phase.user} onBack={() => setView({ name: 'home' })} />
            )}
            {phase.kind === 'signedIn' && view.name === 'tradeNew' && <TradeCreatePage user={phase.user} onNavigate={setView} />}
            {phase.kind === 'signedIn' && view.name === 'opening' && <OpeningHallPage key={view.id} id={view.id} user={phase.user} />}
            {phase.kind === 'signedIn' && view.name === 'notifications' && <NotificationsPage notifications={notifications} />}
            {phase.kind === 'signedIn' && view.name === 'draw' && <DrawPage key={view.id} id={view.id} user={phase.user} />}
            {phase.kind === 'signedIn' && view.name === 'invitations' && <InvitationsPage />}
            {phase.kind === 'signedIn' && view.name === 'evaluation' && <EvaluationRoomPage key={view.id} id={view.id} user={phase.user} />}
          </Suspense>
        )}
      </main>

      <Footer health={health} />
    </div>
  );
}

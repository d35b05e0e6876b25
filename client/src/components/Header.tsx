import type { UserView } from '../../../contracts/index.js';
import { useI18n } from '../LocaleContext.js';
import { otherLocale } from '../i18n.js';
import { viewHref, type View } from '../route.js';
import { Icon, Logo } from './Icon.js';

interface HeaderProps {
  user: UserView | null;
  loggingOut: boolean;
  onLogout: () => void;
  /** The current view (highlights its link); absent in isolation. */
  view?: View;
  /** Unread notifications (the badge on 消息). */
  unread?: number;
}

export function Header({ user, loggingOut, onLogout, view, unread = 0 }: HeaderProps) {
  const { t, locale, toggleLocale } = useI18n();

  return (
    <header className="site-header">
      <div className="site-header__inner">
        <div className="brand">
          <Logo className="brand__logo" />
          <span className="brand__text">
            <span className="brand__name" data-testid="brand">
              {t('app.brand')}
            </span>
            <span className="brand__platform" data-testid="platform-name">
              {t('app.platformName')}
            </span>
          </span>
        </div>

        <nav className="site-nav" aria-label={t('nav.label')}>
          {user && (
            <a className="site-nav__link" href={viewHref({ name: 'home' })} aria-current={view?.name === 'home' ? 'page' : undefined} data-testid="nav-home">
              {t('nav.home')}
            </a>
          )}
          <a
            className="site-nav__link"
            href={viewHref({ name: 'trades' })}
            aria-current={view?.name === 'trades' || view?.name === 'trade' ? 'page' : undefined}
            data-testid="nav-trades"
          >
            {t('nav.trades')}
          </a>
          <a className="site-nav__link" href={viewHref({ name: 'publicity' })} aria-current={view?.name === 'publicity' ? 'page' : undefined} data-testid="nav-publicity">
            {t('nav.publicity')}
          </a>
          <a className="site-nav__link" href={viewHref({ name: 'decisions' })} aria-current={view?.name === 'decisions' ? 'page' : undefined} data-testid="nav-decisions">
            {t('nav.decisions')}
          </a>
          <a
            className="site-nav__link"
            href={viewHref({ name: 'credit' })}
            aria-current={view?.name === 'credit' || view?.name === 'creditOrganisation' ? 'page' : undefined}
            data-testid="nav-credit"
          >
            {t('nav.credit')}
          </a>
          {user && user.role !== 'expert' && user.role !== 'official' && (
            <a className="site-nav__link" href={viewHref({ name: 'complaints' })} aria-current={view?.name === 'complaints' ? 'page' : undefined} data-testid="nav-complaints">
              {user.role === 'supervisor' ? t('nav.complaintsInbox') : t('nav.complaints')}
            </a>
          )}
          {user && (
            <a
              className="site-nav__link"
              href={viewHref({ name: 'notifications' })}
              aria-current={view?.name === 'notifications' ? 'page' : undefined}
              data-testid="nav-notifications"
            >
              {t('nav.notifications')}
              {unread > 0 && (
                <span className="count-badge" data-testid="notifications-badge" aria-label={t('nav.unread', { n: unread })}>
                  {unread}
                </span>
              )}
            </a>
          )}
          {user?.role === 'expert' && (
            <a
              className="site-nav__link"
              href={viewHref({ name: 'invitations' })}
              aria-current={view?.name === 'invitations' ? 'page' : undefined}
              data-testid="nav-invitations"
            >
              {t('nav.invitations')}
            </a>
          )}
          {!user && view && view.name !== 'home' && (
            <a className="site-nav__link" href={viewHref({ name: 'home' })} data-testid="nav-login">
              {t('nav.login')}
            </a>
          )}
        </nav>

        <div className="site-header__actions">
          {user && (
            <div className="user-chip">
              <Icon name="user" className="user-chip__icon" />
              <span className="visually-hidden">{t('header.signedInAs')}</span>
              <span className="user-chip__name" data-testid="user-display-name">
                {user.displayName}
              </span>
              <span className="user-chip__role" data-testid="user-role">
                {t(`role.${user.role}`)}
              </span>
            </div>
          )}

          <button
            type="button"
            className="header-button"
            data-testid="lang-switch"
            lang={otherLocale(locale)}
            title={t('lang.switchTitle')}
            onClick={toggleLocale}
          >
            <Icon name="globe" />
            <span>{t('lang.switch')}</span>
          </button>

          {user && (
            <button
              type="button"
              className="header-button header-button--logout"
              data-testid="logout"
              onClick={onLogout}
              disabled={loggingOut}
              aria-busy={loggingOut}
            >
              <Icon name="logout" />
              <span>{loggingOut ? t('header.loggingOut') : t('header.logout')}</span>
            </button>
          )}
        </div>
      </div>
    </header>
  );
}

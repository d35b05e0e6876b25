import type { UserView } from '../../../contracts/index.js';
import { useI18n } from '../LocaleContext.js';
import { otherLocale } from '../i18n.js';
import { Icon, Logo } from './Icon.js';

interface HeaderProps {
  user: UserView | null;
  loggingOut: boolean;
  onLogout: () => void;
}

export function Header({ user, loggingOut, onLogout }: HeaderProps) {
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

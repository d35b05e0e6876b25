import type { RegionView, UserView } from '../../../contracts/index.js';
import { useI18n } from '../LocaleContext.js';
import { TASKS_BY_ROLE } from '../tasks.js';
import { Icon } from './Icon.js';

interface HomePageProps {
  user: UserView;
  /** Regions by code, from `GET /api/regions`; empty until loaded (or if that call failed). */
  regions: ReadonlyMap<string, RegionView>;
  onOpenCertificates(): void;
}

export function HomePage({ user, regions, onOpenCertificates }: HomePageProps) {
  const { t, locale } = useI18n();
  const region = regions.get(user.regionCode);
  const regionName = locale === 'en' ? (region?.nameEn ?? user.regionName) : user.regionName;
  const tasks = TASKS_BY_ROLE[user.role] ?? [];

  return (
    <div className="home-page" data-testid="home-page" data-role={user.role}>
      <section className="welcome" aria-labelledby="home-title">
        <div className="welcome__text">
          <h1 id="home-title" className="welcome__title" data-testid="home-title">
            {t('home.welcome', { name: user.displayName })}
          </h1>
          <dl className="profile">
            <div className="profile__item">
              <dt>{t('home.role')}</dt>
              <dd>
                <span className={`role-badge role-badge--${user.role}`} data-testid="role-name">
                  {t(`role.${user.role}`)}
                </span>
              </dd>
            </div>
            <div className="profile__item">
              <dt>{t('home.region')}</dt>
              <dd data-testid="region-name">{regionName}</dd>
            </div>
            {user.organisation && (
              <div className="profile__item">
                <dt>{t('home.organisation')}</dt>
                <dd>
                  <span data-testid="organisation-name">{user.organisation.name}</span>
                  <span className="profile__uscc" title={t('home.uscc')}>
                    <span className="visually-hidden">{t('home.uscc')}: </span>
                    {user.organisation.uscc}
                  </span>
                </dd>
              </div>
            )}
          </dl>
          <div className="button-row">
            <button type="button" className="button button--primary" onClick={onOpenCertificates} data-testid="open-certificates">
              {t('home.certificatesLink')}
            </button>
            <a className="button" href="#/trades" data-testid="open-trades">
              {t('nav.trades')}
            </a>
            <a className="button" href="#/publicity" data-testid="open-publicity">
              {t('nav.publicity')}
            </a>
            <a className="button" href="#/credit" data-testid="open-credit">
              {t('nav.credit')}
            </a>
            {user.role !== 'expert' && user.role !== 'official' && (
              <a className="button" href="#/complaints" data-testid="open-complaints">
                {user.role === 'supervisor' ? t('nav.complaintsInbox') : t('nav.complaints')}
              </a>
            )}
          </div>
        </div>
      </section>

      <section className="tasks" aria-labelledby="tasks-title">
        <div className="section-heading">
          <h2 id="tasks-title">{t('home.tasksTitle')}</h2>
          <p>{t('home.tasksIntro')}</p>
        </div>
        <ul className="task-grid" data-testid="task-grid">
          {tasks.map((task) => (
            <li key={task.id} className="task-card" data-testid="task-card" data-task={task.id} aria-disabled={task.href ? undefined : 'true'}>
              <div className="task-card__head">
                <span className="task-card__icon">
                  <Icon name={task.icon} />
                </span>
                {!task.href && <span className="badge badge--soon">{t('home.comingSoon')}</span>}
              </div>
              <h3 className="task-card__title">
                {task.href ? (
                  <a href={task.href} data-testid="task-link">
                    {t(task.title)}
                  </a>
                ) : (
                  t(task.title)
                )}
              </h3>
              <p className="task-card__desc">{t(task.description)}</p>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

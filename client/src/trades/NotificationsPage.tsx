import { useState } from 'react';
import { ErrorLine } from '../components/async.js';
import { shanghaiTime } from '../format.js';
import { useI18n } from '../LocaleContext.js';
import type { NotificationsState } from '../notifications.js';
import { viewHref } from '../route.js';

export function NotificationsPage({ notifications }: { notifications: NotificationsState }) {
  const { t, locale } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const { list } = notifications;

  return (
    <div className="notifications-page" data-testid="notifications-page">
      <section className="welcome">
        <div className="welcome__text">
          <h1 className="welcome__title">{t('notifications.title')}</h1>
          <div className="button-row">
            <button type="button" className="button" onClick={notifications.refresh} data-testid="notifications-refresh">
              {t('notifications.refresh')}
            </button>
            <a className="button" href={viewHref({ name: 'home' })}>
              {t('nav.home')}
            </a>
          </div>
        </div>
      </section>
      <ErrorLine error={error} />
      {list.length === 0 ? (
        <p data-testid="notifications-empty">{t('notifications.none')}</p>
      ) : (
        <ul className="notification-list" data-testid="notifications">
          {list.map((n) => (
            <li key={n.id} data-testid="notification" data-kind={n.kind} data-read={String(n.readAt !== null)} className={n.readAt ? 'notification' : 'notification notification--unread'}>
              <h3>{n.title}</h3>
              <p>{n.body}</p>
              <p className="muted">
                {shanghaiTime(n.createdAt, locale)}
                {n.tradeId !== null && (
                  <>
                    {' · '}
                    <a href={viewHref({ name: 'trade', id: n.tradeId })}>{t('notifications.openTrade')}</a>
                  </>
                )}
                {n.readAt === null && (
                  <>
                    {' · '}
                    <button
                      type="button"
                      className="button button--small"
                      onClick={() => notifications.markRead(n.id).catch(setError)}
                      data-testid="notification-read"
                    >
                      {t('notifications.markRead')}
                    </button>
                  </>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

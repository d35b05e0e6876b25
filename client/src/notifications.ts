/**
 * The signed-in user's notifications (站内消息): loaded over HTTP, then kept live over socket.io
 * (namespace /notifications; the browser's session cookie authenticates the connection).
 */
import { useCallback, useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import { NOTIFICATION_EVENT, NOTIFICATIONS_NAMESPACE } from '../../contracts/sockets.js';
import type { NotificationView } from '../../contracts/trades.js';
import * as tradesApi from './tradesApi.js';

export interface NotificationsState {
  list: NotificationView[];
  unread: number;
  refresh(): void;
  markRead(id: number): Promise<void>;
}

export function useNotifications(enabled: boolean): NotificationsState {
  const [list, setList] = useState<NotificationView[]>([]);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!enabled) {
      setList([]);
      return;
    }
    const controller = new AbortController();
    tradesApi.notifications(controller.signal).then(setList, () => {
      // keep what we have; the badge is a convenience
    });
    return () => controller.abort();
  }, [enabled, tick]);

  useEffect(() => {
    if (!enabled) return;
    const socket = io(NOTIFICATIONS_NAMESPACE, { withCredentials: true, transports: ['websocket', 'polling'] });
    socket.on(NOTIFICATION_EVENT, (n: NotificationView) => {
      setList((current) => (current.some((c) => c.id === n.id) ? current : [n, ...current]));
    });
    return () => {
      socket.disconnect();
    };
  }, [enabled]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  const markRead = useCallback(async (id: number) => {
    const updated = await tradesApi.markNotificationRead(id);
    setList((current) => current.map((c) => (c.id === id ? { ...c, readAt: updated?.readAt ?? new Date().toISOString() } : c)));
  }, []);

  return { list, unread: list.filter((n) => n.readAt === null).length, refresh, markRead };
}

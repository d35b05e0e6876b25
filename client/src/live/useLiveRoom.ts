/**
 * The skeleton every live room shares: a view fetched over HTTP and kept current by a socket.io
 * namespace. The socket joins the room on its first connect and on every reconnect; what the room
 * hears makes the view be fetched again, coalesced (asked again while a fetch is in flight, it runs
 * once more after it, so the newest wins) — what is shown is always the server's view, never a
 * client-side reconstruction. While the socket is down, the room is polled.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';

/** While the socket is down, poll this often. */
export const POLL_MS = 5_000;

export type Connection = 'connecting' | 'live' | 'offline';

/** The server's answer to a join: `{ok: false, code}` when it refused; more fields by namespace. */
export interface JoinAnswer {
  ok?: boolean;
  code?: string;
  [field: string]: unknown;
}

export interface LiveRoomConfig<V> {
  namespace: string;
  /** The join event and what it sends (asked anew at every connect). */
  join: string;
  joinPayload(): unknown;
  /**
   * When the view is fetched after a connect: `'ack'` once the server accepted the join (its answer
   * goes to `onJoined` first), `'connect'` at once, whatever the join's answer.
   */
  refetchOn: 'ack' | 'connect';
  onJoined?(answer: JoinAnswer): void;
  /** The room's subject (e.g. the trade id): when it changes, the socket reconnects and the view is fetched. */
  subject: number;
  /** False: nothing is fetched and no socket opened. */
  enabled?: boolean;
  fetch(): Promise<V>;
  /** Which of the shown view and a newer answer to keep (default: the answer). */
  keep?(current: V | null, answer: V): V;
  /** Every view fetched (not the accepted ones). */
  onFetched?(answer: V): void;
  /** The room's events: each handler gets the payload and the coalesced refetch. */
  listen: Record<string, (payload: never, refetch: () => void) => void>;
  /** While offline, every POLL_MS (default: refetch). */
  pollOffline?(refetch: () => void, signal: AbortSignal): void;
}

export interface LiveRoom<V> {
  view: V | null;
  connection: Connection;
  /** The last failed fetch of the view (cleared by the next successful one). */
  error: unknown;
  /** The server refused to let this socket join the room (its problem code). */
  joinError: string | null;
  refresh(): void;
  /** Adopt a view a request answered with (it is the server's newest state). */
  accept(view: V): void;
}

export function useLiveRoom<V>(config: LiveRoomConfig<V>): LiveRoom<V> {
  const { namespace, subject, enabled = true } = config;
  const latest = useRef(config);
  latest.current = config;
  const [view, setView] = useState<V | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [error, setError] = useState<unknown>(null);
  const [joinError, setJoinError] = useState<string | null>(null);
  const loading = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);

  const adopt = useCallback((answer: V) => {
    const keep = latest.current.keep;
    setView((current) => (keep ? keep(current, answer) : answer));
    setError(null);
  }, []);

  /** GET the view; if asked again while one is in flight, once more after it (newest wins). */
  const load = useCallback(() => {
    if (!enabled) return;
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    again.current = false;
    latest.current
      .fetch()
      .then(
        (answer) => {
          if (!alive.current) return;
          adopt(answer);
          latest.current.onFetched?.(answer);
        },
        (caught: unknown) => {
          if (alive.current) setError(caught);
        },
      )
      .finally(() => {
        loading.current = false;
        if (again.current && alive.current) load();
      });
    // `subject`: a new subject is a new view to fetch (config.fetch is read from the latest render)
  }, [subject, enabled, adopt]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(load, [load]);

  useEffect(() => {
    if (!enabled) return;
    const socket = io(namespace, { withCredentials: true, transports: ['websocket', 'polling'] });
    socket.on('connect', () => {
      setConnection('live');
      const { join, joinPayload, refetchOn } = latest.current;
      socket.emit(join, joinPayload(), (answer: JoinAnswer | undefined) => {
        if (!alive.current) return;
        if (answer && answer.ok === false) {
          setJoinError(answer.code ?? 'JOIN_FAILED');
          return;
        }
        setJoinError(null);
        if (answer) latest.current.onJoined?.(answer);
        if (refetchOn === 'ack') load(); // the newest view (the ack's may already be older than a reply in flight)
      });
      if (refetchOn === 'connect') load(); // anything that changed while we were away
    });
    socket.on('disconnect', () => setConnection('offline'));
    socket.on('connect_error', () => setConnection('offline'));
    for (const event of Object.keys(latest.current.listen)) {
      socket.on(event, (payload: unknown) => latest.current.listen[event]?.(payload as never, load));
    }
    return () => {
      socket.disconnect();
    };
  }, [namespace, enabled, load]);

  useEffect(() => {
    if (!enabled || connection !== 'offline') return;
    const controller = new AbortController();
    const timer = window.setInterval(() => {
      const poll = latest.current.pollOffline;
      if (poll) poll(load, controller.signal);
      else load();
    }, POLL_MS);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [enabled, connection, load]);

  return { view, connection, error, joinError, refresh: load, accept: adopt };
}

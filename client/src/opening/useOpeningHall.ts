/**
 * The live state of one trade's opening hall: the OpeningView over HTTP, kept current by the
 * socket.io namespace /opening. Every event carries a sequence number; the highest one seen is
 * kept, and a (re)connecting socket joins with it, so the server replays only what was missed.
 * After any event the view is fetched again (coalesced), so what is shown is always the server's
 * view, never a client-side reconstruction. While the socket is down, the events are polled.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import type { OpeningEvent, OpeningView } from '../../../contracts/opening.js';
import * as openingApi from './openingApi.js';

/** Same values as contracts' OPENING_NAMESPACE / OPENING_JOIN / OPENING_EVENT / OPENING_TICK (a value import would pull zod in). */
const NAMESPACE = '/opening';
const JOIN = 'join';
const EVENT = 'event';
const TICK = 'tick';

/** While the socket is down, ask for missed events this often. */
const POLL_MS = 5_000;

export type Connection = 'connecting' | 'live' | 'offline';

export interface OpeningHall {
  view: OpeningView | null;
  /** Every event seen, in sequence order (no duplicates). */
  events: OpeningEvent[];
  lastSeq: number;
  connection: Connection;
  /** The server's clock as last told (tick, or the view's serverTime). */
  serverTime: string | null;
  openingAt: string | null;
  /** The last failed load of the view (cleared by the next successful one). */
  error: unknown;
  /** The server refused to let this socket join the trade's room (its problem code). */
  joinError: string | null;
  refresh(): void;
  /** Adopt a view a POST answered with (it is the server's newest state). */
  accept(view: OpeningView): void;
}

export function useOpeningHall(tradeId: number, enabled: boolean): OpeningHall {
  const [view, setView] = useState<OpeningView | null>(null);
  const [events, setEvents] = useState<OpeningEvent[]>([]);
  const [lastSeq, setLastSeq] = useState(0);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [clock, setClock] = useState<{ serverTime: string; openingAt: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [joinError, setJoinError] = useState<string | null>(null);

  const seqRef = useRef(0);
  const seenRef = useRef(new Set<number>());
  const loading = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);

  /** GET the view; if asked again while one is in flight, once more after it (newest wins). */
  const load = useCallback(() => {
    if (!enabled) return;
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    again.current = false;
    openingApi
      .getOpening(tradeId)
      .then(
        (answer) => {
          if (!alive.current) return;
          setView((current) => newer(current, answer));
          setError(null);
          setClock((c) => (c && Date.parse(c.serverTime) > Date.parse(answer.serverTime) ? c : { serverTime: answer.serverTime, openingAt: answer.openingAt }));
        },
        (caught: unknown) => {
          if (alive.current) setError(caught);
        },
      )
      .finally(() => {
        loading.current = false;
        if (again.current && alive.current) load();
      });
  }, [tradeId, enabled]);

  /** Takes events from the socket or the poll; anything new moves lastSeq and reloads the view. */
  const take = useCallback(
    (incoming: OpeningEvent[]) => {
      const fresh = incoming.filter((e) => typeof e?.seq === 'number' && !seenRef.current.has(e.seq));
      if (fresh.length === 0) return;
      for (const e of fresh) {
        seenRef.current.add(e.seq);
        if (e.seq > seqRef.current) seqRef.current = e.seq;
      }
      setLastSeq(seqRef.current);
      setEvents((current) => [...current, ...fresh].sort((a, b) => a.seq - b.seq));
      load();
    },
    [load],
  );

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(load, [load]);

  // The live socket: join with the highest sequence seen, on the first connect and every reconnect.
  useEffect(() => {
    if (!enabled) return;
    const socket = io(NAMESPACE, { withCredentials: true, transports: ['websocket', 'polling'] });
    socket.on('connect', () => {
      setConnection('live');
      socket.emit(JOIN, { tradeId, after: seqRef.current }, (answer: { ok?: boolean; code?: string } | undefined) => {
        if (answer && answer.ok === false) setJoinError(answer.code ?? 'JOIN_FAILED');
        else setJoinError(null);
      });
      load(); // anything that changed while we were away
    });
    socket.on('disconnect', () => setConnection('offline'));
    socket.on('connect_error', () => setConnection('offline'));
    socket.on(EVENT, (event: OpeningEvent) => take([event]));
    socket.on(TICK, (tick: { serverTime?: unknown; openingAt?: unknown; tradeId?: unknown }) => {
      if (typeof tick?.serverTime !== 'string') return;
      if (typeof tick.tradeId === 'number' && tick.tradeId !== tradeId) return;
      setClock({ serverTime: tick.serverTime, openingAt: typeof tick.openingAt === 'string' ? tick.openingAt : null });
    });
    return () => {
      socket.disconnect();
    };
  }, [tradeId, enabled, load, take]);

  // Fallback while the socket is down: poll for the events after the last one seen.
  useEffect(() => {
    if (!enabled || connection !== 'offline') return;
    const controller = new AbortController();
    const timer = window.setInterval(() => {
      openingApi.openingEvents(tradeId, seqRef.current, controller.signal).then(take, () => {
        // still offline; try again at the next interval
      });
    }, POLL_MS);
    return () => {
      window.clearInterval(timer);
      controller.abort();
    };
  }, [tradeId, enabled, connection, take]);

  const accept = useCallback((answer: OpeningView) => {
    setView((current) => newer(current, answer));
    setError(null);
  }, []);

  return {
    view,
    events,
    lastSeq,
    connection,
    serverTime: clock?.serverTime ?? view?.serverTime ?? null,
    openingAt: clock?.openingAt ?? view?.openingAt ?? null,
    error,
    joinError,
    refresh: load,
    accept,
  };
}

/** The view with the higher sequence number (a late answer never overwrites a newer one). */
function newer(current: OpeningView | null, answer: OpeningView): OpeningView {
  return current && current.lastSeq > answer.lastSeq ? current : answer;
}

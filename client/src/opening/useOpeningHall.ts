/**
 * The live state of one trade's opening hall: the OpeningView over HTTP, kept current by the
 * socket.io namespace /opening (live/useLiveRoom.ts). Every event carries a sequence number; the
 * highest one seen is kept, and a (re)connecting socket joins with it, so the server replays only
 * what was missed. After any event the view is fetched again (coalesced), so what is shown is always
 * the server's view. While the socket is down, the events are polled.
 */
import { useCallback, useRef, useState } from 'react';
import type { OpeningEvent, OpeningView } from '../../../contracts/opening.js';
import { OPENING_EVENT, OPENING_JOIN, OPENING_NAMESPACE, OPENING_TICK } from '../../../contracts/sockets.js';
import { useLiveRoom, type LiveRoom } from '../live/useLiveRoom.js';
import * as openingApi from './openingApi.js';

export interface OpeningHall extends LiveRoom<OpeningView> {
  /** Every event seen, in sequence order (no duplicates). */
  events: OpeningEvent[];
  lastSeq: number;
  /** The server's clock as last told (tick, or the view's serverTime). */
  serverTime: string | null;
  openingAt: string | null;
}

export function useOpeningHall(tradeId: number, enabled: boolean): OpeningHall {
  const [events, setEvents] = useState<OpeningEvent[]>([]);
  const [lastSeq, setLastSeq] = useState(0);
  const [clock, setClock] = useState<{ serverTime: string; openingAt: string | null } | null>(null);
  const seqRef = useRef(0);
  const seenRef = useRef(new Set<number>());

  /** Takes events from the socket or the poll; anything new moves lastSeq and fetches the view. */
  const take = useCallback((incoming: OpeningEvent[], refetch: () => void) => {
    const fresh = incoming.filter((e) => typeof e?.seq === 'number' && !seenRef.current.has(e.seq));
    if (fresh.length === 0) return;
    for (const e of fresh) {
      seenRef.current.add(e.seq);
      if (e.seq > seqRef.current) seqRef.current = e.seq;
    }
    setLastSeq(seqRef.current);
    setEvents((current) => [...current, ...fresh].sort((a, b) => a.seq - b.seq));
    refetch();
  }, []);

  const hall = useLiveRoom<OpeningView>({
    namespace: OPENING_NAMESPACE,
    join: OPENING_JOIN,
    // join with the highest sequence seen, on the first connect and every reconnect
    joinPayload: () => ({ tradeId, after: seqRef.current }),
    refetchOn: 'connect',
    subject: tradeId,
    enabled,
    fetch: () => openingApi.getOpening(tradeId),
    keep: newer,
    onFetched: (answer) => setClock((c) => (c && Date.parse(c.serverTime) > Date.parse(answer.serverTime) ? c : { serverTime: answer.serverTime, openingAt: answer.openingAt })),
    listen: {
      [OPENING_EVENT]: (event: OpeningEvent, refetch) => take([event], refetch),
      [OPENING_TICK]: (tick: { serverTime?: unknown; openingAt?: unknown; tradeId?: unknown }) => {
        if (typeof tick?.serverTime !== 'string') return;
        if (typeof tick.tradeId === 'number' && tick.tradeId !== tradeId) return;
        setClock({ serverTime: tick.serverTime, openingAt: typeof tick.openingAt === 'string' ? tick.openingAt : null });
      },
    },
    // the events after the last one seen; if still offline, again at the next interval
    pollOffline: (refetch, signal) => {
      openingApi.openingEvents(tradeId, seqRef.current, signal).then(
        (incoming) => take(incoming, refetch),
        () => undefined,
      );
    },
  });

  return {
    ...hall,
    events,
    lastSeq,
    serverTime: clock?.serverTime ?? hall.view?.serverTime ?? null,
    openingAt: clock?.openingAt ?? hall.view?.openingAt ?? null,
  };
}

/** The view with the higher sequence number (a late answer never overwrites a newer one). */
function newer(current: OpeningView | null, answer: OpeningView): OpeningView {
  return current && current.lastSeq > answer.lastSeq ? current : answer;
}

/**
 * The live room of one recheck, on the evaluation namespace (the recheck reuses the evaluation
 * room: join with {recheckId}, room `recheck:<id>`). As in useEvaluationRoom, `presence` says who is
 * in the room and `progress` (a RecheckProgress) that something changed — then the RecheckView is
 * fetched again (coalesced), so what is shown is always the server's view.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import type { RecheckProgress, RecheckView } from '../../../contracts/recheck.js';
import * as recheckApi from './recheckApi.js';

/** Same values as contracts' EVALUATION_NAMESPACE / _JOIN / _PRESENCE / _PROGRESS (a value import would pull zod in). */
const NAMESPACE = '/evaluation';
const JOIN = 'join';
const PRESENCE = 'presence';
const PROGRESS = 'progress';
const POLL_MS = 5_000;

export type Connection = 'connecting' | 'live' | 'offline';

export interface RecheckRoom {
  view: RecheckView | null;
  progress: RecheckProgress | null;
  present: number[];
  connection: Connection;
  error: unknown;
  joinError: string | null;
  refresh(): void;
  accept(view: RecheckView): void;
}

export function useRecheckRoom(recheckId: number): RecheckRoom {
  const [view, setView] = useState<RecheckView | null>(null);
  const [progress, setProgress] = useState<RecheckProgress | null>(null);
  const [present, setPresent] = useState<number[]>([]);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [error, setError] = useState<unknown>(null);
  const [joinError, setJoinError] = useState<string | null>(null);
  const loading = useRef(false);
  const again = useRef(false);
  const alive = useRef(true);

  const load = useCallback(() => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    again.current = false;
    recheckApi
      .getRecheck(recheckId)
      .then(
        (answer) => {
          if (!alive.current) return;
          setView(answer);
          setError(null);
        },
        (caught: unknown) => {
          if (alive.current) setError(caught);
        },
      )
      .finally(() => {
        loading.current = false;
        if (again.current && alive.current) load();
      });
  }, [recheckId]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  useEffect(load, [load]);

  useEffect(() => {
    const socket = io(NAMESPACE, { withCredentials: true, transports: ['websocket', 'polling'] });
    socket.on('connect', () => {
      setConnection('live');
      socket.emit(JOIN, { recheckId }, (answer: { ok?: boolean; code?: string; progress?: RecheckProgress } | undefined) => {
        if (!alive.current) return;
        if (answer && answer.ok === false) {
          setJoinError(answer.code ?? 'JOIN_FAILED');
          return;
        }
        setJoinError(null);
        if (answer?.progress) setProgress(answer.progress);
        load();
      });
    });
    socket.on('disconnect', () => setConnection('offline'));
    socket.on('connect_error', () => setConnection('offline'));
    socket.on(PRESENCE, (p: { recheckId?: number; present?: unknown }) => {
      if (p?.recheckId !== recheckId) return;
      if (Array.isArray(p.present)) setPresent(p.present.filter((x): x is number => typeof x === 'number'));
    });
    socket.on(PROGRESS, (p: RecheckProgress) => {
      if (p?.recheckId !== recheckId) return;
      setProgress(p);
      load();
    });
    return () => {
      socket.disconnect();
    };
  }, [recheckId, load]);

  useEffect(() => {
    if (connection !== 'offline') return;
    const timer = window.setInterval(load, POLL_MS);
    return () => window.clearInterval(timer);
  }, [connection, load]);

  const accept = useCallback((answer: RecheckView) => {
    setView(answer);
    setError(null);
  }, []);

  return { view, progress, present, connection, error, joinError, refresh: load, accept };
}

/**
 * The live evaluation room of one trade: the EvaluationView over HTTP, kept current by the socket.io
 * namespace /evaluation. Joining answers with the caller's own view (their draft votes and scores,
 * which the server keeps, so a reconnect restores them); `presence` says who is in the room and
 * `progress` that something changed — then the view is fetched again (coalesced), so what is shown
 * is always the server's view. Scores never travel in `progress` before the result.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { io } from 'socket.io-client';
import type { EvaluationProgress, EvaluationView } from '../../../contracts/evaluation.js';
import * as evaluationApi from './evaluationApi.js';

/** Same values as contracts' EVALUATION_NAMESPACE / _JOIN / _PRESENCE / _PROGRESS (a value import would pull zod in). */
const NAMESPACE = '/evaluation';
const JOIN = 'join';
const PRESENCE = 'presence';
const PROGRESS = 'progress';

/** While the socket is down, fetch the view this often. */
const POLL_MS = 5_000;

export type Connection = 'connecting' | 'live' | 'offline';

export interface EvaluationRoom {
  view: EvaluationView | null;
  progress: EvaluationProgress | null;
  /** User ids in the room now. */
  present: number[];
  connection: Connection;
  error: unknown;
  joinError: string | null;
  refresh(): void;
  /** Adopt a view a request answered with. */
  accept(view: EvaluationView): void;
}

export function useEvaluationRoom(tradeId: number): EvaluationRoom {
  const [view, setView] = useState<EvaluationView | null>(null);
  const [progress, setProgress] = useState<EvaluationProgress | null>(null);
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
    evaluationApi
      .getEvaluation(tradeId)
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
  }, [tradeId]);

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
      socket.emit(JOIN, { tradeId }, (answer: { ok?: boolean; code?: string; view?: EvaluationView; progress?: EvaluationProgress } | undefined) => {
        if (!alive.current) return;
        if (answer && answer.ok === false) {
          setJoinError(answer.code ?? 'JOIN_FAILED');
          return;
        }
        setJoinError(null);
        if (answer?.progress) setProgress(answer.progress);
        load(); // the newest view (the ack's may already be older than a reply in flight)
      });
    });
    socket.on('disconnect', () => setConnection('offline'));
    socket.on('connect_error', () => setConnection('offline'));
    socket.on(PRESENCE, (p: { tradeId?: number; present?: unknown }) => {
      if (typeof p?.tradeId === 'number' && p.tradeId !== tradeId) return;
      if (Array.isArray(p?.present)) setPresent(p.present.filter((x): x is number => typeof x === 'number'));
    });
    socket.on(PROGRESS, (p: EvaluationProgress) => {
      if (p?.tradeId !== tradeId) return;
      setProgress(p);
      load();
    });
    return () => {
      socket.disconnect();
    };
  }, [tradeId, load]);

  useEffect(() => {
    if (connection !== 'offline') return;
    const timer = window.setInterval(load, POLL_MS);
    return () => window.clearInterval(timer);
  }, [connection, load]);

  const accept = useCallback((answer: EvaluationView) => {
    setView(answer);
    setError(null);
  }, []);

  return { view, progress, present, connection, error, joinError, refresh: load, accept };
}

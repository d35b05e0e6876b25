import type { Namespace, Socket } from 'socket.io';
import { EVALUATION_JOIN, EVALUATION_PRESENCE, EVALUATION_PROGRESS } from '../../../contracts/evaluation.js';
import type { Actor } from '../../kernel/actor.js';
import type { EvaluationService } from './service.js';

/**
 * A kind of room the evaluation namespace serves. The evaluation of a trade is one (join with
 * {tradeId}, room `evaluation:<id>`); a recheck of it is another (join with {recheckId}, room
 * `recheck:<id>`), so the recheck reuses the room rather than a copy of it.
 */
export interface RoomSource {
  /** The key of the join payload naming the room's subject, e.g. `tradeId` or `recheckId`. */
  key: string;
  /** Room name prefix: `<prefix>:<id>`. */
  prefix: string;
  /** The joiner's view (throws NOT_PARTICIPANT and the like for outsiders). */
  view(actor: Actor, id: number): Promise<unknown>;
  /** What everyone in the room hears after a change (never a private draft). */
  progress(id: number): Promise<unknown>;
  /** Registers the callback the source calls after every change of subject `id`. */
  listen(changed: (id: number) => void): void;
}

export function evaluationRoom(evaluation: EvaluationService): RoomSource {
  return {
    key: 'tradeId',
    prefix: 'evaluation',
    view: (actor, id) => evaluation.view(actor, id),
    progress: (id) => evaluation.progress(id),
    listen: (changed) => {
      evaluation.onChange = changed;
    },
  };
}

/**
 * The live evaluation room: one room per trade, committee members (and, read-only, the trade's staff
 * and supervisors). On join a member gets their own view back — their draft votes and scores, which
 * the server keeps — so a reconnect restores the draft. The room hears who is present and each
 * member's progress; no score leaves an expert's own view before the result is computed.
 * `more` adds other rooms on the same namespace (the recheck's), with the same join, presence and
 * progress.
 */
export function evaluationSocket(namespace: Namespace, evaluation: EvaluationService, more: RoomSource[] = []): void {
  const sources = [evaluationRoom(evaluation), ...more];
  const present = new Map<string, Map<string, number>>(); // room → socket id → user id
  const presence = (source: RoomSource, id: number) => {
    const room = `${source.prefix}:${id}`;
    const users = [...new Set(present.get(room)?.values() ?? [])].sort((a, b) => a - b);
    namespace.to(room).emit(EVALUATION_PRESENCE, { [source.key]: id, present: users });
  };
  for (const source of sources) {
    source.listen((id) => {
      void source
        .progress(id)
        .then((progress) => namespace.to(`${source.prefix}:${id}`).emit(EVALUATION_PROGRESS, progress))
        .catch(() => undefined);
    });
  }
  namespace.on('connection', (socket: Socket) => {
    const actor = socket.data.actor as Actor;
    const joined = new Map<string, { source: RoomSource; id: number }>();
    socket.on(EVALUATION_JOIN, async (join: Record<string, unknown> | undefined, ack?: (answer: unknown) => void) => {
      try {
        const source = sources.find((s) => join && join[s.key] !== undefined);
        const id = Number(source ? join![source.key] : NaN);
        if (!source || !Number.isInteger(id) || id <= 0) throw Object.assign(new Error('bad room'), { code: 'VALIDATION_FAILED' });
        const view = await source.view(actor, id);
        const room = `${source.prefix}:${id}`;
        await socket.join(room);
        joined.set(room, { source, id });
        if (!present.has(room)) present.set(room, new Map());
        present.get(room)!.set(socket.id, actor.userId);
        presence(source, id);
        ack?.({ ok: true, view, progress: await source.progress(id) });
      } catch (error) {
        ack?.({ ok: false, code: (error as { code?: string }).code ?? 'INTERNAL' });
      }
    });
    socket.on('disconnect', () => {
      for (const [room, { source, id }] of joined) {
        present.get(room)?.delete(socket.id);
        presence(source, id);
      }
    });
  });
}

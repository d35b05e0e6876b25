import type { Namespace, Socket } from 'socket.io';
import { EVALUATION_JOIN, EVALUATION_PRESENCE, EVALUATION_PROGRESS } from '../../../contracts/evaluation.js';
import type { Actor } from '../../kernel/actor.js';
import type { EvaluationService } from './service.js';

/**
 * The live evaluation room: one room per trade, committee members (and, read-only, the trade's staff
 * and supervisors). On join a member gets their own view back — their draft votes and scores, which
 * the server keeps — so a reconnect restores the draft. The room hears who is present and each
 * member's progress; no score leaves an expert's own view before the result is computed.
 */
export function evaluationSocket(namespace: Namespace, evaluation: EvaluationService): void {
  const present = new Map<number, Map<string, number>>(); // trade → socket id → user id
  const presence = (tradeId: number) => {
    const users = [...new Set(present.get(tradeId)?.values() ?? [])].sort((a, b) => a - b);
    namespace.to(`evaluation:${tradeId}`).emit(EVALUATION_PRESENCE, { tradeId, present: users });
  };
  evaluation.onChange = (tradeId) => {
    void evaluation.progress(tradeId).then((progress) => namespace.to(`evaluation:${tradeId}`).emit(EVALUATION_PROGRESS, progress));
  };
  namespace.on('connection', (socket: Socket) => {
    const actor = socket.data.actor as Actor;
    const joined = new Set<number>();
    socket.on(EVALUATION_JOIN, async (join: { tradeId?: unknown }, ack?: (answer: unknown) => void) => {
      try {
        const tradeId = Number(join?.tradeId);
        if (!Number.isInteger(tradeId) || tradeId <= 0) throw Object.assign(new Error('bad trade'), { code: 'VALIDATION_FAILED' });
        const view = await evaluation.view(actor, tradeId);
        await socket.join(`evaluation:${tradeId}`);
        joined.add(tradeId);
        if (!present.has(tradeId)) present.set(tradeId, new Map());
        present.get(tradeId)!.set(socket.id, actor.userId);
        presence(tradeId);
        ack?.({ ok: true, view, progress: await evaluation.progress(tradeId) });
      } catch (error) {
        ack?.({ ok: false, code: (error as { code?: string }).code ?? 'INTERNAL' });
      }
    });
    socket.on('disconnect', () => {
      for (const tradeId of joined) {
        present.get(tradeId)?.delete(socket.id);
        presence(tradeId);
      }
    });
  });
}

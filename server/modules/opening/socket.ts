import type { Namespace } from 'socket.io';
import { OPENING_EVENT, OPENING_JOIN, OPENING_TICK, type OpeningJoin } from '../../../contracts/opening.js';
import type { Actor } from '../../kernel/actor.js';
import type { Clock } from '../../kernel/clock.js';
import type { OpeningService } from './service.js';

/**
 * The live hall: a client joins a trade's room with the last sequence number it saw and gets the
 * events since then, then every new one; a tick with the server time drives the countdown.
 * Joining the room comes before reading the snapshot, so nothing falls between (a client drops
 * sequence numbers it already has).
 */
export function openingSocket(namespace: Namespace, opening: OpeningService, clock: Clock): void {
  opening.attach(namespace);
  namespace.on('connection', (socket) => {
    const actor = socket.data.actor as Actor;
    let ticking: NodeJS.Timeout | null = null;
    socket.on(OPENING_JOIN, async (join: OpeningJoin, ack?: (answer: { ok: boolean; code?: string }) => void) => {
      try {
        const tradeId = Number(join?.tradeId);
        if (!Number.isInteger(tradeId) || tradeId <= 0) throw new Error('VALIDATION_FAILED');
        const view = await opening.view(actor, tradeId);
        await socket.join(`opening:${tradeId}`);
        for (const event of await opening.events(tradeId, Math.max(0, Number(join.after ?? 0) || 0))) socket.emit(OPENING_EVENT, event);
        if (ticking) clearInterval(ticking);
        const tick = () => socket.emit(OPENING_TICK, { serverTime: clock.now().toISOString(), openingAt: view.openingAt });
        tick(); // at once, then every second: the countdown never waits for the first one
        ticking = setInterval(tick, 1000);
        ack?.({ ok: true });
      } catch (error) {
        ack?.({ ok: false, code: (error as { code?: string }).code ?? (error as Error).message });
      }
    });
    socket.on('disconnect', () => {
      if (ticking) clearInterval(ticking);
    });
  });
}

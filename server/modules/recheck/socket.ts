import type { RoomSource } from '../evaluation/socket.js';
import type { RecheckService } from './service.js';

/**
 * The recheck's live room on the evaluation namespace: join with {recheckId} into `recheck:<id>`;
 * the same presence and progress events as the evaluation room (progress: a RecheckProgress).
 */
export function recheckRoom(recheck: RecheckService): RoomSource {
  return {
    key: 'recheckId',
    prefix: 'recheck',
    view: (actor, id) => recheck.view(actor, id),
    progress: (id) => recheck.progress(id),
    listen: (changed) => {
      recheck.onChange = changed;
    },
  };
}

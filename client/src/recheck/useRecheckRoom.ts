/**
 * The live room of one recheck, on the evaluation namespace (the recheck reuses the evaluation
 * room: join with {recheckId}, room `recheck:<id>`; live/useCommitteeRoom.ts). `progress` is a
 * RecheckProgress; what is shown is always the server's RecheckView.
 */
import type { RecheckProgress, RecheckView } from '../../../contracts/recheck.js';
import { RECHECK_ROOM_KEY } from '../../../contracts/sockets.js';
import { useCommitteeRoom, type CommitteeRoom } from '../live/useCommitteeRoom.js';
import * as recheckApi from './recheckApi.js';

export type RecheckRoom = CommitteeRoom<RecheckView, RecheckProgress>;

export function useRecheckRoom(recheckId: number): RecheckRoom {
  return useCommitteeRoom<RecheckView, RecheckProgress>(RECHECK_ROOM_KEY, recheckId, () => recheckApi.getRecheck(recheckId));
}

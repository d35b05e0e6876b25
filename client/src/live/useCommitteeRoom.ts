/**
 * A room on the evaluation namespace: the evaluation of a trade (join with {tradeId}) or a recheck of
 * it (join with {recheckId}) — the recheck reuses the evaluation room. Joining answers with the
 * caller's own view and the room's progress; `presence` says who is in the room and `progress` that
 * something changed — then the view is fetched again (coalesced). Scores never travel in `progress`
 * before the result.
 */
import { useState } from 'react';
import { EVALUATION_JOIN, EVALUATION_NAMESPACE, EVALUATION_PRESENCE, EVALUATION_PROGRESS, type EVALUATION_ROOM_KEY, type RECHECK_ROOM_KEY } from '../../../contracts/sockets.js';
import { useLiveRoom, type LiveRoom } from './useLiveRoom.js';


export interface CommitteeRoom<V, P> extends LiveRoom<V> {
  progress: P | null;
  /** User ids in the room now. */
  present: number[];
}

type RoomKey = typeof EVALUATION_ROOM_KEY | typeof RECHECK_ROOM_KEY;

/** `key` names the room's subject in the join payload and in every presence and progress message. */
export function useCommitteeRoom<V, P extends Partial<Record<RoomKey, number>>>(key: RoomKey, id: number, fetch: () => Promise<V>): CommitteeRoom<V, P> {
  const [progress, setProgress] = useState<P | null>(null);
  const [present, setPresent] = useState<number[]>([]);
  const room = useLiveRoom<V>({
    namespace: EVALUATION_NAMESPACE,
    join: EVALUATION_JOIN,
    joinPayload: () => ({ [key]: id }),
    refetchOn: 'ack',
    onJoined: (answer) => {
      if (answer.progress) setProgress(answer.progress as P);
    },
    subject: id,
    fetch,
    listen: {
      [EVALUATION_PRESENCE]: (p: { [k in RoomKey]?: number } & { present?: unknown }) => {
        if (p?.[key] !== id) return;
        if (Array.isArray(p.present)) setPresent(p.present.filter((x): x is number => typeof x === 'number'));
      },
      [EVALUATION_PROGRESS]: (p: P, refetch) => {
        if (p?.[key] !== id) return;
        setProgress(p);
        refetch();
      },
    },
  });
  return { ...room, progress, present };
}

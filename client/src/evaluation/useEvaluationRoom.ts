/**
 * The live evaluation room of one trade: the EvaluationView over HTTP, kept current by the socket.io
 * namespace /evaluation (live/useCommitteeRoom.ts). Joining answers with the caller's own view (their
 * draft votes and scores, which the server keeps, so a reconnect restores them).
 */
import type { EvaluationProgress, EvaluationView } from '../../../contracts/evaluation.js';
import { EVALUATION_ROOM_KEY } from '../../../contracts/sockets.js';
import { useCommitteeRoom, type CommitteeRoom } from '../live/useCommitteeRoom.js';
import * as evaluationApi from './evaluationApi.js';

export type EvaluationRoom = CommitteeRoom<EvaluationView, EvaluationProgress>;

export function useEvaluationRoom(tradeId: number): EvaluationRoom {
  return useCommitteeRoom<EvaluationView, EvaluationProgress>(EVALUATION_ROOM_KEY, tradeId, () => evaluationApi.getEvaluation(tradeId));
}

/**
 * socket.io namespaces and event names, shared by the server and the browser. No zod here (nor any
 * other import): the client imports these values directly, and a value import of a contracts module
 * that defines schemas would pull zod into the bundle. The modules' contracts re-export them.
 */

/** The live opening hall: a client emits `join` {tradeId, after} and receives `event`s (snapshot since `after`, then live) and `tick`s. */
export const OPENING_NAMESPACE = '/opening';
export const OPENING_JOIN = 'join';
export const OPENING_EVENT = 'event';
export const OPENING_TICK = 'tick';

/**
 * The live evaluation room: emit `join` {tradeId} (ack: {ok, view, progress}); receive `presence` and
 * `progress`. The recheck reuses it: join with {recheckId}; `progress` then carries a RecheckProgress.
 */
export const EVALUATION_NAMESPACE = '/evaluation';
export const EVALUATION_JOIN = 'join';
export const EVALUATION_PRESENCE = 'presence';
export const EVALUATION_PROGRESS = 'progress';
/** The keys of a join payload on the evaluation namespace naming the room's subject. */
export const EVALUATION_ROOM_KEY = 'tradeId';
export const RECHECK_ROOM_KEY = 'recheckId';

/** A user's notifications (rooms per user and per organisation). */
export const NOTIFICATIONS_NAMESPACE = '/notifications';
export const NOTIFICATION_EVENT = 'notification';

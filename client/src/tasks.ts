import type { Role } from '../../contracts/index.js';
import type { MessageKey } from './i18n.js';
import type { IconName } from './components/Icon.js';

/** One card on the role-aware home page; `href` when the module behind it is built (else "coming soon"). */
export interface TaskCard {
  id: string;
  icon: IconName;
  title: MessageKey;
  description: MessageKey;
  href?: string;
}

type IdsOf<Suffix extends string> = MessageKey extends infer K
  ? K extends `task.${infer Id}.${Suffix}`
    ? Id
    : never
  : never;
/** Task ids that have both a title and a description in the message table. */
export type TaskId = IdsOf<'title'> & IdsOf<'desc'>;

function card(id: TaskId, icon: IconName, href?: string): TaskCard {
  // Safe: TaskId only holds ids whose title and desc keys both exist.
  return { id, icon, title: `task.${id}.title` as MessageKey, description: `task.${id}.desc` as MessageKey, ...(href ? { href } : {}) };
}

export const TASKS_BY_ROLE: Record<Role, readonly TaskCard[]> = {
  admin: [card('admin.users', 'users'), card('admin.certificates', 'certificate'), card('admin.audit', 'log')],
  center_staff: [
    card('staff.notices', 'megaphone'),
    card('staff.openingHall', 'hall'),
    card('staff.expertDraw', 'shuffle'),
    card('staff.results', 'trophy'),
  ],
  agent: [card('agent.trades', 'folder'), card('agent.documents', 'document')],
  bidder: [card('bidder.findTrades', 'search'), card('bidder.sealedBids', 'lock'), card('bidder.watchOpening', 'eye'), card('bidder.credit', 'shield', '#/credit/mine')],
  expert: [card('expert.evaluationRoom', 'clipboard')],
  official: [card('official.unlockKey', 'key')],
  supervisor: [card('supervisor.auditChain', 'chain'), card('supervisor.credit', 'shield', '#/credit/manage')],
};

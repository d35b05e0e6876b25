import type { Transaction } from 'sequelize';
import type { Namespace } from 'socket.io';
import { NOTIFICATION_EVENT, type NotificationView } from '../../../contracts/trades.js';
import type { Actor } from '../../kernel/actor.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { TradeModels } from './models.js';

/**
 * In-platform notifications (站内消息), written in the transaction of the change they announce and
 * pushed after commit over socket.io (namespace /notifications, room `user:<id>`) to whoever is online.
 */
export class Notifier {
  private namespace: Namespace | null = null;

  constructor(
    private readonly models: Pick<TradeModels, 'Notification'>,
    private readonly clock: Clock,
  ) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
  }

  async queue(t: Transaction, tradeId: number | null, userIds: number[], kind: NotificationView['kind'], title: string, body: string): Promise<void> {
    const createdAt = this.clock.now();
    const rows = await this.models.Notification.bulkCreate(
      userIds.map((userId) => ({ userId, tradeId, kind, title, body, createdAt, readAt: null })),
      { transaction: t },
    );
    t.afterCommit(() => {
      for (const row of rows) this.namespace?.to(`user:${row.userId}`).emit(NOTIFICATION_EVENT, view(row));
    });
  }

  /** Kept for callers that want to wait for delivery; pushing happens on commit. */
  async flush(_tradeId: number): Promise<void> {}

  async list(actor: Actor): Promise<NotificationView[]> {
    const rows = await this.models.Notification.findAll({ where: { userId: actor.userId }, order: [['id', 'DESC']], limit: 200 });
    return rows.map(view);
  }

  async markRead(actor: Actor, id: number): Promise<NotificationView> {
    const row = await this.models.Notification.findOne({ where: { id, userId: actor.userId } });
    if (!row) throw new AppError('NOT_FOUND', `no notification ${id}`);
    if (!row.readAt) await row.update({ readAt: this.clock.now() });
    return view(row);
  }
}

function view(row: InstanceType<TradeModels['Notification']>): NotificationView {
  return {
    id: row.id,
    tradeId: row.tradeId,
    kind: row.kind as NotificationView['kind'],
    title: row.title,
    body: row.body,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}

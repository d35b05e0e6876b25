import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { Db } from '../../db/index.js';

export function defineAuditModels(db: Db) {
  class AuditEvent extends Model<InferAttributes<AuditEvent>, InferCreationAttributes<AuditEvent>> {
    declare seq: number;
    declare at: Date;
    declare actor: string | null;
    declare action: string;
    declare subject: string | null;
    declare payload: string;
    declare prevHash: string;
    declare hash: string;
  }
  AuditEvent.init(
    {
      seq: { type: DataTypes.INTEGER, primaryKey: true },
      at: { type: DataTypes.DATE(3), allowNull: false },
      actor: { type: DataTypes.STRING(100), allowNull: true },
      action: { type: DataTypes.STRING(64), allowNull: false },
      subject: { type: DataTypes.STRING(200), allowNull: true },
      payload: { type: DataTypes.TEXT, allowNull: false },
      prevHash: { type: DataTypes.STRING(64), allowNull: false },
      hash: { type: DataTypes.STRING(64), allowNull: false },
    },
    { sequelize: db, tableName: 'audit_events', modelName: 'AuditEvent' },
  );

  class AuditHead extends Model<InferAttributes<AuditHead>, InferCreationAttributes<AuditHead>> {
    declare id: CreationOptional<number>;
    declare seq: number;
    declare hash: string;
  }
  AuditHead.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      hash: { type: DataTypes.STRING(64), allowNull: false },
    },
    { sequelize: db, tableName: 'audit_head', modelName: 'AuditHead' },
  );
  class AuditCheckpoint extends Model<InferAttributes<AuditCheckpoint>, InferCreationAttributes<AuditCheckpoint>> {
    declare seq: number;
    declare at: Date;
    declare headHash: string;
    declare signature: string;
  }
  AuditCheckpoint.init(
    {
      seq: { type: DataTypes.INTEGER, primaryKey: true },
      at: { type: DataTypes.DATE(3), allowNull: false },
      headHash: { type: DataTypes.STRING(64), allowNull: false },
      signature: { type: DataTypes.TEXT, allowNull: false },
    },
    { sequelize: db, tableName: 'audit_checkpoints', modelName: 'AuditCheckpoint' },
  );
  return { AuditEvent, AuditHead, AuditCheckpoint };
}
export type AuditModels = ReturnType<typeof defineAuditModels>;

import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { BidOutcome, OpeningEventType, OpeningState, RefusalReason } from '../../../contracts/opening.js';
import type { Db } from '../../db/index.js';

/** The opening module's tables (migration 0014). */
export function defineOpeningModels(db: Db) {
  class OpeningSession extends Model<InferAttributes<OpeningSession>, InferCreationAttributes<OpeningSession>> {
    declare tradeId: number;
    declare state: OpeningState;
    declare mode: 'bidder' | 'officials';
    declare startedAt: Date;
    declare startedBy: number;
    declare unlockUntil: Date | null;
    declare record: string | null;
    declare publishedAt: Date | null;
    declare confirmUntil: Date | null;
    declare closedAt: Date | null;
    declare lastSeq: CreationOptional<number>;
  }
  OpeningSession.init(
    {
      tradeId: { type: DataTypes.INTEGER, primaryKey: true },
      state: { type: DataTypes.STRING(16), allowNull: false },
      mode: { type: DataTypes.STRING(16), allowNull: false },
      startedAt: { type: DataTypes.DATE(3), allowNull: false },
      startedBy: { type: DataTypes.INTEGER, allowNull: false },
      unlockUntil: { type: DataTypes.DATE(3), allowNull: true },
      record: { type: DataTypes.TEXT, allowNull: true },
      publishedAt: { type: DataTypes.DATE(3), allowNull: true },
      confirmUntil: { type: DataTypes.DATE(3), allowNull: true },
      closedAt: { type: DataTypes.DATE(3), allowNull: true },
      lastSeq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    },
    { sequelize: db, tableName: 'opening_sessions', modelName: 'OpeningSession' },
  );

  class ShareSubmission extends Model<InferAttributes<ShareSubmission>, InferCreationAttributes<ShareSubmission>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare userId: number;
    declare shareIndex: number;
    declare share: string | null;
    declare submittedAt: Date;
  }
  ShareSubmission.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      shareIndex: { type: DataTypes.INTEGER, allowNull: false },
      share: { type: DataTypes.TEXT, allowNull: true },
      submittedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'opening_share_submissions', modelName: 'ShareSubmission' },
  );

  class OpeningResult extends Model<InferAttributes<OpeningResult>, InferCreationAttributes<OpeningResult>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare bidId: number;
    declare ord: number;
    declare outcome: BidOutcome;
    declare reason: RefusalReason | null;
    declare detail: string | null;
    declare bidJson: string | null;
    declare priceFen: number | null;
    declare innerSignerSerial: string | null;
    declare packageSha256: string | null;
    declare at: Date;
  }
  OpeningResult.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      ord: { type: DataTypes.INTEGER, allowNull: false },
      outcome: { type: DataTypes.STRING(16), allowNull: false },
      reason: { type: DataTypes.STRING(32), allowNull: true },
      detail: { type: DataTypes.STRING(500), allowNull: true },
      bidJson: { type: DataTypes.TEXT, allowNull: true },
      priceFen: {
        type: DataTypes.BIGINT,
        allowNull: true,
        get() {
          const v = this.getDataValue('priceFen');
          return v === null || v === undefined ? null : Number(v);
        },
      },
      innerSignerSerial: { type: DataTypes.STRING(40), allowNull: true },
      packageSha256: { type: DataTypes.STRING(64), allowNull: true },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'opening_results', modelName: 'OpeningResult' },
  );

  class OpeningEventRow extends Model<InferAttributes<OpeningEventRow>, InferCreationAttributes<OpeningEventRow>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare seq: number;
    declare type: OpeningEventType;
    declare payload: string;
    declare at: Date;
  }
  OpeningEventRow.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      type: { type: DataTypes.STRING(32), allowNull: false },
      payload: { type: DataTypes.TEXT, allowNull: false },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'opening_events', modelName: 'OpeningEvent' },
  );

  class Confirmation extends Model<InferAttributes<Confirmation>, InferCreationAttributes<Confirmation>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare organisationId: number;
    declare userId: number;
    declare decision: 'confirm' | 'object';
    declare text: string | null;
    declare at: Date;
  }
  Confirmation.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      decision: { type: DataTypes.STRING(16), allowNull: false },
      text: { type: DataTypes.TEXT, allowNull: true },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'opening_confirmations', modelName: 'OpeningConfirmation' },
  );

  return { OpeningSession, ShareSubmission, OpeningResult, OpeningEventRow, Confirmation };
}

export type OpeningModels = ReturnType<typeof defineOpeningModels>;
export type SessionRow = InstanceType<OpeningModels['OpeningSession']>;
export type ResultRow = InstanceType<OpeningModels['OpeningResult']>;

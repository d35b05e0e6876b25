import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { RecheckKind, RecheckOutcome, RecheckState, RecheckTrigger } from '../../../contracts/recheck.js';
import type { Db } from '../../db/index.js';

export function defineRecheckModels(db: Db) {
  class Recheck extends Model<InferAttributes<Recheck>, InferCreationAttributes<Recheck>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    /** The trade's id while open, null once closed (unique: one open recheck per trade). */
    declare openTradeId: number | null;
    declare kind: RecheckKind;
    declare trigger: RecheckTrigger;
    declare grounds: string;
    declare note: string;
    declare objectionId: number | null;
    declare state: RecheckState;
    declare openedBy: string;
    declare openedAt: Date;
    declare evaluationRound: number;
    declare diff: string | null;
    declare outcome: RecheckOutcome | null;
    declare outcomeReasons: string | null;
    declare proposedBy: number | null;
    declare proposedAt: Date | null;
    declare report: string | null;
    declare reportSha256: string | null;
    declare closedAt: Date | null;
  }
  Recheck.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      openTradeId: { type: DataTypes.INTEGER, allowNull: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      trigger: { type: DataTypes.STRING(16), allowNull: false },
      grounds: { type: DataTypes.TEXT, allowNull: false },
      note: { type: DataTypes.TEXT, allowNull: false },
      objectionId: { type: DataTypes.INTEGER, allowNull: true },
      state: { type: DataTypes.STRING(16), allowNull: false },
      openedBy: { type: DataTypes.STRING(200), allowNull: false },
      openedAt: { type: DataTypes.DATE(3), allowNull: false },
      evaluationRound: { type: DataTypes.INTEGER, allowNull: false },
      diff: { type: DataTypes.TEXT, allowNull: true },
      outcome: { type: DataTypes.STRING(16), allowNull: true },
      outcomeReasons: { type: DataTypes.TEXT, allowNull: true },
      proposedBy: { type: DataTypes.INTEGER, allowNull: true },
      proposedAt: { type: DataTypes.DATE(3), allowNull: true },
      report: { type: DataTypes.TEXT, allowNull: true },
      reportSha256: { type: DataTypes.STRING(64), allowNull: true },
      closedAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'rechecks', modelName: 'Recheck' },
  );
  class RecheckMember extends Model<InferAttributes<RecheckMember>, InferCreationAttributes<RecheckMember>> {
    declare id: CreationOptional<number>;
    declare recheckId: number;
    declare userId: number;
    declare joinedAt: Date;
    declare signature: Buffer | null;
    declare refusedReason: string | null;
    declare signedAt: Date | null;
  }
  RecheckMember.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      recheckId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      joinedAt: { type: DataTypes.DATE(3), allowNull: false },
      signature: { type: DataTypes.BLOB('medium'), allowNull: true },
      refusedReason: { type: DataTypes.STRING(1000), allowNull: true },
      signedAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'recheck_members', modelName: 'RecheckMember' },
  );
  class RecheckFinding extends Model<InferAttributes<RecheckFinding>, InferCreationAttributes<RecheckFinding>> {
    declare id: CreationOptional<number>;
    declare recheckId: number;
    declare userId: number;
    declare item: string | null;
    declare text: string;
    declare corrections: string;
    declare at: Date;
  }
  RecheckFinding.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      recheckId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      item: { type: DataTypes.STRING(200), allowNull: true },
      text: { type: DataTypes.TEXT, allowNull: false },
      corrections: { type: DataTypes.TEXT, allowNull: false },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'recheck_findings', modelName: 'RecheckFinding' },
  );
  return { Recheck, RecheckMember, RecheckFinding };
}
export type RecheckModels = ReturnType<typeof defineRecheckModels>;
export type RecheckRow = InstanceType<RecheckModels['Recheck']>;

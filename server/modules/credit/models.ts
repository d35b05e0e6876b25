import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { CreditKind, CreditRole, CreditScope, CreditSeverity, FeedEvent, RepairKind, RepairStatus } from '../../../contracts/credit.js';
import type { Db } from '../../db/index.js';

/** Credit tables (migration 0022; credit_restrictions from 0013 is read by gate.ts). */
export function defineCreditModels(db: Db) {
  class CreditRecord extends Model<InferAttributes<CreditRecord>, InferCreationAttributes<CreditRecord>> {
    declare id: CreationOptional<number>;
    declare uid: string;
    declare origin: 'local' | 'remote';
    declare sourceRegionCode: string | null;
    declare kind: CreditKind;
    declare subjectKind: 'organisation' | 'person';
    declare subjectId: string;
    declare subjectName: string;
    declare role: CreditRole;
    /** JSON array of { name, idNumber, role }. */
    declare persons: string;
    declare act: string;
    declare basis: string;
    declare decisionNo: string;
    declare authority: string;
    declare issuingRegionCode: string;
    declare issuingRegionName: string;
    declare severity: CreditSeverity | null;
    declare scope: CreditScope;
    declare points: number;
    declare startsAt: Date;
    declare endsAt: Date;
    declare recordedAt: Date;
    declare receivedAt: Date;
    declare recordedBy: number | null;
    declare liftedAt: Date | null;
    declare liftKind: 'repaired' | 'revoked' | null;
    declare liftReason: string | null;
    declare expiredNotedAt: Date | null;
  }
  CreditRecord.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      uid: { type: DataTypes.STRING(40), allowNull: false, unique: true },
      origin: { type: DataTypes.STRING(8), allowNull: false },
      sourceRegionCode: { type: DataTypes.STRING(6), allowNull: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      subjectKind: { type: DataTypes.STRING(16), allowNull: false },
      subjectId: { type: DataTypes.STRING(18), allowNull: false },
      subjectName: { type: DataTypes.STRING(200), allowNull: false },
      role: { type: DataTypes.STRING(16), allowNull: false },
      persons: { type: DataTypes.TEXT, allowNull: false },
      act: { type: DataTypes.TEXT, allowNull: false },
      basis: { type: DataTypes.STRING(500), allowNull: false },
      decisionNo: { type: DataTypes.STRING(100), allowNull: false },
      authority: { type: DataTypes.STRING(200), allowNull: false },
      issuingRegionCode: { type: DataTypes.STRING(6), allowNull: false },
      issuingRegionName: { type: DataTypes.STRING(100), allowNull: false },
      severity: { type: DataTypes.STRING(16), allowNull: true },
      scope: { type: DataTypes.STRING(16), allowNull: false },
      points: { type: DataTypes.INTEGER, allowNull: false },
      startsAt: { type: DataTypes.DATE(3), allowNull: false },
      endsAt: { type: DataTypes.DATE(3), allowNull: false },
      recordedAt: { type: DataTypes.DATE(3), allowNull: false },
      receivedAt: { type: DataTypes.DATE(3), allowNull: false },
      recordedBy: { type: DataTypes.INTEGER, allowNull: true },
      liftedAt: { type: DataTypes.DATE(3), allowNull: true },
      liftKind: { type: DataTypes.STRING(16), allowNull: true },
      liftReason: { type: DataTypes.STRING(1000), allowNull: true },
      expiredNotedAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'credit_records', modelName: 'CreditRecord' },
  );

  class CreditRestriction extends Model<InferAttributes<CreditRestriction>, InferCreationAttributes<CreditRestriction>> {
    declare id: CreationOptional<number>;
    declare uscc: string;
    declare scope: string;
    declare issuingRegionCode: string;
    declare issuingRegionName: string | null;
    declare basis: string;
    declare startsAt: Date;
    declare endsAt: Date | null;
    declare liftedAt: Date | null;
    declare createdAt: Date;
    declare recordId: number | null;
  }
  CreditRestriction.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      uscc: { type: DataTypes.STRING(18), allowNull: false },
      scope: { type: DataTypes.STRING(32), allowNull: false },
      issuingRegionCode: { type: DataTypes.STRING(6), allowNull: false },
      issuingRegionName: { type: DataTypes.STRING(100), allowNull: true },
      basis: { type: DataTypes.STRING(500), allowNull: false },
      startsAt: { type: DataTypes.DATE(3), allowNull: false },
      endsAt: { type: DataTypes.DATE(3), allowNull: true },
      liftedAt: { type: DataTypes.DATE(3), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      recordId: { type: DataTypes.INTEGER, allowNull: true },
    },
    { sequelize: db, tableName: 'credit_restrictions', modelName: 'CreditRestriction' },
  );

  class CreditRepair extends Model<InferAttributes<CreditRepair>, InferCreationAttributes<CreditRepair>> {
    declare id: CreationOptional<number>;
    declare recordId: number;
    declare kind: RepairKind;
    declare applicantUserId: number;
    declare applicantOrganisationId: number | null;
    declare reason: string;
    declare evidence: string;
    declare status: RepairStatus;
    declare appliedAt: Date;
    declare decidedAt: Date | null;
    declare decidedBy: number | null;
    declare decision: string | null;
  }
  CreditRepair.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      recordId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      applicantUserId: { type: DataTypes.INTEGER, allowNull: false },
      applicantOrganisationId: { type: DataTypes.INTEGER, allowNull: true },
      reason: { type: DataTypes.TEXT, allowNull: false },
      evidence: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      appliedAt: { type: DataTypes.DATE(3), allowNull: false },
      decidedAt: { type: DataTypes.DATE(3), allowNull: true },
      decidedBy: { type: DataTypes.INTEGER, allowNull: true },
      decision: { type: DataTypes.STRING(1000), allowNull: true },
    },
    { sequelize: db, tableName: 'credit_repairs', modelName: 'CreditRepair' },
  );

  class FeedRow extends Model<InferAttributes<FeedRow>, InferCreationAttributes<FeedRow>> {
    declare seq: number;
    declare at: Date;
    declare event: FeedEvent;
    declare recordUid: string;
    declare hash: string;
    declare cms: Buffer;
  }
  FeedRow.init(
    {
      seq: { type: DataTypes.INTEGER, primaryKey: true },
      at: { type: DataTypes.DATE(3), allowNull: false },
      event: { type: DataTypes.STRING(16), allowNull: false },
      recordUid: { type: DataTypes.STRING(40), allowNull: false },
      hash: { type: DataTypes.STRING(64), allowNull: false },
      cms: { type: DataTypes.BLOB('medium'), allowNull: false },
    },
    { sequelize: db, tableName: 'credit_feed', modelName: 'CreditFeedRow' },
  );

  class Peer extends Model<InferAttributes<Peer>, InferCreationAttributes<Peer>> {
    declare code: string;
    declare url: string;
    declare lastSeq: CreationOptional<number>;
    declare lastHash: CreationOptional<string>;
    declare lastOkAt: Date | null;
    declare lastAttemptAt: Date | null;
    declare failures: CreationOptional<number>;
    declare nextAttemptAt: Date | null;
    declare lastError: string | null;
  }
  Peer.init(
    {
      code: { type: DataTypes.STRING(6), primaryKey: true },
      url: { type: DataTypes.STRING(500), allowNull: false },
      lastSeq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      lastHash: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
      lastOkAt: { type: DataTypes.DATE(3), allowNull: true },
      lastAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
      failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      nextAttemptAt: { type: DataTypes.DATE(3), allowNull: true },
      lastError: { type: DataTypes.STRING(1000), allowNull: true },
    },
    { sequelize: db, tableName: 'credit_peers', modelName: 'CreditPeer' },
  );

  class PeerEntry extends Model<InferAttributes<PeerEntry>, InferCreationAttributes<PeerEntry>> {
    declare peerCode: string;
    declare seq: number;
    declare hash: string;
    declare cms: Buffer;
    declare receivedAt: Date;
  }
  PeerEntry.init(
    {
      peerCode: { type: DataTypes.STRING(6), primaryKey: true },
      seq: { type: DataTypes.INTEGER, primaryKey: true },
      hash: { type: DataTypes.STRING(64), allowNull: false },
      cms: { type: DataTypes.BLOB('medium'), allowNull: false },
      receivedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'credit_peer_entries', modelName: 'CreditPeerEntry' },
  );

  class PeerRefusal extends Model<InferAttributes<PeerRefusal>, InferCreationAttributes<PeerRefusal>> {
    declare id: CreationOptional<number>;
    declare peerCode: string;
    declare at: Date;
    declare seq: number | null;
    declare reason: string;
    declare detail: string;
  }
  PeerRefusal.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      peerCode: { type: DataTypes.STRING(6), allowNull: false },
      at: { type: DataTypes.DATE(3), allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: true },
      reason: { type: DataTypes.STRING(32), allowNull: false },
      detail: { type: DataTypes.STRING(1000), allowNull: false },
    },
    { sequelize: db, tableName: 'credit_peer_refusals', modelName: 'CreditPeerRefusal' },
  );

  return { CreditRecord, CreditRestriction, CreditRepair, FeedRow, Peer, PeerEntry, PeerRefusal };
}

export type CreditModels = ReturnType<typeof defineCreditModels>;
export type CreditRecordRow = InstanceType<CreditModels['CreditRecord']>;

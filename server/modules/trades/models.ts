import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { DocumentKind, TradeKind, TradeMethod, TradeNoticeInput, TradeState } from '../../../contracts/trades.js';
import type { Db } from '../../db/index.js';

/** The trades module's tables (migration 0012). */
export function defineTradeModels(db: Db) {
  class Trade extends Model<InferAttributes<Trade>, InferCreationAttributes<Trade>> {
    declare id: CreationOptional<number>;
    declare code: string;
    declare kind: TradeKind;
    declare method: TradeMethod;
    declare regionCode: string;
    declare title: string;
    declare state: TradeState;
    declare notice: string;
    declare tendereeOrganisationId: number;
    declare agencyOrganisationId: number | null;
    declare documentsUntil: Date;
    declare bidDeadline: Date;
    declare openingAt: Date;
    declare publishedAt: Date | null;
    declare openingCertificatePem: string | null;
    declare openingCertificateSerial: string | null;
    declare threshold: number;
    declare version: CreationOptional<number>;
    declare createdBy: number;
    declare createdAt: Date;
    declare updatedAt: Date;
  }
  Trade.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
      kind: { type: DataTypes.STRING(16), allowNull: false },
      method: { type: DataTypes.STRING(32), allowNull: false },
      regionCode: { type: DataTypes.STRING(6), allowNull: false },
      title: { type: DataTypes.STRING(200), allowNull: false },
      state: { type: DataTypes.STRING(24), allowNull: false },
      notice: { type: DataTypes.TEXT, allowNull: false },
      tendereeOrganisationId: { type: DataTypes.INTEGER, allowNull: false },
      agencyOrganisationId: { type: DataTypes.INTEGER, allowNull: true },
      documentsUntil: { type: DataTypes.DATE(3), allowNull: false },
      bidDeadline: { type: DataTypes.DATE(3), allowNull: false },
      openingAt: { type: DataTypes.DATE(3), allowNull: false },
      publishedAt: { type: DataTypes.DATE(3), allowNull: true },
      openingCertificatePem: { type: DataTypes.TEXT, allowNull: true },
      openingCertificateSerial: { type: DataTypes.STRING(40), allowNull: true },
      threshold: { type: DataTypes.INTEGER, allowNull: false },
      version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdBy: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'trades', modelName: 'Trade' },
  );

  class TradeOfficial extends Model<InferAttributes<TradeOfficial>, InferCreationAttributes<TradeOfficial>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare userId: number;
    declare certificateSerial: string | null;
    declare shareIndex: number | null;
    declare sealedShare: Buffer | null;
  }
  TradeOfficial.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      certificateSerial: { type: DataTypes.STRING(40), allowNull: true },
      shareIndex: { type: DataTypes.INTEGER, allowNull: true },
      sealedShare: { type: DataTypes.BLOB('medium'), allowNull: true },
    },
    { sequelize: db, tableName: 'trade_officials', modelName: 'TradeOfficial' },
  );

  class TradeTransition extends Model<InferAttributes<TradeTransition>, InferCreationAttributes<TradeTransition>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare seq: number;
    declare name: string;
    declare fromState: string;
    declare toState: string;
    declare actor: string;
    declare reason: string | null;
    declare at: Date;
  }
  TradeTransition.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      name: { type: DataTypes.STRING(32), allowNull: false },
      fromState: { type: DataTypes.STRING(24), allowNull: false },
      toState: { type: DataTypes.STRING(24), allowNull: false },
      actor: { type: DataTypes.STRING(100), allowNull: false },
      reason: { type: DataTypes.STRING(500), allowNull: true },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'trade_transitions', modelName: 'TradeTransition' },
  );

  class TradeDocument extends Model<InferAttributes<TradeDocument>, InferCreationAttributes<TradeDocument>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare kind: DocumentKind;
    declare title: string;
    declare fileName: string;
    declare mediaType: string;
    declare size: number;
    declare sha256: string;
    declare affectsBids: boolean;
    declare publishedAt: Date | null;
    declare deadlineFrom: Date | null;
    declare deadlineTo: Date | null;
    declare uploadedBy: number;
    declare createdAt: Date;
  }
  TradeDocument.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      kind: { type: DataTypes.STRING(24), allowNull: false },
      title: { type: DataTypes.STRING(200), allowNull: false },
      fileName: { type: DataTypes.STRING(255), allowNull: false },
      mediaType: { type: DataTypes.STRING(100), allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('size')); } },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      affectsBids: { type: DataTypes.BOOLEAN, allowNull: false },
      publishedAt: { type: DataTypes.DATE(3), allowNull: true },
      deadlineFrom: { type: DataTypes.DATE(3), allowNull: true },
      deadlineTo: { type: DataTypes.DATE(3), allowNull: true },
      uploadedBy: { type: DataTypes.INTEGER, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'trade_documents', modelName: 'TradeDocument' },
  );

  class TradeRegistration extends Model<InferAttributes<TradeRegistration>, InferCreationAttributes<TradeRegistration>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare organisationId: number;
    declare userId: number;
    declare registeredAt: Date;
  }
  TradeRegistration.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      registeredAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'trade_registrations', modelName: 'TradeRegistration' },
  );

  class DocumentDownload extends Model<InferAttributes<DocumentDownload>, InferCreationAttributes<DocumentDownload>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare documentId: number;
    declare organisationId: number;
    declare userId: number;
    declare at: Date;
  }
  DocumentDownload.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      documentId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      at: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'document_downloads', modelName: 'DocumentDownload' },
  );

  class Notification extends Model<InferAttributes<Notification>, InferCreationAttributes<Notification>> {
    declare id: CreationOptional<number>;
    declare userId: number;
    declare tradeId: number | null;
    declare kind: string;
    declare title: string;
    declare body: string;
    declare createdAt: Date;
    declare readAt: Date | null;
  }
  Notification.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      tradeId: { type: DataTypes.INTEGER, allowNull: true },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      title: { type: DataTypes.STRING(200), allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      readAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'notifications', modelName: 'Notification' },
  );

  return { Trade, TradeOfficial, TradeTransition, TradeDocument, TradeRegistration, DocumentDownload, Notification };
}

/** The notice as stored (validated on the way in). */
export const noticeOf = (trade: { notice: string }): TradeNoticeInput => JSON.parse(trade.notice) as TradeNoticeInput;

export type TradeModels = ReturnType<typeof defineTradeModels>;
export type TradeRow = InstanceType<TradeModels['Trade']>;
export type DocumentRow = InstanceType<TradeModels['TradeDocument']>;

import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { ComplaintOutcome, ComplaintRemedy, ComplaintStatus, ComplaintSubject, ObjectionLabel, ObjectionStatus } from '../../../contracts/complaints.js';
import type { Db } from '../../db/index.js';

/** The complaints module's tables (migration 0021). */
export function defineComplaintModels(db: Db) {
  const longText = db.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;

  class Objection extends Model<InferAttributes<Objection>, InferCreationAttributes<Objection>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare organisationId: number;
    declare userId: number;
    declare label: ObjectionLabel;
    declare subject: ComplaintSubject;
    declare step: string | null;
    declare facts: string;
    declare request: string;
    declare legalBasis: string;
    declare status: ObjectionStatus;
    declare filedAt: Date;
    declare windowRule: string | null;
    declare windowSource: string;
    declare windowFrom: Date | null;
    declare windowEndsAt: Date | null;
    declare replyRule: string;
    declare replyDueAt: Date;
    declare reply: string | null;
    declare upheld: boolean | null;
    declare repliedAt: Date | null;
    declare repliedBy: number | null;
    declare replyLate: boolean;
    declare recheckId: number | null;
    declare recheckError: string | null;
    declare withdrawnAt: Date | null;
  }
  Objection.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      label: { type: DataTypes.STRING(16), allowNull: false },
      subject: { type: DataTypes.STRING(16), allowNull: false },
      step: { type: DataTypes.STRING(32), allowNull: true },
      facts: { type: DataTypes.TEXT, allowNull: false },
      request: { type: DataTypes.TEXT, allowNull: false },
      legalBasis: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      filedAt: { type: DataTypes.DATE(3), allowNull: false },
      windowRule: { type: DataTypes.STRING(64), allowNull: true },
      windowSource: { type: DataTypes.STRING(200), allowNull: false },
      windowFrom: { type: DataTypes.DATE(3), allowNull: true },
      windowEndsAt: { type: DataTypes.DATE(3), allowNull: true },
      replyRule: { type: DataTypes.STRING(64), allowNull: false },
      replyDueAt: { type: DataTypes.DATE(3), allowNull: false },
      reply: { type: DataTypes.TEXT, allowNull: true },
      upheld: { type: DataTypes.BOOLEAN, allowNull: true },
      repliedAt: { type: DataTypes.DATE(3), allowNull: true },
      repliedBy: { type: DataTypes.INTEGER, allowNull: true },
      replyLate: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      recheckId: { type: DataTypes.INTEGER, allowNull: true },
      recheckError: { type: DataTypes.TEXT, allowNull: true },
      withdrawnAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'objections', modelName: 'Objection' },
  );

  class Complaint extends Model<InferAttributes<Complaint>, InferCreationAttributes<Complaint>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare organisationId: number;
    declare userId: number;
    declare objectionId: number | null;
    declare subject: ComplaintSubject;
    declare step: string | null;
    declare facts: string;
    declare request: string;
    declare legalBasis: string;
    declare status: ComplaintStatus;
    declare filedAt: Date;
    declare windowRule: string | null;
    declare windowSource: string;
    declare windowFrom: Date | null;
    declare windowEndsAt: Date | null;
    declare acceptanceRule: string;
    declare acceptanceDueAt: Date;
    declare acceptedAt: Date | null;
    declare rejectedAt: Date | null;
    declare rejectionReason: string | null;
    declare actedBy: number | null;
    declare actedLate: boolean;
    declare decisionDueAt: Date | null;
    declare suspendedUntil: Date | null;
    declare suspensionEndedAt: Date | null;
    declare outcome: ComplaintOutcome | null;
    declare decision: string | null;
    declare remedy: ComplaintRemedy | null;
    declare decidedAt: Date | null;
    declare decidedBy: number | null;
    declare decisionLate: boolean;
    declare recheckId: number | null;
    declare recheckError: string | null;
    declare remedyEffect: string | null;
    declare withdrawnAt: Date | null;
  }
  Complaint.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      objectionId: { type: DataTypes.INTEGER, allowNull: true },
      subject: { type: DataTypes.STRING(16), allowNull: false },
      step: { type: DataTypes.STRING(32), allowNull: true },
      facts: { type: DataTypes.TEXT, allowNull: false },
      request: { type: DataTypes.TEXT, allowNull: false },
      legalBasis: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      filedAt: { type: DataTypes.DATE(3), allowNull: false },
      windowRule: { type: DataTypes.STRING(64), allowNull: true },
      windowSource: { type: DataTypes.STRING(200), allowNull: false },
      windowFrom: { type: DataTypes.DATE(3), allowNull: true },
      windowEndsAt: { type: DataTypes.DATE(3), allowNull: true },
      acceptanceRule: { type: DataTypes.STRING(64), allowNull: false },
      acceptanceDueAt: { type: DataTypes.DATE(3), allowNull: false },
      acceptedAt: { type: DataTypes.DATE(3), allowNull: true },
      rejectedAt: { type: DataTypes.DATE(3), allowNull: true },
      rejectionReason: { type: DataTypes.TEXT, allowNull: true },
      actedBy: { type: DataTypes.INTEGER, allowNull: true },
      actedLate: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      decisionDueAt: { type: DataTypes.DATE(3), allowNull: true },
      suspendedUntil: { type: DataTypes.DATE(3), allowNull: true },
      suspensionEndedAt: { type: DataTypes.DATE(3), allowNull: true },
      outcome: { type: DataTypes.STRING(16), allowNull: true },
      decision: { type: longText, allowNull: true },
      remedy: { type: DataTypes.STRING(24), allowNull: true },
      decidedAt: { type: DataTypes.DATE(3), allowNull: true },
      decidedBy: { type: DataTypes.INTEGER, allowNull: true },
      decisionLate: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      recheckId: { type: DataTypes.INTEGER, allowNull: true },
      recheckError: { type: DataTypes.TEXT, allowNull: true },
      remedyEffect: { type: DataTypes.TEXT, allowNull: true },
      withdrawnAt: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'complaints', modelName: 'Complaint' },
  );

  class ComplaintAttachment extends Model<InferAttributes<ComplaintAttachment>, InferCreationAttributes<ComplaintAttachment>> {
    declare id: CreationOptional<number>;
    declare owner: 'objection' | 'complaint';
    declare ownerId: number;
    declare part: string;
    declare fileName: string;
    declare mediaType: string;
    declare size: number;
    declare sha256: string;
    declare uploadedBy: number;
    declare uploadedAt: Date;
  }
  ComplaintAttachment.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      owner: { type: DataTypes.STRING(16), allowNull: false },
      ownerId: { type: DataTypes.INTEGER, allowNull: false },
      part: { type: DataTypes.STRING(16), allowNull: false },
      fileName: { type: DataTypes.STRING(255), allowNull: false },
      mediaType: { type: DataTypes.STRING(100), allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('size')); } },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      uploadedBy: { type: DataTypes.INTEGER, allowNull: false },
      uploadedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'complaint_attachments', modelName: 'ComplaintAttachment' },
  );

  return { Objection, Complaint, ComplaintAttachment };
}

export type ComplaintModels = ReturnType<typeof defineComplaintModels>;
export type ObjectionRow = InstanceType<ComplaintModels['Objection']>;
export type ComplaintRow = InstanceType<ComplaintModels['Complaint']>;
export type AttachmentRow = InstanceType<ComplaintModels['ComplaintAttachment']>;

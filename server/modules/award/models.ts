import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { CandidateStatus } from '../../../contracts/award.js';
import type { Db } from '../../db/index.js';

/** The award module's tables (migration 20261125-0020). */
export function defineAwardModels(db: Db) {
  class Publicity extends Model<InferAttributes<Publicity>, InferCreationAttributes<Publicity>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare round: number;
    declare title: string;
    /** JSON: the candidates as published (rank, bid, bidder, USCC, price, total). */
    declare candidates: string;
    declare startsAt: Date;
    declare endsAt: Date;
    declare lastDay: string;
    declare periodRule: string;
    declare periodValue: number;
    declare publishBy: Date | null;
    declare late: boolean;
    declare note: string | null;
    declare withdrawnAt: Date | null;
    declare withdrawnReason: string | null;
    declare createdBy: number;
  }
  Publicity.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      round: { type: DataTypes.INTEGER, allowNull: false },
      title: { type: DataTypes.STRING(40), allowNull: false },
      candidates: { type: DataTypes.TEXT, allowNull: false },
      startsAt: { type: DataTypes.DATE(3), allowNull: false },
      endsAt: { type: DataTypes.DATE(3), allowNull: false },
      lastDay: { type: DataTypes.STRING(10), allowNull: false },
      periodRule: { type: DataTypes.STRING(64), allowNull: false },
      periodValue: { type: DataTypes.INTEGER, allowNull: false },
      publishBy: { type: DataTypes.DATE(3), allowNull: true },
      late: { type: DataTypes.BOOLEAN, allowNull: false },
      note: { type: DataTypes.STRING(1000), allowNull: true },
      withdrawnAt: { type: DataTypes.DATE(3), allowNull: true },
      withdrawnReason: { type: DataTypes.STRING(1000), allowNull: true },
      createdBy: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize: db, tableName: 'award_publicities', modelName: 'AwardPublicity' },
  );

  class Candidate extends Model<InferAttributes<Candidate>, InferCreationAttributes<Candidate>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare bidId: number;
    declare organisationId: number;
    declare rank: number;
    declare bidderName: string;
    declare uscc: string;
    declare priceFen: number;
    declare totalScore: number;
    declare status: CandidateStatus;
    declare reason: string | null;
    declare decidedAt: Date | null;
    declare decidedBy: string | null;
  }
  Candidate.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      rank: { type: DataTypes.INTEGER, allowNull: false },
      bidderName: { type: DataTypes.STRING(200), allowNull: false },
      uscc: { type: DataTypes.STRING(18), allowNull: false },
      priceFen: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('priceFen')); } },
      totalScore: { type: DataTypes.DOUBLE, allowNull: false, get() { return Number(this.getDataValue('totalScore')); } },
      status: { type: DataTypes.STRING(16), allowNull: false },
      reason: { type: DataTypes.STRING(1000), allowNull: true },
      decidedAt: { type: DataTypes.DATE(3), allowNull: true },
      decidedBy: { type: DataTypes.STRING(80), allowNull: true },
    },
    { sequelize: db, tableName: 'award_candidates', modelName: 'AwardCandidate' },
  );

  class Award extends Model<InferAttributes<Award>, InferCreationAttributes<Award>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare seq: number;
    declare publicityId: number;
    declare bidId: number;
    declare organisationId: number;
    declare priceFen: number;
    declare totalScore: number | null;
    declare status: 'current' | 'void';
    declare awardedAt: Date;
    declare noticeDeadline: Date | null;
    declare noticeLate: boolean;
    declare contractDeadline: Date;
    declare contractLastDay: string;
    declare warnAt: Date;
    declare warningSentAt: Date | null;
    declare noticeTitle: string;
    declare noticeSha256: string;
    declare noticeSize: number;
    declare voidedAt: Date | null;
    declare voidReason: string | null;
    declare createdBy: string;
  }
  Award.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      publicityId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      priceFen: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('priceFen')); } },
      totalScore: {
        type: DataTypes.DOUBLE,
        allowNull: true,
        get() {
          const v = this.getDataValue('totalScore');
          return v === null || v === undefined ? null : Number(v);
        },
      },
      status: { type: DataTypes.STRING(16), allowNull: false },
      awardedAt: { type: DataTypes.DATE(3), allowNull: false },
      noticeDeadline: { type: DataTypes.DATE(3), allowNull: true },
      noticeLate: { type: DataTypes.BOOLEAN, allowNull: false },
      contractDeadline: { type: DataTypes.DATE(3), allowNull: false },
      contractLastDay: { type: DataTypes.STRING(10), allowNull: false },
      warnAt: { type: DataTypes.DATE(3), allowNull: false },
      warningSentAt: { type: DataTypes.DATE(3), allowNull: true },
      noticeTitle: { type: DataTypes.STRING(40), allowNull: false },
      noticeSha256: { type: DataTypes.STRING(64), allowNull: false },
      noticeSize: { type: DataTypes.INTEGER, allowNull: false },
      voidedAt: { type: DataTypes.DATE(3), allowNull: true },
      voidReason: { type: DataTypes.STRING(1000), allowNull: true },
      createdBy: { type: DataTypes.STRING(80), allowNull: false },
    },
    { sequelize: db, tableName: 'awards', modelName: 'Award' },
  );

  class ResultNotice extends Model<InferAttributes<ResultNotice>, InferCreationAttributes<ResultNotice>> {
    declare id: CreationOptional<number>;
    declare awardId: number;
    declare tradeId: number;
    declare bidId: number;
    declare organisationId: number;
    declare bidderName: string;
    declare sha256: string;
    declare size: number;
  }
  ResultNotice.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      awardId: { type: DataTypes.INTEGER, allowNull: false },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      bidId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      bidderName: { type: DataTypes.STRING(200), allowNull: false },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      size: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize: db, tableName: 'award_result_notices', modelName: 'AwardResultNotice' },
  );

  class ContractRecord extends Model<InferAttributes<ContractRecord>, InferCreationAttributes<ContractRecord>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare awardId: number;
    declare signedOn: string;
    declare amountFen: number;
    declare parties: string;
    declare fileName: string;
    declare mediaType: string;
    declare size: number;
    declare sha256: string;
    declare dueBy: string;
    declare late: boolean;
    declare recordedAt: Date;
    declare recordedBy: number;
  }
  ContractRecord.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      awardId: { type: DataTypes.INTEGER, allowNull: false },
      signedOn: { type: DataTypes.STRING(10), allowNull: false },
      amountFen: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('amountFen')); } },
      parties: { type: DataTypes.TEXT, allowNull: false },
      fileName: { type: DataTypes.STRING(200), allowNull: false },
      mediaType: { type: DataTypes.STRING(100), allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('size')); } },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      dueBy: { type: DataTypes.STRING(10), allowNull: false },
      late: { type: DataTypes.BOOLEAN, allowNull: false },
      recordedAt: { type: DataTypes.DATE(3), allowNull: false },
      recordedBy: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize: db, tableName: 'contract_records', modelName: 'ContractRecord' },
  );

  return { Publicity, Candidate, Award, ResultNotice, ContractRecord };
}

export type AwardModels = ReturnType<typeof defineAwardModels>;
export type PublicityRow = InstanceType<AwardModels['Publicity']>;
export type CandidateRow = InstanceType<AwardModels['Candidate']>;
export type AwardRow = InstanceType<AwardModels['Award']>;
export type ContractRow = InstanceType<AwardModels['ContractRecord']>;

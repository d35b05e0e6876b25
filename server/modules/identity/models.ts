import { DataTypes, Model, type CreationOptional, type ForeignKey, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { OrganisationView, RegionView } from '../../../contracts/identity.js';
import type { Role } from '../../../contracts/roles.js';
import type { Db } from '../../db/index.js';

/** Identity's tables. Models stay inside the module; views (contracts) go on the wire. */
export function defineIdentityModels(db: Db) {
  class Region extends Model<InferAttributes<Region>, InferCreationAttributes<Region>> {
    declare code: string;
    declare name: string;
    declare nameEn: string;
    declare level: RegionView['level'];
    declare parentCode: string | null;
  }
  Region.init(
    {
      code: { type: DataTypes.STRING(6), primaryKey: true },
      name: { type: DataTypes.STRING(64), allowNull: false },
      nameEn: { type: DataTypes.STRING(64), allowNull: false },
      level: { type: DataTypes.STRING(16), allowNull: false },
      parentCode: { type: DataTypes.STRING(6), allowNull: true },
    },
    { sequelize: db, tableName: 'regions', modelName: 'Region' },
  );

  class Organisation extends Model<InferAttributes<Organisation>, InferCreationAttributes<Organisation>> {
    declare id: CreationOptional<number>;
    declare uscc: string;
    declare name: string;
    declare kind: OrganisationView['kind'];
    declare regionCode: string;
    declare createdAt: Date;
    declare updatedAt: Date;
  }
  Organisation.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      uscc: { type: DataTypes.STRING(18), allowNull: false, unique: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      kind: { type: DataTypes.STRING(32), allowNull: false },
      regionCode: { type: DataTypes.STRING(6), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'organisations', modelName: 'Organisation' },
  );

  class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
    declare id: CreationOptional<number>;
    declare username: string;
    declare passwordHash: string;
    declare displayName: string;
    declare role: Role;
    declare regionCode: string;
    declare organisationId: ForeignKey<number> | null;
    declare status: 'active' | 'disabled';
    declare locale: 'zh-CN' | 'en';
    declare createdAt: Date;
    declare updatedAt: Date;
  }
  User.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      passwordHash: { type: DataTypes.STRING(255), allowNull: false },
      displayName: { type: DataTypes.STRING(100), allowNull: false },
      role: { type: DataTypes.STRING(32), allowNull: false },
      regionCode: { type: DataTypes.STRING(6), allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: true },
      status: { type: DataTypes.STRING(16), allowNull: false },
      locale: { type: DataTypes.STRING(8), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      updatedAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'users', modelName: 'User' },
  );

  class ExpertProfile extends Model<InferAttributes<ExpertProfile>, InferCreationAttributes<ExpertProfile>> {
    declare userId: number;
    declare specialties: string;
    declare qualificationLevel: string;
    declare employerOrganisationId: number | null;
    declare employerName: string;
    /** active, or suspended (not drawn) — migration 0015. */
    declare status: CreationOptional<'active' | 'suspended'>;
    /** 居民身份证号码 (migration 0022): credit penalties name persons by it. */
    declare idNumber: CreationOptional<string | null>;
  }
  ExpertProfile.init(
    {
      userId: { type: DataTypes.INTEGER, primaryKey: true },
      specialties: { type: DataTypes.TEXT, allowNull: false },
      qualificationLevel: { type: DataTypes.STRING(32), allowNull: false },
      employerOrganisationId: { type: DataTypes.INTEGER, allowNull: true },
      employerName: { type: DataTypes.STRING(200), allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'active' },
      idNumber: { type: DataTypes.STRING(18), allowNull: true },
    },
    { sequelize: db, tableName: 'expert_profiles', modelName: 'ExpertProfile' },
  );

  class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
    declare tokenHash: string;
    declare userId: number;
    declare csrfToken: string;
    declare createdAt: Date;
    declare expiresAt: Date;
    declare revokedAt: Date | null;
    declare clientIp: string | null;
    declare userAgent: string | null;
  }
  Session.init(
    {
      tokenHash: { type: DataTypes.STRING(64), primaryKey: true },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      csrfToken: { type: DataTypes.STRING(64), allowNull: false },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
      expiresAt: { type: DataTypes.DATE(3), allowNull: false },
      revokedAt: { type: DataTypes.DATE(3), allowNull: true },
      clientIp: { type: DataTypes.STRING(64), allowNull: true },
      userAgent: { type: DataTypes.STRING(255), allowNull: true },
    },
    { sequelize: db, tableName: 'sessions', modelName: 'Session' },
  );

  class LoginThrottle extends Model<InferAttributes<LoginThrottle>, InferCreationAttributes<LoginThrottle>> {
    declare throttleKey: string;
    declare failures: number;
    declare windowStart: Date;
    declare lockedUntil: Date | null;
  }
  LoginThrottle.init(
    {
      throttleKey: { type: DataTypes.STRING(191), primaryKey: true },
      failures: { type: DataTypes.INTEGER, allowNull: false },
      windowStart: { type: DataTypes.DATE(3), allowNull: false },
      lockedUntil: { type: DataTypes.DATE(3), allowNull: true },
    },
    { sequelize: db, tableName: 'login_throttle', modelName: 'LoginThrottle' },
  );

  User.belongsTo(Organisation, { foreignKey: 'organisationId', as: 'organisation' });
  User.belongsTo(Region, { foreignKey: 'regionCode', as: 'region' });
  Session.belongsTo(User, { foreignKey: 'userId', as: 'user' });

  return { Region, Organisation, User, ExpertProfile, Session, LoginThrottle };
}

export type IdentityModels = ReturnType<typeof defineIdentityModels>;
export type UserRow = InstanceType<IdentityModels['User']>;
export type OrganisationRow = InstanceType<IdentityModels['Organisation']>;

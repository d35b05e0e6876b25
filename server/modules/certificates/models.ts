import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes } from 'sequelize';
import type { CertificateView } from '../../../contracts/certificates.js';
import type { Db } from '../../db/index.js';

/** The certificates module's tables (migrations 0008, 0009). Models stay inside the module. */
export function defineCertificateModels(db: Db) {
  class Certificate extends Model<InferAttributes<Certificate>, InferCreationAttributes<Certificate>> {
    declare id: CreationOptional<number>;
    declare serial: string;
    declare fingerprint: string;
    declare userId: number | null;
    declare organisationId: number | null;
    declare role: CertificateView['role'];
    declare subject: string;
    declare notBefore: Date;
    declare notAfter: Date;
    declare pem: string;
    declare status: CertificateView['status'];
    declare revokedAt: Date | null;
    declare revocationReason: CertificateView['revocationReason'];
    declare createdAt: Date;
  }
  Certificate.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      serial: { type: DataTypes.STRING(40), allowNull: false, unique: true },
      fingerprint: { type: DataTypes.STRING(64), allowNull: false, unique: true },
      userId: { type: DataTypes.INTEGER, allowNull: true },
      organisationId: { type: DataTypes.INTEGER, allowNull: true },
      role: { type: DataTypes.STRING(16), allowNull: false },
      subject: { type: DataTypes.STRING(500), allowNull: false },
      notBefore: { type: DataTypes.DATE(3), allowNull: false },
      notAfter: { type: DataTypes.DATE(3), allowNull: false },
      pem: { type: DataTypes.TEXT, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      revokedAt: { type: DataTypes.DATE(3), allowNull: true },
      revocationReason: { type: DataTypes.STRING(32), allowNull: true },
      createdAt: { type: DataTypes.DATE(3), allowNull: false },
    },
    { sequelize: db, tableName: 'certificates', modelName: 'Certificate' },
  );

  class CertificateCrl extends Model<InferAttributes<CertificateCrl>, InferCreationAttributes<CertificateCrl>> {
    declare id: number;
    declare crlNumber: number;
    declare issuerFingerprint: string | null;
    declare thisUpdate: Date | null;
    declare nextUpdate: Date | null;
    declare der: Buffer | null;
  }
  CertificateCrl.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true },
      crlNumber: { type: DataTypes.INTEGER, allowNull: false },
      issuerFingerprint: { type: DataTypes.STRING(64), allowNull: true },
      thisUpdate: { type: DataTypes.DATE(3), allowNull: true },
      nextUpdate: { type: DataTypes.DATE(3), allowNull: true },
      der: { type: DataTypes.BLOB, allowNull: true },
    },
    { sequelize: db, tableName: 'certificate_crl', modelName: 'CertificateCrl' },
  );

  return { Certificate, CertificateCrl };
}

export type CertificateModels = ReturnType<typeof defineCertificateModels>;
export type CertificateRow = InstanceType<CertificateModels['Certificate']>;

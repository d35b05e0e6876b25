// Credit: records (local and received from other deployments' feeds), repair/objection applications,
// this deployment's signed feed, the peers it pulls, their verified entries and refusals; the
// restrictions table (0013) gains the record it comes from; experts gain an ID number (penalties name
// persons by it); evaluations keep the credit scores frozen at the bid deadline.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'credit_records', {
    ...idColumn,
    uid: { type: DataTypes.STRING(40), allowNull: false, unique: true },
    origin: { type: DataTypes.STRING(8), allowNull: false },
    source_region_code: { type: DataTypes.STRING(6), allowNull: true },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    subject_kind: { type: DataTypes.STRING(16), allowNull: false },
    subject_id: { type: DataTypes.STRING(18), allowNull: false },
    subject_name: { type: DataTypes.STRING(200), allowNull: false },
    role: { type: DataTypes.STRING(16), allowNull: false },
    persons: { type: DataTypes.TEXT, allowNull: false },
    act: { type: DataTypes.TEXT, allowNull: false },
    basis: { type: DataTypes.STRING(500), allowNull: false },
    decision_no: { type: DataTypes.STRING(100), allowNull: false },
    authority: { type: DataTypes.STRING(200), allowNull: false },
    issuing_region_code: { type: DataTypes.STRING(6), allowNull: false },
    issuing_region_name: { type: DataTypes.STRING(100), allowNull: false },
    severity: { type: DataTypes.STRING(16), allowNull: true },
    scope: { type: DataTypes.STRING(16), allowNull: false },
    points: { type: DataTypes.INTEGER, allowNull: false },
    starts_at: timestamp(),
    ends_at: timestamp(),
    recorded_at: timestamp(),
    received_at: timestamp(),
    recorded_by: ref('users', true),
    lifted_at: timestamp(true),
    lift_kind: { type: DataTypes.STRING(16), allowNull: true },
    lift_reason: { type: DataTypes.STRING(1000), allowNull: true },
    // set once the scheduler has noted the end (restrictions end by time regardless)
    expired_noted_at: timestamp(true),
  });
  await qi.addIndex('credit_records', ['subject_id'], { name: 'credit_records_subject' });
  await qi.addIndex('credit_records', ['ends_at'], { name: 'credit_records_ends' });

  await qi.addColumn('credit_restrictions', 'record_id', ref('credit_records', true));
  await qi.addColumn('credit_restrictions', 'issuing_region_name', { type: DataTypes.STRING(100), allowNull: true });

  await createTable(qi, 'credit_repairs', {
    ...idColumn,
    record_id: ref('credit_records'),
    kind: { type: DataTypes.STRING(16), allowNull: false },
    applicant_user_id: ref('users'),
    applicant_organisation_id: ref('organisations', true),
    reason: { type: DataTypes.TEXT, allowNull: false },
    evidence: { type: DataTypes.TEXT, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    applied_at: timestamp(),
    decided_at: timestamp(true),
    decided_by: ref('users', true),
    decision: { type: DataTypes.STRING(1000), allowNull: true },
  });
  await qi.addIndex('credit_repairs', ['record_id'], { name: 'credit_repairs_record' });

  await createTable(qi, 'credit_feed', {
    seq: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    at: timestamp(),
    event: { type: DataTypes.STRING(16), allowNull: false },
    record_uid: { type: DataTypes.STRING(40), allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    cms: { type: DataTypes.BLOB('medium'), allowNull: false },
  });

  await createTable(qi, 'credit_peers', {
    code: { type: DataTypes.STRING(6), primaryKey: true, allowNull: false },
    url: { type: DataTypes.STRING(500), allowNull: false },
    last_seq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    last_hash: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
    last_ok_at: timestamp(true),
    last_attempt_at: timestamp(true),
    failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    next_attempt_at: timestamp(true),
    last_error: { type: DataTypes.STRING(1000), allowNull: true },
  });
  await createTable(qi, 'credit_peer_entries', {
    peer_code: { type: DataTypes.STRING(6), primaryKey: true, allowNull: false },
    seq: { type: DataTypes.INTEGER, primaryKey: true, allowNull: false },
    hash: { type: DataTypes.STRING(64), allowNull: false },
    cms: { type: DataTypes.BLOB('medium'), allowNull: false },
    received_at: timestamp(),
  });
  await createTable(qi, 'credit_peer_refusals', {
    ...idColumn,
    peer_code: { type: DataTypes.STRING(6), allowNull: false },
    at: timestamp(),
    seq: { type: DataTypes.INTEGER, allowNull: true },
    reason: { type: DataTypes.STRING(32), allowNull: false },
    detail: { type: DataTypes.STRING(1000), allowNull: false },
  });
  await qi.addIndex('credit_peer_refusals', ['peer_code', 'at'], { name: 'credit_peer_refusals_peer' });

  await qi.addColumn('expert_profiles', 'id_number', { type: DataTypes.STRING(18), allowNull: true });
  await qi.addColumn('evaluations', 'credit_scores', { type: DataTypes.TEXT, allowNull: true });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  await qi.removeColumn('evaluations', 'credit_scores');
  await qi.removeColumn('expert_profiles', 'id_number');
  await qi.dropTable('credit_peer_refusals');
  await qi.dropTable('credit_peer_entries');
  await qi.dropTable('credit_peers');
  await qi.dropTable('credit_feed');
  await qi.dropTable('credit_repairs');
  await qi.removeColumn('credit_restrictions', 'issuing_region_name');
  await qi.removeColumn('credit_restrictions', 'record_id');
  await qi.dropTable('credit_records');
}

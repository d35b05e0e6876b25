// Complaints: objections / challenges (异议 / 质疑) to the tenderee or agent, complaints (投诉) to the
// supervisor, and their attachments (blobs by SHA-256).
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  const text = (allowNull = false) => ({ type: DataTypes.TEXT, allowNull });
  await createTable(qi, 'objections', {
    ...idColumn,
    trade_id: ref('trades'),
    organisation_id: ref('organisations'),
    user_id: ref('users'),
    label: { type: DataTypes.STRING(16), allowNull: false },
    subject: { type: DataTypes.STRING(16), allowNull: false },
    step: { type: DataTypes.STRING(32), allowNull: true },
    facts: text(),
    request: text(),
    legal_basis: text(),
    status: { type: DataTypes.STRING(16), allowNull: false },
    filed_at: timestamp(),
    window_rule: { type: DataTypes.STRING(64), allowNull: true },
    window_source: { type: DataTypes.STRING(200), allowNull: false },
    window_from: timestamp(true),
    window_ends_at: timestamp(true),
    reply_rule: { type: DataTypes.STRING(64), allowNull: false },
    reply_due_at: timestamp(),
    reply: text(true),
    upheld: { type: DataTypes.BOOLEAN, allowNull: true },
    replied_at: timestamp(true),
    replied_by: ref('users', true),
    reply_late: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    recheck_id: { type: DataTypes.INTEGER, allowNull: true },
    recheck_error: text(true),
    withdrawn_at: timestamp(true),
  });
  await qi.addIndex('objections', ['trade_id', 'status'], { name: 'objections_trade_status' });
  await qi.addIndex('objections', ['organisation_id'], { name: 'objections_organisation' });

  await createTable(qi, 'complaints', {
    ...idColumn,
    trade_id: ref('trades'),
    organisation_id: ref('organisations'),
    user_id: ref('users'),
    objection_id: ref('objections', true),
    subject: { type: DataTypes.STRING(16), allowNull: false },
    step: { type: DataTypes.STRING(32), allowNull: true },
    facts: text(),
    request: text(),
    legal_basis: text(),
    status: { type: DataTypes.STRING(16), allowNull: false },
    filed_at: timestamp(),
    window_rule: { type: DataTypes.STRING(64), allowNull: true },
    window_source: { type: DataTypes.STRING(200), allowNull: false },
    window_from: timestamp(true),
    window_ends_at: timestamp(true),
    acceptance_rule: { type: DataTypes.STRING(64), allowNull: false },
    acceptance_due_at: timestamp(),
    accepted_at: timestamp(true),
    rejected_at: timestamp(true),
    rejection_reason: text(true),
    acted_by: ref('users', true),
    acted_late: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    decision_due_at: timestamp(true),
    suspended_until: timestamp(true),
    suspension_ended_at: timestamp(true),
    outcome: { type: DataTypes.STRING(16), allowNull: true },
    decision: { type: longText, allowNull: true },
    remedy: { type: DataTypes.STRING(24), allowNull: true },
    decided_at: timestamp(true),
    decided_by: ref('users', true),
    decision_late: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    recheck_id: { type: DataTypes.INTEGER, allowNull: true },
    recheck_error: text(true),
    remedy_effect: text(true),
    withdrawn_at: timestamp(true),
  });
  await qi.addIndex('complaints', ['trade_id', 'status'], { name: 'complaints_trade_status' });
  await qi.addIndex('complaints', ['status', 'suspended_until'], { name: 'complaints_suspension' });
  await qi.addIndex('complaints', ['organisation_id'], { name: 'complaints_organisation' });

  await createTable(qi, 'complaint_attachments', {
    ...idColumn,
    owner: { type: DataTypes.STRING(16), allowNull: false },
    owner_id: { type: DataTypes.INTEGER, allowNull: false },
    part: { type: DataTypes.STRING(16), allowNull: false },
    file_name: { type: DataTypes.STRING(255), allowNull: false },
    media_type: { type: DataTypes.STRING(100), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    uploaded_by: ref('users'),
    uploaded_at: timestamp(),
  });
  await qi.addIndex('complaint_attachments', ['owner', 'owner_id'], { name: 'complaint_attachments_owner' });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const table of ['complaint_attachments', 'complaints', 'objections']) await qi.dropTable(table);
}

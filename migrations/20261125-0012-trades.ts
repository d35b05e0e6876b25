// Trades (交易项目) with their notice, opening officials and key shares, lifecycle history,
// documents, registrations (报名), the download register, notifications and region rule overrides.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'trades', {
    ...idColumn,
    code: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    kind: { type: DataTypes.STRING(16), allowNull: false },
    method: { type: DataTypes.STRING(32), allowNull: false },
    region_code: { type: DataTypes.STRING(6), allowNull: false, references: { model: 'regions', key: 'code' }, onDelete: 'RESTRICT', onUpdate: 'RESTRICT' },
    title: { type: DataTypes.STRING(200), allowNull: false },
    state: { type: DataTypes.STRING(24), allowNull: false },
    notice: { type: DataTypes.TEXT, allowNull: false },
    tenderee_organisation_id: ref('organisations'),
    agency_organisation_id: ref('organisations', true),
    documents_until: timestamp(),
    bid_deadline: timestamp(),
    opening_at: timestamp(),
    published_at: timestamp(true),
    opening_certificate_pem: { type: DataTypes.TEXT, allowNull: true },
    opening_certificate_serial: { type: DataTypes.STRING(40), allowNull: true },
    threshold: { type: DataTypes.INTEGER, allowNull: false },
    version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    created_by: ref('users'),
    created_at: timestamp(),
    updated_at: timestamp(),
  });
  await qi.addIndex('trades', ['state', 'bid_deadline'], { name: 'trades_state_deadline' });
  await qi.addIndex('trades', ['region_code'], { name: 'trades_region' });

  await createTable(qi, 'trade_officials', {
    ...idColumn,
    trade_id: ref('trades'),
    user_id: ref('users'),
    certificate_serial: { type: DataTypes.STRING(40), allowNull: true },
    share_index: { type: DataTypes.INTEGER, allowNull: true },
    /** The official's share of the opening key, encrypted to the official's certificate (CMS, DER). */
    sealed_share: { type: DataTypes.BLOB('medium'), allowNull: true },
  });
  await qi.addIndex('trade_officials', ['trade_id', 'user_id'], { name: 'trade_officials_unique', unique: true });

  await createTable(qi, 'trade_transitions', {
    ...idColumn,
    trade_id: ref('trades'),
    seq: { type: DataTypes.INTEGER, allowNull: false },
    name: { type: DataTypes.STRING(32), allowNull: false },
    from_state: { type: DataTypes.STRING(24), allowNull: false },
    to_state: { type: DataTypes.STRING(24), allowNull: false },
    actor: { type: DataTypes.STRING(100), allowNull: false },
    reason: { type: DataTypes.STRING(500), allowNull: true },
    at: timestamp(),
  });
  // A transition is recorded once: two processes firing the same one collide here.
  await qi.addIndex('trade_transitions', ['trade_id', 'seq'], { name: 'trade_transitions_seq', unique: true });

  await createTable(qi, 'trade_documents', {
    ...idColumn,
    trade_id: ref('trades'),
    kind: { type: DataTypes.STRING(24), allowNull: false },
    title: { type: DataTypes.STRING(200), allowNull: false },
    file_name: { type: DataTypes.STRING(255), allowNull: false },
    media_type: { type: DataTypes.STRING(100), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    affects_bids: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    published_at: timestamp(true),
    deadline_from: timestamp(true),
    deadline_to: timestamp(true),
    uploaded_by: ref('users'),
    created_at: timestamp(),
  });
  await qi.addIndex('trade_documents', ['trade_id'], { name: 'trade_documents_trade' });

  await createTable(qi, 'trade_registrations', {
    ...idColumn,
    trade_id: ref('trades'),
    organisation_id: ref('organisations'),
    user_id: ref('users'),
    registered_at: timestamp(),
  });
  await qi.addIndex('trade_registrations', ['trade_id', 'organisation_id'], { name: 'trade_registrations_unique', unique: true });

  await createTable(qi, 'document_downloads', {
    ...idColumn,
    trade_id: ref('trades'),
    document_id: ref('trade_documents'),
    organisation_id: ref('organisations'),
    user_id: ref('users'),
    at: timestamp(),
  });
  await qi.addIndex('document_downloads', ['trade_id'], { name: 'document_downloads_trade' });

  await createTable(qi, 'notifications', {
    ...idColumn,
    user_id: ref('users'),
    trade_id: ref('trades', true),
    kind: { type: DataTypes.STRING(32), allowNull: false },
    title: { type: DataTypes.STRING(200), allowNull: false },
    body: { type: DataTypes.TEXT, allowNull: false },
    created_at: timestamp(),
    read_at: timestamp(true),
  });
  await qi.addIndex('notifications', ['user_id', 'read_at'], { name: 'notifications_user' });

  await createTable(qi, 'rule_overrides', {
    ...idColumn,
    region_code: { type: DataTypes.STRING(6), allowNull: false, references: { model: 'regions', key: 'code' }, onDelete: 'RESTRICT', onUpdate: 'RESTRICT' },
    rule_id: { type: DataTypes.STRING(64), allowNull: false },
    value: { type: DataTypes.DOUBLE, allowNull: false },
    updated_by: ref('users'),
    updated_at: timestamp(),
  });
  await qi.addIndex('rule_overrides', ['region_code', 'rule_id'], { name: 'rule_overrides_unique', unique: true });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const table of ['rule_overrides', 'notifications', 'document_downloads', 'trade_registrations', 'trade_documents', 'trade_transitions', 'trade_officials', 'trades']) {
    await qi.dropTable(table);
  }
}

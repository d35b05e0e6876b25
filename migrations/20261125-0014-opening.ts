// The opening hall: one session per trade, submitted shares (wiped after use), per-bid results,
// the numbered event log of the live hall, and the bidders' confirmations of the record.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  await createTable(qi, 'opening_sessions', {
    trade_id: { ...ref('trades'), primaryKey: true },
    state: { type: DataTypes.STRING(16), allowNull: false },
    mode: { type: DataTypes.STRING(16), allowNull: false },
    started_at: timestamp(),
    started_by: ref('users'),
    unlock_until: timestamp(true),
    record: { type: qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT, allowNull: true },
    published_at: timestamp(true),
    confirm_until: timestamp(true),
    closed_at: timestamp(true),
    last_seq: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });
  await qi.addIndex('opening_sessions', ['state', 'confirm_until'], { name: 'opening_sessions_due' });

  await createTable(qi, 'opening_share_submissions', {
    ...idColumn,
    trade_id: ref('trades'),
    user_id: ref('users'),
    share_index: { type: DataTypes.INTEGER, allowNull: false },
    /** The decrypted share while the opening needs it; set to NULL once the key has been rebuilt and used. */
    share: { type: DataTypes.TEXT, allowNull: true },
    submitted_at: timestamp(),
  });
  await qi.addIndex('opening_share_submissions', ['trade_id', 'user_id'], { name: 'opening_shares_unique', unique: true });

  await createTable(qi, 'opening_results', {
    ...idColumn,
    trade_id: ref('trades'),
    bid_id: { ...ref('bids'), unique: true },
    ord: { type: DataTypes.INTEGER, allowNull: false },
    outcome: { type: DataTypes.STRING(16), allowNull: false },
    reason: { type: DataTypes.STRING(32), allowNull: true },
    detail: { type: DataTypes.STRING(500), allowNull: true },
    bid_json: { type: DataTypes.TEXT, allowNull: true },
    price_fen: { type: DataTypes.BIGINT, allowNull: true },
    inner_signer_serial: { type: DataTypes.STRING(40), allowNull: true },
    package_sha256: { type: DataTypes.STRING(64), allowNull: true },
    at: timestamp(),
  });
  await qi.addIndex('opening_results', ['trade_id'], { name: 'opening_results_trade' });

  await createTable(qi, 'opening_events', {
    ...idColumn,
    trade_id: ref('trades'),
    seq: { type: DataTypes.INTEGER, allowNull: false },
    type: { type: DataTypes.STRING(32), allowNull: false },
    payload: { type: DataTypes.TEXT, allowNull: false },
    at: timestamp(),
  });
  await qi.addIndex('opening_events', ['trade_id', 'seq'], { name: 'opening_events_seq', unique: true });

  await createTable(qi, 'opening_confirmations', {
    ...idColumn,
    trade_id: ref('trades'),
    organisation_id: ref('organisations'),
    user_id: ref('users'),
    decision: { type: DataTypes.STRING(16), allowNull: false },
    text: { type: DataTypes.TEXT, allowNull: true },
    at: timestamp(),
  });
  await qi.addIndex('opening_confirmations', ['trade_id', 'organisation_id'], { name: 'opening_confirmations_unique', unique: true });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const table of ['opening_confirmations', 'opening_events', 'opening_results', 'opening_share_submissions', 'opening_sessions']) await qi.dropTable(table);
}

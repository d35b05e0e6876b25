// Award: candidate publicity rounds, each candidate's standing per trade, the award notices (a new
// one per pass-on, earlier ones void) with the result notices to the other bidders, and the contract
// record. Generated PDFs and the signed contract are blobs, named by their SHA-256.
import { DataTypes } from 'sequelize';
import type { MigrationContext } from '../server/db/migrator.js';
import { createTable, idColumn, ref, timestamp } from './_helpers.js';

export async function up({ queryInterface: qi }: MigrationContext): Promise<void> {
  const longText = qi.sequelize.getDialect() === 'mysql' ? DataTypes.TEXT('long') : DataTypes.TEXT;
  await createTable(qi, 'award_publicities', {
    ...idColumn,
    trade_id: ref('trades'),
    round: { type: DataTypes.INTEGER, allowNull: false },
    title: { type: DataTypes.STRING(40), allowNull: false },
    candidates: { type: longText, allowNull: false },
    starts_at: timestamp(),
    ends_at: timestamp(),
    last_day: { type: DataTypes.STRING(10), allowNull: false },
    period_rule: { type: DataTypes.STRING(64), allowNull: false },
    period_value: { type: DataTypes.INTEGER, allowNull: false },
    publish_by: timestamp(true),
    late: { type: DataTypes.BOOLEAN, allowNull: false },
    note: { type: DataTypes.STRING(1000), allowNull: true },
    withdrawn_at: timestamp(true),
    withdrawn_reason: { type: DataTypes.STRING(1000), allowNull: true },
    created_by: ref('users'),
  });
  await qi.addIndex('award_publicities', ['trade_id', 'round'], { name: 'award_publicities_round', unique: true });
  await qi.addIndex('award_publicities', ['ends_at'], { name: 'award_publicities_ends' });

  await createTable(qi, 'award_candidates', {
    ...idColumn,
    trade_id: ref('trades'),
    bid_id: ref('bids'),
    organisation_id: ref('organisations'),
    rank: { type: DataTypes.INTEGER, allowNull: false },
    bidder_name: { type: DataTypes.STRING(200), allowNull: false },
    uscc: { type: DataTypes.STRING(18), allowNull: false },
    price_fen: { type: DataTypes.BIGINT, allowNull: false },
    total_score: { type: DataTypes.DOUBLE, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    reason: { type: DataTypes.STRING(1000), allowNull: true },
    decided_at: timestamp(true),
    decided_by: { type: DataTypes.STRING(80), allowNull: true },
  });
  await qi.addIndex('award_candidates', ['trade_id', 'bid_id'], { name: 'award_candidates_unique', unique: true });

  await createTable(qi, 'awards', {
    ...idColumn,
    trade_id: ref('trades'),
    seq: { type: DataTypes.INTEGER, allowNull: false },
    publicity_id: ref('award_publicities'),
    bid_id: ref('bids'),
    organisation_id: ref('organisations'),
    price_fen: { type: DataTypes.BIGINT, allowNull: false },
    total_score: { type: DataTypes.DOUBLE, allowNull: true },
    status: { type: DataTypes.STRING(16), allowNull: false },
    awarded_at: timestamp(),
    notice_deadline: timestamp(true),
    notice_late: { type: DataTypes.BOOLEAN, allowNull: false },
    contract_deadline: timestamp(),
    contract_last_day: { type: DataTypes.STRING(10), allowNull: false },
    warn_at: timestamp(),
    warning_sent_at: timestamp(true),
    notice_title: { type: DataTypes.STRING(40), allowNull: false },
    notice_sha256: { type: DataTypes.STRING(64), allowNull: false },
    notice_size: { type: DataTypes.INTEGER, allowNull: false },
    voided_at: timestamp(true),
    void_reason: { type: DataTypes.STRING(1000), allowNull: true },
    created_by: { type: DataTypes.STRING(80), allowNull: false },
  });
  await qi.addIndex('awards', ['trade_id', 'seq'], { name: 'awards_seq', unique: true });
  await qi.addIndex('awards', ['status', 'warn_at'], { name: 'awards_warn' });

  await createTable(qi, 'award_result_notices', {
    ...idColumn,
    award_id: ref('awards'),
    trade_id: ref('trades'),
    bid_id: ref('bids'),
    organisation_id: ref('organisations'),
    bidder_name: { type: DataTypes.STRING(200), allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    size: { type: DataTypes.INTEGER, allowNull: false },
  });
  await qi.addIndex('award_result_notices', ['award_id', 'bid_id'], { name: 'award_result_notices_unique', unique: true });

  await createTable(qi, 'contract_records', {
    ...idColumn,
    trade_id: ref('trades'),
    award_id: ref('awards'),
    signed_on: { type: DataTypes.STRING(10), allowNull: false },
    amount_fen: { type: DataTypes.BIGINT, allowNull: false },
    parties: { type: DataTypes.TEXT, allowNull: false },
    file_name: { type: DataTypes.STRING(200), allowNull: false },
    media_type: { type: DataTypes.STRING(100), allowNull: false },
    size: { type: DataTypes.BIGINT, allowNull: false },
    sha256: { type: DataTypes.STRING(64), allowNull: false },
    due_by: { type: DataTypes.STRING(10), allowNull: false },
    late: { type: DataTypes.BOOLEAN, allowNull: false },
    recorded_at: timestamp(),
    recorded_by: ref('users'),
  });
  await qi.addIndex('contract_records', ['trade_id'], { name: 'contract_records_trade', unique: true });
}

export async function down({ queryInterface: qi }: MigrationContext): Promise<void> {
  for (const table of ['contract_records', 'award_result_notices', 'awards', 'award_candidates', 'award_publicities']) await qi.dropTable(table);
}

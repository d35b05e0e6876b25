import { expect } from 'chai';
import { loadConfig } from '../server/config.js';
import { createDatabase, dialectOf, type Db } from '../server/db/index.js';
import { createMigrator, migrateDownAll, migrateUp } from '../server/db/migrator.js';
import { freshDatabase, targetDialect, type FreshDatabase } from './helpers/database.js';

async function tables(db: Db): Promise<string[]> {
  const names = (await db.getQueryInterface().showAllTables()) as (string | { tableName: string })[];
  return names.map((n) => (typeof n === 'string' ? n : n.tableName)).filter((n) => n !== 'schema_migrations' && !n.startsWith('sqlite_')).sort();
}

describe(`migrations (${targetDialect()})`, () => {
  let database: FreshDatabase;
  let db: Db;
  before(async () => {
    database = await freshDatabase();
    db = createDatabase(loadConfig({ ...database.env }));
  });
  after(async () => {
    await db.close();
    await database.drop();
  });

  it('runs on the dialect this run targets', () => {
    expect(dialectOf(db)).to.equal(targetDialect());
  });

  it('runs every migration up, then every one down to an empty schema, then up again', async () => {
    const pending = (await createMigrator(db).pending()).map((m) => m.name);
    expect(pending.length).to.be.greaterThan(5);
    expect(await migrateUp(db)).to.deep.equal(pending);
    expect(await tables(db)).to.include.members(['regions', 'organisations', 'users', 'sessions', 'login_throttle', 'audit_events', 'audit_head']);
    expect(await createMigrator(db).pending()).to.have.length(0);

    const reverted = await migrateDownAll(db);
    expect(reverted).to.deep.equal([...pending].reverse());
    expect(await tables(db)).to.deep.equal([]);

    expect(await migrateUp(db)).to.deep.equal(pending);
    const [head] = await db.query('SELECT seq, hash FROM audit_head');
    expect(head).to.deep.equal([{ seq: 0, hash: '0'.repeat(64) }]);
  });

  it('is idempotent: a second up applies nothing', async () => {
    expect(await migrateUp(db)).to.deep.equal([]);
  });

  it('stores Chinese text and millisecond times unchanged', async () => {
    await db.query("INSERT INTO regions (code, name, name_en, level, parent_code) VALUES ('110000', '北京市', 'Beijing', 'province', NULL)");
    const [rows] = await db.query("SELECT name FROM regions WHERE code = '110000'");
    expect(rows).to.deep.equal([{ name: '北京市' }]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { buildBidPackage } from '../../crypto/bid-package.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { combineShares } from '../../crypto/opening-key.js';
import { sealBid } from '../../crypto/sealed-bid.js';
import type { TradeView } from '../../contracts/trades.js';
import { dialectOf } from '../../server/db/index.js';
import { DEMO_ORGANISATIONS } from '../../server/seed/demo-data.js';
import { givenApp, type TestApp } from '../helpers/app.js';
import { closeBidding, officialShareText, startOpening, submitShare } from '../helpers/opening.js';
import { enrol, publishedTrade, register, uploadBid } from '../helpers/trades.js';

const SECRET_PRICES = [734_251_986, 741_862_935, 758_193_624];
const SECRET_TEXT = '绝密：施工组织设计 第七章 关键技术参数 XJ-7734-甲';

/**
 * An insider — a database administrator with the data directory — before the opening: a dump of
 * every table and every file holds no bid price and no bid content. One official's share alone
 * rebuilds nothing. After the opening the same search finds the prices (the search works).
 */
describe('insider: no bid is readable before the opening', function () {
  this.timeout(300_000);
  let app: TestApp;
  let trade: TradeView;

  before(async () => {
    app = await givenApp();
    trade = await publishedTrade(app, 'construction');
    for (const [i, bidder] of ['bidder1', 'bidder2', 'bidder3'].entries()) {
      expect((await register(app, trade.id, bidder)).status).to.equal(201);
      const org = DEMO_ORGANISATIONS.find((o) => o.key === bidder)!;
      const pkg = await buildBidPackage(
        { format: 'tenderhall-bid', version: 1, trade: trade.code, bidder: { uscc: org.uscc, name: org.name }, lot: '1', priceFen: SECRET_PRICES[i]!, projectManager: '王建国' },
        [{ name: '技术标.txt', bytes: new TextEncoder().encode(`${SECRET_TEXT}\n`.repeat(50)) }],
      );
      const sealed = await sealBid(pkg, await enrol(app, bidder), trade.openingCertificatePem!, { provider: nodeProvider });
      expect((await uploadBid(app, trade.id, bidder, sealed)).status).to.equal(201);
    }
  });
  after(async () => app?.stop());

  /** Every row of every table, as text, plus every file under DATA_DIR (the SQLite file and its WAL among them). */
  async function dump(): Promise<Buffer> {
    const parts: Buffer[] = [];
    const tables =
      dialectOf(app.db) === 'sqlite'
        ? (await app.db.query<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'", { type: QueryTypes.SELECT })).map((r) => r.name)
        : (await app.db.query<Record<string, string>>('SHOW TABLES', { type: QueryTypes.SELECT })).map((r) => Object.values(r)[0]!);
    for (const table of tables) {
      const rows = await app.db.query(`SELECT * FROM ${table}`, { type: QueryTypes.SELECT });
      parts.push(Buffer.from(JSON.stringify(rows, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('latin1') : v))));
    }
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile()) parts.push(fs.readFileSync(full));
      }
    };
    walk(app.config.dataDir);
    return Buffer.concat(parts);
  }

  const secrets = () => [...SECRET_PRICES.map((p) => `"priceFen":${p}`), ...SECRET_PRICES.map(String), SECRET_TEXT, '王建国'];

  it('a dump of the database and the data directory holds no price and no content before the opening', async () => {
    await closeBidding(app, trade);
    const bytes = await dump();
    expect(bytes.length).to.be.greaterThan(100_000);
    for (const secret of secrets()) expect(bytes.includes(Buffer.from(secret, 'utf8')), secret).to.equal(false);
  });

  it('one official’s share alone opens nothing, neither through the hall nor offline', async () => {
    await startOpening(app, trade);
    const one = await officialShareText(app, trade, 'official1');
    const error = await combineShares([one], { openingCertificatePem: trade.openingCertificatePem!, tradeId: trade.code }).then(
      () => null,
      (e: { code?: string }) => e.code,
    );
    expect(error).to.equal('SHARES_INSUFFICIENT');
    const res = await submitShare(app, trade, 'official1');
    expect(res.body.results).to.deep.equal([]);
    expect(res.body.record).to.equal(null);
    const bytes = await dump();
    for (const secret of secrets()) expect(bytes.includes(Buffer.from(secret, 'utf8')), secret).to.equal(false);
  });

  it('after the opening the same search finds the prices (so the search itself works)', async () => {
    const res = await submitShare(app, trade, 'official2');
    expect(res.body.record.validBids).to.equal(3);
    const bytes = await dump();
    for (const price of SECRET_PRICES) expect(bytes.includes(Buffer.from(String(price)))).to.equal(true);
  });
});

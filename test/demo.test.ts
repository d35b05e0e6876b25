import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { TRADE_KINDS } from '../contracts/trades.js';
import { sha256Hex } from '../crypto/digest.js';
import { verifyReceipt } from '../crypto/receipt.js';
import { DEMO_ORGANISATIONS } from '../server/seed/demo-data.js';
import { freshDatabase, type FreshDatabase } from './helpers/database.js';
import { runToEnd } from './helpers/processes.js';

const BIDDERS = ['bidder1', 'bidder2', 'bidder3', 'bidder4', 'bidder5'];
const OFFICIALS = ['official1', 'official2', 'official3'];

/** `npm run demo` on a fresh DATA_DIR (and a fresh MariaDB database when DATABASE_URL says so) leaves its artefacts under DATA_DIR/demo. */
describe('npm run demo', function () {
  this.timeout(600_000);
  let database: FreshDatabase;
  let env: Record<string, string>;
  before(async () => {
    database = await freshDatabase();
    // SQLite runs get no DATABASE_URL at all (not the one of the mocha run)
    env = { DATABASE_URL: '', ...database.env };
  });
  after(async () => database?.drop());

  it('publishes five trades, seals and receipts 5×5 bids, closes one trade at its deadline and verifies the audit chain', async () => {
    const { code, output } = await runToEnd('npm', ['run', '-s', 'demo'], env);
    expect(code, output).to.equal(0);
    expect(output).to.contain('[1] 启动平台').and.to.contain('USCC_BAD_CHECK_DIGIT').and.to.contain('完成 Done');
    expect(output).to.contain('409 BID_DEADLINE_PASSED');
    const demo = path.join(database.dataDir, 'demo');
    const summary = JSON.parse(fs.readFileSync(path.join(demo, 'summary.json'), 'utf8'));
    expect(summary.database).to.match(database.dialect === 'mysql' ? /^MySQL\/MariaDB mysql:/ : /^SQLite /);

    // five trades, one of each kind; the construction trade passed its deadline, the others still take bids
    expect(summary.trades).to.have.length(5);
    expect(summary.trades.map((t: { kind: string }) => t.kind).sort()).to.deep.equal([...TRADE_KINDS].sort());
    for (const trade of summary.trades) {
      expect(trade.code).to.match(/^\d{6}-\d{4}-\d{4}$/);
      expect(trade.method).to.equal('open_tender');
      expect(trade.state).to.equal(trade.kind === 'construction' ? 'opening' : 'bidding');
      for (const official of OFFICIALS) {
        const share = fs.readFileSync(path.join(demo, 'shares', trade.code, `${official}.share.cms`));
        expect(share[0], `${trade.code} ${official} share is DER`).to.equal(0x30);
        expect(share.length).to.be.greaterThan(500);
      }
    }

    // for each of five bidders × five trades: envelope + .sig + receipt, the receipt verifying and naming the envelope on disk
    const rootPem = fs.readFileSync(path.join(demo, 'keys', 'root.crt'), 'utf8');
    for (const trade of summary.trades) {
      const dir = path.join(demo, 'bids', trade.code);
      for (const bidder of BIDDERS) {
        const envelope = fs.readFileSync(path.join(dir, `${bidder}.sealed`));
        expect(fs.statSync(path.join(dir, `${bidder}.sealed.sig`)).size).to.be.greaterThan(0);
        const verified = await verifyReceipt(new Uint8Array(fs.readFileSync(path.join(dir, `${bidder}.receipt.p7s`))), { trustAnchorsPem: rootPem });
        expect(verified.fields.trade).to.equal(trade.code);
        expect(verified.fields.sha256, `${trade.code} ${bidder}`).to.equal(await sha256Hex(new Uint8Array(envelope)));
        expect(verified.fields.size).to.equal(envelope.length);
        expect(verified.fields.bidder).to.equal(DEMO_ORGANISATIONS.find((o) => o.key === bidder)!.uscc);
        const content = JSON.parse(fs.readFileSync(path.join(dir, `${bidder}.receipt.json`), 'utf8'));
        expect(content).to.deep.equal(verified.fields);
        const listed = summary.bids.find((b: { trade: string; bidder: string; status: string }) => b.trade === trade.code && b.bidder === bidder && b.status === 'current');
        expect(listed, `${trade.code} ${bidder} in summary.json`).to.include({ sha256: verified.fields.sha256, size: envelope.length, receivedAt: verified.fields.receivedAt, envelope: path.join('bids', trade.code, `${bidder}.sealed`) });
      }
      // the bid plaintext never stays beside the sealed files
      expect(fs.readdirSync(dir).filter((f) => !/\.(sealed|sealed\.sig|receipt\.p7s|receipt\.json)$/.test(f))).to.deep.equal([]);
    }

    // bidder2's first construction bid was replaced: kept as seq1, listed as replaced, its receipt still verifying
    const construction = summary.trades.find((t: { kind: string }) => t.kind === 'construction');
    const bidder2 = summary.bids.filter((b: { trade: string; bidder: string }) => b.trade === construction.code && b.bidder === 'bidder2');
    expect(bidder2.map((b: { seq: number; status: string }) => `${b.seq} ${b.status}`)).to.deep.equal(['1 replaced', '2 current']);
    const seq1 = path.join(demo, bidder2[0].envelope);
    const old = await verifyReceipt(new Uint8Array(fs.readFileSync(path.join(demo, bidder2[0].receipt))), { trustAnchorsPem: rootPem });
    expect(old.fields.sha256).to.equal(await sha256Hex(new Uint8Array(fs.readFileSync(seq1))));
    expect(summary.bids).to.have.length(26);

    // the opening preview opened bidder2's current bid with two of the three shares
    const opened = JSON.parse(fs.readFileSync(path.join(demo, 'opening-preview', construction.code, 'bidder2.bid.json'), 'utf8'));
    expect(opened).to.include({ format: 'tenderhall-bid', trade: construction.code, lot: '1' });
    expect(opened.bidder.uscc).to.equal(DEMO_ORGANISATIONS.find((o) => o.key === 'bidder2')!.uscc);

    const verification = JSON.parse(fs.readFileSync(path.join(demo, 'audit-verification.json'), 'utf8'));
    expect(verification).to.include({ ok: true, firstBrokenSeq: null });
    const chain = fs.readFileSync(path.join(demo, 'audit-chain.jsonl'), 'utf8').trim().split('\n');
    expect(chain).to.have.length(verification.checked);
    const actions = chain.map((line) => JSON.parse(line).action as string);
    expect(actions.filter((a) => a === 'bid.received')).to.have.length(25);
    expect(actions).to.include('bid.replaced').and.to.include('trade.opening_key_split');
    const pdf = fs.readFileSync(path.join(demo, 'audit-report.pdf'));
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(demo, 'audit-report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).to.contain('审计链校验报告').and.to.contain('完整，未发现篡改');
    expect(summary.outputs).to.include('audit-report.pdf');
  });

  it('refuses a database that is not fresh', async () => {
    const { code, output } = await runToEnd('npm', ['run', '-s', 'demo'], env);
    expect(code).to.equal(1);
    expect(output).to.contain('needs a fresh one');
    // and leaves the first run's artefacts alone
    expect(fs.existsSync(path.join(database.dataDir, 'demo', 'summary.json'))).to.equal(true);
  });
});

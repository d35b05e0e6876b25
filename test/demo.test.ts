import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { runToEnd } from './helpers/processes.js';

/** `npm run demo` on a fresh DATA_DIR leaves its artefacts under DATA_DIR/demo. */
describe('npm run demo', function () {
  this.timeout(180_000);
  let dataDir: string;
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenderhall-demo-test-'));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('runs every stage that exists and writes the audit verification, chain and PDF', async () => {
    // The demo always runs on its own SQLite file: DATABASE_URL from a MariaDB test run is not passed on.
    const { code, output } = await runToEnd('npm', ['run', '-s', 'demo'], { DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(code, output).to.equal(0);
    expect(output).to.contain('[1] 启动平台').and.to.contain('USCC_BAD_CHECK_DIGIT').and.to.contain('完成 Done');
    const demo = path.join(dataDir, 'demo');
    const verification = JSON.parse(fs.readFileSync(path.join(demo, 'audit-verification.json'), 'utf8'));
    expect(verification).to.include({ ok: true, firstBrokenSeq: null });
    const chain = fs.readFileSync(path.join(demo, 'audit-chain.jsonl'), 'utf8').trim().split('\n');
    expect(chain).to.have.length(verification.checked);
    const pdf = fs.readFileSync(path.join(demo, 'audit-report.pdf'));
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(demo, 'audit-report.pdf'), '-'], { encoding: 'utf8' });
    expect(text).to.contain('审计链校验报告').and.to.contain('完整，未发现篡改');
    const summary = JSON.parse(fs.readFileSync(path.join(demo, 'summary.json'), 'utf8'));
    expect(summary.outputs).to.include('audit-report.pdf');
  });

  it('refuses a DATA_DIR that already holds a database', async () => {
    const { code, output } = await runToEnd('npm', ['run', '-s', 'demo'], { DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(code).to.equal(1);
    expect(output).to.contain('needs a fresh one');
  });
});

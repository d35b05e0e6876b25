import { expect } from 'chai';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runToEnd } from '../helpers/processes.js';
import { openssl, TestPki, tempDir, writeFile } from '../helpers/test-pki.js';

/** `tenderhall share …` and `tenderhall receipt …` as a user runs them: real processes, real files. */
describe('tenderhall share / receipt CLI', function () {
  this.timeout(180_000);
  const pki = new TestPki('Tenderhall CLI Test Root');
  const opening = pki.issue('opening', 'Opening key T-CLI-1');
  const officials = [1, 2, 3].map((i) => pki.issue('official', `Official ${i}`));
  const platform = pki.issue('platform', 'Tenderhall Platform');
  const tsa = pki.issue('tsa', 'Tenderhall TSA');
  const dir = tempDir('tenderhall-cli-');
  const keyPath = writeFile(dir, 'opening.key', opening.privateKeyPem);
  const certPath = writeFile(dir, 'opening.crt', opening.certificatePem);
  const rootPath = writeFile(dir, 'root.crt', pki.root.certificatePem);
  const cli = (...args: string[]) => runToEnd('node', ['bin/tenderhall.js', ...args], { LOG_LEVEL: 'silent' });
  const sharesDir = join(dir, 'shares');

  before(async () => {
    const split = await cli('share', 'split', '--key', keyPath, '--cert', certPath, '--trade', 'T-CLI-1', '--k', '3', '--n', '5', '--out', sharesDir);
    expect(split.code, split.output).to.equal(0);
  });

  it('share split writes n share files; share combine rebuilds the byte-identical key from any k of them', async () => {
    expect(readdirSync(sharesDir).sort()).to.deep.equal(['share-1.json', 'share-2.json', 'share-3.json', 'share-4.json', 'share-5.json']);
    expect(statSync(join(sharesDir, 'share-1.json')).mode & 0o777).to.equal(0o600);
    const out = join(dir, 'rebuilt.key');
    const combined = await cli('share', 'combine', '--out', out, '--cert', certPath, '--trade', 'T-CLI-1', join(sharesDir, 'share-5.json'), join(sharesDir, 'share-2.json'), join(sharesDir, 'share-4.json'));
    expect(combined.code, combined.output).to.equal(0);
    expect(combined.output).to.contain('matches the opening certificate');
    expect(readFileSync(out, 'utf8')).to.equal(opening.privateKeyPem);
    expect(statSync(out).mode & 0o777).to.equal(0o600);
    const check = openssl(['pkey', '-in', out, '-check', '-noout']);
    expect(check.status, check.output).to.equal(0);
  });

  it('share combine refuses k−1 shares, a corrupted share and a foreign share with a one-line typed error and exit 1', async () => {
    const out = join(dir, 'never.key');
    const few = await cli('share', 'combine', '--out', out, join(sharesDir, 'share-1.json'), join(sharesDir, 'share-2.json'));
    expect(few.code).to.equal(1);
    expect(few.output.trim()).to.match(/^tenderhall: SHARES_INSUFFICIENT: /);
    expect(few.output.trim().split('\n')).to.have.length(1);

    const corrupted = Buffer.from(readFileSync(join(sharesDir, 'share-3.json')));
    corrupted[120] = corrupted[120]! ^ 0x04;
    const badPath = writeFile(dir, 'share-3-bad.json', corrupted);
    const bad = await cli('share', 'combine', '--out', out, join(sharesDir, 'share-1.json'), join(sharesDir, 'share-2.json'), badPath);
    expect(bad.code).to.equal(1);
    expect(bad.output).to.match(/^tenderhall: SHARE_CORRUPTED: /);

    const otherDir = join(dir, 'other');
    expect((await cli('share', 'split', '--key', keyPath, '--trade', 'T-CLI-2', '--k', '3', '--n', '3', '--out', otherDir)).code).to.equal(0);
    const foreign = await cli('share', 'combine', '--out', out, '--trade', 'T-CLI-1', join(sharesDir, 'share-1.json'), join(sharesDir, 'share-2.json'), join(otherDir, 'share-3.json'));
    expect(foreign.code).to.equal(1);
    expect(foreign.output).to.match(/^tenderhall: SHARE_FOREIGN: /);
    expect(() => readFileSync(out)).to.throw();
  });

  it('share split --to seals each share to one official; share open decrypts it; combine rebuilds', async () => {
    const sealedDir = join(dir, 'sealed');
    const certs = officials.map((o, i) => writeFile(dir, `official-${i + 1}.crt`, o.certificatePem));
    const split = await cli('share', 'split', '--key', keyPath, '--cert', certPath, '--trade', 'T-CLI-1', '--k', '2', '--n', '3', '--out', sealedDir, '--to', certs.join(','));
    expect(split.code, split.output).to.equal(0);
    expect(readdirSync(sealedDir).sort()).to.deep.equal(['share-1.cms', 'share-2.cms', 'share-3.cms']);
    const opened: string[] = [];
    for (const i of [1, 3]) {
      const officialKey = writeFile(dir, `official-${i}.key`, officials[i - 1]!.privateKeyPem);
      const out = join(dir, `opened-${i}.json`);
      const open = await cli('share', 'open', '--in', join(sealedDir, `share-${i}.cms`), '--key', officialKey, '--out', out);
      expect(open.code, open.output).to.equal(0);
      opened.push(out);
    }
    const wrongKey = writeFile(dir, 'official-2.key', officials[1]!.privateKeyPem);
    const wrong = await cli('share', 'open', '--in', join(sealedDir, 'share-1.cms'), '--key', wrongKey, '--out', join(dir, 'x.json'));
    expect(wrong.code).to.equal(1);
    expect(wrong.output).to.match(/^tenderhall: NOT_A_RECIPIENT: /);
    const rebuilt = join(dir, 'rebuilt-sealed.key');
    const combined = await cli('share', 'combine', '--out', rebuilt, '--cert', certPath, ...opened);
    expect(combined.code, combined.output).to.equal(0);
    expect(readFileSync(rebuilt, 'utf8')).to.equal(opening.privateKeyPem);
  });

  it('share split refuses bad k/n as a usage error (exit 2)', async () => {
    const result = await cli('share', 'split', '--key', keyPath, '--k', '1', '--n', '3', '--out', join(dir, 'nope'));
    expect(result.code).to.equal(2);
  });

  it('receipt make + receipt verify: prints the fields and the timestamp; openssl agrees; tampering exits 1 with the code', async () => {
    const sealed = writeFile(dir, 'bid.cms', 'pretend this is a sealed envelope');
    const receiptPath = join(dir, 'bid.receipt');
    const paths = {
      key: writeFile(dir, 'platform.key', platform.privateKeyPem),
      cert: writeFile(dir, 'platform.crt', platform.certificatePem),
      tsaKey: writeFile(dir, 'tsa.key', tsa.privateKeyPem),
      tsaCert: writeFile(dir, 'tsa.crt', tsa.certificatePem),
    };
    const made = await cli('receipt', 'make', '--file', sealed, '--trade', 'T-CLI-1', '--bidder', '91110000MA01ABCD2X', '--seq', '3', '--key', paths.key, '--cert', paths.cert, '--tsa-key', paths.tsaKey, '--tsa-cert', paths.tsaCert, '--out', receiptPath);
    expect(made.code, made.output).to.equal(0);

    const verified = await cli('receipt', 'verify', '--in', receiptPath, '--ca', rootPath, '--file', sealed);
    expect(verified.code, verified.output).to.equal(0);
    expect(verified.output).to.contain('receipt OK');
    expect(verified.output).to.match(/trade\s+T-CLI-1/);
    expect(verified.output).to.match(/seq\s+3/);
    expect(verified.output).to.match(/timestamp\s+\d{4}-\d{2}-\d{2}T/);
    const json = await cli('receipt', 'verify', '--in', receiptPath, '--ca', rootPath, '--json');
    expect(JSON.parse(json.output)).to.include({ trade: 'T-CLI-1', bidder: '91110000MA01ABCD2X', seq: 3 });

    const cms = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', receiptPath, '-CAfile', rootPath, '-out', join(dir, 'receipt.json')]);
    expect(cms.status, cms.output).to.equal(0);

    const der = Buffer.from(readFileSync(receiptPath));
    const at = der.indexOf('"seq":3') + 6;
    der[at] = 0x34; // seq 3 → 4
    const tamperedPath = writeFile(dir, 'tampered.receipt', der);
    const tampered = await cli('receipt', 'verify', '--in', tamperedPath, '--ca', rootPath);
    expect(tampered.code).to.equal(1);
    expect(tampered.output.trim()).to.match(/^tenderhall: RECEIPT_INVALID: /);

    const strangerRoot = writeFile(dir, 'stranger.crt', new TestPki('Stranger Root').root.certificatePem);
    const untrusted = await cli('receipt', 'verify', '--in', receiptPath, '--ca', strangerRoot);
    expect(untrusted.code).to.equal(1);
    expect(untrusted.output).to.match(/^tenderhall: CERT_UNTRUSTED: /);

    writeFileSync(join(dir, 'other.cms'), 'another file');
    const otherFile = await cli('receipt', 'verify', '--in', receiptPath, '--ca', rootPath, '--file', join(dir, 'other.cms'));
    expect(otherFile.code).to.equal(1);
    expect(otherFile.output).to.match(/^tenderhall: RECEIPT_INVALID: .*not the file/);
  });
});

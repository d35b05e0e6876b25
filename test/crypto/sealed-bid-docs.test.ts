import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sealBidFile } from '../../crypto/node/sealed-bid-file.js';
import { projectRoot } from '../../server/kernel/paths.js';
import { OPENSSL, removeDir, sealPki, sha256File, tempDir, writePrngFile } from './helpers.js';

/** The auditor's OpenSSL commands of docs/sealed-bid-format.md, run exactly as documented. */
function documentedCommands(): string[] {
  const doc = readFileSync(join(projectRoot, 'docs/sealed-bid-format.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## How an auditor checks a sealed bid with OpenSSL'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.startsWith('openssl '));
}

describe('docs/sealed-bid-format.md: the auditor commands', function () {
  this.timeout(120_000);
  const pki = sealPki();
  let dir: string;
  let want: string;
  before(async () => {
    dir = tempDir();
    want = await writePrngFile(join(dir, 'bid.bin'), 300_000, 4);
    await sealBidFile({ inputPath: join(dir, 'bid.bin'), outputPath: join(dir, 'SEALED'), bidder: { ...pki.bidder, chainPem: [pki.issuingPem] }, openingCertificatePem: pki.opening.certificatePem });
    copyFileSync(pki.rootPath, join(dir, 'root.crt'));
    copyFileSync(pki.chainPath, join(dir, 'chain.pem'));
    copyFileSync(pki.opening.certPath, join(dir, 'opening.crt'));
    copyFileSync(pki.opening.keyPath, join(dir, 'opening.key'));
  });
  after(() => removeDir(dir));

  it('documents at least the outer check, the decryption and the inner check', () => {
    const commands = documentedCommands();
    expect(commands.some((c) => c.includes('-in SEALED.sig -content SEALED -CAfile root.crt'))).to.equal(true);
    expect(commands.some((c) => c.startsWith('openssl cms -decrypt'))).to.equal(true);
    expect(commands.some((c) => c.includes('-in inner.der') && c.includes('-verify'))).to.equal(true);
  });

  it('runs every documented command successfully, in order, and ends with the byte-exact bid package', async () => {
    for (const command of documentedCommands()) {
      const result = spawnSync('sh', ['-c', command.replace(/^openssl /, `${OPENSSL} `)], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      expect(result.status, `${command}\n${result.stderr}`).to.equal(0);
    }
    expect(existsSync(join(dir, 'bid.zip'))).to.equal(true);
    expect(statSync(join(dir, 'bid.zip')).size).to.equal(300_000);
    expect(await sha256File(join(dir, 'bid.zip'))).to.equal(want);
  });
});

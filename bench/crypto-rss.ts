/** Child of bench/crypto.ts: seals or opens one big file and prints its own peak RSS. */
import fs from 'node:fs';
import { openFile, sealFile } from '../crypto/node/sealed-file.js';

const [mode, file, certPath, keyPath] = process.argv.slice(2) as [string, string, string, string];
const certificatePem = fs.readFileSync(certPath, 'utf8');
const privateKeyPem = fs.readFileSync(keyPath, 'utf8');
if (mode === 'seal') {
  await sealFile(file, [certificatePem], `${file}.sealed`);
} else {
  await openFile(`${file}.sealed`, { certificatePem, privateKeyPem }, `${file}.opened`);
  fs.rmSync(`${file}.opened`, { force: true });
}
process.stdout.write(`maxRssKb=${process.resourceUsage().maxRSS}\n`);

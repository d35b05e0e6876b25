import fs from 'node:fs/promises';
import path from 'node:path';
import { CERTIFICATE_PROFILES, createCrl, issueCertificate, type CertificateProfile } from '../../../crypto/ca.js';
import { describeCertificate, REVOCATION_REASON_NAMES, type RevocationReason } from '../../../crypto/certificates.js';
import { createCsr } from '../../../crypto/csr.js';
import { CA_FILES, initCaDir, isCaDir, loadCaDir, readRevoked, revokedEntries, writeFileAtomicMode, writeRevoked } from '../../../crypto/node/ca-dir.js';
import { generateRsaKeyPairNode } from '../../../crypto/node/keys.js';
import { systemClock } from '../../kernel/clock.js';
import { CliUsageError, required, type CliCommand } from './index.js';

const DAY_MS = 86_400_000;
const CRL_DAYS = 7;

async function loadCa(dir: string) {
  if (!(await isCaDir(dir))) throw new CliUsageError(`${dir} is not a CA folder (run \`tenderhall ca init --dir ${dir}\`)`);
  return loadCaDir(dir);
}

/** Signs a fresh CRL from DIR/revoked.json with the next CRL number, writes DIR/crl.der and answers it. */
async function resignCrl(dir: string): Promise<{ der: Uint8Array; crlNumber: number }> {
  const ca = await loadCa(dir);
  const register = await readRevoked(dir);
  register.crlNumber += 1;
  const now = systemClock.now();
  const der = createCrl(ca.issuing, { revoked: revokedEntries(register), crlNumber: register.crlNumber, thisUpdate: now, nextUpdate: new Date(now.getTime() + CRL_DAYS * DAY_MS) });
  await writeRevoked(dir, register);
  await writeFileAtomicMode(path.join(dir, CA_FILES.crl), der);
  return { der, crlNumber: register.crlNumber };
}

export const caCommands: CliCommand[] = [
  {
    verbs: ['keygen'],
    usage: 'keygen --out KEY',
    summary: 'make an RSA-2048 key pair; KEY is the PKCS#8 PEM private key (mode 0600)',
    options: { out: { type: 'string' } },
    async run({ values }) {
      const out = required(values, 'out');
      const { privateKeyPem } = await generateRsaKeyPairNode();
      await fs.writeFile(out, privateKeyPem, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? new Error(`${out} exists; refusing to overwrite a private key`) : error;
      });
      process.stdout.write(`private key written to ${out}\n`);
      return 0;
    },
  },
  {
    verbs: ['csr'],
    usage: 'csr --key KEY --cn NAME [--uscc CODE] [--org NAME] [--region CODE] --out CSR',
    summary: 'make a PKCS#10 certificate request for KEY (organisations: --org and --uscc; a region certificate for credit feeds: --region)',
    options: { key: { type: 'string' }, cn: { type: 'string' }, uscc: { type: 'string' }, org: { type: 'string' }, region: { type: 'string' }, out: { type: 'string' } },
    async run({ values }) {
      const keyPem = await fs.readFile(required(values, 'key'), 'utf8');
      const csr = createCsr(keyPem, {
        commonName: required(values, 'cn'),
        ...(typeof values.org === 'string' ? { organisation: values.org } : {}),
        ...(typeof values.uscc === 'string' ? { uscc: values.uscc } : {}),
        ...(typeof values.region === 'string' ? { regionCode: values.region } : {}),
      });
      const out = required(values, 'out');
      await writeFileAtomicMode(path.resolve(out), csr);
      process.stdout.write(`certificate request written to ${out}\n`);
      return 0;
    },
  },
  {
    verbs: ['ca', 'init'],
    usage: 'ca init --dir DIR',
    summary: 'create a platform CA: DIR/root.crt, issuing.crt, chain.pem and their keys',
    options: { dir: { type: 'string' }, name: { type: 'string' } },
    async run({ values }) {
      const dir = path.resolve(required(values, 'dir'));
      if (await isCaDir(dir)) throw new CliUsageError(`${dir} already holds a CA; refusing to replace it`);
      const { ca } = await initCaDir(dir, { now: systemClock.now(), ...(typeof values.name === 'string' ? { name: values.name } : {}) });
      const root = describeCertificate(ca.root.certPem);
      process.stdout.write(`CA created in ${dir}\n  root    ${root.subject.dn}\n  SHA-256 ${root.fingerprint}\n`);
      return 0;
    },
  },
  {
    verbs: ['ca', 'issue'],
    usage: 'ca issue --dir DIR --csr CSR [--role ROLE] [--days N] --out CRT',
    summary: `issue a certificate from a CSR; ROLE: ${CERTIFICATE_PROFILES.join('|')} (default bidder)`,
    options: { dir: { type: 'string' }, csr: { type: 'string' }, role: { type: 'string' }, days: { type: 'string' }, out: { type: 'string' } },
    async run({ values }) {
      const ca = await loadCa(path.resolve(required(values, 'dir')));
      const role = (typeof values.role === 'string' ? values.role : 'bidder') as CertificateProfile;
      if (!CERTIFICATE_PROFILES.includes(role)) throw new CliUsageError(`--role must be one of ${CERTIFICATE_PROFILES.join(', ')}`);
      let days: number | undefined;
      if (typeof values.days === 'string') {
        days = Number(values.days);
        if (!Number.isInteger(days) || days < 1 || days > 3650) throw new CliUsageError('--days must be a whole number from 1 to 3650');
      }
      const csrPem = await fs.readFile(required(values, 'csr'), 'utf8');
      const issued = issueCertificate(ca.issuing, csrPem, { profile: role, now: systemClock.now(), ...(days ? { days } : {}) });
      const out = required(values, 'out');
      await writeFileAtomicMode(path.resolve(out), issued.certPem);
      process.stdout.write(`certificate ${issued.serial} (${role}) for ${issued.subject.dn} written to ${out}, valid until ${issued.notAfter.toISOString()}\n`);
      return 0;
    },
  },
  {
    verbs: ['ca', 'revoke'],
    usage: 'ca revoke --dir DIR --cert CRT [--reason REASON]',
    summary: 'revoke a certificate (DIR/revoked.json) and re-sign DIR/crl.der',
    options: { dir: { type: 'string' }, cert: { type: 'string' }, reason: { type: 'string' } },
    async run({ values }) {
      const dir = path.resolve(required(values, 'dir'));
      const ca = await loadCa(dir);
      const reason = (typeof values.reason === 'string' ? values.reason : 'unspecified') as RevocationReason;
      if (!REVOCATION_REASON_NAMES.includes(reason)) throw new CliUsageError(`--reason must be one of ${REVOCATION_REASON_NAMES.join(', ')}`);
      const cert = describeCertificate(await fs.readFile(required(values, 'cert'), 'utf8'));
      if (cert.issuer.dn !== describeCertificate(ca.issuing.certPem).subject.dn) throw new Error(`certificate ${cert.serial} was not issued by this CA`);
      const register = await readRevoked(dir);
      if (register.revoked.some((r) => r.serial === cert.serial)) throw new Error(`certificate ${cert.serial} is already revoked`);
      register.revoked.push({ serial: cert.serial, revokedAt: systemClock.now().toISOString(), reason, subject: cert.subject.dn });
      await writeRevoked(dir, register);
      const { crlNumber } = await resignCrl(dir);
      process.stdout.write(`certificate ${cert.serial} revoked (${reason}); CRL #${crlNumber} written to ${path.join(dir, CA_FILES.crl)}\n`);
      return 0;
    },
  },
  {
    verbs: ['ca', 'crl'],
    usage: 'ca crl --dir DIR --out CRL',
    summary: 'sign a fresh CRL (DER) with the next CRL number',
    options: { dir: { type: 'string' }, out: { type: 'string' } },
    async run({ values }) {
      const dir = path.resolve(required(values, 'dir'));
      const { der, crlNumber } = await resignCrl(dir);
      const out = required(values, 'out');
      await writeFileAtomicMode(path.resolve(out), der);
      process.stdout.write(`CRL #${crlNumber} written to ${out}\n`);
      return 0;
    },
  },
];

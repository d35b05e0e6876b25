import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * A throwaway PKI for crypto tests: a root CA and leaf certificates for the platform signer, the
 * timestamp authority (critical extendedKeyUsage timeStamping, as RFC 3161 §2.3 and OpenSSL demand),
 * opening keys and officials. Built with node-forge over keys made by node:crypto.
 */
export interface TestIdentity {
  certificatePem: string;
  privateKeyPem: string;
}

export type LeafRole = 'tsa' | 'platform' | 'opening' | 'official';

let serial = 1;
function nextSerial(): string {
  serial += 1;
  return `01${Date.now().toString(16)}${serial.toString(16).padStart(4, '0')}`;
}

export function makeKeyPair(bits = 2048): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function baseCertificate(publicKeyPem: string, commonName: string, notBefore: Date, notAfter: Date): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  cert.serialNumber = nextSerial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([
    { name: 'commonName', value: commonName },
    { name: 'organizationName', value: 'Tenderhall Test' },
  ]);
  return cert;
}

export class TestPki {
  readonly root: TestIdentity & { cert: forge.pki.Certificate };

  constructor(rootName = 'Tenderhall Test Root') {
    const keys = makeKeyPair();
    const now = Date.now();
    const cert = baseCertificate(keys.publicKeyPem, rootName, new Date(now - 86_400_000), new Date(now + 10 * 365 * 86_400_000));
    cert.setIssuer(cert.subject.attributes);
    cert.setExtensions([
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ]);
    cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
    this.root = { cert, certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: keys.privateKeyPem };
  }

  issue(role: LeafRole, commonName: string, options: { bits?: number; keyPair?: { privateKeyPem: string; publicKeyPem: string }; notBefore?: Date; notAfter?: Date } = {}): TestIdentity {
    const keys = options.keyPair ?? makeKeyPair(options.bits ?? 2048);
    const now = Date.now();
    const cert = baseCertificate(keys.publicKeyPem, commonName, options.notBefore ?? new Date(now - 3_600_000), options.notAfter ?? new Date(now + 365 * 86_400_000));
    cert.setIssuer(this.root.cert.subject.attributes);
    const extensions: object[] = [{ name: 'basicConstraints', cA: false, critical: true }, { name: 'subjectKeyIdentifier' }];
    if (role === 'tsa') {
      extensions.push({ name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true });
      extensions.push({ name: 'extKeyUsage', timeStamping: true, critical: true });
    } else if (role === 'platform') {
      extensions.push({ name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true });
    } else {
      extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    }
    cert.setExtensions(extensions);
    cert.sign(forge.pki.privateKeyFromPem(this.root.privateKeyPem), forge.md.sha256.create());
    return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: keys.privateKeyPem };
  }
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'tenderhall-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the real openssl binary; returns exit status and combined output (never throws on a non-zero exit). */
export function openssl(args: string[], options: { cwd?: string; input?: Uint8Array } = {}): { status: number; output: string; stdout: Buffer } {
  const result = spawnSync('openssl', args, { cwd: options.cwd, input: options.input, stdio: ['pipe', 'pipe', 'pipe'] });
  return { status: result.status ?? -1, output: `${result.stdout.toString('latin1')}${result.stderr.toString('latin1')}`, stdout: result.stdout };
}

export function writeFile(dir: string, name: string, data: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

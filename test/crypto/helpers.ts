/**
 * Test PKI and tools for the sealed-bid tests, made with the real openssl binary: a root and an
 * issuing CA, bidders and an opening certificate. Keys are made once per mocha process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { expect } from 'chai';
import { CryptoError } from '../../crypto/errors.js';

export const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';

export interface Identity {
  certificatePem: string;
  privateKeyPem: string;
  certPath: string;
  keyPath: string;
}

export interface SealPki {
  dir: string;
  rootPath: string;
  /** issuing + root */
  chainPath: string;
  chainPem: string;
  issuingPem: string;
  bidder: Identity;
  otherBidder: Identity;
  opening: Identity;
  /** a bidder certificate from a CA that is not ours */
  stranger: Identity;
}

export function openssl(args: string[], input?: Uint8Array): { status: number; stdout: Buffer; stderr: string } {
  const result = spawnSync(OPENSSL, args, { input, maxBuffer: 1 << 30 });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr?.toString() ?? '' };
}

function sh(args: string[]): void {
  const result = openssl(args);
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
}

let cached: SealPki | undefined;

export function sealPki(): SealPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'tenderhall-seal-pki-'));
  const p = (name: string) => join(dir, name);
  writeFileSync(
    p('ext.cnf'),
    [
      '[ca]',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
      '[leaf]',
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  const key = (name: string) => sh(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', p(`${name}.key`)]);
  const selfSigned = (name: string, cn: string) => {
    key(name);
    sh(['req', '-utf8', '-x509', '-new', '-key', p(`${name}.key`), '-subj', `/O=Tenderhall Test/CN=${cn}`, '-days', '30', '-sha256', '-extensions', 'ca', '-config', p('ext.cnf'), '-out', p(`${name}.crt`)]);
  };
  const issue = (name: string, cn: string, issuer: string, ext: string) => {
    key(name);
    sh(['req', '-utf8', '-new', '-key', p(`${name}.key`), '-subj', `/O=Tenderhall Test/CN=${cn}`, '-out', p(`${name}.csr`)]);
    sh(['x509', '-req', '-in', p(`${name}.csr`), '-CA', p(`${issuer}.crt`), '-CAkey', p(`${issuer}.key`), '-CAcreateserial', '-days', '30', '-sha256', '-extfile', p('ext.cnf'), '-extensions', ext, '-out', p(`${name}.crt`)]);
  };
  selfSigned('root', 'Test Root CA');
  issue('issuing', 'Test Issuing CA', 'root', 'ca');
  issue('bidder', '投标人甲 Bidder A', 'issuing', 'leaf');
  issue('other', 'Bidder B', 'issuing', 'leaf');
  issue('opening', 'Opening key trade 1', 'issuing', 'leaf');
  selfSigned('strangeroot', 'Stranger Root');
  issue('stranger', 'Bidder A', 'strangeroot', 'leaf');
  const identity = (name: string): Identity => ({
    certificatePem: readFileSync(p(`${name}.crt`), 'utf8'),
    privateKeyPem: readFileSync(p(`${name}.key`), 'utf8'),
    certPath: p(`${name}.crt`),
    keyPath: p(`${name}.key`),
  });
  const issuingPem = readFileSync(p('issuing.crt'), 'utf8');
  const chainPem = issuingPem + readFileSync(p('root.crt'), 'utf8');
  writeFileSync(p('chain.pem'), chainPem);
  cached = {
    dir,
    rootPath: p('root.crt'),
    chainPath: p('chain.pem'),
    chainPem,
    issuingPem,
    bidder: identity('bidder'),
    otherBidder: identity('other'),
    opening: identity('opening'),
    stranger: identity('stranger'),
  };
  return cached;
}

export function tempDir(prefix = 'tenderhall-seal-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift128+ over 32-bit lanes): fast, no entropy needed. */
export function prngBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  const words = new Uint32Array(out.buffer, 0, Math.floor(length / 4));
  let a = (seed * 0x9e3779b9) >>> 0 || 1;
  let b = 0x6d2b79f5 ^ seed;
  for (let i = 0; i < words.length; i++) {
    let t = a ^ (a << 11);
    a = b;
    b = (b ^ (b >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    words[i] = b;
  }
  for (let i = words.length * 4; i < length; i++) out[i] = (i * 131 + seed) & 0xff;
  return out;
}

/** Writes `size` pseudo-random bytes to `path` in 1 MiB chunks; returns their SHA-256 hex. */
export async function writePrngFile(path: string, size: number, seed = 7): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const block = prngBytes(1 << 20, seed);
  for (let written = 0, n = 0; written < size; n++) {
    const chunk = Buffer.from(block.subarray(0, Math.min(block.length, size - written)));
    // vary each MiB so blocks differ (a repeated block would hide offset bugs)
    if (chunk.length >= 4) chunk.writeUInt32BE(n, 0);
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
    written += chunk.length;
  }
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/** Runs `fn` and returns the CryptoError it throws (fails if it throws anything else or nothing). */
export async function typedError(fn: () => Promise<unknown>): Promise<CryptoError> {
  try {
    await fn();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(CryptoError);
    return error as CryptoError;
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}

export { execFileSync };

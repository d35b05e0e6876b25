/**
 * The platform CA on disk (Node only): DIR/root.crt, DIR/root.key, DIR/issuing.crt,
 * DIR/issuing.key, DIR/chain.pem (issuing + root). Keys are PKCS#8 PEM, mode 0600, the folder
 * 0700. `tenderhall ca init` and the server's first start make the same folder.
 *
 * The folder is built complete in a temporary sibling and renamed into place, so a crash or two
 * processes starting at once never leave half a CA: the loser of the rename simply loads the winner's.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createPlatformCa, type CaMaterial, type RevokedCertificate } from '../ca.js';
import type { RevocationReason } from '../certificates.js';
import { writeFileAtomic } from './files.js';

export const CA_FILES = {
  rootCert: 'root.crt',
  rootKey: 'root.key',
  issuingCert: 'issuing.crt',
  issuingKey: 'issuing.key',
  chain: 'chain.pem',
  revoked: 'revoked.json',
  crl: 'crl.der',
} as const;

export interface CaDir {
  dir: string;
  root: CaMaterial;
  issuing: CaMaterial;
  /** Issuing CA then root, PEM. */
  chainPem: string;
}

/** Kept for the CA verbs: the shared atomic writer with a file mode. */
export const writeFileAtomicMode = writeFileAtomic;

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

export async function isCaDir(dir: string): Promise<boolean> {
  return exists(path.join(dir, CA_FILES.rootCert));
}

export async function loadCaDir(dir: string): Promise<CaDir> {
  const read = (name: string) => fs.readFile(path.join(dir, name), 'utf8');
  const [rootCert, rootKey, issuingCert, issuingKey] = await Promise.all([
    read(CA_FILES.rootCert),
    read(CA_FILES.rootKey),
    read(CA_FILES.issuingCert),
    read(CA_FILES.issuingKey),
  ]);
  return { dir, root: { certPem: rootCert, keyPem: rootKey }, issuing: { certPem: issuingCert, keyPem: issuingKey }, chainPem: issuingCert + rootCert };
}

/**
 * Creates a new platform CA in `dir` (which must not exist or be empty). Answers `created: false`
 * with the existing CA when another process got there first; refuses to overwrite otherwise.
 */
export async function initCaDir(dir: string, options: { now: Date; name?: string; organisation?: string }): Promise<{ ca: CaDir; created: boolean }> {
  const target = path.resolve(dir);
  if (await isCaDir(target)) return { ca: await loadCaDir(target), created: false };
  const ca = await createPlatformCa(options);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const staging = `${target}.${randomBytes(6).toString('hex')}.init`;
  await fs.mkdir(staging, { mode: 0o700 });
  try {
    await fs.writeFile(path.join(staging, CA_FILES.rootKey), ca.root.keyPem, { mode: 0o600 });
    await fs.writeFile(path.join(staging, CA_FILES.issuingKey), ca.issuing.keyPem, { mode: 0o600 });
    await fs.writeFile(path.join(staging, CA_FILES.rootCert), ca.root.certPem, { mode: 0o644 });
    await fs.writeFile(path.join(staging, CA_FILES.issuingCert), ca.issuing.certPem, { mode: 0o644 });
    await fs.writeFile(path.join(staging, CA_FILES.chain), ca.issuing.certPem + ca.root.certPem, { mode: 0o644 });
    try {
      await fs.rename(staging, target); // replaces an empty folder; fails on a non-empty one
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isCaDir(target))) return { ca: await loadCaDir(target), created: false };
      if (code === 'ENOTEMPTY' || code === 'EEXIST') throw new Error(`${target} exists and is not an empty folder or a CA folder`);
      throw error;
    }
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  await fs.chmod(target, 0o700);
  return { ca: await loadCaDir(target), created: true };
}

// ── the CLI's revocation register (the server keeps its register in the database) ─────────────

interface RevokedFile {
  crlNumber: number;
  revoked: { serial: string; revokedAt: string; reason: RevocationReason; subject: string }[];
}

export async function readRevoked(dir: string): Promise<RevokedFile> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, CA_FILES.revoked), 'utf8')) as RevokedFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { crlNumber: 0, revoked: [] };
    throw error;
  }
}

export async function writeRevoked(dir: string, register: RevokedFile): Promise<void> {
  await writeFileAtomicMode(path.join(dir, CA_FILES.revoked), `${JSON.stringify(register, null, 2)}\n`, 0o644);
}

export function revokedEntries(register: RevokedFile): RevokedCertificate[] {
  return register.revoked.map((r) => ({ serial: r.serial, revokedAt: new Date(r.revokedAt), reason: r.reason }));
}

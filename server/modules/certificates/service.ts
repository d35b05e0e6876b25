import fs from 'node:fs/promises';
import type { Transaction } from 'sequelize';
import type { CertificateView, IssuedCertificateResponse } from '../../../contracts/certificates.js';
import type { Role } from '../../../contracts/roles.js';
import { createCrl, issueCertificate, type CertificateProfile, type ExpectedSubject, type IssuedCertificate } from '../../../crypto/ca.js';
import {
  certificateRole,
  checkCertificate,
  describeCertificate,
  pemBlocks,
  type CertificateUsage,
  type CheckedCertificate,
  type RevocationReason,
} from '../../../crypto/certificates.js';
import { CertificateError, isCryptoError } from '../../../crypto/errors.js';
import { base64ToBytes } from '../../../crypto/pkijs-support.js';
import { initCaDir, type CaDir } from '../../../crypto/node/ca-dir.js';
import type { Config } from '../../config.js';
import { lockFor, type Db } from '../../db/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog, CheckpointSigner } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, notFound } from '../../kernel/errors.js';
import type { Logger } from '../../kernel/logger.js';
import type { IdentityService } from '../identity/index.js';
import { defineCertificateModels, type CertificateModels, type CertificateRow } from './models.js';
import path from 'node:path';
import { createCsr } from '../../../crypto/csr.js';
import { generateRsaKeyPairNode } from '../../../crypto/node/keys.js';
import { writeFileAtomic } from '../../../crypto/node/files.js';
import { nodeProvider } from '../../../crypto/node/provider.js';
import { signAttached, verifySignedData, type CmsSigner } from '../../../crypto/signed-data.js';

const DAY_MS = 86_400_000;
/** Re-sign the CRL when less than this is left before its nextUpdate, so relying parties never hold a stale one. */
const CRL_REFRESH_MARGIN_MS = DAY_MS;

/** Which certificate profile a platform role gets. Bidders hold organisation certificates (subject carries the USCC). */
const PROFILE_OF_ROLE: Record<Role, CertificateProfile> = {
  bidder: 'bidder',
  expert: 'expert',
  official: 'official',
  admin: 'staff',
  center_staff: 'staff',
  agent: 'staff',
  supervisor: 'staff',
};

export interface UsableOptions {
  /** The certificate must belong to this user … */
  userId?: number;
  /** … or to this organisation (platform certificates by the DB link; external ones by the USCC in the subject). */
  organisationId?: number;
  usage: CertificateUsage;
  at?: Date;
  /** Extra intermediates (e.g. the certificates a CMS object carries) for external chains. */
  intermediatesPem?: string[];
}

export interface UsableCertificate extends CheckedCertificate {
  /** The platform's record of the certificate; null for a certificate from an external CA. */
  record: CertificateView | null;
}

export function certificateView(row: CertificateRow): CertificateView {
  const info = describeCertificate(row.pem);
  return {
    serial: row.serial,
    fingerprint: row.fingerprint,
    role: row.role,
    subject: row.subject,
    commonName: info.subject.commonName,
    uscc: info.subject.uscc,
    userId: row.userId,
    organisationId: row.organisationId,
    notBefore: row.notBefore.toISOString(),
    notAfter: row.notAfter.toISOString(),
    status: row.status,
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
    revocationReason: row.revocationReason,
    pem: row.pem,
  };
}

/**
 * Certificates (数字证书): the platform CA on disk, issuing from holders' CSRs, the register of what
 * was issued to whom, revocation and the CRL, and `assertUsable` — the one check every module runs
 * before it accepts a certificate.
 */
export class CertificateService {
  readonly models: CertificateModels;
  private ca: CaDir | null = null;
  private externalAnchors: string[] = [];

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly config: Pick<Config, 'caDir' | 'trustAnchorsPath' | 'crlValidityDays'>,
    private readonly logger?: Logger,
  ) {
    this.models = defineCertificateModels(db);
  }

  /** Loads the platform CA (creating it at first start) and the configured external trust anchors. */
  async start(): Promise<void> {
    const { ca, created } = await initCaDir(this.config.caDir, { now: this.clock.now() });
    this.ca = ca;
    if (created) this.logger?.info({ caDir: this.config.caDir }, 'ca.created');
    if (this.config.trustAnchorsPath) {
      const text = await fs.readFile(this.config.trustAnchorsPath, 'utf8');
      this.externalAnchors = pemBlocks(text);
      if (this.externalAnchors.length === 0) throw new Error(`TRUST_ANCHORS ${this.config.trustAnchorsPath} holds no CERTIFICATE`);
      for (const pem of this.externalAnchors) describeCertificate(pem); // fail fast on a malformed anchor
    }
  }

  private get platformCa(): CaDir {
    if (!this.ca) throw new Error('CertificateService.start() was not called');
    return this.ca;
  }

  rootPem(): string {
    return this.platformCa.root.certPem;
  }

  /** Issuing CA then root. */
  chainPem(): string {
    return this.platformCa.chainPem;
  }

  /** The platform root and every configured external root. */
  trustAnchorsPem(): string[] {
    return [this.platformCa.root.certPem, ...this.externalAnchors];
  }

  // ── the platform's own signing key ──────────────────────────────────────────────────────────

  /**
   * The platform signing key and certificate (profile `platform`), kept in CA_DIR beside the CA:
   * made at first use, the key never in the database. It signs audit checkpoints (and, later,
   * receipts). Two processes starting together: the first rename wins, the other reads it.
   */
  async platformSigner(): Promise<CmsSigner> {
    return this.serviceSigner('platform', 'Tenderhall 平台签章 (platform signer)');
  }

  /** The platform's time-stamping key (profile `tsa`, CA_DIR/tsa.key): stamps the envelope hash in every receipt. */
  async tsaSigner(): Promise<CmsSigner> {
    return this.serviceSigner('tsa', 'Tenderhall 时间戳服务 (TSA)');
  }

  /** Parsed once per process (rotating a service key means replacing its files and restarting). */
  private readonly signers = new Map<string, Promise<CmsSigner>>();

  /**
   * The deployment's region certificate (profile `region`, serialNumber = the region code), which
   * signs its credit feed, made under the platform CA at first use (CA_DIR/region.{key,crt}).
   * Deployments that federate configure their own, issued under a shared trust root, instead.
   */
  async regionSigner(regionCode: string, regionName: string): Promise<CmsSigner> {
    return this.serviceSigner('region', `${regionName} 信用信息 (${regionCode})`, { regionCode, organisation: regionName });
  }

  private serviceSigner(profile: 'platform' | 'tsa' | 'region', commonName: string, subject: { regionCode?: string; organisation?: string } = {}): Promise<CmsSigner> {
    let signer = this.signers.get(profile);
    if (!signer) {
      signer = this.loadOrMakeSigner(profile, commonName, subject);
      signer.catch(() => this.signers.delete(profile));
      this.signers.set(profile, signer);
    }
    return signer;
  }

  /**
   * Reads CA_DIR/<profile>.{key,crt}, or makes them at first use. Several processes may start on one
   * CA_DIR at once: a lock file (created exclusively) picks the one that makes the pair; the others
   * wait for both files, so a key is never paired with another process's certificate.
   */
  private async loadOrMakeSigner(profile: 'platform' | 'tsa' | 'region', commonName: string, subject: { regionCode?: string; organisation?: string }): Promise<CmsSigner> {
    const keyPath = path.join(this.config.caDir, `${profile}.key`);
    const certPath = path.join(this.config.caDir, `${profile}.crt`);
    const lockPath = path.join(this.config.caDir, `.${profile}.lock`);
    const read = async (): Promise<CmsSigner> => ({
      privateKeyPem: await fs.readFile(keyPath, 'utf8'),
      certificatePem: await fs.readFile(certPath, 'utf8'),
      chainPem: [this.platformCa.issuing.certPem],
    });
    for (let attempt = 0; attempt < 600; attempt++) {
      try {
        return await read();
      } catch {
        // not made yet
      }
      let lock: fs.FileHandle | null = null;
      try {
        lock = await fs.open(lockPath, 'wx');
      } catch {
        // another process is making it; a lock left by a process that died is taken over after a minute
        const stale = await fs.stat(lockPath).then((st) => Date.now() - st.mtimeMs > 60_000, () => false);
        if (stale) await fs.rm(lockPath, { force: true });
        else await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      try {
        const keys = await generateRsaKeyPairNode();
        const issued = await this.issueServiceCertificate(null, createCsr(keys.privateKeyPem, { commonName, ...subject }), profile, 3650);
        await writeFileAtomic(keyPath, keys.privateKeyPem, 0o600);
        await writeFileAtomic(certPath, issued.pem);
      } finally {
        await lock.close();
        await fs.rm(lockPath, { force: true });
      }
    }
    throw new Error(`${profile} signer: ${keyPath} did not appear (is ${lockPath} stuck?)`);
  }

  /** Signs with the platform key; opens only signatures by a valid platform certificate of this CA. */
  async checkpointSigner(): Promise<CheckpointSigner> {
    const signer = await this.platformSigner();
    return {
      sign: (content) => signAttached(content, signer, { provider: nodeProvider, signingTime: this.clock.now() }),
      // with the current CRL, read once per verification: a revoked platform certificate's later checkpoints do not count
      opener: async () => {
        const ca = { rootPem: this.platformCa.root.certPem, issuingPem: this.platformCa.issuing.certPem, now: this.clock.now(), crlsDer: [await this.crlDer()] };
        return (signature) => openPlatformSignature(signature, ca);
      },
    };
  }

  // ── issuing ────────────────────────────────────────────────────────────────────────────────

  /** What the CSR subject must say for this user: the organisation's USCC and name, and a CN that is theirs. */
  private async expectedSubject(actor: Actor): Promise<{ expect: ExpectedSubject; organisationId: number | null }> {
    const user = await this.identity.models.User.findByPk(actor.userId);
    if (!user) throw new AppError('AUTH_SESSION_EXPIRED');
    const organisation = user.organisationId ? await this.identity.models.Organisation.findByPk(user.organisationId) : null;
    const commonNames = [user.displayName, user.username];
    if (organisation) commonNames.push(organisation.name);
    return {
      expect: { uscc: organisation?.uscc ?? null, organisationName: organisation?.name ?? null, commonNames },
      organisationId: organisation?.id ?? null,
    };
  }

  /** Issues the requester's certificate from their CSR (the key pair stays with them). Audited `certificate.issued`. */
  async issueFromCsr(actor: Actor, csrPem: string): Promise<IssuedCertificateResponse> {
    const profile = PROFILE_OF_ROLE[actor.role];
    const { expect, organisationId } = await this.expectedSubject(actor);
    const issued = issueCertificate(this.platformCa.issuing, csrPem, { profile, now: this.clock.now(), expect });
    const row = await this.register(issued, actor, { userId: actor.userId, organisationId });
    return { certificate: certificateView(row), chainPem: issued.certPem + this.platformCa.chainPem };
  }

  /**
   * Issues a certificate the platform itself holds the key of (a trade's opening certificate, the
   * platform signing and TSA certificates), from a CSR made by the calling module. Audited.
   */
  async issueServiceCertificate(actor: Actor | null, csrPem: string, profile: Extract<CertificateProfile, 'opening' | 'platform' | 'tsa' | 'region'>, days?: number): Promise<CertificateView> {
    const issued = issueCertificate(this.platformCa.issuing, csrPem, { profile, now: this.clock.now(), ...(days ? { days } : {}) });
    return certificateView(await this.register(issued, actor, { userId: null, organisationId: null }));
  }

  /** Records an issued certificate and its `certificate.issued` audit event in one transaction. */
  private async register(issued: IssuedCertificate, actor: Actor | null, owner: { userId: number | null; organisationId: number | null }) {
    const info = describeCertificate(issued.certPem);
    return this.db.transaction(async (t) => {
      const row = await this.models.Certificate.create(
        {
          serial: issued.serial,
          fingerprint: info.fingerprint,
          userId: owner.userId,
          organisationId: owner.organisationId,
          role: issued.profile,
          subject: info.subject.dn.slice(0, 500),
          notBefore: issued.notBefore,
          notAfter: issued.notAfter,
          pem: issued.certPem,
          status: 'valid',
          revokedAt: null,
          revocationReason: null,
          createdAt: this.clock.now(),
        },
        { transaction: t },
      );
      await this.audit.append(t, {
        actor: actor ?? { kind: 'system', name: 'ca' },
        action: 'certificate.issued',
        subject: `certificate:${issued.serial}`,
        payload: { serial: issued.serial, fingerprint: info.fingerprint, role: issued.profile, subject: info.subject.dn, ...owner, notAfter: issued.notAfter.toISOString() },
      });
      return row;
    });
  }

  async listMine(actor: Actor): Promise<CertificateView[]> {
    const rows = await this.models.Certificate.findAll({ where: { userId: actor.userId }, order: [['id', 'DESC']] });
    return rows.map(certificateView);
  }

  // ── revocation and the CRL ───────────────────────────────────────────────────────────────────

  /** Revokes a certificate; the CRL is re-signed in the same transaction, so it reflects the revocation at once. */
  async revoke(actor: Actor, serial: string, reason: CertificateView['revocationReason'] & string): Promise<CertificateView> {
    return this.db.transaction(async (t) => {
      const row = await this.models.Certificate.findOne({ where: { serial: serial.toLowerCase() }, ...lockFor(t) });
      if (!row) throw notFound('certificate');
      if (row.status === 'revoked') throw new AppError('CERT_ALREADY_REVOKED', `certificate ${row.serial} was revoked at ${row.revokedAt?.toISOString()}`);
      const now = this.clock.now();
      await row.update({ status: 'revoked', revokedAt: now, revocationReason: reason }, { transaction: t });
      const crl = await this.resignCrl(t);
      await this.audit.append(t, {
        actor,
        action: 'certificate.revoked',
        subject: `certificate:${row.serial}`,
        payload: { serial: row.serial, fingerprint: row.fingerprint, reason, userId: row.userId, organisationId: row.organisationId, crlNumber: crl.crlNumber },
      });
      return certificateView(row);
    });
  }

  /** Signs a new CRL with the next CRL number from every revocation on record. Runs inside `t`, holding the CRL row lock. */
  private async resignCrl(t: Transaction): Promise<{ der: Uint8Array; crlNumber: number }> {
    const state = await this.models.CertificateCrl.findByPk(1, lockFor(t));
    if (!state) throw new Error('certificate_crl row missing: migrations not run');
    const revoked = await this.models.Certificate.findAll({ where: { status: 'revoked' }, order: [['revokedAt', 'ASC']], transaction: t });
    const now = this.clock.now();
    const crlNumber = state.crlNumber + 1;
    const der = createCrl(this.platformCa.issuing, {
      revoked: revoked.map((r) => ({ serial: r.serial, revokedAt: r.revokedAt!, reason: (r.revocationReason ?? 'unspecified') as RevocationReason })),
      crlNumber,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + this.config.crlValidityDays * DAY_MS),
    });
    await state.update(
      {
        crlNumber,
        issuerFingerprint: describeCertificate(this.platformCa.issuing.certPem).fingerprint,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + this.config.crlValidityDays * DAY_MS),
        der: Buffer.from(der),
      },
      { transaction: t },
    );
    return { der, crlNumber };
  }

  /** The current CRL (DER), re-signed when missing, near its nextUpdate, or made by another issuing CA. */
  async crlDer(): Promise<Uint8Array> {
    const fresh = (state: InstanceType<CertificateModels['CertificateCrl']> | null) =>
      state?.der &&
      state.nextUpdate &&
      state.issuerFingerprint === describeCertificate(this.platformCa.issuing.certPem).fingerprint &&
      state.nextUpdate.getTime() - this.clock.now().getTime() > CRL_REFRESH_MARGIN_MS;
    const current = await this.models.CertificateCrl.findByPk(1);
    if (fresh(current)) return new Uint8Array(current!.der!);
    return this.db.transaction(async (t) => {
      const locked = await this.models.CertificateCrl.findByPk(1, lockFor(t));
      if (fresh(locked)) return new Uint8Array(locked!.der!); // another request re-signed it meanwhile
      return (await this.resignCrl(t)).der;
    });
  }

  // ── the check other modules call ─────────────────────────────────────────────────────────────

  /**
   * Throws unless `certPem` may be used now (or at `at`) for `usage` by this user/organisation:
   * chain to a trust anchor (platform root or TRUST_ANCHORS), times, the platform CRL, key usage,
   * and the holder link (CERT_SUBJECT_MISMATCH). Platform certificates are also checked against
   * the register (a revocation counts even before a relying party fetched the CRL).
   */
  /**
   * A member's signature over a report's SHA-256 (CMS SignedData, detached digest; evaluation and
   * recheck reports): verifies it, checks the signer's certificate is the caller's own and usable for
   * signatures now, and answers the DER to store. A signature over anything else is
   * BID_SIGNATURE_INVALID; certificate problems keep their CERT_* codes.
   */
  async verifyReportSignature(signatureBase64: string, sha256Hex: string, userId: number, at: Date, what: string): Promise<Buffer> {
    const der = base64ToBytes(signatureBase64);
    if (!der) throw new AppError('VALIDATION_FAILED', 'signature must be base64 DER');
    try {
      const verified = await verifySignedData(der, { detachedDigest: { hash: 'SHA-256', value: new Uint8Array(Buffer.from(sha256Hex, 'hex')) }, provider: nodeProvider });
      await this.assertUsable(verified.signerCertificatePem, { userId, usage: 'signature', at });
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (isCryptoError(error) && error.code.startsWith('CERT_')) throw error;
      throw new AppError('BID_SIGNATURE_INVALID', `the signature does not verify over the ${what} digest: ${error instanceof Error ? error.message : String(error)}`);
    }
    return Buffer.from(der);
  }

  async assertUsable(certPem: string | Uint8Array, options: UsableOptions): Promise<UsableCertificate> {
    const checked = await checkCertificate(certPem, {
      trustAnchorsPem: this.trustAnchorsPem(),
      intermediatesPem: [this.platformCa.issuing.certPem, ...(options.intermediatesPem ?? [])],
      crlsDer: [await this.crlDer()],
      at: options.at ?? this.clock.now(),
      usage: options.usage,
    });
    const row = await this.models.Certificate.findOne({ where: { fingerprint: checked.fingerprint } });
    if (row?.status === 'revoked') throw new CertificateError('CERT_REVOKED', `certificate ${row.serial} was revoked`);
    if (options.userId !== undefined && row?.userId !== options.userId) {
      throw new CertificateError('CERT_SUBJECT_MISMATCH', 'the certificate was not issued to this user');
    }
    if (options.organisationId !== undefined) {
      if (row) {
        if (row.organisationId !== options.organisationId) throw new CertificateError('CERT_SUBJECT_MISMATCH', 'the certificate was not issued to this organisation');
      } else {
        // A certificate from an external CA belongs to the organisation whose USCC its subject carries.
        const organisation = await this.identity.models.Organisation.findByPk(options.organisationId);
        if (!organisation || checked.subject.uscc !== organisation.uscc) {
          throw new CertificateError('CERT_SUBJECT_MISMATCH', 'the certificate subject does not carry this organisation’s USCC');
        }
      }
    }
    return { ...checked, record: row ? certificateView(row) : null };
  }
}

/**
 * The content of a CMS signature made by the platform key of this CA — checked signature, chain to
 * the platform root at signing time, and the `platform` profile — or a typed error. Used to check
 * audit checkpoints by the server and by `tenderhall audit verify` (which reads the CA from CA_DIR).
 */
export async function openPlatformSignature(signature: Uint8Array, ca: { rootPem: string; issuingPem: string; now: Date; crlsDer?: Uint8Array[] }): Promise<Uint8Array> {
  const verified = await verifySignedData(signature, { provider: nodeProvider });
  await checkCertificate(verified.signerCertificatePem, {
    trustAnchorsPem: [ca.rootPem],
    intermediatesPem: [ca.issuingPem],
    at: verified.signingTime ?? ca.now,
    usage: 'signature',
    ...(ca.crlsDer ? { crlsDer: ca.crlsDer } : {}),
  });
  if (certificateRole(verified.signerCertificatePem) !== 'platform') {
    throw new CertificateError('CERT_WRONG_USAGE', 'not signed by a platform certificate');
  }
  return verified.content;
}

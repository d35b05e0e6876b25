import { Op, type Transaction } from 'sequelize';
import type { FeedEntry, FeedEvent, FeedPayload, FeedRecord, FeedView, CreditRegionView } from '../../../contracts/credit.js';
import { canonicalJson, sha256Hex, signAttached, verifySignedData, type CmsSigner } from '../../../crypto/index.js';
import { checkCertificate, parseCertificate, attributeValue } from '../../../crypto/certificates.js';
import { lockFor } from '../../db/index.js';
import type { CreditModels } from './models.js';

/**
 * Federation between deployments ("一地受罚、处处受制" across separately run platforms).
 *
 * Each deployment publishes one append-only feed for its region (CREDIT_REGION): every credit record
 * issued here, and every later change to it (lifted by repair, revoked on objection), is an entry.
 * An entry is a CMS SignedData whose content is the canonical JSON of a FeedPayload, signed with the
 * region's certificate (profile `region`, subject serialNumber = the region code). Entries chain:
 * `prev` is the SHA-256 of the previous entry's content, `seq` counts from 1 without holes.
 *
 * A receiving deployment checks, for every entry, in order: the CMS signature; the signer's chain to
 * one of its configured credit trust roots; that the certificate is a region certificate of the peer
 * it pulled; that `seq` is exactly one past the last accepted (less: replayed; more: a gap) and
 * `prev` is the last accepted hash (else reordered or forked); and that the record's issuing region
 * lies inside the publisher's region. The first entry failing any check is refused and reported, and
 * nothing after it is taken (continuity cannot be proved past it).
 */

/** The region-code prefix a publisher may issue for: 360000 → 36, 360700 → 3607, 000000 (national) → ''. */
export function regionPrefix(code: string): string {
  let prefix = code;
  while (prefix.endsWith('00')) prefix = prefix.slice(0, -2);
  return prefix;
}

export const NATIONAL = { code: '000000', name: '全国' } as const;

export type RefusalReason = 'malformed' | 'signature' | 'untrusted' | 'wrong_region' | 'replayed' | 'gap' | 'chain' | 'outside_region';

export class FeedRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    readonly detail: string,
    readonly seq: number | null,
  ) {
    super(`${reason}: ${detail}`);
  }
}

const encoder = new TextEncoder();

/** Appends to this deployment's feed inside the caller's transaction (the audit head lock, taken first, serialises appenders). */
export class FeedPublisher {
  constructor(
    private readonly models: CreditModels,
    private readonly region: () => CreditRegionView,
    private readonly signer: () => Promise<CmsSigner>,
  ) {}

  async append(t: Transaction, event: FeedEvent, record: FeedRecord, at: Date): Promise<number> {
    const last = await this.models.FeedRow.findOne({ order: [['seq', 'DESC']], ...lockFor(t) });
    const seq = (last?.seq ?? 0) + 1;
    const payload: FeedPayload = { v: 1, region: this.region().code, seq, prev: last?.hash ?? '', at: at.toISOString(), event, record };
    const content = canonicalJson(payload);
    const cms = await signAttached(encoder.encode(content), await this.signer(), { signingTime: at });
    await this.models.FeedRow.create({ seq, at, event, recordUid: record.uid, hash: await sha256Hex(content), cms: Buffer.from(cms) }, { transaction: t });
    return seq;
  }

  async page(after: number, limit: number): Promise<FeedView> {
    const rows = await this.models.FeedRow.findAll({ where: { seq: { [Op.gt]: after } }, order: [['seq', 'ASC']], limit });
    const head = ((await this.models.FeedRow.max('seq')) as number | null) ?? 0;
    return { region: this.region(), head, entries: rows.map((r) => ({ seq: r.seq, cms: Buffer.from(r.cms).toString('base64') })) };
  }
}

export interface VerifyContext {
  /** The peer's region code, as configured here. */
  peer: string;
  lastSeq: number;
  lastHash: string;
  trustRootsPem: string[];
  at: Date;
}

export interface VerifiedEntry {
  payload: FeedPayload;
  hash: string;
  der: Uint8Array;
}

function regionCodeOf(certPem: string): string | null {
  const field = parseCertificate(certPem).subject.getField({ type: '2.5.4.5' } as never) as { value?: unknown; valueTagClass?: number } | null;
  return field ? attributeValue(field) : null;
}

/** Verifies one entry against the receiver's state; throws FeedRefusal naming the first check that failed. */
export async function verifyEntry(entry: FeedEntry, ctx: VerifyContext): Promise<VerifiedEntry> {
  const claimed = Number.isInteger(entry?.seq) ? entry.seq : null;
  if (typeof entry?.cms !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(entry.cms)) throw new FeedRefusal('malformed', 'the entry carries no base64 CMS', claimed);
  const der = new Uint8Array(Buffer.from(entry.cms, 'base64'));
  let verified;
  try {
    verified = await verifySignedData(der);
  } catch (error) {
    throw new FeedRefusal('signature', `the CMS signature does not verify: ${(error as Error).message}`, claimed);
  }
  try {
    await checkCertificate(verified.signerCertificatePem, {
      trustAnchorsPem: ctx.trustRootsPem,
      intermediatesPem: verified.certificatesPem.filter((pem) => pem !== verified.signerCertificatePem),
      at: ctx.at,
      usage: 'signature',
    });
  } catch (error) {
    throw new FeedRefusal('untrusted', `the signer certificate does not chain to a configured credit trust root: ${(error as Error).message}`, claimed);
  }
  const certRegion = regionCodeOf(verified.signerCertificatePem);
  if (certRegion !== ctx.peer) throw new FeedRefusal('wrong_region', `signed by a certificate of region ${certRegion ?? '(none)'}, not of peer ${ctx.peer}`, claimed);

  let payload: FeedPayload;
  const content = new TextDecoder('utf-8', { fatal: true });
  try {
    payload = JSON.parse(content.decode(verified.content)) as FeedPayload;
  } catch {
    throw new FeedRefusal('malformed', 'the signed content is not JSON', claimed);
  }
  if (payload?.v !== 1 || typeof payload.seq !== 'number' || typeof payload.prev !== 'string' || !payload.record?.uid || !payload.record.issuingRegion?.code) {
    throw new FeedRefusal('malformed', 'the signed content is not a feed payload', claimed);
  }
  if (payload.region !== ctx.peer) throw new FeedRefusal('wrong_region', `the entry names region ${payload.region}, not ${ctx.peer}`, payload.seq);
  if (claimed !== null && claimed !== payload.seq) throw new FeedRefusal('malformed', `listed as seq ${claimed} but signed as seq ${payload.seq}`, payload.seq);
  if (payload.seq <= ctx.lastSeq) throw new FeedRefusal('replayed', `seq ${payload.seq} was already accepted (last ${ctx.lastSeq})`, payload.seq);
  if (payload.seq > ctx.lastSeq + 1) throw new FeedRefusal('gap', `expected seq ${ctx.lastSeq + 1}, got ${payload.seq}`, payload.seq);
  if (payload.prev !== ctx.lastHash) throw new FeedRefusal('chain', `seq ${payload.seq} does not follow the last accepted entry (prev hash differs: reordered or forked)`, payload.seq);
  if (!payload.record.issuingRegion.code.startsWith(regionPrefix(ctx.peer))) {
    throw new FeedRefusal('outside_region', `region ${ctx.peer} may not publish a record issued by ${payload.record.issuingRegion.code}`, payload.seq);
  }
  return { payload, hash: await sha256Hex(verified.content), der };
}

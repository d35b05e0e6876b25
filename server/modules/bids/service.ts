import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type Transaction } from 'sequelize';
import type { Response } from 'express';
import { canonicalJson } from '../../../crypto/canonical-json.js';
import { describeCertificate } from '../../../crypto/certificates.js';
import { isCryptoError } from '../../../crypto/errors.js';
import { readEnvelopeFileHeader } from '../../../crypto/node/sealed-file.js';
import { layoutNamesRecipient } from '../../../crypto/envelope.js';
import { nodeProvider } from '../../../crypto/node/provider.js';
import { makeReceipt } from '../../../crypto/receipt.js';
import { base64ToBytes, bytesToBase64 } from '../../../crypto/pkijs-support.js';
import { signAttached, verifySignedData } from '../../../crypto/signed-data.js';
import type { BidReceiptView, BidStatus, BidView, WithdrawalView } from '../../../contracts/bids.js';
import type { Db } from '../../db/index.js';
import { isUniqueViolation } from '../../kernel/errors.js';
import { lockFor } from '../../db/index.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditLog } from '../../kernel/audit/service.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError } from '../../kernel/errors.js';
import type { BlobStore } from '../../kernel/storage.js';
import type { Received } from '../../kernel/upload.js';
import type { CertificateService } from '../certificates/service.js';
import type { IdentityService } from '../identity/service.js';
import type { TradeRow } from '../trades/models.js';
import type { TradeService } from '../trades/service.js';

export function defineBidModels(db: Db) {
  class Bid extends Model<InferAttributes<Bid>, InferCreationAttributes<Bid>> {
    declare id: CreationOptional<number>;
    declare tradeId: number;
    declare organisationId: number;
    declare userId: number;
    declare seq: number;
    declare status: BidStatus;
    declare sha256: string;
    declare size: number;
    declare fileName: string;
    declare signature: Buffer;
    declare signerSerial: string;
    declare signerPem: string;
    declare receivedAt: Date;
    declare withdrawnAt: Date | null;
    declare replacedBy: number | null;
    declare receipt: Buffer | null;
    declare idempotencyKey: string | null;
  }
  Bid.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tradeId: { type: DataTypes.INTEGER, allowNull: false },
      organisationId: { type: DataTypes.INTEGER, allowNull: false },
      userId: { type: DataTypes.INTEGER, allowNull: false },
      seq: { type: DataTypes.INTEGER, allowNull: false },
      status: { type: DataTypes.STRING(16), allowNull: false },
      sha256: { type: DataTypes.STRING(64), allowNull: false },
      size: { type: DataTypes.BIGINT, allowNull: false, get() { return Number(this.getDataValue('size')); } },
      fileName: { type: DataTypes.STRING(255), allowNull: false },
      signature: { type: DataTypes.BLOB('medium'), allowNull: false },
      signerSerial: { type: DataTypes.STRING(40), allowNull: false },
      signerPem: { type: DataTypes.TEXT, allowNull: false },
      receivedAt: { type: DataTypes.DATE(3), allowNull: false },
      withdrawnAt: { type: DataTypes.DATE(3), allowNull: true },
      replacedBy: { type: DataTypes.INTEGER, allowNull: true },
      receipt: { type: DataTypes.BLOB('medium'), allowNull: true },
      idempotencyKey: { type: DataTypes.STRING(100), allowNull: true },
    },
    { sequelize: db, tableName: 'bids', modelName: 'Bid' },
  );
  return { Bid };
}
export type BidRow = InstanceType<ReturnType<typeof defineBidModels>['Bid']>;

export const SIGNATURE_MAX_BYTES = 256 * 1024;

/**
 * Sealed-bid submission (architecture.md "One sealed bid's way through", step 3). The envelope
 * streams to a temp file while being hashed; the server checks the bidder, the trade's state, the
 * server clock, the outer signature (chain, validity, revocation, that it is the uploader's
 * organisation) and credit; then blob fsync + rename, the bid row and the audit event in one
 * transaction (with the trade row locked, so a deadline transition or a moved deadline cannot
 * interleave), and only then the platform-signed, time-stamped receipt.
 */
export class BidService {
  readonly models: ReturnType<typeof defineBidModels>;

  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly identity: IdentityService,
    private readonly certificates: CertificateService,
    private readonly trades: TradeService,
    private readonly blobs: BlobStore,
  ) {
    this.models = defineBidModels(db);
  }

  /** What can be refused before a byte of the body is read. */
  async precheck(actor: Actor, tradeId: number): Promise<void> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const trade = await this.trades.visible(tradeId, actor);
    this.assertOpenForBids(trade, this.clock.now());
    await this.trades.assertRegistered(tradeId, organisationId);
    await this.trades.assertMayTakePart(trade, organisationId, 'bid', this.clock.now());
  }

  private assertOpenForBids(trade: TradeRow, now: Date): void {
    if (trade.state === 'bidding' && now < trade.bidDeadline) return;
    if (trade.state === 'bidding' || trade.state === 'opening') {
      throw new AppError('BID_DEADLINE_PASSED', `the deadline was ${trade.bidDeadline.toISOString()}; the server time is ${now.toISOString()}`, {
        extra: { deadline: trade.bidDeadline.toISOString(), serverTime: now.toISOString() },
      });
    }
    throw new AppError('TRADE_WRONG_STATE', `trade ${trade.code} is ${trade.state}, not taking bids`, { extra: { state: trade.state, serverTime: now.toISOString() } });
  }

  async submit(actor: Actor, tradeId: number, upload: Received<{ replaces?: number | undefined }>, idempotencyKey: string | null): Promise<{ status: 200 | 201; body: BidReceiptView }> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const envelope = upload.files.envelope!;
    const signature = upload.files.signature!.buffer!;
    const ingested = envelope.ingested!;
    try {
      // A retry of an upload that already arrived: the original receipt, not a second bid.
      const earlier = await this.models.Bid.findOne({ where: { tradeId, organisationId, sha256: ingested.sha256 } });
      if (earlier) {
        await upload.discard();
        return { status: 200, body: await this.receiptView(earlier, true) };
      }
      let header;
      try {
        header = await readEnvelopeFileHeader(ingested.tempPath);
      } catch (error) {
        throw new AppError('BID_NOT_CMS', `envelope: ${error instanceof Error ? error.message : String(error)}`);
      }
      // A bid not sealed to this trade's opening certificate is still the bidder's to hand in (and is
      // refused at the opening, 电子招标投标办法 art 31), but the answer warns at once, while it can be replaced.
      const trade = await this.trades.get(tradeId);
      const warnings: BidReceiptView['warnings'] =
        trade.openingCertificatePem && layoutNamesRecipient(header.layout, trade.openingCertificatePem)
          ? []
          : [{ code: 'BID_WRONG_RECIPIENT', message: `the envelope is not sealed to the opening certificate in the notice (serial ${trade.openingCertificateSerial}); it cannot be opened — replace it before the deadline` }];
      const signer = await this.checkOuterSignature(signature, ingested.sha256, actor, organisationId);
      // The receipt is stamped at the bid's receivedAt: the platform and TSA certificates (made at first
      // use) must exist before that instant is fixed, or the first receipts would predate their notBefore.
      await this.certificates.platformSigner();
      await this.certificates.tsaSigner();
      await this.blobs.commit(ingested);
      const bid = await this.record(actor, tradeId, organisationId, upload, signer, idempotencyKey);
      return { status: 201, body: { ...(await this.receiptView(bid, false)), warnings } };
    } catch (error) {
      await upload.discard();
      if (isUniqueViolation(error)) {
        // two concurrent retries of the same bytes: the other one recorded it
        const earlier = await this.models.Bid.findOne({ where: { tradeId, organisationId, sha256: ingested.sha256 } });
        if (earlier) return { status: 200, body: await this.receiptView(earlier, true) };
      }
      throw error;
    }
  }

  private async checkOuterSignature(signature: Buffer, sha256Hex: string, actor: Actor, organisationId: number): Promise<{ pem: string; serial: string }> {
    let verified;
    try {
      verified = await verifySignedData(new Uint8Array(signature), { detachedDigest: { hash: 'SHA-256', value: new Uint8Array(Buffer.from(sha256Hex, 'hex')) }, provider: nodeProvider });
    } catch (error) {
      if (isCryptoError(error) && (error.code === 'CMS_MALFORMED' || error.code === 'CMS_UNSUPPORTED' || error.code === 'TRUNCATED' || error.code === 'PEM_MALFORMED')) {
        throw new AppError('BID_NOT_CMS', `signature: ${error.message}`);
      }
      if (isCryptoError(error)) throw new AppError('BID_SIGNATURE_INVALID', error.message);
      throw error;
    }
    try {
      await this.certificates.assertUsable(verified.signerCertificatePem, {
        organisationId,
        usage: 'signature',
        at: this.clock.now(),
        intermediatesPem: verified.certificatesPem.filter((pem) => pem !== verified.signerCertificatePem),
      });
    } catch (error) {
      if ((error instanceof AppError || isCryptoError(error)) && error.code === 'CERT_SUBJECT_MISMATCH') {
        throw new AppError('BID_SIGNER_MISMATCH', `the envelope is signed by ${describeCertificate(verified.signerCertificatePem).subject}, not by ${actor.username}'s organisation`);
      }
      throw error;
    }
    return { pem: verified.signerCertificatePem, serial: describeCertificate(verified.signerCertificatePem).serial };
  }

  private async record(
    actor: Actor,
    tradeId: number,
    organisationId: number,
    upload: Received<{ replaces?: number | undefined }>,
    signer: { pem: string; serial: string },
    idempotencyKey: string | null,
  ): Promise<BidRow> {
    const envelope = upload.files.envelope!;
    const { Bid } = this.models;
    return this.db.transaction(async (t) => {
      const trade = (await this.trades.models.Trade.findByPk(tradeId, lockFor(t)))!;
      // The server clock, read with the trade row locked: the deadline transition and a moved deadline serialise with us.
      const now = this.clock.now();
      this.assertOpenForBids(trade, now);
      await this.trades.assertRegistered(tradeId, organisationId, t);
      await this.trades.assertMayTakePart(trade, organisationId, 'bid', now, t);
      const current = await Bid.findOne({ where: { tradeId, organisationId, status: 'current' }, transaction: t });
      if (upload.fields.replaces !== undefined && current?.id !== upload.fields.replaces) {
        throw new AppError('BID_STALE', `bid ${upload.fields.replaces} is not your current bid${current ? ` (bid ${current.id} is)` : ''}`);
      }
      const last = (await Bid.max('seq', { where: { tradeId, organisationId }, transaction: t })) as number | null;
      const bid = await Bid.create(
        {
          tradeId,
          organisationId,
          userId: actor.userId,
          seq: (last ?? 0) + 1,
          status: 'current',
          sha256: envelope.ingested!.sha256,
          size: envelope.ingested!.size,
          fileName: envelope.fileName,
          signature: upload.files.signature!.buffer!,
          signerSerial: signer.serial,
          signerPem: signer.pem,
          receivedAt: now,
          withdrawnAt: null,
          replacedBy: null,
          receipt: null,
          idempotencyKey,
        },
        { transaction: t },
      );
      if (current) await current.update({ status: 'replaced', replacedBy: bid.id }, { transaction: t });
      await this.audit.append(t, {
        actor,
        action: current ? 'bid.replaced' : 'bid.received',
        subject: `trade:${trade.code}`,
        payload: { bid: bid.id, organisation: organisationId, seq: bid.seq, sha256: bid.sha256, size: bid.size, signer: signer.serial, receivedAt: now.toISOString(), replaces: current?.id ?? null },
      });
      return bid;
    });
  }

  /** The receipt of a recorded bid (made once, after commit; a bid whose receipt was lost in a crash gets it on retry). */
  private async receiptFor(bid: BidRow, content: BidReceiptView['receiptContent']): Promise<Buffer> {
    if (bid.receipt) return bid.receipt;
    const platform = await this.certificates.platformSigner();
    const tsa = await this.certificates.tsaSigner();
    const chain = this.certificates.chainPem();
    const der = await makeReceipt(
      content,
      {
        platformCertificatePem: platform.certificatePem,
        platformPrivateKeyPem: platform.privateKeyPem,
        platformChainPem: chain,
        tsa: { certificatePem: tsa.certificatePem, privateKeyPem: tsa.privateKeyPem, chainPem: chain },
        now: bid.receivedAt,
      },
    );
    const receipt = Buffer.from(der);
    // in a transaction, not autocommit: on SQLite a bare write that meets an open write transaction
    // waits in SQLite's sleeping busy handler instead of the process's transaction queue
    return this.db.transaction(async (t) => {
      await this.models.Bid.update({ receipt }, { where: { id: bid.id, receipt: null }, transaction: t });
      return (await this.models.Bid.findByPk(bid.id, { transaction: t }))!.receipt ?? receipt;
    });
  }

  private async receiptView(bid: BidRow, replayed: boolean): Promise<BidReceiptView> {
    const trade = await this.trades.get(bid.tradeId);
    const org = await this.identity.models.Organisation.findByPk(bid.organisationId);
    const content = { trade: trade.code, bidder: org!.uscc, sha256: bid.sha256, size: Number(bid.size), receivedAt: bid.receivedAt.toISOString(), seq: bid.seq };
    const receipt = await this.receiptFor(bid, content);
    return {
      bid: await this.view(bid, trade),
      receipt: bytesToBase64(new Uint8Array(receipt)),
      receiptContent: content,
      replayed,
      warnings: [],
    };
  }

  private async lastAmendment(tradeId: number): Promise<Date | null> {
    const docs = await this.trades.models.TradeDocument.findAll({ where: { tradeId, affectsBids: true }, order: [['publishedAt', 'DESC']], limit: 1 });
    return docs[0]?.publishedAt ?? null;
  }

  private async view(bid: BidRow, trade: TradeRow, lastAmendment?: Date | null): Promise<BidView> {
    const amended = lastAmendment === undefined ? await this.lastAmendment(trade.id) : lastAmendment;
    return {
      id: bid.id,
      tradeId: bid.tradeId,
      seq: bid.seq,
      status: bid.status,
      sha256: bid.sha256,
      size: Number(bid.size),
      fileName: bid.fileName,
      receivedAt: bid.receivedAt.toISOString(),
      withdrawnAt: bid.withdrawnAt?.toISOString() ?? null,
      replacedBy: bid.replacedBy,
      signerSerial: bid.signerSerial,
      predatesAmendment: amended !== null && bid.receivedAt < amended,
    };
  }

  /** The caller's own bids on a trade, all of them (history). Nobody else's, before the opening. */
  async mine(actor: Actor, tradeId: number): Promise<BidView[]> {
    const trade = await this.trades.visible(tradeId, actor);
    if (actor.role !== 'bidder') throw new AppError('BID_CONFIDENTIAL', 'bids stay sealed and unlisted until the opening');
    const organisationId = this.trades.bidderOrganisation(actor);
    const rows = await this.models.Bid.findAll({ where: { tradeId, organisationId }, order: [['seq', 'ASC']] });
    const amended = await this.lastAmendment(tradeId);
    return Promise.all(rows.map((row) => this.view(row, trade, amended)));
  }

  private async own(actor: Actor, tradeId: number, bidId: number, t?: Transaction): Promise<BidRow> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const bid = await this.models.Bid.findOne({ where: { id: bidId, tradeId }, ...(t ? { transaction: t } : {}) });
    // another organisation's bid is answered exactly like a missing one: its existence is confidential
    if (!bid || bid.organisationId !== organisationId) throw new AppError('NOT_FOUND', `no bid ${bidId} of yours on this trade`);
    return bid;
  }

  async receipt(actor: Actor, tradeId: number, bidId: number): Promise<BidReceiptView> {
    return this.receiptView(await this.own(actor, tradeId, bidId), false);
  }

  async sendEnvelope(actor: Actor, tradeId: number, bidId: number, res: Response): Promise<void> {
    const bid = await this.own(actor, tradeId, bidId);
    await this.blobs.send(res, { sha256: bid.sha256, size: Number(bid.size), fileName: bid.fileName, mediaType: 'application/cms' });
  }

  /** Withdraws the current bid before the deadline (where the rules table allows withdrawal). */
  async withdraw(actor: Actor, tradeId: number, bidId: number): Promise<WithdrawalView> {
    const organisationId = this.trades.bidderOrganisation(actor);
    const withdrawn = await this.db.transaction(async (t) => {
      const trade = (await this.trades.models.Trade.findByPk(tradeId, lockFor(t)))!;
      if (!trade) throw new AppError('NOT_FOUND', `no trade ${tradeId}`);
      const now = this.clock.now();
      this.assertOpenForBids(trade, now);
      const bid = await this.own(actor, tradeId, bidId, t);
      if (bid.status !== 'current') throw new AppError('BID_NOT_CURRENT', `bid ${bidId} is ${bid.status}`);
      const rule = await this.trades.rules.forTrade('bids.withdrawal_allowed', trade);
      if (rule && rule.value === 0) {
        throw new AppError('BID_WITHDRAWAL_NOT_ALLOWED', `${rule.row.title.zh}`, { extra: { rule: rule.row.id, source: rule.row.source } });
      }
      await bid.update({ status: 'withdrawn', withdrawnAt: now }, { transaction: t });
      await this.audit.append(t, { actor, action: 'bid.withdrawn', subject: `trade:${trade.code}`, payload: { bid: bid.id, organisation: organisationId, sha256: bid.sha256, withdrawnAt: now.toISOString() } });
      return { bid, trade };
    });
    const org = await this.identity.models.Organisation.findByPk(organisationId);
    const platform = await this.certificates.platformSigner();
    const content = new TextEncoder().encode(
      canonicalJson({ action: 'withdrawn', trade: withdrawn.trade.code, bidder: org!.uscc, sha256: withdrawn.bid.sha256, withdrawnAt: withdrawn.bid.withdrawnAt!.toISOString() }),
    );
    const ack = await signAttached(content, platform, { provider: nodeProvider, signingTime: withdrawn.bid.withdrawnAt! });
    return { bid: await this.view(withdrawn.bid, withdrawn.trade), acknowledgement: bytesToBase64(ack) };
  }
}

export { base64ToBytes };

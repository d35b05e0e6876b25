/**
 * The sealed bid (docs/sealed-bid-format.md), three CMS layers:
 *   1. inner: SignedData (attached) over the bid package, by the bidder's certificate;
 *   2. envelope (SEALED): AuthEnvelopedData of the inner DER to the bidder's own certificate and
 *      the trade's opening certificate (《电子招标投标办法》 art 30: the bidder unlocks its own bid at
 *      the opening; the opening key is the remedy and the way to open without bidders);
 *   3. outer (SEALED.sig): detached SignedData by the bidder over the envelope bytes, so the server
 *      knows who submitted exactly these bytes without opening anything.
 * This file is the in-memory (isomorphic) version; crypto/node/sealed-bid-file.ts streams files.
 */
import { openWithContentKey, sealBytes, unlockContentKey, type EnvelopeRecipient } from './envelope.js';
import { CryptoVerifyError } from './errors.js';
import type { CryptoProvider } from './provider.js';
import { sameCertificate, signAttached, signDetached, verifySignedData, type CmsSigner } from './signed-data.js';
import { DEFAULT_SUITE, type AlgorithmSuite } from './suite.js';
import { webProvider } from './web/provider.js';

export interface SealedBid {
  /** DER AuthEnvelopedData: the SEALED file. */
  envelope: Uint8Array;
  /** DER detached SignedData over `envelope`: the SEALED.sig file. */
  signature: Uint8Array;
}

export interface SealBidOptions {
  provider?: CryptoProvider;
  suite?: AlgorithmSuite;
  signingTime?: Date;
}

export interface OuterSignature {
  signerCertificatePem: string;
  certificatesPem: string[];
  signingTime?: Date;
  /** SHA-256 of the envelope bytes (what a receipt names). */
  envelopeSha256: Uint8Array;
}

/** Who opens: a recipient's private key (certificate optional), or the bid's released content key. */
export type BidOpener = EnvelopeRecipient | { cek: Uint8Array };

export interface OpenedBid {
  bidPackage: Uint8Array;
  innerSignerCertificatePem: string;
  /** Certificates carried by the inner signature (signer and chain), for the caller's chain check. */
  innerCertificatesPem: string[];
  innerSigningTime?: Date;
  /** Set when the outer signature was given and checked. */
  outer?: OuterSignature;
}

export async function sealBid(bidPackage: Uint8Array, bidder: CmsSigner, openingCertificatePem: string, options: SealBidOptions = {}): Promise<SealedBid> {
  const common = { provider: options.provider ?? webProvider, suite: options.suite ?? DEFAULT_SUITE, ...(options.signingTime ? { signingTime: options.signingTime } : {}) };
  const inner = await signAttached(bidPackage, bidder, { ...common, role: 'inner' });
  const envelope = await sealBytes(inner, [bidder.certificatePem, openingCertificatePem], common);
  const signature = await signDetached(envelope, bidder, { ...common, role: 'outer' });
  return { envelope, signature };
}

/** Checks the outer signature over the envelope bytes (no opening). Chain checks are the caller's. */
export async function verifyOuter(envelope: Uint8Array, signature: Uint8Array, options: { provider?: CryptoProvider } = {}): Promise<OuterSignature> {
  const provider = options.provider ?? webProvider;
  const verified = await verifySignedData(signature, { detachedContent: envelope, provider });
  return {
    signerCertificatePem: verified.signerCertificatePem,
    certificatesPem: verified.certificatesPem,
    ...(verified.signingTime ? { signingTime: verified.signingTime } : {}),
    envelopeSha256: await provider.sha256(envelope),
  };
}

/** Releases only the content key of one bid (the bidder's own unlock at the opening). */
export async function unlockBid(envelope: Uint8Array, recipient: EnvelopeRecipient, options: { provider?: CryptoProvider } = {}): Promise<Uint8Array> {
  return unlockContentKey(envelope, recipient, options);
}

/**
 * Opens a sealed bid: (outer signature, when given) → content key → AES-GCM tag → inner signature.
 * SIGNER_MISMATCH when the inner signer is not the certificate that signed the outer layer.
 */
export async function openBid(envelope: Uint8Array, opener: BidOpener, options: { provider?: CryptoProvider; signature?: Uint8Array } = {}): Promise<OpenedBid> {
  const provider = options.provider ?? webProvider;
  const outer = options.signature ? await verifyOuter(envelope, options.signature, { provider }) : undefined;
  const cek = 'cek' in opener ? opener.cek : await unlockContentKey(envelope, opener, { provider });
  const inner = await openWithContentKey(envelope, cek, { provider });
  const verified = await verifySignedData(inner, { provider });
  if (verified.detached) throw new CryptoVerifyError('SIGNATURE_INVALID', 'the inner signature carries no bid package');
  if (outer) assertSameSigner(verified.signerCertificatePem, outer.signerCertificatePem);
  return {
    bidPackage: verified.content,
    innerSignerCertificatePem: verified.signerCertificatePem,
    innerCertificatesPem: verified.certificatesPem,
    ...(verified.signingTime ? { innerSigningTime: verified.signingTime } : {}),
    ...(outer ? { outer } : {}),
  };
}

export function assertSameSigner(innerSignerPem: string, outerSignerPem: string): void {
  if (!sameCertificate(innerSignerPem, outerSignerPem)) {
    throw new CryptoVerifyError('SIGNER_MISMATCH', 'the bid package was signed by a different certificate than the one that submitted the envelope');
  }
}

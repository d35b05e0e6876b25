/**
 * The sealed bid (crypto/sealed-bid.ts) for files of any size, streamed: the inner SignedData is
 * built around the bid package without loading it (its digest is computed in a first pass), the
 * envelope is written with definite lengths, the outer signature is over the envelope's streamed
 * hash. Opening splits the decrypted inner SignedData on the fly: the bid package goes to a
 * temporary file, the signature fields stay in memory, and the output appears only after the GCM
 * tag and the inner signature both verified.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { concat } from '../der.js';
import type { EnvelopeRecipient } from '../envelope.js';
import { CryptoFormatError, CryptoVerifyError } from '../errors.js';
import type { CryptoProvider } from '../provider.js';
import { assertSameSigner, type OpenedBid, type OuterSignature } from '../sealed-bid.js';
import { asCryptoError, parseSignedDataTail, signDetachedDigest, signedDataLayout, signedDataParts, verifySignedData, verifySignerInfo, type CmsSigner, type SignedDataLayout } from '../signed-data.js';
import { DEFAULT_SUITE, type AlgorithmSuite } from '../suite.js';
import { nodeProvider } from './provider.js';
import { CHUNK_SIZE, decryptFileTo, fileSink, readEnvelopeFileHeader, sealPartsToFile, type PlaintextSink, type Progress } from './sealed-file.js';
import { unlockFromLayout } from '../envelope.js';

export const signaturePathFor = (sealedPath: string): string => `${sealedPath}.sig`;

/** The inner SignedData's certificates and signer info must fit in this much memory. */
const MAX_INNER_TAIL = 16 << 20;
const INNER_HEAD_WINDOW = 64 << 10;

export async function sha256OfFile(path: string, onProgress?: Progress): Promise<Uint8Array> {
  const hash = createHash('sha256');
  const total = (await stat(path)).size;
  let done = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_SIZE })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    onProgress?.(done, total);
  }
  return new Uint8Array(hash.digest());
}

export interface SealBidFileResult {
  sealedPath: string;
  signaturePath: string;
  size: number;
  envelopeSha256: Uint8Array;
}

/** Seals the bid package at `inputPath` into `outputPath` (envelope) and `outputPath`.sig (outer signature). */
export async function sealBidFile(args: {
  inputPath: string;
  outputPath: string;
  bidder: CmsSigner;
  openingCertificatePem: string;
  provider?: CryptoProvider;
  suite?: AlgorithmSuite;
  signingTime?: Date;
  onProgress?: (phase: 'hash' | 'seal', done: number, total: number) => void;
}): Promise<SealBidFileResult> {
  const provider = args.provider ?? nodeProvider;
  const suite = args.suite ?? DEFAULT_SUITE;
  const common = { provider, suite, ...(args.signingTime ? { signingTime: args.signingTime } : {}) };
  const size = (await stat(args.inputPath)).size;
  const digest = await sha256OfFile(args.inputPath, (d, t) => args.onProgress?.('hash', d, t));
  const { prefix, suffix } = await signedDataParts(digest, size, args.bidder, { ...common, role: 'inner' });
  const sealed = await sealPartsToFile([prefix, { path: args.inputPath }, suffix], [args.bidder.certificatePem, args.openingCertificatePem], args.outputPath, {
    provider,
    suite,
    onProgress: (d, t) => args.onProgress?.('seal', d, t),
  });
  const signature = await signDetachedDigest(sealed.sha256, args.bidder, { ...common, role: 'outer' });
  const signaturePath = signaturePathFor(args.outputPath);
  await writeFile(signaturePath, signature);
  return { sealedPath: args.outputPath, signaturePath, size: sealed.size, envelopeSha256: sealed.sha256 };
}

/** Outer check of a sealed file: who signed exactly these envelope bytes (nothing is opened). */
export async function verifyOuterFile(sealedPath: string, signaturePath: string, options: { provider?: CryptoProvider; onProgress?: Progress } = {}): Promise<OuterSignature> {
  const provider = options.provider ?? nodeProvider;
  const signature = new Uint8Array(await readFile(signaturePath));
  const envelopeSha256 = await sha256OfFile(sealedPath, options.onProgress);
  const verified = await verifySignedData(signature, { detachedDigest: { hash: 'SHA-256', value: envelopeSha256 }, provider });
  return {
    signerCertificatePem: verified.signerCertificatePem,
    certificatesPem: verified.certificatesPem,
    ...(verified.signingTime ? { signingTime: verified.signingTime } : {}),
    envelopeSha256,
  };
}

/** Releases only the content key of a sealed file (reads the header only). */
export async function unlockBidFile(sealedPath: string, recipient: EnvelopeRecipient, options: { provider?: CryptoProvider } = {}): Promise<Uint8Array> {
  const header = await readEnvelopeFileHeader(sealedPath);
  try {
    return await unlockFromLayout(header.layout, recipient, options.provider ?? nodeProvider);
  } catch (error) {
    throw asCryptoError(error);
  }
}

/**
 * A sink that takes the decrypted inner SignedData, writes its eContent (the bid package) to
 * `outputPath` and keeps the signature fields; `finish()` verifies the inner signature before
 * releasing the package.
 */
function innerSignedDataSink(outputPath: string, innerLength: number, provider: CryptoProvider, onVerified: (result: Omit<OpenedBid, 'bidPackage'>) => void, outerSignerPem?: string): PlaintextSink {
  let head: Uint8Array[] = [];
  let headLength = 0;
  let layout: SignedDataLayout | undefined;
  let position = 0; // bytes of the inner object consumed
  const tail: Uint8Array[] = [];
  let tailLength = 0;
  const hash = createHash('sha256');
  let file: PlaintextSink | undefined;

  const route = async (chunk: Uint8Array): Promise<void> => {
    // chunk starts at `position` of the inner object
    const content = layout!.content!;
    const contentEnd = content.offset + content.length;
    let p = 0;
    if (position < contentEnd) {
      const take = Math.min(chunk.length, contentEnd - position);
      const piece = chunk.subarray(0, take);
      hash.update(piece);
      await file!.write(piece);
      p = take;
    }
    if (p < chunk.length) {
      const rest = chunk.subarray(p);
      tailLength += rest.length;
      if (tailLength > MAX_INNER_TAIL) throw new CryptoFormatError('CMS_MALFORMED', 'inner signature fields are too large');
      tail.push(new Uint8Array(rest));
    }
    position += chunk.length;
  };

  /** The buffered head is complete: read the layout, open the output, route what follows the header. */
  const startContent = async (): Promise<SignedDataLayout> => {
    const buf = concat(head);
    head = [];
    const started = signedDataLayout(buf, innerLength);
    if (!started.content) throw new CryptoVerifyError('SIGNATURE_INVALID', 'the inner signature carries no bid package');
    layout = started;
    file = await fileSink(outputPath);
    position = started.content.offset;
    await route(buf.subarray(started.content.offset));
    return started;
  };

  return {
    async write(chunk) {
      if (!chunk.length) return;
      if (layout) return route(chunk);
      head.push(new Uint8Array(chunk));
      headLength += chunk.length;
      if (headLength < Math.min(innerLength, INNER_HEAD_WINDOW)) return;
      await startContent();
    },
    async finish() {
      // a tiny inner object: all of it arrived before the head window filled
      const started = layout ?? (await startContent());
      if (position !== innerLength) throw new CryptoFormatError('TRUNCATED', 'inner SignedData ended early');
      const contentDigest = new Uint8Array(hash.digest());
      const verified = await verifySignerInfo({
        eContentType: started.eContentType,
        digestHashes: started.digestHashes,
        tail: parseSignedDataTail(concat(tail)),
        digestOf: async (name) => {
          if (name !== 'SHA-256') throw new CryptoFormatError('CMS_UNSUPPORTED', `streamed inner signature with ${name} (SHA-256 expected)`);
          return contentDigest;
        },
        provider,
      });
      if (outerSignerPem) assertSameSigner(verified.signerCertificatePem, outerSignerPem);
      await file!.finish();
      onVerified({
        innerSignerCertificatePem: verified.signerCertificatePem,
        innerCertificatesPem: verified.certificatesPem,
        ...(verified.signingTime ? { innerSigningTime: verified.signingTime } : {}),
      });
    },
    async abort() {
      await file?.abort();
    },
  };
}

export type BidFileOpener = EnvelopeRecipient | { cek: Uint8Array };

/**
 * Opens a sealed file to `outputPath` (the bid package): outer signature (when `signaturePath` is
 * given) → content key → streamed GCM decryption → inner signature → release.
 */
export async function openBidFile(args: {
  sealedPath: string;
  outputPath: string;
  opener: BidFileOpener;
  signaturePath?: string;
  provider?: CryptoProvider;
  onProgress?: Progress;
}): Promise<Omit<OpenedBid, 'bidPackage'>> {
  const provider = args.provider ?? nodeProvider;
  const outer = args.signaturePath ? await verifyOuterFile(args.sealedPath, args.signaturePath, { provider }) : undefined;
  const header = await readEnvelopeFileHeader(args.sealedPath);
  let cek: Uint8Array;
  try {
    cek = 'cek' in args.opener ? args.opener.cek : await unlockFromLayout(header.layout, args.opener, provider);
  } catch (error) {
    throw asCryptoError(error);
  }
  let result: Omit<OpenedBid, 'bidPackage'> | undefined;
  const sink = innerSignedDataSink(args.outputPath, header.ciphertextLength, provider, (r) => (result = r), outer?.signerCertificatePem);
  await decryptFileTo(args.sealedPath, cek, sink, { header, ...(args.onProgress ? { onProgress: args.onProgress } : {}) });
  return { ...result!, ...(outer ? { outer } : {}) };
}

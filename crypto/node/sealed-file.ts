/**
 * Streaming AuthEnvelopedData for big files (Node). Sealing writes the DER with definite lengths
 * (the plaintext size is known up front) while AES-256-GCM runs over ~1 MiB chunks. Opening parses
 * the header, decrypts into a temporary file beside the output and releases it (fsync + rename)
 * only after the GCM tag verifies: unauthenticated plaintext never reaches the output path.
 * Memory stays flat whatever the file size.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { envelopeHeader, envelopeLayout, envelopeTag, envelopeTrailer, unlockFromLayout, type EnvelopeLayout, type EnvelopeRecipient } from '../envelope.js';
import { CryptoFormatError, CryptoVerifyError } from '../errors.js';
import type { CryptoProvider } from '../provider.js';
import { asCryptoError } from '../signed-data.js';
import { DEFAULT_SUITE, type AlgorithmSuite } from '../suite.js';
import { nodeProvider } from './provider.js';

export const CHUNK_SIZE = 1 << 20;
/** The envelope header (recipients included) must lie within this many bytes. */
const MAX_HEADER = 1 << 20;

export type Progress = (done: number, total: number) => void;

/** A piece of plaintext: bytes in memory, or a whole file streamed from disk. */
export type PlaintextPart = Uint8Array | { path: string };

export interface SealFileResult {
  size: number;
  /** SHA-256 of the envelope bytes written. */
  sha256: Uint8Array;
}

async function partLength(part: PlaintextPart): Promise<number> {
  return part instanceof Uint8Array ? part.length : (await stat(part.path)).size;
}

async function* partChunks(part: PlaintextPart): AsyncGenerator<Uint8Array> {
  if (part instanceof Uint8Array) {
    if (part.length) yield part;
    return;
  }
  for await (const chunk of createReadStream(part.path, { highWaterMark: CHUNK_SIZE })) yield chunk as Buffer;
}

/** A temporary path beside `target`, so the final rename stays on one file system. */
export function tempPathBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.part`);
}

async function commit(handle: FileHandle, tempPath: string, target: string): Promise<void> {
  await handle.sync();
  await handle.close();
  await rename(tempPath, target);
}

async function discard(handle: FileHandle | undefined, tempPath: string): Promise<void> {
  await handle?.close().catch(() => undefined);
  await unlink(tempPath).catch(() => undefined);
}

/**
 * Seals the concatenation of `parts` to `recipientCertificatesPem`, writing the envelope DER to
 * `outputPath` (atomically, via a temporary file).
 */
export async function sealPartsToFile(
  parts: PlaintextPart[],
  recipientCertificatesPem: string[],
  outputPath: string,
  options: { provider?: CryptoProvider; suite?: AlgorithmSuite; onProgress?: Progress } = {},
): Promise<SealFileResult> {
  const provider = options.provider ?? nodeProvider;
  const suite = options.suite ?? DEFAULT_SUITE;
  const lengths = await Promise.all(parts.map(partLength));
  const total = lengths.reduce((a, b) => a + b, 0);
  const cek = provider.randomBytes(suite.contentCipher.keyLength);
  const iv = provider.randomBytes(suite.contentCipher.ivLength);
  const head = await envelopeHeader({ recipientCertificatesPem, cek, iv, contentLength: total, provider, suite });
  const cipher = createCipheriv('aes-256-gcm', cek, iv, { authTagLength: 16 });
  cek.fill(0);
  const hash = createHash('sha256');
  const tempPath = tempPathBeside(outputPath);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tempPath, 'wx', 0o600);
    let size = 0;
    const write = async (bytes: Uint8Array) => {
      if (!bytes.length) return;
      hash.update(bytes);
      await handle!.write(bytes);
      size += bytes.length;
    };
    await write(head);
    let done = 0;
    for (const [i, part] of parts.entries()) {
      let seen = 0;
      for await (const chunk of partChunks(part)) {
        seen += chunk.length;
        await write(cipher.update(chunk));
        done += chunk.length;
        options.onProgress?.(done, total);
      }
      if (seen !== lengths[i]) throw new CryptoFormatError('TRUNCATED', 'the input file changed size while it was being sealed');
    }
    await write(cipher.final());
    await write(envelopeTrailer(cipher.getAuthTag()));
    await commit(handle, tempPath, outputPath);
    handle = undefined;
    return { size, sha256: new Uint8Array(hash.digest()) };
  } catch (error) {
    await discard(handle, tempPath);
    throw error;
  }
}

export async function sealFile(inputPath: string, recipientCertificatesPem: string[], outputPath: string, options: { provider?: CryptoProvider; suite?: AlgorithmSuite; onProgress?: Progress } = {}): Promise<SealFileResult> {
  return sealPartsToFile([{ path: inputPath }], recipientCertificatesPem, outputPath, options);
}

export interface EnvelopeFileHeader {
  layout: EnvelopeLayout;
  /** Total size of the envelope file. */
  size: number;
  ciphertextOffset: number;
  ciphertextLength: number;
  tag: Uint8Array;
}

/** Reads and checks an envelope file's header and tag without reading its ciphertext. */
export async function readEnvelopeFileHeader(path: string): Promise<EnvelopeFileHeader> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const headBuf = new Uint8Array(Math.min(size, MAX_HEADER));
    await readExactly(handle, headBuf, 0);
    try {
      const layout = envelopeLayout(headBuf, size);
      if (layout.ciphertext instanceof Uint8Array) throw new CryptoFormatError('CMS_UNSUPPORTED', 'constructed ciphertext encoding');
      const trailer = new Uint8Array(layout.end - layout.trailerOffset);
      if (trailer.length > 4096) throw new CryptoFormatError('CMS_MALFORMED', 'oversized envelope trailer');
      await readExactly(handle, trailer, layout.trailerOffset);
      return { layout, size, ciphertextOffset: layout.ciphertext.offset, ciphertextLength: layout.ciphertext.length, tag: envelopeTag(trailer) };
    } catch (error) {
      throw asCryptoError(error);
    }
  } finally {
    await handle.close();
  }
}

async function readExactly(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
  let got = 0;
  while (got < into.length) {
    const { bytesRead } = await handle.read(into, got, into.length - got, position + got);
    if (bytesRead === 0) throw new CryptoFormatError('TRUNCATED', 'file ended early');
    got += bytesRead;
  }
}

/** The content key of an envelope file, for one recipient (reads the header only). */
export async function unlockFile(path: string, recipient: EnvelopeRecipient, options: { provider?: CryptoProvider } = {}): Promise<Uint8Array> {
  const header = await readEnvelopeFileHeader(path);
  try {
    return await unlockFromLayout(header.layout, recipient, options.provider ?? nodeProvider);
  } catch (error) {
    throw asCryptoError(error);
  }
}

/** Receives the decrypted stream; nothing may be released before `finish` is called. */
export interface PlaintextSink {
  write(chunk: Uint8Array): Promise<void>;
  /** The tag verified: check the content and release it. */
  finish(): Promise<void>;
  /** The tag failed or anything else went wrong: delete everything written. */
  abort(): Promise<void>;
}

/** A sink writing to a temporary file beside `outputPath`, renamed into place by finish(). */
export async function fileSink(outputPath: string): Promise<PlaintextSink> {
  const tempPath = tempPathBeside(outputPath);
  const handle = await open(tempPath, 'wx', 0o600);
  return {
    write: async (chunk) => {
      if (chunk.length) await handle.write(chunk);
    },
    finish: () => commit(handle, tempPath, outputPath),
    abort: () => discard(handle, tempPath),
  };
}

/**
 * Streams the ciphertext of `path` through AES-256-GCM into `sink`; the sink's finish() runs only
 * after the tag verified, else abort() and AUTH_TAG_INVALID.
 */
export async function decryptFileTo(path: string, cek: Uint8Array, sink: PlaintextSink, options: { onProgress?: Progress; header?: EnvelopeFileHeader } = {}): Promise<void> {
  try {
    const header = options.header ?? (await readEnvelopeFileHeader(path));
    if (cek.length !== 32) throw new CryptoVerifyError('KEY_MISMATCH', `content key of ${cek.length} bytes (32 expected)`);
    const decipher = createDecipheriv('aes-256-gcm', cek, header.layout.iv, { authTagLength: 16 });
    decipher.setAuthTag(header.tag);
    let done = 0;
    // A sink that refuses the (still unauthenticated) plaintext is reported only after the tag
    // checked out: with a wrong key or altered bytes the answer is AUTH_TAG_INVALID, not a parse error.
    let sinkError: unknown;
    const feed = async (plain: Uint8Array) => {
      if (sinkError !== undefined) return;
      try {
        await sink.write(plain);
      } catch (error) {
        sinkError = error;
      }
    };
    if (header.ciphertextLength > 0) {
      const stream = createReadStream(path, { start: header.ciphertextOffset, end: header.ciphertextOffset + header.ciphertextLength - 1, highWaterMark: CHUNK_SIZE });
      for await (const chunk of stream) {
        await feed(decipher.update(chunk as Buffer));
        done += (chunk as Buffer).length;
        options.onProgress?.(done, header.ciphertextLength);
      }
    }
    if (done !== header.ciphertextLength) throw new CryptoFormatError('TRUNCATED', 'the envelope file changed while it was being read');
    let last: Buffer;
    try {
      last = decipher.final();
    } catch (error) {
      throw new CryptoVerifyError('AUTH_TAG_INVALID', 'authentication tag does not match: the envelope was altered or the key is wrong', { cause: error });
    }
    await feed(last);
    if (sinkError !== undefined) throw sinkError;
    await sink.finish();
  } catch (error) {
    await sink.abort();
    throw asCryptoError(error);
  }
}

/** Opens an envelope file to `outputPath` with a recipient's key or with the content key. */
export async function openFile(path: string, opener: EnvelopeRecipient | { cek: Uint8Array }, outputPath: string, options: { provider?: CryptoProvider; onProgress?: Progress } = {}): Promise<void> {
  const header = await readEnvelopeFileHeader(path);
  let cek: Uint8Array;
  try {
    cek = 'cek' in opener ? opener.cek : await unlockFromLayout(header.layout, opener, options.provider ?? nodeProvider);
  } catch (error) {
    throw asCryptoError(error);
  }
  await decryptFileTo(path, cek, await fileSink(outputPath), { header, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
}

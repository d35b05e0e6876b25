import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from './logger.js';

/**
 * Content-addressed blob storage under DATA_DIR/blobs/ab/cd/<sha256>: tender documents and sealed
 * bids. Uploads stream into a per-process temp directory while being hashed and counted, are fsynced,
 * and only then renamed into place (and the directory fsynced): a blob is complete or absent. A
 * database row that names a blob is written after the blob, so a row never points at nothing; a crash
 * between the two leaves an unreferenced blob, which is harmless (same bytes, same name) — never a
 * half-written one. Temp directories of processes that died are removed at start.
 */
export interface IngestedFile {
  tempPath: string;
  sha256: string;
  size: number;
}

export class SizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`file exceeds ${limit} bytes`);
  }
}

export class BlobStore {
  readonly root: string;
  readonly tempDir: string;

  constructor(
    dataDir: string,
    private readonly logger?: Logger,
  ) {
    this.root = path.join(dataDir, 'blobs');
    this.tempDir = path.join(dataDir, 'tmp', `${process.pid}-${randomUUID().slice(0, 8)}`);
  }

  async start(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true });
    const tmpRoot = path.dirname(this.tempDir);
    await fsp.mkdir(tmpRoot, { recursive: true });
    for (const entry of await fsp.readdir(tmpRoot)) {
      const pid = Number(entry.split('-')[0]);
      if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
      await fsp.rm(path.join(tmpRoot, entry), { recursive: true, force: true });
      this.logger?.info({ dir: entry }, 'storage.stale_temp_removed');
    }
    await fsp.mkdir(this.tempDir, { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Streams into a temp file, hashing as it goes; fsyncs before answering. Over `maxBytes` → SizeLimitError. */
  async ingest(source: Readable, maxBytes: number): Promise<IngestedFile> {
    const tempPath = path.join(this.tempDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const handle = await fsp.open(tempPath, 'wx', 0o600);
    try {
      // Event-driven rather than for-await: leaving a for-await early destroys the source, and the
      // multipart parser would report that abort instead of our reason. Here the source is never
      // destroyed — after a failure its remaining bytes are read and dropped.
      // One write is in flight while the next chunks are read and hashed into a batch (up to
      // WRITE_BATCH, then the source pauses): reading and writing overlap, and a 64 KiB parser chunk
      // is not a thread-pool round trip of its own.
      await new Promise<void>((resolve, reject) => {
        let failed = false;
        let ended = false;
        let writing = false;
        let batch: Buffer[] = [];
        let batched = 0;
        const fail = (error: unknown) => {
          if (failed) return;
          failed = true;
          batch = [];
          source.resume();
          reject(error);
        };
        const flush = () => {
          if (writing || failed) return;
          if (batched === 0) {
            if (ended) resolve();
            return;
          }
          const buffer = batch.length === 1 ? batch[0]! : Buffer.concat(batch, batched);
          batch = [];
          batched = 0;
          writing = true;
          if (!ended) source.resume();
          writeAll(handle, buffer).then(() => {
            writing = false;
            flush();
          }, fail);
        };
        source.on('data', (chunk: Buffer) => {
          if (failed) return;
          size += chunk.length;
          if (size > maxBytes) return fail(new SizeLimitError(maxBytes));
          hash.update(chunk);
          batch.push(chunk);
          batched += chunk.length;
          if (!writing) flush();
          else if (batched >= WRITE_BATCH) source.pause();
        });
        source.once('end', () => {
          ended = true;
          flush();
        });
        source.once('error', fail);
      });
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fsp.rm(tempPath, { force: true });
      throw error;
    }
    await handle.close();
    return { tempPath, sha256: hash.digest('hex'), size };
  }

  /** Moves an ingested temp file into place under its hash (durable when this resolves). */
  async commit(file: IngestedFile): Promise<string> {
    const target = this.pathOf(file.sha256);
    const dir = path.dirname(target);
    await fsp.mkdir(dir, { recursive: true });
    if (fs.existsSync(target)) {
      await fsp.rm(file.tempPath, { force: true });
      return target;
    }
    await fsp.rename(file.tempPath, target);
    await fsyncDir(dir);
    return target;
  }

  async discard(file: IngestedFile | null | undefined): Promise<void> {
    if (file) await fsp.rm(file.tempPath, { force: true });
  }

  read(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathOf(sha256));
  }

  /** Streams a blob as a download (attachment, its SHA-256 in X-Content-SHA256); resolves when the response ends. */
  async send(res: ServerResponse, blob: { sha256: string; size: number; fileName: string; mediaType: string }): Promise<void> {
    res.setHeader('Content-Type', blob.mediaType);
    res.setHeader('Content-Length', String(blob.size));
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(blob.fileName)}`);
    res.setHeader('X-Content-SHA256', blob.sha256);
    await new Promise<void>((resolve, reject) => {
      const stream = this.read(blob.sha256);
      stream.on('error', reject);
      res.on('finish', resolve);
      res.on('close', resolve);
      stream.pipe(res);
    });
  }
}

/** Bytes an upload reads ahead while its previous write is in flight (per upload, so it bounds memory under a rush). */
const WRITE_BATCH = 256 * 1024;

async function writeAll(handle: fsp.FileHandle, buffer: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buffer.length) offset += (await handle.write(buffer, offset, buffer.length - offset)).bytesWritten;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

import type { Request, Response } from 'express';
import multer from 'multer';
import type { z } from 'zod';
import { AppError } from './errors.js';
import { validationError } from './http.js';
import { SizeLimitError, type BlobStore, type IngestedFile } from './storage.js';

/**
 * multipart/form-data uploads through multer with our own storage engine: each file part streams
 * into the blob store's temp area while being hashed (never held in memory), small parts (a detached
 * signature) are buffered up to their limit. File names must be plain UTF-8 names — path-like,
 * control-character or non-UTF-8 names are refused before a byte is stored.
 */
export interface FilePartSpec {
  name: string;
  maxBytes: number;
  required: boolean;
  /** Buffer in memory (small parts only) instead of streaming to the blob store. */
  memory?: boolean;
}

export interface ReceivedFile {
  field: string;
  fileName: string;
  mediaType: string;
  ingested: IngestedFile | null;
  buffer: Buffer | null;
}

export interface Received<F> {
  files: Record<string, ReceivedFile>;
  fields: F;
  /** Removes whatever was stored in the temp area (on any later failure). */
  discard(): Promise<void>;
}

const MAX_FILE_NAME = 200;

/** A file name as the client sent it (latin1-decoded raw bytes) → its UTF-8 text, or FILE_NAME_INVALID. */
export function checkFileName(raw: string): string {
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    throw new AppError('FILE_NAME_INVALID', 'file name is not valid UTF-8');
  }
  name = name.normalize('NFC');
  // eslint-disable-next-line no-control-regex
  if (!name || name.length > MAX_FILE_NAME || /[\u0000-\u001f\u007f/\\]/.test(name) || name === '.' || name === '..' || /^[A-Za-z]:/.test(name)) {
    throw new AppError('FILE_NAME_INVALID', `file name ${JSON.stringify(name.slice(0, 80))} is path-like, empty, too long or has control characters`);
  }
  return name;
}

class Engine implements multer.StorageEngine {
  constructor(
    private readonly store: BlobStore,
    private readonly specs: readonly FilePartSpec[],
  ) {}

  _handleFile(_req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File> & { received?: ReceivedFile }) => void): void {
    const spec = this.specs.find((s) => s.name === file.fieldname);
    if (!spec) {
      file.stream.resume();
      cb(new AppError('UPLOAD_PART_UNEXPECTED', `unexpected file part "${file.fieldname}"`));
      return;
    }
    let fileName: string;
    try {
      fileName = checkFileName(file.originalname);
    } catch (error) {
      file.stream.resume();
      cb(error);
      return;
    }
    const mediaType = /^[\w.+-]+\/[\w.+-]+$/.test(file.mimetype) ? file.mimetype : 'application/octet-stream';
    if (spec.memory) {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      file.stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > spec.maxBytes) {
          if (!failed) cb(new AppError('FILE_TOO_LARGE', `part "${spec.name}" exceeds ${spec.maxBytes} bytes`, { extra: { limit: spec.maxBytes } }));
          failed = true;
          return;
        }
        chunks.push(chunk);
      });
      file.stream.on('error', (error) => (failed ? undefined : ((failed = true), cb(error))));
      file.stream.on('end', () => {
        if (!failed) cb(null, { size, received: { field: spec.name, fileName, mediaType, ingested: null, buffer: Buffer.concat(chunks) } });
      });
      return;
    }
    this.store.ingest(file.stream, spec.maxBytes).then(
      (ingested) => cb(null, { size: ingested.size, received: { field: spec.name, fileName, mediaType, ingested, buffer: null } }),
      (error: unknown) =>
        cb(error instanceof SizeLimitError ? new AppError('FILE_TOO_LARGE', `part "${spec.name}" exceeds ${spec.maxBytes} bytes`, { extra: { limit: spec.maxBytes } }) : error),
    );
  }

  _removeFile(_req: Request, file: Express.Multer.File & { received?: ReceivedFile }, cb: (error: Error | null) => void): void {
    this.store.discard(file.received?.ingested).then(() => cb(null), cb);
  }
}

function mapMulterError(error: unknown): unknown {
  if (error instanceof multer.MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return new AppError('FILE_TOO_LARGE', `part "${error.field}" is too large`);
      case 'LIMIT_UNEXPECTED_FILE':
      case 'LIMIT_FILE_COUNT':
      case 'LIMIT_PART_COUNT':
        return new AppError('UPLOAD_PART_UNEXPECTED', `unexpected or repeated part "${error.field ?? ''}"`);
      default:
        return new AppError('VALIDATION_FAILED', error.message);
    }
  }
  if (error instanceof AppError) return error;
  if (error instanceof Error && /multipart|part|boundary|form/i.test(error.message)) return new AppError('VALIDATION_FAILED', `malformed multipart body: ${error.message}`);
  return error;
}

/**
 * Parses a multipart upload. Text fields are validated with `fields` (zod); missing required file
 * parts answer UPLOAD_PART_MISSING. On any error nothing stays in the temp area.
 */
export async function receiveMultipart<S extends z.ZodType>(
  req: Request,
  res: Response,
  store: BlobStore,
  specs: readonly FilePartSpec[],
  fields: S,
): Promise<Received<z.output<S>>> {
  if (!req.is('multipart/form-data')) throw new AppError('MULTIPART_REQUIRED');
  const largest = Math.max(...specs.map((s) => s.maxBytes));
  const middleware = multer({
    storage: new Engine(store, specs),
    preservePath: true,
    // our own count trips first (at maxBytes + 1); multer's limit is only the backstop
    limits: { fileSize: largest + (1 << 20), files: specs.length, fields: 8, fieldSize: 4096, parts: specs.length + 8 },
  }).fields(specs.map((s) => ({ name: s.name, maxCount: 1 })));
  const files: Record<string, ReceivedFile> = {};
  const discard = async () => {
    await Promise.all(Object.values(files).map((f) => store.discard(f.ingested)));
  };
  try {
    await new Promise<void>((resolve, reject) => middleware(req, res, (error?: unknown) => (error ? reject(mapMulterError(error)) : resolve())));
  } catch (error) {
    // The client may still be sending: do not keep the connection for more.
    res.setHeader('Connection', 'close');
    throw error;
  }
  const got = (req.files ?? {}) as Record<string, (Express.Multer.File & { received: ReceivedFile })[]>;
  for (const [name, list] of Object.entries(got)) if (list[0]) files[name] = list[0].received;
  try {
    for (const spec of specs) if (spec.required && !files[spec.name]) throw new AppError('UPLOAD_PART_MISSING', `the upload has no "${spec.name}" part`);
    const parsed = fields.safeParse({ ...(req.body as object) });
    if (!parsed.success) throw validationError(parsed.error.issues, 'body');
    return { files, fields: parsed.data as z.output<S>, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

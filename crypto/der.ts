/**
 * A minimal DER reader and writer over Uint8Array (X.690). Why not forge.asn1 for everything: the
 * sealed-bid layers must be written with definite lengths *before* their multi-gigabyte content is
 * streamed (so headers are built from a known length, not from the bytes), and verification needs
 * the exact raw bytes and offsets of certificates, names and signed attributes, which forge's parser
 * does not expose. node-forge still encodes OIDs and times (see oidToBytes, utcTime).
 * Every read is bounds-checked; anything malformed throws CryptoFormatError CMS_MALFORMED.
 */
import forge from 'node-forge';
import { CryptoFormatError } from './errors.js';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
} as const;

/** Context-specific tags: [n] constructed (EXPLICIT or constructed IMPLICIT) and [n] primitive. */
export const ctx = (n: number): number => 0xa0 | n;
export const ctxPrim = (n: number): number => 0x80 | n;

// ---------------------------------------------------------------- writing

/** Bytes of a DER length field. */
export function encodeLength(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad DER length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  let n = length;
  while (n > 0) {
    bytes.unshift(n % 256);
    n = Math.floor(n / 256);
  }
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Tag + length of a value of `length` bytes whose content is written separately (streaming). */
export function header(tag: number, length: number): Uint8Array {
  return concat([Uint8Array.of(tag), encodeLength(length)]);
}

export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const length = contents.reduce((n, c) => n + c.length, 0);
  return concat([header(tag, length), ...contents]);
}

export const seq = (...items: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, ...items);
export const octets = (value: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, value);
export const derNull = (): Uint8Array => Uint8Array.of(0x05, 0x00);

/** SET OF in DER order (elements sorted by their encodings, X.690 11.6). */
export function setOf(...items: Uint8Array[]): Uint8Array {
  return tlv(TAG.SET, ...[...items].sort(compareBytes));
}

export function oid(dotted: string): Uint8Array {
  return tlv(TAG.OID, binaryToBytes(forge.asn1.oidToDer(dotted).getBytes()));
}

export function integer(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`bad INTEGER ${value}`);
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.unshift(n % 256);
    n = Math.floor(n / 256);
  } while (n > 0);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5652 §11.3). Seconds precision. */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, binaryToBytes(forge.asn1.dateToUtcTime(date)));
  return tlv(TAG.GENERALIZED_TIME, binaryToBytes(forge.asn1.dateToGeneralizedTime(new Date(Math.floor(date.getTime() / 1000) * 1000))));
}

export function algorithmIdentifier(algorithm: string, parameters?: Uint8Array): Uint8Array {
  return parameters ? seq(oid(algorithm), parameters) : seq(oid(algorithm));
}

// ---------------------------------------------------------------- reading

export interface Tlv {
  /** The buffer this element lives in (offsets below are into it). */
  readonly buf: Uint8Array;
  /** First identifier octet (class, constructed bit, low tag number). */
  readonly tag: number;
  readonly constructed: boolean;
  readonly start: number;
  readonly headerLength: number;
  /** Content length; for indefinite-length BER, the length up to (excluding) the end-of-contents. */
  readonly length: number;
  /** Offset just past the element (past the end-of-contents octets for indefinite lengths). */
  readonly end: number;
  readonly indefinite: boolean;
}

export const malformed = (what: string, cause?: unknown): CryptoFormatError =>
  new CryptoFormatError('CMS_MALFORMED', `malformed ASN.1: ${what}`, cause === undefined ? undefined : { cause });

const MAX_DEPTH = 64;

/** Reads one element at `offset`, which must end at or before `limit`. */
export function readTlv(buf: Uint8Array, offset = 0, limit = buf.length, depth = 0): Tlv {
  if (depth > MAX_DEPTH) throw malformed('nesting too deep');
  let p = offset;
  if (p >= limit) throw malformed(`element expected at offset ${offset}`);
  const tag = buf[p++]!;
  if ((tag & 0x1f) === 0x1f) throw malformed(`high tag numbers are not used here (offset ${offset})`);
  if (p >= limit) throw malformed(`length expected at offset ${p}`);
  const first = buf[p++]!;
  const constructed = (tag & 0x20) !== 0;
  if (first === 0x80) {
    // BER indefinite length (some encoders stream this way): children until 00 00.
    if (!constructed) throw malformed(`indefinite length on a primitive at offset ${offset}`);
    let q = p;
    for (;;) {
      if (q + 2 > limit) throw malformed(`missing end-of-contents for element at ${offset}`);
      if (buf[q] === 0 && buf[q + 1] === 0) break;
      q = readTlv(buf, q, limit, depth + 1).end;
    }
    return { buf, tag, constructed, start: offset, headerLength: p - offset, length: q - p, end: q + 2, indefinite: true };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n > 6) throw malformed(`length field too long at offset ${offset}`);
    if (p + n > limit) throw malformed(`truncated length at offset ${offset}`);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
  }
  if (p + length > limit) throw malformed(`element at offset ${offset} runs past its container (${length} bytes)`);
  return { buf, tag, constructed, start: offset, headerLength: p - offset, length, end: p + length, indefinite: false };
}

/** Parses a whole buffer as exactly one element. */
export function parseDer(buf: Uint8Array): Tlv {
  const element = readTlv(buf, 0, buf.length);
  if (element.end !== buf.length) throw malformed(`${buf.length - element.end} trailing bytes after the outer element`);
  return element;
}

export function contentStart(t: Tlv): number {
  return t.start + t.headerLength;
}

/** The content octets (a view, not a copy). */
export function value(t: Tlv): Uint8Array {
  return t.buf.subarray(contentStart(t), contentStart(t) + t.length);
}

/** The whole encoding of the element (a view). */
export function raw(t: Tlv): Uint8Array {
  return t.buf.subarray(t.start, t.end);
}

export function children(t: Tlv): Tlv[] {
  if (!t.constructed) throw malformed(`expected a constructed element at offset ${t.start}`);
  const out: Tlv[] = [];
  let p = contentStart(t);
  const stop = p + t.length;
  while (p < stop) {
    const child = readTlv(t.buf, p, stop);
    out.push(child);
    p = child.end;
  }
  return out;
}

export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw malformed(`${what} is missing`);
  if (t.tag !== tag) throw malformed(`${what}: expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)} at offset ${t.start}`);
  return t;
}

/** Children of a SEQUENCE/SET (checked tag). */
export function items(t: Tlv | undefined, tag: number, what: string): Tlv[] {
  return children(expect(t, tag, what));
}

export function readOid(t: Tlv | undefined, what: string): string {
  const element = expect(t, TAG.OID, what);
  if (element.length === 0) throw malformed(`${what}: empty OID`);
  try {
    return forge.asn1.derToOid(forge.util.createBuffer(bytesToBinary(value(element))));
  } catch (error) {
    throw malformed(`${what}: bad OID`, error);
  }
}

/** OCTET STRING content; a BER constructed OCTET STRING is concatenated. */
export function readOctets(t: Tlv | undefined, what: string, tag: number = TAG.OCTET_STRING): Uint8Array {
  if (!t) throw malformed(`${what} is missing`);
  if (t.tag === tag) return value(t);
  if (t.tag === (tag | 0x20)) return concat(children(t).map((c) => readOctets(c, what, TAG.OCTET_STRING)));
  throw malformed(`${what}: expected an OCTET STRING, found tag 0x${t.tag.toString(16)}`);
}

export function readSmallInt(t: Tlv | undefined, what: string): number {
  const v = value(expect(t, TAG.INTEGER, what));
  if (v.length === 0 || v.length > 6) throw malformed(`${what}: INTEGER out of range`);
  if (v[0]! & 0x80) throw malformed(`${what}: negative INTEGER`);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function readTime(t: Tlv | undefined, what: string): Date {
  if (!t || (t.tag !== TAG.UTC_TIME && t.tag !== TAG.GENERALIZED_TIME)) throw malformed(`${what}: expected a time`);
  const text = bytesToBinary(value(t));
  const date = t.tag === TAG.UTC_TIME ? forge.asn1.utcTimeToDate(text) : forge.asn1.generalizedTimeToDate(text);
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw malformed(`${what}: bad time`);
  return date;
}

// ---------------------------------------------------------------- bytes

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

/** Binary string (node-forge's byte representation) ↔ Uint8Array, chunked for large inputs. */
export function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

export function binaryToBytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

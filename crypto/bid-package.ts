/**
 * The bid package (投标文件包): a ZIP archive whose first entry is `bid.json` (contracts/bids.ts
 * BidJson: price, duration, quality, project manager…) followed by the bidder's attachments, each
 * listed in bid.json with its SHA-256. This is the plaintext that is signed (inner signature) and
 * sealed to the opening certificate; it never reaches the platform unencrypted. Isomorphic (fflate).
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { CryptoFormatError } from './errors.js';
import { sha256Hex } from './digest.js';

export const BID_JSON_NAME = 'bid.json';
const MAX_ENTRIES = 201;

export interface BidAttachment {
  name: string;
  bytes: Uint8Array;
}

function checkName(name: string): void {
  if (!name || name.length > 200 || name === BID_JSON_NAME || /[\u0000-\u001f\u007f/\\]/.test(name) || name === '.' || name === '..') {
    throw new RangeError(`attachment name ${JSON.stringify(name)} is not allowed`);
  }
}

/** Builds the package; `bidJson.files` is filled in from the attachments (name, sha256, size). */
export async function buildBidPackage<T extends object>(bidJson: T, attachments: readonly BidAttachment[] = []): Promise<Uint8Array> {
  const names = new Set<string>();
  const files = [];
  for (const a of attachments) {
    checkName(a.name);
    if (names.has(a.name)) throw new RangeError(`duplicate attachment ${a.name}`);
    names.add(a.name);
    files.push({ name: a.name, sha256: await sha256Hex(a.bytes), size: a.bytes.length });
  }
  const entries: Zippable = { [BID_JSON_NAME]: [new TextEncoder().encode(JSON.stringify({ ...bidJson, files }, null, 2)), { level: 6 }] };
  for (const a of attachments) entries[a.name] = [a.bytes, { level: 6 }];
  // a fixed timestamp keeps the archive a function of its content
  return zipSync(entries, { mtime: new Date('2000-01-01T00:00:00Z') });
}

export interface ReadBidPackage {
  /** bid.json as parsed JSON (validate it against contracts' BidJson). */
  bidJson: unknown;
  attachments: BidAttachment[];
}

/** Reads a package and checks every attachment against the SHA-256 and size bid.json lists. */
export async function readBidPackage(zip: Uint8Array): Promise<ReadBidPackage> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (error) {
    throw new CryptoFormatError('CMS_MALFORMED', `bid package is not a ZIP archive: ${error instanceof Error ? error.message : String(error)}`);
  }
  const names = Object.keys(entries);
  if (names.length > MAX_ENTRIES) throw new CryptoFormatError('CMS_MALFORMED', 'bid package has too many entries');
  const json = entries[BID_JSON_NAME];
  if (!json) throw new CryptoFormatError('CMS_MALFORMED', 'bid package has no bid.json');
  let bidJson: unknown;
  try {
    bidJson = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw new CryptoFormatError('CMS_MALFORMED', 'bid.json is not UTF-8 JSON');
  }
  const listed = ((bidJson as { files?: { name: string; sha256: string; size: number }[] }).files ?? []) as { name: string; sha256: string; size: number }[];
  const attachments: BidAttachment[] = [];
  for (const name of names.filter((n) => n !== BID_JSON_NAME)) {
    const entry = listed.find((f) => f.name === name);
    const bytes = entries[name]!;
    if (!entry || entry.size !== bytes.length || entry.sha256 !== await sha256Hex(bytes)) {
      throw new CryptoFormatError('CMS_MALFORMED', `attachment ${name} is not listed in bid.json with its SHA-256`);
    }
    attachments.push({ name, bytes });
  }
  if (attachments.length !== listed.length) throw new CryptoFormatError('CMS_MALFORMED', 'bid.json lists an attachment the package does not hold');
  return { bidJson, attachments };
}

/** PEM ↔ DER (RFC 7468), isomorphic: atob/btoa exist in browsers and in Node ≥ 16. */
import { CryptoFormatError } from './errors.js';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

export function base64ToBytes(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) throw new CryptoFormatError('PEM_MALFORMED', 'PEM body is not valid base64');
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  // 3-byte aligned chunks so the pieces concatenate into one valid base64 text
  for (let i = 0; i < bytes.length; i += 0x6000) out += btoa(String.fromCharCode(...bytes.subarray(i, i + 0x6000)));
  return out;
}

/** Every PEM block in `text`, in order (a chain file holds several). */
export function pemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const body = match[2]!;
    if (/:/.test(body)) throw new CryptoFormatError('PEM_MALFORMED', `encrypted or header-carrying PEM (${match[1]}) is not supported`);
    blocks.push({ label: match[1]!, der: base64ToBytes(body) });
  }
  return blocks;
}

/** The DER of the first PEM block (with the given label, when one is given). */
export function pemToDer(pem: string, label?: string): Uint8Array {
  const blocks = pemBlocks(pem).filter((b) => label === undefined || b.label === label);
  const block = blocks[0];
  if (!block) throw new CryptoFormatError('PEM_MALFORMED', label ? `no "${label}" PEM block found` : 'no PEM block found');
  if (block.der.length === 0) throw new CryptoFormatError('PEM_MALFORMED', `empty ${block.label} PEM block`);
  return block.der;
}

export function derToPem(der: Uint8Array, label: string): string {
  const body = bytesToBase64(der).replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

export const certificateDerToPem = (der: Uint8Array): string => derToPem(der, 'CERTIFICATE');

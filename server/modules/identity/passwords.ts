import crypto from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashes: scrypt (RFC 7914), stored as `scrypt$<logN>$<r>$<p>$<salt b64>$<hash b64>` so the
 * cost can rise later without breaking old hashes. Passwords are never logged or stored.
 */
const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

const KEY_LENGTH = 32;

export async function hashPassword(password: string, logN: number): Promise<string> {
  const salt = crypto.randomBytes(16);
  const r = 8;
  const p = 1;
  const key = await scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r });
  return ['scrypt', logN, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, logN, r, p, salt, expected] = parts as [string, string, string, string, string, string];
  const N = 2 ** Number(logN);
  const want = Buffer.from(expected, 'base64');
  const got = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64'), want.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r),
  });
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

/** A hash of nothing anyone knows, checked for unknown usernames so timing does not reveal them. */
let decoy: Promise<string> | null = null;
export function decoyHash(logN: number): Promise<string> {
  decoy ??= hashPassword(crypto.randomBytes(16).toString('hex'), logN);
  return decoy;
}

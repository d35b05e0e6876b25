/**
 * SHA-256 through WebCrypto: `globalThis.crypto.subtle` exists in browsers and in Node ≥ 19, so the
 * same code runs on both sides. Bulk file hashing streams through Node's crypto in server code.
 */
const encoder = new TextEncoder();

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  // (the cast satisfies the DOM lib's BufferSource, which excludes SharedArrayBuffer-backed views)
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

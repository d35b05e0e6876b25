import canonicalizeJcs from 'canonicalize';

/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte form of a JSON value that hashes and
 * signatures cover. `undefined` members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  const text = (canonicalizeJcs as unknown as (v: unknown) => string | undefined)(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}

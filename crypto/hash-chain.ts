import { canonicalJson } from './canonical-json.js';
import { sha256Hex } from './digest.js';

/**
 * The audit hash chain. Each event's hash is
 *
 *   hash(n) = SHA-256( hash(n−1) ‖ "\n" ‖ JCS(event n) )
 *
 * where JCS is RFC 8785 canonical JSON of the event's fields below and hash(0) is 64 zeros. Editing,
 * removing or inserting any event changes every later hash, so a verifier that knows the head (or a
 * signed checkpoint of it) finds the first broken link.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainEvent {
  seq: number;
  /** ISO-8601 UTC with milliseconds. */
  at: string;
  actor: string | null;
  action: string;
  subject: string | null;
  payload: unknown;
}

export async function chainHash(prevHash: string, event: ChainEvent): Promise<string> {
  const body = canonicalJson({
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    payload: event.payload,
  });
  return sha256Hex(`${prevHash}\n${body}`);
}

export interface ChainLink extends ChainEvent {
  prevHash: string;
  hash: string;
}

export interface ChainCheck {
  ok: boolean;
  checked: number;
  /** The first sequence number at which the chain does not hold; null when it all holds. */
  firstBrokenSeq: number | null;
  reason: string | null;
  lastSeq: number;
  lastHash: string;
}

/**
 * Walks links in order and reports the first that breaks: a gap or repeat in sequence numbers
 * (a deleted or inserted row), a prev-hash that does not match the previous link, or a hash that
 * does not match the link's own content (an edited row). Accepts any iterable, so a caller can
 * stream rows page by page.
 */
export async function verifyChain(links: AsyncIterable<ChainLink> | Iterable<ChainLink>): Promise<ChainCheck> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for await (const link of links as AsyncIterable<ChainLink>) {
    const broken = (reason: string, seq = link.seq): ChainCheck => ({
      ok: false,
      checked,
      firstBrokenSeq: seq,
      reason,
      lastSeq: expectedSeq - 1,
      lastHash: prevHash,
    });
    if (link.seq !== expectedSeq) {
      return link.seq > expectedSeq
        ? broken(`sequence ${expectedSeq} is missing (next present is ${link.seq})`, expectedSeq)
        : broken(`sequence ${link.seq} appears out of order after ${expectedSeq - 1}`);
    }
    if (link.prevHash !== prevHash) return broken('prev_hash does not match the previous event');
    const recomputed = await chainHash(prevHash, link);
    if (recomputed !== link.hash) return broken('hash does not match the event content');
    prevHash = link.hash;
    expectedSeq++;
    checked++;
  }
  return { ok: true, checked, firstBrokenSeq: null, reason: null, lastSeq: expectedSeq - 1, lastHash: prevHash };
}

import { expect } from 'chai';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createPlatformCa, issueCertificate, type PlatformCa } from '../../crypto/ca.js';
import { createCsr } from '../../crypto/csr.js';
import { signAttached, verifySignedData } from '../../crypto/index.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import type { FeedView, PeerView, PullResult } from '../../contracts/credit.js';
import { bearer } from '../helpers/app.js';
import { startChildApp, type ChildApp } from '../helpers/child-app.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';
import { publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';
import { penaltyBody, orgOf } from './helpers.js';

type Mode = 'pass' | 'tamper' | 'gap' | 'untrusted' | 'replay' | 'down';

/** A region certificate (profile `region`) under `ca`, written as cert-with-chain and key files. */
async function regionCertificate(ca: PlatformCa, dir: string, code: string, name: string): Promise<{ cert: string; key: string; certificatePem: string; privateKeyPem: string; chainPem: string[] }> {
  const keys = await generateRsaKeyPairNode();
  const issued = issueCertificate(ca.issuing, createCsr(keys.privateKeyPem, { commonName: `${name}公共资源交易平台 信用信息 (${code})`, organisation: `${name}公共资源交易中心`, regionCode: code }), { profile: 'region', now: new Date() });
  fs.mkdirSync(dir, { recursive: true });
  const cert = path.join(dir, `region-${code}.crt`);
  const key = path.join(dir, `region-${code}.key`);
  fs.writeFileSync(cert, issued.certPem + ca.issuing.certPem);
  fs.writeFileSync(key, keys.privateKeyPem, { mode: 0o600 });
  return { cert, key, certificatePem: issued.certPem, privateKeyPem: keys.privateKeyPem, chainPem: [ca.issuing.certPem] };
}

/**
 * Two deployments, two processes, two databases: 瑞金市's platform (A, CREDIT_REGION 360781) and
 * 龙南市's (B, 360783), each with its own region certificate under one national credit root that both
 * trust. B pulls A through a proxy the test controls, which can change a byte, drop an entry, re-sign
 * one with a certificate from another root, or replay old entries. B pulls on its own every second
 * when due (CREDIT_PULL_SECONDS=3600 after a good pull; retries with backoff capped at 2 s here), and
 * on demand through POST /api/credit/peers/360781/pull.
 */
describe('credit federation: two deployments, signed feeds, refusals, a peer down and back', function () {
  this.timeout(600_000);
  let dbA: FreshDatabase;
  let dbB: FreshDatabase;
  let a: ChildApp | undefined;
  let b: ChildApp | undefined;
  let proxy: http.Server;
  let mode: Mode = 'pass';
  let untrusted: { certificatePem: string; privateKeyPem: string; chainPem: string[] };

  before(async () => {
    [dbA, dbB] = await Promise.all([freshDatabase(), freshDatabase()]);
    const pki = path.join(dbA.dataDir, 'federation-pki');
    const [national, rogue] = await Promise.all([createPlatformCa({ now: new Date(), name: '全国公共资源交易信用', organisation: '全国公共资源交易平台' }), createPlatformCa({ now: new Date(), name: 'Rogue' })]);
    const roots = path.join(pki, 'credit-roots.pem');
    const [certA, certB, rogueA] = await Promise.all([
      regionCertificate(national, path.join(pki, 'a'), '360781', '瑞金市'),
      regionCertificate(national, path.join(pki, 'b'), '360783', '龙南市'),
      regionCertificate(rogue, path.join(pki, 'rogue'), '360781', '瑞金市'),
    ]);
    fs.writeFileSync(roots, national.root.certPem);
    untrusted = rogueA;

    a = await startChildApp({ name: 'A 瑞金', env: { ...dbA.env, CREDIT_REGION: '360781', CREDIT_FEED_CERT: certA.cert, CREDIT_FEED_KEY: certA.key, CREDIT_TRUST_ROOTS: roots, CREDIT_PULL_SECONDS: '0' } });

    // the proxy between B and A
    proxy = http.createServer((req, res) => {
      void (async () => {
        if (mode === 'down') {
          res.destroy(); // A unreachable, as far as B can tell
          return;
        }
        const url = new URL(req.url!, 'http://proxy');
        const after = mode === 'replay' ? 0 : Number(url.searchParams.get('after') ?? 0);
        let upstream: Response;
        try {
          upstream = await fetch(`${a!.url}/api/credit/feed?after=${after}&limit=${url.searchParams.get('limit') ?? 200}`);
        } catch {
          res.destroy(); // A is down: B sees the connection drop
          return;
        }
        const feed = (await upstream.json()) as FeedView;
        if (feed.entries.length > 0) {
          if (mode === 'tamper') {
            // one byte of the signed content changes (a "1" in a date becomes a "2")
            const der = Buffer.from(feed.entries[0]!.cms, 'base64');
            const at = der.indexOf(Buffer.from('"endsAt":"20'));
            der[at + 13] = der[at + 13]! ^ 0x01;
            feed.entries[0]!.cms = der.toString('base64');
          } else if (mode === 'gap') {
            feed.entries = feed.entries.slice(1);
          } else if (mode === 'untrusted') {
            const content = (await verifySignedData(Buffer.from(feed.entries[0]!.cms, 'base64'))).content;
            feed.entries[0]!.cms = Buffer.from(await signAttached(content, untrusted)).toString('base64');
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(feed));
      })();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

    b = await startChildApp({
      name: 'B 龙南',
      env: { ...dbB.env, CREDIT_REGION: '360783', CREDIT_FEED_CERT: certB.cert, CREDIT_FEED_KEY: certB.key, CREDIT_TRUST_ROOTS: roots, CREDIT_PEERS: `360781=${proxyUrl}`, CREDIT_PULL_SECONDS: '3600', CREDIT_PULL_BACKOFF_MAX_SECONDS: '2' },
    });
  });

  after(async () => {
    await Promise.allSettled([a?.kill('SIGKILL'), b?.kill('SIGKILL')]);
    if (proxy) await new Promise((resolve) => proxy.close(resolve));
    await Promise.allSettled([dbA?.drop(), dbB?.drop()]);
  });

  const pull = async (): Promise<PullResult> => {
    const res = await b!.http.post('/api/credit/peers/360781/pull').set(bearer(await b!.tokenFor('supervisor'))).send({});
    expect(res.status, res.text).to.equal(200);
    return res.body as PullResult;
  };
  const peer = async (): Promise<PeerView> => {
    const res = await b!.http.get('/api/credit/peers').set(bearer(await b!.tokenFor('supervisor')));
    expect(res.status, res.text).to.equal(200);
    expect(res.body.region).to.deep.equal({ code: '360783', name: '龙南市' });
    return (res.body.peers as PeerView[])[0]!;
  };
  /** Pulls until a pull started under the current proxy mode answers (a background retry may be running, and a pull joins it). */
  const pullUntil = async (done: (r: PullResult) => boolean): Promise<PullResult> => {
    let result = await pull();
    for (let i = 0; i < 3 && !done(result); i++) result = await pull();
    return result;
  };
  const refusedWith = async (expected: Mode, reason: string) => {
    mode = expected;
    const result = await pullUntil((r) => r.refused?.reason === reason);
    expect([result.ok, result.refused?.reason], JSON.stringify(result)).to.deep.equal([false, reason]);
    const view = await peer();
    expect(view.lastSeq).to.equal(expected === 'replay' ? 2 : 0);
    expect(view.refusals[0]).to.include({ reason });
    return result;
  };
  const recordInA = async (body: Record<string, unknown>) => {
    const res = await a!.http.post('/api/credit/records').set(bearer(await a!.tokenFor('supervisor'))).send(body);
    expect(res.status, res.text).to.equal(201);
    return res.body as { uid: string };
  };
  const waitFor = async <T>(what: string, probe: () => Promise<T | null>, ms = 30_000): Promise<T> => {
    const until = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== null) return value;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };

  it('A’s penalty blocks a bid in B after one pull; tampered, gapped, untrusted and replayed entries are refused; B works while A is down and catches up', async () => {
    // B: a 龙南 trade; 龙南恒基 (bidder3) registers while nothing is known against it
    const trade = await publishedTrade(b!, 'construction', 'open_tender', { regionCode: '360783' });
    expect((await register(b!, trade.id, 'bidder3')).status).to.equal(201);
    expect((await register(b!, trade.id, 'bidder1')).status).to.equal(201);

    // A: 瑞金市 penalises 龙南恒基, and commends another company (two entries)
    const penalty = await recordInA(penaltyBody({ subject: { kind: 'organisation', ...orgOf('bidder3') }, endsAt: '2027-11-25T00:00:00.000Z' }));
    expect(penalty.uid).to.equal('360781-1');
    await recordInA({ ...penaltyBody({ subject: { kind: 'organisation', ...orgOf('bidder4') }, scope: 'none', act: '合同履约评价优秀', decisionNo: '瑞发改奖〔2026〕3号' }), kind: 'commendation', severity: undefined, points: 5 });
    const feed = (await a!.http.get('/api/credit/feed')).body as FeedView;
    expect([feed.region, feed.head]).to.deep.equal([{ code: '360781', name: '瑞金市' }, 2]);

    // each forgery is refused, reported on the peer and in B's audit chain, and nothing is taken
    await refusedWith('tamper', 'signature');
    await refusedWith('gap', 'gap');
    await refusedWith('untrusted', 'untrusted');
    const sealed = await sealedBidFor(b!, trade, 'bidder3', 870_000_000);
    const before = await uploadBid(b!, trade.id, 'bidder3', sealed);
    expect(before.status, 'not yet known in B: the bid is taken').to.equal(201);

    // one good pull: the penalty restricts in B exactly as a local one
    mode = 'pass';
    const good = await pullUntil((r) => r.ok);
    expect([good.ok, good.lastSeq]).to.deep.equal([true, 2]);
    const again = await sealedBidFor(b!, trade, 'bidder3', 860_000_000);
    const refused = await uploadBid(b!, trade.id, 'bidder3', again, { replaces: before.body.bid.id });
    expect([refused.status, refused.body.code, refused.body.issuingRegion, refused.body.issuingRegionName], refused.text).to.deep.equal([403, 'CREDIT_RESTRICTED', '360781', '瑞金市']);
    expect(refused.body.detail).to.contain('招标投标法 第五十三条');
    const listed = await b!.http.get('/api/public/credit').query({ q: orgOf('bidder3').uscc });
    expect(listed.body.records.map((r: { uid: string; origin: string; source: { code: string } }) => [r.uid, r.origin, r.source.code])).to.deep.equal([['360781-1', 'remote', '360781']]);

    // replayed entries (the proxy ignores `after`) are refused; what was taken stays
    await refusedWith('replay', 'replayed');
    const events: { seq: number; action: string; payload: { reason: string } }[] = [];
    for (let after = 0; ; ) {
      const page = await b!.http.get('/api/audit/events').query({ after, limit: 500 }).set(bearer(await b!.tokenFor('admin')));
      expect(page.status, page.text).to.equal(200);
      const got = page.body as typeof events;
      events.push(...got);
      if (got.length < 500) break;
      after = events.at(-1)!.seq;
    }
    const refusals = events.filter((e) => e.action === 'credit.feed_refused').map((e) => e.payload.reason);
    expect(refusals).to.include.members(['signature', 'gap', 'untrusted', 'replayed']);

    // A goes down: pulls fail and back off; B keeps taking bids
    mode = 'pass';
    await a!.kill('SIGTERM');
    const down = await pullUntil((r) => !r.ok && r.refused === null);
    expect(down.ok).to.equal(false);
    expect(down.error).to.contain('unreachable');
    const waiting = await peer();
    expect(waiting.failures).to.be.at.least(1);
    // retries start at 5 s and double, capped by CREDIT_PULL_BACKOFF_MAX_SECONDS (2 s here)
    expect(new Date(waiting.nextAttemptAt!).getTime() - new Date(waiting.lastAttemptAt!).getTime()).to.be.within(2000, 3000);
    const other = await uploadBid(b!, trade.id, 'bidder1', await sealedBidFor(b!, trade, 'bidder1', 890_000_000));
    expect(other.status, other.text).to.equal(201);
    expect((await b!.http.get('/health')).status).to.equal(200);

    // A returns with a new penalty (on 赣州宏达, bidder1); B's own retry catches up without being asked.
    // (B still sees A down until the penalty is in: a retry landing between A's start and the record
    // would succeed with nothing new and put the next pull an hour away.)
    mode = 'down';
    await a!.restart();
    await recordInA(penaltyBody({ subject: { kind: 'organisation', ...orgOf('bidder1') }, decisionNo: '瑞发改罚〔2026〕15号', endsAt: '2027-06-01T00:00:00.000Z' }));
    mode = 'pass';
    const caught = await waitFor('B to catch up with A', async () => {
      const view = await peer();
      return view.lastSeq === 3 && view.failures === 0 ? view : null;
    });
    expect(caught.lastError).to.equal(null);
    const known = await b!.http.get('/api/public/credit').query({ q: orgOf('bidder1').uscc });
    expect(known.body.records.map((r: { uid: string; status: string }) => [r.uid, r.status])).to.deep.equal([['360781-3', 'active']]);
    const late = await uploadBid(b!, trade.id, 'bidder1', await sealedBidFor(b!, trade, 'bidder1', 880_000_000), { replaces: other.body.bid.id });
    expect([late.status, late.body.code, late.body.issuingRegionName], `${late.text} / B knew ${JSON.stringify(known.body)}`).to.deep.equal([403, 'CREDIT_RESTRICTED', '瑞金市']);
  });
});

import { expect } from 'chai';
import type { FeedEntry, FeedPayload, FeedRecord } from '../../contracts/credit.js';
import { createPlatformCa, issueCertificate, type PlatformCa } from '../../crypto/ca.js';
import { createCsr } from '../../crypto/csr.js';
import { canonicalJson, sha256Hex, signAttached, type CmsSigner } from '../../crypto/index.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { regionPrefix, verifyEntry, type VerifyContext } from '../../server/modules/credit/federation.js';

/**
 * Every check verifyEntry makes on a peer's entry, one refusal reason each, without a server: the
 * two-process test (federation.test.ts) shows the same checks end to end for the common forgeries.
 */
describe('credit federation: verifying one feed entry', function () {
  this.timeout(120_000);
  let ca: PlatformCa;
  let ruijin: CmsSigner;
  let noRegion: CmsSigner;
  const now = new Date();

  const signerFor = async (csr: (key: string) => string, profile: 'region' | 'platform'): Promise<CmsSigner> => {
    const keys = await generateRsaKeyPairNode();
    const issued = issueCertificate(ca.issuing, csr(keys.privateKeyPem), { profile, now });
    return { certificatePem: issued.certPem, privateKeyPem: keys.privateKeyPem, chainPem: [ca.issuing.certPem] };
  };
  before(async () => {
    ca = await createPlatformCa({ now, name: '全国公共资源交易信用' });
    ruijin = await signerFor((key) => createCsr(key, { commonName: '瑞金市 信用信息', regionCode: '360781' }), 'region');
    noRegion = await signerFor((key) => createCsr(key, { commonName: 'Tenderhall 平台签章' }), 'platform');
  });

  const record = (over: Partial<FeedRecord> = {}): FeedRecord => ({
    uid: '360781-1', kind: 'penalty', subject: { kind: 'organisation', id: '91360781MA35R6L47R', name: '瑞金红都建筑工程有限公司' }, role: 'bidder', persons: [],
    act: '串通投标', basis: '招标投标法 第五十三条', decisionNo: '瑞发改罚〔2026〕12号', authority: '瑞金市发展和改革委员会', issuingRegion: { code: '360781', name: '瑞金市' },
    severity: 'serious', scope: 'bidding', points: 30, startsAt: now.toISOString(), endsAt: '2027-11-25T00:00:00.000Z', recordedAt: now.toISOString(), liftedAt: null, liftReason: null, ...over,
  });
  const entry = async (payload: Partial<FeedPayload>, signer: CmsSigner = ruijin): Promise<FeedEntry> => {
    const full = { v: 1, region: '360781', seq: 1, prev: '', at: now.toISOString(), event: 'recorded', record: record(), ...payload };
    return { seq: full.seq, cms: Buffer.from(await signAttached(new TextEncoder().encode(canonicalJson(full)), signer)).toString('base64') };
  };
  const ctx = (over: Partial<VerifyContext> = {}): VerifyContext => ({ peer: '360781', lastSeq: 0, lastHash: '', trustRootsPem: [ca.root.certPem], at: now, ...over });
  const refused = async (e: FeedEntry, c: VerifyContext, reason: string) => {
    try {
      await verifyEntry(e, c);
    } catch (error) {
      expect((error as { reason?: string }).reason, String(error)).to.equal(reason);
      return;
    }
    expect.fail(`expected a ${reason} refusal`);
  };

  it('accepts the next entry of the chain and names its hash', async () => {
    const first = await verifyEntry(await entry({}), ctx());
    expect(first.payload.record.uid).to.equal('360781-1');
    const second = await verifyEntry(await entry({ seq: 2, prev: first.hash, event: 'lifted' }), ctx({ lastSeq: 1, lastHash: first.hash }));
    expect(second.payload.event).to.equal('lifted');
    expect(second.hash).to.equal(await sha256Hex(canonicalJson(second.payload)));
  });

  it('refuses each forgery with its reason', async () => {
    const good = await entry({});
    await refused({ seq: 1, cms: 'not base64!' }, ctx(), 'malformed');
    const flipped = Buffer.from(good.cms, 'base64');
    flipped[flipped.indexOf(Buffer.from('串通投标')) + 1]! ^= 0x01;
    await refused({ seq: 1, cms: flipped.toString('base64') }, ctx(), 'signature');
    await refused(good, ctx({ trustRootsPem: [(await createPlatformCa({ now })).root.certPem] }), 'untrusted');
    await refused(await entry({}, noRegion), ctx(), 'wrong_region');
    await refused(good, ctx({ peer: '360783' }), 'wrong_region');
    await refused({ seq: 2, cms: good.cms }, ctx(), 'malformed'); // listed under another seq than signed
    await refused(good, ctx({ lastSeq: 1, lastHash: 'x' }), 'replayed');
    await refused(await entry({ seq: 3 }), ctx({ lastSeq: 1, lastHash: 'x' }), 'gap');
    await refused(await entry({ seq: 2, prev: 'f'.repeat(64) }), ctx({ lastSeq: 1, lastHash: 'e'.repeat(64) }), 'chain');
    await refused(await entry({ record: record({ issuingRegion: { code: '360783', name: '龙南市' } }) }), ctx(), 'outside_region');
  });

  it('a publisher may issue for its own region and below', () => {
    expect(['000000', '360000', '360700', '360781'].map(regionPrefix)).to.deep.equal(['', '36', '3607', '360781']);
  });
});

describe('credit federation: configuration', () => {
  it('reads CREDIT_PEERS as CODE=URL pairs and refuses half a feed signer or a malformed peer list', () => {
    const config = loadConfig({ CREDIT_PEERS: '360781=https://ggzy.ruijin.example/, 350800=http://10.0.0.8:3000', CREDIT_PULL_SECONDS: '60' });
    expect(config.credit.peers).to.deep.equal([
      { code: '360781', url: 'https://ggzy.ruijin.example' },
      { code: '350800', url: 'http://10.0.0.8:3000' },
    ]);
    expect([config.credit.pullMs, config.credit.backoffMaxMs, config.credit.feedSigner]).to.deep.equal([60_000, 3_600_000, undefined]);
    expect(() => loadConfig({ CREDIT_FEED_CERT: '/etc/tenderhall/region.crt' })).to.throw(ConfigError, 'CREDIT_FEED_CERT and CREDIT_FEED_KEY');
    expect(() => loadConfig({ CREDIT_PEERS: 'ruijin=https://x' })).to.throw(ConfigError, 'CREDIT_PEERS');
  });
});

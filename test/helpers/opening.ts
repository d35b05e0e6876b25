import { expect } from 'chai';
import { buildBidPackage } from '../../crypto/bid-package.js';
import { sealBytes } from '../../crypto/envelope.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { encodeShare, openSealedShare } from '../../crypto/opening-key.js';
import { base64ToBytes } from '../../crypto/pkijs-support.js';
import { signAttached, signDetached } from '../../crypto/signed-data.js';
import type { OpeningView } from '../../contracts/opening.js';
import type { TradeView } from '../../contracts/trades.js';
import { DEMO_ORGANISATIONS, DEMO_USERS } from '../../server/seed/demo-data.js';
import { bearer, type TestApp } from './app.js';
import { enrol } from './trades.js';

/** Moves the clock to the bid deadline and lets the scheduler close bidding (the trade enters `opening`). */
export async function closeBidding(app: TestApp, trade: TradeView): Promise<void> {
  app.setClock(trade.bidDeadline);
  await app.services.scheduler.tick();
  const state = (await app.http.get(`/api/trades/${trade.id}`)).body.state;
  expect(state).to.equal('opening');
}

export async function startOpening(app: TestApp, trade: TradeView): Promise<OpeningView> {
  const res = await app.http.post(`/api/trades/${trade.id}/opening/start`).set(bearer(await app.tokenFor('staff'))).send({});
  expect(res.status, res.text).to.equal(200);
  return res.body as OpeningView;
}

/** What an official does on their own side: fetch the sealed share, open it with their key, and answer its text. */
export async function officialShareText(app: TestApp, trade: TradeView, official: string): Promise<string> {
  const signer = await enrol(app, official);
  const res = await app.http.get(`/api/trades/${trade.id}/opening-share`).set(bearer(await app.tokenFor(official)));
  expect(res.status, res.text).to.equal(200);
  const share = await openSealedShare(base64ToBytes(res.body.sealedShare)!, { certificatePem: signer.certificatePem, privateKeyPem: signer.privateKeyPem });
  return new TextDecoder().decode(encodeShare(share));
}

export async function submitShare(app: TestApp, trade: TradeView, official: string) {
  const share = await officialShareText(app, trade, official);
  return app.http.post(`/api/trades/${trade.id}/opening/shares`).set(bearer(await app.tokenFor(official))).send({ share });
}

/** A bid uploaded by `bidder` whose inner signature is by another company (`insideBy`): the outer one is the uploader's. */
export async function bidSignedInsideBy(app: TestApp, trade: TradeView, bidder: string, insideBy: string, priceFen: number) {
  const user = DEMO_USERS.find((u) => u.username === bidder)!;
  const org = DEMO_ORGANISATIONS.find((o) => o.key === user.organisation)!;
  const pkg = await buildBidPackage({ format: 'tenderhall-bid', version: 1, trade: trade.code, bidder: { uscc: org.uscc, name: org.name }, lot: '1', priceFen }, []);
  const outer = await enrol(app, bidder);
  const inner = await signAttached(pkg, await enrol(app, insideBy), { provider: nodeProvider, role: 'inner' });
  const envelope = await sealBytes(inner, [outer.certificatePem, trade.openingCertificatePem!], { provider: nodeProvider });
  const signature = await signDetached(envelope, outer, { provider: nodeProvider, role: 'outer' });
  return { envelope, signature };
}

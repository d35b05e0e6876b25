import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { TradeView } from '../../contracts/trades.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { enrol, noticeFor, createTrade, publishedTrade, register, sealedBidFor, uploadBid } from '../helpers/trades.js';

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/**
 * Every way a client can get a sealed-bid upload wrong answers a clear 4xx with its code, and leaves
 * nothing behind: no bid row, no blob, no temp file.
 */
describe('sealed-bid upload: bad input is refused with a code and stores nothing', function () {
  this.timeout(300_000);
  let app: TestApp;
  let trade: TradeView;
  let good: { envelope: Uint8Array; signature: Uint8Array };

  before(async () => {
    app = await givenApp({ BID_MAX_BYTES: String(64 * 1024) });
    trade = await publishedTrade(app, 'construction');
    for (const bidder of ['bidder1', 'bidder2', 'bidder3']) expect((await register(app, trade.id, bidder)).status).to.equal(201);
    good = await sealedBidFor(app, trade, 'bidder1');
  });
  after(async () => app?.stop());

  const state = async () => ({
    bids: await app.services.bids.models.Bid.count(),
    blobs: filesUnder(path.join(app.config.dataDir, 'blobs')).length,
    temp: filesUnder(app.services.blobs.tempDir).length,
  });

  /** Sends a bad upload, expects status and code, and proves nothing was stored. */
  async function refused(send: () => Promise<{ status: number; body: { code?: string } }>, status: number, code: string) {
    const before = await state();
    const res = await send();
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.code, JSON.stringify(res.body)).to.equal(code);
    expect(await state()).to.deep.equal({ ...before, temp: 0 });
    return res;
  }

  it('not a CMS object (envelope or signature)', async () => {
    await refused(() => uploadBid(app, trade.id, 'bidder1', { envelope: new TextEncoder().encode('这不是一个密封投标文件'.repeat(20)), signature: good.signature }), 400, 'BID_NOT_CMS');
    await refused(() => uploadBid(app, trade.id, 'bidder1', { envelope: good.envelope, signature: new Uint8Array([1, 2, 3, 4]) }), 400, 'BID_NOT_CMS');
  });

  it('a signature that does not match the envelope', async () => {
    const other = await sealedBidFor(app, trade, 'bidder1', 5);
    await refused(() => uploadBid(app, trade.id, 'bidder1', { envelope: good.envelope, signature: other.signature }), 400, 'BID_SIGNATURE_INVALID');
  });

  it('an outer signature by someone else (another organisation)', async () => {
    const byBidder2 = await sealedBidFor(app, trade, 'bidder2');
    const res = await refused(() => uploadBid(app, trade.id, 'bidder1', byBidder2), 403, 'BID_SIGNER_MISMATCH');
    expect(JSON.stringify(res.body)).to.contain('bidder1');
  });

  it('a revoked certificate', async () => {
    const signer = await enrol(app, 'bidder3');
    const sealed = await sealedBidFor(app, trade, 'bidder3', 77, signer);
    const mine = (await app.http.get('/api/certificates').set(bearer(await app.tokenFor('bidder3')))).body as { serial: string; pem: string }[];
    const serial = mine.find((c) => c.pem.trim() === signer.certificatePem.trim())!.serial;
    const revoked = await app.http.post(`/api/certificates/${serial}/revoke`).set(bearer(await app.tokenFor('admin'))).send({ reason: 'keyCompromise' });
    expect(revoked.status, revoked.text).to.equal(200);
    await refused(() => uploadBid(app, trade.id, 'bidder3', sealed), 403, 'CERT_REVOKED');
  });

  it('oversize envelope (over BID_MAX_BYTES)', async () => {
    const big = new Uint8Array(70 * 1024).fill(0x30);
    await refused(() => uploadBid(app, trade.id, 'bidder1', { envelope: big, signature: good.signature }), 413, 'FILE_TOO_LARGE');
  });

  it('path-like and non-UTF-8 file names', async () => {
    // raw multipart bodies: form-data would strip the directories from a file name before sending it
    const token = await app.tokenFor('bidder1');
    const boundary = '----tenderhall-test';
    const part = (name: string, filename: Buffer, bytes: Uint8Array) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="`),
        filename,
        Buffer.from('"\r\nContent-Type: application/cms\r\n\r\n'),
        Buffer.from(bytes),
        Buffer.from('\r\n'),
      ]);
    const names = [
      Buffer.from('../../etc/passwd'),
      Buffer.from('C:\\bids\\bid.sealed'),
      Buffer.from('a/b.sealed'),
      Buffer.from('..'),
      Buffer.from([0x62, 0x69, 0x64, 0xff, 0xfe, 0x2e, 0x70, 0x37, 0x6d]), // the byte 0xFF is never valid UTF-8
    ];
    for (const name of names) {
      const body = Buffer.concat([part('envelope', name, good.envelope), part('signature', Buffer.from('bid.sig'), good.signature), Buffer.from(`--${boundary}--\r\n`)]);
      await refused(
        () => app.http.post(`/api/trades/${trade.id}/bids`).set(bearer(token)).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body),
        400,
        'FILE_NAME_INVALID',
      );
    }
  });

  it('missing parts, unexpected parts, not multipart', async () => {
    const token = await app.tokenFor('bidder1');
    await refused(() => app.http.post(`/api/trades/${trade.id}/bids`).set(bearer(token)).attach('envelope', Buffer.from(good.envelope), 'bid.sealed'), 400, 'UPLOAD_PART_MISSING');
    await refused(
      () =>
        app.http
          .post(`/api/trades/${trade.id}/bids`)
          .set(bearer(token))
          .attach('envelope', Buffer.from(good.envelope), 'bid.sealed')
          .attach('signature', Buffer.from(good.signature), 'bid.sig')
          .attach('extra', Buffer.from('x'), 'x.txt'),
      400,
      'UPLOAD_PART_UNEXPECTED',
    );
    await refused(() => app.http.post(`/api/trades/${trade.id}/bids`).set(bearer(token)).send({ envelope: 'x' }), 415, 'MULTIPART_REQUIRED');
  });

  it('an unregistered bidder, a role that may not bid, an organisation not invited', async () => {
    await refused(async () => uploadBid(app, trade.id, 'bidder4', await sealedBidFor(app, trade, 'bidder4')), 403, 'BIDDER_NOT_REGISTERED');
    await refused(async () => app.http.post(`/api/trades/${trade.id}/bids`).set(bearer(await app.tokenFor('expert1'))).attach('envelope', Buffer.from('x'), 'x'), 403, 'FORBIDDEN_ROLE');
    const invited = await publishedTrade(app, 'construction', 'invited_tender');
    const reg = await register(app, invited.id, 'bidder5');
    expect(reg.status).to.equal(403);
    expect(reg.body.code).to.equal('NOT_INVITED');
  });

  it('a credit restriction (the interface the credit module fills) bars registration and bids, naming the issuing region', async () => {
    const fresh = await publishedTrade(app, 'procurement');
    await app.db.query("INSERT INTO credit_restrictions (uscc, scope, issuing_region_code, basis, starts_at, ends_at, lifted_at, created_at) VALUES ('91360702MA37U2D948', 'bidding', '360781', '串通投标（招标投标法第五十三条）', ?, NULL, NULL, ?)", {
      replacements: [new Date('2026-01-01'), new Date('2026-01-01')],
    });
    try {
      const reg = await register(app, fresh.id, 'bidder1');
      expect(reg.status).to.equal(403);
      expect(reg.body).to.include({ code: 'CREDIT_RESTRICTED', issuingRegion: '360781' });
      await refused(() => uploadBid(app, trade.id, 'bidder1', good), 403, 'CREDIT_RESTRICTED');
    } finally {
      await app.db.query("DELETE FROM credit_restrictions WHERE uscc = '91360702MA37U2D948'");
    }
  });

  it('a trade in the wrong state, and an upload after the deadline (server clock)', async () => {
    const cancelled = await publishedTrade(app, 'land');
    expect((await register(app, cancelled.id, 'bidder1')).status).to.equal(201);
    const sealedForCancelled = await sealedBidFor(app, cancelled, 'bidder1');
    const cancel = await app.http.post(`/api/trades/${cancelled.id}/transitions/cancel`).set(bearer(await app.tokenFor('staff'))).send({ reason: '项目取消' });
    expect(cancel.status, cancel.text).to.equal(200);
    await refused(() => uploadBid(app, cancelled.id, 'bidder1', sealedForCancelled), 409, 'TRADE_WRONG_STATE');
    // a draft is invisible to bidders
    const draft = await createTrade(app, noticeFor(app, 'mining'));
    await refused(() => uploadBid(app, draft.id, 'bidder1', good), 404, 'NOT_FOUND');

    // its own, earlier deadline, so the scheduler run below closes only this trade
    const late = await publishedTrade(app, 'property', 'open_tender', { documentsUntil: '2026-12-27T01:30:00.000Z', bidDeadline: '2026-12-28T01:30:00.000Z', openingAt: '2026-12-28T01:30:00.000Z' });
    expect((await register(app, late.id, 'bidder2')).status).to.equal(201);
    const sealed = await sealedBidFor(app, late, 'bidder2');
    const onTime = await uploadBid(app, late.id, 'bidder2', sealed);
    expect(onTime.status).to.equal(201);
    app.setClock(new Date(new Date(late.bidDeadline).getTime()));
    const res = await refused(async () => uploadBid(app, late.id, 'bidder2', await sealedBidFor(app, late, 'bidder2', 1)), 409, 'BID_DEADLINE_PASSED');
    expect((res.body as { serverTime?: string }).serverTime).to.equal(late.bidDeadline);
    const withdraw = await app.http.post(`/api/trades/${late.id}/bids/${onTime.body.bid.id}/withdraw`).set(bearer(await app.tokenFor('bidder2'))).send({});
    expect(withdraw.status).to.equal(409);
    expect(withdraw.body.code).to.equal('BID_DEADLINE_PASSED');
    // the scheduler closes bidding; every change still answers 409
    await app.services.scheduler.tick();
    expect((await app.http.get(`/api/trades/${late.id}`)).body.state).to.equal('opening');
    await refused(() => uploadBid(app, late.id, 'bidder2', sealed), 409, 'BID_DEADLINE_PASSED');
    app.setClock('2026-11-25T02:00:00.000Z');
  });

  it('a bidder cannot read another bidder’s bid, receipt or the download register; nobody lists bids before the opening', async () => {
    const up = await uploadBid(app, trade.id, 'bidder1', good);
    expect(up.status, up.text).to.equal(201);
    const id = up.body.bid.id as number;
    for (const what of ['receipt', 'envelope']) {
      const res = await app.http.get(`/api/trades/${trade.id}/bids/${id}/${what}`).set(bearer(await app.tokenFor('bidder2')));
      expect(res.status).to.equal(404);
      expect(res.body.code).to.equal('NOT_FOUND');
    }
    const list = await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(await app.tokenFor('bidder2')));
    expect(list.body.bids).to.deep.equal([]);
    for (const user of ['bidder2', 'agent', 'expert1']) {
      const register = await app.http.get(`/api/trades/${trade.id}/downloads`).set(bearer(await app.tokenFor(user)));
      expect(register.status, user).to.equal(403);
    }
    const staffList = await app.http.get(`/api/trades/${trade.id}/bids`).set(bearer(await app.tokenFor('staff')));
    expect(staffList.status).to.equal(403);
    expect(staffList.body.code).to.equal('BID_CONFIDENTIAL');
    // the public notice says nothing about who or how many
    const publicView = await app.http.get(`/api/trades/${trade.id}`);
    expect(JSON.stringify(publicView.body)).not.to.match(/bidder1|91360702MA37U2D948|registrations|bidCount/);
    // staff see the download register
    const staffRegister = await app.http.get(`/api/trades/${trade.id}/downloads`).set(bearer(await app.tokenFor('staff')));
    expect(staffRegister.status).to.equal(200);
    expect(staffRegister.body.registrations.map((r: { organisationName: string }) => r.organisationName)).to.include('赣州宏达建设工程有限公司');
  });

  it('a retried upload returns the original receipt; a replacement keeps the history; a stale replacement is refused', async () => {
    const t2 = await publishedTrade(app, 'procurement', 'open_tender');
    expect((await register(app, t2.id, 'bidder2')).status).to.equal(201);
    const first = await sealedBidFor(app, t2, 'bidder2', 1000);
    const a = await uploadBid(app, t2.id, 'bidder2', first);
    const again = await uploadBid(app, t2.id, 'bidder2', first);
    expect(a.status).to.equal(201);
    expect(again.status).to.equal(200);
    expect(again.body.replayed).to.equal(true);
    expect(again.body.receipt).to.equal(a.body.receipt);
    const b = await uploadBid(app, t2.id, 'bidder2', await sealedBidFor(app, t2, 'bidder2', 900), { replaces: a.body.bid.id });
    expect(b.status, b.text).to.equal(201);
    expect(b.body.bid.seq).to.equal(2);
    const stale = await uploadBid(app, t2.id, 'bidder2', await sealedBidFor(app, t2, 'bidder2', 800), { replaces: a.body.bid.id });
    expect(stale.status).to.equal(409);
    expect(stale.body.code).to.equal('BID_STALE');
    const history = (await app.http.get(`/api/trades/${t2.id}/bids`).set(bearer(await app.tokenFor('bidder2')))).body.bids;
    expect(history.map((h: { status: string; seq: number }) => [h.seq, h.status])).to.deep.equal([
      [1, 'replaced'],
      [2, 'current'],
    ]);
    expect(history[0].replacedBy).to.equal(b.body.bid.id);
  });
});

import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../../crypto/canonical-json.js';
import { certificateSerial } from '../../crypto/certificates.js';
import { createCsr } from '../../crypto/csr.js';
import { chainHash, GENESIS_HASH, verifyChain, type ChainLink } from '../../crypto/hash-chain.js';
import { generateRsaKeyPairNode } from '../../crypto/node/keys.js';
import { nodeProvider } from '../../crypto/node/provider.js';
import { signAttached } from '../../crypto/signed-data.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';

/** A few more audited actions so the chain has something in its middle to tamper with. */
async function someActivity(app: TestApp): Promise<void> {
  for (const name of ['bidder1', 'bidder2', 'bidder3']) await app.tokenFor(name);
  await app.http.post('/api/auth/login').send({ username: 'bidder4', password: 'not-it' });
}

describe('audit chain', () => {
  describe('hash-chain format (crypto/)', () => {
    it('links each event to the previous hash over its canonical JSON', async () => {
      const event = { seq: 1, at: '2026-11-25T02:00:00.000Z', actor: 'user:a', action: 'x.y', subject: null, payload: { b: 1, a: '中文' } };
      const same = await chainHash(GENESIS_HASH, { ...event, payload: { a: '中文', b: 1 } });
      expect(await chainHash(GENESIS_HASH, event)).to.equal(same).and.to.match(/^[0-9a-f]{64}$/);
      expect(await chainHash('1'.repeat(64), event)).not.to.equal(same);
    });

    it('reports the first broken link for a gap, a reorder and an edit', async () => {
      const links: ChainLink[] = [];
      let prev = GENESIS_HASH;
      for (let seq = 1; seq <= 5; seq++) {
        const event = { seq, at: new Date(Date.UTC(2026, 10, 25, 0, seq)).toISOString(), actor: null, action: 'test.step', subject: `s${seq}`, payload: { seq } };
        const hash = await chainHash(prev, event);
        links.push({ ...event, prevHash: prev, hash });
        prev = hash;
      }
      expect((await verifyChain(links)).ok).to.equal(true);
      expect((await verifyChain(links.filter((l) => l.seq !== 3))).firstBrokenSeq).to.equal(3);
      expect((await verifyChain([links[0]!, links[2]!, links[1]!])).firstBrokenSeq).to.equal(2);
      const edited = links.map((l) => (l.seq === 4 ? { ...l, subject: 'changed' } : l));
      expect((await verifyChain(edited)).firstBrokenSeq).to.equal(4);
    });
  });

  describe('in the database', () => {
    let app: TestApp;
    beforeEach(async () => {
      app = await givenApp();
      await someActivity(app);
    });
    afterEach(() => app.stop());

    it('verifies a clean chain, over the API for supervisors', async () => {
      const head = await app.services.audit.head();
      expect(head.seq).to.be.greaterThan(30);
      const res = await app.http.get('/api/audit/verify').set(bearer(await app.tokenFor('supervisor')));
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ ok: true, firstBrokenSeq: null });
      expect(res.body.checked).to.equal(res.body.headSeq);
    });

    it('records logins, failed logins and seeding with actor and subject', async () => {
      const events = await app.services.audit.list(0, 500);
      const actions = events.map((e) => e.action);
      expect(actions).to.include.members(['identity.organisation_created', 'identity.user_created', 'auth.login', 'auth.login_failed']);
      const failed = events.find((e) => e.action === 'auth.login_failed')!;
      expect(failed.subject).to.equal('username:bidder4');
      expect(events.every((e, i) => e.seq === i + 1)).to.equal(true);
      expect(events.every((e, i) => i === 0 || e.prevHash === events[i - 1]!.hash)).to.equal(true);
    });

    it('reports the exact seq of a row edited by raw SQL', async () => {
      await app.db.query("UPDATE audit_events SET payload = '{\"username\":\"mallory\"}' WHERE seq = 17");
      const result = await app.services.audit.verify();
      expect(result).to.include({ ok: false, firstBrokenSeq: 17 });
      expect(result.reason).to.match(/hash/);
    });

    it('reports the exact seq of a row whose actor was edited', async () => {
      await app.db.query("UPDATE audit_events SET actor = 'user:admin' WHERE seq = 9");
      expect((await app.services.audit.verify()).firstBrokenSeq).to.equal(9);
    });

    it('reports the exact seq of a row deleted by raw SQL', async () => {
      await app.db.query('DELETE FROM audit_events WHERE seq = 12');
      const result = await app.services.audit.verify();
      expect(result).to.include({ ok: false, firstBrokenSeq: 12 });
      expect(result.reason).to.match(/missing/);
    });

    it('reports the last rows deleted by raw SQL (tail truncation)', async () => {
      const head = await app.services.audit.head();
      await app.db.query(`DELETE FROM audit_events WHERE seq >= ${head.seq - 2}`);
      expect((await app.services.audit.verify()).firstBrokenSeq).to.equal(head.seq - 2);
    });

    it('reports the exact seq of a row inserted by raw SQL, even with a well-formed hash', async () => {
      const head = await app.services.audit.head();
      const forged = {
        seq: head.seq + 1,
        at: '2026-11-25T03:00:00.000Z',
        actor: 'user:admin',
        action: 'identity.role_changed',
        subject: 'user:4',
        payload: { from: 'bidder', to: 'admin' },
      };
      const hash = await chainHash(head.hash, forged);
      await app.db.query(
        'INSERT INTO audit_events (seq, at, actor, action, subject, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        { replacements: [forged.seq, new Date(forged.at), forged.actor, forged.action, forged.subject, JSON.stringify(forged.payload), head.hash, hash] },
      );
      const result = await app.services.audit.verify();
      expect(result).to.include({ ok: false, firstBrokenSeq: head.seq + 1 });
    });

    it('reports a row inserted into the middle by renumbering as the first renumbered seq', async () => {
      // Shift rows 20.. up by one and slip a forged event in at 20: the old event 20 now sits at 21.
      const head = await app.services.audit.head();
      for (let seq = head.seq; seq >= 20; seq--) await app.db.query(`UPDATE audit_events SET seq = ${seq + 1} WHERE seq = ${seq}`);
      await app.db.query(
        "INSERT INTO audit_events (seq, at, actor, action, subject, payload, prev_hash, hash) VALUES (20, ?, 'user:admin', 'auth.login', 'user:1', '{}', ?, ?)",
        { replacements: [new Date('2026-11-25T02:00:00.000Z'), 'f'.repeat(64), 'e'.repeat(64)] },
      );
      expect((await app.services.audit.verify()).firstBrokenSeq).to.equal(20);
    });

    it('appends concurrently without losing or duplicating a seq', async () => {
      const before = await app.services.audit.head();
      await Promise.all(
        Array.from({ length: 12 }, (_, i) => app.services.audit.record({ actor: null, action: 'test.concurrent', subject: `n${i}`, payload: { i } })),
      );
      const after = await app.services.audit.head();
      expect(after.seq).to.equal(before.seq + 12);
      expect((await app.services.audit.verify()).ok).to.equal(true);
    });
  });
});

/** Rewrites every event from `from` on so the links stay consistent (what an insider with the DB could do). */
async function rewriteChainFrom(app: TestApp, from: number): Promise<void> {
  const events = await app.services.audit.list(0, 1000);
  let prev = events.find((e) => e.seq === from - 1)?.hash ?? GENESIS_HASH;
  for (const event of events.filter((e) => e.seq >= from)) {
    const payload = event.seq === from ? { ...(event.payload as object), forged: true } : event.payload;
    const hash = await chainHash(prev, { ...event, payload });
    await app.db.query('UPDATE audit_events SET payload = ?, prev_hash = ?, hash = ? WHERE seq = ?', {
      replacements: [canonicalJson(payload), prev, hash, event.seq],
    });
    prev = hash;
  }
  await app.db.query('UPDATE audit_head SET hash = ? WHERE id = 1', { replacements: [prev] });
}

describe('audit chain: platform-signed checkpoints', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await givenApp();
    await someActivity(app);
  });
  afterEach(() => app.stop());

  it('signs the head with the platform key; verification checks every checkpoint', async () => {
    const first = await app.services.audit.checkpoint();
    expect(first).to.deep.equal(await app.services.audit.head());
    expect(await app.services.audit.checkpoint(), 'nothing new to sign').to.equal(null);
    await app.tokenFor('bidder5');
    const res = await app.http.post('/api/audit/checkpoints').set(bearer(await app.tokenFor('supervisor')));
    expect(res.status).to.equal(201);
    expect(res.body.checkpoint.seq).to.be.greaterThan(first!.seq);
    const result = await app.services.audit.verify();
    expect(result).to.include({ ok: true, checkpoints: 2 });
  });

  it('catches a consistent rewrite of the chain that the links alone cannot', async () => {
    const checkpoint = await app.services.audit.checkpoint();
    await rewriteChainFrom(app, 10);
    // the links are consistent again …
    const links = (await app.services.audit.list(0, 1000)).map((e) => ({ ...e }));
    expect((await verifyChain(links)).ok).to.equal(true);
    // … but they no longer match what the platform signed
    const result = await app.services.audit.verify();
    expect(result).to.include({ ok: false, firstBrokenSeq: checkpoint!.seq });
    expect(result.reason).to.match(/platform-signed checkpoint/);
  });

  it('catches a checkpoint row edited to match a rewritten chain', async () => {
    const checkpoint = await app.services.audit.checkpoint();
    await rewriteChainFrom(app, 10);
    const [[head]] = (await app.db.query('SELECT hash FROM audit_head')) as [{ hash: string }[], unknown];
    await app.db.query('UPDATE audit_checkpoints SET head_hash = ? WHERE seq = ?', { replacements: [head!.hash, checkpoint!.seq] });
    const result = await app.services.audit.verify();
    expect(result).to.include({ ok: false, firstBrokenSeq: checkpoint!.seq });
    expect(result.reason).to.match(/differs from its signed content/);
  });

  it('refuses a checkpoint signed by anyone but the platform', async () => {
    // a bidder with a genuine certificate of the same CA signs a checkpoint of a rewritten chain
    const keys = await generateRsaKeyPairNode();
    const issued = await app.services.certificates.issueServiceCertificate(null, createCsr(keys.privateKeyPem, { commonName: 'mallory' }), 'opening');
    const head = await app.services.audit.head();
    const forged = await signAttached(new TextEncoder().encode(canonicalJson({ seq: head.seq, hash: head.hash, at: new Date().toISOString() })), { certificatePem: issued.pem, privateKeyPem: keys.privateKeyPem }, { provider: nodeProvider });
    await app.db.query('INSERT INTO audit_checkpoints (seq, at, head_hash, signature) VALUES (?, ?, ?, ?)', {
      replacements: [head.seq, new Date(), head.hash, Buffer.from(forged).toString('base64')],
    });
    const result = await app.services.audit.verify();
    expect(result).to.include({ ok: false, firstBrokenSeq: head.seq });
    expect(result.reason).to.match(/does not verify/);
  });

  it('stops trusting checkpoints signed after the platform certificate was revoked', async () => {
    const before = await app.services.audit.checkpoint();
    const platformPem = fs.readFileSync(path.join(app.config.caDir, 'platform.crt'), 'utf8');
    app.clock.advance(60_000);
    const revoked = await app.http
      .post(`/api/certificates/${certificateSerial(platformPem)}/revoke`)
      .set(bearer(await app.tokenFor('admin')))
      .send({ reason: 'keyCompromise' });
    expect(revoked.status, revoked.text).to.equal(200);
    app.clock.advance(60_000);
    const after = await app.services.audit.checkpoint();
    const result = await app.services.audit.verify();
    expect(result).to.include({ ok: false, firstBrokenSeq: after!.seq });
    expect(result.reason).to.match(/revoked/i);
    expect(after!.seq).to.be.greaterThan(before!.seq);
  });

  it('reports events deleted up to a signed checkpoint', async () => {
    const checkpoint = await app.services.audit.checkpoint();
    await app.db.query(`DELETE FROM audit_events WHERE seq >= ${checkpoint!.seq - 3}`);
    await app.db.query('UPDATE audit_head SET seq = ?, hash = (SELECT hash FROM (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1) AS last) WHERE id = 1', { replacements: [checkpoint!.seq - 4] });
    const result = await app.services.audit.verify();
    expect(result).to.include({ ok: false, firstBrokenSeq: checkpoint!.seq - 3 });
  });
});

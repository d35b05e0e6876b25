import { expect } from 'chai';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';

/** What a write would leave behind: the audit head and the organisations table. */
async function footprint(app: TestApp) {
  const head = await app.services.audit.head();
  const organisations = await app.services.identity.models.Organisation.count();
  return { head, organisations };
}

describe('bad input never reaches a service: clear 4xx with a code, nothing written', () => {
  let app: TestApp;
  let token: string;
  const valid = { uscc: '91360702MA4A0B1C2X', name: '赣州测试建材有限公司', kind: 'bidder', regionCode: '360702' };
  before(async () => {
    app = await givenApp();
    token = await app.tokenFor('staff');
    // make `valid` really valid: fix its check character
    const { usccCheckCharacter } = await import('../../contracts/uscc.js');
    valid.uscc = valid.uscc.slice(0, 17) + usccCheckCharacter(valid.uscc.slice(0, 17));
  });
  after(() => app.stop());

  const post = (body: string | object, contentType = 'application/json') =>
    app.http
      .post('/api/organisations')
      .set(bearer(token))
      .set('Content-Type', contentType)
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  const cases: { name: string; body: () => string | object; contentType?: string; status: number; code: string; field?: string }[] = [
    { name: 'malformed JSON', body: () => '{"uscc": "9136', status: 400, code: 'MALFORMED_JSON' },
    { name: 'a JSON array instead of an object', body: () => '[1,2,3]', status: 400, code: 'VALIDATION_FAILED' },
    { name: 'a bare JSON string (strict parser)', body: () => '"hello"', status: 400, code: 'MALFORMED_JSON' },
    { name: 'an unknown field', body: () => ({ ...valid, isAdmin: true }), status: 400, code: 'VALIDATION_FAILED', field: 'isAdmin' },
    { name: 'a wrong type', body: () => ({ ...valid, name: 42 }), status: 400, code: 'VALIDATION_FAILED', field: 'name' },
    { name: 'a missing field', body: () => ({ uscc: valid.uscc, name: valid.name, kind: 'bidder' }), status: 400, code: 'VALIDATION_FAILED', field: 'regionCode' },
    { name: 'an enum outside its values', body: () => ({ ...valid, kind: 'emperor' }), status: 400, code: 'VALIDATION_FAILED', field: 'kind' },
    { name: 'a null where a string goes', body: () => ({ ...valid, uscc: null }), status: 400, code: 'VALIDATION_FAILED', field: 'uscc' },
    { name: 'a wrong USCC check digit', body: () => ({ ...valid, uscc: valid.uscc.slice(0, 17) + (valid.uscc[17] === '0' ? '1' : '0') }), status: 400, code: 'USCC_BAD_CHECK_DIGIT', field: 'uscc' },
    { name: 'a bad division code', body: () => ({ ...valid, regionCode: '990000' }), status: 400, code: 'DIVISION_CODE_INVALID', field: 'regionCode' },
    { name: 'a body that is not JSON', body: () => 'uscc=1', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'an oversize body', body: () => ({ ...valid, name: '长'.repeat(60_000) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with ${c.status} ${c.code}`, async () => {
      const before = await footprint(app);
      const res = await post(c.body(), c.contentType);
      expect(res.status, res.text).to.equal(c.status);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body.code).to.equal(c.code);
      expect(res.body.title).to.be.a('string');
      if (c.field) expect(JSON.stringify(res.body.errors)).to.contain(c.field);
      expect(await footprint(app)).to.deep.equal(before);
    });
  }

  it('refuses bad params and query strings the same way', async () => {
    const badId = await app.http.patch('/api/admin/users/abc/role').set(bearer(await app.tokenFor('admin'))).send({ role: 'expert' });
    expect(badId.status).to.equal(400);
    expect(badId.body.code).to.equal('VALIDATION_FAILED');
    const badQuery = await app.http.get('/api/audit/events?limit=100000').set(bearer(await app.tokenFor('supervisor')));
    expect(badQuery.status).to.equal(400);
    const unknownQuery = await app.http.get('/api/audit/events?evil=1').set(bearer(await app.tokenFor('supervisor')));
    expect(unknownQuery.status).to.equal(400);
  });

  it('refuses a malformed login body without counting it as a failed login', async () => {
    const before = await footprint(app);
    const res = await app.http.post('/api/auth/login').send({ username: 'staff', password: ['demo1234'] });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('VALIDATION_FAILED');
    expect(await footprint(app)).to.deep.equal(before);
  });

  it('refuses a well-formed division code that is not in the region tree with 400 REGION_UNKNOWN', async () => {
    const before = await footprint(app);
    const res = await app.http
      .post('/api/organisations')
      .set(bearer(await app.tokenFor('admin')))
      .send({ ...valid, regionCode: '110000' });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('REGION_UNKNOWN');
    expect(await footprint(app)).to.deep.equal(before);
  });

  it('answers unknown API routes with 404 ROUTE_NOT_FOUND as problem+json', async () => {
    const res = await app.http.get('/api/no-such-thing');
    expect(res.status).to.equal(404);
    expect(res.body.code).to.equal('ROUTE_NOT_FOUND');
  });

  it('accepts the valid body and writes exactly one organisation and one audit event', async () => {
    const before = await footprint(app);
    const res = await post(valid);
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ uscc: valid.uscc, name: valid.name, regionCode: '360702' });
    const after = await footprint(app);
    expect(after.organisations).to.equal(before.organisations + 1);
    expect(after.head.seq).to.equal(before.head.seq + 1);
    const again = await post(valid);
    expect(again.status).to.equal(409);
    expect(again.body.code).to.equal('USCC_TAKEN');
  });
});

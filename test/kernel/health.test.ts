import { expect } from 'chai';
import { givenApp, type TestApp } from '../helpers/app.js';

describe('health', () => {
  let app: TestApp;
  before(async () => {
    app = await givenApp();
  });
  after(() => app.stop());

  it('answers ok with the database reachable', async () => {
    const res = await app.http.get('/health');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ status: 'ok', db: 'ok' });
  });

  it('answers 503 degraded once the database is gone', async () => {
    const other = await givenApp();
    await other.db.close();
    const res = await other.http.get('/health');
    expect(res.status).to.equal(503);
    expect(res.body).to.deep.include({ status: 'degraded', db: 'unreachable' });
    await new Promise<void>((resolve) => other.server.close(() => resolve()));
    await other.database.drop();
  });

  it('tags every answer with a request id and security headers', async () => {
    const res = await app.http.get('/health');
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers).not.to.have.property('x-powered-by');
  });
});

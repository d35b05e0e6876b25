import { expect } from 'chai';
import { isValidUscc, normaliseUscc, usccCheckCharacter, usccProblem } from '../../contracts/uscc.js';
import { Uscc } from '../../contracts/values.js';
import { DEMO_ORGANISATIONS } from '../../server/seed/demo-data.js';
import { givenApp, type TestApp } from '../helpers/app.js';

describe('统一社会信用代码 (USCC, GB 32100-2015)', () => {
  // Codes printed on real business licences (public registrations).
  const REAL = ['914403001922038216', '9144030071526726XG', '91330100716105852F', '91350100M000100Y43'];

  it('accepts real-format codes', () => {
    for (const code of REAL) expect(usccProblem(code), code).to.equal(null);
  });

  it('rejects every wrong check character with USCC_BAD_CHECK_DIGIT', () => {
    for (const code of REAL) {
      for (const wrong of '0123456789ABCDEFGHJKLMNPQRTUWXY') {
        if (wrong === code[17]) continue;
        expect(usccProblem(code.slice(0, 17) + wrong)).to.equal('USCC_BAD_CHECK_DIGIT');
      }
    }
  });

  it('computes the check character (C18 = 31 − Σ Ci·Wi mod 31)', () => {
    expect(usccCheckCharacter('91440300192203821')).to.equal('6');
    expect(usccCheckCharacter('9144030071526726X')).to.equal('G');
  });

  it('rejects malformed codes with USCC_MALFORMED', () => {
    for (const code of ['', '91440300192203821', '9144030019220382160', '91440300I92203821X', '9144O3001922038216', '91AB03001922038216', '91440300192203821Z']) {
      expect(usccProblem(code), code).to.equal('USCC_MALFORMED');
    }
  });

  it('normalises what people type before checking', () => {
    expect(normaliseUscc(' 9144030071526726xg ')).to.equal('9144030071526726XG');
    expect(Uscc.parse(' 9144030071526726xg')).to.equal('9144030071526726XG');
  });

  it('holds for every organisation in the demo data', () => {
    for (const org of DEMO_ORGANISATIONS) expect(isValidUscc(org.uscc), org.name).to.equal(true);
  });

  describe('over the API', () => {
    let app: TestApp;
    before(async () => {
      app = await givenApp();
    });
    after(() => app.stop());

    it('checks a code publicly and says whether it is registered', async () => {
      const res = await app.http.post('/api/uscc/check').send({ uscc: DEMO_ORGANISATIONS[0]!.uscc });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ valid: true, registered: true, divisionCode: '360700' });
      const fresh = await app.http.post('/api/uscc/check').send({ uscc: REAL[0] });
      expect(fresh.body).to.include({ valid: true, registered: false });
    });

    it('answers a wrong check digit with 400 USCC_BAD_CHECK_DIGIT naming the field', async () => {
      const res = await app.http.post('/api/uscc/check').send({ uscc: '914403001922038217' });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('USCC_BAD_CHECK_DIGIT');
      expect(res.body.errors[0].path).to.deep.equal(['body', 'uscc']);
    });

    it('answers a malformed code with 400 USCC_MALFORMED', async () => {
      const res = await app.http.post('/api/uscc/check').send({ uscc: '12345' });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('USCC_MALFORMED');
    });
  });
});

import { expect } from 'chai';
import {
  Calendar,
  CN_NATIONAL_CALENDAR,
  addCivilDays,
  atCivilTime,
  civilDateOf,
  isCivilDate,
  startOfCivilDay,
  type Period,
} from '../../server/kernel/calendar/index.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';

const cn = new Calendar(CN_NATIONAL_CALENDAR);
const days = (amount: number): Period => ({ amount, unit: 'day' });
const workingDays = (amount: number): Period => ({ amount, unit: 'workingDay' });

describe('calendar: civil dates in China Standard Time (UTC+08:00)', () => {
  it('maps instants to +08:00 dates and back', () => {
    expect(civilDateOf(new Date('2026-11-24T15:59:59.999Z'))).to.equal('2026-11-24');
    expect(civilDateOf(new Date('2026-11-24T16:00:00.000Z'))).to.equal('2026-11-25');
    expect(startOfCivilDay('2026-11-25').toISOString()).to.equal('2026-11-24T16:00:00.000Z');
    expect(atCivilTime('2026-12-01', new Date('2026-11-25T02:30:00.000Z')).toISOString()).to.equal('2026-12-01T02:30:00.000Z');
    // 01:00 +08:00 on the 25th is still the evening of the 24th in UTC
    expect(atCivilTime('2026-12-01', new Date('2026-11-24T17:00:00.000Z')).toISOString()).to.equal('2026-11-30T17:00:00.000Z');
  });

  it('adds days across months, leap years and backwards', () => {
    expect(addCivilDays('2026-02-28', 1)).to.equal('2026-03-01');
    expect(addCivilDays('2028-02-28', 1)).to.equal('2028-02-29');
    expect(addCivilDays('2026-01-01', -1)).to.equal('2025-12-31');
    expect(addCivilDays('2026-10-01', 0)).to.equal('2026-10-01');
  });

  it('accepts only real dates written YYYY-MM-DD', () => {
    expect(isCivilDate('2026-02-28')).to.equal(true);
    expect(isCivilDate('2028-02-29')).to.equal(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-2-1', '2026-02-1', '20260201', '2026-02-01T00:00', '', '2026-00-10', '2026-04-31']) {
      expect(isCivilDate(bad), bad).to.equal(false);
    }
  });

  it('throws RangeError on malformed dates, negative or fractional amounts and bad entries', () => {
    expect(() => addCivilDays('2026-02-30', 1)).to.throw(RangeError);
    expect(() => addCivilDays('2026-02-01', 1.5)).to.throw(RangeError);
    expect(() => cn.isWorkingDay('2026/10/01')).to.throw(RangeError);
    expect(() => cn.periodEnd('2026-10-01', days(-1))).to.throw(RangeError);
    expect(() => cn.periodEnd('2026-10-01', workingDays(2.5))).to.throw(RangeError);
    expect(() => cn.periodEnd('2026-10-01', { amount: 1, unit: 'week' as never })).to.throw(RangeError);
    expect(() => cn.latestStartFor('2026-10-01', days(-3))).to.throw(RangeError);
    expect(() => cn.latestStartFor('2026-10-32', days(3))).to.throw(RangeError);
    expect(() => new Calendar([{ date: '2026-02-30', kind: 'holiday' }])).to.throw(RangeError);
    expect(() => new Calendar([{ date: '2026-02-03', kind: 'off' as never }])).to.throw(RangeError);
    expect(() => civilDateOf(new Date('nonsense'))).to.throw(RangeError);
  });
});

describe('calendar: the 2026 national schedule', () => {
  it('lists holidays and 调休 days as the State Council notice gives them', () => {
    const off = (d: string) => expect(cn.isWorkingDay(d), d).to.equal(false);
    const on = (d: string) => expect(cn.isWorkingDay(d), d).to.equal(true);
    ['2026-01-01', '2026-02-15', '2026-02-16', '2026-02-23', '2026-04-06', '2026-05-05', '2026-06-19', '2026-09-25', '2026-10-07'].forEach(off);
    // worked weekend days (调休上班)
    ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'].forEach(on);
    // ordinary days
    on('2026-10-08');
    off('2026-10-11'); // Sunday
    off('2026-11-14'); // Saturday
    on('2026-11-16');
    off('2027-01-01');
    // every 调休 day is a Saturday or Sunday; no date is listed twice
    for (const entry of CN_NATIONAL_CALENDAR.filter((e) => e.kind === 'workday')) {
      expect([0, 6], entry.date).to.include(new Date(`${entry.date}T00:00:00Z`).getUTCDay());
    }
    expect(new Set(CN_NATIONAL_CALENDAR.map((e) => e.date)).size).to.equal(CN_NATIONAL_CALENDAR.length);
    expect(CN_NATIONAL_CALENDAR.filter((e) => e.name === '春节').map((e) => e.date)).to.have.length(9);
  });
});

describe('calendar: periods (87号令 arts 85–86, 民法典 art 203)', () => {
  it('does not count the start day', () => {
    expect(cn.periodEnd('2026-03-02', days(1))).to.equal('2026-03-03');
    expect(cn.periodEnd('2026-03-02', workingDays(1))).to.equal('2026-03-03');
    expect(cn.periodEnd('2026-03-02', days(3))).to.equal('2026-03-05');
    expect(cn.countWorkingDays('2026-03-02', '2026-03-02')).to.equal(0);
    expect(cn.countWorkingDays('2026-03-02', '2026-03-03')).to.equal(1);
  });

  it('amount 0 is the start day itself, with no roll-over', () => {
    expect(cn.periodEnd('2026-10-03', days(0))).to.equal('2026-10-03');
    expect(cn.periodEnd('2026-10-03', workingDays(0))).to.equal('2026-10-03');
    expect(cn.latestStartFor('2026-10-03', days(0))).to.equal('2026-10-03');
  });

  it('rolls 20 days that end on a Saturday to the Monday', () => {
    expect(cn.periodEnd('2026-10-25', days(20))).to.equal('2026-11-16'); // 2026-11-14 is a Saturday
  });

  it('rolls a period that ends inside 国庆 to 8 October', () => {
    expect(cn.periodEnd('2026-09-13', days(20))).to.equal('2026-10-08'); // 2026-10-03
    expect(cn.periodEnd('2026-09-26', days(10))).to.equal('2026-10-08'); // 2026-10-06
  });

  it('does not roll a day period that ends on a worked Saturday (调休上班)', () => {
    expect(cn.periodEnd('2026-09-30', days(10))).to.equal('2026-10-10');
  });

  it('counts 5 working days across 国庆, the 调休 Saturday counting as a working day', () => {
    // 9-30, 10-08, 10-09, 10-10 (Saturday, worked), 10-12
    expect(cn.periodEnd('2026-09-29', workingDays(5))).to.equal('2026-10-12');
    expect(cn.countWorkingDays('2026-09-29', '2026-10-12')).to.equal(5);
    // the Sunday 9-20 is worked
    expect(cn.periodEnd('2026-09-18', workingDays(1))).to.equal('2026-09-20');
    // across 春节: 2-13, 2-14 (Saturday, worked), 2-24, 2-25, 2-26
    expect(cn.periodEnd('2026-02-12', workingDays(5))).to.equal('2026-02-26');
    expect(cn.nextWorkingDay('2026-02-14')).to.equal('2026-02-24');
    expect(cn.workingDayOnOrAfter('2026-02-14')).to.equal('2026-02-14');
    expect(cn.workingDayOnOrAfter('2026-02-15')).to.equal('2026-02-24');
  });

  it('latestStartFor: hand-checked cases around 春节 and 国庆', () => {
    expect(cn.latestStartFor('2026-02-24', workingDays(3))).to.equal('2026-02-12');
    expect(cn.latestStartFor('2026-02-24', days(5))).to.equal('2026-02-19');
    // the deadline is a holiday: 2-10 + 5 = 2-15 would roll to 2-24, so the latest start is 2-09 (→ worked Saturday 2-14)
    expect(cn.latestStartFor('2026-02-23', days(5))).to.equal('2026-02-09');
    // an objection at least 10 days before a bid deadline of 2026-10-12
    expect(cn.latestStartFor('2026-10-12', days(10))).to.equal('2026-10-02');
    expect(cn.latestStartFor('2026-10-12', workingDays(5))).to.equal('2026-09-29');
  });

  it('latestStartFor is the exact inverse of periodEnd for every end date in 2026', () => {
    const periods = [0, 1, 2, 3, 5, 7, 10, 15, 20, 30].flatMap((n) => [days(n), workingDays(n)]);
    let checked = 0;
    for (let end = '2026-01-01'; end <= '2027-01-10'; end = addCivilDays(end, 1)) {
      for (const p of periods) {
        const s = cn.latestStartFor(end, p);
        const where = `${end} ${p.amount} ${p.unit} → ${s}`;
        expect(cn.periodEnd(s, p) <= end, where).to.equal(true);
        expect(cn.periodEnd(addCivilDays(s, 1), p) > end, where).to.equal(true);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(7000);
  });

  it('countWorkingDays agrees with periodEnd', () => {
    for (let start = '2026-01-01'; start <= '2026-12-31'; start = addCivilDays(start, 7)) {
      for (const n of [1, 5, 20]) expect(cn.countWorkingDays(start, cn.periodEnd(start, workingDays(n))), start).to.equal(n);
    }
    expect(cn.countWorkingDays('2026-10-12', '2026-09-29')).to.equal(0);
  });

  it('lets a later entry override an earlier one (a region over the national calendar)', () => {
    const region = new Calendar([
      ...CN_NATIONAL_CALENDAR,
      { date: '2026-12-01', kind: 'holiday', name: '地方假日' },
      { date: '2026-10-07', kind: 'workday', name: '地方调整' },
    ]);
    expect(cn.isWorkingDay('2026-12-01')).to.equal(true);
    expect(region.isWorkingDay('2026-12-01')).to.equal(false);
    expect(region.periodEnd('2026-11-30', workingDays(1))).to.equal('2026-12-02');
    expect(region.isWorkingDay('2026-10-07')).to.equal(true);
    expect(region.entries().find((e) => e.date === '2026-10-07')).to.deep.equal({ date: '2026-10-07', kind: 'workday', name: '地方调整' });
    // order of entries given does not matter except for the same date
    const shuffled = new Calendar([...CN_NATIONAL_CALENDAR].reverse());
    expect(shuffled.entries()).to.deep.equal(cn.entries());
    expect(new Calendar([{ date: '2026-12-05', kind: 'workday' }, { date: '2026-12-05', kind: 'holiday' }]).isWorkingDay('2026-12-05')).to.equal(false);
  });
});

describe('calendar service and routes (real app)', () => {
  let app: TestApp;
  let staff: string;
  let admin: string;
  before(async () => {
    app = await givenApp();
    staff = await app.tokenFor('staff');
    admin = await app.tokenFor('admin');
  });
  after(() => app.stop());

  it('GET /api/calendar/:region lists the national 2026 schedule (public)', async () => {
    const res = await app.http.get('/api/calendar/360781?year=2026');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.region).to.equal('360781');
    expect(res.body.year).to.equal(2026);
    const springFestival = res.body.entries.filter((e: { name: string }) => e.name === '春节');
    expect(springFestival.map((e: { date: string }) => e.date)).to.include('2026-02-17');
    expect(springFestival[0]).to.deep.include({ kind: 'holiday', source: '000000' });
    expect(res.body.entries.find((e: { date: string }) => e.date === '2026-02-14')).to.deep.include({ kind: 'workday', source: '000000' });
    expect(res.body.entries.every((e: { date: string }) => e.date.startsWith('2026-'))).to.equal(true);
    const national = await app.http.get('/api/calendar/000000?year=2026');
    expect(national.status).to.equal(200);
    expect(national.body.entries).to.deep.equal(res.body.entries);
  });

  it('refuses malformed regions, years and dates', async () => {
    expect((await app.http.get('/api/calendar/12?year=2026')).status).to.equal(400);
    expect((await app.http.get('/api/calendar/360781?year=abc')).status).to.equal(400);
    const unknown = await app.http.get('/api/calendar/990000?year=2026');
    expect(unknown.status).to.be.within(400, 499);
    const badDate = await app.http.put('/api/calendar/360781/days/2026-02-30').set(bearer(staff)).send({ kind: 'holiday' });
    expect(badDate.status).to.equal(400);
    expect(badDate.body.code).to.equal('VALIDATION_FAILED');
    const badKind = await app.http.put('/api/calendar/360781/days/2026-12-01').set(bearer(staff)).send({ kind: 'vacation' });
    expect(badKind.status).to.equal(400);
  });

  it('PUT needs admin or center staff', async () => {
    expect((await app.http.put('/api/calendar/360781/days/2026-12-01').send({ kind: 'holiday' })).status).to.equal(401);
    const bidder = await app.http.put('/api/calendar/360781/days/2026-12-01').set(bearer(await app.tokenFor('bidder1'))).send({ kind: 'holiday' });
    expect(bidder.status).to.equal(403);
    expect(bidder.body.code).to.equal('FORBIDDEN_ROLE');
  });

  it('staff of 赣州 set a holiday for 瑞金 but not for another province or the national calendar', async () => {
    const before = await app.services.audit.head();
    const ok = await app.http
      .put('/api/calendar/360781/days/2026-12-01')
      .set(bearer(staff))
      .send({ kind: 'holiday', name: '瑞金地方假日' });
    expect(ok.status, ok.text).to.equal(200);
    expect(ok.body).to.deep.include({ region: '360781', date: '2026-12-01', kind: 'holiday', name: '瑞金地方假日', workingDay: false });
    expect(ok.body.effective).to.deep.equal({ date: '2026-12-01', kind: 'holiday', name: '瑞金地方假日', source: '360781' });

    for (const region of ['350000', '000000', '360000']) {
      const outside = await app.http.put(`/api/calendar/${region}/days/2026-12-01`).set(bearer(staff)).send({ kind: 'holiday' });
      expect(outside.status, region).to.equal(403);
      expect(outside.body.code).to.equal('FORBIDDEN_REGION');
    }

    const events = await app.services.audit.list(before.seq);
    const set = events.filter((e) => e.action === 'calendar.day_set');
    expect(set).to.have.length(1);
    expect(set[0]).to.deep.include({ actor: 'user:staff', subject: 'calendar:360781:2026-12-01' });
    expect(set[0]!.payload).to.deep.include({ region: '360781', date: '2026-12-01', kind: 'holiday', name: '瑞金地方假日', previous: null });
    expect((await app.services.audit.verify()).ok).to.equal(true);

    const { calendar } = app.services;
    expect((await calendar.forRegion('360781')).isWorkingDay('2026-12-01')).to.equal(false);
    expect((await calendar.forRegion('360783')).isWorkingDay('2026-12-01')).to.equal(true);
    expect((await calendar.forRegion('360700')).isWorkingDay('2026-12-01')).to.equal(true);
    expect((await calendar.forRegion('360781')).periodEnd('2026-11-30', workingDays(1))).to.equal('2026-12-02');

    const listed = await app.http.get('/api/calendar/360781?year=2026');
    expect(listed.body.entries.find((e: { date: string }) => e.date === '2026-12-01')).to.deep.equal({
      date: '2026-12-01',
      kind: 'holiday',
      name: '瑞金地方假日',
      source: '360781',
    });
    const longnan = await app.http.get('/api/calendar/360783?year=2026');
    expect(longnan.body.entries.map((e: { date: string }) => e.date)).not.to.include('2026-12-01');
  });

  it('layers national, province, city and district entries; "normal" removes only the region’s own', async () => {
    const { calendar } = app.services;
    const warm = await calendar.forRegion('360781'); // cached, must be dropped by the next change
    expect(warm.isWorkingDay('2026-12-02')).to.equal(true);

    const province = await app.http.put('/api/calendar/360000/days/2026-12-02').set(bearer(admin)).send({ kind: 'holiday', name: '江西省假日' });
    expect(province.status, province.text).to.equal(200);
    expect((await calendar.forRegion('360781')).isWorkingDay('2026-12-02')).to.equal(false);
    expect((await calendar.forRegion('360783')).isWorkingDay('2026-12-02')).to.equal(false);

    // 瑞金 works that day after all
    const district = await app.http.put('/api/calendar/360781/days/2026-12-02').set(bearer(staff)).send({ kind: 'workday', name: '瑞金照常上班' });
    expect(district.status).to.equal(200);
    expect(district.body.workingDay).to.equal(true);
    expect((await calendar.forRegion('360781')).isWorkingDay('2026-12-02')).to.equal(true);
    expect((await calendar.forRegion('360783')).isWorkingDay('2026-12-02')).to.equal(false);
    const list = await calendar.list('360781', 2026);
    expect(list.entries.find((e) => e.date === '2026-12-02')).to.deep.equal({ date: '2026-12-02', kind: 'workday', name: '瑞金照常上班', source: '360781' });

    // back to normal: the province's holiday applies again
    const normal = await app.http.put('/api/calendar/360781/days/2026-12-02').set(bearer(staff)).send({ kind: 'normal' });
    expect(normal.status).to.equal(200);
    expect(normal.body).to.deep.include({ kind: 'normal', name: null, workingDay: false });
    expect(normal.body.effective).to.deep.include({ source: '360000' });
    expect((await calendar.forRegion('360781')).isWorkingDay('2026-12-02')).to.equal(false);

    // admin can change the national calendar (e.g. load 2027 once it is published)
    const national = await app.http.put('/api/calendar/000000/days/2027-02-08').set(bearer(admin)).send({ kind: 'holiday', name: '春节' });
    expect(national.status, national.text).to.equal(200);
    expect((await calendar.forRegion('360783')).isWorkingDay('2027-02-08')).to.equal(false);
    const year2027 = await app.http.get('/api/calendar/000000?year=2027');
    expect(year2027.body.entries.map((e: { date: string }) => e.date)).to.deep.equal(['2027-01-01', '2027-02-08']);

    const actions = (await app.services.audit.list(0, 1000)).filter((e) => e.action === 'calendar.day_set');
    expect(actions).to.have.length(5);
    expect(actions[3]!.payload).to.deep.include({ kind: 'normal', previous: { kind: 'workday', name: '瑞金照常上班' } });
    expect((await app.services.audit.verify()).ok).to.equal(true);
  });
});

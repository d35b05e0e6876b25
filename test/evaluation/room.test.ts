import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { EVALUATION_JOIN, EVALUATION_NAMESPACE, EVALUATION_PRESENCE, EVALUATION_PROGRESS, type EvaluationProgress, type EvaluationView } from '../../contracts/evaluation.js';
import { bearer, givenApp, type TestApp } from '../helpers/app.js';
import { evaluatedTrade, type EvaluationRun } from '../helpers/evaluation.js';

/**
 * The live evaluation room over socket.io: members only (supervisors read-only), presence and
 * progress for everyone, no score visible to another expert before the result, and a member who
 * drops out gets their draft back on rejoining.
 */
describe('evaluation room over socket.io', function () {
  this.timeout(600_000);
  let app: TestApp;
  let run: EvaluationRun;
  const sockets: Socket[] = [];
  before(async () => {
    app = await givenApp();
    run = await evaluatedTrade(app, { kind: 'construction', prices: { bidder1: 980_000_000, bidder2: 1_000_000_000, bidder3: 950_000_000 }, judged: () => [], stopAtScoring: true });
  });
  after(async () => {
    for (const s of sockets) s.disconnect();
    await app?.stop();
  });

  async function enter(token: string) {
    const socket = connect(`${app.url}${EVALUATION_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const progress: EvaluationProgress[] = [];
    const presence: number[][] = [];
    socket.on(EVALUATION_PROGRESS, (p: EvaluationProgress) => progress.push(p));
    socket.on(EVALUATION_PRESENCE, (p: { present: number[] }) => presence.push(p.present));
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', () => resolve());
      socket.on('connect_error', reject);
    });
    const ack = (await socket.emitWithAck(EVALUATION_JOIN, { tradeId: run.trade.id })) as { ok: boolean; code?: string; view?: EvaluationView };
    return { socket, ack, progress, presence };
  }
  const until = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
    expect(check(), what).to.equal(true);
  };

  it('lets in members and the supervisor, not a bidder or an expert from outside the committee', async () => {
    expect((await enter(await app.tokenFor('bidder1'))).ack).to.deep.equal({ ok: false, code: 'NOT_PARTICIPANT' });
    expect((await enter(await app.tokenFor('expert1'))).ack).to.deep.equal({ ok: false, code: 'NOT_PARTICIPANT' });
    expect((await enter(await app.tokenFor('supervisor'))).ack.ok).to.equal(true);
  });

  it('shows presence and progress, never another expert’s unsubmitted scores; a reconnect restores the draft', async () => {
    const [a, b] = [await enter(run.experts[0]!.token), await enter(run.experts[1]!.token)];
    expect(a.ack.ok && b.ack.ok).to.equal(true);
    await until(() => a.presence.some((p) => p.includes(run.experts[1]!.userId)), 'A sees B arrive');

    // expert 2 drafts scores; nobody else sees them, in the room or over HTTP
    const draft = [
      { bidId: run.bidIds.bidder1!, criterion: 'technical', value: 21.5 },
      { bidId: run.bidIds.bidder2!, criterion: 'management', value: 7 },
    ];
    const saved = await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(bearer(run.experts[1]!.token)).send({ scores: draft });
    expect(saved.status, saved.text).to.equal(200);
    const seenByA = (await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(run.experts[0]!.token))).body as EvaluationView;
    expect(seenByA.myScores).to.deep.equal([]);
    expect(seenByA.result).to.equal(null);
    const seenBySupervisor = (await app.http.get(`/api/trades/${run.trade.id}/evaluation`).set(bearer(await app.tokenFor('supervisor')))).body as EvaluationView;
    expect(seenBySupervisor.myScores).to.deep.equal([]);
    // out of range is refused
    const tooHigh = await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(bearer(run.experts[1]!.token)).send({ scores: [{ bidId: run.bidIds.bidder1, criterion: 'technical', value: 26 }] });
    expect([tooHigh.status, tooHigh.body.criterion, tooHigh.body.max]).to.deep.equal([400, 'technical', 25]);

    // expert 2 drops out and comes back: the draft is there
    b.socket.disconnect();
    await until(() => a.presence.at(-1)!.includes(run.experts[1]!.userId) === false, 'A sees B leave');
    const again = await enter(run.experts[1]!.token);
    expect(again.ack.view!.myScores).to.have.deep.members(draft);

    // progress goes to everyone and carries no score values
    const submitted = await app.http.post(`/api/trades/${run.trade.id}/evaluation/scores/submit`).set(bearer(run.experts[1]!.token)).send({});
    expect(submitted.status).to.equal(409); // not every criterion of every bid is scored yet
    // expert 4 scores everything (13.25 each) and submits: the room hears that, not the numbers
    const all = Object.values(run.bidIds).flatMap((bidId) => ['technical', 'management'].map((criterion) => ({ bidId, criterion, value: criterion === 'technical' ? 13.25 : 6.75 })));
    expect((await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(bearer(run.experts[3]!.token)).send({ scores: all })).status).to.equal(200);
    expect((await app.http.post(`/api/trades/${run.trade.id}/evaluation/scores/submit`).set(bearer(run.experts[3]!.token)).send({})).status).to.equal(200);
    await until(() => a.progress.length > 0, 'progress broadcast');
    const last = a.progress.at(-1)!;
    expect([last.state, last.members.find((m) => m.userId === run.experts[3]!.userId)!.submitted, last.result]).to.deep.equal(['scoring', true, null]);
    expect(JSON.stringify(a.progress)).not.to.match(/21\.5|13\.25|6\.75/);
    // once submitted, scores are locked
    const locked = await app.http.put(`/api/trades/${run.trade.id}/evaluation/scores`).set(bearer(run.experts[3]!.token)).send({ scores: all });
    expect(locked.status).to.equal(409);
  });
});

import { expect } from 'chai';
import { Op } from 'sequelize';
import type { TradeView } from '../../contracts/trades.js';
import { loadConfig } from '../../server/config.js';
import { createDatabase, type Db } from '../../server/db/index.js';
import { defineAuditModels } from '../../server/kernel/audit/models.js';
import { defineTradeModels } from '../../server/modules/trades/models.js';
import { logLines, startChildApp, type ChildApp } from '../helpers/child-app.js';
import { freshDatabase, type FreshDatabase } from '../helpers/database.js';
import { createTrade, enrol, noticeFor, publish, uploadDocument } from '../helpers/trades.js';
import { bearer } from '../helpers/app.js';

/**
 * Time-driven transitions with several server processes on one database (architecture.md
 * "Lifecycle engine"): two processes share the database, the data dir and so the CA, both run the
 * scheduler (polling every 50 ms), and 20 trades fall due at the same instant. Each trade must close
 * exactly once: one `close_bidding` row in trade_transitions, one `trade.close_bidding` audit event,
 * fired by one of the processes — never by both. With A stopped, B alone closes the next trade due
 * (its scheduler watches the shared database as well). Then both stop, more deadlines pass while no server
 * runs, and one process starts again: each of those trades closes exactly once, at start, and the
 * trades already closed get no second transition.
 *
 * The rules table forbids a bid deadline less than 20 days after publication and the child processes
 * run on the real clock, so the trades are published with the usual 2027 deadline and the test then
 * moves the deadline by SQL, straight in the shared database. That edits the deadline to exercise
 * the scheduler, not the rules (a moved deadline through the API is the rules' business).
 */
const FIRST = 20;
const SECOND = 11; // one of them is closed by process B alone, the other ten after the restart

describe('trades: time-driven transitions with two server processes on one database', function () {
  this.timeout(600_000);
  let database: FreshDatabase;
  let a: ChildApp | undefined;
  let b: ChildApp | undefined;
  let db: Db | undefined;

  before(async () => {
    database = await freshDatabase();
  });
  afterEach(function () {
    if (this.currentTest?.state !== 'failed') return;
    // the servers' own account of what went wrong
    for (const app of [a, b]) {
      for (const output of app?.outputs() ?? []) for (const line of logLines(output).filter((l) => l.level >= 50)) console.log(`      ${app!.name}: ${JSON.stringify(line).slice(0, 3000)}`);
    }
  });
  after(async () => {
    await a?.kill('SIGKILL');
    await b?.kill('SIGKILL');
    await db?.close();
    await database?.drop();
  });

  it('fires each due transition once across two processes, and once after a restart that found it overdue', async () => {
    // One DATA_DIR for both (one SQLite file, one blob store, one CA_DIR); each process has its own temp folder.
    const env = { ...database.env, SCHEDULER_POLL_MS: '50', LOG_LEVEL: 'info' };
    a = await startChildApp({ name: 'A', env }); // migrates, seeds and makes the CA first
    b = await startChildApp({ name: 'B', env });
    expect(b.seed).to.deep.equal(a.seed);

    for (const official of ['official1', 'official2', 'official3']) await enrol(a, official);
    // Drafts one after another (concurrent POST /api/trades on MariaDB can pick the same trade code,
    // see the report), then documents and publication (the slow part: the opening key) five at a time.
    const drafts: TradeView[] = [];
    for (let i = 0; i < FIRST + SECOND; i++) drafts.push(await createTrade(a, noticeFor(a, 'construction')));
    const trades: TradeView[] = [];
    const target = a;
    for (let i = 0; i < drafts.length; i += 5) {
      trades.push(
        ...(await Promise.all(
          drafts.slice(i, i + 5).map(async (draft) => {
            const doc = await uploadDocument(target, draft.id);
            expect(doc.status, doc.text).to.equal(201);
            const res = await publish(target, draft.id);
            expect(res.status, res.text).to.equal(200);
            return res.body as TradeView;
          }),
        )),
      );
    }
    for (const trade of trades) expect(trade.state).to.equal('bidding');
    const first = trades.slice(0, FIRST);
    const second = trades.slice(FIRST);

    db = createDatabase(loadConfig({ ...database.env }));
    const { Trade, TradeTransition } = defineTradeModels(db);
    const { AuditEvent } = defineAuditModels(db);
    const closings = async (ids: number[]) => TradeTransition.findAll({ where: { tradeId: ids, name: 'close_bidding' }, order: [['id', 'ASC']] });
    const closingEvents = async (codes: string[]) =>
      AuditEvent.findAll({ where: { action: 'trade.close_bidding', subject: { [Op.in]: codes.map((c) => `trade:${c}`) } }, order: [['seq', 'ASC']] });

    // ── part 1: 20 trades fall due at one instant, two processes watching ─────────────────────────
    // Test-only edit of the deadline (see above): three seconds from now, opening at the same time.
    const due = new Date(Date.now() + 3000);
    const [moved] = await Trade.update({ bidDeadline: due, openingAt: due }, { where: { id: first.map((t) => t.id) } });
    expect(moved).to.equal(FIRST);
    await untilAll(first, [a, b], 'opening');

    const firstRows = await closings(first.map((t) => t.id));
    expect(countBy(firstRows.map((r) => r.tradeId)), 'one close_bidding row per trade').to.deep.equal(ones(first.map((t) => t.id)));
    for (const row of firstRows) {
      expect(row.fromState).to.equal('bidding');
      expect(row.toState).to.equal('opening');
      expect(row.at.getTime(), `trade ${row.tradeId} closed no earlier than its deadline`).to.be.at.least(due.getTime());
    }
    const firstEvents = await closingEvents(first.map((t) => t.code));
    expect(countBy(firstEvents.map((e) => e.subject!)), 'one trade.close_bidding audit event per trade').to.deep.equal(ones(first.map((t) => `trade:${t.code}`)));

    // Who fired what: the processes' own "scheduler.fired" log lines.
    const firedBy = (app: ChildApp, output = app.output()) =>
      logLines(output)
        .filter((l) => l.msg === 'scheduler.fired')
        .flatMap((l) => (l.fired as { id: number; name: string }[]).filter((f) => f.name === 'close_bidding').map((f) => f.id));
    // A process logs "scheduler.fired" after its pass, a moment after the last state change the API shows.
    const logged = async (apps: ChildApp[], count: number) => {
      const until = Date.now() + 30_000;
      while (apps.reduce((n, app) => n + firedBy(app).length, 0) < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    await logged([a, b], FIRST);
    const byA = firedBy(a);
    const byB = firedBy(b);
    console.log(`      process A closed ${byA.length} trades, process B ${byB.length}`);
    expect([...byA, ...byB].sort((x, y) => x - y), 'together the processes fired each trade once').to.deep.equal(first.map((t) => t.id).sort((x, y) => x - y));
    expect(byA.filter((id) => byB.includes(id)), 'no trade fired by both').to.deep.equal([]);

    // Both processes serve the result, and the audit chain written by two processes verifies.
    for (const app of [a, b]) {
      const view = await app.http.get(`/api/trades/${first[0]!.id}`);
      expect(view.body.state).to.equal('opening');
      const verify = await app.http.get('/api/audit/verify').set(bearer(await app.tokenFor('admin')));
      expect(verify.body, JSON.stringify(verify.body)).to.include({ ok: true, firstBrokenSeq: null });
    }
    for (const trade of second) expect((await b.http.get(`/api/trades/${trade.id}`)).body.state, 'the others are still open').to.equal('bidding');

    // B's scheduler is live on the shared database too (so "B fired none" above means B lost the
    // race, not that B was not looking): with A stopped, B alone closes the next trade that falls due.
    expect(await a.kill('SIGTERM'), 'A stops cleanly').to.equal(0);
    const solo = second.shift()!;
    const soon = new Date(Date.now() + 1000);
    await Trade.update({ bidDeadline: soon, openingAt: soon }, { where: { id: solo.id } });
    await untilAll([solo], [b], 'opening');
    await logged([b], byB.length + 1);
    expect(firedBy(b).filter((id) => id === solo.id), 'B closed it, once').to.have.length(1);
    expect(countBy((await closings([solo.id])).map((r) => r.tradeId))).to.deep.equal(ones([solo.id]));

    // ── part 2: deadlines pass while no server runs; one process starts again ─────────────────────
    expect(await b.kill('SIGTERM'), 'B stops cleanly').to.equal(0);
    const overdue = new Date(Date.now() - 60_000);
    const [late] = await Trade.update({ bidDeadline: overdue, openingAt: overdue }, { where: { id: second.map((t) => t.id) } });
    expect(late).to.equal(second.length);
    const stillBidding = await Trade.count({ where: { id: second.map((t) => t.id), state: 'bidding' } });
    expect(stillBidding, 'nothing closed them while no server ran').to.equal(second.length);

    const restartedAt = Date.now();
    await a.restart();
    await untilAll(second, [a], 'opening');

    const secondRows = await closings(second.map((t) => t.id));
    expect(countBy(secondRows.map((r) => r.tradeId)), 'each overdue trade closed exactly once').to.deep.equal(ones(second.map((t) => t.id)));
    for (const row of secondRows) expect(row.at.getTime(), 'closed by the restarted process').to.be.at.least(restartedAt);
    await logged([a], second.length);
    expect(firedBy(a).sort((x, y) => x - y), 'the restarted process fired exactly these').to.deep.equal(second.map((t) => t.id).sort((x, y) => x - y));
    const secondEvents = await closingEvents(second.map((t) => t.code));
    expect(countBy(secondEvents.map((e) => e.subject!))).to.deep.equal(ones(second.map((t) => `trade:${t.code}`)));

    const againFirst = await closings(first.map((t) => t.id));
    expect(againFirst.map((r) => r.id), 'the trades closed before the restart got no second transition').to.deep.equal(firstRows.map((r) => r.id));
    expect(await closingEvents(first.map((t) => t.code))).to.have.length(FIRST);
    const allTransitions = await TradeTransition.findAll({ where: { tradeId: trades.map((t) => t.id) } });
    expect(countBy(allTransitions.map((r) => `${r.tradeId}:${r.name}`)), 'publish and close_bidding once each, nothing else').to.deep.equal(
      ones(trades.flatMap((t) => [`${t.id}:publish`, `${t.id}:close_bidding`])),
    );

    const verify = await a.http.get('/api/audit/verify').set(bearer(await a.tokenFor('admin')));
    expect(verify.body, JSON.stringify(verify.body)).to.include({ ok: true, firstBrokenSeq: null });

    // Nothing went wrong on the way (a SQLITE_BUSY or deadlock would be logged as an error here).
    const errors = [...a.outputs(), ...b.outputs()].flatMap((output) => logLines(output).filter((l) => l.level >= 50));
    expect(errors.map((e) => JSON.stringify(e).slice(0, 2000)), 'no error logged by either process').to.deep.equal([]);
    expect(await a.kill('SIGTERM')).to.equal(0);
  });
});

/** Polls GET /api/trades/:id (round-robin over the processes) until every trade is in `state`; mocha's timeout bounds it. */
async function untilAll(trades: TradeView[], apps: ChildApp[], state: string): Promise<void> {
  for (let round = 0; ; round++) {
    const states = await Promise.all(trades.map(async (t, i) => (await apps[(i + round) % apps.length]!.http.get(`/api/trades/${t.id}`)).body.state as string));
    if (states.every((s) => s === state)) return;
    if (round > 0 && round % 100 === 0) console.log(`      still waiting for ${state}: ${states.filter((s) => s !== state).length} to go`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function countBy<T extends string | number>(values: T[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  return counts;
}

const ones = (keys: (string | number)[]): Record<string, number> => Object.fromEntries(keys.map((k) => [String(k), 1]));

import { expect } from 'chai';
import { evaluate, TEMPLATES, type BidInput, type Member, type Score, type Vote } from '../../server/modules/evaluation/compute.js';
import { groundsOf, recheckDiff } from '../../server/modules/recheck/diff.js';

/**
 * The automatic recheck's arithmetic (diff.ts) on hand-made inputs: a raw score changed after the
 * result was stored (totals, ranking and candidates differ), a score outside its range, a rejection
 * without a reason, a deviating expert — and a clean record gives no item.
 */
describe('recheck diff: recomputation against the stored result and checks of the raw inputs', () => {
  const template = TEMPLATES['procurement.comprehensive_scoring']!;
  const members: Member[] = [1, 2, 3, 4, 5].map((userId) => ({ userId, name: `专家${userId}` }));
  const bids: BidInput[] = [
    { bidId: 11, bidder: { uscc: 'A', name: '甲公司', label: 'A' }, priceFen: 1_000_000 },
    { bidId: 12, bidder: { uscc: 'B', name: '乙公司', label: 'B' }, priceFen: 1_000_000 },
    { bidId: 13, bidder: { uscc: 'C', name: '丙公司', label: 'C' }, priceFen: 1_000_000 },
  ];
  const votes = (rejectC: string | null): Vote[] =>
    bids.flatMap((b) => members.flatMap((m) => (['formal', 'qualification', 'responsiveness'] as const).map((check) => ({ bidId: b.bidId, expert: m.userId, check, pass: !(b.bidId === 13 && check === 'qualification' && m.userId <= 3), reason: b.bidId === 13 && check === 'qualification' && m.userId <= 3 ? rejectC : null }))));
  const scores = (tech: Record<number, number[]>): Score[] =>
    [11, 12, 13].flatMap((bidId) => members.flatMap((m, i) => [{ bidId, expert: m.userId, criterion: 'technical', value: tech[bidId]![i]! }, { bidId, expert: m.userId, criterion: 'service', value: 15 }]));
  const base = { template, members, bids, dropExtremes: false, sameBrandAsOne: true };
  const at = new Date('2026-11-25T02:00:00Z');

  it('a clean record gives no item', () => {
    const inputs = { ...base, votes: votes('业绩不满足'), scores: scores({ 11: [40, 40, 40, 40, 40], 12: [38, 38, 38, 38, 38], 13: [30, 30, 30, 30, 30] }) };
    const { diff } = recheckDiff(inputs, evaluate(inputs), 40, at);
    expect(diff.items).to.deep.equal([]);
  });

  it('a raw score changed after the stored result: totals, ranking and candidates differ', () => {
    const stored = evaluate({ ...base, votes: votes('业绩不满足'), scores: scores({ 11: [40, 40, 40, 40, 40], 12: [38, 38, 38, 38, 38], 13: [30, 30, 30, 30, 30] }) });
    const inputs = { ...base, votes: votes('业绩不满足'), scores: scores({ 11: [40, 40, 40, 40, 40], 12: [38, 38, 38, 38, 50], 13: [30, 30, 30, 30, 30] }) };
    const { diff } = recheckDiff(inputs, stored, 40, at);
    // bidder C is rejected (3 of 5), so only A and B rank: B 30 + 40.4 + 15 = 85.4 overtakes A 85
    expect(diff.items.map((i) => i.type)).to.have.members(['total_mismatch', 'ranking_mismatch', 'candidates_mismatch']);
    expect(diff.items.find((i) => i.type === 'total_mismatch')).to.deep.include({ bidId: 12, stored: 83, recomputed: 85.4 });
    expect(groundsOf(diff.items, true)).to.deep.equal(['gp.sum_error']);
    expect(groundsOf(diff.items, false)).to.deep.equal(['arithmetic']);
  });

  it('flags a score outside its range, a rejection without a reason and a deviating expert', () => {
    const inputs = { ...base, votes: votes(null), scores: scores({ 11: [40, 40, 40, 40, 10], 12: [38, 38, 38, 38, 380], 13: [30, 30, 30, 30, 30] }) };
    const { diff } = recheckDiff(inputs, evaluate(inputs), 40, at);
    expect(diff.items.map((i) => [i.type, 'bidId' in i ? i.bidId : null])).to.have.deep.members([
      ['score_out_of_range', 12],
      ['rejection_reason_missing', 13],
      ['score_deviation', 11],
    ]);
    // the out-of-range 380 is left out of the mean: no other expert on bid 12 counts as deviating
    expect(diff.items.find((i) => i.type === 'score_deviation')).to.deep.include({ expertUserId: 5, value: 10, mean: 34, sharePercent: 40 });
    expect(groundsOf(diff.items, true)).to.have.members(['gp.score_out_of_range', 'rejection_reason_missing', 'gp.abnormal_score']);
  });
});

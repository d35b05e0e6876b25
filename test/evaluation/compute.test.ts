import { expect } from 'chai';
import { evaluate, TEMPLATES, type BidInput, type Member, type Score, type Vote } from '../../server/modules/evaluation/compute.js';

const members: Member[] = [1, 2, 3, 4, 5].map((i) => ({ userId: i, name: `专家${i}` }));
const bid = (bidId: number, label: string, priceFen: number): BidInput => ({ bidId, bidder: { uscc: `U${bidId}`, name: `公司${label}`, label }, priceFen });
const passAll = (bids: BidInput[]): Vote[] => bids.flatMap((b) => members.flatMap((m) => (['formal', 'qualification', 'responsiveness'] as const).map((check) => ({ bidId: b.bidId, expert: m.userId, check, pass: true, reason: null }))));
const judged = (bidId: number, criterion: string, values: number[]): Score[] => values.map((value, i) => ({ bidId, expert: i + 1, criterion, value }));

/**
 * The arithmetic against a table computed by hand (综合评估法, 5 experts, 4 valid bids + 1 rejected):
 *
 * | bid | price (万元) | price score (base 1000.00; −1 per 1 % above, −0.5 per 1 % below) | technical (drop hi/lo) | management | credit | total |
 * | A | 980  | 60 − 2 × 0.5 = 59.00 | (22+21+23)/3 = 22.00 | 8.00 | 5 | 94.00 |
 * | B | 1000 | 60.00                | (18+19+20)/3 = 19.00 | 9.00 | 5 | 93.00 |
 * | C | 950  | 60 − 5 × 0.5 = 57.50 | (23+23+22)/3 = 22.67 | 7.67 | 5 | 92.84 |
 * | D | 1070 | 60 − 7 = 53.00       | (24+24+25)/3 = 24.33 | 9.00 | 5 | 91.33 |
 * | E | 900  | rejected on qualification by 3 of 5 (专家4 and 专家5 dissent); not in the benchmark |
 */
describe('evaluation arithmetic: hand-computed tables', () => {
  it('综合评估法: price scores against the benchmark, extremes dropped, totals, ranking, candidates; a majority rejection with dissent', () => {
    const bids = [bid(1, 'A', 980_000_000), bid(2, 'B', 1_000_000_000), bid(3, 'C', 950_000_000), bid(4, 'D', 1_070_000_000), bid(5, 'E', 900_000_000)];
    const votes = passAll(bids).map((v) => (v.bidId === 5 && v.check === 'qualification' && v.expert <= 3 ? { ...v, pass: false, reason: '项目经理注册证书过期' } : v));
    const scores = [
      ...judged(1, 'technical', [20, 22, 21, 23, 24]),
      ...judged(2, 'technical', [18, 19, 25, 20, 17]),
      ...judged(3, 'technical', [23, 23, 22, 24, 21]),
      ...judged(4, 'technical', [25, 24, 24, 25, 23]),
      ...judged(1, 'management', [8, 8, 9, 7, 8]),
      ...judged(2, 'management', [9, 9, 9, 9, 9]),
      ...judged(3, 'management', [7, 8, 8, 9, 6]),
      ...judged(4, 'management', [10, 9, 9, 8, 9]),
    ];
    const result = evaluate({ template: TEMPLATES['construction.comprehensive']!, members, bids, votes, scores, dropExtremes: true });
    expect(result.benchmarkFen).to.equal(1_000_000_000);
    const table = result.ranked.map((r) => [r.bidder.label, ...r.criteria.map((c) => c.score), r.total, r.rank]);
    expect(table).to.deep.equal([
      ['A', 59, 22, 8, 5, 94, 1],
      ['B', 60, 19, 9, 5, 93, 2],
      ['C', 57.5, 22.67, 7.67, 5, 92.84, 3],
      ['D', 53, 24.33, 9, 5, 91.33, 4],
    ]);
    expect(result.candidates.map((c) => c.bidder)).to.deep.equal(['公司A', '公司B', '公司C']);
    const e = result.compliance.find((c) => c.bidId === 5)!;
    expect(e.compliant).to.equal(false);
    const qualification = e.checks.find((c) => c.check === 'qualification')!;
    expect([qualification.failVotes, qualification.passVotes, qualification.dissent]).to.deep.equal([3, 2, ['专家4', '专家5']]);
    expect(result.rejected).to.deep.equal([{ bidId: 5, bidder: '公司E', reasons: ['qualification: 项目经理注册证书过期', 'qualification: 项目经理注册证书过期', 'qualification: 项目经理注册证书过期'] }]);
    // which scores were dropped is on record
    expect(result.ranked[0]!.criteria[1]!.byExpert.filter((x) => x.dropped).map((x) => x.value)).to.deep.equal([20, 24]);
  });

  it('综合评分法 (government procurement): 价格分 = 最低价 / 报价 × 30, every expert counted, a tie shares the rank', () => {
    const bids = [bid(1, 'A', 800_000), bid(2, 'B', 1_000_000), bid(3, 'C', 1_000_000)];
    const scores = [
      ...judged(1, 'technical', [10, 10, 10, 10, 50]), // GP: (10×4+50)/5 = 18, nothing dropped
      ...judged(2, 'technical', [40, 40, 40, 40, 40]),
      ...judged(3, 'technical', [40, 40, 40, 40, 40]),
      ...judged(1, 'service', [10, 10, 10, 10, 10]),
      ...judged(2, 'service', [15, 15, 15, 15, 15]),
      ...judged(3, 'service', [15, 15, 15, 15, 15]),
    ];
    const result = evaluate({ template: TEMPLATES['procurement.comprehensive_scoring']!, members, bids, votes: passAll(bids), scores, dropExtremes: false });
    // A: 30 + 18 + 10 = 58; B and C: 800/1000 × 30 = 24, + 40 + 15 = 79 — equal price too: tied
    expect(result.ranked.map((r) => [r.bidder.label, r.criteria[0]!.score, r.total, r.rank, r.tied])).to.deep.equal([
      ['B', 24, 79, 1, true],
      ['C', 24, 79, 1, true],
      ['A', 30, 58, 3, false],
    ]);
    expect(result.dropExtremes).to.equal(false);
  });

  it('经评审的最低投标价法: compliant bids by price; equal prices tie', () => {
    const bids = [bid(1, 'A', 1_200_000), bid(2, 'B', 1_100_000), bid(3, 'C', 1_150_000), bid(4, 'D', 1_100_000)];
    const votes = passAll(bids).map((v) => (v.bidId === 3 && v.check === 'responsiveness' && v.expert !== 1 ? { ...v, pass: false, reason: '工期不满足招标文件要求' } : v));
    const result = evaluate({ template: TEMPLATES['construction.lowest_price']!, members, bids, votes, scores: [], dropExtremes: true });
    expect(result.ranked.map((r) => [r.bidder.label, r.rank, r.tied])).to.deep.equal([
      ['B', 1, true],
      ['D', 1, true],
      ['A', 3, false],
    ]);
    expect(result.rejected.map((r) => r.bidId)).to.deep.equal([3]);
  });
});

describe('arithmetic correction (算术修正) in the statutory order', () => {
  it('reads amounts in words', async () => {
    const { parseChineseAmount } = await import('../../server/modules/evaluation/compute.js');
    expect(parseChineseAmount('人民币玖佰捌拾万元整')).to.equal(980_000_000);
    expect(parseChineseAmount('壹仟零伍万零叁拾元伍角陆分')).to.equal(1_005_003_056);
    expect(parseChineseAmount('壹亿贰仟万元整')).to.equal(12_000_000_000);
    expect(parseChineseAmount('拾万元')).to.equal(10_000_000);
    expect(parseChineseAmount('九百万')).to.equal(null);
  });

  it('words over figures, then a misplaced decimal in a unit price, then unit prices over the total', async () => {
    const { arithmeticCorrection } = await import('../../server/modules/evaluation/compute.js');
    expect(arithmeticCorrection({ priceFen: 98_000_000, priceInWords: '玖拾捌万元整' })).to.equal(null);
    const words = arithmeticCorrection({ priceFen: 98_000_000, priceInWords: '玖拾伍万元整' })!;
    expect([words.correctedFen, words.steps.map((s) => s.rule)]).to.deep.equal([95_000_000, ['words_over_figures']]);
    const lines = arithmeticCorrection({
      priceFen: 1_000_000,
      lines: [
        { item: '交换机', quantity: 10, unitPriceFen: 5_000, amountFen: 500_000 }, // 50.00 for 5,000.00: decimal misplaced
        { item: '安装调试', quantity: 1, unitPriceFen: 520_000, amountFen: 500_000 }, // amount disagrees, unit price prevails
      ],
    })!;
    expect(lines.steps.map((s) => [s.rule, s.toFen])).to.deep.equal([
      ['unit_price_decimal', 50_000],
      ['unit_prices_over_total', 1_020_000],
    ]);
    expect(lines.correctedFen).to.equal(1_020_000);
  });
});

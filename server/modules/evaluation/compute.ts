import type { ComplianceCheck, ComplianceDecision, CriterionView, EvaluationMethod, EvaluationResult, RankedBid } from '../../../contracts/evaluation.js';
import { COMPLIANCE_CHECKS } from '../../../contracts/evaluation.js';

/**
 * Evaluation templates and the arithmetic the machine does (the experts judge, the server computes).
 * Pure functions: the same inputs always give the same result, so the recheck (issue 7) can recompute
 * every figure from the raw votes and scores.
 */
export interface Template {
  id: string;
  method: EvaluationMethod;
  name: { zh: string; en: string };
  criteria: CriterionView[];
  price?: { formula: 'construction_benchmark'; discountPercent: number; deductAbovePerPercent: number; deductBelowPerPercent: number } | { formula: 'gp_lowest' };
}

export const TEMPLATES: Record<string, Template> = {
  'construction.comprehensive': {
    id: 'construction.comprehensive',
    method: 'comprehensive',
    name: { zh: '工程施工 综合评估法（价格60 技术25 管理10 信用5）', en: 'Construction, comprehensive evaluation' },
    criteria: [
      { id: 'price', name: { zh: '投标报价', en: 'Price' }, kind: 'price', max: 60 },
      { id: 'technical', name: { zh: '施工组织设计', en: 'Construction plan' }, kind: 'judged', max: 25 },
      { id: 'management', name: { zh: '项目管理机构', en: 'Project management' }, kind: 'judged', max: 10 },
      { id: 'credit', name: { zh: '信用评价', en: 'Credit' }, kind: 'credit', max: 5 },
    ],
    // 评标基准价 = 有效投标报价的算术平均值 × (1 − 下浮率); 每高于基准价1%扣1分，每低于1%扣0.5分
    price: { formula: 'construction_benchmark', discountPercent: 0, deductAbovePerPercent: 1, deductBelowPerPercent: 0.5 },
  },
  'construction.lowest_price': {
    id: 'construction.lowest_price',
    method: 'lowest_price',
    name: { zh: '工程施工 经评审的最低投标价法', en: 'Construction, lowest evaluated bid price' },
    criteria: [],
  },
  'procurement.comprehensive_scoring': {
    id: 'procurement.comprehensive_scoring',
    method: 'comprehensive_scoring',
    name: { zh: '政府采购 综合评分法（价格30 技术50 服务20）', en: 'Procurement, comprehensive scoring' },
    criteria: [
      { id: 'price', name: { zh: '价格分', en: 'Price' }, kind: 'price', max: 30 },
      { id: 'technical', name: { zh: '技术方案', en: 'Technical' }, kind: 'judged', max: 50 },
      { id: 'service', name: { zh: '售后服务', en: 'Service' }, kind: 'judged', max: 20 },
    ],
    // 价格分 = 评标基准价 / 投标报价 × 价格权值, 评标基准价 = 满足要求的最低投标报价 (87号令 art 55)
    price: { formula: 'gp_lowest' },
  },
  'procurement.lowest_evaluated_price': {
    id: 'procurement.lowest_evaluated_price',
    method: 'lowest_evaluated_price',
    name: { zh: '政府采购 最低评标价法', en: 'Procurement, lowest evaluated price' },
    criteria: [],
  },
};

export function defaultTemplate(kind: string): string {
  return kind === 'procurement' ? 'procurement.comprehensive_scoring' : 'construction.comprehensive';
}

/** Half-up to two decimals, free of binary noise (22.665 → 22.67). */
export const round2 = (x: number): number => Math.round((x + Number.EPSILON) * 100 + 1e-9) / 100;

export interface Member {
  userId: number;
  name: string;
}
export interface BidInput {
  bidId: number;
  bidder: { uscc: string; name: string; label: string };
  priceFen: number;
  /** Core-product brand (government procurement). */
  brand?: string | null;
  /** A rejection the machine records (e.g. the bidder refused the arithmetic correction): the responsiveness check fails with this reason. */
  forcedReject?: string | null;
}
export interface Vote {
  bidId: number;
  expert: number;
  check: ComplianceCheck;
  pass: boolean;
  reason: string | null;
}
export interface Score {
  bidId: number;
  expert: number;
  criterion: string;
  value: number;
}

/** A check fails when more than half the members vote to reject it; a bid is compliant when no check fails. */
export function decideCompliance(members: Member[], bids: BidInput[], votes: Vote[]): ComplianceDecision[] {
  const nameOf = (id: number) => members.find((m) => m.userId === id)?.name ?? String(id);
  return bids.map((bid) => {
    const checks = COMPLIANCE_CHECKS.map((check) => {
      const cast = votes.filter((v) => v.bidId === bid.bidId && v.check === check);
      const failVotes = cast.filter((v) => !v.pass).length;
      if (check === 'responsiveness' && bid.forcedReject) {
        return { check, pass: false, failVotes, passVotes: cast.length - failVotes, reasons: [{ expert: '—', reason: bid.forcedReject }], dissent: [] };
      }
      const pass = failVotes * 2 <= members.length;
      return {
        check,
        pass,
        failVotes,
        passVotes: cast.length - failVotes,
        reasons: cast.filter((v) => !v.pass).map((v) => ({ expert: nameOf(v.expert), reason: v.reason ?? '' })),
        dissent: cast.filter((v) => v.pass !== pass).map((v) => nameOf(v.expert)),
      };
    });
    return { bidId: bid.bidId, compliant: checks.every((c) => c.pass), checks };
  });
}

export function priceScores(template: Template, bids: BidInput[]): { scores: Map<number, number>; benchmarkFen: number | null } {
  const scores = new Map<number, number>();
  const max = template.criteria.find((c) => c.kind === 'price')?.max ?? 0;
  if (!template.price || bids.length === 0) return { scores, benchmarkFen: null };
  if (template.price.formula === 'gp_lowest') {
    const lowest = Math.min(...bids.map((b) => b.priceFen));
    for (const b of bids) scores.set(b.bidId, round2((lowest / b.priceFen) * max));
    return { scores, benchmarkFen: lowest };
  }
  const { discountPercent, deductAbovePerPercent, deductBelowPerPercent } = template.price;
  const mean = bids.reduce((n, b) => n + b.priceFen, 0) / bids.length;
  const benchmark = mean * (1 - discountPercent / 100);
  for (const b of bids) {
    const deviation = ((b.priceFen - benchmark) / benchmark) * 100;
    const deduction = deviation > 0 ? deviation * deductAbovePerPercent : -deviation * deductBelowPerPercent;
    scores.set(b.bidId, round2(Math.max(0, max - deduction)));
  }
  return { scores, benchmarkFen: Math.round(benchmark) };
}

/** Ranks the compliant bids: by total (then lower price) for scoring methods, by price for lowest-price methods; equal → tied, same rank. */
export function evaluate(args: {
  template: Template;
  members: Member[];
  bids: BidInput[];
  votes: Vote[];
  scores: Score[];
  dropExtremes: boolean;
  /** Bidders offering the same core-product brand count as one: only the best-ranked may be a candidate. */
  sameBrandAsOne?: boolean;
  /** The credit criterion's score per bidder (USCC), 0…1 of the criterion's max; neutral (1 for all) until the credit module lands. */
  creditShare?: (uscc: string) => number;
}): EvaluationResult {
  const { template, members, bids, votes, scores, dropExtremes } = args;
  const compliance = decideCompliance(members, bids, votes);
  const compliant = bids.filter((b) => compliance.find((c) => c.bidId === b.bidId)!.compliant);
  const { scores: price, benchmarkFen } = priceScores(template, compliant);
  const nameOf = (id: number) => members.find((m) => m.userId === id)?.name ?? String(id);
  const scoring = template.method === 'comprehensive' || template.method === 'comprehensive_scoring';
  const drop = dropExtremes && members.length >= 5;
  const rows: Omit<RankedBid, 'rank' | 'tied' | 'sameBrandAs'>[] = compliant.map((bid) => {
    const criteria = template.criteria.map((criterion) => {
      if (criterion.kind === 'price') return { id: criterion.id, score: price.get(bid.bidId) ?? 0, byExpert: [] };
      if (criterion.kind === 'credit') return { id: criterion.id, score: round2(criterion.max * (args.creditShare?.(bid.bidder.uscc) ?? 1)), byExpert: [] };
      const given = members.map((m) => ({ expert: m.userId, value: scores.find((s) => s.bidId === bid.bidId && s.expert === m.userId && s.criterion === criterion.id)?.value ?? 0 }));
      const order = [...given].sort((a, b) => a.value - b.value);
      const droppedExperts = drop ? new Set([order[0]!.expert, order.at(-1)!.expert]) : new Set<number>();
      const counted = given.filter((g) => !droppedExperts.has(g.expert));
      const score = round2(counted.reduce((n, g) => n + g.value, 0) / counted.length);
      return { id: criterion.id, score, byExpert: given.map((g) => ({ expert: nameOf(g.expert), value: g.value, dropped: droppedExperts.has(g.expert) })) };
    });
    return { bidId: bid.bidId, bidder: bid.bidder, priceFen: bid.priceFen, criteria, total: round2(criteria.reduce((n, c) => n + c.score, 0)) };
  });
  const compare = (a: (typeof rows)[number], b: (typeof rows)[number]) => (scoring ? b.total - a.total || a.priceFen - b.priceFen : a.priceFen - b.priceFen);
  rows.sort((a, b) => compare(a, b) || a.bidId - b.bidId);
  const brandOf = (bidId: number) => bids.find((b) => b.bidId === bidId)?.brand?.trim() || null;
  const ranked: RankedBid[] = rows.map((row, i) => {
    const first = rows.findIndex((other) => compare(other, row) === 0);
    // rows are in rank order (ties then by bid id, as the documents' fallback): the first of a brand keeps it
    const brand = args.sameBrandAsOne ? brandOf(row.bidId) : null;
    const leader = brand ? rows.find((other) => brandOf(other.bidId) === brand)! : row;
    return { ...row, rank: first + 1, tied: rows.filter((other) => compare(other, row) === 0).length > 1 || i !== first, sameBrandAs: leader.bidId !== row.bidId ? leader.bidId : null };
  });
  const rejected = bids
    .filter((b) => !compliant.includes(b))
    .map((b) => ({ bidId: b.bidId, bidder: b.bidder.name, reasons: compliance.find((c) => c.bidId === b.bidId)!.checks.filter((c) => !c.pass).flatMap((c) => c.reasons.map((r) => `${c.check}: ${r.reason}`)) }));
  return {
    method: template.method,
    templateId: template.id,
    compliance,
    ranked,
    rejected,
    candidates: ranked.filter((r) => r.sameBrandAs === null).slice(0, 3).map((r) => ({ rank: r.rank, bidId: r.bidId, bidder: r.bidder.name })),
    benchmarkFen,
    dropExtremes: drop,
  };
}

// ── arithmetic correction (算术修正) ─────────────────────────────────────────────────────────────

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 壹: 1, 贰: 2, 叁: 3, 肆: 4, 伍: 5, 陆: 6, 柒: 7, 捌: 8, 玖: 9, 两: 2 };
const SMALL_UNITS: Record<string, number> = { 拾: 10, 佰: 100, 仟: 1000 };

/** 大写金额 → fen, e.g. 人民币玖佰捌拾万零伍佰元伍角整 → 980050050; null when it is not an amount in words. */
export function parseChineseAmount(text: string): number | null {
  const s = text.replace(/^人民币/, '').replace(/[整正\s]/g, '');
  const match = /^([零〇壹贰叁肆伍陆柒捌玖两拾佰仟万亿]*)[元圆]?(?:([零〇壹贰叁肆伍陆柒捌玖])角)?(?:([零〇壹贰叁肆伍陆柒捌玖])分)?$/.exec(s);
  if (!match || !s) return null;
  const section = (part: string): number | null => {
    let total = 0;
    let digit = 0;
    for (const ch of part) {
      if (ch in DIGITS) digit = DIGITS[ch]!;
      else if (ch in SMALL_UNITS) {
        total += (digit || (total === 0 && ch === '拾' ? 1 : 0)) * SMALL_UNITS[ch]!;
        digit = 0;
      } else return null;
    }
    return total + digit;
  };
  let yuan = 0;
  let rest = match[1] ?? '';
  for (const [unit, factor] of [['亿', 1e8], ['万', 1e4]] as const) {
    const at = rest.indexOf(unit);
    if (at >= 0) {
      const head = section(rest.slice(0, at));
      if (head === null) return null;
      yuan += head * factor;
      rest = rest.slice(at + 1);
    }
  }
  const tail = section(rest);
  if (tail === null) return null;
  yuan += tail;
  const jiao = match[2] ? DIGITS[match[2]]! : 0;
  const fen = match[3] ? DIGITS[match[3]]! : 0;
  if (!(match[1] || match[2] || match[3])) return null;
  return yuan * 100 + jiao * 10 + fen;
}

export interface CorrectionStep {
  rule: 'words_over_figures' | 'unit_price_decimal' | 'unit_prices_over_total';
  note: string;
  fromFen: number;
  toFen: number;
}

/**
 * The statutory order (87号令 art 59; 评标委员会和评标方法暂行规定 art 19): amount in words over
 * figures; a unit price with a misplaced decimal point is corrected from its line amount; the sum of
 * quantity × unit price over the total. Null when nothing needs correcting.
 */
export function arithmeticCorrection(bid: { priceFen: number; priceInWords?: string; lines?: { item: string; quantity: number; unitPriceFen: number; amountFen: number }[] }): { originalFen: number; correctedFen: number; steps: CorrectionStep[] } | null {
  const steps: CorrectionStep[] = [];
  let price = bid.priceFen;
  if (bid.priceInWords) {
    const words = parseChineseAmount(bid.priceInWords);
    if (words !== null && words !== price) {
      steps.push({ rule: 'words_over_figures', note: `大写金额「${bid.priceInWords}」与小写金额不一致，以大写金额为准`, fromFen: price, toFen: words });
      price = words;
    }
  }
  if (bid.lines?.length) {
    const units = bid.lines.map((line) => {
      const computed = Math.round(line.quantity * line.unitPriceFen);
      if (computed === line.amountFen) return line.unitPriceFen;
      for (const k of [-4, -3, -2, -1, 1, 2, 3, 4]) {
        if (Math.round(computed * 10 ** k) === line.amountFen) {
          const corrected = Math.round(line.unitPriceFen * 10 ** k);
          steps.push({ rule: 'unit_price_decimal', note: `「${line.item}」单价小数点明显错位，以分项总价为准修正单价`, fromFen: line.unitPriceFen, toFen: corrected });
          return corrected;
        }
      }
      return line.unitPriceFen;
    });
    const sum = bid.lines.reduce((n, line, i) => n + Math.round(line.quantity * units[i]!), 0);
    if (sum !== price) {
      steps.push({ rule: 'unit_prices_over_total', note: '总价金额与按单价汇总金额不一致，以单价金额计算结果为准', fromFen: price, toFen: sum });
      price = sum;
    }
  }
  return steps.length ? { originalFen: bid.priceFen, correctedFen: price, steps } : null;
}

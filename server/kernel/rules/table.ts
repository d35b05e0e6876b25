import type { RuleUnit, RuleView, TradeKind, TradeMethod } from '../../../contracts/trades.js';

/**
 * The rules table: every statutory or local limit the platform enforces, in one place, each with its
 * legal source (from ../shared/design/domain-rules.md), its unit, its default and whether a region
 * may override it. Statutory rows read in the original text ([原文]) are fixed; second-hand,
 * unconfirmed and local rows are overridable, and an override may only make a rule stricter than its
 * floor. test/trades/rules.test.ts has one test per row proving it is enforced.
 *
 * Later issues append their rows here (opening, evaluation, award, credit…).
 */
export interface RuleRow {
  id: string;
  title: { zh: string; en: string };
  value: number;
  unit: RuleUnit;
  source: string;
  confidence: RuleView['confidence'];
  overridable: boolean;
  /** An override may not go below this (for a boolean rule: not used). */
  floor?: number;
  /** Direction in which an override is stricter: 'up' (longer period, more officials) or 'down' (a lower cap). */
  stricter?: 'up' | 'down';
  kinds?: TradeKind[];
  methods?: TradeMethod[];
}

const TENDERS: TradeMethod[] = ['open_tender', 'invited_tender'];

export const RULES = [
  {
    id: 'deadline.min_period.tender',
    title: { zh: '招标文件发出之日至投标截止之日最短期限', en: 'Tender documents issued → bid deadline, minimum' },
    value: 20,
    unit: 'day',
    source: '招标投标法 第二十四条；政府采购法 第三十五条',
    confidence: '原文',
    overridable: false,
    kinds: ['construction', 'procurement'],
    methods: TENDERS,
  },
  {
    id: 'deadline.min_period.consultation',
    title: { zh: '竞争性磋商文件发出之日至首次响应文件提交截止之日最短期限', en: 'Consultation documents issued → first response deadline, minimum' },
    value: 10,
    unit: 'day',
    source: '政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第十条',
    confidence: '二手',
    overridable: true,
    floor: 10,
    stricter: 'up',
    kinds: ['procurement'],
    methods: ['competitive_consultation'],
  },
  {
    id: 'deadline.min_period.negotiation_inquiry',
    title: { zh: '谈判/询价文件发出之日至响应文件提交截止之日最短期限', en: 'Negotiation / inquiry documents issued → response deadline, minimum' },
    value: 3,
    unit: 'workingDay',
    source: '政府采购非招标采购方式管理办法（财政部令第74号）第二十九条、第四十五条',
    confidence: 'unconfirmed',
    overridable: true,
    floor: 3,
    stricter: 'up',
    kinds: ['procurement'],
    methods: ['competitive_negotiation', 'inquiry'],
  },
  {
    id: 'deadline.min_period.single_source',
    title: { zh: '单一来源采购公示期', en: 'Single-source publicity period' },
    value: 5,
    unit: 'workingDay',
    source: '政府采购法实施条例 第三十八条',
    confidence: '原文',
    overridable: false,
    kinds: ['procurement'],
    methods: ['single_source'],
  },
  {
    id: 'deadline.min_period.land',
    title: { zh: '出让公告发布之日至投标（竞买）截止之日最短期限', en: 'Land grant announcement → bid deadline, minimum' },
    value: 20,
    unit: 'day',
    source: '招标拍卖挂牌出让国有建设用地使用权规定（国土资源部令第39号）第十一条',
    confidence: '二手',
    overridable: true,
    floor: 20,
    stricter: 'up',
    kinds: ['land'],
  },
  {
    id: 'deadline.min_period.mining',
    title: { zh: '矿业权出让公告发布之日至投标截止之日最短期限', en: 'Mining-right announcement → bid deadline, minimum' },
    value: 20,
    unit: 'workingDay',
    source: '矿业权出让交易规则（自然资规〔2023〕1号）；四川省网上交易规则（公告不少于20个工作日）',
    confidence: '二手',
    overridable: true,
    floor: 20,
    stricter: 'up',
    kinds: ['mining'],
  },
  {
    id: 'deadline.min_period.property',
    title: { zh: '产权转让正式披露最短期限', en: 'State-owned property formal disclosure, minimum' },
    value: 20,
    unit: 'workingDay',
    source: '企业国有资产交易监督管理办法（国资委财政部令第32号）第十三条',
    confidence: '二手',
    overridable: true,
    floor: 20,
    stricter: 'up',
    kinds: ['property'],
  },
  {
    id: 'documents.min_period.construction',
    title: { zh: '招标文件发售期最短期限', en: 'Tender documents available, minimum' },
    value: 5,
    unit: 'day',
    source: '招标投标法实施条例 第十六条',
    confidence: '原文',
    overridable: false,
    kinds: ['construction'],
  },
  {
    id: 'documents.min_period.procurement',
    title: { zh: '采购文件提供期限最短期限', en: 'Procurement documents available, minimum' },
    value: 5,
    unit: 'workingDay',
    source: '政府采购货物和服务招标投标管理办法（财政部令第87号）第十八条；竞争性磋商办法',
    confidence: '原文',
    overridable: false,
    kinds: ['procurement'],
    methods: ['open_tender', 'invited_tender', 'competitive_consultation'],
  },
  {
    id: 'clarification.lead.tender',
    title: { zh: '影响投标文件编制的澄清或修改距投标截止时间最短期限（不足则顺延截止时间）', en: 'Clarification affecting bids → bid deadline, minimum (else the deadline moves out)' },
    value: 15,
    unit: 'day',
    source: '招标投标法 第二十三条；招标投标法实施条例 第二十一条；政府采购法实施条例 第三十一条；87号令 第二十七条',
    confidence: '原文',
    overridable: false,
    methods: TENDERS,
  },
  {
    id: 'clarification.lead.consultation',
    title: { zh: '磋商文件澄清或修改距首次响应截止时间最短期限', en: 'Consultation clarification → first response deadline, minimum' },
    value: 5,
    unit: 'day',
    source: '政府采购竞争性磋商采购方式管理暂行办法（财库〔2014〕214号）第十条',
    confidence: 'unconfirmed',
    overridable: true,
    floor: 5,
    stricter: 'up',
    methods: ['competitive_consultation'],
  },
  {
    id: 'clarification.lead.negotiation_inquiry',
    title: { zh: '谈判/询价文件澄清或修改距响应截止时间最短期限', en: 'Negotiation / inquiry clarification → response deadline, minimum' },
    value: 3,
    unit: 'workingDay',
    source: '政府采购非招标采购方式管理办法（财政部令第74号）第二十九条',
    confidence: 'unconfirmed',
    overridable: true,
    floor: 3,
    stricter: 'up',
    methods: ['competitive_negotiation', 'inquiry'],
  },
  {
    id: 'bid_security.cap',
    title: { zh: '投标（响应）保证金不得超过项目估算价（采购预算）的比例', en: 'Bid security cap, share of the estimate or budget' },
    value: 2,
    unit: 'percent',
    source: '招标投标法实施条例 第二十六条；政府采购法实施条例 第三十三条',
    confidence: '原文',
    overridable: false,
    kinds: ['construction', 'procurement'],
  },
  {
    id: 'opening.at_deadline',
    title: { zh: '开标应当在投标截止时间的同一时间公开进行', en: 'The opening takes place at the bid deadline' },
    value: 1,
    unit: 'boolean',
    source: '招标投标法 第三十四条；87号令 第三十九条',
    confidence: '原文',
    overridable: false,
    methods: TENDERS,
  },
  {
    id: 'bids.withdrawal_allowed',
    title: { zh: '投标截止前允许撤回投标文件（矿业权出让：只可补充修改，不得撤回）', en: 'Bids may be withdrawn before the deadline (mining: modify only)' },
    value: 1,
    unit: 'boolean',
    source: '招标投标法 第二十九条；矿业权出让交易规则 第十九条（矿业权不得撤回）',
    confidence: '二手',
    overridable: true,
    kinds: ['construction', 'land', 'property', 'procurement'],
  },
  {
    id: 'bids.withdrawal_allowed.mining',
    title: { zh: '矿业权投标截止前可补充、修改但不得撤回', en: 'Mining-right bids may be modified but not withdrawn before the deadline' },
    value: 0,
    unit: 'boolean',
    source: '国土资规〔2017〕7号 矿业权交易规则 第十九条（自然资规〔2023〕1号 沿用）',
    confidence: '二手',
    overridable: true,
    kinds: ['mining'],
  },
  {
    id: 'opening.officials_threshold',
    title: { zh: '开标密钥分片：恢复所需的开标人最少人数（k）', en: 'Opening key shares needed (k), minimum' },
    value: 2,
    unit: 'count',
    source: '平台规则：电子招标投标办法 第三十一条（解密失败的补救）— 开标私钥按 k/n 门限分持，单人无法解密',
    confidence: 'platform',
    overridable: true,
    floor: 2,
    stricter: 'up',
  },
  {
    id: 'opening.min_valid_bids',
    title: { zh: '有效投标（响应）少于该数目的，不得开标或评标，项目流标', en: 'Fewer valid bids than this: no opening / evaluation, the trade fails (流标)' },
    value: 3,
    unit: 'count',
    source: '招标投标法实施条例 第四十四条（投标人少于3个的，不得开标）；政府采购货物和服务招标投标管理办法（87号令）第四十三条',
    confidence: '原文',
    overridable: false,
    methods: ['open_tender', 'invited_tender', 'competitive_negotiation', 'competitive_consultation', 'inquiry'],
  },
  {
    id: 'opening.min_valid_bids.single_source',
    title: { zh: '单一来源：一家供应商的有效响应即可', en: 'Single source: one valid response suffices' },
    value: 1,
    unit: 'count',
    source: '政府采购法 第三十九条',
    confidence: '原文',
    overridable: false,
    methods: ['single_source'],
  },
  {
    id: 'opening.confirmation_window',
    title: { zh: '开标记录公布后投标人在线确认或提出异议的时限（逾期未确认视为确认）', en: 'Bidders confirm the opening record or object within this window (silence counts as confirmation)' },
    value: 30,
    unit: 'minute',
    source: '招标投标法实施条例 第四十四条（对开标有异议的，应当在开标现场提出）；电子招标投标办法 第三十二条 — 在线时限为平台规则',
    confidence: 'platform',
    overridable: true,
    floor: 10,
    stricter: 'up',
  },
  {
    id: 'opening.bidder_unlock_window',
    title: { zh: '投标人在线解密的时限（逾期启用开标人密钥补救）', en: 'Window for bidders to unlock their own bids online (then the officials’ key is the remedy)' },
    value: 30,
    unit: 'minute',
    source: '电子招标投标办法 第三十条、第三十一条 — 时限由招标文件或平台规则确定',
    confidence: 'platform',
    overridable: true,
    floor: 15,
    stricter: 'up',
  },
  {
    id: 'evaluation.committee_size',
    title: { zh: '评标委员会成员人数下限（须为单数）', en: 'Evaluation committee: minimum size (odd)' },
    value: 5,
    unit: 'count',
    source: '招标投标法 第三十七条；政府采购货物和服务招标投标管理办法（87号令）第四十七条',
    confidence: '原文',
    overridable: false,
    methods: ['open_tender', 'invited_tender'],
  },
  {
    id: 'evaluation.committee_size.non_tender',
    title: { zh: '谈判、磋商、询价、单一来源小组成员人数下限（须为单数）', en: 'Negotiation / consultation / inquiry panel: minimum size (odd)' },
    value: 3,
    unit: 'count',
    source: '政府采购法 第三十八条、第四十条；政府采购非招标采购方式管理办法（74号令）第七条',
    confidence: '原文',
    overridable: false,
    methods: ['competitive_negotiation', 'competitive_consultation', 'inquiry', 'single_source'],
  },
  {
    id: 'evaluation.expert_share',
    title: { zh: '技术、经济等方面的专家不得少于成员总数的三分之二', en: 'Experts make up at least two thirds of the committee' },
    value: 200 / 3,
    unit: 'percent',
    source: '招标投标法 第三十七条；政府采购法实施条例 第三十九条',
    confidence: '原文',
    overridable: false,
  },
  {
    id: 'evaluation.tenderee_rep_cap',
    title: { zh: '招标人（采购人）代表不超过成员总数的三分之一', en: 'Tenderee’s representatives at most one third of the committee' },
    value: 100 / 3,
    unit: 'percent',
    source: '由专家占比推得（招标投标法 第三十七条）；重庆市招标投标条例 第三十条（不超过三分之一且不超过2人）',
    confidence: '二手',
    overridable: true,
    floor: 100 / 3,
    stricter: 'down',
  },
  {
    id: 'experts.repeat_window',
    title: { zh: '同一专家为同一招标人（采购人）评标的间隔期', en: 'An expert does not serve the same tenderee again within this period' },
    value: 90,
    unit: 'day',
    source: '地方评标专家管理办法（回避同一招标人的连续抽取）— 平台规则，按地区配置',
    confidence: 'unconfirmed',
    overridable: true,
    floor: 0,
    stricter: 'up',
  },
  {
    id: 'experts.outside_city_min',
    title: { zh: '远程异地评标：来自项目所在市以外的专家最少人数', en: 'Remote evaluation: minimum experts from outside the trade’s city' },
    value: 0,
    unit: 'count',
    source: '国办发〔2024〕21号；发改办法规〔2025〕807号（远程异地评标）— 由各地规定',
    confidence: 'unconfirmed',
    overridable: true,
    floor: 0,
    stricter: 'up',
  },
  {
    id: 'evaluation.drop_extremes',
    title: { zh: '专家评分去掉一个最高分和一个最低分后取平均（成员5人以上）', en: 'Judged scores: drop the highest and the lowest before averaging (5 or more members)' },
    value: 1,
    unit: 'boolean',
    source: '各地工程建设项目评标办法（如 江西省房屋建筑和市政基础设施工程施工招标评标办法）— 地方规定',
    confidence: 'unconfirmed',
    overridable: true,
    kinds: ['construction', 'land', 'mining', 'property'],
  },
  {
    id: 'evaluation.drop_extremes.procurement',
    title: { zh: '政府采购综合评分：以评标委员会全体成员评分的算术平均值为准，不去掉最高最低分', en: 'Government procurement: the plain average of every member’s score, nothing dropped' },
    value: 0,
    unit: 'boolean',
    source: '政府采购货物和服务招标投标管理办法（87号令）第五十五条、第五十六条',
    confidence: '原文',
    overridable: false,
    kinds: ['procurement'],
  },
  {
    id: 'evaluation.more_time_share',
    title: { zh: '超过三分之一的评标委员会成员认为评标时间不够的，应当适当延长', en: 'More than a third of the members asking for more time extends the evaluation' },
    value: 100 / 3,
    unit: 'percent',
    source: '招标投标法实施条例 第四十八条',
    confidence: '原文',
    overridable: false,
  },
  {
    id: 'evaluation.low_price_suspicion_share',
    title: { zh: '超过该比例的成员认为报价可能低于成本的，应要求投标人书面说明', en: 'More than this share of members suspecting a below-cost price: the bidder must explain in writing' },
    value: 50,
    unit: 'percent',
    source: '评标委员会和评标方法暂行规定（12号令）第二十一条；重庆市招标投标条例 第三十二条（过半数成员认为）；87号令 第六十条',
    confidence: '原文',
    overridable: true,
    floor: 50,
    stricter: 'down',
  },
  {
    id: 'evaluation.explanation_window',
    title: { zh: '异常低价书面说明的答复时限', en: 'Time the bidder has to explain an abnormally low price' },
    value: 60,
    unit: 'minute',
    source: '87号令 第六十条（合理的时间内提供书面说明）— 时限为平台规则',
    confidence: 'platform',
    overridable: true,
    floor: 30,
    stricter: 'up',
  },
  {
    id: 'evaluation.same_brand_one_bidder',
    title: { zh: '提供相同品牌核心产品的不同投标人按一家计算，只有排序最前者获得推荐资格', en: 'Bidders offering the same core-product brand count as one: only the best-ranked may be recommended' },
    value: 1,
    unit: 'boolean',
    source: '政府采购货物和服务招标投标管理办法（87号令）第三十一条',
    confidence: '原文',
    overridable: false,
    kinds: ['procurement'],
  },
  {
    id: 'evaluation.arithmetic_correction',
    title: { zh: '报价算术错误按法定顺序修正（大写优先于小写，单价优先于总价），经投标人确认后生效，不确认的投标无效', en: 'Arithmetic errors are corrected in the statutory order; binding once the bidder confirms, the bid invalid if refused' },
    value: 1,
    unit: 'boolean',
    source: '政府采购货物和服务招标投标管理办法（87号令）第五十九条；评标委员会和评标方法暂行规定 第十九条',
    confidence: '原文',
    overridable: false,
  },
] as const satisfies readonly RuleRow[];

export type RuleId = (typeof RULES)[number]['id'];

const BY_ID = new Map<string, RuleRow>(RULES.map((row) => [row.id, row]));

export function ruleRow(id: string): RuleRow | undefined {
  return BY_ID.get(id);
}

/** Does a row apply to this kind and method? */
export function ruleApplies(row: RuleRow, kind: TradeKind, method: TradeMethod): boolean {
  return (!row.kinds || row.kinds.includes(kind)) && (!row.methods || row.methods.includes(method));
}

/** The one row of a family (ids sharing a prefix, e.g. `deadline.min_period`) that applies, if any. */
export function applicableRule(prefix: string, kind: TradeKind, method: TradeMethod): RuleRow | undefined {
  return RULES.find((row) => (row.id === prefix || row.id.startsWith(`${prefix}.`)) && ruleApplies(row, kind, method));
}

import type { BidJson } from '../../contracts/bids.js';
import type { TradeKind, TradeMethod, TradeNoticeInput } from '../../contracts/trades.js';
import { usccCheckCharacter } from '../../contracts/uscc.js';

/**
 * The demo's five trades, one of each kind, and what each of the five demo bidders offers in them.
 * Amounts are in fen. Dates are set relative to the clock at publication (demoDates) so every notice
 * clears the rules table whatever day the demo runs.
 */

/** Public bodies the trading-center staff register first: the 出让人 / 转让方 / 采购人 of four trades. */
export interface DemoBody {
  key: string;
  name: string;
  regionCode: string;
  uscc: string;
}

const uscc = (first17: string): string => first17 + usccCheckCharacter(first17);

export const DEMO_BODIES: DemoBody[] = [
  { key: 'land-bureau', name: '赣州市自然资源局', regionCode: '360700', uscc: uscc('11360700MB1A28736') },
  { key: 'mining-bureau', name: '龙南市自然资源局', regionCode: '360783', uscc: uscc('11360783MB1C07452') },
  { key: 'city-investment', name: '赣州城市开发投资集团有限责任公司', regionCode: '360700', uscc: uscc('91360700MA35F6K21') },
  { key: 'education-bureau', name: '瑞金市教育体育局', regionCode: '360781', uscc: uscc('11360781MB1D39685') },
];

export interface DemoTrade {
  kind: TradeKind;
  method: TradeMethod;
  title: string;
  regionCode: string;
  /** 'tenderee' (seeded) or a DEMO_BODIES key. */
  tenderee: string;
  amountFen: number;
  lots: TradeNoticeInput['lots'];
  qualifications: string[];
  bidSecurityFen: number;
  details: TradeNoticeInput['details'];
  /** Days from the publication date to the bid deadline (09:30 +08:00) and to the end of the documents period (17:00 +08:00). */
  deadlineDays: number;
  documentsDays: number;
  /** The tender documents' title (招标文件 / 出让文件 / 转让文件 / 采购文件) and a few lines of their contents. */
  documentTitle: string;
  documentLines: string[];
  /** Name of the attachment each bidder puts in its bid package. */
  attachmentName: string;
}

const CONSTRUCTION_FEN = 1_250_000_000; // ¥12,500,000 最高投标限价

export const DEMO_TRADES: DemoTrade[] = [
  {
    kind: 'construction',
    method: 'open_tender',
    title: '章贡区沙河大道（K0+000～K2+350）道路及雨污分流管网改造工程施工',
    regionCode: '360702',
    tenderee: 'tenderee',
    amountFen: CONSTRUCTION_FEN,
    lots: [{ no: '1', name: '施工标段', amountFen: CONSTRUCTION_FEN }],
    qualifications: ['具有市政公用工程施工总承包二级及以上资质，并具有有效的安全生产许可证', '拟派项目经理具有市政公用工程专业二级及以上注册建造师执业资格', '近三年无重大违法记录，未被列入失信被执行人名单'],
    bidSecurityFen: 20_000_000,
    details: { kind: 'construction', site: '赣州市章贡区沙河镇', scope: '沙河大道 2.35 km 道路改造、雨污分流管网、交通及照明附属工程施工', durationDays: 240, qualityStandard: '合格', ceilingPriceFen: CONSTRUCTION_FEN },
    deadlineDays: 25,
    documentsDays: 20,
    documentTitle: '施工招标文件',
    documentLines: ['第一章 招标公告', '第二章 投标人须知', '第三章 评标办法（综合评估法）', '第四章 合同条款及格式', '第五章 工程量清单', '第六章 图纸', '第七章 技术标准和要求'],
    attachmentName: '技术标.pdf',
  },
  {
    kind: 'land',
    method: 'open_tender',
    title: '章贡区水南片区 赣市土储〔2026〕15号地块国有建设用地使用权招标出让',
    regionCode: '360702',
    tenderee: 'land-bureau',
    amountFen: 8_650_000_000, // 起始价 ¥86,500,000
    lots: [{ no: '1', name: '赣市土储〔2026〕15号地块', amountFen: 8_650_000_000 }],
    qualifications: ['中华人民共和国境内外的法人、自然人和其他组织均可申请参加（法律另有规定者除外）', '申请人应单独申请，不接受联合申请', '竞买保证金须在投标截止前到账'],
    bidSecurityFen: 1_730_000_000,
    details: { kind: 'land', parcelNo: '赣市土储〔2026〕15号', location: '章贡区水南片区迎宾大道以东、沙河大道以北', areaSqm: 23_560.8, landUse: '城镇住宅用地', termYears: 70, plotRatio: '1.0＜容积率≤2.8' },
    deadlineDays: 40,
    documentsDays: 35,
    documentTitle: '国有建设用地使用权招标出让文件',
    documentLines: ['一、出让地块的基本情况和规划指标要求', '二、竞买人资格要求', '三、招标出让文件的获取', '四、投标、开标时间和地点', '五、确定中标人的标准和方法', '附：宗地界址图、规划设计条件'],
    attachmentName: '投标书及开发方案.pdf',
  },
  {
    kind: 'mining',
    method: 'open_tender',
    title: '龙南市东江乡大坝村建筑用花岗岩矿采矿权招标出让',
    regionCode: '360783',
    tenderee: 'mining-bureau',
    amountFen: 320_000_000, // 出让收益起始价 ¥3,200,000
    lots: [{ no: '1', name: '大坝村建筑用花岗岩矿', amountFen: 320_000_000 }],
    qualifications: ['在中华人民共和国境内注册的企业法人', '具有与开采规模相适应的资金和技术能力', '未被列入严重违法失信名单'],
    bidSecurityFen: 64_000_000,
    details: { kind: 'mining', rightType: 'extraction', mineral: '建筑用花岗岩', location: '龙南市东江乡大坝村', areaSqKm: 0.2836, termYears: 8 },
    deadlineDays: 42,
    documentsDays: 36,
    documentTitle: '采矿权招标出让文件',
    documentLines: ['一、矿业权基本情况（矿区范围拐点坐标、资源储量）', '二、投标人资格条件', '三、出让收益及缴纳方式', '四、开发利用方案与生态修复要求', '五、评标办法'],
    attachmentName: '开发利用方案.pdf',
  },
  {
    kind: 'property',
    method: 'open_tender',
    title: '赣州市城发置业有限公司35%股权转让',
    regionCode: '360700',
    tenderee: 'city-investment',
    amountFen: 2_850_000_000, // 转让底价 ¥28,500,000
    lots: [{ no: '1', name: '35%股权', amountFen: 2_850_000_000 }],
    qualifications: ['依法设立并有效存续的境内企业法人', '具有良好的财务状况和支付能力', '受让后承继标的企业职工安置方案'],
    bidSecurityFen: 300_000_000,
    details: { kind: 'property', targetCompany: '赣州市城发置业有限公司', sharePercent: 35, valuationFen: 2_800_000_000 },
    deadlineDays: 43,
    documentsDays: 37,
    documentTitle: '产权转让文件',
    documentLines: ['一、转让标的基本情况', '二、标的企业审计及资产评估情况（评估值 ¥28,000,000）', '三、受让方资格条件', '四、交易条件与价款支付', '五、职工安置方案'],
    attachmentName: '受让申请及报价书.pdf',
  },
  {
    kind: 'procurement',
    method: 'open_tender',
    title: '瑞金市教育体育局2027年中小学智慧教室设备采购',
    regionCode: '360781',
    tenderee: 'education-bureau',
    amountFen: 480_000_000, // 预算 ¥4,800,000
    lots: [
      { no: '1', name: '交互式智能平板', amountFen: 300_000_000 },
      { no: '2', name: '常态化录播系统', amountFen: 180_000_000 },
    ],
    qualifications: ['满足《政府采购法》第二十二条规定', '落实政府采购政策需满足的资格要求：本项目非专门面向中小企业', '未被列入信用中国失信被执行人、重大税收违法失信主体名单'],
    bidSecurityFen: 9_000_000,
    details: { kind: 'procurement', category: 'goods', planNo: '瑞财采计〔2026〕0218号' },
    deadlineDays: 30,
    documentsDays: 25,
    documentTitle: '政府采购招标文件',
    documentLines: ['第一章 投标邀请', '第二章 投标人须知', '第三章 采购需求（技术参数）', '第四章 评标方法和评标标准', '第五章 政府采购合同'],
    attachmentName: '技术响应文件.pdf',
  },
];

/** Each bidder's offer: the price as a multiple of the trade's amount (lot 1), and what goes with it. */
const FACTORS: Record<TradeKind, number[]> = {
  construction: [0.936, 0.951, 0.927, 0.962, 0.944],
  land: [1.02, 1.05, 1.0, 1.08, 1.03],
  mining: [1.1, 1.04, 1.16, 1.0, 1.07],
  property: [1.0, 1.03, 1.01, 1.06, 1.02],
  procurement: [0.94, 0.91, 0.96, 0.89, 0.93],
};
const MANAGERS = ['张伟', '刘洋', '陈志刚', '黄俊', '林建华'];
const BANKS = ['中国银行赣州分行', '中国建设银行瑞金支行', '赣州银行龙南支行', '中国工商银行赣州分行', '兴业银行龙岩分行'];

export function bidFor(trade: DemoTrade, code: string, bidderIndex: number, bidder: { uscc: string; name: string }, revision = 0): Omit<BidJson, 'files'> {
  const lot = trade.lots[0]!;
  // a revision (replacement bid) comes in 0.8% lower
  const factor = FACTORS[trade.kind][bidderIndex]! - revision * 0.008;
  const priceFen = Math.round((lot.amountFen * factor) / 100) * 100; // whole yuan
  const security = `${BANKS[bidderIndex]} 投标保函，金额 ¥${(trade.bidSecurityFen / 100).toLocaleString('zh-CN')}`;
  const base = { format: 'tenderhall-bid' as const, version: 1 as const, trade: code, bidder, lot: lot.no, priceFen, bidSecurity: security };
  switch (trade.kind) {
    case 'construction':
      return { ...base, durationDays: 240 - 5 * bidderIndex - 5 * revision, quality: '合格', projectManager: MANAGERS[bidderIndex]!, ...(revision ? { notes: '修改后的投标文件：优化施工组织，报价下调' } : {}) };
    case 'procurement':
      return { ...base, durationDays: 30 + 5 * bidderIndex, quality: '符合国家及行业标准，整机质保三年', projectManager: MANAGERS[bidderIndex]!, notes: '交货地点：瑞金市各中小学（采购人指定）' };
    case 'land':
      return { ...base, notes: '竞买保证金已由基本账户足额缴纳；承诺按出让合同约定期限开工、竣工' };
    case 'mining':
      return { ...base, durationDays: 365 * 8, notes: '承诺按批准的开发利用方案开采并履行矿山地质环境恢复治理义务' };
    case 'property':
      return { ...base, notes: '同意承继标的企业职工安置方案；价款一次性支付' };
  }
}

/** A civil instant in China Standard Time: `days` after `from`'s date at hh:mm +08:00, moved off a weekend. */
export function chinaDayAt(from: Date, days: number, hh: number, mm: number): Date {
  const offset = 8 * 3600_000;
  const local = new Date(from.getTime() + offset);
  const at = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, hh, mm) - offset);
  while ([0, 6].includes(new Date(at.getTime() + offset).getUTCDay())) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

export const yuan = (fen: number): string => `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

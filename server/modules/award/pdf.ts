import { KIND_LABELS, METHOD_LABELS, type TradeKind, type TradeMethod } from '../../../contracts/trades.js';
import { renderPdf, type CjkFont } from '../../kernel/pdf.js';
import { yuan } from '../opening/pdf.js';

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const SMALL_UNITS = ['', '拾', '佰', '仟'];
const GROUP_UNITS = ['', '万', '亿', '万亿'];

/** One group of four digits (1–9999) in capitals, zeros inside collapsed to one 零, trailing zeros dropped. */
function groupText(group: number): string {
  let text = '';
  let zero = false;
  for (let i = 3; i >= 0; i--) {
    const digit = Math.floor(group / 10 ** i) % 10;
    if (digit === 0) {
      if (text !== '') zero = true;
    } else {
      if (zero) text += '零';
      text += DIGITS[digit]! + SMALL_UNITS[i]!;
      zero = false;
    }
  }
  return text;
}

/** 人民币大写: 123456789 fen → 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分; whole yuan end in 整. */
export function rmbCapitals(fen: number): string {
  if (!Number.isSafeInteger(fen) || fen < 0) throw new RangeError(`not an amount in fen: ${fen}`);
  const whole = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cents = fen % 10;
  let text = '';
  if (whole > 0) {
    const groups: number[] = [];
    for (let n = whole; n > 0; n = Math.floor(n / 10_000)) groups.push(n % 10_000);
    let needZero = false;
    for (let g = groups.length - 1; g >= 0; g--) {
      const group = groups[g]!;
      if (group === 0) {
        needZero = text !== '';
        continue;
      }
      if (text !== '' && (needZero || group < 1000)) text += '零';
      text += groupText(group) + GROUP_UNITS[g]!;
      needZero = false;
    }
    text += '元';
  }
  if (jiao === 0 && cents === 0) return whole === 0 ? '零元整' : `${text}整`;
  if (jiao > 0) text += `${DIGITS[jiao]}角`;
  else if (whole > 0) text += '零';
  if (cents > 0) text += `${DIGITS[cents]}分`;
  return text;
}

/** 2026-11-25 → 2026年11月25日 */
export const chineseDate = (civil: string): string => `${civil.slice(0, 4)}年${Number(civil.slice(5, 7))}月${Number(civil.slice(8, 10))}日`;

export interface NoticeFacts {
  /** 中标通知书 / 成交通知书 */
  title: string;
  /** 中标 / 成交 */
  word: string;
  number: string;
  trade: { code: string; title: string; kind: string; method: string; bidDeadline: string };
  tenderee: { name: string; uscc: string };
  agency: string | null;
  center: string;
  winner: { name: string; uscc: string };
  priceFen: number;
  totalScore: number | null;
  rank: number;
  publicity: { round: number; from: string; lastDay: string; title: string };
  awardedOn: string;
  contractWithinDays: number;
  contractLastDay: string;
  /** A pass-on: the notice it replaces and why. */
  replaces: { number: string; reason: string } | null;
  evaluationSha256: string | null;
}

function header(doc: PDFKit.PDFDocument, title: string, english: string, number: string): void {
  doc.fontSize(20).text(title.split('').join(' '), { align: 'center' });
  doc.fontSize(10).fillColor('#555').text(english, { align: 'center' }).fillColor('#000');
  doc.fontSize(10).text(`编号：${number}`, { align: 'right' }).moveDown();
}

function tradeLines(doc: PDFKit.PDFDocument, facts: NoticeFacts): void {
  const rows: [string, string][] = [
    ['项目名称', facts.trade.title],
    ['项目编号', facts.trade.code],
    ['交易类型 / 方式', `${KIND_LABELS[facts.trade.kind as TradeKind]?.zh ?? facts.trade.kind} / ${METHOD_LABELS[facts.trade.method as TradeMethod]?.zh ?? facts.trade.method}`],
    ['招标人（采购人）', `${facts.tenderee.name}（${facts.tenderee.uscc}）`],
    ...(facts.agency ? ([['代理机构', facts.agency]] as [string, string][]) : []),
    [`${facts.publicity.title}`, `第 ${facts.publicity.round} 轮，${chineseDate(facts.publicity.from)} 至 ${chineseDate(facts.publicity.lastDay)}`],
  ];
  doc.fontSize(10);
  for (const [label, value] of rows) doc.text(`${label}：${value}`);
}

function footer(doc: PDFKit.PDFDocument, facts: NoticeFacts): void {
  doc.moveDown(2).fontSize(11);
  doc.text(`招标人（采购人）：${facts.tenderee.name}`, { align: 'right' });
  if (facts.agency) doc.text(`代理机构：${facts.agency}`, { align: 'right' });
  doc.text(`交易平台：${facts.center}`, { align: 'right' });
  doc.text(chineseDate(facts.awardedOn), { align: 'right' });
  if (facts.evaluationSha256) doc.moveDown().fontSize(8).fillColor('#666').text(`评标报告 SHA-256：${facts.evaluationSha256}`).fillColor('#000');
  doc.fontSize(8).fillColor('#666').text('本通知书由公共资源交易平台生成并公开发布，其 SHA-256 摘要随结果公告一并公示，可据以核验。').fillColor('#000');
}

/** 中标通知书 / 成交通知书 to the winner. */
export function renderAwardNotice(font: CjkFont, facts: NoticeFacts): Promise<Buffer> {
  return renderPdf(font, { title: `${facts.title} ${facts.trade.code}`, subject: facts.trade.title }, (doc) => {
    header(doc, facts.title, facts.word === '成交' ? 'Notice of transaction' : 'Notice of award', facts.number);
    doc.fontSize(12).text(`${facts.winner.name}（统一社会信用代码 ${facts.winner.uscc}）：`).moveDown(0.5);
    doc.text(
      `    你方于 ${chineseDate(facts.trade.bidDeadline)} 递交的「${facts.trade.title}」（项目编号 ${facts.trade.code}）投标（响应）文件，经评标委员会评审推荐、${facts.publicity.title}期满，已被确定为${facts.word}人（推荐排名第 ${facts.rank} 名）。`,
    );
    doc.moveDown(0.5).text(`    ${facts.word}价：${yuan(facts.priceFen)}（人民币${rmbCapitals(facts.priceFen)}）`);
    if (facts.totalScore !== null) doc.text(`    综合得分：${facts.totalScore.toFixed(2)}`);
    doc.moveDown(0.5).text(
      `    请你方自本通知书发出之日起 ${facts.contractWithinDays} 日内，即 ${chineseDate(facts.contractLastDay)} 前，按照招标（采购）文件和你方投标（响应）文件与招标人（采购人）订立书面合同，并在合同订立后将合同报交易平台备案。双方不得再行订立背离合同实质性内容的其他协议。`,
    );
    if (facts.replaces) {
      doc.moveDown(0.5).fillColor('#a00').text(`    本通知书取代编号为 ${facts.replaces.number} 的通知书（原因：${facts.replaces.reason}），原通知书作废。`).fillColor('#000');
    }
    doc.moveDown();
    tradeLines(doc, facts);
    doc.fontSize(9).fillColor('#555').text('依据：招标投标法第四十五条、第四十六条；政府采购法第四十六条；招标投标法实施条例第五十五条；政府采购法实施条例第四十三条。').fillColor('#000');
    footer(doc, facts);
  });
}

export interface ResultFacts extends NoticeFacts {
  recipient: { name: string; uscc: string };
  /** The recipient's own standing: rank and total, or why its bid was rejected / it was passed over. */
  own: { rank: number | null; totalScore: number | null; outcome: string };
}

/** 中标结果通知书 / 成交结果通知书 to a bidder that was not awarded. */
export function renderResultNotice(font: CjkFont, facts: ResultFacts): Promise<Buffer> {
  const title = `${facts.word}结果通知书`;
  return renderPdf(font, { title: `${title} ${facts.trade.code}`, subject: facts.trade.title }, (doc) => {
    header(doc, title, 'Notice of the result', facts.number);
    doc.fontSize(12).text(`${facts.recipient.name}（统一社会信用代码 ${facts.recipient.uscc}）：`).moveDown(0.5);
    doc.text(`    感谢你方参加「${facts.trade.title}」（项目编号 ${facts.trade.code}）的投标（响应）。经评审和${facts.publicity.title}，本项目${facts.word}结果如下：`);
    doc.moveDown(0.5).text(`    ${facts.word}人：${facts.winner.name}（${facts.winner.uscc}）`);
    doc.text(`    ${facts.word}价：${yuan(facts.priceFen)}（人民币${rmbCapitals(facts.priceFen)}）`);
    doc.moveDown(0.5).text(
      `    你方情况：${facts.own.rank !== null ? `排名第 ${facts.own.rank} 名` : '未进入排序'}${facts.own.totalScore !== null ? `，综合得分 ${facts.own.totalScore.toFixed(2)}` : ''}。${facts.own.outcome}`,
    );
    if (facts.replaces) doc.moveDown(0.5).fillColor('#a00').text(`    本通知取代编号为 ${facts.replaces.number} 的结果通知（原因：${facts.replaces.reason}）。`).fillColor('#000');
    doc.moveDown();
    tradeLines(doc, facts);
    doc.fontSize(9).fillColor('#555').text('对本结果有异议的，可依法提出异议（质疑）或投诉。依据：招标投标法第四十五条；政府采购货物和服务招标投标管理办法第六十九条。').fillColor('#000');
    footer(doc, facts);
  });
}

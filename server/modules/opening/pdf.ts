import { KIND_LABELS, METHOD_LABELS, type TradeKind, type TradeMethod } from '../../../contracts/trades.js';
import type { OpeningRecord } from '../../../contracts/opening.js';
import { renderPdf, type CjkFont } from '../../kernel/pdf.js';

const OUTCOME: Record<string, string> = { opened: '已开启 opened', refused: '拒绝开启 refused', revoked: '撤销 revoked', withdrawn: '撤回 withdrawn' };
const REASON: Record<string, string> = {
  DECRYPTION_FAILED: '解密失败（未使用本项目开标证书加密或密文损坏）',
  SIGNATURE_MISMATCH: '签名不符（内层签名与递交人不一致）',
  MALFORMED_PACKAGE: '投标文件包格式错误',
  BIDDER_DID_NOT_UNLOCK: '投标人未在规定时间内解密',
  UNLOCK_FAILED: '补救解密失败',
};
const DECISION: Record<string, string> = { confirm: '确认', object: '异议', deemed_confirmed: '未答复，视为确认' };

export const yuan = (fen: number | null): string => (fen === null ? '—' : `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);

/** 开标记录: the record as a Chinese PDF (pdfkit, the configured CJK font embedded). */
export function renderOpeningRecord(font: CjkFont, record: OpeningRecord): Promise<Buffer> {
  return renderPdf(font, { title: `开标记录 ${record.trade.code}`, subject: record.trade.title }, (doc) => {
    doc.fontSize(18).text('开 标 记 录', { align: 'center' });
    doc.fontSize(10).fillColor('#555').text('Bid opening record', { align: 'center' }).moveDown();
    doc.fillColor('#000').fontSize(11);
    const rows: [string, string][] = [
      ['项目名称', record.trade.title],
      ['项目编号', record.trade.code],
      ['交易类型 / 方式', `${KIND_LABELS[record.trade.kind as TradeKind]?.zh ?? record.trade.kind} / ${METHOD_LABELS[record.trade.method as TradeMethod]?.zh ?? record.trade.method}`],
      ['开标时间', record.openingAt],
      ['开标地点', record.openingPlace],
      ['解密方式', record.mode === 'officials' ? '开标人密钥分片（k/n 门限）' : '投标人在线解密（开标人密钥补救）'],
      ['开始 / 结束', `${record.startedAt} — ${record.finishedAt}`],
    ];
    for (const [label, value] of rows) doc.text(`${label}：`, { continued: true }).text(value);
    doc.moveDown().fontSize(13).text('开标人 Officials').fontSize(10);
    for (const o of record.officials) doc.text(`${o.displayName}  分片 ${o.shareIndex ?? '—'}  提交时间 ${o.submittedAt ?? '未提交'}`);
    doc.moveDown().fontSize(13).text('投标文件开启情况 Bids').fontSize(10);
    for (const r of record.results) {
      const json = r.bidJson as { durationDays?: number; quality?: string; projectManager?: string } | null;
      doc.text(`${r.order}. ${r.bidder?.name ?? '—'}（${r.bidder?.uscc ?? '—'}）  ${OUTCOME[r.outcome] ?? r.outcome}`);
      if (r.outcome === 'opened') {
        doc.text(`    投标报价：${yuan(r.priceFen)}    工期：${json?.durationDays ?? '—'} 日    质量：${json?.quality ?? '—'}    项目负责人：${json?.projectManager ?? '—'}`);
      } else {
        doc.fillColor('#a00').text(`    原因：${r.reason ? (REASON[r.reason] ?? r.reason) : '—'}${r.detail ? `（${r.detail.slice(0, 120)}）` : ''}`).fillColor('#000');
      }
      doc.fillColor('#666').fontSize(8).text(`    SHA-256 ${r.sha256}`).fontSize(10).fillColor('#000');
    }
    doc.moveDown().fontSize(11).text(`有效投标 ${record.validBids} 个（不少于 ${record.minimumValidBids} 个方可继续评标）`);
    if (record.failed) doc.fillColor('#a00').text(`结论：流标。${record.failureBasis ?? ''}`).fillColor('#000');
    if (record.confirmations.length) {
      doc.moveDown().fontSize(13).text('投标人确认 Confirmations').fontSize(10);
      for (const c of record.confirmations) doc.text(`${c.organisationName}（${c.uscc}）：${DECISION[c.decision] ?? c.decision}${c.text ? `，${c.text}` : ''}${c.at ? `  ${c.at}` : ''}`);
    }
  });
}

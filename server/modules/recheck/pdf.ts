import { RECHECK_TRIGGER_NAMES, type DiffItem, type RecheckReport } from '../../../contracts/recheck.js';
import { chinaTimeText, renderPdf, type CjkFont } from '../../kernel/pdf.js';
import { TEMPLATES } from '../evaluation/compute.js';

const CHECK: Record<string, string> = { formal: '形式评审', qualification: '资格评审', responsiveness: '响应性评审' };
const KIND: Record<string, string> = { construction: '工程建设', land: '土地使用权', mining: '矿业权', property: '国有产权', procurement: '政府采购' };

function criterionName(id: string | undefined): string {
  if (!id) return '';
  for (const t of Object.values(TEMPLATES)) {
    const c = t.criteria.find((x) => x.id === id);
    if (c) return c.name.zh;
  }
  return id;
}

/** One flagged item in words. */
export function diffText(item: DiffItem): string {
  switch (item.type) {
    case 'total_mismatch':
      return `总分复算不一致：${item.bidder} 原结果 ${item.stored ?? '—'}，复算 ${item.recomputed ?? '—'}`;
    case 'ranking_mismatch':
      return `排序复算不一致：原排序 ${item.stored.map((r) => `#${r.bidId}(${r.rank})`).join(' ')}；复算 ${item.recomputed.map((r) => `#${r.bidId}(${r.rank})`).join(' ')}`;
    case 'candidates_mismatch':
      return `推荐中标候选人复算不一致：原 ${item.stored.map((b) => `#${b}`).join('、')}；复算 ${item.recomputed.map((b) => `#${b}`).join('、')}`;
    case 'compliance_mismatch':
      return `符合性结论复算不一致：${item.bidder} 原 ${item.stored ? '通过' : '否决'}，复算 ${item.recomputed ? '通过' : '否决'}`;
    case 'score_out_of_range':
      return `评分超出范围：${item.expert} 对 ${item.bidder} 的「${criterionName(item.criterion)}」评分 ${item.value}（范围 0–${item.max}）`;
    case 'rejection_reason_missing':
      return `否决投标未载明理由：${item.bidder} ${CHECK[item.check] ?? item.check}（${item.experts.map((e) => e.name).join('、') || '—'}）`;
    case 'score_deviation':
      return `评分偏离：${item.expert} 对 ${item.bidder} 的「${criterionName(item.criterion)}」评分 ${item.value}，委员会平均 ${item.mean}，偏离超过满分 ${item.max} 的 ${item.sharePercent}%`;
  }
}

/**
 * 评标复核/复审报告: the trade, kind, trigger, grounds with their sources, the flagged items, the
 * members' findings, the outcome with its reasons, each change with its reason and the ranking before
 * and after, then the members' signatures over the report's SHA-256.
 */
export function renderRecheckReport(
  font: CjkFont,
  report: RecheckReport,
  sha256: string,
  signatures: { userId: number; signed: boolean; refused: string | null; at: string | null }[],
  status: { state: string; closedAt: string | null },
): Promise<Buffer> {
  return renderPdf(font, { title: `评标${report.recheck.kindName}报告 ${report.trade.code}`, subject: report.trade.title }, (doc) => {
    doc.fontSize(18).text(`评 标 ${report.recheck.kindName} 报 告`, { align: 'center' });
    doc.fontSize(10).fillColor('#555').text(report.recheck.kind === 'panel' ? 'Recheck report (independent panel)' : 'Recheck report (original committee)', { align: 'center' }).moveDown().fillColor('#000').fontSize(11);
    doc
      .text(`项目名称：${report.trade.title}`)
      .text(`项目编号：${report.trade.code}（${KIND[report.trade.kind] ?? report.trade.kind}）`)
      .text(`复核类型：${report.recheck.kindName}${report.recheck.kind === 'panel' ? '（独立复审组，地方政策）' : '（原评标委员会）'}`)
      .text(`启动方式：${RECHECK_TRIGGER_NAMES[report.recheck.trigger].zh}`)
      .text(`启动时间：${chinaTimeText(report.recheck.openedAt)}    评标轮次：第 ${report.recheck.evaluationRound} 轮`)
      .text(`启动说明：${report.recheck.note}`);
    doc.moveDown().fontSize(13).text('复核事由').fontSize(10);
    for (const g of report.grounds) doc.text(`· ${g.label}（${g.source}）`);
    doc.moveDown().fontSize(13).text('平台复算与校验发现的问题').fontSize(10);
    if (!report.diff.length) doc.text('无');
    for (const item of report.diff) doc.text(`· ${diffText(item)}`);
    doc.moveDown().fontSize(13).text('复核意见').fontSize(10);
    if (!report.findings.length) doc.text('无');
    for (const f of report.findings) {
      doc.text(`· ${f.by}${f.item ? `（针对 ${f.item}）` : ''}：${f.text}`);
      for (const c of f.corrections) {
        doc.fillColor('#444').text(c.kind === 'score' ? `    更正评分：投标 #${c.bidId} 专家 #${c.expertUserId}「${criterionName(c.criterion)}」→ ${c.value}；理由：${c.reason}` : `    补正否决理由：投标 #${c.bidId} 专家 #${c.expertUserId} ${CHECK[c.check] ?? c.check}「${c.text}」；理由：${c.reason}`).fillColor('#000');
      }
    }
    doc.moveDown().fontSize(13).text('复核结论').fontSize(10);
    doc.text(`${report.outcome.name}（提议：${report.outcome.proposedBy}）`).text(`理由：${report.outcome.reasons}`);
    if (report.changes.length) {
      doc.moveDown().fontSize(13).text('更正事项及理由').fontSize(10);
      for (const c of report.changes) {
        const what = c.kind === 'score' ? `${c.expert} 对 ${c.bidder} 的「${criterionName(c.criterion)}」评分由 ${c.from ?? '—'} 更正为 ${c.to}` : `${c.expert} 对 ${c.bidder} 的${CHECK[c.check ?? ''] ?? c.check}否决理由由「${c.from ?? '未载明'}」补正为「${c.to}」`;
        doc.text(`· ${what}`).fillColor('#a00').text(`    更正理由：${c.reason}`).fillColor('#000');
      }
    }
    if (report.rankingBefore && report.rankingAfter) {
      doc.moveDown().fontSize(13).text('更正前后排序').fontSize(10);
      doc.text('更正前：');
      for (const r of report.rankingBefore) doc.text(`    第 ${r.rank} 名  ${r.bidder}  总分 ${r.total.toFixed(2)}`);
      doc.text('更正后：');
      for (const r of report.rankingAfter) doc.text(`    第 ${r.rank} 名  ${r.bidder}  总分 ${r.total.toFixed(2)}`);
      if (report.candidatesAfter) doc.text(`更正后推荐中标候选人：${report.candidatesAfter.map((c) => `第 ${c.rank} 名 ${c.bidder}`).join('；')}`);
    }
    doc.moveDown().fontSize(13).text('复核成员及签署').fontSize(10);
    doc.fontSize(8).text(`报告摘要 SHA-256：${sha256}`).fontSize(10);
    for (const m of report.members) {
      const s = signatures.find((x) => x.userId === m.userId);
      doc.text(`${m.name}：${s?.signed ? `已签名（${s.at ? chinaTimeText(s.at) : '—'}）` : s?.refused ? `拒绝签名，理由：${s.refused}` : '未签'}`);
    }
    doc.moveDown().fontSize(9).fillColor('#666').text(status.state === 'closed' ? `复核已结束（${status.closedAt ? chinaTimeText(status.closedAt) : '—'}），结论已生效。` : '复核尚未结束，结论待全体成员签署后生效。').fillColor('#000');
    doc.text(`报告时间：${chinaTimeText(report.writtenAt)}`);
  });
}

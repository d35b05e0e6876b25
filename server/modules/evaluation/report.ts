import { METHOD_NAMES, type EvaluationResult } from '../../../contracts/evaluation.js';
import { renderPdf, type CjkFont } from '../../kernel/pdf.js';
import { yuan } from '../opening/pdf.js';
import { TEMPLATES } from './compute.js';

export interface EvaluationReport {
  trade: { code: string; title: string; kind: string; method: string };
  template: { id: string; name: string; method: EvaluationResult['method'] };
  committee: { userId: number; name: string; chair: boolean }[];
  result: EvaluationResult;
  writtenAt: string;
}

const CHECK: Record<string, string> = { formal: '形式评审', qualification: '资格评审', responsiveness: '响应性评审' };

/** 评标报告: the committee, method, compliance decisions with reasons and dissent, every expert's scores, totals, ranking, candidates, signatures. */
export function renderEvaluationReport(font: CjkFont, report: EvaluationReport, sha256: string, signatures: { userId: number; signed: boolean; refused: string | null; at: string | null }[]): Promise<Buffer> {
  return renderPdf(font, { title: `评标报告 ${report.trade.code}`, subject: report.trade.title }, (doc) => {
    doc.fontSize(18).text('评 标 报 告', { align: 'center' });
    doc.fontSize(10).fillColor('#555').text('Evaluation report', { align: 'center' }).moveDown().fillColor('#000').fontSize(11);
    doc.text(`项目名称：${report.trade.title}`).text(`项目编号：${report.trade.code}`).text(`评标办法：${METHOD_NAMES[report.template.method].zh}（${report.template.name}）`).text(`报告时间：${report.writtenAt}`);
    doc.moveDown().fontSize(13).text('评标委员会').fontSize(10);
    doc.text(report.committee.map((m) => `${m.name}${m.chair ? '（主任委员）' : ''}`).join('、'));
    const bidderOf = new Map<number, string>([...report.result.ranked.map((r) => [r.bidId, r.bidder.name] as const), ...report.result.rejected.map((r) => [r.bidId, r.bidder] as const)]);
    const criterionName = (id: string) => TEMPLATES[report.template.id]?.criteria.find((c) => c.id === id)?.name.zh ?? id;
    doc.moveDown().fontSize(13).text('符合性审查').fontSize(10);
    for (const c of report.result.compliance) {
      doc.text(`${bidderOf.get(c.bidId) ?? `投标 #${c.bidId}`}：${c.compliant ? '通过' : '否决投标'}`);
      for (const check of c.checks.filter((x) => !x.pass || x.failVotes > 0)) {
        doc.text(`    ${CHECK[check.check] ?? check.check}：${check.pass ? '通过' : '不通过'}（否决 ${check.failVotes} 票，通过 ${check.passVotes} 票）${check.dissent.length ? `；不同意见：${check.dissent.join('、')}` : ''}`);
        for (const r of check.reasons) doc.fillColor('#a00').text(`      ${r.expert}：${r.reason}`).fillColor('#000');
      }
    }
    doc.moveDown().fontSize(13).text('评分与排序').fontSize(10);
    for (const r of report.result.ranked) {
      doc.text(`第 ${r.rank} 名${r.tied ? '（并列）' : ''}  ${r.bidder.name}  报价 ${yuan(r.priceFen)}  总分 ${r.total.toFixed(2)}`);
      for (const c of r.criteria) {
        const detail = c.byExpert.length ? `（${c.byExpert.map((x) => `${x.expert} ${x.value}${x.dropped ? '*' : ''}`).join('，')}）` : '';
        doc.fillColor('#444').text(`    ${criterionName(c.id)}：${c.score.toFixed(2)} ${detail}`).fillColor('#000');
      }
    }
    if (report.result.dropExtremes) doc.fontSize(9).fillColor('#666').text('* 去掉一个最高分和一个最低分后取算术平均值').fillColor('#000').fontSize(10);
    doc.moveDown().fontSize(13).text('推荐中标候选人').fontSize(10);
    for (const c of report.result.candidates) doc.text(`第 ${c.rank} 名：${c.bidder}`);
    doc.moveDown().fontSize(13).text('签署').fontSize(10);
    doc.fontSize(8).text(`报告摘要 SHA-256：${sha256}`).fontSize(10);
    for (const m of report.committee) {
      const s = signatures.find((x) => x.userId === m.userId);
      doc.text(`${m.name}：${s?.signed ? `已签名（${s.at}）` : s?.refused ? `拒绝签名，理由：${s.refused}` : '未签'}`);
    }
  });
}

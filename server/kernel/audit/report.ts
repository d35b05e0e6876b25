import type { AuditEventView, AuditVerification } from '../../../contracts/audit.js';
import { renderPdf, type CjkFont } from '../pdf.js';

/** 审计链校验报告: the verification result and the events it covered, as a PDF in Chinese. */
export function renderAuditReport(font: CjkFont, verification: AuditVerification, events: AuditEventView[], platform: string): Promise<Buffer> {
  return renderPdf(font, { title: '审计链校验报告 Audit chain verification' }, (doc) => {
    doc.fontSize(18).text('审计链校验报告', { align: 'center' });
    doc.fontSize(10).fillColor('#555').text('Audit chain verification report', { align: 'center' }).moveDown();
    doc.fillColor('#000').fontSize(11);
    const rows: [string, string][] = [
      ['平台 Platform', platform],
      ['校验时间 Verified at', verification.verifiedAt],
      ['结果 Result', verification.ok ? '完整，未发现篡改 (intact)' : `链条断裂于序号 ${verification.firstBrokenSeq} (broken)`],
      ['已校验事件 Events checked', String(verification.checked)],
      ['平台签名检查点 Signed checkpoints', String(verification.checkpoints)],
      ['链头序号 Head seq', String(verification.headSeq)],
      ['链头哈希 Head hash', verification.headHash],
    ];
    if (verification.reason) rows.push(['原因 Reason', verification.reason]);
    for (const [label, value] of rows) {
      doc.text(`${label}：`, { continued: true }).text(value);
    }
    doc.moveDown().fontSize(13).text('事件列表 Events').moveDown(0.3).fontSize(8);
    for (const event of events) {
      doc.text(`#${event.seq}  ${event.at}  ${event.action}  ${event.actor ?? '—'} → ${event.subject ?? '—'}`);
      doc.fillColor('#666').text(`    hash ${event.hash}`).fillColor('#000');
    }
    doc.moveDown().fontSize(9).fillColor('#444').text(
      '说明：每个事件的哈希 = SHA-256(前一事件哈希 ‖ 换行 ‖ 事件的 RFC 8785 规范化 JSON)。任何事件被修改、删除或插入，其后的链条即无法通过校验。',
    );
  });
}

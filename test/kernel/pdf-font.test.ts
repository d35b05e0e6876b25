import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { findCjkFont, renderPdf, SHIPPED_CJK_FONT } from '../../server/kernel/pdf.js';

/** The project ships its CJK font, so a machine without fonts still prints Chinese PDFs. */
describe('PDF font: the shipped CJK font', () => {
  it('is in the repository with its licence and is the default', () => {
    expect(fs.statSync(SHIPPED_CJK_FONT.path).size).to.be.greaterThan(1_000_000);
    expect(fs.readFileSync(path.join(path.dirname(SHIPPED_CJK_FONT.path), 'LICENSE-wqy-microhei.txt'), 'utf8')).to.contain('Apache-2.0');
    expect(findCjkFont()).to.deep.equal(SHIPPED_CJK_FONT);
  });

  it('prints Chinese that pdftotext reads back, embedding only the glyphs used', async () => {
    const pdf = await renderPdf(SHIPPED_CJK_FONT, { title: '开标记录' }, (doc) => doc.fontSize(14).text('赣州市公共资源交易中心 开标记录 ¥9,876,543.21'));
    expect(pdf.length).to.be.lessThan(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdf-font-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.pdf'), pdf);
      expect(execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'a.pdf'), '-'], { encoding: 'utf8' })).to.contain('赣州市公共资源交易中心 开标记录 ¥9,876,543.21');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

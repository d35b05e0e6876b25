import fs from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { projectRoot } from './paths.js';

/**
 * PDFs in Chinese. pdfkit's built-in fonts have no CJK glyphs, so every document uses a CJK font:
 * the one CJK_FONT_PATH names, else the one the project ships (assets/fonts/wqy-microhei.ttc,
 * Apache-2.0, so a machine with no fonts still prints), else one from the machine. Without any we
 * refuse to render rather than print boxes. Only the glyphs used are embedded.
 */
export interface CjkFont {
  path: string;
  /** The face inside a .ttc collection (PostScript name); undefined for a single-face .ttf/.otf. */
  face: string | undefined;
}

export const SHIPPED_CJK_FONT: CjkFont = { path: path.join(projectRoot, 'assets', 'fonts', 'wqy-microhei.ttc'), face: 'WenQuanYiMicroHei' };

export const CJK_FONT_CANDIDATES: CjkFont[] = [
  SHIPPED_CJK_FONT,
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc', face: 'NotoSerifCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', face: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', face: 'AR-PL-UMing-CN' },
];

export class CjkFontMissingError extends Error {
  constructor(tried: string[]) {
    super(
      `no CJK font found for PDFs (tried ${tried.join(', ')}). Install one — e.g. ` +
        '`apt-get install fonts-wqy-microhei` — or set CJK_FONT_PATH to a .ttf/.otf file ' +
        '(or "file.ttc#PostScriptName" for a collection).',
    );
    this.name = 'CjkFontMissingError';
  }
}

/** `configured` is CJK_FONT_PATH: a font file, or `collection.ttc#FaceName`. */
export function findCjkFont(configured?: string): CjkFont {
  if (configured) {
    const [file, face] = configured.split('#') as [string, string | undefined];
    if (!fs.existsSync(file)) throw new CjkFontMissingError([file]);
    return { path: file, face };
  }
  const found = CJK_FONT_CANDIDATES.find((f) => fs.existsSync(f.path));
  if (!found) throw new CjkFontMissingError(CJK_FONT_CANDIDATES.map((f) => f.path));
  return found;
}

export type Pdf = PDFKit.PDFDocument;

/** Renders a document to bytes with the CJK font as the default font. */
export function renderPdf(font: CjkFont, meta: { title: string; subject?: string }, draw: (doc: Pdf) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: { top: 56, bottom: 56, left: 56, right: 56 },
      info: { Title: meta.title, Subject: meta.subject ?? meta.title, Creator: 'Tenderhall', Producer: 'Tenderhall (pdfkit)' },
      lang: 'zh-CN',
      pdfVersion: '1.7',
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      doc.registerFont('cjk', font.path, font.face as string);
      doc.font('cjk');
      draw(doc);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}


/** Instants in Chinese documents and notifications (China Standard Time). */
export { chinaTimeText } from './calendar/calendar.js';

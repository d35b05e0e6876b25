/** Display helpers shared by the trades pages: money in 元 and instants in Beijing time. */
import type { Locale } from './i18n.js';

export const TRADE_TIME_ZONE = 'Asia/Shanghai';

/** An instant as Beijing time to the minute, e.g. 2027-01-05 09:30, without the zone (the caller says it). */
export function shanghaiMinute(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TRADE_TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** An instant as Beijing time (the trading centers' legal time), e.g. 2027-01-05 09:30 (UTC+8). */
export function shanghaiTime(iso: string, locale: Locale): string {
  const text = shanghaiMinute(iso);
  if (text === iso) return iso;
  return locale === 'zh-CN' ? `${text}（北京时间）` : `${text} (Beijing time)`;
}

/** fen → "12,345,678.90" (元). Integer arithmetic only. */
export function yuan(fen: number): string {
  const negative = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  const cents = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}

/**
 * "1,234.5" 元 → 123450 fen, by string arithmetic (no float rounding); null when not a
 * non-negative amount with at most two decimals.
 */
export function yuanToFen(text: string): number | null {
  const clean = text.trim().replace(/[,，\s]/g, '');
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  const fen = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(fen) ? fen : null;
}

/** "datetime-local" input value (read as Beijing time) → ISO instant, or null. */
export function shanghaiInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const date = new Date(`${value}:00+08:00`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** ISO instant → "datetime-local" value in Beijing time. */
export function isoToShanghaiInput(iso: string): string {
  const date = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return date.toISOString().slice(0, 16);
}

export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KiB`;
  return `${(size / 1024 / 1024).toFixed(1)} MiB`;
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

/** Offers bytes as a file download (a blob: link; nothing leaves the page). */
export function saveFile(data: Uint8Array | string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The names of trades — kinds, methods, states and their Chinese/English labels — without zod, so
 * the web client can import them without pulling the validation library into its bundle.
 * contracts/trades.ts re-exports everything here.
 */
export const TRADE_KINDS = ['construction', 'land', 'mining', 'property', 'procurement'] as const;
export type TradeKind = (typeof TRADE_KINDS)[number];

/** Tender-like methods; listing (挂牌) and auction (拍卖) arrive with the auctions module. */
export const TRADE_METHODS = [
  'open_tender',
  'invited_tender',
  'competitive_negotiation',
  'competitive_consultation',
  'inquiry',
  'single_source',
] as const;
export type TradeMethod = (typeof TRADE_METHODS)[number];

/** Which methods each kind may use (the tender-like path). */
export const METHODS_BY_KIND: Record<TradeKind, readonly TradeMethod[]> = {
  construction: ['open_tender', 'invited_tender'],
  land: ['open_tender'],
  mining: ['open_tender'],
  property: ['open_tender'],
  procurement: ['open_tender', 'invited_tender', 'competitive_negotiation', 'competitive_consultation', 'inquiry', 'single_source'],
};

/** Methods where only invited organisations may take part. */
export const INVITATION_METHODS: readonly TradeMethod[] = ['invited_tender', 'single_source'];

/**
 * opened → evaluated (the report is signed) → publicity (中标候选人公示) → awarded (中标/成交通知书) →
 * contracted (合同备案). A recheck or an accepted complaint is a hold on the trade, not a state
 * (server/kernel/lifecycle: holds); a re-evaluation sends the trade back to opened.
 */
export const TRADE_STATES = ['draft', 'bidding', 'opening', 'opened', 'evaluated', 'publicity', 'awarded', 'contracted', 'failed', 'cancelled'] as const;
export type TradeState = (typeof TRADE_STATES)[number];

export const KIND_LABELS: Record<TradeKind, { zh: string; en: string; notice: string }> = {
  construction: { zh: '工程建设', en: 'Construction', notice: '招标公告' },
  land: { zh: '土地使用权', en: 'Land-use right', notice: '出让公告' },
  mining: { zh: '矿业权', en: 'Mining right', notice: '出让公告' },
  property: { zh: '国有产权', en: 'State-owned property', notice: '产权转让公告' },
  procurement: { zh: '政府采购', en: 'Government procurement', notice: '采购公告' },
};

export const METHOD_LABELS: Record<TradeMethod, { zh: string; en: string }> = {
  open_tender: { zh: '公开招标', en: 'Open tender' },
  invited_tender: { zh: '邀请招标', en: 'Invited tender' },
  competitive_negotiation: { zh: '竞争性谈判', en: 'Competitive negotiation' },
  competitive_consultation: { zh: '竞争性磋商', en: 'Competitive consultation' },
  inquiry: { zh: '询价', en: 'Inquiry' },
  single_source: { zh: '单一来源', en: 'Single source' },
};

/**
 * What the app shows, kept in the location hash so links, reloads and the back button work:
 *   (empty)              home (signed in) or the login page
 *   #/certificates       数字证书
 *   #/trades             the public portal: published notices (no login needed)
 *   #/trades/new         staff: create a trade
 *   #/trades/:id         a notice with its documents, opening certificate and limits
 *   #/trades/:id/opening 不见面开标大厅 (the live opening hall)
 *   #/trades/:id/draw    staff: 抽取评标专家 (the expert draw)
 *   #/trades/:id/evaluation 评标室 (the live evaluation room; read-only for staff and supervisors)
 *   #/invitations        experts: 评标邀请 (accept / decline, 申报回避)
 *   #/publicity          the public portal: 中标候选人公示 and results (no login needed)
 *   #/decisions          the public portal: 投诉处理决定 (published complaint decisions)
 *   #/complaints         异议与投诉: a bidder's own, the trades' for staff, the supervisor's inbox
 *   #/rechecks/:id       评标复核 / 复审室 (the live recheck room; read-only for staff and supervisors)
 *   #/notifications      站内消息
 *   #/credit             the public portal: 信用公示 (penalties in force; no login needed)
 *   #/credit/organisations/:uscc  an organisation's credit score, formula and history (public)
 *   #/credit/manage      supervisors: 信用管理 (record, applications, federation peers)
 *   #/credit/mine        bidders: 我的信用 (records about my organisation, repair / objection)
 */
import { useCallback, useEffect, useState } from 'react';

export type View =
  | { name: 'home' }
  | { name: 'certificates' }
  | { name: 'trades' }
  | { name: 'tradeNew' }
  | { name: 'trade'; id: number }
  | { name: 'opening'; id: number }
  | { name: 'draw'; id: number }
  | { name: 'evaluation'; id: number }
  | { name: 'invitations' }
  | { name: 'notifications' }
  | { name: 'publicity' }
  | { name: 'decisions' }
  | { name: 'complaints' }
  | { name: 'recheck'; id: number }
  | { name: 'credit' }
  | { name: 'creditOrganisation'; uscc: string }
  | { name: 'creditManage' }
  | { name: 'creditMine' };

export function parseView(hash: string): View {
  const path = hash.replace(/^#/, '');
  if (path === '/certificates') return { name: 'certificates' };
  if (path === '/trades') return { name: 'trades' };
  if (path === '/trades/new') return { name: 'tradeNew' };
  if (path === '/notifications') return { name: 'notifications' };
  if (path === '/invitations') return { name: 'invitations' };
  if (path === '/publicity') return { name: 'publicity' };
  if (path === '/decisions') return { name: 'decisions' };
  if (path === '/complaints') return { name: 'complaints' };
  if (path === '/credit') return { name: 'credit' };
  if (path === '/credit/manage') return { name: 'creditManage' };
  if (path === '/credit/mine') return { name: 'creditMine' };
  const creditOrganisation = /^\/credit\/organisations\/([0-9A-Za-z]{18})$/.exec(path);
  if (creditOrganisation) return { name: 'creditOrganisation', uscc: creditOrganisation[1]!.toUpperCase() };
  const recheck = /^\/rechecks\/(\d{1,12})$/.exec(path);
  if (recheck) return { name: 'recheck', id: Number(recheck[1]) };
  const trade = /^\/trades\/(\d{1,12})$/.exec(path);
  if (trade) return { name: 'trade', id: Number(trade[1]) };
  const opening = /^\/trades\/(\d{1,12})\/opening$/.exec(path);
  if (opening) return { name: 'opening', id: Number(opening[1]) };
  const draw = /^\/trades\/(\d{1,12})\/draw$/.exec(path);
  if (draw) return { name: 'draw', id: Number(draw[1]) };
  const evaluation = /^\/trades\/(\d{1,12})\/evaluation$/.exec(path);
  if (evaluation) return { name: 'evaluation', id: Number(evaluation[1]) };
  return { name: 'home' };
}

export function viewHref(view: View): string {
  switch (view.name) {
    case 'home':
      return '#/';
    case 'trade':
      return `#/trades/${view.id}`;
    case 'opening':
      return `#/trades/${view.id}/opening`;
    case 'draw':
      return `#/trades/${view.id}/draw`;
    case 'evaluation':
      return `#/trades/${view.id}/evaluation`;
    case 'recheck':
      return `#/rechecks/${view.id}`;
    case 'tradeNew':
      return '#/trades/new';
    case 'creditOrganisation':
      return `#/credit/organisations/${view.uscc}`;
    case 'creditManage':
      return '#/credit/manage';
    case 'creditMine':
      return '#/credit/mine';
    default:
      return `#/${view.name}`;
  }
}

/** Views anyone may see without signing in. */
export function isPublicView(view: View): boolean {
  return (
    view.name === 'trades' ||
    view.name === 'trade' ||
    view.name === 'publicity' ||
    view.name === 'decisions' ||
    view.name === 'credit' ||
    view.name === 'creditOrganisation'
  );
}

export function useView(): [View, (view: View) => void] {
  const [view, setViewState] = useState<View>(() => parseView(window.location.hash));
  useEffect(() => {
    const onChange = () => setViewState(parseView(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const setView = useCallback((next: View) => {
    const href = viewHref(next);
    if (window.location.hash !== href) window.location.hash = href;
    setViewState(next);
    window.scrollTo(0, 0);
  }, []);
  return [view, setView];
}

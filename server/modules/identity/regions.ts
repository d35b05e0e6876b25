import type { RegionView } from '../../../contracts/identity.js';
import type { Jurisdiction } from '../../kernel/actor.js';
import type { IdentityModels } from './models.js';

/**
 * The region tree (行政区划), held in memory: it is small and changes only by migration or admin
 * action, and every request's region guard asks it. A staff member of 赣州市 (360700) covers
 * 章贡区 (360702), 瑞金市 (360781) and 龙南市 (360783), but not 江西省 or another province.
 */
export class RegionTree implements Jurisdiction {
  private byCode = new Map<string, RegionView>();

  constructor(private readonly models: IdentityModels) {}

  async load(): Promise<void> {
    const rows = await this.models.Region.findAll({ order: [['code', 'ASC']] });
    this.byCode = new Map(
      rows.map((r) => [r.code, { code: r.code, name: r.name, nameEn: r.nameEn, level: r.level, parentCode: r.parentCode }]),
    );
  }

  list(): RegionView[] {
    return [...this.byCode.values()];
  }

  get(code: string): RegionView | undefined {
    return this.byCode.get(code);
  }

  /** The region and its ancestors, nearest first. */
  lineage(code: string): RegionView[] {
    const chain: RegionView[] = [];
    let current = this.byCode.get(code);
    while (current && chain.length < 8) {
      chain.push(current);
      current = current.parentCode ? this.byCode.get(current.parentCode) : undefined;
    }
    return chain;
  }

  covers(actorRegion: string, targetRegion: string): boolean {
    return this.lineage(targetRegion).some((r) => r.code === actorRegion);
  }

  /** The region and everything below it. */
  subtree(code: string): string[] {
    return this.list()
      .filter((r) => this.covers(code, r.code))
      .map((r) => r.code);
  }
}

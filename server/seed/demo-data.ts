import type { OrganisationView, RegionView } from '../../contracts/identity.js';
import type { Role } from '../../contracts/roles.js';

/**
 * The demo data set: the region tree, one trading center per city, the companies and the people
 * every demo and manual test uses. All passwords are DEMO_PASSWORD. Every USCC here carries a valid
 * GB 32100-2015 check character (and a valid GB 11714 organisation-code check digit); they are made
 * up, not real companies' codes.
 */
export const DEMO_PASSWORD = 'demo1234';

export const DEMO_REGIONS: RegionView[] = [
  { code: '360000', name: '江西省', nameEn: 'Jiangxi Province', level: 'province', parentCode: null },
  { code: '360700', name: '赣州市', nameEn: 'Ganzhou', level: 'city', parentCode: '360000' },
  { code: '360702', name: '章贡区', nameEn: 'Zhanggong District', level: 'district', parentCode: '360700' },
  { code: '360781', name: '瑞金市', nameEn: 'Ruijin', level: 'district', parentCode: '360700' },
  { code: '360783', name: '龙南市', nameEn: 'Longnan', level: 'district', parentCode: '360700' },
  // Another province's city, for cross-region cases (credit, remote evaluation).
  { code: '350000', name: '福建省', nameEn: 'Fujian Province', level: 'province', parentCode: null },
  { code: '350800', name: '龙岩市', nameEn: 'Longyan', level: 'city', parentCode: '350000' },
];

export type DemoOrganisation = Omit<OrganisationView, 'id'> & { key: string };

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  // trading centers (公共资源交易中心): 事业单位, registration-authority code 1, type 2
  { key: 'center-ganzhou', uscc: '12360700MB152771XN', name: '赣州市公共资源交易中心', kind: 'trading_center', regionCode: '360700' },
  { key: 'center-ruijin', uscc: '12360781MB1603321T', name: '瑞金市公共资源交易中心', kind: 'trading_center', regionCode: '360781' },
  { key: 'center-longnan', uscc: '12360783MB1785268T', name: '龙南市公共资源交易中心', kind: 'trading_center', regionCode: '360783' },
  { key: 'center-longyan', uscc: '12350800MB0118439R', name: '龙岩市公共资源交易中心', kind: 'trading_center', regionCode: '350800' },
  // supervising authority (机关, code 11)
  { key: 'authority-ganzhou', uscc: '11360700014753214Y', name: '赣州市公共资源交易监督管理办公室', kind: 'authority', regionCode: '360700' },
  // tenderee and its agent
  { key: 'tenderee', uscc: '91360702MA35K8T29J', name: '赣州市章贡区城市建设投资有限公司', kind: 'tenderee', regionCode: '360702' },
  { key: 'agency', uscc: '91360700MA38H0Q67N', name: '江西赣建招标代理有限公司', kind: 'agency', regionCode: '360700' },
  // five bidder companies, one of them from the other province
  { key: 'bidder1', uscc: '91360702MA37U2D948', name: '赣州宏达建设工程有限公司', kind: 'bidder', regionCode: '360702' },
  { key: 'bidder2', uscc: '91360781MA35R6L47R', name: '瑞金红都建筑工程有限公司', kind: 'bidder', regionCode: '360781' },
  { key: 'bidder3', uscc: '91360783MA36N1W77E', name: '龙南恒基市政工程有限公司', kind: 'bidder', regionCode: '360783' },
  { key: 'bidder4', uscc: '91360700MA39C4F10H', name: '江西赣南路桥建设集团有限公司', kind: 'bidder', regionCode: '360700' },
  { key: 'bidder5', uscc: '91350800MA31P9B39E', name: '龙岩闽西建设工程有限公司', kind: 'bidder', regionCode: '350800' },
  // experts' employers (事业单位)
  { key: 'university', uscc: '123607004910062548', name: '江西理工大学', kind: 'institution', regionCode: '360700' },
  { key: 'institute-longyan', uscc: '12350800488034174P', name: '龙岩市建筑设计研究院', kind: 'institution', regionCode: '350800' },
];

/** Evaluation specialties used by the demo pool (the platform's own codes, named in Chinese). */
export const DEMO_SPECIALTIES: Record<string, string> = {
  building: '房屋建筑工程',
  municipal: '市政公用工程',
  highway: '公路工程',
  water: '水利水电工程',
  cost: '工程造价',
  goods: '政府采购货物',
  land: '土地估价',
  mining: '矿业权评估',
  property: '资产评估',
};

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  regionCode: string;
  organisation?: string;
  /** idNumber: a made-up 居民身份证号码 with a valid GB 11643 check character (credit records name persons by it). */
  expert?: { specialties: string[]; qualificationLevel: string; employer: string; idNumber: string };
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', regionCode: '360000' },
  { username: 'staff', displayName: '李明（交易中心）', role: 'center_staff', regionCode: '360700', organisation: 'center-ganzhou' },
  { username: 'agent', displayName: '王芳（招标代理）', role: 'agent', regionCode: '360700', organisation: 'agency' },
  { username: 'bidder1', displayName: '赣州宏达建设 投标经办人', role: 'bidder', regionCode: '360702', organisation: 'bidder1' },
  { username: 'bidder2', displayName: '瑞金红都建筑 投标经办人', role: 'bidder', regionCode: '360781', organisation: 'bidder2' },
  { username: 'bidder3', displayName: '龙南恒基市政 投标经办人', role: 'bidder', regionCode: '360783', organisation: 'bidder3' },
  { username: 'bidder4', displayName: '赣南路桥 投标经办人', role: 'bidder', regionCode: '360700', organisation: 'bidder4' },
  { username: 'bidder5', displayName: '龙岩闽西建设 投标经办人', role: 'bidder', regionCode: '350800', organisation: 'bidder5' },
  { username: 'expert1', displayName: '陈建国', role: 'expert', regionCode: '360700', expert: { specialties: ['building', 'cost'], qualificationLevel: 'senior', employer: 'university', idNumber: '360702196803121018' } },
  { username: 'expert2', displayName: '刘秀英', role: 'expert', regionCode: '360702', expert: { specialties: ['municipal'], qualificationLevel: 'senior', employer: 'university', idNumber: '360702197205081081' } },
  { username: 'expert3', displayName: '黄志强', role: 'expert', regionCode: '360781', expert: { specialties: ['building'], qualificationLevel: 'intermediate', employer: 'center-ruijin', idNumber: '360781197511201155' } },
  { username: 'expert4', displayName: '周丽华', role: 'expert', regionCode: '360783', expert: { specialties: ['cost', 'goods'], qualificationLevel: 'senior', employer: 'bidder3', idNumber: '360783197002151228' } },
  { username: 'expert5', displayName: '吴海涛', role: 'expert', regionCode: '350800', expert: { specialties: ['building', 'highway'], qualificationLevel: 'senior', employer: 'institute-longyan', idNumber: '350802196609301297' } },
  { username: 'expert6', displayName: '郑晓燕', role: 'expert', regionCode: '350800', expert: { specialties: ['municipal', 'water'], qualificationLevel: 'senior', employer: 'institute-longyan', idNumber: '350802197807041363' } },
  { username: 'expert7', displayName: '孙立新', role: 'expert', regionCode: '360000', expert: { specialties: ['land', 'property'], qualificationLevel: 'senior', employer: 'university', idNumber: '360102196210181434' } },
  { username: 'expert8', displayName: '马文静', role: 'expert', regionCode: '360700', expert: { specialties: ['mining', 'cost'], qualificationLevel: 'intermediate', employer: 'university', idNumber: '36070219800122150X' } },
  { username: 'expert9', displayName: '朱永强', role: 'expert', regionCode: '360702', expert: { specialties: ['goods', 'highway'], qualificationLevel: 'senior', employer: 'tenderee', idNumber: '360702196906061572' } },
  { username: 'official1', displayName: '开标官员 赵强', role: 'official', regionCode: '360700', organisation: 'center-ganzhou' },
  { username: 'official2', displayName: '开标官员 钱敏', role: 'official', regionCode: '360700', organisation: 'center-ganzhou' },
  { username: 'official3', displayName: '开标官员 孙磊', role: 'official', regionCode: '360700', organisation: 'center-ganzhou' },
  { username: 'supervisor', displayName: '监督员 何平', role: 'supervisor', regionCode: '360700', organisation: 'authority-ganzhou' },
];

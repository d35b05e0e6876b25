/**
 * Every user-visible string of the web client lives in this one table, keyed by message id.
 *
 * `zhCN` is the source of truth (zh-CN is the default language); `en` is typed as
 * `Record<MessageKey, string>`, so a key missing from (or extra in) the English table is a compile
 * error. Placeholders are written `{name}` and filled by `translate(locale, key, { name })`.
 */
import type { ErrorCode, Role } from '../../contracts/index.js';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'zh-CN';
export const LOCALE_STORAGE_KEY = 'tenderhall.locale';

const zhCN = {
  // shell
  'app.brand': 'Tenderhall',
  'app.platformName': '公共资源交易平台',
  'app.documentTitle': 'Tenderhall 公共资源交易平台',
  'app.skipToContent': '跳到主要内容',
  'app.loading': '正在加载…',
  'app.startupError': '无法连接服务器，请检查网络后重试。',
  'app.retry': '重试',
  'app.dismiss': '关闭',

  // language switch: the label names the *other* language
  'lang.switch': 'English',
  'lang.switchTitle': '切换为英文界面',

  // header
  'header.signedInAs': '当前用户',
  'header.logout': '退出登录',
  'header.loggingOut': '正在退出…',
  'header.logoutFailed': '退出登录失败：{message}',

  // login page
  'login.introTitle': '公开 · 公平 · 公正 · 诚信',
  'login.introBody':
    '工程建设、政府采购、土地使用权与矿业权、国有产权等公共资源交易全流程电子化：公告发布、加密投标、远程开标、专家评标、结果公示，全程留痕、可追溯。',
  'login.introPoint1': '投标文件全程加密，开标前任何人无法查看',
  'login.introPoint2': '远程不见面开标，过程实时公开',
  'login.introPoint3': '防篡改审计链，操作全程可追溯',
  'login.title': '用户登录',
  'login.subtitle': '请使用平台账号登录。',
  'login.username': '用户名',
  'login.password': '密码',
  'login.usernamePlaceholder': '请输入用户名',
  'login.passwordPlaceholder': '请输入密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.demoTitle': '演示账号',
  'login.demoHint': '以下演示账号的密码均为 {password}，点击账号即可填入登录表单。',
  'login.demoFill': '使用演示账号 {username} 登录',
  'login.sessionExpired': '登录已过期，请重新登录。',
  'login.loggedOut': '您已安全退出登录。',

  // errors: one message per stable problem code, plus client-side conditions
  'error.generic': '操作失败（错误代码：{code}）。',
  'error.NETWORK_ERROR': '无法连接服务器，请检查网络后重试。',
  'error.HTTP_ERROR': '服务器返回了意外的响应（HTTP {status}）。',
  'error.throttledSeconds': '登录失败次数过多，请在 {seconds} 秒后重试。',
  'error.throttledMinutes': '登录失败次数过多，请在 {minutes} 分钟后重试。',
  'error.MALFORMED_JSON': '请求内容格式错误。',
  'error.UNSUPPORTED_MEDIA_TYPE': '请求内容类型不受支持。',
  'error.PAYLOAD_TOO_LARGE': '提交的内容过大。',
  'error.VALIDATION_FAILED': '输入内容不符合要求，请检查后重新提交。',
  'error.ROUTE_NOT_FOUND': '请求的接口不存在。',
  'error.NOT_FOUND': '未找到相关记录。',
  'error.CONFLICT': '操作与当前状态冲突，请刷新后重试。',
  'error.AUTH_REQUIRED': '请先登录。',
  'error.AUTH_INVALID_CREDENTIALS': '用户名或密码错误。',
  'error.AUTH_SESSION_EXPIRED': '登录已过期或已退出，请重新登录。',
  'error.AUTH_ACCOUNT_DISABLED': '该账号已被停用，请联系系统管理员。',
  'error.AUTH_THROTTLED': '登录失败次数过多，请稍后再试。',
  'error.CSRF_FAILED': '安全校验失败，请刷新页面后重试。',
  'error.FORBIDDEN_ROLE': '您的角色无权执行此操作。',
  'error.FORBIDDEN_REGION': '该操作超出您所属地区的权限范围。',
  'error.USCC_MALFORMED': '统一社会信用代码格式不正确。',
  'error.USCC_BAD_CHECK_DIGIT': '统一社会信用代码校验位错误（GB 32100-2015）。',
  'error.USCC_TAKEN': '该统一社会信用代码已被登记。',
  'error.DIVISION_CODE_INVALID': '行政区划代码无效。',
  'error.REGION_UNKNOWN': '未知地区。',
  'error.USERNAME_TAKEN': '该用户名已被使用。',
  'error.DB_UNAVAILABLE': '数据库暂时不可用，请稍后再试。',
  'error.INTERNAL': '服务器内部错误，请稍后再试。',
  'error.CSR_INVALID': '证书申请（CSR）格式错误或签名无效。',
  'error.PEM_MALFORMED': 'PEM 格式错误。',
  'error.CERT_MALFORMED': '证书格式错误。',
  'error.CRL_MALFORMED': '证书吊销列表格式错误。',
  'error.CRL_INVALID': '证书吊销列表签名无效。',
  'error.CERT_SUBJECT_MISMATCH': '证书主体与申请人（单位名称、统一社会信用代码或姓名）不符。',
  'error.CERT_EXPIRED': '证书已过期。',
  'error.CERT_NOT_YET_VALID': '证书尚未生效。',
  'error.CERT_REVOKED': '证书已被吊销。',
  'error.CERT_UNTRUSTED': '证书不是由受信任的证书机构签发的。',
  'error.CERT_WRONG_USAGE': '该证书不能用于此用途。',
  'error.CERT_ALREADY_REVOKED': '该证书已被吊销。',

  // roles
  'role.admin': '系统管理员',
  'role.center_staff': '交易中心工作人员',
  'role.agent': '招标代理',
  'role.bidder': '投标人',
  'role.expert': '评标专家',
  'role.official': '开标官员',
  'role.supervisor': '监督人员',

  // home page
  'home.welcome': '欢迎，{name}',
  'home.profileTitle': '账号信息',
  'home.role': '角色',
  'home.region': '所属地区',
  'home.organisation': '所属单位',
  'home.uscc': '统一社会信用代码',
  'home.tasksTitle': '我的业务',
  'home.tasksIntro': '以下业务功能将随后续模块陆续开放。',
  'home.comingSoon': '即将开放',

  // certificates page (数字证书)
  'home.certificatesLink': '数字证书',
  'cert.title': '数字证书',
  'cert.intro': '密钥对在您的浏览器中生成，私钥不会离开本机、也不会发送到平台。平台只收到证书申请（CSR）并签发证书。',
  'cert.back': '返回首页',
  'cert.subjectTitle': '证书主体',
  'cert.commonName': '名称（CN）',
  'cert.organisation': '单位（O）',
  'cert.uscc': '统一社会信用代码',
  'cert.request': '生成密钥并申请证书',
  'cert.requesting': '正在生成密钥并申请证书…',
  'cert.issuedTitle': '证书已签发',
  'cert.serial': '序列号',
  'cert.validUntil': '有效期至',
  'cert.fingerprint': 'SHA-256 指纹',
  'cert.saveTitle': '保存私钥与证书（PKCS#12）',
  'cert.saveIntro': '请设置口令以加密保存文件（AES-256）。口令与文件请妥善保管：平台无法找回。',
  'cert.password': '口令',
  'cert.passwordConfirm': '确认口令',
  'cert.passwordTooShort': '口令至少 8 个字符。',
  'cert.passwordMismatch': '两次输入的口令不一致。',
  'cert.save': '保存 .p12 文件',
  'cert.saved': '已生成 {file}，请妥善保存。',
  'cert.mineTitle': '我的证书',
  'cert.none': '尚无证书。',
  'cert.status.valid': '有效',
  'cert.status.revoked': '已吊销',

  // task cards, per role
  'task.admin.users.title': '用户与角色',
  'task.admin.users.desc': '管理平台账号、分配角色、启用或停用账号。',
  'task.admin.certificates.title': '数字证书',
  'task.admin.certificates.desc': '管理用户与单位数字证书的签发、绑定与吊销。',
  'task.admin.audit.title': '审计日志',
  'task.admin.audit.desc': '查阅平台全部操作记录及审计链校验结果。',

  'task.staff.notices.title': '发布交易公告',
  'task.staff.notices.desc': '审核并发布招标公告、变更公告与澄清文件。',
  'task.staff.openingHall.title': '开标大厅',
  'task.staff.openingHall.desc': '主持远程开标：投标人签到、解密与开标记录。',
  'task.staff.expertDraw.title': '抽取评标专家',
  'task.staff.expertDraw.desc': '按专业与回避规则从专家库随机抽取评标专家。',
  'task.staff.results.title': '发布交易结果',
  'task.staff.results.desc': '公示中标候选人并发布中标结果公告。',

  'task.agent.trades.title': '交易项目登记',
  'task.agent.trades.desc': '代招标人登记交易项目及标段（包）信息。',
  'task.agent.documents.title': '招标文件编制',
  'task.agent.documents.desc': '编制并上传招标文件，设定评标办法与关键时间节点。',

  'task.bidder.findTrades.title': '查找交易项目',
  'task.bidder.findTrades.desc': '浏览正在进行的交易公告并获取招标文件。',
  'task.bidder.sealedBids.title': '上传加密投标文件',
  'task.bidder.sealedBids.desc': '在投标截止时间前上传加密的投标文件。',
  'task.bidder.watchOpening.title': '在线参加开标',
  'task.bidder.watchOpening.desc': '远程签到并实时查看开标过程与开标记录。',

  'task.expert.evaluationRoom.title': '评标室',
  'task.expert.evaluationRoom.desc': '在线评审投标文件，提交评分与评审意见。',

  'task.official.unlockKey.title': '解锁开标密钥',
  'task.official.unlockKey.desc': '在开标时刻解锁开标密钥，使投标文件得以解密。',

  'task.supervisor.auditChain.title': '审计链核验',
  'task.supervisor.auditChain.desc': '核验覆盖交易全过程的防篡改审计链。',
  'task.supervisor.credit.title': '信用惩戒',
  'task.supervisor.credit.desc': '记录违法违规行为并实施信用惩戒。',

  // footer
  'footer.about': 'Tenderhall 开源公共资源交易平台 · Apache-2.0 许可',
  'footer.healthChecking': '正在检查服务状态…',
  'footer.healthOk': '服务运行正常',
  'footer.healthDegraded': '服务降级：数据库不可达',
  'footer.healthUnreachable': '无法连接服务器',
  'footer.version': '版本 {version}',
} satisfies Record<string, string>;

export type MessageKey = keyof typeof zhCN;

const en: Record<MessageKey, string> = {
  'app.brand': 'Tenderhall',
  'app.platformName': 'Public Resource Trading Platform',
  'app.documentTitle': 'Tenderhall Public Resource Trading Platform',
  'app.skipToContent': 'Skip to main content',
  'app.loading': 'Loading…',
  'app.startupError': 'Cannot reach the server. Check your connection and try again.',
  'app.retry': 'Retry',
  'app.dismiss': 'Dismiss',

  'lang.switch': '中文',
  'lang.switchTitle': 'Switch to Chinese',

  'header.signedInAs': 'Signed in as',
  'header.logout': 'Log out',
  'header.loggingOut': 'Logging out…',
  'header.logoutFailed': 'Could not log out: {message}',

  'login.introTitle': 'Open · Fair · Impartial · Trustworthy',
  'login.introBody':
    'Fully electronic trading of public resources — construction projects, government procurement, land-use and mining rights, state-owned property: notices, encrypted bids, remote bid opening, expert evaluation and published results, with every step on record.',
  'login.introPoint1': 'Bids stay encrypted; nobody can read them before the opening',
  'login.introPoint2': 'Remote bid opening, visible to everyone as it happens',
  'login.introPoint3': 'A tamper-evident audit chain records every action',
  'login.title': 'Sign in',
  'login.subtitle': 'Sign in with your platform account.',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.usernamePlaceholder': 'Enter your username',
  'login.passwordPlaceholder': 'Enter your password',
  'login.submit': 'Sign in',
  'login.submitting': 'Signing in…',
  'login.demoTitle': 'Demo accounts',
  'login.demoHint': 'Every demo account uses the password {password}. Click an account to fill in the form.',
  'login.demoFill': 'Sign in as demo account {username}',
  'login.sessionExpired': 'Your session has expired. Please sign in again.',
  'login.loggedOut': 'You have been signed out.',

  'error.generic': 'Something went wrong (error code: {code}).',
  'error.NETWORK_ERROR': 'Cannot reach the server. Check your connection and try again.',
  'error.HTTP_ERROR': 'The server sent an unexpected response (HTTP {status}).',
  'error.throttledSeconds': 'Too many failed sign-in attempts. Try again in {seconds} seconds.',
  'error.throttledMinutes': 'Too many failed sign-in attempts. Try again in {minutes} minutes.',
  'error.MALFORMED_JSON': 'The request was not well-formed.',
  'error.UNSUPPORTED_MEDIA_TYPE': 'The request content type is not supported.',
  'error.PAYLOAD_TOO_LARGE': 'What you submitted is too large.',
  'error.VALIDATION_FAILED': 'Some of what you entered is not valid. Please check and try again.',
  'error.ROUTE_NOT_FOUND': 'That service does not exist.',
  'error.NOT_FOUND': 'Nothing was found.',
  'error.CONFLICT': 'This conflicts with the current state. Refresh and try again.',
  'error.AUTH_REQUIRED': 'Please sign in first.',
  'error.AUTH_INVALID_CREDENTIALS': 'Wrong username or password.',
  'error.AUTH_SESSION_EXPIRED': 'Your session has expired or you have signed out. Please sign in again.',
  'error.AUTH_ACCOUNT_DISABLED': 'This account is disabled. Please contact the system administrator.',
  'error.AUTH_THROTTLED': 'Too many failed sign-in attempts. Please try again later.',
  'error.CSRF_FAILED': 'The security check failed. Refresh the page and try again.',
  'error.FORBIDDEN_ROLE': 'Your role may not do this.',
  'error.FORBIDDEN_REGION': 'This is outside your region.',
  'error.USCC_MALFORMED': 'That is not a well-formed unified social credit code.',
  'error.USCC_BAD_CHECK_DIGIT': 'Wrong check digit in the unified social credit code (GB 32100-2015).',
  'error.USCC_TAKEN': 'An organisation with this unified social credit code is already registered.',
  'error.DIVISION_CODE_INVALID': 'That is not a valid administrative division code.',
  'error.REGION_UNKNOWN': 'Unknown region.',
  'error.USERNAME_TAKEN': 'That username is taken.',
  'error.DB_UNAVAILABLE': 'The database is unavailable. Please try again later.',
  'error.INTERNAL': 'Internal server error. Please try again later.',
  'error.CSR_INVALID': 'The certificate request (CSR) is malformed or its signature does not verify.',
  'error.PEM_MALFORMED': 'Malformed PEM.',
  'error.CERT_MALFORMED': 'Malformed certificate.',
  'error.CRL_MALFORMED': 'Malformed certificate revocation list.',
  'error.CRL_INVALID': 'The certificate revocation list is not signed by its issuer.',
  'error.CERT_SUBJECT_MISMATCH': 'The certificate subject does not match you (organisation name, unified social credit code or name).',
  'error.CERT_EXPIRED': 'The certificate has expired.',
  'error.CERT_NOT_YET_VALID': 'The certificate is not valid yet.',
  'error.CERT_REVOKED': 'The certificate has been revoked.',
  'error.CERT_UNTRUSTED': 'The certificate was not issued by a trusted certification authority.',
  'error.CERT_WRONG_USAGE': 'The certificate may not be used for this.',
  'error.CERT_ALREADY_REVOKED': 'The certificate is already revoked.',

  'role.admin': 'System administrator',
  'role.center_staff': 'Trading-center staff',
  'role.agent': "Tenderee's agent",
  'role.bidder': 'Bidder',
  'role.expert': 'Evaluation expert',
  'role.official': 'Bid-opening official',
  'role.supervisor': 'Supervisor',

  'home.welcome': 'Welcome, {name}',
  'home.profileTitle': 'Your account',
  'home.role': 'Role',
  'home.region': 'Region',
  'home.organisation': 'Organisation',
  'home.uscc': 'Unified social credit code',
  'home.tasksTitle': 'Your tasks',
  'home.tasksIntro': 'These functions arrive with later modules.',
  'home.comingSoon': 'Coming with later modules',

  'home.certificatesLink': 'Certificates',
  'cert.title': 'Digital certificates',
  'cert.intro': 'Your key pair is made in this browser; the private key never leaves it and is never sent to the platform. The platform only receives a certificate request (CSR) and issues the certificate.',
  'cert.back': 'Back to home',
  'cert.subjectTitle': 'Certificate subject',
  'cert.commonName': 'Name (CN)',
  'cert.organisation': 'Organisation (O)',
  'cert.uscc': 'Unified social credit code',
  'cert.request': 'Make a key pair and request a certificate',
  'cert.requesting': 'Making the key pair and requesting the certificate…',
  'cert.issuedTitle': 'Certificate issued',
  'cert.serial': 'Serial number',
  'cert.validUntil': 'Valid until',
  'cert.fingerprint': 'SHA-256 fingerprint',
  'cert.saveTitle': 'Save key and certificate (PKCS#12)',
  'cert.saveIntro': 'Choose a password to encrypt the file (AES-256). Keep the password and the file safe: the platform cannot recover them.',
  'cert.password': 'Password',
  'cert.passwordConfirm': 'Confirm password',
  'cert.passwordTooShort': 'The password needs at least 8 characters.',
  'cert.passwordMismatch': 'The passwords differ.',
  'cert.save': 'Save the .p12 file',
  'cert.saved': '{file} was created; keep it safe.',
  'cert.mineTitle': 'My certificates',
  'cert.none': 'No certificates yet.',
  'cert.status.valid': 'Valid',
  'cert.status.revoked': 'Revoked',

  'task.admin.users.title': 'Users and roles',
  'task.admin.users.desc': 'Manage platform accounts, assign roles, enable or disable accounts.',
  'task.admin.certificates.title': 'Digital certificates',
  'task.admin.certificates.desc': 'Issue, bind and revoke digital certificates for users and organisations.',
  'task.admin.audit.title': 'Audit log',
  'task.admin.audit.desc': 'Browse every recorded action and the audit-chain verification.',

  'task.staff.notices.title': 'Publish notices',
  'task.staff.notices.desc': 'Review and publish tender notices, amendments and clarifications.',
  'task.staff.openingHall.title': 'Bid-opening hall',
  'task.staff.openingHall.desc': 'Run remote bid openings: bidder check-in, decryption and the opening record.',
  'task.staff.expertDraw.title': 'Draw evaluation experts',
  'task.staff.expertDraw.desc': 'Draw experts at random from the pool by speciality, applying conflict-of-interest rules.',
  'task.staff.results.title': 'Publish results',
  'task.staff.results.desc': 'Publish the winning candidates and the award notice.',

  'task.agent.trades.title': 'Prepare trades',
  'task.agent.trades.desc': 'Register trades and their lots on behalf of the tenderee.',
  'task.agent.documents.title': 'Tender documents',
  'task.agent.documents.desc': 'Prepare and upload tender documents; set the evaluation method and key dates.',

  'task.bidder.findTrades.title': 'Find trades',
  'task.bidder.findTrades.desc': 'Browse open tender notices and obtain the tender documents.',
  'task.bidder.sealedBids.title': 'Upload sealed bids',
  'task.bidder.sealedBids.desc': 'Upload your encrypted bid before the deadline.',
  'task.bidder.watchOpening.title': 'Watch the opening',
  'task.bidder.watchOpening.desc': 'Check in remotely and follow the bid opening and its record live.',

  'task.expert.evaluationRoom.title': 'Evaluation room',
  'task.expert.evaluationRoom.desc': 'Review bids online and submit your scores and opinions.',

  'task.official.unlockKey.title': 'Unlock the opening key',
  'task.official.unlockKey.desc': 'At the opening time, unlock the opening key so the bids can be decrypted.',

  'task.supervisor.auditChain.title': 'Audit chain',
  'task.supervisor.auditChain.desc': 'Verify the tamper-evident audit chain that covers every trade.',
  'task.supervisor.credit.title': 'Credit penalties',
  'task.supervisor.credit.desc': 'Record misconduct and apply credit penalties.',

  'footer.about': 'Tenderhall open-source public resource trading platform · Apache-2.0 licence',
  'footer.healthChecking': 'Checking service status…',
  'footer.healthOk': 'Service running normally',
  'footer.healthDegraded': 'Service degraded: database unreachable',
  'footer.healthUnreachable': 'Server unreachable',
  'footer.version': 'Version {version}',
};

export const messages: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

// Compile-time coverage: every role and every server error code has a message.
type AssertNever<T extends never> = T;
export type _EveryRoleHasAName = AssertNever<Exclude<`role.${Role}`, MessageKey>>;
export type _EveryErrorCodeHasAMessage = AssertNever<Exclude<`error.${ErrorCode}`, MessageKey>>;

export type MessageParams = Record<string, string | number>;

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zhCN, key);
}

/** The message for `key` in `locale`, with `{placeholders}` filled from `params`. */
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = messages[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export type Translate = (key: MessageKey, params?: MessageParams) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function otherLocale(locale: Locale): Locale {
  return locale === 'zh-CN' ? 'en' : 'zh-CN';
}

/** The saved choice, or zh-CN. Never throws (storage may be disabled). */
export function loadLocale(): Locale {
  try {
    const saved = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(saved) ? saved : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function saveLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

/** Reflects the language on `<html lang>` and in the window title. */
export function applyDocumentLocale(locale: Locale): void {
  document.documentElement.lang = locale;
  document.title = translate(locale, 'app.documentTitle');
}

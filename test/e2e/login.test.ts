import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { givenApp, type TestApp } from '../helpers/app.js';
import { ensureClientBuilt, launchChromium } from './browser.js';

describe('web client in Chromium', function () {
  this.timeout(120_000);
  let app: TestApp;
  let chromium: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;

  before(async () => {
    ensureClientBuilt();
    app = await givenApp();
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await app?.stop();
  });
  beforeEach(async () => {
    const context = await chromium.browser.newContext({ locale: 'zh-CN' });
    page = await context.newPage();
  });
  afterEach(async () => {
    await page.context().close();
  });

  const text = (testId: string) => page.getByTestId(testId).innerText();

  it('logs in as staff, shows the home page in Chinese, and switches to English', async () => {
    await page.goto(app.url);
    await page.getByTestId('login-page').waitFor();
    expect(await page.locator('html').getAttribute('lang')).to.equal('zh-CN');
    expect(await page.title()).to.contain('公共资源交易平台');

    await page.locator('#username').fill('staff');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();

    await page.getByTestId('home-title').waitFor();
    expect(await text('home-title')).to.contain('欢迎').and.to.contain('李明');
    expect(await text('role-name')).to.contain('交易中心工作人员');
    expect(await text('region-name')).to.contain('赣州市');
    expect(await text('organisation-name')).to.contain('赣州市公共资源交易中心');
    expect(await text('lang-switch')).to.contain('English');

    await page.getByTestId('lang-switch').click();
    await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    expect(await text('home-title')).to.contain('Welcome');
    expect(await text('role-name')).to.contain('Trading-center staff');
    expect(await text('region-name')).to.contain('Ganzhou');
    expect(await text('lang-switch')).to.contain('中文');
    expect(await page.title()).to.contain('Public Resource Trading Platform');

    // The cookie session and the language choice both survive a reload.
    await page.reload();
    await page.getByTestId('home-title').waitFor();
    expect(await text('home-title')).to.contain('Welcome');

    await page.getByTestId('logout').click();
    await page.getByTestId('login-page').waitFor();
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).to.equal(401);
  });

  it('shows the server’s error code, translated, for a wrong password', async () => {
    await page.goto(app.url);
    await page.locator('#username').fill('bidder1');
    await page.locator('#password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await page.waitForSelector('[data-testid="login-error"][data-error-code="AUTH_INVALID_CREDENTIALS"]');
    expect(await error.innerText()).to.match(/用户名或密码/);
  });

  it('shows each role its own home page', async () => {
    await page.goto(app.url);
    await page.locator('#username').fill('expert1');
    await page.locator('#password').fill('demo1234');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('home-page').waitFor();
    expect(await page.getByTestId('home-page').getAttribute('data-role')).to.equal('expert');
    expect(await text('role-name')).to.contain('评标专家');
    expect(await page.getByTestId('task-card').count()).to.be.greaterThan(0);
  });
});

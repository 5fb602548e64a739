// Console smoke test (CI): starts the real server on a fresh embedded database, signs in through the
// console in Debian's Chromium, creates a store and finds it in the list, walks the member 360 and the points
// pages, the coupon templates, issuance and store write-off, the paid-membership pages, item codes and the service desk. Screenshots go to artifacts/.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, launchChromium, waitForReady } from './e2e-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const artifacts = path.join(root, 'artifacts');
const password = 'smoke-pass-123';
const storeCode = `SMOKE-${Date.now().toString(36).toUpperCase()}`;

const port = await freePort();
// Test what the sources say, as `npm start` would serve it.
if (spawnSync(process.execPath, [path.join(root, 'scripts/build-web.mjs'), '--if-stale'], { stdio: 'inherit' }).status !== 0) process.exit(1);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearth-e2e-'));
fs.mkdirSync(artifacts, { recursive: true });

let serverOutput = '';
const server = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
  cwd: root,
  env: { PATH: process.env.PATH, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', HEARTH_DATA_DIR: dataDir, HEARTH_DEMO_PASSWORD: password, LOG_LEVEL: 'warn' },
});
server.stdout.on('data', (chunk) => (serverOutput += chunk));
server.stderr.on('data', (chunk) => (serverOutput += chunk));

let browser;
let failure;
try {
  await waitForReady(server, `http://127.0.0.1:${port}/readyz`, 300_000);
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1366, height: 860 }, locale: 'zh-CN' });
  await page.goto(`http://127.0.0.1:${port}/admin/`);
  await page.getByTestId('login-submit').waitFor();
  await page.getByTestId('login-email').fill('owner@hearth.demo');
  await page.getByTestId('login-password').fill(password);
  await page.screenshot({ path: path.join(artifacts, 'console-login.png') });
  await page.getByTestId('login-submit').click();

  await page.getByTestId('nav-stores').click();
  await page.getByText('上海静安寺店').waitFor();
  await page.getByTestId('stores-create').click();
  await page.getByTestId('store-code').fill(storeCode);
  await page.getByTestId('store-name').fill('烟测门店');
  await page.getByTestId('store-province').fill('上海市');
  await page.getByTestId('store-city').fill('上海市');
  await page.getByTestId('store-save').click();

  const row = page.getByTestId('stores-table').locator('tr', { hasText: storeCode });
  await row.waitFor({ timeout: 15_000 });
  if (!(await row.textContent()).includes('烟测门店')) throw new Error('the new store row lacks its name');
  await page.screenshot({ path: path.join(artifacts, 'console-smoke.png'), fullPage: true });

  // Members: the list shows masked phones; the 360 view reveals the number on request (audited).
  await page.getByTestId('nav-members').click();
  // Phones in the list are masked (138****1234); waiting for one also waits for the data to arrive.
  await page.getByTestId('members-table').getByText(/^\d{3}\*{4}\d{4}$/).first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-members.png'), fullPage: true });
  await page.getByTestId('members-table').locator('tbody tr', { hasText: '****' }).first().click();
  await page.getByTestId('member-reveal').click();
  await page.getByText(/^\+86139\d{8}$/).first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-member-360.png'), fullPage: true });

  // Tier on the member 360: the demo ladder's tier with what is missing for the next one.
  await page.getByTestId('member-tier').getByTestId('member-tier-name').waitFor();

  // Points on the member 360: the balance, an adjustment by hand, and its ledger entry with postings and lot trail.
  const points = page.getByTestId('member-points');
  await points.getByTestId('points-balance').waitFor();
  await points.getByTestId('points-adjust').click();
  await page.getByTestId('points-adjust-points').fill('200');
  await page.getByTestId('points-adjust-reason').fill('烟测补偿积分');
  await page.getByRole('dialog').locator('.ant-btn-primary').click();
  const entry = points.getByTestId('points-ledger').locator('tbody tr', { hasText: '烟测补偿积分' });
  await entry.waitFor();
  if (!(await entry.textContent()).includes('+200')) throw new Error('the adjustment entry lacks +200');
  await entry.locator('.ant-table-row-expand-icon').click();
  await points.getByText('记账分录').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'console-member-points.png'), fullPage: true });

  // Orders: amounts in ¥ with two decimals; a click opens the order with its lines.
  await page.getByTestId('nav-orders').click();
  await page.getByText('DEMO-1039').click();
  await page.getByText('BAK-CROISSANT').first().waitFor();
  await page.waitForTimeout(500); // let the drawer finish sliding in
  await page.screenshot({ path: path.join(artifacts, 'console-order.png') });
  await page.keyboard.press('Escape');

  // Points: the earning rules with a preview of a sample order under the draft, then the first version saved.
  await page.getByTestId('nav-points').click();
  await page.getByTestId('nav-points-rules').click();
  await page.getByTestId('points-rules').waitFor();
  await page.getByTestId('preview-sku-0').locator('input').fill('COF-LATTE-M');
  await page.keyboard.press('Escape');
  await page.getByTestId('preview-qty-0').fill('2');
  await page.getByTestId('preview-unit-0').fill('32.00');
  await page.getByTestId('points-preview-run').click();
  const preview = page.getByTestId('points-preview-result');
  await preview.waitFor();
  // The editor starts from the rules in force (none on a fresh brand, whatever the demo seeds otherwise).
  if (!/COF-LATTE-M[\s\S]*基础积分/.test(await preview.textContent())) throw new Error('the preview lacks its line or its base contribution');
  await page.getByTestId('points-rules-save').click();
  await page.getByText(/已保存为 v\d+/).waitFor();
  await page.getByTestId('points-rules').locator('tbody tr').first().getByText('生效中').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-points-rules.png'), fullPage: true });

  await page.getByTestId('nav-points-settings').click();
  await page.getByTestId('points-settings-value').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-points-settings.png'), fullPage: true });

  await page.getByTestId('nav-points-rewards').click();
  await page.getByTestId('rewards-create').click();
  await page.getByTestId('reward-name').fill('手冲咖啡兑换券');
  await page.getByTestId('reward-price').fill('500');
  await page.getByTestId('reward-save').click();
  await page.getByTestId('rewards').locator('tbody tr', { hasText: '手冲咖啡兑换券' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-points-rewards.png'), fullPage: true });

  // Liability: the points adjusted above are owed, the ledger's accounts sum to zero and the books reconcile.
  await page.getByTestId('nav-points-liability').click();
  await page.getByTestId('reconciliation-ok').waitFor();
  if (!(await page.getByTestId('liability-sum').textContent()).includes('合计为 0：')) throw new Error('the ledger accounts do not sum to zero');
  await page.screenshot({ path: path.join(artifacts, 'console-points-liability.png'), fullPage: true });

  // Analytics: the CLV page with its ECharts distribution, the Lorenz curve, the regional table.
  await page.getByTestId('nav-analytics').click();
  await page.getByTestId('nav-analytics-clv').click();
  await page.getByTestId('clv-distribution').locator('canvas').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-analytics-clv.png'), fullPage: true });
  await page.getByTestId('nav-analytics-pareto').click();
  await page.getByTestId('pareto-lorenz').locator('canvas').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-analytics-pareto.png'), fullPage: true });
  await page.getByTestId('nav-analytics-regional').click();
  await page.getByTestId('regional-table').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-analytics-regional.png'), fullPage: true });

  // Tiers: the distribution chart, then a simulation of the rules in force with its move matrix.
  await page.getByTestId('nav-tiers').click();
  await page.getByTestId('tier-distribution').locator('canvas').waitFor();
  await page.getByTestId('tier-simulate').click();
  await page.getByTestId('tier-simulation').locator('canvas').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-tiers.png'), fullPage: true });

  // Coupons: a template made in the form (¥ typed, integer fen sent), listed with its stock and report counts.
  await page.getByTestId('nav-coupons').click();
  await page.getByTestId('nav-coupons-templates').click();
  await page.getByTestId('coupon-templates').locator('tbody tr', { hasText: '满100减20' }).waitFor();
  await page.getByTestId('coupon-template-create').click();
  await page.getByTestId('coupon-template-stock').fill('100');
  await page.getByTestId('coupon-template-name').fill('烟测满30减5');
  await page.getByTestId('coupon-template-value').fill('5');
  await page.getByTestId('coupon-template-min-spend').fill('30.00');
  await page.waitForTimeout(500); // let the drawer finish sliding in
  await page.screenshot({ path: path.join(artifacts, 'console-coupon-template-form.png') });
  await page.getByTestId('coupon-template-save').click();
  const template = page.getByTestId('coupon-templates').locator('tbody tr', { hasText: '烟测满30减5' });
  await template.waitFor();
  if (!(await template.textContent()).includes('满 ¥30.00 可用 · 减 ¥5.00')) throw new Error('the new template row lacks its value in ¥');
  await page.mouse.move(600, 700); // away from the operator menu the save button sits under
  await page.waitForTimeout(500); // let the drawer finish closing
  await page.screenshot({ path: path.join(artifacts, 'console-coupon-templates.png'), fullPage: true });

  // Member 360: a coupon of it issued by hand shows in the member's coupons with its code.
  await page.getByTestId('nav-members').click();
  await page.getByTestId('members-table').locator('tbody tr', { hasText: '****' }).first().click();
  const coupons = page.getByTestId('member-coupons');
  await coupons.getByTestId('member-coupons-issue').click();
  const issueOk = page.getByTestId('member-coupons-issue-ok');
  await chooseUntilEnabled(page.getByRole('dialog').locator('.ant-select'), '烟测满30减5', issueOk);
  await issueOk.click();
  const issued = coupons.locator('tbody tr', { hasText: '烟测满30减5' });
  await issued.waitFor();
  const code = (await issued.getByTestId('member-coupon-code').textContent()).trim();
  if (!/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/.test(code)) throw new Error(`the issued coupon's code reads ${code}`);
  const memberId = new URL(page.url()).pathname.split('/').pop();
  await coupons.scrollIntoViewIfNeeded();
  await coupons.screenshot({ path: path.join(artifacts, 'console-member-coupons.png') });

  // Bulk issuance to a list of member ids runs as a job and shows its progress until done.
  await page.getByTestId('nav-coupons-issue').click();
  await page.getByTestId('coupon-issue').locator('.ant-select').first().click();
  await page.locator('.ant-select-item-option', { hasText: '烟测满30减5' }).click();
  await page.getByRole('tab', { name: '按会员 ID 名单' }).click();
  await page.getByTestId('coupon-issue').locator('textarea').fill(memberId);
  await page.getByRole('button', { name: '开始发放' }).click();
  await page.getByTestId('coupon-issuances').locator('tbody tr', { hasText: '已完成' }).first().waitFor({ timeout: 30_000 });
  await page.getByRole('tab', { name: '上传手机号 CSV' }).click();
  await page.getByTestId('coupon-issue').locator('input[type=file]').setInputFiles({ name: 'smoke-phones.csv', mimeType: 'text/csv', buffer: Buffer.from('phone\n13900000000\n') });
  await page.getByTestId('coupon-issuances').locator('tbody tr', { hasText: 'smoke-phones.csv' }).getByText('已完成').waitFor({ timeout: 30_000 });
  await page.screenshot({ path: path.join(artifacts, 'console-coupon-issue.png'), fullPage: true });

  // Store write-off (核销): the code typed in lowercase without dashes, quoted for a ¥36.00 order, written off once;
  // the same code again is refused as used, and a changed symbol fails the check character.
  await page.getByTestId('nav-coupons-write-off').click();
  await page.getByTestId('writeoff-code').fill(code.toLowerCase().replaceAll('-', ''));
  await page.getByTestId('writeoff-lookup').click();
  await page.getByTestId('writeoff-coupon').waitFor();
  await page.getByTestId('writeoff-total').fill('36.00');
  await page.getByTestId('writeoff-quote').click();
  await page.getByTestId('writeoff-discount').getByText('¥5.00').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-coupon-writeoff-quote.png'), fullPage: true });
  await page.getByTestId('writeoff-confirm').click();
  await page.getByTestId('writeoff-done').getByText('¥31.00').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-coupon-writeoff-done.png'), fullPage: true });
  await page.getByTestId('writeoff-next').click();
  await page.getByTestId('writeoff-code').fill(code);
  await page.getByTestId('writeoff-lookup').click();
  await page.getByTestId('writeoff-error').getByText('已经核销过了').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-coupon-writeoff-redeemed.png'), fullPage: true });
  const mistyped = (code[0] === 'A' ? 'B' : 'A') + code.slice(1);
  await page.getByTestId('writeoff-code').fill(mistyped);
  await page.getByTestId('writeoff-lookup').click();
  await page.getByTestId('writeoff-error').getByText('券码有误').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-coupon-writeoff-badcode.png'), fullPage: true });

  // Paid membership: a plan made in the drawer (¥ typed), a subscription's transitions, a counter sale on the
  // member 360 confirmed once paid, a refund with its amount quoted first, the reports' charts, the settings,
  // and the segment builder's paid-status condition.
  await page.getByTestId('nav-membership').click();
  await page.getByTestId('nav-membership-plans').click();
  await page.getByTestId('membership-plans').locator('tbody tr', { hasText: '付费会员' }).waitFor();
  await page.getByTestId('membership-plan-create').click();
  await page.getByTestId('membership-plan-name').fill('烟测年卡');
  await page.getByTestId('membership-plan-price').fill('39.9');
  await page.getByTestId('membership-plan-save').click();
  await page.getByTestId('membership-plans').locator('tbody tr', { hasText: '烟测年卡' }).getByText('¥39.90 / 年').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-membership-plans.png'), fullPage: true });
  await page.getByTestId('nav-membership-subscriptions').click();
  await page.getByTestId('membership-subscriptions').locator('tbody tr.ant-table-row').first().click();
  await page.getByTestId('membership-transitions').waitFor();
  await page.waitForTimeout(500); // let the drawer finish sliding in
  await page.screenshot({ path: path.join(artifacts, 'console-membership-subscription.png') });
  await page.keyboard.press('Escape');
  await page.goto(`http://127.0.0.1:${port}/admin/members/${memberId}`);
  const membership = page.getByTestId('member-membership');
  await membership.getByTestId('member-membership-sell').click();
  const createPayment = page.getByTestId('membership-create-payment');
  await chooseUntilEnabled(page.getByTestId('membership-plan-select'), '付费会员 ·', createPayment);
  await createPayment.click();
  await page.getByTestId('membership-amount-due').getByText('¥99.00', { exact: false }).first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-membership-counter-sale.png') });
  await page.getByTestId('membership-confirm-paid').click();
  await membership.getByTestId('member-membership-paid').getByText('付费会员', { exact: true }).waitFor();
  await membership.getByTestId('membership-refund').click();
  await page.getByTestId('membership-refund-quote').waitFor();
  await page.getByTestId('membership-refund-reason').fill('烟测退款');
  await page.screenshot({ path: path.join(artifacts, 'console-membership-refund-quote.png') });
  await page.locator('.ant-modal-footer .ant-btn-dangerous').click();
  await membership.getByTestId('member-membership-paid').getByText('非付费会员').waitFor();
  await membership.scrollIntoViewIfNeeded();
  await membership.screenshot({ path: path.join(artifacts, 'console-member-membership.png') });
  await page.getByTestId('nav-membership').click(); // the page was loaded on a member: the group is closed
  await page.getByTestId('nav-membership-reports').click();
  await page.getByTestId('membership-report-ratio').locator('canvas').waitFor();
  await page.getByTestId('membership-report-churn').locator('canvas').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-membership-reports.png'), fullPage: true });
  await page.getByTestId('nav-membership-settings').click();
  await page.getByTestId('membership-wechat').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-membership-settings.png'), fullPage: true });
  await page.getByTestId('nav-segments').click();
  await page.getByTestId('nav-segments-list').click();
  await page.getByTestId('segment-new').click();
  // Sixteen kinds of condition: typed to find (the list is virtual).
  await page.getByTestId('segment-condition').locator('.ant-select').first().click();
  await page.keyboard.type('付费');
  const paidPreview = page.waitForResponse((r) => r.url().endsWith('/segments/preview') && (r.request().postData() ?? '').includes('paid_status'));
  await page.locator('.ant-select-item-option', { hasText: /^付费会员$/ }).click();
  const paidCount = (await (await paidPreview).json()).count;
  // The demo's counter-paid member holds the plan (the one sold above was refunded).
  if (!(paidCount >= 1)) throw new Error(`the paid-status preview counts ${paidCount}`);
  await page.getByTestId('segment-preview').locator('.ant-statistic-content-value').getByText(String(paidCount), { exact: true }).waitFor();
  await page.getByTestId('segment-name').click(); // closes the condition's dropdown
  await page.screenshot({ path: path.join(artifacts, 'console-segment-paid-status.png') });
  await page.keyboard.press('Escape');

  // Benefits: a free service with two uses a month made in the drawer and listed with its limit; the member 360
  // shows the member's benefits and this year's savings (the coupon written off above counts).
  await page.getByTestId('nav-benefits').click();
  await page.getByTestId('benefit-create').click();
  await page.getByTestId('benefit-name').fill('烟测品鉴');
  await page.getByTestId('benefit-code').fill('smoke-tasting');
  await page.getByTestId('benefit-type').click();
  await page.locator('.ant-select-item-option', { hasText: /^免费服务$/ }).click();
  await page.getByTestId('benefit-service').fill('咖啡品鉴');
  await page.getByTestId('benefit-limit-period').click();
  await page.locator('.ant-select-item-option', { hasText: /^每月$/ }).click();
  await page.getByTestId('benefit-limit-uses').fill('2');
  await page.screenshot({ path: path.join(artifacts, 'console-benefit-form.png') });
  await page.getByTestId('benefit-save').click();
  await page.getByTestId('benefits').locator('tbody tr', { hasText: '烟测品鉴' }).getByText('每月 2 次').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-benefits.png'), fullPage: true });
  await page.goto(`http://127.0.0.1:${port}/admin/members/${memberId}`);
  const memberBenefits = page.getByTestId('member-benefits');
  await memberBenefits.getByTestId('member-savings').waitFor();
  await memberBenefits.scrollIntoViewIfNeeded();
  await memberBenefits.screenshot({ path: path.join(artifacts, 'console-member-benefits.png') });

  // Alliance partners: a partner and a code pool made in their modals, codes imported from a CSV (one repeated,
  // rejected with its line), the pool's stock in the list; the member-price and launch/ballot pages load.
  await page.getByTestId('nav-partners').click();
  await page.getByTestId('partner-create').click();
  await page.getByTestId('partner-name').fill('烟测影城');
  await page.getByTestId('partner-save').click();
  await page.getByTestId('partners-page').getByText('烟测影城').waitFor();
  await page.getByRole('tab', { name: '权益与券码库' }).click();
  await page.getByTestId('partner-benefit-create').click();
  await page.getByTestId('partner-benefit-name').fill('烟测观影券');
  await page.getByTestId('partner-benefit-save').click();
  const pool = page.getByTestId('partner-benefits').locator('tbody tr', { hasText: '烟测观影券' });
  await pool.locator('input[type=file]').setInputFiles({ name: 'codes.csv', mimeType: 'text/csv', buffer: Buffer.from('code\nSMOKE-1\nSMOKE-2\nSMOKE-1\n') });
  await page.getByText('共 3 行：导入 2，拒绝 1').first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-partner-codes-import.png') });
  await page.keyboard.press('Escape');
  await pool.getByText('2 / 2').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-partners.png'), fullPage: true });
  await page.getByTestId('nav-pricing').click();
  await page.getByTestId('nav-pricing-member-prices').click();
  await page.getByTestId('member-prices').waitFor();
  await page.getByTestId('nav-pricing-scarce').click();
  await page.getByTestId('scarce-products').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-launches.png'), fullPage: true });

  // Member days: the demo's monthly day on the 18th is listed; its drawer shows the next dates and results,
  // and the form previews a quarterly first Saturday.
  await page.getByTestId('nav-member-days').click();
  const memberDayRow = page.getByTestId('member-days').locator('tbody tr', { hasText: '每月 18 号会员日' });
  await memberDayRow.waitFor();
  await memberDayRow.click();
  await page.getByTestId('member-day-upcoming').locator('.ant-tag').first().waitFor();
  await page.getByTestId('member-day-stats').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-member-day.png'), fullPage: true });
  await page.keyboard.press('Escape');
  await page.getByTestId('member-day-create').click();
  await page.getByTestId('member-day-preview').locator('.ant-tag').first().waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-member-day-form.png') });
  await page.keyboard.press('Escape');

  // Referrals: rules saved in the form (points for both sides, a ¥ minimum, a monthly limit) read back after a
  // reload; the review queue, cases and funnel tabs load.
  await page.getByTestId('nav-referrals').click();
  const rules = page.getByTestId('referral-rules');
  await rules.waitFor();
  await page.getByTestId('referral-referrer-points').fill('200');
  await page.getByTestId('referral-referee-points').fill('100');
  await page.getByTestId('referral-min-order').fill('49.9');
  await page.getByTestId('referral-monthly-limit').fill('10');
  await page.getByTestId('referral-rules-save').click();
  await page.locator('.ant-message').getByText('已保存').first().waitFor();
  await page.reload();
  await rules.waitFor();
  const readBack = [await page.getByTestId('referral-referrer-points').inputValue(), await page.getByTestId('referral-referee-points').inputValue(), await page.getByTestId('referral-min-order').inputValue(), await page.getByTestId('referral-monthly-limit').inputValue()];
  if (readBack.join('|') !== '200|100|49.90|10') throw new Error(`the saved referral rules read back as ${readBack.join('|')}`);
  await page.screenshot({ path: path.join(artifacts, 'console-referral-rules.png'), fullPage: true });
  await page.getByRole('tab', { name: '审核队列' }).click();
  await page.getByTestId('referral-review-table').waitFor();
  await page.getByRole('tab', { name: '推荐记录' }).click();
  await page.getByTestId('referral-cases-table').waitFor();
  await page.getByRole('tab', { name: '转化漏斗' }).click();
  await page.getByTestId('referral-funnel').getByText('首单').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-referral-funnel.png'), fullPage: true });

  // Distribution: a two-level plan (10 % with tea at 20 %, 3 % for the recruiter) saved and read back; the third
  // level is shown locked. A member applied through the API is approved in the list and has a dashboard.
  await page.getByTestId('nav-distribution').click();
  const plan = page.getByTestId('commission-plan');
  await plan.waitFor();
  if (await page.getByTestId('commission-third-level').isEnabled()) throw new Error('a third commission level can be added');
  // The demo plan already pays a category rate on two levels: its first category row is changed to tea.
  await page.getByTestId('commission-l1-default').fill('10');
  if (!(await page.getByTestId('commission-l1-categories-key').count())) await page.getByTestId('commission-l1-add-categories').click();
  await page.getByTestId('commission-l1-categories-key').first().fill('茶');
  await page.getByTestId('commission-l1-categories-rate').first().fill('20');
  if ((await page.getByTestId('commission-level2-on').getAttribute('aria-checked')) !== 'true') await page.getByTestId('commission-level2-on').click();
  await page.getByTestId('commission-l2-default').fill('3');
  await page.getByTestId('commission-plan-save').click();
  await page.locator('.ant-message').getByText('已保存').first().waitFor();
  await page.reload();
  await plan.waitFor();
  const planBack = [await page.getByTestId('commission-l1-default').inputValue(), await page.getByTestId('commission-l1-categories-key').first().inputValue(), await page.getByTestId('commission-l1-categories-rate').first().inputValue(), await page.getByTestId('commission-l2-default').inputValue()];
  if (planBack.join('|') !== '10.00|茶|20.00|3.00') throw new Error(`the saved commission plan reads back as ${planBack.join('|')}`);
  await page.screenshot({ path: path.join(artifacts, 'console-distribution-plan.png'), fullPage: true });
  const applied = await page.evaluate(async (member) => (await fetch('/api/v1/promoters', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hearth-csrf': '1' }, body: JSON.stringify({ member_id: member }) })).status, memberId);
  if (applied !== 201) throw new Error(`applying as promoter answered ${applied}`);
  await page.getByRole('tab', { name: '分销员' }).click();
  const promoterRow = page.getByTestId('promoters-table').locator('tbody tr', { hasText: '待审核' });
  await promoterRow.getByTestId('promoter-approve').click();
  await page.locator('.ant-popconfirm').getByRole('button', { name: /确\s*定|OK/ }).click();
  // The demo's own promoters are approved too: the row is found by the applicant's member number.
  const applicantNo = await page.evaluate(async (id) => (await (await fetch(`/api/v1/members/${id}`)).json()).member.member_no, memberId);
  await page.getByTestId('promoters-table').locator('tbody tr', { hasText: applicantNo }).filter({ hasText: '已通过' }).getByTestId('promoter-dashboard').click();
  await page.getByTestId('promoter-board').getByText('可提现').waitFor();
  await page.waitForTimeout(500); // let the drawer finish sliding in
  await page.screenshot({ path: path.join(artifacts, 'console-promoter-dashboard.png'), fullPage: true });
  await page.keyboard.press('Escape');
  await page.getByRole('tab', { name: '佣金明细' }).click();
  await page.getByTestId('commissions-table').waitFor();
  await page.getByRole('tab', { name: '提现' }).click();
  await page.getByTestId('withdrawals-table').waitFor();

  // Messaging: a template made in the editor and previewed for a member; the broadcasts (with the create
  // form), delivery log and channel settings pages load.
  await page.getByTestId('nav-messaging').click();
  await page.getByTestId('nav-messaging-templates').click();
  await page.getByTestId('new-template').click();
  await page.getByTestId('template-name').fill('烟测邮件');
  await page.getByTestId('zh-subject').fill('春季上新');
  await page.getByTestId('zh-body').fill('<p>{{ member.name }}，春季新品到店</p>');
  await page.getByTestId('save-template').click();
  const templateRow = page.getByTestId('templates-page').locator('tbody tr', { hasText: '烟测邮件' });
  await templateRow.waitFor();
  await templateRow.getByTestId('edit-template').click();
  await page.getByTestId('preview-member').fill(memberId);
  await page.getByTestId('preview-run').click();
  await page.getByTestId('preview-body').getByText('春季新品到店').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-message-template.png'), fullPage: true });
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-messaging-broadcasts').click();
  await page.getByTestId('new-broadcast').click();
  await page.getByTestId('broadcast-name').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-broadcast-create.png') });
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-messaging-deliveries').click();
  await page.getByTestId('deliveries-page').waitFor();
  await page.getByTestId('nav-messaging-channels').click();
  await page.getByTestId('save-messaging-settings').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-messaging-channels.png'), fullPage: true });

  // Item codes: a batch of 20 codes for a demo product, generated by the background job and activated as shipped.
  await page.getByTestId('nav-item-codes').click();
  await page.getByTestId('code-batch-create').click();
  await page.getByTestId('code-batch-sku').fill('COF-LATTE-M');
  await page.getByTestId('code-batch-name').fill('烟测批次');
  await page.getByTestId('code-batch-quantity').fill('20');
  await page.getByTestId('code-batch-save').click();
  const batchRow = page.getByTestId('code-batches').locator('tbody tr', { hasText: '烟测批次' });
  await batchRow.waitFor();
  // The CSV is offered once the job has written every code; the page follows its progress.
  await batchRow.locator('[data-testid="code-batch-csv"]:not([disabled])').waitFor({ timeout: 60_000 });
  await batchRow.getByTestId('code-batch-activate').click();
  await page.getByTestId('code-batch-activate-ok').click();
  await batchRow.getByText('已激活').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-item-codes.png'), fullPage: true });

  // Service desk: a ticket opened for a member who phoned, then accepted through the flow buttons.
  const memberNo = await page.evaluate(async (id) => (await (await fetch(`/api/v1/members/${id}`)).json()).member.member_no, memberId);
  if (!memberNo) throw new Error(`no member no. for ${memberId}`);
  await page.getByTestId('nav-service').click();
  await page.getByTestId('sla-ok').waitFor();
  await page.getByTestId('service-create').click();
  await page.getByRole('dialog').getByPlaceholder('会员手机号或会员号').fill(memberNo);
  await page.getByRole('dialog').getByPlaceholder('会员手机号或会员号').press('Enter');
  await page.getByRole('dialog').getByText(memberNo).waitFor();
  await page.getByTestId('service-create-subject').fill('烟测：咨询保修');
  await page.getByTestId('service-create-save').click();
  await page.getByTestId('ticket-status').getByText('待受理').waitFor();
  await page.getByTestId('ticket-to-accepted').click();
  await page.getByTestId('ticket-note').fill('已电话联系');
  await page.getByTestId('ticket-move-ok').click();
  await page.getByTestId('ticket-status').getByText('已受理').waitFor();
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(artifacts, 'console-service-ticket.png') });
  // The note is in the history at the drawer's end.
  await page.locator('.ant-drawer-body').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.locator('.ant-drawer-body').getByText('已电话联系').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'console-service-ticket-history.png') });
  await page.keyboard.press('Escape');
  await page.getByTestId('service-tickets').locator('tbody tr', { hasText: '烟测：咨询保修' }).getByText('已受理').waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-service-desk.png'), fullPage: true });

  // Recommendations: rebuild the statistics and preview the same member's lists.
  await page.getByTestId('nav-recommendations').click();
  await page.getByTestId('recs-rebuild').click();
  await page.getByTestId('recs-run').getByText(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/).first().waitFor();
  await page.getByPlaceholder('会员手机号或会员号').fill(memberNo);
  await page.getByPlaceholder('会员手机号或会员号').press('Enter');
  await page.getByTestId('recs-basis').waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(artifacts, 'console-recommendations.png'), fullPage: true });

  // Community and content pages (#13) open on the demo brand without an error: each shows its table or cards,
  // no error toast or error result, and no script error.
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  for (const route of ['content', 'games/quizzes', 'acquisition/channel-codes', 'acquisition/wecom', 'groups/list', 'groups/pools', 'groups/broadcasts', 'groups/replies', 'groups/stats', 'guides/list', 'guides/tasks', 'guides/rules', 'guides/leaderboard']) {
    await page.goto(`http://127.0.0.1:${port}/admin/${route}`);
    await page.locator('main .ant-table, main .ant-card, main .ant-empty').first().waitFor();
    await page.waitForLoadState('networkidle');
    const problems = await page.locator('.ant-message-error, .ant-result-error, .ant-alert-error').count();
    if (problems) throw new Error(`/admin/${route} shows an error: ${await page.locator('.ant-message-error, .ant-result-error, .ant-alert-error').first().innerText()}`);
    await page.screenshot({ path: path.join(artifacts, `console-${route.replaceAll('/', '-')}.png`), fullPage: true });
  }
  if (pageErrors.length) throw new Error(`script errors on the community pages: ${pageErrors.join('; ')}`);

  // A group channel code picks its routing pool by name, not by a pasted id.
  const poolStatus = await page.evaluate(async () => (await fetch('/api/v1/group-pools', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hearth-csrf': '1' }, body: JSON.stringify({ name: '冒烟测试群池', kind: 'theme', theme: '露营' }) })).status);
  if (poolStatus !== 201) throw new Error(`creating a group pool answered ${poolStatus}`);
  await page.goto(`http://127.0.0.1:${port}/admin/acquisition/channel-codes`);
  await page.getByRole('button', { name: '新建活码' }).click();
  const codeDrawer = page.getByRole('dialog').filter({ hasText: '扫码去向' });
  await codeDrawer.locator('input#name').fill('冒烟测试入群码');
  await codeDrawer.locator('.ant-select').filter({ has: page.locator('#target_kind') }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: '加入社群' }).click();
  await codeDrawer.locator('.ant-select').filter({ has: page.locator('#group_ref') }).click();
  await page.locator('.ant-select-item-option').filter({ hasText: '冒烟测试群池' }).click();
  await page.screenshot({ path: path.join(artifacts, 'console-channel-code-group.png'), fullPage: true });
  await codeDrawer.getByRole('button', { name: '保 存' }).or(codeDrawer.getByRole('button', { name: '保存' })).click();
  await page.locator('main .ant-table-row').filter({ hasText: '冒烟测试入群码' }).filter({ hasText: '加入社群' }).waitFor();

  // A journey's goal is set on the canvas page: the event that counts as converting and its window.
  const journeyId = await page.evaluate(async () => {
    const graph = { nodes: [{ id: 'start', type: 'trigger', config: { kind: 'api' } }, { id: 'end', type: 'exit', config: {} }], edges: [{ from: 'start', to: 'end' }], entry: { mode: 'once' } };
    return (await (await fetch('/api/v1/journeys', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hearth-csrf': '1' }, body: JSON.stringify({ name: '冒烟测试旅程', graph }) })).json()).id;
  });
  await page.goto(`http://127.0.0.1:${port}/admin/journeys/${journeyId}`);
  await page.getByTestId('journey-goal').locator('.ant-select').first().click();
  await page.locator('.ant-select-item-option').filter({ hasText: /^order\.created$/ }).click();
  await page.getByTestId('journey-goal').locator('.ant-input-number input').fill('48');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByText('草稿已保存').waitFor();
  const goal = await page.evaluate(async (id) => (await (await fetch(`/api/v1/journeys/${id}`)).json()).graph.goal, journeyId);
  if (goal?.event_type !== 'order.created' || goal.window_hours !== 48) throw new Error(`the journey's goal was saved as ${JSON.stringify(goal)}`);
  await page.screenshot({ path: path.join(artifacts, 'console-journey-goal.png'), fullPage: true });

  // Event registrations: the event picked by part of its title (asked of the server), a member found by number,
  // registered for the paid tasting and listed as awaiting payment.
  await page.goto(`http://127.0.0.1:${port}/admin/events/registrations`);
  await page.getByTestId('event-picker').click();
  await page.getByTestId('event-picker').locator('input').fill('品鉴');
  await page.locator('.ant-select-item-option').filter({ hasText: '秋冬新品品鉴会' }).click();
  await page.getByTestId('member-search').click();
  await page.getByTestId('member-search').locator('input').fill(memberNo);
  await page.locator('.ant-select-item-option').filter({ hasText: memberNo }).click();
  await page.getByRole('button', { name: '代会员报名' }).click();
  await page.locator('main .ant-table-row').filter({ hasText: memberNo }).filter({ hasText: '待支付' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-event-registrations.png'), fullPage: true });

  // The English switch relabels the console without a reload and is remembered.
  await page.getByTestId('nav-stores').click();
  await page.getByTestId('language-switch').click();
  await page.getByRole('button', { name: 'New store' }).waitFor();
  await page.reload();
  await page.getByRole('button', { name: 'New store' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'console-stores-en.png'), fullPage: true });
} catch (error) {
  failure = error;
} finally {
  await browser?.close();
  server.kill('SIGINT');
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.kill('SIGKILL');
      resolve();
    }, 15_000);
    server.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  fs.rmSync(dataDir, { recursive: true, force: true });
}

if (failure) {
  console.error(`console smoke test failed: ${failure.stack ?? failure}\n--- server output ---\n${serverOutput}`);
  console.log('e2e: 0 passed, 1 failed');
  process.exit(1);
}
console.log(`console smoke test: signed in, created ${storeCode} and saw it listed, opened a member and revealed the phone, adjusted points, previewed and saved earning rules, added a reward, checked the liability and reconciliation, opened the CLV, 80/20 and regional pages, simulated the tier ladder, created a coupon template, issued a coupon by hand and in bulk, wrote it off and saw a second write-off and a mistyped code refused, made a paid plan, sold one at the counter and refunded it with its quote, charted the membership reports, picked the paid-status segment condition, made a benefit with a monthly limit and saw a member's benefits and savings, made an alliance partner with a code pool imported from a CSV and opened the member-price and launch pages, opened the demo member day with its next dates and results and previewed a schedule, saved referral rules and a two-level commission plan and read them back, approved a promoter and opened their dashboard, made a message template and previewed it for a member and opened the broadcast, delivery-log and channel pages, generated and activated a code batch, opened a service ticket for a member and accepted it, rebuilt the recommendations and previewed a member's, opened the content, quiz, channel-code, WeCom, group and guide pages without an error, made a group channel code for a routing pool picked by name; screenshots in artifacts/`);
console.log('e2e: 1 passed, 0 failed');

/**
 * On a loaded machine an option can be clicked while the drop-down is still opening, and the choice is lost
 * (seen in CI, where the button it enables then stayed disabled): choose again until the button is enabled.
 */
async function chooseUntilEnabled(select, optionText, button) {
  for (let attempt = 0; attempt < 4 && !(await button.isEnabled()); attempt++) {
    await select.click();
    await select.page().locator('.ant-select-item-option', { hasText: optionText }).click();
    await select.page().waitForTimeout(500);
  }
}

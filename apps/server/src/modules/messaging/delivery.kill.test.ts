import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorker } from '../../jobs/runner.ts';
import { buildRegistries } from '../../modules.ts';
import { createTestTenant } from '../../test/app.ts';
import { createSharedTestDatabase } from '../../test/database.ts';
import { startWorkerChild } from '../../test/worker-child.ts';
import { createTestDeps, testConfig } from '../../test/deps.ts';
import { createMember } from '../members/members.service.ts';
import { saveChannelConfig } from './channels.service.ts';
import { closeEmailTransports } from './channels/email.ts';
import { sendMessage } from './send.service.ts';
import { createTemplate } from './templates.service.ts';
import { startSmsFake, startWechatFake } from './test-peers/fakes.ts';
import { startSmtpPeer } from './test-peers/smtp-peer.ts';

const PER_CHANNEL = 30;
// Long enough that a live worker never loses a lease: on PGlite every query of the worker, heartbeats
// included, queues on one connection, and on a loaded machine a 2 s lease lapsed mid-send, so the same
// worker claimed its own job again and resent (the peers dropped those by id, but the bound on resends
// below is about the kill, not about lapsed leases).
const LEASE_SECONDS = '8';

describe('message delivery under kill -9', () => {
  it('each peer (SMTP, Aliyun SMS, WeChat) has each message under its one id after the worker is killed mid-batch and another takes over; repeats only for the sends in flight', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearth-deliver-'));
    const secretsKey = crypto.randomBytes(32).toString('base64');
    const config = testConfig({ HEARTH_SECRETS_KEY: secretsKey });
    let database = await createSharedTestDatabase(dir);
    const smtp = await startSmtpPeer();
    const sms = await startSmsFake({ aliyun: { id: 'LTAI-k', secret: 'k-secret' }, tencent: { id: 'x', secret: 'x' } });
    const wechat = await startWechatFake({ appId: 'wx-k', secret: 'wx-secret' });
    const setup = createTestDeps(database.db, { ...buildRegistries(), config });
    const tenant = await createTestTenant(setup);
    await saveChannelConfig(setup, tenant.ctx, 'smtp', { enabled: true, settings: { ...smtp.settings, max_connections: 2 } });
    await saveChannelConfig(setup, tenant.ctx, 'aliyun_sms', { enabled: true, settings: { access_key_id: 'LTAI-k', base_url: sms.url, sign_name: '炉火' }, secrets: { access_key_secret: 'k-secret' } });
    await saveChannelConfig(setup, tenant.ctx, 'wechat_oa', { enabled: true, settings: { app_id: 'wx-k', base_url: wechat.url }, secrets: { app_secret: 'wx-secret' } });
    const body = (channel: 'email' | 'sms' | 'wechat_template') =>
      createTemplate(setup, tenant.ctx, { name: channel, channel, category: 'transactional', bodies: { 'zh-CN': { subject: '通知', body: '<p>{{ member.name }}，订单已发货</p>', fields: { first: '{{ member.name }}' } } }, variants: [], provider_template: 'TPL-1' });
    const templates = { email: await body('email'), sms: await body('sms'), wechat_template: await body('wechat_template') };
    const ids: Record<string, string[]> = { email: [], sms: [], wechat_template: [] };
    for (let i = 0; i < PER_CHANNEL; i++) {
      const member = await createMember(setup, tenant.ctx, {
        channel: 'store',
        name: `会员${i}`,
        email: `k${i}@example.com`,
        identities: [{ type: 'phone', value: `1391234${String(i).padStart(4, '0')}` }, { type: 'wechat_openid', app_id: 'wx-k', value: `o-k-${i}` }],
      });
      for (const channel of ['email', 'sms', 'wechat_template'] as const) {
        const sent = await sendMessage(setup, tenant.ctx, { memberId: member.id, channel, templateId: templates[channel].id, category: 'transactional', dedupeKey: `${channel}:${i}`, source: { kind: 'system', id: 'kill-test' } });
        expect(sent.status).toBe('queued');
        ids[channel]!.push(sent.deliveryId);
      }
    }
    const worker = await startWorkerChild(database, 'messaging-worker.ts', { HEARTH_SECRETS_KEY: secretsKey, HEARTH_JOB_LEASE_SECONDS: LEASE_SECONDS });
    // Kill it once about a third of the messages reached the peers: mid-batch, with sends in flight.
    const total = () => smtp.received.length + sms.accepted.length + wechat.accepted.length;
    const deadline = Date.now() + 120_000;
    while (total() < PER_CHANNEL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    database = await worker.killAndReopen();
    const atKill = total();
    expect(atKill, worker.output()).toBeGreaterThanOrEqual(PER_CHANNEL);
    expect(atKill).toBeLessThan(3 * PER_CHANNEL);

    // Another worker takes over once the dead one's leases ran out (LEASE_SECONDS).
    const deps = createTestDeps(database.db, { ...buildRegistries(), config: testConfig({ HEARTH_SECRETS_KEY: secretsKey, HEARTH_JOB_LEASE_SECONDS: LEASE_SECONDS }) });
    const takeoverDeadline = Date.now() + 90_000;
    while (Date.now() < takeoverDeadline) {
      await new Promise((r) => setTimeout(r, 1000));
      await createWorker(deps).drain();
      const open = await deps.db.selectFrom('message_deliveries').select('id').where('tenant_id', '=', tenant.tenantId).where('status', 'not in', ['sent', 'delivered']).execute();
      if (!open.length) break;
    }
    const rows = await deps.db.selectFrom('message_deliveries').select(['id', 'channel', 'status', 'attempts']).where('tenant_id', '=', tenant.tenantId).execute();
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);

    // Every message reached its peer under its one id, none under a second id: by Message-ID, OutId and
    // client_msg_id (the WeChat fake, like WeChat, drops a repeated client_msg_id; SMTP and SMS keep repeats).
    expect([...smtp.unique()].sort()).toEqual(ids.email!.map((id) => `<${id}@brand.test>`).sort());
    expect([...sms.unique()].sort()).toEqual([...ids.sms!].sort());
    expect(wechat.accepted.map((a) => a.clientId).sort()).toEqual([...ids.wechat_template!].sort());
    // Raw duplicates (the same id sent again) happen only for the sends in flight at the kill: at most the
    // dead worker's concurrency.
    const duplicates = smtp.received.length - PER_CHANNEL + (sms.accepted.length - PER_CHANNEL);
    expect(duplicates).toBeLessThanOrEqual(4);
    const resent = rows.filter((r) => r.attempts > 1).length;
    expect(resent).toBeLessThanOrEqual(4);

    closeEmailTransports();
    await Promise.all([smtp.close(), sms.close(), wechat.close()]);
    await database.close();
    await fs.rm(dir, { recursive: true, force: true });
  }, 300_000);
});

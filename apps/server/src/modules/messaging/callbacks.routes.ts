import crypto from 'node:crypto';
import { z } from 'zod';
import type { Api, RouteContext } from '../../http/api.ts';
import { providerConfigFor } from './channels.service.ts';
import { followLink } from './click-tracking.ts';
import { recordStatus } from './deliveries.service.ts';

const aliyunReport = z.array(z.object({ success: z.boolean(), out_id: z.string().optional(), biz_id: z.string().optional(), err_code: z.string().optional(), err_msg: z.string().optional(), report_time: z.string().optional() }).loose()).max(1000);
const tencentReport = z.array(z.object({ report_status: z.enum(['SUCCESS', 'FAIL']), sid: z.string(), errmsg: z.string().optional(), description: z.string().optional(), user_receive_time: z.string().optional() }).loose()).max(1000);

/**
 * Status reports pushed by the SMS providers. Neither signs its pushes, so the URL carries a token the brand
 * sets as the provider's `callback_token` secret; a wrong token or a tenant without it answers 404.
 * Aliyun reports name our delivery by OutId, Tencent by its SerialNo (our provider message id).
 */
export function callbackRoutes(api: Api, { deps }: RouteContext) {
  api.get(
    '/public/messaging/:tenant/c/:token',
    { config: { public: true }, schema: { tags: ['public'], summary: 'A tracked link in an email or SMS: records the click and redirects (302) to the target', params: z.object({ tenant: z.uuid(), token: z.string().max(100) }) } },
    async (request, reply) => {
      const target = await followLink(deps, request.params.tenant, request.params.token);
      if (!target) return reply.status(404).type('text/plain; charset=utf-8').send('链接无效 / This link is not valid');
      return reply.header('cache-control', 'no-store').redirect(target, 302);
    },
  );

  const params = z.object({ tenant: z.uuid(), token: z.string().min(16).max(200) });
  const authorized = async (tenantId: string, token: string, provider: 'aliyun_sms' | 'tencent_sms') => {
    const config = await providerConfigFor(deps, deps.db, tenantId, 'sms').catch(() => undefined);
    const expected = config?.provider === provider ? config.secrets.callback_token : undefined;
    return expected !== undefined && expected.length === token.length && crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(token));
  };

  api.post('/public/messaging/:tenant/reports/aliyun_sms/:token', { config: { public: true }, schema: { tags: ['public'], summary: 'Aliyun SMS delivery reports (SmsReport push)', params, body: aliyunReport } }, async (request, reply) => {
    if (!(await authorized(request.params.tenant, request.params.token, 'aliyun_sms'))) return reply.status(404).send({ code: 404, msg: 'unknown' });
    for (const r of request.body) {
      if (!r.out_id || !z.uuid().safeParse(r.out_id).success) continue;
      await recordStatus(deps, request.params.tenant, { deliveryId: r.out_id }, r.success ? { status: 'delivered' } : { status: 'failed', error: `${r.err_code ?? ''} ${r.err_msg ?? ''}`.trim() });
    }
    return { code: 0, msg: '成功' };
  });

  api.post('/public/messaging/:tenant/reports/tencent_sms/:token', { config: { public: true }, schema: { tags: ['public'], summary: 'Tencent Cloud SMS delivery reports (status callback)', params, body: tencentReport } }, async (request, reply) => {
    if (!(await authorized(request.params.tenant, request.params.token, 'tencent_sms'))) return reply.status(404).send({ result: 1, errmsg: 'unknown' });
    for (const r of request.body) {
      await recordStatus(deps, request.params.tenant, { channel: 'sms', providerMessageId: r.sid }, r.report_status === 'SUCCESS' ? { status: 'delivered' } : { status: 'failed', error: `${r.errmsg ?? ''} ${r.description ?? ''}`.trim() });
    }
    return { result: 0, errmsg: 'OK' };
  });
}

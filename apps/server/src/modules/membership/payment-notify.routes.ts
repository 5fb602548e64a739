import { z } from 'zod';
import type { AppDeps } from '../../deps.ts';
import type { Api } from '../../http/api.ts';
import { AppError } from '../../http/errors.ts';
import { membershipActor } from './membership.jobs.ts';
import { getProvider } from './providers.service.ts';

/**
 * WeChat Pay's payment notifications for every module of a tenant (paid plans, event tickets …), handed to the
 * owner of the out_trade_no (`deps.paymentOwners`). `/public/membership/wechat/:tenant/notify` is the URL orders
 * opened before events had their own payments were given; it stays, as the same handler.
 */
export function paymentNotifyRoutes(api: Api, deps: AppDeps) {
  // WeChat Pay calls these without credentials. The tenant comes from the path and everything else only from
  // the verified, decrypted resource; the raw body is kept because the signature covers its exact bytes.
  api.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    for (const url of ['/public/payments/wechat/:tenant/notify', '/public/membership/wechat/:tenant/notify']) {
      (scope as Api).post(url, { config: { public: true }, schema: { tags: ['public'], summary: 'WeChat Pay payment notification (signature-verified), for paid plans and event tickets', params: z.object({ tenant: z.uuid() }) } }, async (request, reply) => {
        const tenantId = request.params.tenant;
        const ctx = { tenantId, actor: { ...membershipActor, label: 'wechat pay notification' }, requestId: request.id, ip: request.ip };
        try {
          const provider = await getProvider(deps, deps.db, tenantId, 'wechat');
          const notice = provider.verifyNotification(request.headers, typeof request.body === 'string' ? request.body : '');
          const found = await deps.paymentOwners.find(deps.db, tenantId, notice.outTradeNo);
          // WeChat Pay retries a notification not answered 2xx; an unknown number keeps being refused.
          if (!found) return reply.status(404).send({ code: 'FAIL', message: 'unknown out_trade_no' });
          if (notice.state === 'paid') {
            const outcome = await found.owner.settle(deps, ctx, found.reference, notice);
            request.log.info({ tenantId, owner: found.owner.name, out_trade_no: notice.outTradeNo, outcome }, 'wechat payment notification');
          }
          return reply.status(204).send();
        } catch (err) {
          if (err instanceof AppError && err.code !== 'INTERNAL' && err.status < 500) {
            request.log.warn({ err: err.message, tenantId }, 'wechat notification refused');
            return reply.status(err.code === 'INVALID_SIGNATURE' ? 401 : 404).send({ code: 'FAIL', message: err.message });
          }
          throw err;
        }
      });
    }
  });
}

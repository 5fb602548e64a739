import { z } from 'zod';
import { consentChannels } from '@hearth/contracts/members';
import type { Api, RouteContext } from '../../http/api.ts';
import { unsubscribe } from './privacy.service.ts';

const channelNames: Record<string, string> = { sms: '短信', email: '邮件', wechat: '微信消息', app_push: 'App 推送', location: '位置信息' };
const linkQuery = z.object({ tenant: z.uuid(), member: z.uuid(), channel: z.enum(consentChannels), sig: z.string().min(10).max(100) });

/**
 * The page an unsubscribe link opens. GET only asks (mail scanners follow links); the button POSTs,
 * which also serves one-click unsubscribe (RFC 8058).
 */
export function unsubscribeRoutes(api: Api, { deps }: RouteContext) {
  api.get('/public/unsubscribe', { config: { public: true }, schema: { tags: ['public'], summary: 'Unsubscribe page (asks to confirm)', querystring: linkQuery } }, async (request, reply) => {
    const action = `/api/v1/public/unsubscribe?${new URLSearchParams(request.query)}`;
    return reply.type('text/html; charset=utf-8').send(page('退订确认', `<p>确定不再接收${channelNames[request.query.channel]}营销消息吗？</p><form method="post" action="${escapeHtml(action)}"><button type="submit">确认退订</button></form>`));
  });

  api.post('/public/unsubscribe', { config: { public: true }, schema: { tags: ['public'], summary: 'Withdraw consent for the channel of a signed link', querystring: linkQuery } }, async (request, reply) => {
    await unsubscribe(deps, request.query, request.id);
    return reply.type('text/html; charset=utf-8').send(page('已退订', `<p>您已退订${channelNames[request.query.channel]}营销消息。交易和服务通知不受影响。</p>`));
  });
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:420px;margin:15vh auto;padding:0 20px;color:#1f2937}button{background:#c2410c;color:#fff;border:0;border-radius:8px;padding:10px 24px;font-size:16px}</style>
</head><body><h1>${title}</h1>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

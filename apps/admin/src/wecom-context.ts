import type { JssdkSignatures } from '@hearth/contracts/wecom';
import { api } from './api.ts';

/**
 * Inside the WeCom app, the external contact of the chat whose sidebar opened this page (JS-SDK
 * getCurExternalContact, which needs the page registered with the corp's and the app's signatures); null outside
 * WeCom, or when the page was opened from no chat. The SDK loads only inside WeCom.
 */
export async function currentWecomContact(): Promise<string | null> {
  if (!/wxwork/i.test(navigator.userAgent)) return null;
  const ww = await import('@wecom/jssdk');
  const signed = new Map<string, Promise<JssdkSignatures>>();
  const signaturesFor = (url: string) => {
    let pending = signed.get(url);
    if (!pending) {
      pending = api<JssdkSignatures>('/guide-sidebar/jssdk-signatures', { method: 'POST', body: { url } });
      signed.set(url, pending);
    }
    return pending;
  };
  const asSdk = (s: JssdkSignatures['config']) => ({ timestamp: s.timestamp, nonceStr: s.nonce_str, signature: s.signature });
  try {
    const first = await signaturesFor(window.location.href.split('#')[0]!);
    ww.register({
      corpId: first.corp_id,
      agentId: first.agent_id ?? undefined,
      jsApiList: ['getCurExternalContact'],
      getConfigSignature: async (url) => asSdk((await signaturesFor(url)).config),
      getAgentConfigSignature: async (url) => {
        const agent = (await signaturesFor(url)).agent_config;
        if (!agent) throw new Error('WeCom AgentId is not set');
        return asSdk(agent);
      },
    });
    return (await ww.getCurExternalContact()).userId;
  } catch {
    // Not opened from a chat, or WeCom is not set up: the workbench shows the guide's own lists instead.
    return null;
  }
}

declare global {
  interface Window {
    WeixinJSBridge?: { invoke(name: string, params: Record<string, string>, callback: (result: { err_msg: string }) => void): void };
  }
}

export type WechatPayOutcome = 'ok' | 'cancel' | 'fail';

/**
 * Opens WeChat's payment sheet (JSAPI) with the parameters the server signed and tells how it ended. "ok" only
 * means the member finished in WeChat: the order counts as paid once the server has WeChat Pay's notification
 * (or its status query), so pages poll their record after it.
 */
export function requestWechatPay(params: Record<string, string>): Promise<WechatPayOutcome> {
  const bridge = window.WeixinJSBridge;
  if (!bridge) return Promise.resolve('fail');
  return new Promise((resolve) => {
    bridge.invoke('getBrandWCPayRequest', params, (result) => {
      const word = result.err_msg.split(':').pop();
      resolve(word === 'ok' ? 'ok' : word === 'cancel' ? 'cancel' : 'fail');
    });
  });
}

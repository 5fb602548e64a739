// Which brand's member center this is: `?brand=slug` on the first visit (the brand's own link or QR),
// remembered on the phone; the demo brand otherwise.
const KEY = 'hearth.brand';

export function currentBrand(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('brand');
  if (fromUrl) {
    localStorage.setItem(KEY, fromUrl);
    return fromUrl;
  }
  return localStorage.getItem(KEY) ?? 'demo';
}

/** Inside WeChat's browser: sign in with WeChat and pay with WeChat Pay. */
export const inWechat = /MicroMessenger/i.test(navigator.userAgent);

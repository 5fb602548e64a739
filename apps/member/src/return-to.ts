// Where a signed-out member was going (an invite or a product-code link opened before signing in), so sign-in
// brings them back there rather than to the card. Kept for this tab only.
const KEY = 'hearth.return-to';

export function rememberReturn(path: string) {
  if (path !== '/' && !path.startsWith('/sign-in')) sessionStorage.setItem(KEY, path);
}

export function takeReturn(): string {
  const path = sessionStorage.getItem(KEY) ?? '/';
  sessionStorage.removeItem(KEY);
  return path;
}

/** A random id of this phone's browser, for the server's once-per-device counting (it stores only a hash). */
export function deviceId(): string {
  let id = localStorage.getItem('hearth.device');
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem('hearth.device', id);
  }
  return id;
}

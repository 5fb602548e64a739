import { StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { unstableSetRender } from 'antd-mobile';
import { App } from './App.tsx';
import './i18n.ts';
import './styles.css';

// antd-mobile's Toast and Dialog render outside the tree; on React 19 they need this, or they fail silently.
unstableSetRender((node, container) => {
  const host = container as Element & { _reactRoot?: Root };
  host._reactRoot ??= createRoot(host);
  const root = host._reactRoot;
  root.render(node);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    root.unmount();
  };
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// Outside WeChat the member center installs as an app and opens offline with the last member codes.
if ('serviceWorker' in navigator && !/MicroMessenger/i.test(navigator.userAgent) && import.meta.env.PROD) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/m/sw.js', { scope: '/m/' }));
}

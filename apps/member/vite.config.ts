import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

export default defineConfig({
  base: '/m/',
  plugins: [
    react(),
    // Installable outside WeChat (WeChat's browser ignores manifests and service workers): the app shell is
    // precached, so the card opens offline and shows the member codes kept on the phone.
    VitePWA({
      injectRegister: false,
      filename: 'sw.js',
      scope: '/m/',
      manifest: {
        name: '会员中心',
        short_name: '会员中心',
        description: '会员卡、积分、等级与优惠券 · Member card, points, tier and coupons',
        lang: 'zh-CN',
        start_url: '/m/',
        scope: '/m/',
        display: 'standalone',
        background_color: '#f5f5f5',
        theme_color: '#c2410c',
        icons: [{ src: '/m/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg}'],
        navigateFallback: '/m/index.html',
        navigateFallbackDenylist: [/^\/api\//],
      },
    }),
  ],
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  build: { outDir: 'dist', emptyOutDir: true, manifest: true },
});

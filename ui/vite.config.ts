import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by Cup at /ui/ (see ApiVerticle); hashed assets get a year's cache there.
export default defineConfig({
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // no inline <script> or data: modules: the server's Content-Security-Policy allows 'self' only
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { proxy: { '/apis': 'http://localhost:8181', '/api': 'http://localhost:8181', '/version': 'http://localhost:8181' } },
});

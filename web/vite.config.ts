import { defineConfig } from 'vite';

// The dashboard is served by `driftwatch serve` from web/dist with a strict CSP: every asset is a
// file of this origin (nothing inlined as data: URIs, no CDN), and the bundle works offline.
export default defineConfig({
  base: '/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});

// Builds the portal into hashed, self-contained files the relay serves
// (relay/portal_server). CMake passes --outDir (the build directory); nothing
// is loaded from a CDN, and nothing is inlined as a data: URL, so the relay's
// Content-Security-Policy of 'self' holds.
import { defineConfig } from 'vite';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    assetsInlineLimit: 0,
    target: 'es2020',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  // `npm run dev` against a relay on this machine (CS_RELAY_URL to change).
  server: {
    host: '127.0.0.1',
    proxy: {
      '/api': { target: process.env.CS_RELAY_URL ?? 'https://127.0.0.1:8443', secure: false },
    },
  },
});

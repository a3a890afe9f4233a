/** Vite build of the web GUI: sources in web/, output in dist/web/, served by the timeseries server at /ui/. */
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'web',
  base: '/ui/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 400,
  },
});

// The console's build: static files under dist/, served by `flyte start` at /console/. No dev
// server is needed to work on it (`npm run build --workspace @flyte/console`, then reload), though
// `npx vite` in this folder with FLYTE_URL=http://127.0.0.1:30080 proxies the API to a server.
import { defineConfig } from "vite";

const api = process.env["FLYTE_URL"] ?? "http://127.0.0.1:30080";

export default defineConfig({
  base: "/console/",
  // The automatic JSX runtime of React 19, compiled by Vite itself (no Babel plugin needed).
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // React Flow marks itself "use client" (for server components): meaningless in this SPA.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  worker: { format: "es" },
  server: { proxy: { "/flyteidl.service": api, "/flyte.watch.v1": api, "/logs": api, "/download": api } },
});

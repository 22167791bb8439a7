/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

// The build lands in the Python package, which serves it (airflow_jobs_provider/plugin/ui_assets.py).
const OUT_DIR = resolve(__dirname, "../../airflow_jobs_provider/plugin/static");
const require = createRequire(import.meta.url);

/** Files served beside the bundle: the nav icons and Swagger UI's assets for the API docs page. */
function servedFiles(): Plugin {
  const files: Record<string, string> = {
    "icon.svg": resolve(__dirname, "src/icons/icon.svg"),
    "icon-dark.svg": resolve(__dirname, "src/icons/icon-dark.svg"),
    "swagger-ui-bundle.js": require.resolve("swagger-ui-dist/swagger-ui-bundle.js"),
    "swagger-ui.css": require.resolve("swagger-ui-dist/swagger-ui.css"),
  };
  return {
    name: "served-files",
    generateBundle() {
      for (const [fileName, path] of Object.entries(files)) {
        this.emitFile({ type: "asset", fileName, source: readFileSync(path) });
      }
    },
  };
}

// Airflow's UI provides React, its JSX runtime, ReactDOM and the router as globals, and imports
// the bundle as a UMD script that assigns the page component to globalThis.AirflowPlugin.
export default defineConfig({
  build: {
    outDir: OUT_DIR,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    lib: {
      entry: resolve(__dirname, "src/main.tsx"),
      name: "AirflowPlugin",
      formats: ["umd"],
      fileName: () => "job-orchestrator.js",
    },
    rollupOptions: {
      external: ["react", "react-dom", "react/jsx-runtime", "react-router-dom"],
      output: {
        exports: "default",
        globals: {
          react: "React",
          "react-dom": "ReactDOM",
          "react/jsx-runtime": "ReactJSXRuntime",
          "react-router-dom": "ReactRouterDOM",
        },
      },
    },
  },
  define: { "process.env.NODE_ENV": JSON.stringify("production") },
  plugins: [react(), servedFiles()],
  test: { environment: "happy-dom", globals: true, include: ["src/**/*.test.ts?(x)"] },
});

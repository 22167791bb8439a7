/**
 * The plugin's JSON API, typed from its OpenAPI description (schema.ts is generated: npm run codegen).
 *
 * Calls go to Airflow's own origin with the session cookie; a change carries the
 * X-Job-Orchestrator header the API asks for (CSRF protection). A 401 sends the user to
 * Airflow's login, which brings them back here.
 */
import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema";

export type Schemas = components["schemas"];

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The path Airflow's UI is served under ("/" or e.g. "/airflow/"), from its <base> element. */
export function airflowBasePath(): string {
  const href = document.querySelector("head > base")?.getAttribute("href") ?? "/";
  const path = new URL(href, globalThis.location.origin).pathname;
  return path.endsWith("/") ? path : `${path}/`;
}

/** Airflow's login page, returning to `next` afterwards. */
export function loginUrl(next: string): string {
  const query = new URLSearchParams({ next });
  return `${airflowBasePath()}api/v2/auth/login?${query.toString()}`;
}

export const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method)) {
      request.headers.set("X-Job-Orchestrator", "1");
    }
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) {
      globalThis.location.replace(loginUrl(globalThis.location.href));
    }
    return response;
  },
};

export const api = createClient<paths>({
  baseUrl: `${airflowBasePath()}job-orchestrator`,
  credentials: "same-origin",
});
api.use(sessionMiddleware);

import type { MiddlewareCallbackParams } from "openapi-fetch";

import { airflowBasePath, loginUrl, sessionMiddleware } from "./client";

function params(request: Request): MiddlewareCallbackParams {
  return { request, schemaPath: "", params: {}, id: "1", options: {} } as unknown as MiddlewareCallbackParams;
}

describe("calls to the plugin's API", () => {
  it("follow Airflow's <base> element, so a sub-path works", () => {
    document.head.innerHTML = '<base href="/tools/airflow/">';
    expect(airflowBasePath()).toBe("/tools/airflow/");
    expect(loginUrl("http://example.org/tools/airflow/plugin/job-orchestrator/browse?source=nexus")).toBe(
      "/tools/airflow/api/v2/auth/login?next=http%3A%2F%2Fexample.org%2Ftools%2Fairflow%2Fplugin%2Fjob-orchestrator%2Fbrowse%3Fsource%3Dnexus",
    );
  });

  it("mark changes with the CSRF header, and only changes", async () => {
    const post = (await sessionMiddleware.onRequest?.(
      params(new Request("http://a/x", { method: "POST" })),
    )) as Request;
    const get = (await sessionMiddleware.onRequest?.(params(new Request("http://a/x")))) as Request;
    expect(post.headers.get("X-Job-Orchestrator")).toBe("1");
    expect(get.headers.has("X-Job-Orchestrator")).toBe(false);
  });

  it("send a user whose session ended to Airflow's login, and back here afterwards", async () => {
    document.head.innerHTML = '<base href="/">';
    const replace = vi.spyOn(globalThis.location, "replace").mockImplementation(() => undefined);
    const request = new Request("http://a/x");
    await sessionMiddleware.onResponse?.({
      ...params(request),
      response: new Response("{}", { status: 401 }),
    });
    expect(replace).toHaveBeenCalledWith(loginUrl(globalThis.location.href));
    replace.mockClear();
    await sessionMiddleware.onResponse?.({
      ...params(request),
      response: new Response("{}", { status: 403 }),
    });
    expect(replace).not.toHaveBeenCalled();
  });
});

import { defaultExecutor, newDraft, repeatedEnvNames, toSpec } from "./draft";

const artifact = {
  source: "local" as const,
  repository: "examples",
  group: "g",
  name: "hello",
  version: "1.1.0",
};

describe("the spec a draft sends", () => {
  it("sends the arguments as a list, never as one string", () => {
    const draft = { ...newDraft(artifact, "local", "me"), name: "hello", args: ["--msg", "it's $(x)"] };
    const spec = toSpec(draft);
    expect(spec.args).toEqual(["--msg", "it's $(x)"]);
    expect(spec.artifact).toEqual({ ...artifact, assets: [] });
    expect(spec.schedule).toBe("none");
  });

  it("pins the version or asks for the latest", () => {
    const draft = { ...newDraft(artifact, "local", "me"), versionMode: "latest" as const };
    expect(toSpec(draft).artifact.version).toBe("latest");
  });

  it("leaves out what the local executor cannot use", () => {
    const draft = {
      ...newDraft(artifact, "local", "me"),
      runnerImage: "python:3.12-slim",
      proxy: true,
      mounts: [{ type: "pvc" as const, target: "data", path: "", mount_path: "/data", read_only: true }],
    };
    const spec = toSpec(draft);
    expect([spec.runner_image, spec.proxy, spec.mounts, spec.resources]).toEqual([
      null,
      false,
      [],
      undefined,
    ]);
  });

  it("turns mounts, numbers and notifications into the spec's shapes", () => {
    const draft = {
      ...newDraft(artifact, "kubernetes", "me"),
      runnerImage: "python:3.12-slim",
      mounts: [
        { type: "smb" as const, target: "finance", path: "in", mount_path: "/in", read_only: true },
        {
          type: "nfs" as const,
          target: "nfs.example",
          path: "/export",
          mount_path: "/nfs",
          read_only: false,
        },
      ],
      retries: " 2 ",
      timeoutMinutes: "",
      maxActiveRuns: "two",
      webhookConnId: " ",
    };
    const spec = toSpec(draft);
    expect(spec.mounts).toEqual([
      { type: "smb", endpoint: "finance", sub_path: "in", mount_path: "/in", read_only: true },
      { type: "nfs", server: "nfs.example", path: "/export", mount_path: "/nfs", read_only: false },
    ]);
    expect(spec.retries).toBe(2);
    expect(spec.execution_timeout_minutes).toBeNull();
    expect(spec.max_active_runs).toBe("two"); // the server names the field
    expect(spec.notify).toEqual({ emails: [], webhook_conn_id: null });
  });

  it("finds environment names given twice", () => {
    expect(
      repeatedEnvNames([
        { name: "A", value: "1" },
        { name: "B", value: "" },
        { name: "A", value: "2" },
      ]),
    ).toEqual(["A"]);
  });
});

describe("the executor a new draft starts with", () => {
  it("is a pod where the admin allows it, else the local one", () => {
    expect(defaultExecutor(["kubernetes", "local"])).toBe("kubernetes");
    expect(defaultExecutor(["local"])).toBe("local");
  });
});

import {
  DEFAULT_VERSION,
  defaultExecutor,
  newDraft,
  repeatedEnvNames,
  toSpec,
  withVersionMode,
} from "./draft";

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

  it("pins the version or asks for the latest, or the latest release", () => {
    const draft = newDraft(artifact, "local", "me");
    expect(toSpec(draft).artifact.version).toBe("1.1.0");
    expect(toSpec({ ...draft, versionMode: "latest" }).artifact.version).toBe("latest");
    expect(toSpec({ ...draft, versionMode: "latest-release" }).artifact.version).toBe("latest-release");
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

describe("the version mode", () => {
  it("is the latest release for a form opened without a version (a component, Deploy latest release)", () => {
    const draft = newDraft({ ...artifact, version: DEFAULT_VERSION }, "local", "me");
    expect(draft.versionMode).toBe("latest-release");
    expect(toSpec(draft).artifact.version).toBe("latest-release");
  });

  it("is pinned when the user chose a version, and the keyword a spec names otherwise", () => {
    for (const version of ["1.1.0", "2.0.0-RC1", "latest", "latest-release"]) {
      const draft = newDraft({ ...artifact, version }, "local", "me");
      expect([draft.versionMode, toSpec(draft).artifact.version]).toEqual([
        version.startsWith("latest") ? version : "pinned",
        version,
      ]);
    }
  });

  it("pins the newest version when pinning a draft opened on a keyword, and keeps a chosen one", () => {
    const opened = newDraft({ ...artifact, version: "latest-release" }, "local", "me");
    const pinned = { ...opened, ...withVersionMode(opened, "pinned", "2.0.0-RC1") };
    expect([pinned.versionMode, toSpec(pinned).artifact.version]).toEqual(["pinned", "2.0.0-RC1"]);
    const chosen = newDraft(artifact, "local", "me");
    expect(withVersionMode(chosen, "latest", "2.0.0")).toEqual({ versionMode: "latest" });
    expect(withVersionMode({ ...chosen, versionMode: "latest" }, "pinned", "2.0.0")).toEqual({
      versionMode: "pinned",
    });
  });
});

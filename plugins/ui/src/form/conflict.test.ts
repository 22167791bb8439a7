import { conflictRows, sameValue, shownValue, valueAt } from "./conflict";
import { newDraft, toSpec, type Spec } from "./draft";

const artifact = {
  source: "local" as const,
  repository: "tests",
  group: "",
  name: "echo-job",
  version: "1.0.0",
};
const spec: Spec = {
  ...toSpec(newDraft(artifact, "kubernetes", "me")),
  name: "sync",
  executor: "kubernetes",
  runner_image: "python:3.12-slim",
  args: ["--region", "north"],
  env: { REGION: "north" },
  config_files: [
    { file_name: "app.ini", secret: false, content: "a=1" },
    { file_name: "token", secret: true },
  ],
  mounts: [{ type: "pvc", claim_name: "data", sub_path: "", mount_path: "/mnt/data", read_only: true }],
  resources: { cpu_request: "", memory_request: "", cpu_limit: "2", memory_limit: "" },
  notify: { emails: ["ops@example.org"], webhook_conn_id: null },
};

describe("the value at a change's path", () => {
  it("follows fields, mappings and the items of keyed lists", () => {
    expect(valueAt(spec, "args")).toEqual(["--region", "north"]);
    expect(valueAt(spec, "env.REGION")).toBe("north");
    expect(valueAt(spec, "artifact.version")).toBe("1.0.0");
    expect(valueAt(spec, "resources.cpu_limit")).toBe("2");
    expect(valueAt(spec, "config_files[app.ini].content")).toBe("a=1");
    expect(valueAt(spec, "mounts[/mnt/data].read_only")).toBe(true);
    expect(valueAt(spec, "mounts[/mnt/data]")).toEqual(spec.mounts?.[0]);
  });

  it("is undefined where the form has none", () => {
    expect(valueAt(spec, "env.MISSING")).toBeUndefined();
    expect(valueAt(spec, "config_files[other.ini].content")).toBeUndefined();
    expect(valueAt(spec, "notify.webhook_conn_id")).toBeUndefined();
    expect(valueAt(spec, "args.length")).toBeUndefined();
  });
});

describe("the rows of a 409", () => {
  it("set their value beside the form's, and say which ones the user changed too", () => {
    const rows = conflictRows(
      [
        { path: "args", old: ["--region", "north"], new: ["--region", "south"], secret: false },
        { path: "env.REGION", old: "east", new: "south", secret: false },
        { path: "execution_timeout_minutes", old: null, new: 30, secret: false },
      ],
      spec,
    );
    expect(rows).toEqual([
      {
        path: "args",
        before: ["--region", "north"],
        theirs: ["--region", "south"],
        yours: ["--region", "north"],
        secret: false,
        changedByYou: false,
      },
      {
        path: "env.REGION",
        before: "east",
        theirs: "south",
        yours: "north",
        secret: false,
        changedByYou: true,
      },
      {
        path: "execution_timeout_minutes",
        before: undefined,
        theirs: 30,
        yours: undefined,
        secret: false,
        changedByYou: false,
      },
    ]);
  });

  it("never read a secret content, not even the one typed in the form", () => {
    const typed: Spec = { ...spec, config_files: [{ file_name: "token", secret: true, content: "s3cret" }] };
    const [row] = conflictRows(
      [{ path: "config_files[token].content", old: null, new: null, secret: true }],
      typed,
    );
    expect(row).toEqual({
      path: "config_files[token].content",
      before: undefined,
      theirs: undefined,
      yours: undefined,
      secret: true,
      changedByYou: false,
    });
  });
});

describe("values as shown", () => {
  it("keep text as typed and show the rest as JSON", () => {
    expect(shownValue("a b")).toBe("a b");
    expect(shownValue(["a", "b"])).toBe('["a","b"]');
    expect(shownValue(false)).toBe("false");
    expect(shownValue(undefined)).toBeNull();
    expect(shownValue(null)).toBeNull();
  });

  it("compare objects whatever their key order", () => {
    expect(sameValue({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 })).toBe(true);
    expect(sameValue(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
  });
});

import { toSpec, type Spec } from "./draft";
import { fromSpec } from "./fromSpec";

/** A spec as the API dumps it (every field present), using every field the form edits. */
const everything: Spec = {
  name: "customer-sync",
  description: "Nightly sync\nof customers",
  owner: "data.office",
  tags: ["crm", "nightly"],
  artifact: {
    source: "nexus",
    repository: "talend",
    group: "org.example.jobs",
    name: "customer-sync",
    version: "1.4.2",
    assets: ["customer-sync-1.4.2.zip", "extra.py"],
  },
  executor: "kubernetes",
  runner_image: "registry.example.org/talend-runner:17",
  args: ["--context_param", "region=north; $(rm -rf /)", ""],
  env: { REGION: "north", EMPTY: "", QUOTED: 'it\'s "quoted"' },
  config_files: [
    { file_name: "app.ini", secret: false, content: "[db]\nhost=db.example.org\n" },
    { file_name: "token.txt", secret: true },
  ],
  mounts: [
    {
      type: "smb",
      endpoint: "finance",
      sub_path: "reports/2026",
      mount_path: "/mnt/finance",
      read_only: true,
    },
    { type: "pvc", claim_name: "scratch", sub_path: "", mount_path: "/mnt/scratch", read_only: false },
    {
      type: "nfs",
      server: "nfs.example.org",
      path: "/exports/data",
      mount_path: "/mnt/nfs",
      read_only: true,
    },
  ],
  proxy: true,
  resources: { cpu_request: "250m", memory_request: "512Mi", cpu_limit: "2", memory_limit: "" },
  schedule: "30 4 * * 1-5",
  timezone: "Europe/Paris",
  max_active_runs: 3,
  retries: 2,
  retry_delay_seconds: 60,
  execution_timeout_minutes: 90,
  notify: { emails: ["ops@example.org", "me@example.org"], webhook_conn_id: "teams_webhook" },
};

describe("a deployed spec in the form", () => {
  it("comes back as the same spec, field for field", () => {
    expect(toSpec(fromSpec(everything))).toEqual(everything);
  });

  it("keeps presets, one-off schedules, version keywords and no timeout", () => {
    for (const changes of [
      { schedule: "@weekly" },
      { schedule: "none", execution_timeout_minutes: null },
      { artifact: { ...everything.artifact, version: "latest-release", assets: [] } },
      { artifact: { ...everything.artifact, version: "latest" } },
      { notify: { emails: [], webhook_conn_id: null }, tags: [], args: [], env: {}, mounts: [] },
    ]) {
      const spec = { ...everything, ...changes };
      expect(toSpec(fromSpec(spec))).toEqual(spec);
    }
  });

  it("fills the fields a person sees", () => {
    const draft = fromSpec(everything);
    expect(draft.versionMode).toBe("pinned");
    expect(draft.schedule.mode).toBe("cron");
    expect(draft.env).toEqual([
      { name: "REGION", value: "north" },
      { name: "EMPTY", value: "" },
      { name: "QUOTED", value: 'it\'s "quoted"' },
    ]);
    expect(draft.mounts[0]).toEqual({
      type: "smb",
      target: "finance",
      path: "reports/2026",
      mount_path: "/mnt/finance",
      read_only: true,
    });
    expect(draft.retries).toBe("2");
    expect(draft.timeoutMinutes).toBe("90");
  });

  it("sends a secret file untouched without content, so the server keeps the stored one", () => {
    const draft = fromSpec(everything);
    const secret = draft.configFiles[1];
    expect(secret).toEqual({ file_name: "token.txt", content: "", secret: true, keepsStoredContent: true });
    expect(toSpec(draft).config_files?.[1]).toEqual({ file_name: "token.txt", secret: true });
  });

  it("sends a secret file's new content once the user types one", () => {
    const draft = fromSpec(everything);
    const typed = draft.configFiles.map((file) => (file.secret ? { ...file, content: "s3cret" } : file));
    expect(toSpec({ ...draft, configFiles: typed }).config_files?.[1]).toEqual({
      file_name: "token.txt",
      content: "s3cret",
      secret: true,
    });
  });

  it("keeps a local deployment local: no image, mounts, resources or proxy", () => {
    const local: Spec = {
      ...everything,
      executor: "local",
      runner_image: null,
      mounts: [],
      proxy: false,
      resources: { cpu_request: "", memory_request: "", cpu_limit: "", memory_limit: "" },
    };
    const sent = toSpec(fromSpec(local));
    // The form leaves out what a local run cannot use; the server fills the same empty defaults.
    expect({ ...sent, resources: local.resources }).toEqual(local);
    expect(sent.resources).toBeUndefined();
  });
});

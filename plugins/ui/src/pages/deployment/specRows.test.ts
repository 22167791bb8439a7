import type { Schemas } from "../../api/client";
import { CATALOGUES } from "../../i18n/catalogues";
import { Formats } from "../../i18n/formats";
import { translate } from "../../i18n/translate";
import type { Translate } from "../../i18n";
import { isSensitiveName, specRows } from "./specRows";

const t: Translate = (key, values) => translate(CATALOGUES.en, "en", key, values);
const tFr: Translate = (key, values) => translate(CATALOGUES.fr, "fr", key, values);
const formats = new Formats("en", "UTC", CATALOGUES.en);

const SPEC: Schemas["DeploymentSpec"] = {
  name: "nightly-sync",
  description: "",
  owner: "data-team",
  tags: ["sync"],
  artifact: {
    source: "nexus",
    repository: "releases",
    group: "org.example",
    name: "sync-job",
    version: "1.0.0",
  },
  executor: "kubernetes",
  runner_image: "python:3.12-slim",
  args: ["--day", "1"],
  env: { REGION: "eu", DB_PASSWORD: "hunter2" },
  config_files: [
    { file_name: "app.ini", secret: false, content: "a=1\nb=2" },
    { file_name: "db.conf", secret: true },
  ],
  mounts: [
    { type: "smb", endpoint: "finance", sub_path: "in", mount_path: "/data/in", read_only: true },
    { type: "pvc", claim_name: "scratch", sub_path: "", mount_path: "/scratch", read_only: false },
  ],
  proxy: false,
  resources: { cpu_request: "250m", cpu_limit: "1", memory_request: "256Mi", memory_limit: "1Gi" },
  schedule: "0 2 * * *",
  timezone: "Europe/Paris",
  max_active_runs: 1,
  retries: 2,
  retry_delay_seconds: 300,
  execution_timeout_minutes: 90,
  notify: { emails: ["ops@example.org"], webhook_conn_id: null },
};

const byLabel = (rows: { label: string; values: string[] }[]) =>
  Object.fromEntries(rows.map((row) => [row.label, row.values]));

describe("specRows", () => {
  it("reads the spec as labelled lines, secrets left out", () => {
    const rows = byLabel(specRows(SPEC, "At 02:00 (Europe/Paris)", t, formats));
    expect(rows["Artifact"]).toEqual(["nexus: releases/org.example:sync-job"]);
    expect(rows["Version"]).toEqual(["1.0.0"]);
    expect(rows["Environment"]).toEqual(["REGION=eu", "DB_PASSWORD=***"]);
    expect(rows["Config files"]).toEqual([
      "app.ini (2 lines)",
      "db.conf (secret: its content is never shown)",
    ]);
    expect(rows["Mounts"]).toEqual([
      "finance/in → /data/in (read-only)",
      "pvc:scratch → /scratch (read-write)",
    ]);
    expect(rows["Resources"]).toEqual(["CPU 250m, at most 1", "Memory 256Mi, at most 1Gi"]);
    expect(rows["Schedule"]).toEqual(["At 02:00 (Europe/Paris)"]);
    expect(rows["Retries"]).toEqual(["2 retries, 5 min apart"]);
    expect(rows["Time limit"]).toEqual(["1 hr 30 min"]);
    expect(rows["Notified on failure"]).toEqual(["ops@example.org"]);
    expect(JSON.stringify(rows)).not.toContain("hunter2");
  });

  it("says what is not there, and a one-off or an undescribed schedule in words", () => {
    const bare = { ...SPEC, args: [], env: {}, config_files: [], mounts: [], retries: 0, schedule: "none" };
    const rows = byLabel(specRows(bare, null, t, formats));
    expect(rows["Arguments"]).toEqual(["none"]);
    expect(rows["Schedule"]).toEqual(["Runs once, when deployed"]);
    expect(rows["Retries"]).toEqual(["no retry"]);
    expect(byLabel(specRows(SPEC, null, t, formats))["Schedule"]).toEqual(["0 2 * * * (Europe/Paris)"]);
  });

  it("speaks French with the French catalogue", () => {
    const rows = byLabel(specRows(SPEC, null, tFr, new Formats("fr", "UTC", CATALOGUES.fr)));
    // French puts a (narrow) no-break space between a number and its unit
    const [retries] = rows["Nouvelles tentatives"] ?? [];
    expect(retries?.replace(/\s/g, " ")).toBe("2 nouvelles tentatives, à 5 min d’intervalle");
  });

  it("recognises secret-looking names as Airflow does", () => {
    expect(["DB_PASSWORD", "api_key", "GITHUB_TOKEN", "client_secret"].every(isSensitiveName)).toBe(true);
    expect(["REGION", "USER", "PATH"].some(isSensitiveName)).toBe(false);
  });
});

/** The deploy form's state, and the deployment spec it sends (the API's DeploymentSpec). */
import type { Schemas } from "../api/client";
import type { MessageKey } from "../i18n";
import { scheduleValue, type ScheduleChoice } from "./schedule";

export type Spec = Schemas["DeploymentSpec"];
export type Source = Schemas["ArtifactSpec"]["source"];
export type Executor = Spec["executor"];
/** Pinned to one version, or resolved when each run starts (the spec's version keywords). */
export type VersionMode = "pinned" | "latest" | "latest-release";

/** The modes the form offers, in the order it lists them, with their words' keys. */
export const VERSION_MODES: readonly { mode: VersionMode; label: MessageKey }[] = [
  { mode: "latest-release", label: "deploy.version.latestRelease" },
  { mode: "latest", label: "deploy.version.latest" },
  { mode: "pinned", label: "deploy.version.pinned" },
];

/** The version a form opened without one runs: the newest release when each run starts. */
export const DEFAULT_VERSION = "latest-release";

/** The mode a spec's version means: its keyword, else the pinned version itself. */
export function versionModeOf(version: string): VersionMode {
  return version === "latest" || version === "latest-release" ? version : "pinned";
}

/**
 * The changes that choose `mode` (a select's value). Pinning a draft opened on a keyword starts
 * from the newest version, which the user then changes if they want another.
 */
export function withVersionMode(draft: Draft, mode: string, newest: string | undefined): Partial<Draft> {
  const versionMode = VERSION_MODES.find((choice) => choice.mode === mode)?.mode ?? "pinned";
  if (versionMode !== "pinned" || versionModeOf(draft.artifact.version) === "pinned" || !newest)
    return { versionMode };
  return { versionMode, artifact: { ...draft.artifact, version: newest }, assets: [] };
}

/** The spec's version for a mode: the keyword, or the version chosen in the form. */
function specVersion(mode: VersionMode, chosen: string): string {
  return mode === "pinned" ? chosen : mode;
}

export interface EnvEntry {
  name: string;
  value: string;
}

export interface ConfigFileDraft {
  file_name: string;
  content: string;
  secret: boolean;
  /**
   * A secret file loaded for an edit: the API never returns its content, so left empty it is
   * sent without one and the server keeps the content it stored.
   */
  keepsStoredContent?: boolean;
}

export interface MountDraft {
  type: "smb" | "pvc" | "nfs";
  mount_path: string;
  read_only: boolean;
  /** smb: the catalog endpoint; pvc: the claim; nfs: the server. */
  target: string;
  /** smb and pvc: sub_path; nfs: the exported path. */
  path: string;
}

export interface ArtifactChoice {
  source: Source;
  repository: string;
  group: string;
  name: string;
  version: string;
}

export interface Draft {
  name: string;
  artifact: ArtifactChoice;
  versionMode: VersionMode;
  assets: string[];
  executor: Executor;
  runnerImage: string;
  schedule: ScheduleChoice;
  timezone: string;
  args: string[];
  env: EnvEntry[];
  configFiles: ConfigFileDraft[];
  mounts: MountDraft[];
  proxy: boolean;
  resources: { cpu_request: string; memory_request: string; cpu_limit: string; memory_limit: string };
  retries: string;
  retryDelaySeconds: string;
  timeoutMinutes: string;
  maxActiveRuns: string;
  emails: string[];
  webhookConnId: string;
  owner: string;
  description: string;
  tags: string[];
}

/** A pod where the admin allows it (production), else what is allowed (the embedded default). */
export function defaultExecutor(allowed: readonly string[]): Executor {
  if (allowed.includes("kubernetes")) return "kubernetes";
  return allowed.includes("local") ? "local" : "kubernetes";
}

export function newDraft(artifact: ArtifactChoice, executor: Executor, owner: string): Draft {
  return {
    name: "",
    artifact,
    versionMode: versionModeOf(artifact.version),
    assets: [],
    executor,
    runnerImage: "",
    schedule: { mode: "one-off", preset: "@daily", cron: "0 3 * * *" },
    timezone: "UTC",
    args: [],
    env: [],
    configFiles: [],
    mounts: [],
    proxy: false,
    resources: { cpu_request: "", memory_request: "", cpu_limit: "", memory_limit: "" },
    retries: "0",
    retryDelaySeconds: "300",
    timeoutMinutes: "",
    maxActiveRuns: "1",
    emails: [],
    webhookConnId: "",
    owner,
    description: "",
    tags: [],
  };
}

/**
 * A whole number typed in a field, or the text itself: the server then answers 422 at that
 * field ("Input should be a valid integer") instead of the form guessing.
 */
function whole(text: string): number {
  const trimmed = text.trim();
  return (/^\d+$/.test(trimmed) ? Number(trimmed) : trimmed) as number;
}

function mountSpec(mount: MountDraft): Spec["mounts"] extends (infer M)[] | undefined ? M : never {
  const common = { mount_path: mount.mount_path, read_only: mount.read_only };
  switch (mount.type) {
    case "smb":
      return { type: "smb", endpoint: mount.target, sub_path: mount.path, ...common };
    case "pvc":
      return { type: "pvc", claim_name: mount.target, sub_path: mount.path, ...common };
    case "nfs":
      return { type: "nfs", server: mount.target, path: mount.path, ...common };
  }
}

function configFileSpec(file: ConfigFileDraft): NonNullable<Spec["config_files"]>[number] {
  if (!file.secret) return { file_name: file.file_name, content: file.content, secret: false };
  if (file.keepsStoredContent && file.content === "") return { file_name: file.file_name, secret: true };
  return { file_name: file.file_name, content: file.content, secret: true };
}

/** The spec the API checks; fields the executor cannot use are left out, not sent empty. */
export function toSpec(draft: Draft): Spec {
  const kubernetes = draft.executor === "kubernetes";
  return {
    name: draft.name,
    description: draft.description,
    owner: draft.owner,
    tags: draft.tags,
    artifact: {
      source: draft.artifact.source,
      repository: draft.artifact.repository,
      group: draft.artifact.group,
      name: draft.artifact.name,
      version: specVersion(draft.versionMode, draft.artifact.version),
      assets: draft.assets,
    },
    executor: draft.executor,
    runner_image: kubernetes && draft.runnerImage ? draft.runnerImage : null,
    args: draft.args,
    env: Object.fromEntries(draft.env.map((entry) => [entry.name, entry.value])),
    config_files: draft.configFiles.map(configFileSpec),
    mounts: kubernetes ? draft.mounts.map(mountSpec) : [],
    proxy: kubernetes && draft.proxy,
    resources: kubernetes ? draft.resources : undefined,
    schedule: scheduleValue(draft.schedule),
    timezone: draft.timezone,
    max_active_runs: whole(draft.maxActiveRuns),
    retries: whole(draft.retries),
    retry_delay_seconds: whole(draft.retryDelaySeconds),
    execution_timeout_minutes: draft.timeoutMinutes.trim() === "" ? null : whole(draft.timeoutMinutes),
    notify: { emails: draft.emails, webhook_conn_id: draft.webhookConnId.trim() || null },
  };
}

/** The environment's names that appear more than once (a map keeps only the last). */
export function repeatedEnvNames(env: readonly EnvEntry[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { name } of env) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  return [...repeated];
}

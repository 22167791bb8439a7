/**
 * A deployed spec back into the deploy form's draft, for an edit: `toSpec(fromSpec(spec))` is
 * the spec again, so saving an untouched form changes nothing.
 */
import { versionModeOf, type ConfigFileDraft, type Draft, type MountDraft, type Spec } from "./draft";
import { scheduleChoice } from "./schedule";

type MountSpec = NonNullable<Spec["mounts"]>[number];
type ConfigFileSpec = NonNullable<Spec["config_files"]>[number];

function mountDraft(mount: MountSpec): MountDraft {
  const common = { mount_path: mount.mount_path, read_only: mount.read_only };
  switch (mount.type) {
    case "smb":
      return { type: "smb", target: mount.endpoint, path: mount.sub_path, ...common };
    case "pvc":
      return { type: "pvc", target: mount.claim_name, path: mount.sub_path, ...common };
    case "nfs":
      return { type: "nfs", target: mount.server, path: mount.path, ...common };
  }
}

/** A secret file comes without its content: it keeps the stored one unless the user types another. */
function configFileDraft(file: ConfigFileSpec): ConfigFileDraft {
  if (file.secret)
    return { file_name: file.file_name, content: file.content ?? "", secret: true, keepsStoredContent: true };
  return { file_name: file.file_name, content: file.content, secret: false };
}

/** No requests or limits: the admin's defaults apply (a local deployment's). */
const NO_RESOURCES = { cpu_request: "", memory_request: "", cpu_limit: "", memory_limit: "" };

/** Numbers the form edits as text (it sends back what was typed, for the server to judge). */
function text(value: number | null | undefined, fallback: string): string {
  return value === null || value === undefined ? fallback : String(value);
}

export function fromSpec(spec: Spec): Draft {
  const { artifact } = spec;
  const resources = spec.resources ?? NO_RESOURCES;
  return {
    name: spec.name,
    artifact: {
      source: artifact.source,
      repository: artifact.repository,
      group: artifact.group,
      name: artifact.name,
      version: artifact.version,
    },
    versionMode: versionModeOf(artifact.version),
    assets: artifact.assets ?? [],
    executor: spec.executor,
    runnerImage: spec.runner_image ?? "",
    schedule: scheduleChoice(spec.schedule),
    timezone: spec.timezone,
    args: spec.args ?? [],
    env: Object.entries(spec.env ?? {}).map(([name, value]) => ({ name, value })),
    configFiles: (spec.config_files ?? []).map(configFileDraft),
    mounts: (spec.mounts ?? []).map(mountDraft),
    proxy: spec.proxy,
    resources: { ...resources },
    retries: text(spec.retries, "0"),
    retryDelaySeconds: text(spec.retry_delay_seconds, "300"),
    timeoutMinutes: text(spec.execution_timeout_minutes, ""),
    maxActiveRuns: text(spec.max_active_runs, "1"),
    emails: spec.notify?.emails ?? [],
    webhookConnId: spec.notify?.webhook_conn_id ?? "",
    owner: spec.owner,
    description: spec.description,
    tags: spec.tags ?? [],
  };
}

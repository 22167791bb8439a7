/**
 * A deployment's spec as rows a person reads (label, then one line per value), in the user's
 * language. Secret config files never carry their content here (the API leaves it out), and env
 * values whose names say they are secrets are masked as Airflow masks such fields.
 */
import type { Schemas } from "../../api/client";
import type { Formats, Translate } from "../../i18n";

export interface SpecRow {
  label: string;
  values: string[];
}

type Spec = Schemas["DeploymentSpec"];
type Mount = NonNullable<Spec["mounts"]>[number];

/** Airflow's own list of sensitive field names ([core] sensitive_var_conn_names' defaults). */
const SENSITIVE = [
  "access_token",
  "api_key",
  "apikey",
  "authorization",
  "passphrase",
  "passwd",
  "password",
  "private_key",
  "secret",
  "token",
  "keyfile_dict",
  "service_account",
];

export const MASK = "***";

export function isSensitiveName(name: string): boolean {
  const lower = name.toLowerCase();
  return SENSITIVE.some((word) => lower.includes(word));
}

function mountLine(mount: Mount, t: Translate): string {
  const access = mount.read_only ? t("deployment.spec.readOnly") : t("deployment.spec.readWrite");
  const source =
    mount.type === "smb"
      ? `${mount.endpoint}${mount.sub_path ? `/${mount.sub_path}` : ""}`
      : mount.type === "pvc"
        ? `pvc:${mount.claim_name}${mount.sub_path ? `/${mount.sub_path}` : ""}`
        : `nfs:${mount.server}:${mount.path}`;
  return `${source} → ${mount.mount_path} (${access})`;
}

export function specRows(
  spec: Spec,
  scheduleWords: string | null | undefined,
  t: Translate,
  formats: Formats,
) {
  const none = t("deployment.spec.nothing");
  const listed = (values: string[]) => (values.length > 0 ? values : [none]);
  const { artifact } = spec;
  const resources = spec.resources;
  const schedule =
    spec.schedule === "none"
      ? t("deployment.spec.oneOff")
      : (scheduleWords ??
        t("deployment.spec.scheduleRaw", { schedule: spec.schedule, timezone: spec.timezone }));
  const rows: SpecRow[] = [
    {
      label: t("deployment.spec.artifact"),
      values: [
        `${artifact.source}: ${artifact.repository}/${artifact.group ? `${artifact.group}:` : ""}${artifact.name}`,
      ],
    },
    { label: t("deployment.spec.version"), values: [artifact.version] },
    { label: t("deployment.spec.assets"), values: listed(artifact.assets ?? []) },
    { label: t("deployment.spec.executor"), values: [spec.executor] },
    { label: t("deployment.spec.runnerImage"), values: [spec.runner_image ?? none] },
    { label: t("deployment.spec.args"), values: listed(spec.args ?? []) },
    {
      label: t("deployment.spec.env"),
      values: listed(
        Object.entries(spec.env ?? {}).map(
          ([name, value]) => `${name}=${isSensitiveName(name) ? MASK : value}`,
        ),
      ),
    },
    {
      label: t("deployment.spec.configFiles"),
      values: listed(
        (spec.config_files ?? []).map((file) =>
          file.secret
            ? t("deployment.spec.secretFile", { file: file.file_name })
            : t("deployment.spec.plainFile", {
                file: file.file_name,
                count: file.content.split("\n").length,
              }),
        ),
      ),
    },
    {
      label: t("deployment.spec.mounts"),
      values: listed((spec.mounts ?? []).map((mount) => mountLine(mount, t))),
    },
    {
      label: t("deployment.spec.resources"),
      values: resources
        ? [
            t("deployment.spec.cpu", { request: resources.cpu_request, limit: resources.cpu_limit }),
            t("deployment.spec.memory", { request: resources.memory_request, limit: resources.memory_limit }),
          ]
        : [none],
    },
    { label: t("deployment.spec.schedule"), values: [schedule] },
    { label: t("deployment.spec.maxActiveRuns"), values: [String(spec.max_active_runs)] },
    {
      label: t("deployment.spec.retries"),
      values: [
        spec.retries > 0
          ? t("deployment.spec.retriesEvery", {
              count: spec.retries,
              delay: formats.duration(spec.retry_delay_seconds),
            })
          : t("deployment.spec.noRetry"),
      ],
    },
    {
      label: t("deployment.spec.timeout"),
      values: [
        spec.execution_timeout_minutes
          ? formats.duration(spec.execution_timeout_minutes * 60)
          : t("deployment.spec.noTimeout"),
      ],
    },
    {
      label: t("deployment.spec.notify"),
      values: listed([
        ...(spec.notify?.emails ?? []),
        ...(spec.notify?.webhook_conn_id
          ? [t("deployment.spec.webhook", { conn: spec.notify.webhook_conn_id })]
          : []),
      ]),
    },
    {
      label: t("deployment.spec.proxy"),
      values: [spec.proxy ? t("deployment.spec.yes") : t("deployment.spec.no")],
    },
    { label: t("deployment.spec.owner"), values: [spec.owner] },
    { label: t("deployment.spec.tags"), values: listed(spec.tags ?? []) },
    { label: t("deployment.spec.description"), values: [spec.description || none] },
  ];
  return rows;
}

/** (3) Runner configuration: schedule, arguments, environment, files, mounts, resources, retries, notifications. */
import { CheckboxField, Select } from "../../components/Controls";
import { Button, HStack, Input, Stack, Text, Textarea } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { FormField, ServerProblems, TextField } from "../../components/FormField";
import { ItemButtons, StringListEditor } from "../../components/ListEditors";
import { Section } from "../../components/Section";
import { repeatedEnvNames, type ConfigFileDraft, type Draft, type MountDraft } from "../../form/draft";
import { removeAt, replaceAt } from "../../form/lists";
import { envProblemsOf } from "../../form/problems";
import { useT, type MessageKey } from "../../i18n";
import { SchedulePart } from "./SchedulePart";
import { StoredSecretNote } from "./StoredSecretNote";
import type { PartProps } from "./types";

export function ConfigurationPart(props: PartProps & { options: Schemas["FormOptions"] }) {
  const { draft, update, problemsAt, options } = props;
  const kubernetes = draft.executor === "kubernetes";
  const t = useT();
  return (
    <Section title={t("deploy.configuration.title")}>
      <SchedulePart {...props} />
      <Section title={t("deploy.args.title")} level={3}>
        <StringListEditor
          label={(position) => t("deploy.args.label", { position })}
          what={(position) => t("deploy.args.item", { position })}
          addLabel={t("deploy.args.add")}
          path="args"
          items={draft.args}
          ordered
          empty={t("deploy.args.empty")}
          problemsAt={problemsAt}
          onChange={(args) => {
            update({ args });
          }}
        />
      </Section>
      <EnvironmentPart {...props} />
      <ConfigFilesPart {...props} />
      {kubernetes ? <MountsPart {...props} /> : null}
      {kubernetes ? (
        <Section title={t("deploy.resources.title")} level={3}>
          <CheckboxField
            label={t("deploy.resources.proxy")}
            checked={draft.proxy}
            onChange={(checked) => {
              update({ proxy: checked });
            }}
          />
          <HStack wrap="wrap" align="start" gap={4}>
            {RESOURCE_FIELDS.map((field) => {
              const ceiling =
                field === "cpu_limit"
                  ? options.max_cpu_limit
                  : field === "memory_limit"
                    ? options.max_memory_limit
                    : "";
              const fallback = options.default_resources[field];
              return (
                <TextField
                  key={field}
                  label={t(RESOURCE_LABELS[field])}
                  problems={problemsAt(`resources.${field}`)}
                  helper={[
                    fallback ? t("deploy.resources.default", { fallback }) : t("deploy.resources.noDefault"),
                    ...(ceiling ? [t("deploy.resources.ceiling", { ceiling })] : []),
                  ].join(t("deploy.resources.separator"))}
                  width="3xs"
                  placeholder={fallback}
                  value={draft.resources[field]}
                  onChange={(value) => {
                    update({ resources: { ...draft.resources, [field]: value } });
                  }}
                />
              );
            })}
          </HStack>
          <ServerProblems problems={problemsAt("resources").filter((problem) => !problem.includes(":"))} />
        </Section>
      ) : null}
      <Section title={t("deploy.limits.title")} level={3}>
        <HStack wrap="wrap" align="start" gap={4}>
          <NumberField
            label={t("deploy.limits.retries")}
            field="retries"
            path="retries"
            helper={t("deploy.limits.between", { low: 0, high: 10 })}
            {...props}
          />
          <NumberField
            label={t("deploy.limits.retryDelay")}
            field="retryDelaySeconds"
            path="retry_delay_seconds"
            {...props}
          />
          <NumberField
            label={t("deploy.limits.timeout")}
            field="timeoutMinutes"
            path="execution_timeout_minutes"
            helper={t("deploy.limits.timeoutHelp")}
            {...props}
          />
          <NumberField
            label={t("deploy.limits.maxActiveRuns")}
            field="maxActiveRuns"
            path="max_active_runs"
            helper={t("deploy.limits.between", { low: 1, high: 16 })}
            {...props}
          />
        </HStack>
      </Section>
      <Section title={t("deploy.notify.title")} level={3}>
        <StringListEditor
          label={(position) => t("deploy.notify.emailLabel", { position })}
          what={(position) => t("deploy.notify.emailItem", { position })}
          addLabel={t("deploy.notify.addEmail")}
          path="notify.emails"
          items={draft.emails}
          problemsAt={problemsAt}
          onChange={(emails) => {
            update({ emails });
          }}
        />
        <TextField
          label={t("deploy.notify.webhook")}
          helper={t("deploy.notify.webhookHelp")}
          problems={problemsAt("notify.webhook_conn_id")}
          maxW="md"
          value={draft.webhookConnId}
          onChange={(value) => {
            update({ webhookConnId: value });
          }}
        />
      </Section>
      <Section title={t("deploy.about.title")} level={3}>
        <TextField
          label={t("deploy.about.owner")}
          problems={problemsAt("owner")}
          maxW="md"
          value={draft.owner}
          onChange={(value) => {
            update({ owner: value });
          }}
        />
        <FormField label={t("deploy.about.description")} problems={problemsAt("description")}>
          <Textarea
            value={draft.description}
            onChange={(event) => {
              update({ description: event.currentTarget.value });
            }}
          />
        </FormField>
        <StringListEditor
          label={(position) => t("deploy.about.tagLabel", { position })}
          what={(position) => t("deploy.about.tagItem", { position })}
          addLabel={t("deploy.about.addTag")}
          path="tags"
          items={draft.tags}
          problemsAt={problemsAt}
          onChange={(tags) => {
            update({ tags });
          }}
        />
      </Section>
    </Section>
  );
}

const RESOURCE_FIELDS = ["cpu_request", "cpu_limit", "memory_request", "memory_limit"] as const;

const RESOURCE_LABELS: Record<(typeof RESOURCE_FIELDS)[number], MessageKey> = {
  cpu_request: "deploy.resources.cpuRequest",
  cpu_limit: "deploy.resources.cpuLimit",
  memory_request: "deploy.resources.memoryRequest",
  memory_limit: "deploy.resources.memoryLimit",
};

type NumberFieldName = "retries" | "retryDelaySeconds" | "timeoutMinutes" | "maxActiveRuns";

function NumberField(
  props: PartProps & { label: string; field: NumberFieldName; path: string; helper?: string },
) {
  return (
    <TextField
      label={props.label}
      problems={props.problemsAt(props.path)}
      helper={props.helper}
      width="3xs"
      inputMode="numeric"
      value={props.draft[props.field]}
      onChange={(value) => {
        props.update({ [props.field]: value } as Partial<Draft>);
      }}
    />
  );
}

function EnvironmentPart({ draft, update, problemsAt, problems }: PartProps) {
  const repeated = repeatedEnvNames(draft.env);
  const claimed = new Set(draft.env.flatMap((entry) => envProblemsOf(problems, entry.name)));
  const t = useT();
  return (
    <Section title={t("deploy.env.title")} level={3}>
      {draft.env.map((entry, index) => (
        <HStack key={index} align="start" wrap="wrap">
          <TextField
            label={t("deploy.env.name", { position: index + 1 })}
            typed={repeated.includes(entry.name) && entry.name ? [t("deploy.env.twice")] : []}
            problems={envProblemsOf(problems, entry.name)}
            fontFamily="mono"
            value={entry.name}
            onChange={(value) => {
              update({ env: replaceAt(draft.env, index, { ...entry, name: value }) });
            }}
          />
          <TextField
            label={t("deploy.env.value", { position: index + 1 })}
            value={entry.value}
            onChange={(value) => {
              update({ env: replaceAt(draft.env, index, { ...entry, value: value }) });
            }}
          />
          <ItemButtons
            what={t("deploy.env.item", { position: index + 1 })}
            index={index}
            count={draft.env.length}
            onRemove={() => {
              update({ env: removeAt(draft.env, index) });
            }}
          />
        </HStack>
      ))}
      <ServerProblems problems={problemsAt("env").filter((problem) => !claimed.has(problem))} />
      <Button
        alignSelf="start"
        size="sm"
        variant="outline"
        onClick={() => {
          update({ env: [...draft.env, { name: "", value: "" }] });
        }}
      >
        {t("deploy.env.add")}
      </Button>
    </Section>
  );
}

function ConfigFilesPart({ draft, update, problemsAt }: PartProps) {
  const t = useT();
  const change = (index: number, file: ConfigFileDraft) => {
    update({ configFiles: replaceAt(draft.configFiles, index, file) });
  };
  return (
    <Section title={t("deploy.files.title")} level={3}>
      <Text color="fg.muted">{t("deploy.files.help")}</Text>
      {draft.configFiles.map((file, index) => (
        <Stack key={index} gap={2} borderLeftWidth="2px" ps={3}>
          <HStack align="start" wrap="wrap">
            <TextField
              label={t("deploy.files.name", { position: index + 1 })}
              problems={problemsAt(`config_files[${index}].file_name`)}
              value={file.file_name}
              onChange={(value) => {
                change(index, { ...file, file_name: value });
              }}
            />
            <CheckboxField
              mt={8}
              label={t("deploy.files.secret")}
              checked={file.secret}
              onChange={(checked) => {
                change(index, { ...file, secret: checked });
              }}
            />
            <ItemButtons
              what={t("deploy.files.item", { position: index + 1 })}
              index={index}
              count={draft.configFiles.length}
              onRemove={() => {
                update({ configFiles: removeAt(draft.configFiles, index) });
              }}
            />
          </HStack>
          <FormField
            label={t("deploy.files.content", { position: index + 1 })}
            problems={problemsAt(`config_files[${index}]`).filter(
              (p) => !problemsAt(`config_files[${index}].file_name`).includes(p),
            )}
          >
            <Textarea
              fontFamily="mono"
              value={file.content}
              onChange={(event) => {
                change(index, { ...file, content: event.currentTarget.value });
              }}
            />
          </FormField>
          <StoredSecretNote file={file} />
        </Stack>
      ))}
      <Button
        alignSelf="start"
        size="sm"
        variant="outline"
        onClick={() => {
          update({ configFiles: [...draft.configFiles, { file_name: "", content: "", secret: false }] });
        }}
      >
        {t("deploy.files.add")}
      </Button>
    </Section>
  );
}

/** Each kind's spec fields for the mount's target and path, and their labels' keys. */
const MOUNT_FIELDS: Record<
  MountDraft["type"],
  { target: string; path: string; targetLabel: MessageKey; pathLabel: MessageKey }
> = {
  smb: {
    target: "endpoint",
    path: "sub_path",
    targetLabel: "deploy.mounts.smbTarget",
    pathLabel: "deploy.mounts.smbPath",
  },
  pvc: {
    target: "claim_name",
    path: "sub_path",
    targetLabel: "deploy.mounts.pvcTarget",
    pathLabel: "deploy.mounts.pvcPath",
  },
  nfs: {
    target: "server",
    path: "path",
    targetLabel: "deploy.mounts.nfsTarget",
    pathLabel: "deploy.mounts.nfsPath",
  },
};

/** An example of a path in the job, not words. */
const MOUNT_PATH_EXAMPLE = "/mnt/data";

function MountsPart({ draft, update, problemsAt }: PartProps) {
  const t = useT();
  const endpoints = useQuery({
    queryKey: ["catalogs", "mounts"],
    queryFn: async () => unwrap(await api.GET("/api/v1/catalogs/mounts")),
  });
  const change = (index: number, mount: MountDraft) => {
    update({ mounts: replaceAt(draft.mounts, index, mount) });
  };
  return (
    <Section title={t("deploy.mounts.title")} level={3}>
      {draft.mounts.map((mount, index) => {
        const at = (field: string) => problemsAt(`mounts[${index}].${mount.type}.${field}`);
        const { target: targetField, path: pathField, targetLabel, pathLabel } = MOUNT_FIELDS[mount.type];
        return (
          <Stack key={index} gap={2} borderLeftWidth="2px" ps={3}>
            <HStack align="start" wrap="wrap">
              <FormField label={t("deploy.mounts.kind", { position: index + 1 })}>
                <Select
                  width="3xs"
                  value={mount.type}
                  onChange={(value) => {
                    change(index, {
                      ...mount,
                      type: value as MountDraft["type"],
                      target: "",
                    });
                  }}
                >
                  <option value="smb">{t("deploy.mounts.smb")}</option>
                  <option value="pvc">{t("deploy.mounts.pvc")}</option>
                  <option value="nfs">{t("deploy.mounts.nfs")}</option>
                </Select>
              </FormField>
              <FormField label={t(targetLabel, { position: index + 1 })} problems={at(targetField)}>
                {mount.type === "smb" ? (
                  <Select
                    width="xs"
                    value={mount.target}
                    onChange={(value) => {
                      change(index, { ...mount, target: value });
                    }}
                  >
                    <option value="">{t("deploy.mounts.chooseShare")}</option>
                    {(endpoints.data ?? []).map((endpoint) => (
                      <option key={endpoint.name} value={endpoint.name}>
                        {endpoint.name} ({endpoint.source})
                      </option>
                    ))}
                  </Select>
                ) : (
                  <Input
                    value={mount.target}
                    onChange={(event) => {
                      change(index, { ...mount, target: event.currentTarget.value });
                    }}
                  />
                )}
              </FormField>
              <ItemButtons
                what={t("deploy.mounts.item", { position: index + 1 })}
                index={index}
                count={draft.mounts.length}
                onRemove={() => {
                  update({ mounts: removeAt(draft.mounts, index) });
                }}
              />
            </HStack>
            <HStack align="start" wrap="wrap">
              <TextField
                label={t(pathLabel, { position: index + 1 })}
                problems={at(pathField)}
                value={mount.path}
                onChange={(value) => {
                  change(index, { ...mount, path: value });
                }}
              />
              <TextField
                label={t("deploy.mounts.mountPath", { position: index + 1 })}
                problems={at("mount_path")}
                value={mount.mount_path}
                placeholder={MOUNT_PATH_EXAMPLE}
                onChange={(value) => {
                  change(index, { ...mount, mount_path: value });
                }}
              />
              <CheckboxField
                mt={8}
                label={t("deploy.mounts.readOnly")}
                checked={mount.read_only}
                onChange={(checked) => {
                  change(index, { ...mount, read_only: checked });
                }}
              />
            </HStack>
            <ServerProblems
              problems={problemsAt(`mounts[${index}]`).filter(
                (p) => ![targetField, pathField, "mount_path"].some((f) => at(f).includes(p)),
              )}
            />
          </Stack>
        );
      })}
      <Button
        alignSelf="start"
        size="sm"
        variant="outline"
        onClick={() => {
          update({
            mounts: [...draft.mounts, { type: "smb", target: "", path: "", mount_path: "", read_only: true }],
          });
        }}
      >
        {t("deploy.mounts.add")}
      </Button>
    </Section>
  );
}

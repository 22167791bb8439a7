/** (3) Runner configuration: schedule, arguments, environment, files, mounts, resources, retries, notifications. */
import { CheckboxField, Select } from "../../components/Controls";
import { Button, HStack, Input, Stack, Text, Textarea } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { ERROR_COLOR, FormField, TextField } from "../../components/FormField";
import { ItemButtons, StringListEditor } from "../../components/ListEditors";
import { Section } from "../../components/Section";
import { repeatedEnvNames, type ConfigFileDraft, type Draft, type MountDraft } from "../../form/draft";
import { removeAt, replaceAt } from "../../form/lists";
import { envProblemsOf } from "../../form/problems";
import { SchedulePart } from "./SchedulePart";
import { StoredSecretNote } from "./StoredSecretNote";
import type { PartProps } from "./types";

export function ConfigurationPart(props: PartProps & { options: Schemas["FormOptions"] }) {
  const { draft, update, problemsAt, options } = props;
  const kubernetes = draft.executor === "kubernetes";
  return (
    <Section title="3. Runner configuration">
      <SchedulePart {...props} />
      <Section title="Arguments" level={3}>
        <StringListEditor
          noun="argument"
          path="args"
          items={draft.args}
          ordered
          empty="No arguments. Each argument is one field: nothing is split or quoted."
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
        <Section title="Network and resources" level={3}>
          <CheckboxField
            label="Use the cluster's HTTP proxy"
            checked={draft.proxy}
            onChange={(checked) => {
              update({ proxy: checked });
            }}
          />
          <HStack wrap="wrap" align="start" gap={4}>
            {(["cpu_request", "cpu_limit", "memory_request", "memory_limit"] as const).map((field) => {
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
                  label={field.replace("_", " ").replace(/^./, (c) => c.toUpperCase())}
                  problems={problemsAt(`resources.${field}`)}
                  helper={`${fallback ? `Default ${fallback}` : "No default"}${ceiling ? `; at most ${ceiling}` : ""}`}
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
          {problemsAt("resources")
            .filter((problem) => !problem.includes(":"))
            .map((problem) => (
              <Text key={problem} color={ERROR_COLOR}>
                {problem}
              </Text>
            ))}
        </Section>
      ) : null}
      <Section title="Retries and limits" level={3}>
        <HStack wrap="wrap" align="start" gap={4}>
          <NumberField label="Retries" field="retries" path="retries" helper="0 to 10" {...props} />
          <NumberField
            label="Seconds between retries"
            field="retryDelaySeconds"
            path="retry_delay_seconds"
            {...props}
          />
          <NumberField
            label="Timeout (minutes)"
            field="timeoutMinutes"
            path="execution_timeout_minutes"
            helper="Empty: none"
            {...props}
          />
          <NumberField
            label="Max active runs"
            field="maxActiveRuns"
            path="max_active_runs"
            helper="1 to 16"
            {...props}
          />
        </HStack>
      </Section>
      <Section title="Failure notifications" level={3}>
        <StringListEditor
          noun="email address"
          path="notify.emails"
          items={draft.emails}
          problemsAt={problemsAt}
          onChange={(emails) => {
            update({ emails });
          }}
        />
        <TextField
          label="Webhook connection id"
          helper="An Airflow connection holding the webhook's URL; empty for none."
          problems={problemsAt("notify.webhook_conn_id")}
          maxW="md"
          value={draft.webhookConnId}
          onChange={(value) => {
            update({ webhookConnId: value });
          }}
        />
      </Section>
      <Section title="Owner and description" level={3}>
        <TextField
          label="Owner"
          problems={problemsAt("owner")}
          maxW="md"
          value={draft.owner}
          onChange={(value) => {
            update({ owner: value });
          }}
        />
        <FormField label="Description" problems={problemsAt("description")}>
          <Textarea
            value={draft.description}
            onChange={(event) => {
              update({ description: event.currentTarget.value });
            }}
          />
        </FormField>
        <StringListEditor
          noun="tag"
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
  return (
    <Section title="Environment" level={3}>
      {draft.env.map((entry, index) => (
        <HStack key={index} align="start" wrap="wrap">
          <TextField
            label={`Variable ${index + 1} name`}
            problems={[
              ...(repeated.includes(entry.name) && entry.name ? ["this name is given twice"] : []),
              ...envProblemsOf(problems, entry.name),
            ]}
            fontFamily="mono"
            value={entry.name}
            onChange={(value) => {
              update({ env: replaceAt(draft.env, index, { ...entry, name: value }) });
            }}
          />
          <TextField
            label={`Variable ${index + 1} value`}
            value={entry.value}
            onChange={(value) => {
              update({ env: replaceAt(draft.env, index, { ...entry, value: value }) });
            }}
          />
          <ItemButtons
            what={`variable ${index + 1}`}
            index={index}
            count={draft.env.length}
            onRemove={() => {
              update({ env: removeAt(draft.env, index) });
            }}
          />
        </HStack>
      ))}
      {problemsAt("env")
        .filter((problem) => !claimed.has(problem))
        .map((problem) => (
          <Text key={problem} color={ERROR_COLOR}>
            {problem}
          </Text>
        ))}
      <Button
        alignSelf="start"
        size="sm"
        variant="outline"
        onClick={() => {
          update({ env: [...draft.env, { name: "", value: "" }] });
        }}
      >
        Add variable
      </Button>
    </Section>
  );
}

function ConfigFilesPart({ draft, update, problemsAt }: PartProps) {
  const change = (index: number, file: ConfigFileDraft) => {
    update({ configFiles: replaceAt(draft.configFiles, index, file) });
  };
  return (
    <Section title="Config files" level={3}>
      <Text color="fg.muted">
        Written next to the job before it starts. A secret file's content is kept in an Airflow Variable or a
        Kubernetes Secret, never in the spec, and is not shown again.
      </Text>
      {draft.configFiles.map((file, index) => (
        <Stack key={index} gap={2} borderLeftWidth="2px" ps={3}>
          <HStack align="start" wrap="wrap">
            <TextField
              label={`File ${index + 1} name`}
              problems={problemsAt(`config_files[${index}].file_name`)}
              value={file.file_name}
              onChange={(value) => {
                change(index, { ...file, file_name: value });
              }}
            />
            <CheckboxField
              mt={8}
              label="Secret"
              checked={file.secret}
              onChange={(checked) => {
                change(index, { ...file, secret: checked });
              }}
            />
            <ItemButtons
              what={`file ${index + 1}`}
              index={index}
              count={draft.configFiles.length}
              onRemove={() => {
                update({ configFiles: removeAt(draft.configFiles, index) });
              }}
            />
          </HStack>
          <FormField
            label={`File ${index + 1} content`}
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
        Add config file
      </Button>
    </Section>
  );
}

const TARGET_LABELS: Record<MountDraft["type"], [string, string]> = {
  smb: ["Share (from the catalog)", "Folder in the share"],
  pvc: ["Volume claim", "Folder in the volume"],
  nfs: ["NFS server", "Exported path"],
};

function MountsPart({ draft, update, problemsAt }: PartProps) {
  const endpoints = useQuery({
    queryKey: ["catalogs", "mounts"],
    queryFn: async () => unwrap(await api.GET("/api/v1/catalogs/mounts")),
  });
  const change = (index: number, mount: MountDraft) => {
    update({ mounts: replaceAt(draft.mounts, index, mount) });
  };
  return (
    <Section title="Mounts" level={3}>
      {draft.mounts.map((mount, index) => {
        const at = (field: string) => problemsAt(`mounts[${index}].${mount.type}.${field}`);
        const [targetLabel, pathLabel] = TARGET_LABELS[mount.type];
        const targetField =
          mount.type === "smb" ? "endpoint" : mount.type === "pvc" ? "claim_name" : "server";
        const pathField = mount.type === "nfs" ? "path" : "sub_path";
        return (
          <Stack key={index} gap={2} borderLeftWidth="2px" ps={3}>
            <HStack align="start" wrap="wrap">
              <FormField label={`Mount ${index + 1} kind`}>
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
                  <option value="smb">SMB/CIFS share</option>
                  <option value="pvc">Persistent volume claim</option>
                  <option value="nfs">NFS export</option>
                </Select>
              </FormField>
              <FormField label={`Mount ${index + 1} ${targetLabel.toLowerCase()}`} problems={at(targetField)}>
                {mount.type === "smb" ? (
                  <Select
                    width="xs"
                    value={mount.target}
                    onChange={(value) => {
                      change(index, { ...mount, target: value });
                    }}
                  >
                    <option value="">Choose a share…</option>
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
                what={`mount ${index + 1}`}
                index={index}
                count={draft.mounts.length}
                onRemove={() => {
                  update({ mounts: removeAt(draft.mounts, index) });
                }}
              />
            </HStack>
            <HStack align="start" wrap="wrap">
              <TextField
                label={`Mount ${index + 1} ${pathLabel.toLowerCase()}`}
                problems={at(pathField)}
                value={mount.path}
                onChange={(value) => {
                  change(index, { ...mount, path: value });
                }}
              />
              <TextField
                label={`Mount ${index + 1} path in the job`}
                problems={at("mount_path")}
                value={mount.mount_path}
                placeholder="/mnt/data"
                onChange={(value) => {
                  change(index, { ...mount, mount_path: value });
                }}
              />
              <CheckboxField
                mt={8}
                label="Read-only"
                checked={mount.read_only}
                onChange={(checked) => {
                  change(index, { ...mount, read_only: checked });
                }}
              />
            </HStack>
            {problemsAt(`mounts[${index}]`)
              .filter((p) => ![targetField, pathField, "mount_path"].some((f) => at(f).includes(p)))
              .map((problem) => (
                <Text key={problem} color={ERROR_COLOR}>
                  {problem}
                </Text>
              ))}
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
        Add mount
      </Button>
    </Section>
  );
}

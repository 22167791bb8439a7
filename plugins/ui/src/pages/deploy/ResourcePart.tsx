/** (1) Resource to run: the name, the version (pinned, latest or latest release) and the files to run, in order. */
import { CheckboxField, Select } from "../../components/Controls";
import { HStack, Input, Stack, Text } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { ERROR_COLOR, FormField } from "../../components/FormField";
import { ItemButtons } from "../../components/ListEditors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Section } from "../../components/Section";
import { move, removeAt, toggle } from "../../form/lists";
import { VERSION_MODES, versionModeOf, withVersionMode } from "../../form/draft";
import { nameProblem } from "../../form/naming";
import { FixedNameNote } from "./FixedNameNote";
import type { PartProps } from "./types";

export function ResourcePart({ draft, update, problemsAt, nameFixed }: PartProps & { nameFixed?: boolean }) {
  const { artifact } = draft;
  const path = { source: artifact.source, repository: artifact.repository };
  const component = { group: artifact.group, name: artifact.name };
  const versions = useQuery({
    queryKey: ["versions", artifact.source, artifact.repository, artifact.group, artifact.name],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/sources/{source}/repositories/{repository}/versions", {
          params: { path, query: component },
        }),
      ),
  });
  const assets = useQuery({
    queryKey: [
      "assets",
      artifact.source,
      artifact.repository,
      artifact.group,
      artifact.name,
      artifact.version,
    ],
    enabled: versionModeOf(artifact.version) === "pinned",
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/sources/{source}/repositories/{repository}/assets", {
          params: { path, query: { ...component, version: artifact.version } },
        }),
      ),
  });
  const typedProblem = nameProblem(draft.name);
  const fileNames = (assets.data ?? []).map((asset) => asset.file_name);

  return (
    <Section title="1. Resource to run">
      <Text>
        {artifact.source === "local" ? "Local folder" : "Nexus"} · {artifact.repository} ·{" "}
        {artifact.group ? `${artifact.group}:` : ""}
        {artifact.name}
      </Text>
      <FormField
        label="Deployment name"
        required
        helper="Also the DAG's id (job_<name>) and its pods' names: lowercase letters, digits and '-'."
        problems={[...(typedProblem && draft.name !== "" ? [typedProblem] : []), ...problemsAt("name")]}
      >
        <Input
          value={draft.name}
          readOnly={nameFixed}
          maxLength={60}
          onChange={(event) => {
            update({ name: event.currentTarget.value });
          }}
        />
      </FormField>
      {nameFixed ? <FixedNameNote /> : null}
      <HStack align="start" wrap="wrap" gap={4}>
        <FormField label="Version to run" problems={problemsAt("artifact.version")}>
          <Select
            width="xs"
            value={draft.versionMode}
            onChange={(value) => {
              update(withVersionMode(draft, value, versions.data?.[0]));
            }}
          >
            {VERSION_MODES.map(({ mode, label }) => (
              <option key={mode} value={mode}>
                {label}
              </option>
            ))}
          </Select>
        </FormField>
        {draft.versionMode === "pinned" ? (
          <FormField label="Version">
            <Select
              width="xs"
              value={artifact.version}
              onChange={(value) => {
                update({ artifact: { ...artifact, version: value }, assets: [] });
              }}
            >
              {[...new Set([artifact.version, ...(versions.data ?? [])])].map((version) => (
                <option key={version} value={version}>
                  {version}
                </option>
              ))}
            </Select>
          </FormField>
        ) : null}
      </HStack>
      {versions.isError ? <ProblemAlert title="Could not list the versions" error={versions.error} /> : null}
      {assets.isError ? <ProblemAlert title="Could not list the files" error={assets.error} /> : null}
      {fileNames.length > 1 ? (
        <Stack gap={2} as="fieldset">
          <Text as="legend" fontWeight="medium">
            Files to run, in order (none chosen: the one runnable file)
          </Text>
          <HStack wrap="wrap" gap={4}>
            {fileNames.map((fileName) => (
              <CheckboxField
                key={fileName}
                label={fileName}
                checked={draft.assets.includes(fileName)}
                onChange={() => {
                  update({ assets: toggle(draft.assets, fileName) });
                }}
              />
            ))}
          </HStack>
          {draft.assets.length > 1 ? (
            <Stack as="ol" gap={1} ps={4}>
              {draft.assets.map((fileName, index) => (
                <HStack as="li" key={fileName} justify="space-between" maxW="lg">
                  <Text>
                    {index + 1}. {fileName}
                  </Text>
                  <ItemButtons
                    what={fileName}
                    index={index}
                    count={draft.assets.length}
                    onMove={(offset) => {
                      update({ assets: move(draft.assets, index, offset) });
                    }}
                    onRemove={() => {
                      update({ assets: removeAt(draft.assets, index) });
                    }}
                  />
                </HStack>
              ))}
            </Stack>
          ) : null}
          {problemsAt("artifact.assets").map((problem) => (
            <Text key={problem} color={ERROR_COLOR}>
              {problem}
            </Text>
          ))}
        </Stack>
      ) : null}
    </Section>
  );
}

/** (1) Resource to run: the name, the version (pinned, latest or latest release) and the files to run, in order. */
import { CheckboxField, Select } from "../../components/Controls";
import { HStack, Input, Stack, Text } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import { FormField, ServerProblems } from "../../components/FormField";
import { ItemButtons } from "../../components/ListEditors";
import { ProblemAlert } from "../../components/ProblemAlert";
import { Section } from "../../components/Section";
import { move, removeAt, toggle } from "../../form/lists";
import { VERSION_MODES, versionModeOf, withVersionMode } from "../../form/draft";
import { nameProblem } from "../../form/naming";
import { FixedNameNote } from "./FixedNameNote";
import { useT } from "../../i18n";
import type { PartProps } from "./types";

export function ResourcePart({ draft, update, problemsAt, nameFixed }: PartProps & { nameFixed?: boolean }) {
  const { artifact } = draft;
  const t = useT();
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
  const typedProblem = nameProblem(draft.name, t);
  const fileNames = (assets.data ?? []).map((asset) => asset.file_name);

  return (
    <Section title={t("deploy.resource.title")}>
      <Text>
        {artifact.source === "local" ? t("common.source.local") : t("common.source.nexus")} ·{" "}
        <span data-untranslated="data">
          {artifact.repository} · {artifact.group ? `${artifact.group}:` : ""}
          {artifact.name}
        </span>
      </Text>
      <FormField
        label={t("deploy.resource.name")}
        required
        helper={t("deploy.resource.nameHelp")}
        typed={typedProblem && draft.name !== "" ? [typedProblem] : []}
        problems={problemsAt("name")}
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
        <FormField label={t("deploy.resource.versionMode")} problems={problemsAt("artifact.version")}>
          <Select
            width="xs"
            value={draft.versionMode}
            onChange={(value) => {
              update(withVersionMode(draft, value, versions.data?.[0]));
            }}
          >
            {VERSION_MODES.map(({ mode, label }) => (
              <option key={mode} value={mode}>
                {t(label)}
              </option>
            ))}
          </Select>
        </FormField>
        {draft.versionMode === "pinned" ? (
          <FormField label={t("deploy.resource.version")}>
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
      {versions.isError ? (
        <ProblemAlert title={t("deploy.resource.versionsFailed")} error={versions.error} />
      ) : null}
      {assets.isError ? <ProblemAlert title={t("deploy.resource.filesFailed")} error={assets.error} /> : null}
      {fileNames.length > 1 ? (
        <Stack gap={2} as="fieldset">
          <Text as="legend" fontWeight="medium">
            {t("deploy.resource.files")}
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
                  <Text data-untranslated="data">
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
          <ServerProblems problems={problemsAt("artifact.assets")} />
        </Stack>
      ) : null}
    </Section>
  );
}

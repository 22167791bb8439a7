/**
 * Artifacts: pick a source and a repository, search it (on the server), page through the
 * components with their versions newest first, see a version's files and deploy one.
 * Source, repository and search live in the address, so a reload or a shared link keeps them.
 */
import { Select } from "../components/Controls";
import {
  Alert,
  Box,
  Button,
  Card,
  Code,
  Field,
  HStack,
  Heading,
  Input,
  Stack,
  Table,
  Text,
} from "@chakra-ui/react";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { Link as RouterLink, useSearchParams } from "react-router-dom";

import { api, type Schemas } from "../api/client";
import { unwrap } from "../api/problems";
import { usePagePath } from "../components/PageLinks";
import { ProblemAlert } from "../components/ProblemAlert";
import { useFormOptions } from "../components/useFormOptions";
import { useFormats, useT, type MessageKey, type Translate } from "../i18n";
import { Loading } from "../components/Loading";

const SOURCE_LABELS: Record<string, MessageKey> = {
  nexus: "common.source.nexus",
  local: "common.source.local",
};

/** A source's name in words; a source the pages do not know is shown by its id. */
function sourceLabel(source: string, t: Translate): string {
  const key = SOURCE_LABELS[source];
  return key ? t(key) : source;
}

type Component = Schemas["ComponentOut"];

/**
 * One card per component: a search pages by versions, so a component's versions may come on
 * two pages. Such a component is marked `split`: its card asks the server for its whole,
 * ordered list of versions.
 */
export function mergeComponents(components: readonly Component[]): (Component & { split: boolean })[] {
  const merged = new Map<string, Component & { split: boolean }>();
  for (const component of components) {
    const key = `${component.group}:${component.name}`;
    const seen = merged.get(key);
    if (seen) {
      const versions = [...seen.versions, ...component.versions.filter((v) => !seen.versions.includes(v))];
      merged.set(key, { ...seen, versions, split: true });
    } else {
      merged.set(key, { ...component, split: false });
    }
  }
  return [...merged.values()];
}

export function ArtifactsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const source = params.get("source") ?? "";
  const repository = params.get("repository") ?? "";
  const query = params.get("q") ?? "";
  const options = useFormOptions();
  const mayDeploy = options.data?.may_deploy ?? false;

  const sources = useQuery({
    queryKey: ["sources"],
    queryFn: async () => unwrap(await api.GET("/api/v1/sources")),
  });
  const chosenSource = source || sources.data?.[0] || "";
  const repositories = useQuery({
    queryKey: ["repositories", chosenSource],
    enabled: chosenSource !== "",
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/sources/{source}/repositories", {
          params: { path: { source: chosenSource } },
        }),
      ),
  });
  const chosenRepository = repository || repositories.data?.[0]?.name || "";

  const choose = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };

  return (
    <Stack gap={4} p={4} maxW="1200px">
      <Heading as="h1" size="lg">
        {t("artifacts.title")}
      </Heading>
      {options.data && !mayDeploy ? (
        <Alert.Root status="info" id="read-only-reason">
          <Alert.Indicator />
          <Alert.Description>{t("common.readOnly")}</Alert.Description>
        </Alert.Root>
      ) : null}
      <HStack gap={4} align="end" wrap="wrap">
        <PickList
          label={t("artifacts.source")}
          value={chosenSource}
          choices={(sources.data ?? []).map((name) => ({ value: name, label: sourceLabel(name, t) }))}
          onChange={(value) => {
            choose({ source: value, repository: "", q: "" });
          }}
        />
        <PickList
          label={t("artifacts.repository")}
          value={chosenRepository}
          choices={(repositories.data ?? []).map((repo) => ({
            value: repo.name,
            label: `${repo.name} (${repo.format})`,
          }))}
          onChange={(value) => {
            choose({ repository: value, q: "" });
          }}
        />
        <SearchBox
          key={`${chosenSource}/${chosenRepository}/${query}`}
          initial={query}
          onSearch={(q) => {
            choose({ q });
          }}
        />
      </HStack>
      {sources.isError ? <ProblemAlert title={t("artifacts.sourcesFailed")} error={sources.error} /> : null}
      {repositories.isError ? (
        <ProblemAlert
          title={t("artifacts.repositoriesFailed", { source: sourceLabel(chosenSource, t) })}
          error={repositories.error}
        />
      ) : null}
      {repositories.isSuccess && repositories.data.length === 0 ? (
        <Text>{t("artifacts.noRepositories")}</Text>
      ) : null}
      {chosenRepository ? (
        <SearchResults
          source={chosenSource}
          repository={chosenRepository}
          query={query}
          mayDeploy={mayDeploy}
        />
      ) : null}
    </Stack>
  );
}

interface Choice {
  value: string;
  label: string;
}

function PickList(props: {
  label: string;
  value: string;
  choices: Choice[];
  onChange: (value: string) => void;
}) {
  return (
    <Field.Root width="auto" minW="200px">
      <Field.Label>{props.label}</Field.Label>
      <Select
        value={props.value}
        onChange={(value) => {
          props.onChange(value);
        }}
      >
        {props.choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </Select>
    </Field.Root>
  );
}

function SearchBox({ initial, onSearch }: { initial: string; onSearch: (query: string) => void }) {
  const t = useT();
  const [text, setText] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form onSubmit={submit} role="search" aria-label={t("artifacts.search.region")}>
      <HStack align="end">
        <Field.Root width="auto">
          <Field.Label>{t("artifacts.search.label")}</Field.Label>
          <Input
            type="search"
            value={text}
            placeholder={t("artifacts.search.placeholder")}
            onChange={(event) => {
              setText(event.currentTarget.value);
            }}
          />
        </Field.Root>
        <Button type="submit" variant="outline">
          {t("artifacts.search.button")}
        </Button>
      </HStack>
    </form>
  );
}

function SearchResults(props: { source: string; repository: string; query: string; mayDeploy: boolean }) {
  const { source, repository, query } = props;
  const t = useT();
  const results = useInfiniteQuery({
    queryKey: ["search", source, repository, query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/sources/{source}/repositories/{repository}/search", {
          params: {
            path: { source, repository },
            query: { q: query, continuation_token: pageParam ?? null },
          },
        }),
      ),
    getNextPageParam: (page) => page.continuation_token ?? undefined,
  });
  if (results.data === undefined) {
    return results.isError ? (
      <ProblemAlert title={t("artifacts.searchFailed", { repository })} error={results.error} />
    ) : (
      <Loading label={t("artifacts.loadingComponents")} />
    );
  }
  const components = mergeComponents(results.data.pages.flatMap((page) => page.components));
  if (components.length === 0) {
    return (
      <Text>
        {query ? t("artifacts.noMatch", { repository, query }) : t("artifacts.empty", { repository })}
      </Text>
    );
  }
  return (
    <Stack gap={3}>
      <Text aria-live="polite">
        {results.hasNextPage
          ? t("artifacts.componentsSoFar", { count: components.length })
          : t("artifacts.components", { count: components.length })}
      </Text>
      {components.map((component) => (
        <ComponentCard
          key={`${component.group}:${component.name}`}
          component={component}
          split={component.split}
          source={source}
          repository={repository}
          mayDeploy={props.mayDeploy}
        />
      ))}
      {results.isError ? <ProblemAlert title={t("artifacts.loadMoreFailed")} error={results.error} /> : null}
      {results.hasNextPage ? (
        <Button
          alignSelf="start"
          variant="outline"
          loading={results.isFetchingNextPage}
          onClick={() => void results.fetchNextPage()}
        >
          {t("artifacts.loadMore")}
        </Button>
      ) : null}
    </Stack>
  );
}

function ComponentCard(props: {
  component: Component;
  split: boolean;
  source: string;
  repository: string;
  mayDeploy: boolean;
}) {
  const { source, repository } = props;
  const t = useT();
  const allVersions = useQuery({
    queryKey: ["versions", source, repository, props.component.group, props.component.name],
    enabled: props.split,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/sources/{source}/repositories/{repository}/versions", {
          params: {
            path: { source, repository },
            query: { group: props.component.group, name: props.component.name },
          },
        }),
      ),
  });
  const component = allVersions.data ? { ...props.component, versions: allVersions.data } : props.component;
  const headingId = useId();
  const pagePath = usePagePath();
  const [openVersion, setOpenVersion] = useState<string | null>(null);
  const deployPath = (version: string) =>
    pagePath(
      "deploy",
      new URLSearchParams({ source, repository, group: component.group, name: component.name, version }),
    );
  return (
    <Card.Root as="section" aria-labelledby={headingId} size="sm">
      <Card.Body gap={2}>
        <HStack justify="space-between" wrap="wrap">
          <Box>
            <Heading as="h2" size="md" id={headingId} data-untranslated="data">
              {component.name}
            </Heading>
            {component.group ? (
              <Text color="fg.muted" data-untranslated="data">
                {component.group}
              </Text>
            ) : null}
          </Box>
          <DeployLink
            to={deployPath("latest-release")}
            mayDeploy={props.mayDeploy}
            label={t("artifacts.deployLatest")}
            ariaLabel={t("artifacts.deployLatestOf", { name: component.name })}
          />
        </HStack>
        <Table.Root size="sm">
          <Table.Caption srOnly>{t("artifacts.versionsOf", { name: component.name })}</Table.Caption>
          <Table.Header>
            <Table.Row>
              <Table.ColumnHeader>{t("artifacts.version")}</Table.ColumnHeader>
              <Table.ColumnHeader textAlign="end">{t("artifacts.actions")}</Table.ColumnHeader>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {component.versions.map((version) => (
              <VersionRow
                key={version}
                version={version}
                open={openVersion === version}
                onToggle={() => {
                  setOpenVersion(openVersion === version ? null : version);
                }}
                deploy={
                  <DeployLink
                    to={deployPath(version)}
                    mayDeploy={props.mayDeploy}
                    label={t("artifacts.deploy")}
                    ariaLabel={t("artifacts.deployVersion", { name: component.name, version })}
                  />
                }
                assets={
                  openVersion === version ? (
                    <AssetList
                      source={source}
                      repository={repository}
                      group={component.group}
                      name={component.name}
                      version={version}
                    />
                  ) : null
                }
              />
            ))}
          </Table.Body>
        </Table.Root>
      </Card.Body>
    </Card.Root>
  );
}

function VersionRow(props: {
  version: string;
  open: boolean;
  onToggle: () => void;
  deploy: React.ReactNode;
  assets: React.ReactNode;
}) {
  const assetsId = useId();
  const t = useT();
  return (
    <>
      <Table.Row>
        <Table.Cell>
          <Code data-untranslated="data">{props.version}</Code>
        </Table.Cell>
        <Table.Cell textAlign="end">
          <HStack justify="end">
            <Button
              size="xs"
              variant="ghost"
              aria-expanded={props.open}
              aria-controls={props.open ? assetsId : undefined}
              onClick={props.onToggle}
            >
              {props.open ? t("artifacts.hideFiles") : t("artifacts.files")}
              <Text as="span" srOnly>
                {t("artifacts.filesOfVersion", { version: props.version })}
              </Text>
            </Button>
            {props.deploy}
          </HStack>
        </Table.Cell>
      </Table.Row>
      {props.open ? (
        <Table.Row>
          <Table.Cell colSpan={2} id={assetsId}>
            {props.assets}
          </Table.Cell>
        </Table.Row>
      ) : null}
    </>
  );
}

function DeployLink(props: { to: string; mayDeploy: boolean; label: string; ariaLabel?: string }) {
  const t = useT();
  if (!props.mayDeploy) {
    return (
      <Button
        size="xs"
        disabled
        title={t("common.readOnlyReason")}
        aria-label={props.ariaLabel}
        aria-describedby="read-only-reason"
      >
        {props.label}
      </Button>
    );
  }
  return (
    <Button asChild size="xs" colorPalette="blue">
      <RouterLink to={props.to} aria-label={props.ariaLabel}>
        {props.label}
      </RouterLink>
    </Button>
  );
}

/** The strongest checksum the source gave, prefixed with its algorithm. */
function checksum(asset: { sha256?: string | null; sha1?: string | null }): string | null {
  if (asset.sha256) return `sha256:${asset.sha256}`;
  return asset.sha1 ? `sha1:${asset.sha1}` : null;
}

function AssetList(props: {
  source: string;
  repository: string;
  group: string;
  name: string;
  version: string;
}) {
  const { source, repository, group, name, version } = props;
  const t = useT();
  const formats = useFormats();
  const assets = useQuery({
    queryKey: ["assets", source, repository, group, name, version],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/sources/{source}/repositories/{repository}/assets", {
          params: { path: { source, repository }, query: { group, name, version } },
        }),
      ),
  });
  if (assets.isPending) return <Loading label={t("artifacts.loadingFiles")} />;
  if (assets.isError)
    return <ProblemAlert title={t("artifacts.filesFailed", { version })} error={assets.error} />;
  if (assets.data.length === 0) return <Text>{t("artifacts.noFiles")}</Text>;
  return (
    <Table.Root size="sm" variant="outline">
      <Table.Caption srOnly>{t("artifacts.filesOf", { name, version })}</Table.Caption>
      <Table.Header>
        <Table.Row>
          <Table.ColumnHeader>{t("artifacts.file")}</Table.ColumnHeader>
          <Table.ColumnHeader>{t("artifacts.size")}</Table.ColumnHeader>
          <Table.ColumnHeader>{t("artifacts.checksum")}</Table.ColumnHeader>
          <Table.ColumnHeader>{t("artifacts.uploaded")}</Table.ColumnHeader>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {assets.data.map((asset) => (
          <Table.Row key={asset.path}>
            <Table.Cell data-untranslated="data">
              <Text>{asset.file_name}</Text>
              <Text fontSize="xs" color="fg.muted">
                {asset.path}
              </Text>
            </Table.Cell>
            <Table.Cell>{formats.size(asset.size)}</Table.Cell>
            <Table.Cell>
              <Text fontFamily="mono" fontSize="xs" wordBreak="break-all" data-untranslated="data">
                {checksum(asset) ?? t("common.none")}
              </Text>
            </Table.Cell>
            <Table.Cell>{formats.dateTime(asset.last_modified)}</Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table.Root>
  );
}

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
  Spinner,
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
import { READ_ONLY_REASON, useFormOptions } from "../components/useFormOptions";
import { formatDate, formatSize } from "../format";

const SOURCE_LABELS: Record<string, string> = { nexus: "Nexus", local: "Local folder" };

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
        Artifacts
      </Heading>
      {options.data && !mayDeploy ? (
        <Alert.Root status="info" id="read-only-reason">
          <Alert.Indicator />
          <Alert.Description>Read-only: {READ_ONLY_REASON}</Alert.Description>
        </Alert.Root>
      ) : null}
      <HStack gap={4} align="end" wrap="wrap">
        <PickList
          label="Source"
          value={chosenSource}
          choices={(sources.data ?? []).map((name) => ({ value: name, label: SOURCE_LABELS[name] ?? name }))}
          onChange={(value) => {
            choose({ source: value, repository: "", q: "" });
          }}
        />
        <PickList
          label="Repository"
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
      {sources.isError ? <ProblemAlert title="Could not list the sources" error={sources.error} /> : null}
      {repositories.isError ? (
        <ProblemAlert
          title={`Could not list the repositories of ${SOURCE_LABELS[chosenSource] ?? chosenSource}`}
          error={repositories.error}
        />
      ) : null}
      {repositories.isSuccess && repositories.data.length === 0 ? (
        <Text>This source has no repositories.</Text>
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
  const [text, setText] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSearch(text.trim());
  };
  return (
    <form onSubmit={submit} role="search" aria-label="Search the repository">
      <HStack align="end">
        <Field.Root width="auto">
          <Field.Label>Search</Field.Label>
          <Input
            type="search"
            value={text}
            placeholder="group or name"
            onChange={(event) => {
              setText(event.currentTarget.value);
            }}
          />
        </Field.Root>
        <Button type="submit" variant="outline">
          Search
        </Button>
      </HStack>
    </form>
  );
}

function SearchResults(props: { source: string; repository: string; query: string; mayDeploy: boolean }) {
  const { source, repository, query } = props;
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
      <ProblemAlert title={`Could not search ${repository}`} error={results.error} />
    ) : (
      <Spinner aria-label="Loading components" />
    );
  }
  const components = mergeComponents(results.data.pages.flatMap((page) => page.components));
  if (components.length === 0) {
    return <Text>{query ? `Nothing in ${repository} matches “${query}”.` : `${repository} is empty.`}</Text>;
  }
  return (
    <Stack gap={3}>
      <Text aria-live="polite">
        {components.length} component{components.length === 1 ? "" : "s"}
        {results.hasNextPage ? " so far" : ""}
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
      {results.isError ? <ProblemAlert title="Could not load more" error={results.error} /> : null}
      {results.hasNextPage ? (
        <Button
          alignSelf="start"
          variant="outline"
          loading={results.isFetchingNextPage}
          onClick={() => void results.fetchNextPage()}
        >
          Load more
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
            <Heading as="h2" size="md" id={headingId}>
              {component.name}
            </Heading>
            {component.group ? <Text color="fg.muted">{component.group}</Text> : null}
          </Box>
          <DeployLink
            to={deployPath("latest-release")}
            mayDeploy={props.mayDeploy}
            label="Deploy latest release"
            ariaLabel={`Deploy the latest release of ${component.name}`}
          />
        </HStack>
        <Table.Root size="sm">
          <Table.Caption srOnly>Versions of {component.name}, newest first</Table.Caption>
          <Table.Header>
            <Table.Row>
              <Table.ColumnHeader>Version</Table.ColumnHeader>
              <Table.ColumnHeader textAlign="end">Actions</Table.ColumnHeader>
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
                    label="Deploy"
                    ariaLabel={`Deploy ${component.name} ${version}`}
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
  return (
    <>
      <Table.Row>
        <Table.Cell>
          <Code>{props.version}</Code>
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
              {props.open ? "Hide files" : "Files"}
              <Text as="span" srOnly>
                {" "}
                of {props.version}
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
  if (!props.mayDeploy) {
    return (
      <Button
        size="xs"
        disabled
        title={READ_ONLY_REASON}
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

function AssetList(props: {
  source: string;
  repository: string;
  group: string;
  name: string;
  version: string;
}) {
  const { source, repository, group, name, version } = props;
  const assets = useQuery({
    queryKey: ["assets", source, repository, group, name, version],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/sources/{source}/repositories/{repository}/assets", {
          params: { path: { source, repository }, query: { group, name, version } },
        }),
      ),
  });
  if (assets.isPending) return <Spinner aria-label="Loading files" />;
  if (assets.isError)
    return <ProblemAlert title={`Could not list the files of ${version}`} error={assets.error} />;
  if (assets.data.length === 0) return <Text>This version has no files.</Text>;
  return (
    <Table.Root size="sm" variant="outline">
      <Table.Caption srOnly>
        Files of {name} {version}
      </Table.Caption>
      <Table.Header>
        <Table.Row>
          <Table.ColumnHeader>File</Table.ColumnHeader>
          <Table.ColumnHeader>Size</Table.ColumnHeader>
          <Table.ColumnHeader>Checksum</Table.ColumnHeader>
          <Table.ColumnHeader>Uploaded</Table.ColumnHeader>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {assets.data.map((asset) => (
          <Table.Row key={asset.path}>
            <Table.Cell>
              <Text>{asset.file_name}</Text>
              <Text fontSize="xs" color="fg.muted">
                {asset.path}
              </Text>
            </Table.Cell>
            <Table.Cell>{formatSize(asset.size)}</Table.Cell>
            <Table.Cell>
              <Text fontFamily="mono" fontSize="xs" wordBreak="break-all">
                {asset.sha256 ? `sha256:${asset.sha256}` : asset.sha1 ? `sha1:${asset.sha1}` : "—"}
              </Text>
            </Table.Cell>
            <Table.Cell>{formatDate(asset.last_modified)}</Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table.Root>
  );
}

/**
 * Deploy: configure a run of the artifact chosen on the Artifacts page (named in the address,
 * so a reload keeps it), check it, preview its pod and code, and deploy it.
 */
import { Alert, Heading, Link, Stack, Text, chakra } from "@chakra-ui/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { Link as RouterLink, useSearchParams } from "react-router-dom";

import { api, type Schemas } from "../api/client";
import { ApiProblem, unwrap } from "../api/problems";
import { usePagePath } from "../components/PageLinks";
import { ProblemAlert } from "../components/ProblemAlert";
import { useFormOptions } from "../components/useFormOptions";
import {
  DEFAULT_VERSION,
  defaultExecutor,
  newDraft,
  toSpec,
  type ArtifactChoice,
  type Draft,
} from "../form/draft";
import { parseProblem, problemsAt, unclaimed, type FieldProblem } from "../form/problems";
import { useT } from "../i18n";
import { ConfigurationPart } from "./deploy/ConfigurationPart";
import { DeployedPart } from "./deploy/DeployedPart";
import { EditConflict } from "./deploy/EditConflict";
import { EditHeading } from "./deploy/EditHeading";
import { RevisionConflict, type EditSession } from "./deploy/useEditedDeployment";
import { DeployPart, type Previews } from "./deploy/DeployPart";
import { ResourcePart } from "./deploy/ResourcePart";
import { RunnerPart } from "./deploy/RunnerPart";
import { Loading } from "../components/Loading";

/** The paths the form shows problems at; a 422 line under none of them is listed by the Deploy button. */
const CLAIMED = [
  "name",
  "artifact.version",
  "artifact.assets",
  "executor",
  "runner_image",
  "schedule",
  "timezone",
  "args",
  "env",
  "config_files",
  "mounts",
  "resources",
  "retries",
  "retry_delay_seconds",
  "execution_timeout_minutes",
  "max_active_runs",
  "notify.emails",
  "notify.webhook_conn_id",
  "owner",
  "description",
  "tags",
];

function problemsOf(error: unknown): FieldProblem[] {
  if (!(error instanceof ApiProblem)) return [];
  if (error.status === 409 && /already exists/i.test(error.message))
    return [{ path: "name", message: error.message }];
  return error.lines.map(parseProblem);
}

export function DeployPage() {
  const t = useT();
  const [params] = useSearchParams();
  const pagePath = usePagePath();
  const artifact = useMemo(
    (): ArtifactChoice => ({
      source: params.get("source") === "nexus" ? "nexus" : "local",
      repository: params.get("repository") ?? "",
      group: params.get("group") ?? "",
      name: params.get("name") ?? "",
      version: params.get("version") ?? DEFAULT_VERSION,
    }),
    [params],
  );
  const options = useFormOptions();
  const suggestion = useQuery({
    queryKey: ["suggest-name", artifact.name, artifact.version],
    enabled: artifact.name !== "",
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/suggest-name", {
          params: { query: { artifact_name: artifact.name, version: artifact.version } },
        }),
      ),
  });

  if (!artifact.name || !artifact.repository) {
    return (
      <Stack p={4} gap={4}>
        <Heading as="h1" size="lg">
          {t("deploy.title")}
        </Heading>
        <Text>
          {t("deploy.noArtifact.before")}
          <Link variant="underline" asChild>
            <RouterLink to={pagePath("browse")}>{t("deploy.noArtifact.link")}</RouterLink>
          </Link>
          {t("deploy.noArtifact.after")}
        </Text>
      </Stack>
    );
  }
  if (options.isError) return <ProblemAlert title={t("deploy.optionsFailed")} error={options.error} />;
  if (!options.data || suggestion.isPending) return <Loading label={t("deploy.loading")} />;
  return (
    <DeployForm
      key={JSON.stringify(artifact)}
      initial={{
        ...newDraft(artifact, defaultExecutor(options.data.allowed_executors), options.data.user_name),
        name: suggestion.data?.name ?? "",
      }}
      options={options.data}
    />
  );
}

/** The form; with `edit`, filled from a deployment and saved over the revision it was loaded from. */
export function DeployForm({
  initial,
  options,
  edit,
}: {
  initial: Draft;
  options: Schemas["FormOptions"];
  edit?: EditSession;
}) {
  const t = useT();
  const pagePath = usePagePath();
  const [draft, setDraft] = useState(initial);
  const [previews, setPreviews] = useState<Previews>({});
  const [deployed, setDeployed] = useState<Schemas["DeploymentOut"] | null>(null);
  const update = (changes: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...changes }));
  };

  const preview = useMutation({
    mutationFn: async (spec: Schemas["DeploymentSpec"]) => {
      const [preflight, code] = await Promise.all([
        api.POST("/api/v1/preflight", { body: spec }).then(unwrap),
        api.POST("/api/v1/deploy-form/code", { body: spec }).then(unwrap),
      ]);
      const pod = await api.POST("/api/v1/deploy-form/pod", { body: spec });
      return pod.data
        ? { preflight, code, pod: pod.data }
        : { preflight, code, podProblem: new ApiProblem(pod.response.status, pod.error) };
    },
    onSuccess: setPreviews,
  });
  const deploy = useMutation({
    mutationFn: async (spec: Schemas["DeploymentSpec"]) =>
      edit ? edit.save(spec) : unwrap(await api.POST("/api/v1/deployments", { body: spec })),
    onSuccess: setDeployed,
  });
  const failure = deploy.error ?? preview.error;
  const problems = problemsOf(failure);
  const at = (path: string) => problemsAt(problems, path);

  // A new problem list moves the keyboard to the first field that has one.
  useEffect(() => {
    if (problems.length > 0) {
      document
        .querySelector<HTMLElement>("[data-invalid] input, [data-invalid] select, [data-invalid] textarea")
        ?.focus();
    }
  }, [failure]); // eslint-disable-line react-hooks/exhaustive-deps

  if (deployed) {
    return (
      <Stack p={4} gap={4} maxW="1000px">
        <Heading as="h1" size="lg">
          {t("deploy.title")}
        </Heading>
        <DeployedPart
          deployment={deployed}
          onAnother={() => {
            setDeployed(null);
            deploy.reset();
          }}
        />
        <Link variant="underline" asChild>
          <RouterLink to={pagePath("browse")}>{t("deploy.backToArtifacts")}</RouterLink>
        </Link>
      </Stack>
    );
  }
  const mayDeploy = options.may_deploy;
  return (
    <Stack p={4} gap={4} maxW="1000px">
      {edit ? (
        <EditHeading name={edit.name} revision={edit.revision} />
      ) : (
        <Heading as="h1" size="lg">
          {t("deploy.titleOf", { name: draft.artifact.name })}
        </Heading>
      )}
      {mayDeploy ? null : (
        <Alert.Root status="info">
          <Alert.Indicator />
          <Alert.Description>{t("common.readOnly")}</Alert.Description>
        </Alert.Root>
      )}
      <chakra.fieldset disabled={!mayDeploy} minW={0}>
        <Stack gap={4}>
          <ResourcePart
            draft={draft}
            update={update}
            problemsAt={at}
            problems={problems}
            nameFixed={edit !== undefined}
          />
          <RunnerPart draft={draft} update={update} problemsAt={at} problems={problems} options={options} />
          <ConfigurationPart
            draft={draft}
            update={update}
            problemsAt={at}
            problems={problems}
            options={options}
          />
        </Stack>
      </chakra.fieldset>
      {edit ? (
        <EditConflict
          session={edit}
          error={deploy.error}
          yours={toSpec(draft)}
          onReload={(reloaded) => {
            setDraft(reloaded);
            deploy.reset();
          }}
          onKeep={() => {
            deploy.reset();
          }}
        />
      ) : null}
      <DeployPart
        previews={previews}
        submitLabel={edit ? t("edit.submit") : undefined}
        previewing={preview.isPending}
        deploying={deploy.isPending}
        mayDeploy={mayDeploy}
        problem={failure instanceof RevisionConflict ? null : failure}
        unclaimed={unclaimed(problems, CLAIMED)}
        onPreview={() => {
          deploy.reset();
          preview.mutate(toSpec(draft));
        }}
        onDeploy={() => {
          preview.reset();
          deploy.mutate(toSpec(draft));
        }}
      />
    </Stack>
  );
}

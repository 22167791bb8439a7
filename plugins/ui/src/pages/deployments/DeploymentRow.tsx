import { Badge, Link, Stack, Table, Text } from "@chakra-ui/react";
import { Link as RouterLink } from "react-router-dom";

import type { Schemas } from "../../api/client";
import { usePagePath } from "../../components/PageLinks";
import { RunStateBadge } from "../../deployments/RunStateBadge";
import { useDeploymentActions } from "../../deployments/useDeploymentActions";
import { Formats, useFormats, useT } from "../../i18n";
import { KIND_LABELS } from "./DeploymentFilters";
import { PauseSwitch } from "./PauseSwitch";
import { RowActions } from "./RowActions";

type Deployment = Schemas["DeploymentOut"];

/** A link to the deployment's own page. */
export function DeploymentName({ name }: { name: string }) {
  const pagePath = usePagePath();
  return (
    <Link variant="underline" fontWeight="medium" asChild>
      <RouterLink to={pagePath(`deployments/${encodeURIComponent(name)}`)}>{name}</RouterLink>
    </Link>
  );
}

/** The artifact as deployed, the version its last run took, and a newer release if there is one. */
function ArtifactCell({ deployment }: { deployment: Deployment }) {
  const t = useT();
  const resolved = deployment.status.latest_run?.artifact_version;
  return (
    <Stack gap={1}>
      <Text wordBreak="break-all">{deployment.artifact}</Text>
      {resolved ? (
        <Text color="fg.muted" fontSize="xs">
          {t("deployments.lastRunVersion", { version: resolved })}
        </Text>
      ) : null}
      {deployment.newer_release ? (
        <Badge colorPalette="purple" alignSelf="start" data-testid="newer-release">
          {t("deployments.newerRelease", { version: deployment.newer_release })}
        </Badge>
      ) : null}
    </Stack>
  );
}

/** The latest run's state, why it failed, and its try's log in Airflow's own log view. */
function LatestRunCell({ run }: { run: Deployment["status"]["latest_run"] }) {
  const t = useT();
  return (
    <Stack gap={1} align="start" data-testid="latest-run">
      <RunStateBadge state={run?.state} hasRun={run != null} />
      {run?.failure_reason ? (
        <Text fontSize="xs" color="fg.error" data-testid="failure-reason">
          {run.failure_reason}
        </Text>
      ) : null}
      {run?.log_url ? (
        <Link variant="underline" fontSize="xs" href={run.log_url}>
          {t("deployments.log", { count: run.try_number ?? 1 })}
        </Link>
      ) : null}
    </Stack>
  );
}

function LastRunCell({ run, formats }: { run: Deployment["status"]["latest_run"]; formats: Formats }) {
  const t = useT();
  if (!run) return <Text>{t("common.none")}</Text>;
  const seconds = Formats.secondsBetween(run.start_date, run.end_date);
  return (
    <Stack gap={0} fontSize="xs">
      <Text>{t("deployments.started", { when: formats.dateTime(run.start_date) })}</Text>
      {run.end_date ? <Text>{t("deployments.ended", { when: formats.dateTime(run.end_date) })}</Text> : null}
      {seconds !== null ? (
        <Text>{t("deployments.took", { duration: formats.duration(seconds) })}</Text>
      ) : null}
    </Stack>
  );
}

/** One deployment: what it runs, where, when, how its last run went, and what can be done to it. */
export function DeploymentRow({ deployment, mayChange }: { deployment: Deployment; mayChange: boolean }) {
  const t = useT();
  const formats = useFormats();
  const actions = useDeploymentActions(deployment.name);
  const { status } = deployment;
  return (
    <Table.Row data-deployment={deployment.name} verticalAlign="top">
      <Table.Cell>
        <DeploymentName name={deployment.name} />
      </Table.Cell>
      <Table.Cell minW="14rem">
        <ArtifactCell deployment={deployment} />
      </Table.Cell>
      <Table.Cell>
        <Stack gap={1}>
          <Text>{deployment.executor}</Text>
          {deployment.executor === "kubernetes" ? (
            <Text fontSize="xs" color="fg.muted" wordBreak="break-all">
              {deployment.runner_image}
            </Text>
          ) : null}
        </Stack>
      </Table.Cell>
      <Table.Cell minW="10rem">
        <Stack gap={1} align="start">
          <Badge variant="outline">{deployment.kind ? t(KIND_LABELS[deployment.kind]) : null}</Badge>
          {deployment.kind === "scheduled" ? (
            <Text fontSize="xs">{deployment.schedule_description ?? deployment.schedule}</Text>
          ) : null}
        </Stack>
      </Table.Cell>
      <Table.Cell>
        <PauseSwitch
          name={deployment.name}
          dagState={status.dag_state}
          mayChange={mayChange}
          actions={actions}
        />
      </Table.Cell>
      <Table.Cell>
        <LatestRunCell run={status.latest_run} />
      </Table.Cell>
      <Table.Cell minW="11rem">
        <LastRunCell run={status.latest_run} formats={formats} />
      </Table.Cell>
      <Table.Cell fontSize="xs" minW="9rem">
        {formats.dateTime(status.next_run_after)}
      </Table.Cell>
      <Table.Cell fontSize="xs" minW="9rem">
        <Text>{deployment.deployed_by}</Text>
        <Text color="fg.muted">{formats.dateTime(deployment.deployed_at)}</Text>
      </Table.Cell>
      {mayChange ? (
        <Table.Cell>
          <RowActions deployment={deployment} mayChange actions={actions} />
        </Table.Cell>
      ) : null}
    </Table.Row>
  );
}

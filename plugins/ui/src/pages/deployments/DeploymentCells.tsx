/** The cells of a deployment's row, each saying one thing about it. */
import { Badge, Link, Stack, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { RunStateBadge } from "../../deployments/RunStateBadge";
import { Formats, useFormats, useT } from "../../i18n";
import { KIND_LABELS } from "./DeploymentFilters";

type Deployment = Schemas["DeploymentOut"];
type Run = Deployment["status"]["latest_run"];

/** What runs and where: the artifact as deployed, the version the last run took, a newer release, executor and image. */
export function ArtifactCell({ deployment }: { deployment: Deployment }) {
  const t = useT();
  const resolved = deployment.status.latest_run?.artifact_version;
  const runsOn =
    deployment.executor === "kubernetes" && deployment.runner_image
      ? t("deployments.runsInImage", { image: deployment.runner_image })
      : (deployment.executor ?? "");
  return (
    <Stack gap={1} align="start">
      <Text wordBreak="break-all">{deployment.artifact}</Text>
      {resolved ? (
        <Text color="fg.muted" fontSize="xs">
          {t("deployments.lastRunVersion", { version: resolved })}
        </Text>
      ) : null}
      {deployment.newer_release ? (
        <Badge colorPalette="purple" data-testid="newer-release">
          {t("deployments.newerRelease", { version: deployment.newer_release })}
        </Badge>
      ) : null}
      <Text color="fg.muted" fontSize="xs" wordBreak="break-all">
        {runsOn}
      </Text>
    </Stack>
  );
}

/** One-off or scheduled, the schedule in words with its time zone, and the next run. */
export function ScheduleCell({ deployment }: { deployment: Deployment }) {
  const t = useT();
  const formats = useFormats();
  const next = deployment.status.next_run_after;
  return (
    <Stack gap={1} align="start" fontSize="xs">
      {deployment.kind ? <Badge variant="outline">{t(KIND_LABELS[deployment.kind])}</Badge> : null}
      {deployment.kind === "scheduled" ? (
        <Text>{deployment.schedule_description ?? deployment.schedule}</Text>
      ) : null}
      {next ? <Text color="fg.muted">{t("deployments.next", { when: formats.dateTime(next) })}</Text> : null}
    </Stack>
  );
}

/** The latest run: its state, when it started and ended, why it failed, and its try's log in Airflow's log view. */
export function LatestRunCell({ run }: { run: Run }) {
  const t = useT();
  const formats = useFormats();
  const seconds = run ? Formats.secondsBetween(run.start_date, run.end_date) : null;
  return (
    <Stack gap={1} align="start" data-testid="latest-run">
      <RunStateBadge state={run?.state} hasRun={run != null} />
      {run?.start_date ? (
        <Stack gap={0} fontSize="xs">
          <Text>{t("deployments.started", { when: formats.dateTime(run.start_date) })}</Text>
          {run.end_date ? (
            <Text>{t("deployments.ended", { when: formats.dateTime(run.end_date) })}</Text>
          ) : null}
          {seconds !== null ? (
            <Text>{t("deployments.took", { duration: formats.duration(seconds) })}</Text>
          ) : null}
        </Stack>
      ) : null}
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

/** Who deployed the current revision, and when. */
export function DeployedCell({ deployment }: { deployment: Deployment }) {
  const formats = useFormats();
  return (
    <Stack gap={0} fontSize="xs">
      <Text>{deployment.deployed_by}</Text>
      <Text color="fg.muted">{formats.dateTime(deployment.deployed_at)}</Text>
    </Stack>
  );
}

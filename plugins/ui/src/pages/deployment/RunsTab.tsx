import { Link, Stack, Table, Text } from "@chakra-ui/react";

import { ProblemAlert } from "../../components/ProblemAlert";
import { RunStateBadge } from "../../deployments/RunStateBadge";
import { Formats, useFormats, useT } from "../../i18n";
import { useDeploymentRuns } from "./queries";
import { Loading } from "../../components/Loading";

/** The newest runs, each linked to its place in Airflow's grid and to its task's log. */
export function RunsTab({ name }: { name: string }) {
  const t = useT();
  const formats = useFormats();
  const runs = useDeploymentRuns(name);
  if (runs.isError) return <ProblemAlert title={t("deployment.runs.failed")} error={runs.error} />;
  if (!runs.data) return <Loading label={t("common.loading")} />;
  if (runs.data.runs.length === 0) return <Text>{t("deployment.runs.none")}</Text>;
  // Manual runs of Airflow 3 have no logical date: a column of dashes says nothing.
  const withLogicalDates = runs.data.runs.some((run) => run.logical_date);
  return (
    <Table.ScrollArea>
      <Table.Root size="sm" aria-label={t("deployment.runs.caption", { name })}>
        <Table.Header>
          <Table.Row>
            <Table.ColumnHeader>{t("deployment.runs.state")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("deployment.runs.run")}</Table.ColumnHeader>
            {withLogicalDates ? (
              <Table.ColumnHeader>{t("deployment.runs.logicalDate")}</Table.ColumnHeader>
            ) : null}
            <Table.ColumnHeader>{t("deployment.runs.started")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("deployment.runs.ended")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("deployment.runs.duration")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("deployment.runs.version")}</Table.ColumnHeader>
            <Table.ColumnHeader>{t("deployment.runs.failure")}</Table.ColumnHeader>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {runs.data.runs.map((run) => (
            <Table.Row key={run.run_id} data-run-id={run.run_id}>
              <Table.Cell>
                <RunStateBadge state={run.state} />
              </Table.Cell>
              <Table.Cell>
                <Stack gap={1} align="start">
                  {run.run_url ? (
                    <Link
                      variant="underline"
                      href={run.run_url}
                      aria-label={t("deployment.runs.inGrid", { run: run.run_id })}
                    >
                      {run.run_id}
                    </Link>
                  ) : (
                    <Text>{run.run_id}</Text>
                  )}
                  {run.log_url ? (
                    <Link variant="underline" href={run.log_url} fontSize="xs">
                      {t("deployment.runs.logOfTry", { try: run.try_number ?? 1 })}
                    </Link>
                  ) : null}
                </Stack>
              </Table.Cell>
              {withLogicalDates ? <Table.Cell>{formats.dateTime(run.logical_date)}</Table.Cell> : null}
              <Table.Cell>{formats.dateTime(run.start_date)}</Table.Cell>
              <Table.Cell>{formats.dateTime(run.end_date)}</Table.Cell>
              <Table.Cell>
                {formats.duration(Formats.secondsBetween(run.start_date, run.end_date))}
              </Table.Cell>
              <Table.Cell>{run.artifact_version ?? t("common.none")}</Table.Cell>
              <Table.Cell whiteSpace="pre-wrap">{run.failure_reason ?? t("common.none")}</Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table.Root>
    </Table.ScrollArea>
  );
}

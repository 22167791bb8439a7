/** After a deploy: where the deployment is, and its status as it changes (a one-off starts by itself). */
import { Alert, Badge, Button, HStack, Link, Stack, Text } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { airflowBasePath, api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { useT } from "../../i18n";
import { dagStateWords, runStateWords } from "../../i18n/states";

const FINISHED = new Set(["success", "failed"]);
/** A run Airflow has not given a state yet waits in its queue. */
const QUEUED = "queued";

export function DeployedPart({
  deployment,
  onAnother,
}: {
  deployment: Schemas["DeploymentOut"];
  onAnother: () => void;
}) {
  const t = useT();
  const status = useQuery({
    queryKey: ["deployment", deployment.name, deployment.revision],
    initialData: deployment,
    refetchInterval: (query) => {
      const run = query.state.data?.status.latest_run;
      const waiting = deployment.kind === "one-off" && !(run?.state && FINISHED.has(run.state));
      return waiting || query.state.data?.status.dag_state === "pending" ? 3000 : false;
    },
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/deployments/{name}", { params: { path: { name: deployment.name } } })),
  });
  const current = status.data;
  const run = current.status.latest_run;
  const dagUrl = `${airflowBasePath()}dags/${encodeURIComponent(current.dag_id ?? "")}`;
  return (
    <Alert.Root status="success" role="status">
      <Alert.Indicator />
      <Alert.Content>
        <Alert.Title>
          {t("deploy.done.title", { name: current.name, revision: current.revision ?? t("common.none") })}
        </Alert.Title>
        <Stack gap={2} mt={2}>
          <Text>
            {t("deploy.done.dagBefore")}
            <Link variant="underline" href={dagUrl} data-untranslated="data">
              {current.dag_id}
            </Link>
            {t("deploy.done.dagAfter")}
            {current.kind === "one-off"
              ? t("deploy.done.oneOff")
              : t("deploy.done.scheduled", { schedule: current.schedule ?? t("common.none") })}
          </Text>
          <HStack wrap="wrap" data-testid="deployment-status">
            <Text>{t("deploy.done.dag")}</Text>
            <Badge>{dagStateWords(current.status.dag_state, t)}</Badge>
            {run ? (
              <>
                <Text>{t("deploy.done.latestRun")}</Text>
                <Badge
                  colorPalette={run.state === "success" ? "green" : run.state === "failed" ? "red" : "blue"}
                >
                  {runStateWords(run.state ?? QUEUED, t)}
                </Badge>
                {run.log_url ? (
                  <Link variant="underline" href={run.log_url}>
                    {t("deploy.done.taskLog")}
                  </Link>
                ) : null}
              </>
            ) : null}
          </HStack>
          {run?.failure_reason ? <Text data-untranslated="server">{run.failure_reason}</Text> : null}
          <Button alignSelf="start" size="sm" variant="outline" onClick={onAnother}>
            {t("deploy.done.again")}
          </Button>
        </Stack>
      </Alert.Content>
    </Alert.Root>
  );
}

/** After a deploy: where the deployment is, and its status as it changes (a one-off starts by itself). */
import { Alert, Badge, Button, HStack, Link, Stack, Text } from "@chakra-ui/react";
import { useQuery } from "@tanstack/react-query";

import { airflowBasePath, api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";

const FINISHED = new Set(["success", "failed"]);

export function DeployedPart({
  deployment,
  onAnother,
}: {
  deployment: Schemas["DeploymentOut"];
  onAnother: () => void;
}) {
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
          Deployed {current.name} (revision {current.revision})
        </Alert.Title>
        <Stack gap={2} mt={2}>
          <Text>
            Its DAG is{" "}
            <Link variant="underline" href={dagUrl}>
              {current.dag_id}
            </Link>{" "}
            in Airflow;{" "}
            {current.kind === "one-off"
              ? "a one-off deployment runs once, by itself."
              : `it runs ${current.schedule}.`}
          </Text>
          <HStack wrap="wrap" data-testid="deployment-status">
            <Text>DAG:</Text>
            <Badge>{current.status.dag_state}</Badge>
            {run ? (
              <>
                <Text>Latest run:</Text>
                <Badge
                  colorPalette={run.state === "success" ? "green" : run.state === "failed" ? "red" : "blue"}
                >
                  {run.state ?? "queued"}
                </Badge>
                {run.log_url ? (
                  <Link variant="underline" href={run.log_url}>
                    Task log
                  </Link>
                ) : null}
              </>
            ) : null}
          </HStack>
          {run?.failure_reason ? <Text>{run.failure_reason}</Text> : null}
          <Button alignSelf="start" size="sm" variant="outline" onClick={onAnother}>
            Edit and deploy again
          </Button>
        </Stack>
      </Alert.Content>
    </Alert.Root>
  );
}

import { HStack, Heading, Link, Stack, Text } from "@chakra-ui/react";
import { Link as RouterLink } from "react-router-dom";

import { airflowBasePath } from "../../api/client";
import { usePagePath } from "../../components/PageLinks";
import { RunStateBadge } from "../../deployments/RunStateBadge";
import { useFormats, useT } from "../../i18n";
import { DagStateBadge } from "./DagStateBadge";
import { DeploymentActions } from "./DeploymentActions";
import { NewerReleaseNotice } from "./NewerReleaseNotice";
import type { DeploymentView } from "./types";

/** The deployment's name, where Airflow stands with it, who deployed it, and what can be done. */
export function DeploymentHeader({ deployment, mayEdit }: DeploymentView) {
  const t = useT();
  const formats = useFormats();
  const pagePath = usePagePath();
  const run = deployment.status.latest_run;
  return (
    <Stack gap={3}>
      <Link variant="underline" asChild alignSelf="start" fontSize="sm">
        <RouterLink to={pagePath("deployments")}>{t("deployment.backToList")}</RouterLink>
      </Link>
      <Heading as="h1" size="lg">
        {deployment.name}
      </Heading>
      <HStack wrap="wrap" gap={3} data-testid="deployment-status">
        <Text>{t("deployment.header.dag")}</Text>
        {deployment.dag_id ? (
          <Link
            variant="underline"
            href={`${airflowBasePath()}dags/${encodeURIComponent(deployment.dag_id)}`}
          >
            {deployment.dag_id}
          </Link>
        ) : null}
        <DagStateBadge state={deployment.status.dag_state} />
        <Text>{t("deployment.header.latestRun")}</Text>
        <RunStateBadge state={run?.state} hasRun={run != null} />
        {deployment.status.next_run_after ? (
          <Text>
            {t("deployment.header.nextRun", { when: formats.dateTime(deployment.status.next_run_after) })}
          </Text>
        ) : null}
      </HStack>
      {deployment.revision != null && deployment.deployed_by ? (
        <Text color="fg.muted">
          {t("deployment.header.deployed", {
            revision: deployment.revision,
            who: deployment.deployed_by,
            when: formats.dateTime(deployment.deployed_at),
          })}
        </Text>
      ) : null}
      {deployment.newer_release ? (
        <NewerReleaseNotice deployment={deployment} newer={deployment.newer_release} mayEdit={mayEdit} />
      ) : null}
      {mayEdit ? <DeploymentActions deployment={deployment} /> : <Text>{t("deployment.readOnly")}</Text>}
    </Stack>
  );
}

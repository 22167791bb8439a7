/**
 * One deployment: where Airflow stands with it and its latest runs, its spec in words, every
 * revision (with rollback), its DAG code and its pod; the actions for users who may edit it.
 */
import { Alert, Stack } from "@chakra-ui/react";
import { useParams } from "react-router-dom";

import { ApiProblem } from "../api/problems";
import { ProblemAlert } from "../components/ProblemAlert";
import { useFormOptions } from "../components/useFormOptions";
import { useT } from "../i18n";
import { DeploymentHeader } from "./deployment/DeploymentHeader";
import { DeploymentNotFound } from "./deployment/DeploymentNotFound";
import { DeploymentTabs } from "./deployment/DeploymentTabs";
import { useDeployment } from "./deployment/queries";
import { Loading } from "../components/Loading";

export function DeploymentPage() {
  const t = useT();
  const { name = "" } = useParams();
  const deployment = useDeployment(name);
  const options = useFormOptions();
  if (deployment.error instanceof ApiProblem && [400, 404].includes(deployment.error.status))
    return <DeploymentNotFound name={name} />;
  if (deployment.isError)
    return <ProblemAlert title={t("deployment.failed", { name })} error={deployment.error} />;
  if (!deployment.data) return <Loading label={t("common.loading")} />;
  const mayEdit = options.data?.may_deploy ?? false;
  return (
    <Stack p={4} gap={4} maxW="1200px">
      <DeploymentHeader deployment={deployment.data} mayEdit={mayEdit} />
      {deployment.data.valid ? null : (
        <Alert.Root status="error" role="alert">
          <Alert.Indicator />
          <Alert.Description>
            {t("deployment.invalid", { error: deployment.data.error ?? "" })}
          </Alert.Description>
        </Alert.Root>
      )}
      <DeploymentTabs deployment={deployment.data} mayEdit={mayEdit} />
    </Stack>
  );
}

import { Link, Table } from "@chakra-ui/react";
import { Link as RouterLink } from "react-router-dom";

import type { Schemas } from "../../api/client";
import { usePagePath } from "../../components/PageLinks";
import { useDeploymentActions } from "../../deployments/useDeploymentActions";
import { ArtifactCell, DeployedCell, LatestRunCell, ScheduleCell } from "./DeploymentCells";
import { PauseSwitch } from "./PauseSwitch";
import { RowActions } from "./RowActions";

/** A link to the deployment's own page. */
export function DeploymentName({ name }: { name: string }) {
  const pagePath = usePagePath();
  return (
    <Link variant="underline" fontWeight="medium" asChild>
      <RouterLink to={pagePath(`deployments/${encodeURIComponent(name)}`)}>{name}</RouterLink>
    </Link>
  );
}

/** One deployment: what it runs, where, when, how its last run went, and what can be done to it. */
export function DeploymentRow({
  deployment,
  mayChange,
}: {
  deployment: Schemas["DeploymentOut"];
  mayChange: boolean;
}) {
  const actions = useDeploymentActions(deployment.name);
  const { status } = deployment;
  return (
    <Table.Row data-deployment={deployment.name} verticalAlign="top">
      <Table.Cell>
        <DeploymentName name={deployment.name} />
      </Table.Cell>
      <Table.Cell minW="12rem">
        <ArtifactCell deployment={deployment} />
      </Table.Cell>
      <Table.Cell minW="10rem">
        <ScheduleCell deployment={deployment} />
      </Table.Cell>
      <Table.Cell>
        <PauseSwitch
          name={deployment.name}
          dagState={status.dag_state}
          mayChange={mayChange}
          actions={actions}
        />
      </Table.Cell>
      <Table.Cell minW="11rem">
        <LatestRunCell run={status.latest_run} />
      </Table.Cell>
      <Table.Cell minW="8rem">
        <DeployedCell deployment={deployment} />
      </Table.Cell>
      {mayChange ? (
        <Table.Cell>
          <RowActions deployment={deployment} mayChange actions={actions} />
        </Table.Cell>
      ) : null}
    </Table.Row>
  );
}

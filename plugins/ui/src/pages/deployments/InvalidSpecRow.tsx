import { Badge, Stack, Table, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { useDeploymentActions } from "../../deployments/useDeploymentActions";
import { useT } from "../../i18n";
import { DeploymentName } from "./DeploymentRow";
import { RowActions } from "./RowActions";

/** A spec file that cannot be deployed, with the reason: Airflow runs nothing for it. */
export function InvalidSpecRow({
  deployment,
  mayChange,
  columns,
}: {
  deployment: Schemas["DeploymentOut"];
  mayChange: boolean;
  /** How many columns the table has: the error spans those after the name (and before the actions). */
  columns: number;
}) {
  const t = useT();
  const actions = useDeploymentActions(deployment.name);
  return (
    <Table.Row data-deployment={deployment.name} data-invalid-spec="" verticalAlign="top">
      <Table.Cell>
        {deployment.dag_id ? <DeploymentName name={deployment.name} /> : deployment.name}
      </Table.Cell>
      <Table.Cell colSpan={columns - (mayChange ? 2 : 1)}>
        <Stack gap={1} align="start">
          <Badge colorPalette="red">{t("deployments.dagState.invalid")}</Badge>
          <Text data-testid="spec-error" whiteSpace="pre-wrap" wordBreak="break-word">
            {deployment.error}
          </Text>
        </Stack>
      </Table.Cell>
      {mayChange ? (
        <Table.Cell>
          <RowActions deployment={deployment} mayChange={deployment.dag_id !== null} actions={actions} />
        </Table.Cell>
      ) : null}
    </Table.Row>
  );
}

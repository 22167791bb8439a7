import { Badge, Switch, Text } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import type { useDeploymentActions } from "../../deployments/useDeploymentActions";
import { useT } from "../../i18n";
import { STATE_LABELS } from "./DeploymentFilters";

type DagState = Schemas["StatusOut"]["dag_state"];

/**
 * Active or paused: a switch for those who may change it, a badge for the others. A DAG Airflow
 * has not parsed yet can be neither paused nor resumed, so it shows as pending.
 */
export function PauseSwitch(props: {
  name: string;
  dagState: DagState;
  mayChange: boolean;
  actions: ReturnType<typeof useDeploymentActions>;
}) {
  const t = useT();
  const { dagState, actions } = props;
  if (!props.mayChange || (dagState !== "active" && dagState !== "paused")) {
    return (
      <Badge colorPalette={dagState === "active" ? "green" : "gray"} data-dag-state={dagState}>
        {t(STATE_LABELS[dagState])}
      </Badge>
    );
  }
  const switching = actions.pending === "pause" || actions.pending === "resume";
  return (
    <Switch.Root
      colorPalette="green"
      checked={dagState === "active"}
      disabled={switching}
      data-dag-state={dagState}
      onCheckedChange={(details) => {
        if (details.checked) actions.resume();
        else actions.pause();
      }}
    >
      <Switch.HiddenInput />
      <Switch.Control />
      {/* Named by the deployment for assistive technologies; the state word is for the eye. */}
      <Switch.Label srOnly>{t("deployments.activeSwitch", { name: props.name })}</Switch.Label>
      <Text aria-hidden fontSize="sm">
        {t(STATE_LABELS[dagState])}
      </Text>
    </Switch.Root>
  );
}

import { Badge } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { useT, type MessageKey } from "../../i18n";

type DagState = Schemas["StatusOut"]["dag_state"];

const STATES: Record<DagState, { key: MessageKey; palette: string }> = {
  active: { key: "deployment.dagState.active", palette: "green" },
  paused: { key: "deployment.dagState.paused", palette: "gray" },
  pending: { key: "deployment.dagState.pending", palette: "blue" },
  invalid: { key: "deployment.dagState.invalid", palette: "red" },
};

/** Whether Airflow schedules the deployment's DAG: active, paused, not parsed yet, or not deployable. */
export function DagStateBadge({ state }: { state: DagState }) {
  const t = useT();
  const shown = STATES[state];
  return (
    <Badge colorPalette={shown.palette} variant="outline" data-dag-state={state}>
      {t(shown.key)}
    </Badge>
  );
}

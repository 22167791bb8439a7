import { Badge } from "@chakra-ui/react";

import { useT, type MessageKey } from "../i18n";

/** Airflow's run and task states, with the colours Airflow's own UI gives them. */
const STATES: Record<string, { key: MessageKey; palette: string }> = {
  queued: { key: "deployment.runState.queued", palette: "gray" },
  scheduled: { key: "deployment.runState.scheduled", palette: "gray" },
  running: { key: "deployment.runState.running", palette: "cyan" },
  restarting: { key: "deployment.runState.restarting", palette: "purple" },
  deferred: { key: "deployment.runState.deferred", palette: "purple" },
  up_for_retry: { key: "deployment.runState.up_for_retry", palette: "yellow" },
  up_for_reschedule: { key: "deployment.runState.up_for_reschedule", palette: "teal" },
  success: { key: "deployment.runState.success", palette: "green" },
  failed: { key: "deployment.runState.failed", palette: "red" },
  upstream_failed: { key: "deployment.runState.upstream_failed", palette: "orange" },
  skipped: { key: "deployment.runState.skipped", palette: "pink" },
  removed: { key: "deployment.runState.removed", palette: "gray" },
};

/**
 * A run's state as a coloured badge in the user's language. A run Airflow has created but not
 * given a state yet is queued; no run at all reads "no run yet". A state this list does not
 * know (a newer Airflow's) is shown as Airflow names it.
 */
export function RunStateBadge({
  state,
  hasRun = true,
}: {
  state: string | null | undefined;
  hasRun?: boolean;
}) {
  const t = useT();
  if (!hasRun) {
    return (
      <Badge colorPalette="gray" variant="outline" data-run-state="none">
        {t("deployment.runState.none")}
      </Badge>
    );
  }
  const shown = state ?? "queued";
  const known = STATES[shown];
  return (
    <Badge colorPalette={known?.palette ?? "gray"} data-run-state={shown}>
      {known ? t(known.key) : shown}
    </Badge>
  );
}

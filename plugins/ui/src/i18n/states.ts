/**
 * Airflow's states in words: the API gives Airflow's own values (`success`, `up_for_retry`…),
 * which the pages show translated; a state Airflow adds later is shown as it comes.
 */
import type { MessageKey } from "./catalogues";
import type { Translate } from "./useI18n";

const RUN_STATES: Record<string, MessageKey> = {
  deferred: "common.state.deferred",
  failed: "common.state.failed",
  queued: "common.state.queued",
  removed: "common.state.removed",
  restarting: "common.state.restarting",
  running: "common.state.running",
  scheduled: "common.state.scheduled",
  skipped: "common.state.skipped",
  success: "common.state.success",
  up_for_reschedule: "common.state.upForReschedule",
  up_for_retry: "common.state.upForRetry",
  upstream_failed: "common.state.upstreamFailed",
};

const DAG_STATES: Record<string, MessageKey> = {
  active: "common.dagState.active",
  invalid: "common.dagState.invalid",
  paused: "common.dagState.paused",
  pending: "common.dagState.pending",
};

/** A DAG run's or task's state, as the user's language says it. */
export function runStateWords(state: string, t: Translate): string {
  const key = RUN_STATES[state];
  return key ? t(key) : state;
}

/** Whether the deployment's DAG is active, paused, not parsed yet or broken. */
export function dagStateWords(state: string, t: Translate): string {
  const key = DAG_STATES[state];
  return key ? t(key) : state;
}

import { Field, HStack, Input } from "@chakra-ui/react";
import { useEffect, useState } from "react";

import { Select } from "../../components/Controls";
import { useDebounced } from "../../components/useDebounced";
import { useT, type MessageKey } from "../../i18n";
import {
  KIND_FILTERS,
  SORT_FIELDS,
  STATE_FILTERS,
  type KindFilter,
  type ListView,
  type SortField,
  type StateFilter,
} from "./listView";

export const STATE_LABELS: Record<StateFilter, MessageKey> = {
  active: "deployments.dagState.active",
  paused: "deployments.dagState.paused",
  pending: "deployments.dagState.pending",
  invalid: "deployments.dagState.invalid",
  success: "deployment.runState.success",
  failed: "deployment.runState.failed",
  running: "deployment.runState.running",
  queued: "deployment.runState.queued",
  none: "deployment.runState.none",
};

const SORT_LABELS: Record<SortField, MessageKey> = {
  name: "deployments.sortBy.name",
  state: "deployments.sortBy.state",
  last_run: "deployments.sortBy.lastRun",
  next_run: "deployments.sortBy.nextRun",
  deployed_at: "deployments.sortBy.deployedAt",
};

export const KIND_LABELS: Record<KindFilter, MessageKey> = {
  "one-off": "deployments.kind.oneOff",
  scheduled: "deployments.kind.scheduled",
};

/** A text filter that reaches the address once the user pauses typing. */
function TextFilter(props: {
  label: string;
  placeholder?: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { value, onChange } = props;
  const [text, setText] = useState(value);
  const settled = useDebounced(text.trim(), 300);
  useEffect(() => {
    if (settled !== value) onChange(settled);
    // Only the user's typing changes the address; a new address re-mounts the filters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [settled]);
  return (
    <Field.Root width="auto" minW="160px">
      <Field.Label>{props.label}</Field.Label>
      <Input
        type="search"
        value={text}
        placeholder={props.placeholder}
        onChange={(event) => {
          setText(event.currentTarget.value);
        }}
      />
    </Field.Root>
  );
}

/** Search, state, type, tag and owner: each change is written to the address. */
export function DeploymentFilters({
  view,
  onChange,
}: {
  view: ListView;
  onChange: (changes: Partial<ListView>) => void;
}) {
  const t = useT();
  return (
    <HStack gap={3} align="end" wrap="wrap" role="search" aria-label={t("deployments.filters")}>
      <TextFilter
        label={t("deployments.search")}
        placeholder={t("deployments.searchHint")}
        value={view.q}
        onChange={(q) => {
          onChange({ q });
        }}
      />
      <Field.Root width="auto" minW="160px">
        <Field.Label>{t("deployments.stateFilter")}</Field.Label>
        <Select
          value={view.state}
          onChange={(value) => {
            onChange({ state: STATE_FILTERS.find((state) => state === value) ?? "" });
          }}
        >
          <option value="">{t("deployments.anyState")}</option>
          {STATE_FILTERS.map((state) => (
            <option key={state} value={state}>
              {t(STATE_LABELS[state])}
            </option>
          ))}
        </Select>
      </Field.Root>
      <Field.Root width="auto" minW="140px">
        <Field.Label>{t("deployments.kindFilter")}</Field.Label>
        <Select
          value={view.kind}
          onChange={(value) => {
            onChange({ kind: KIND_FILTERS.find((kind) => kind === value) ?? "" });
          }}
        >
          <option value="">{t("deployments.anyKind")}</option>
          {KIND_FILTERS.map((kind) => (
            <option key={kind} value={kind}>
              {t(KIND_LABELS[kind])}
            </option>
          ))}
        </Select>
      </Field.Root>
      <Field.Root width="auto" minW="160px">
        <Field.Label>{t("deployments.sortField")}</Field.Label>
        <Select
          value={view.sort.replace(/^-/, "")}
          onChange={(value) => {
            const field = SORT_FIELDS.find((candidate) => candidate === value);
            if (field) onChange({ sort: field }); // ascending: its column's header turns it around
          }}
        >
          {SORT_FIELDS.map((field) => (
            <option key={field} value={field}>
              {t(SORT_LABELS[field])}
            </option>
          ))}
        </Select>
      </Field.Root>
      <TextFilter
        label={t("deployments.tagFilter")}
        value={view.tag}
        onChange={(tag) => {
          onChange({ tag });
        }}
      />
      <TextFilter
        label={t("deployments.ownerFilter")}
        value={view.owner}
        onChange={(owner) => {
          onChange({ owner });
        }}
      />
    </HStack>
  );
}

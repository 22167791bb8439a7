import { Tabs } from "@chakra-ui/react";
import { useSearchParams } from "react-router-dom";

import { useT, type MessageKey } from "../../i18n";
import { CodeTab } from "./CodeTab";
import { HistoryTab } from "./HistoryTab";
import { PodTab } from "./PodTab";
import { RunsTab } from "./RunsTab";
import { SpecTab } from "./SpecTab";
import type { DeploymentView } from "./types";

const TABS = ["runs", "spec", "history", "code", "pod"] as const;
type Tab = (typeof TABS)[number];

const LABELS: Record<Tab, MessageKey> = {
  runs: "deployment.tabs.runs",
  spec: "deployment.tabs.spec",
  history: "deployment.tabs.history",
  code: "deployment.tabs.code",
  pod: "deployment.tabs.pod",
};

function isTab(value: string | null): value is Tab {
  return TABS.includes(value as Tab);
}

/** Runs, spec, history, code and pod; the open tab is in the address (`?tab=`), so links and reloads keep it. */
export function DeploymentTabs({ deployment, mayEdit }: DeploymentView) {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const asked = params.get("tab");
  const tab: Tab = isTab(asked) ? asked : "runs";
  return (
    <Tabs.Root
      value={tab}
      lazyMount
      unmountOnExit
      onValueChange={(details) => {
        setParams((current) => {
          const next = new URLSearchParams(current);
          next.set("tab", details.value);
          return next;
        });
      }}
    >
      <Tabs.List>
        {TABS.map((value) => (
          <Tabs.Trigger key={value} value={value}>
            {t(LABELS[value])}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      <Tabs.Content value="runs">
        <RunsTab name={deployment.name} />
      </Tabs.Content>
      <Tabs.Content value="spec">
        <SpecTab deployment={deployment} />
      </Tabs.Content>
      <Tabs.Content value="history">
        <HistoryTab deployment={deployment} mayEdit={mayEdit} />
      </Tabs.Content>
      <Tabs.Content value="code">
        <CodeTab name={deployment.name} />
      </Tabs.Content>
      <Tabs.Content value="pod">
        <PodTab name={deployment.name} executor={deployment.executor} />
      </Tabs.Content>
    </Tabs.Root>
  );
}

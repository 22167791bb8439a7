import { Button, Table } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { useT, type MessageKey } from "../../i18n";
import { DeploymentRow } from "./DeploymentRow";
import { InvalidSpecRow } from "./InvalidSpecRow";
import { ariaSort, sortBy, type Sort, type SortField } from "./listView";

/** The direction a sorted column shows (aria-sort says it to assistive technologies). */
const SORT_ARROWS = { ascending: "▲", descending: "▼", none: "" } as const;

type Column = { label: MessageKey; sort?: SortField };

const COLUMNS: Column[] = [
  { label: "deployments.column.name", sort: "name" },
  { label: "deployments.column.artifact" },
  { label: "deployments.column.schedule", sort: "next_run" },
  { label: "deployments.column.active" },
  { label: "deployments.column.latestRun", sort: "last_run" },
  { label: "deployments.column.deployed", sort: "deployed_at" },
];

function ColumnHeader(props: { column: Column; sort: Sort; onSort: (sort: Sort) => void }) {
  const t = useT();
  const { column, sort } = props;
  if (!column.sort) return <Table.ColumnHeader>{t(column.label)}</Table.ColumnHeader>;
  const field = column.sort;
  const order = ariaSort(sort, field);
  return (
    <Table.ColumnHeader aria-sort={order}>
      <Button
        variant="plain"
        size="sm"
        px={0}
        fontWeight="inherit"
        onClick={() => {
          props.onSort(sortBy(sort, field));
        }}
      >
        {t(column.label)}
        <span aria-hidden>{SORT_ARROWS[order]}</span>
      </Button>
    </Table.ColumnHeader>
  );
}

/** One row per deployment (and per unreadable spec file), sortable by the columns that say so. */
export function DeploymentsTable(props: {
  deployments: Schemas["DeploymentOut"][];
  sort: Sort;
  onSort: (sort: Sort) => void;
  mayChange: boolean;
}) {
  const t = useT();
  const columns = COLUMNS.length + (props.mayChange ? 1 : 0);
  return (
    <Table.ScrollArea borderWidth="1px" borderRadius="md">
      <Table.Root size="sm" data-testid="deployments-table" stickyHeader>
        <Table.Caption srOnly>{t("deployments.caption")}</Table.Caption>
        <Table.Header>
          <Table.Row>
            {COLUMNS.map((column) => (
              <ColumnHeader key={column.label} column={column} sort={props.sort} onSort={props.onSort} />
            ))}
            {props.mayChange ? (
              <Table.ColumnHeader>{t("deployments.column.actions")}</Table.ColumnHeader>
            ) : null}
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {props.deployments.map((deployment) =>
            deployment.valid ? (
              <DeploymentRow key={deployment.name} deployment={deployment} mayChange={props.mayChange} />
            ) : (
              <InvalidSpecRow
                key={deployment.name}
                deployment={deployment}
                mayChange={props.mayChange}
                columns={columns}
              />
            ),
          )}
        </Table.Body>
      </Table.Root>
    </Table.ScrollArea>
  );
}

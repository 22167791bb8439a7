/**
 * Deployments: the page a team lives in after deploying (the original tool's job listing). The
 * server searches, filters, sorts and pages; the page asks for the 50 rows it shows, keeps its
 * view in the address, and refreshes itself every few seconds without losing its place.
 */
import { Alert, HStack, Heading, Link, Stack, Text } from "@chakra-ui/react";
import { useState } from "react";
import { Link as RouterLink, useSearchParams } from "react-router-dom";

import { usePagePath } from "../components/PageLinks";
import { ProblemAlert } from "../components/ProblemAlert";
import { useFormOptions } from "../components/useFormOptions";
import { useLanguage, useT } from "../i18n";
import { DeploymentFilters } from "./deployments/DeploymentFilters";
import { DeploymentsTable } from "./deployments/DeploymentsTable";
import { NothingDeployed, NothingMatches } from "./deployments/EmptyDeployments";
import { ListPager } from "./deployments/ListPager";
import { apiQueryOf, isFiltered, paramsWith, viewOf, type ListView } from "./deployments/listView";
import { useDeploymentList } from "./deployments/useDeploymentList";
import { Loading } from "../components/Loading";

export function DeploymentsPage() {
  const t = useT();
  const language = useLanguage();
  const pagePath = usePagePath();
  const [params, setParams] = useSearchParams();
  const view = viewOf(params);
  const list = useDeploymentList(apiQueryOf(view, language));
  const options = useFormOptions();
  const mayChange = options.data?.may_deploy ?? false;
  // A new value re-mounts the filters' inputs: after "clear filters" they show the address again.
  const [filtersKey, setFiltersKey] = useState(0);

  const change = (changes: Partial<ListView>, replace = false) => {
    setParams(paramsWith(params, changes), { replace });
  };
  const answer = list.data?.list;

  return (
    <Stack gap={4} p={4}>
      <HStack justify="space-between" wrap="wrap">
        <Heading as="h1" size="lg">
          {t("deployments.title")}
        </Heading>
        {mayChange ? (
          <Link variant="underline" asChild>
            <RouterLink to={pagePath("browse")}>{t("deployments.deployAnother")}</RouterLink>
          </Link>
        ) : null}
      </HStack>
      {options.data && !mayChange ? (
        <Alert.Root status="info">
          <Alert.Indicator />
          <Alert.Description>{t("deployments.readOnly")}</Alert.Description>
        </Alert.Root>
      ) : null}
      <DeploymentFilters
        key={filtersKey}
        view={view}
        onChange={(changes) => {
          change(changes, "q" in changes || "tag" in changes || "owner" in changes);
        }}
      />
      {list.isError ? <ProblemAlert title={t("deployments.loadFailed")} error={list.error} /> : null}
      {answer === undefined ? (
        list.isPending ? (
          <Loading label={t("common.loading")} />
        ) : null
      ) : answer.total === 0 && !isFiltered(view) ? (
        <NothingDeployed mayDeploy={mayChange} />
      ) : answer.total === 0 ? (
        <NothingMatches
          onClear={() => {
            setParams(new URLSearchParams());
            setFiltersKey((key) => key + 1);
          }}
        />
      ) : (
        <Stack gap={3}>
          <Text color="fg.muted" data-testid="deployments-count">
            {t("deployments.count", { count: answer.total })}
          </Text>
          <DeploymentsTable
            deployments={answer.deployments}
            sort={view.sort}
            mayChange={mayChange}
            onSort={(sort) => {
              change({ sort });
            }}
          />
          {answer.total > answer.limit || view.page > 1 ? (
            <ListPager
              page={view.page}
              total={answer.total}
              onPage={(page) => {
                change({ page });
              }}
            />
          ) : null}
        </Stack>
      )}
    </Stack>
  );
}

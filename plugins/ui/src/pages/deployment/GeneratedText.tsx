import { Box, Text } from "@chakra-ui/react";
import type { UseQueryResult } from "@tanstack/react-query";

import { ProblemAlert } from "../../components/ProblemAlert";
import { useT } from "../../i18n";
import { Loading } from "../../components/Loading";

/** A text the API generates (the DAG code, the pod YAML), as a scrollable, focusable block. */
export function GeneratedText<T>({
  query,
  text,
  label,
  failure,
  intro,
}: {
  query: UseQueryResult<T>;
  text: (data: T) => string;
  label: string;
  failure: string;
  intro: string;
}) {
  const t = useT();
  if (query.isError) return <ProblemAlert title={failure} error={query.error} />;
  if (query.data === undefined) return <Loading label={t("common.loading")} />;
  return (
    <>
      <Text>{intro}</Text>
      <Box
        as="pre"
        tabIndex={0}
        role="region"
        aria-label={label}
        fontSize="sm"
        p={3}
        borderWidth="1px"
        borderRadius="md"
        overflow="auto"
        maxH="60vh"
        mt={2}
      >
        {text(query.data)}
      </Box>
    </>
  );
}

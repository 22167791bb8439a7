import { Button, HStack, Text } from "@chakra-ui/react";

import { useT } from "../../i18n";
import { PAGE_SIZE, lastPage } from "./listView";

/** "51–100 of 230" with the previous and next pages. */
export function ListPager(props: { page: number; total: number; onPage: (page: number) => void }) {
  const t = useT();
  const { page, total, onPage } = props;
  const last = lastPage(total);
  const first = total === 0 ? 0 : (page - 1) * PAGE_SIZE + 1;
  return (
    <HStack as="nav" aria-label={t("deployments.pages")} gap={3}>
      <Button
        size="sm"
        variant="outline"
        disabled={page <= 1}
        onClick={() => {
          onPage(page - 1);
        }}
      >
        {t("deployments.previousPage")}
      </Button>
      <Text aria-live="polite">
        {t("deployments.range", { first, last: Math.min(total, page * PAGE_SIZE), total })}
      </Text>
      <Button
        size="sm"
        variant="outline"
        disabled={page >= last}
        onClick={() => {
          onPage(page + 1);
        }}
      >
        {t("deployments.nextPage")}
      </Button>
    </HStack>
  );
}

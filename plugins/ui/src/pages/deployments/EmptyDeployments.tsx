import { Button, Card, Link, Stack, Text } from "@chakra-ui/react";
import { Link as RouterLink } from "react-router-dom";

import { usePagePath } from "../../components/PageLinks";
import { useT } from "../../i18n";

/** Nothing deployed yet: what a newcomer does first. */
export function NothingDeployed({ mayDeploy }: { mayDeploy: boolean }) {
  const t = useT();
  const pagePath = usePagePath();
  return (
    <Card.Root data-testid="deployments-empty" maxW="2xl">
      <Card.Body>
        <Stack gap={3}>
          <Text fontWeight="medium">{t("deployments.empty.title")}</Text>
          <Text>{mayDeploy ? t("deployments.empty.firstStep") : t("deployments.empty.readOnly")}</Text>
          <Link variant="underline" asChild alignSelf="start">
            <RouterLink to={pagePath("browse")}>{t("deployments.empty.browse")}</RouterLink>
          </Link>
        </Stack>
      </Card.Body>
    </Card.Root>
  );
}

/** Filters that match nothing, with the way back to the whole list. */
export function NothingMatches({ onClear }: { onClear: () => void }) {
  const t = useT();
  return (
    <Stack gap={2} align="start" data-testid="deployments-no-match">
      <Text>{t("deployments.noMatch")}</Text>
      <Button size="sm" variant="outline" onClick={onClear}>
        {t("deployments.clearFilters")}
      </Button>
    </Stack>
  );
}

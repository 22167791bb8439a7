import { Box, Grid, Text, chakra } from "@chakra-ui/react";

import type { Schemas } from "../../api/client";
import { useFormats, useT } from "../../i18n";
import { specRows } from "./specRows";

/** The spec as deployed, field by field in words (secret contents are never in it). */
export function SpecTab({ deployment }: { deployment: Schemas["DeploymentOut"] }) {
  const t = useT();
  const formats = useFormats();
  const spec = deployment.spec as Schemas["DeploymentSpec"] | null;
  if (!spec) return <Text>{t("deployment.spec.invalid", { error: deployment.error ?? "" })}</Text>;
  return (
    <Grid as="dl" templateColumns={{ base: "1fr", md: "14rem 1fr" }} columnGap={4} rowGap={2}>
      {specRows(spec, deployment.schedule_description, t, formats).map((row) => (
        <Box key={row.label} display="contents">
          <chakra.dt fontWeight="semibold">{row.label}</chakra.dt>
          <chakra.dd m={0}>
            {row.values.map((value, index) => (
              <Text key={index} fontFamily={row.values.length > 1 ? "mono" : undefined} wordBreak="break-all">
                {value}
              </Text>
            ))}
          </chakra.dd>
        </Box>
      ))}
    </Grid>
  );
}

import { Alert } from "@chakra-ui/react";

import { describeProblem } from "../api/problems";
import { useT } from "../i18n";

/** A failed request, said in words; the rest of the page keeps working. */
export function ProblemAlert({ title, error }: { title: string; error: unknown }) {
  const t = useT();
  return (
    <Alert.Root status="error" role="alert">
      <Alert.Indicator />
      <Alert.Content>
        <Alert.Title>{title}</Alert.Title>
        <Alert.Description>{describeProblem(error, t)}</Alert.Description>
      </Alert.Content>
    </Alert.Root>
  );
}

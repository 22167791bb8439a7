import { Alert } from "@chakra-ui/react";

import { describeProblem } from "../api/problems";

/** A failed request, said in words; the rest of the page keeps working. */
export function ProblemAlert({ title, error }: { title: string; error: unknown }) {
  return (
    <Alert.Root status="error" role="alert">
      <Alert.Indicator />
      <Alert.Content>
        <Alert.Title>{title}</Alert.Title>
        <Alert.Description>{describeProblem(error)}</Alert.Description>
      </Alert.Content>
    </Alert.Root>
  );
}

import { HStack, Spinner, VisuallyHidden } from "@chakra-ui/react";

/**
 * A spinner that screen readers read as its label. Chakra's spinner is a plain element, on which
 * an aria-label is not allowed (axe: aria-prohibited-attr); the label is hidden text instead.
 */
export function Loading({ label }: { label: string }) {
  return (
    <HStack m={2}>
      <Spinner aria-hidden="true" />
      <VisuallyHidden>{label}</VisuallyHidden>
    </HStack>
  );
}

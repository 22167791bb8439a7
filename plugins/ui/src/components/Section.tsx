import { Box, Heading, Stack } from "@chakra-ui/react";
import { useId, type ReactNode } from "react";

/** A titled part of a page: a landmark named by its heading. */
export function Section(props: { title: string; level?: 2 | 3; children: ReactNode }) {
  const id = useId();
  const level = props.level ?? 2;
  return (
    <Box
      as="section"
      aria-labelledby={id}
      borderWidth={level === 2 ? "1px" : 0}
      borderRadius="md"
      p={level === 2 ? 4 : 0}
    >
      <Stack gap={3}>
        <Heading as={level === 2 ? "h2" : "h3"} size={level === 2 ? "md" : "sm"} id={id}>
          {props.title}
        </Heading>
        {props.children}
      </Stack>
    </Box>
  );
}

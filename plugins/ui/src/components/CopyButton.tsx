import { Button } from "@chakra-ui/react";
import { useState } from "react";

/** Copies `text`; says `copiedLabel` instead of `label` for a moment (and to screen readers). */
export function CopyButton(props: { text: string; label: string; copiedLabel: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="xs"
      variant="outline"
      aria-live="polite"
      onClick={() => {
        void navigator.clipboard.writeText(props.text).then(() => {
          setCopied(true);
          setTimeout(() => {
            setCopied(false);
          }, 2000);
        });
      }}
    >
      {copied ? props.copiedLabel : props.label}
    </Button>
  );
}

import { Button } from "@chakra-ui/react";
import { useState } from "react";

/** Copies `text`; says so for a moment (and to screen readers). */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      size="xs"
      variant="outline"
      aria-live="polite"
      onClick={() => {
        void navigator.clipboard.writeText(text).then(() => {
          setCopied(true);
          setTimeout(() => {
            setCopied(false);
          }, 2000);
        });
      }}
    >
      {copied ? `${what} copied` : `Copy ${what}`}
    </Button>
  );
}

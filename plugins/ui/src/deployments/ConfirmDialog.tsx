import { Button, Dialog, Portal } from "@chakra-ui/react";
import { useRef, type ReactNode } from "react";

import { useT } from "../i18n";

/**
 * A question that needs a yes before something happens: an alert dialog (focus kept inside,
 * Escape cancels, the safe answer focused first). `onConfirm` runs the action; the dialog stays
 * open while `pending`, so a problem can be shown in `children` beside the question.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  confirmLabel: string;
  destructive?: boolean;
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const t = useT();
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Dialog.Root
      role="alertdialog"
      open={props.open}
      initialFocusEl={() => cancelRef.current}
      onOpenChange={(details) => {
        if (!details.open) props.onCancel();
      }}
    >
      <Portal>
        <Dialog.Backdrop />
        <Dialog.Positioner>
          <Dialog.Content>
            <Dialog.Header>
              <Dialog.Title>{props.title}</Dialog.Title>
            </Dialog.Header>
            <Dialog.Body>{props.children}</Dialog.Body>
            <Dialog.Footer>
              <Button ref={cancelRef} variant="outline" onClick={props.onCancel} disabled={props.pending}>
                {t("deployment.actions.cancel")}
              </Button>
              <Button
                colorPalette={props.destructive ? "red" : "blue"}
                loading={props.pending}
                onClick={props.onConfirm}
              >
                {props.confirmLabel}
              </Button>
            </Dialog.Footer>
          </Dialog.Content>
        </Dialog.Positioner>
      </Portal>
    </Dialog.Root>
  );
}

/** Editors for the form's lists: one field per item, never a string the user must quote. */
import { Button, HStack, IconButton, Stack, Text } from "@chakra-ui/react";

import { move, removeAt, replaceAt } from "../form/lists";
import { useT } from "../i18n";
import { TextField } from "./FormField";

/** Move up, move down and remove buttons for item `index` of `count`, named after `what`. */
export function ItemButtons(props: {
  what: string;
  index: number;
  count: number;
  onMove?: (offset: number) => void;
  onRemove: () => void;
}) {
  const { what, index, count, onMove } = props;
  const t = useT();
  return (
    <HStack gap={1} flexShrink={0}>
      {onMove ? (
        <>
          <IconButton
            size="sm"
            variant="ghost"
            aria-label={t("common.list.moveUp", { what })}
            disabled={index === 0}
            onClick={() => {
              onMove(-1);
            }}
          >
            ↑
          </IconButton>
          <IconButton
            size="sm"
            variant="ghost"
            aria-label={t("common.list.moveDown", { what })}
            disabled={index === count - 1}
            onClick={() => {
              onMove(1);
            }}
          >
            ↓
          </IconButton>
        </>
      ) : null}
      <Button
        size="sm"
        variant="ghost"
        colorPalette="red"
        aria-label={t("common.list.remove", { what })}
        onClick={props.onRemove}
      >
        {t("common.list.removeButton")}
      </Button>
    </HStack>
  );
}

/**
 * A list of strings (arguments, tags, emails): one labelled input each, ordered. `label(n)` is
 * item n's field label ("Argument 1"), `what(n)` the same item inside a sentence ("argument 1").
 */
export function StringListEditor(props: {
  label: (position: number) => string;
  what: (position: number) => string;
  addLabel: string;
  items: string[];
  onChange: (items: string[]) => void;
  problemsAt: (path: string) => string[];
  path: string;
  placeholder?: string;
  ordered?: boolean;
  empty?: string;
}) {
  const { items, onChange } = props;
  return (
    <Stack gap={2}>
      {items.length === 0 && props.empty ? <Text color="fg.muted">{props.empty}</Text> : null}
      {items.map((item, index) => {
        const what = props.what(index + 1);
        return (
          <HStack key={index} align="start">
            <TextField
              label={props.label(index + 1)}
              problems={props.problemsAt(`${props.path}[${index}]`)}
              value={item}
              placeholder={props.placeholder}
              onChange={(value) => {
                onChange(replaceAt(items, index, value));
              }}
            />
            <ItemButtons
              what={what}
              index={index}
              count={items.length}
              onMove={
                props.ordered
                  ? (offset) => {
                      onChange(move(items, index, offset));
                    }
                  : undefined
              }
              onRemove={() => {
                onChange(removeAt(items, index));
              }}
            />
          </HStack>
        );
      })}
      <Button
        alignSelf="start"
        size="sm"
        variant="outline"
        onClick={() => {
          onChange([...items, ""]);
        }}
      >
        {props.addLabel}
      </Button>
    </Stack>
  );
}

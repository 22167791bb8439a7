#!/usr/bin/env bash
# Example shell job: reports disk usage of a folder given as first argument.
set -euo pipefail
target="${1:-.}"
echo "Disk report for: $target"
du -sh -- "$target"
echo "arguments received: $#"
for argument in "$@"; do
    printf '  [%s]\n' "$argument"
done

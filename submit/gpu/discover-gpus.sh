#!/usr/bin/env bash
#
# discover-gpus.sh: Spark's GPU discovery script (spark.executor.resource.gpu.discoveryScript,
# spark.worker.resource.gpu.discoveryScript). Prints the resource JSON Spark expects, e.g.
#   {"name":"gpu","addresses":["0","1"]}
# from `nvidia-smi --query-gpu=index --format=csv,noheader`. A host without GPUs (no nvidia-smi, or
# nvidia-smi failing) prints {"name":"gpu","addresses":[]} and exits 0, so Spark reports "not enough
# gpu resources" instead of a script error. NVIDIA_SMI overrides the nvidia-smi command.
set -euo pipefail

smi="${NVIDIA_SMI:-nvidia-smi}"
addresses=()
if command -v "$smi" >/dev/null 2>&1; then
  if out="$("$smi" --query-gpu=index --format=csv,noheader 2>/dev/null)"; then
    while IFS= read -r line; do
      line="${line//[[:space:]]/}"
      if [[ "$line" =~ ^[0-9]+$ ]]; then
        addresses+=("\"$line\"")
      elif [[ -n "$line" ]]; then
        echo "discover-gpus.sh: unexpected line from $smi: $line" >&2
        exit 1
      fi
    done <<< "$out"
  else
    echo "discover-gpus.sh: $smi failed; reporting no GPUs" >&2
  fi
else
  echo "discover-gpus.sh: $smi not found; reporting no GPUs" >&2
fi
joined="$(IFS=,; echo "${addresses[*]}")"
printf '{"name":"gpu","addresses":[%s]}\n' "$joined"

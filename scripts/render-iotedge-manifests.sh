#!/usr/bin/env bash
# Renders the IoT Edge deployment templates into deployment manifests that `az iot edge set-modules` takes as they are.
#
#   scripts/render-iotedge-manifests.sh
#
# For every deployment-manifests/iotedge/templates/NAME.template.json, writes deployment-manifests/iotedge/NAME.json
# with each module's settings.createOptions turned from an object into a compact JSON string and split, as the
# module twin requires, into 512-character pieces: createOptions, createOptions01, createOptions02, ...
# The templates are the ones to edit; tests/EdgeAgent.Deployment.Tests checks that the manifests match them.
# ${...} placeholders stay; docs/deployment.md says how to fill them in.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="$root/deployment-manifests/iotedge"
command -v jq >/dev/null || { echo "render-iotedge-manifests: jq is required (apt-get install jq)" >&2; exit 1; }

chunk_create_options='
  def chunked:
    (.createOptions | if type == "string" then . else tojson end) as $text
    | del(.createOptions)
    + ([range(0; ($text | length); 512)] | to_entries
       | map({ key: (if .key == 0 then "createOptions" else "createOptions\(if .key < 10 then "0" else "" end)\(.key)" end),
               value: $text[.value:(.value + 512)] })
       | from_entries);
  .modulesContent["$edgeAgent"]["properties.desired"] |= (
    reduce ((.systemModules // {}) | keys[]) as $m (.; .systemModules[$m].settings |= chunked)
    | reduce ((.modules // {}) | keys[]) as $m (.; .modules[$m].settings |= chunked)
  )'

count=0
for template in "$folder"/templates/*.template.json; do
  name="$(basename "$template" .template.json)"
  jq --indent 2 "$chunk_create_options" "$template" > "$folder/$name.json.tmp"
  mv "$folder/$name.json.tmp" "$folder/$name.json"
  echo "rendered $name.json"
  count=$((count + 1))
done
[[ $count -gt 0 ]] || { echo "render-iotedge-manifests: no templates in $folder/templates" >&2; exit 1; }

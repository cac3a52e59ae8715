#!/usr/bin/env bash
# The two-minute tour of the HTTP API, as the README shows it: run it against a fresh registry,
#   ADMIN_PASSWORD='<the printed password>' bash scripts/tour.sh [http://127.0.0.1:8080]
# Every call is checked (curl --fail-with-body, set -e): the tour stops at the first answer it did not expect.
set -euo pipefail
R=${1:-http://127.0.0.1:8080}
M=$R/api/v1/models/default/resnet50-imagenet-v1
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT && cd "$work"   # example files and downloads go here
json() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8'))$1"; }

# Sign in, then make an API token: programs send it as a Bearer token (only its digest is stored)
CSRF=$(curl -sS --fail-with-body -c cookies -X POST "$R/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{ \"username\": \"admin\", \"password\": \"$ADMIN_PASSWORD\" }" | json .csrfToken)
TOKEN=$(curl -sS --fail-with-body -b cookies -X POST "$R/api/v1/tokens" -H "x-csrf-token: $CSRF" \
  -H 'content-type: application/json' -d '{ "name": "tour", "scope": "admin" }' | json .token)
api() { curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" "$@"; echo; }

# Register the product doc's example model (creates its first version, 1.0.0)
api -X POST "$R/api/v1/models" -H 'content-type: application/json' -d '{
  "name": "resnet50-imagenet-v1", "version": "1.0.0", "framework": "pytorch",
  "description": "ResNet50 trained on ImageNet-1K, 76.5% top-1 accuracy",
  "taskType": "classification", "modelType": "custom", "status": "draft",
  "tags": ["computer-vision", "production"], "author": "ML Team", "license": "mit", "publicAccess": true,
  "metrics": { "top1_accuracy": 0.765 } }'

# "Others" takes a custom value
api -X POST "$R/api/v1/models" -H 'content-type: application/json' \
  -d '{ "name": "XGBoost House Prices", "framework": "others", "frameworkOther": "XGBoost", "taskType": "regression" }'

# Search and filter (substring search over name, description and tags; keyset paging with nextCursor)
api "$R/api/v1/models?q=resnet&framework=pytorch&tag=computer-vision&sort=-updated&limit=20"

# A new version (the model answers nextVersion: { major, minor, patch } to prefill it)
api -X POST "$M/versions" -H 'content-type: application/json' \
  -d '{ "version": "1.1.0", "metrics": { "top1_accuracy": 0.771 } }'

# Files of a version: stream them in (checked against x-checksum-sha256), list, download (Range, ETag),
# or take the whole version as one zip/tar. Only a draft or training version takes files.
head -c 1048576 /dev/urandom >model.safetensors
api -X PUT --data-binary @model.safetensors -H 'content-type: application/octet-stream' \
  -H "x-checksum-sha256: $(sha256sum model.safetensors | cut -d' ' -f1)" \
  "$M/versions/1.1.0/artifacts/weights/model.safetensors"
api "$M/versions/1.1.0/artifacts"
mkdir -p downloads && (cd downloads && curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -OJ \
  "$M/versions/1.1.0/artifacts/weights/model.safetensors")
cmp model.safetensors downloads/model.safetensors   # the same bytes came back
curl -sS --fail-with-body -H "Authorization: Bearer $TOKEN" -o resnet50-1.1.0.zip "$M/versions/1.1.0/archive?format=zip"

# Large files resumably: open a session, PUT parts in any order (retry any), complete
head -c 6291456 /dev/urandom >big.gguf && split -b 5242880 -d -a 1 big.gguf part-   # part-0, part-1
UPLOAD=$(api -X POST "$M/versions/1.1.0/uploads" -H 'content-type: application/json' \
  -d "{ \"path\": \"weights/big.gguf\", \"size\": $(stat -c %s big.gguf) }" | json .id)
api -X PUT --data-binary @part-1 -H 'content-type: application/octet-stream' "$R/api/v1/uploads/$UPLOAD/parts/2"
api -X PUT --data-binary @part-0 -H 'content-type: application/octet-stream' "$R/api/v1/uploads/$UPLOAD/parts/1"
api "$R/api/v1/uploads/$UPLOAD"                                  # which parts arrived
api -X POST "$R/api/v1/uploads/$UPLOAD/complete" -H 'content-type: application/json' -d '{}'

# Edit: only Description, Tags, Status, Author, License (+ metrics while draft/training) on a version;
# Task Type, Model Type, Public Access on the model. Model Name, Version, Framework: 400 FIELD_NOT_EDITABLE.
# Completed freezes the version's files and metrics.
api -X PATCH "$M/versions/1.1.0" -H 'content-type: application/json' -d '{ "status": "completed" }'

# Promote to Production, archiving whichever version held it, in one transaction
api -X POST "$M/versions/1.1.0/stage" \
  -H 'content-type: application/json' -d '{ "stage": "production", "comment": "beats 1.0.0", "archivePrevious": true }'

# Which version was in Production at a given time? (any ISO time; here: now)
AT=$(node -p 'new Date().toISOString()')
api "$M/versions?stage=production&at=$AT" | json '.items[0].version'   # 1.1.0

# Deploy; deleting a deployed model is refused (409 MODEL_DEPLOYED); stop the deployment
api -X POST "$R/api/v1/deployments" -H 'content-type: application/json' \
  -d '{ "model": "default/resnet50-imagenet-v1", "version": "latest", "environment": "prod" }'
curl -sS -o refused.json -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" -X DELETE "$M" | grep -qx 409
json .error.code <refused.json
DEPLOYMENT=$(api "$R/api/v1/deployments?model=default/resnet50-imagenet-v1&status=active" | json '.items[0].id')
api -X POST "$R/api/v1/deployments/$DEPLOYMENT/stop"

# Everything that happened, newest first
api "$M/events"

# Delete the models: the registry is as the tour found it
api -X DELETE "$M"
api -X DELETE "$R/api/v1/models/default/XGBoost%20House%20Prices"
echo "tour done"

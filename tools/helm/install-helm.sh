#!/usr/bin/env bash
# Installs the pinned Helm 3 CLI from the Go module proxy (built with the local Go toolchain) into
# ~/.cache/tradewatch/bin/helm, unless that binary is already the pinned version. The chart tests
# (tools/deploy-check/src/helm.spec.ts) and docs/kubernetes.md use it; nothing is downloaded at
# test time.
set -euo pipefail
HELM_VERSION=v3.22.0
BIN_DIR="${TRADEWATCH_BIN_DIR:-$HOME/.cache/tradewatch/bin}"
helm="$BIN_DIR/helm"

if [ -x "$helm" ] && "$helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  echo "helm $HELM_VERSION already at $helm"
  exit 0
fi
command -v go >/dev/null || { echo "install-helm: Go is required to build helm $HELM_VERSION (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$BIN_DIR"
# What helm's own Makefile sets: the Kubernetes version of its k8s.io modules (v0.37 -> 1.37) as the
# default for `helm template` and `helm lint`, instead of the 1.20 a plain `go install` would leave.
K8S_FLAGS=""
for pkg in pkg/lint/rules pkg/chartutil; do
  K8S_FLAGS="$K8S_FLAGS -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=37"
done
echo "install-helm: building helm $HELM_VERSION from the Go module proxy (a few minutes the first time)"
GOBIN="$BIN_DIR" GOFLAGS=-mod=mod CGO_ENABLED=0 go install \
  -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION $K8S_FLAGS" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
"$helm" version --template 'install-helm: helm {{.Version}} at '"$helm"'{{"\n"}}'

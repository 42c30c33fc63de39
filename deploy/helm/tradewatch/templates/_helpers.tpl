{{/* Names: <release>-tradewatch, or fullnameOverride. */}}
{{- define "tradewatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tradewatch.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* <fullname>-<component>, e.g. tradewatch-questdb. */}}
{{- define "tradewatch.component" -}}
{{- printf "%s-%s" (include "tradewatch.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tradewatch.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: tradewatch
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
{{ include "tradewatch.selectorLabels" . }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "tradewatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tradewatch.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* A Tradewatch app image: <prefix>/<app>:<tag>, each part overridable per app. */}}
{{- define "tradewatch.appImage" -}}
{{- $repo := default (printf "%s/%s" .root.Values.tradewatchImage.prefix .app) .image.repository -}}
{{- $tag := default (default .root.Chart.AppVersion .root.Values.tradewatchImage.tag) .image.tag -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{/* Secret names: the existing one if given, else the chart's. */}}
{{- define "tradewatch.questdbSecret" -}}
{{- default (include "tradewatch.component" (dict "root" . "component" "questdb")) .Values.questdb.auth.existingSecret -}}
{{- end -}}
{{- define "tradewatch.collectorSecret" -}}
{{- default (include "tradewatch.component" (dict "root" . "component" "collector")) .Values.collector.auth.existingSecret -}}
{{- end -}}
{{- define "tradewatch.grafanaSecret" -}}
{{- default (include "tradewatch.component" (dict "root" . "component" "grafana")) .Values.grafana.admin.existingSecret -}}
{{- end -}}
{{- define "tradewatch.alertingSecret" -}}
{{- default (include "tradewatch.component" (dict "root" . "component" "alerting")) .Values.grafana.alerting.existingSecret -}}
{{- end -}}

{{/* QuestDB's HTTP base URL (REST, /exp, ILP) and PGWire host, in-cluster or external. */}}
{{- define "tradewatch.questdbUrl" -}}
{{- if .Values.questdb.enabled -}}
{{- printf "http://%s:9000" (include "tradewatch.component" (dict "root" . "component" "questdb")) -}}
{{- else -}}
{{- required "questdb.externalUrl is required when questdb.enabled is false" .Values.questdb.externalUrl -}}
{{- end -}}
{{- end -}}
{{- define "tradewatch.questdbPgHost" -}}
{{- if .Values.questdb.enabled -}}
{{- include "tradewatch.component" (dict "root" . "component" "questdb") -}}
{{- else -}}
{{- required "questdb.externalPgHost is required when questdb.enabled is false" .Values.questdb.externalPgHost -}}
{{- end -}}
{{- end -}}

{{/* QuestDB credentials as env vars for the apps (QUESTDB_USER/QUESTDB_PASSWORD). */}}
{{- define "tradewatch.questdbClientEnv" -}}
- name: QUESTDB_URL
  value: {{ include "tradewatch.questdbUrl" . | quote }}
- name: QUESTDB_USER
  valueFrom: { secretKeyRef: { name: {{ include "tradewatch.questdbSecret" . }}, key: http-user } }
- name: QUESTDB_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ include "tradewatch.questdbSecret" . }}, key: http-password } }
{{- end -}}

{{- define "tradewatch.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext -}}
{{- end -}}
{{- define "tradewatch.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext -}}
{{- end -}}

{{- define "tradewatch.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

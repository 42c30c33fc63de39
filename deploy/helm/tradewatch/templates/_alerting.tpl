{{/*
Alert channels: only the channels enabled in values are provisioned. `dashboards:generate` writes
the contact points and notification policies for every subset of Telegram, Discord and email
under deploy/grafana/channels/<set>/ (the same files docker compose selects with
select-channels.sh); the chart picks the enabled set. Critical alerts go to every enabled
channel, warnings to Telegram (or to the channels there are). With no channel enabled, neither
file is provisioned: alerts still fire and show in Grafana, and Grafana keeps its built-in
default contact point.
*/}}
{{- define "tradewatch.enabledChannels" -}}
{{- $a := .Values.grafana.alerting -}}
{{- $on := list -}}
{{- if $a.telegram.enabled }}{{ $on = append $on "telegram" }}{{ end -}}
{{- if $a.discord.enabled }}{{ $on = append $on "discord" }}{{ end -}}
{{- if $a.email.enabled }}{{ $on = append $on "email" }}{{ end -}}
{{- join "+" $on -}}
{{- end -}}

{{- define "tradewatch.channelFile" -}}
{{- $path := printf "files/grafana/channels/%s/%s" (include "tradewatch.enabledChannels" .root) .file -}}
{{- $text := .root.Files.Get $path -}}
{{- if not $text }}{{ fail (printf "%s is missing: run npx nx run dashboards:generate" $path) }}{{ end -}}
{{- $text -}}
{{- end -}}

{{/* ConfigMap data entries (indented by the caller). */}}
{{- define "tradewatch.alertingChannels" -}}
{{- if include "tradewatch.enabledChannels" . -}}
contact-points.yaml: |-
{{ include "tradewatch.channelFile" (dict "root" . "file" "contact-points.yaml") | indent 2 }}
policies.yaml: |-
{{ include "tradewatch.channelFile" (dict "root" . "file" "policies.yaml") | indent 2 }}
{{- end -}}
{{- end -}}

{{/* Items of the alerting volume beyond the rules. */}}
{{- define "tradewatch.alertingItems" -}}
{{- if include "tradewatch.enabledChannels" . -}}
- { key: contact-points.yaml, path: contact-points.yaml }
- { key: policies.yaml, path: policies.yaml }
{{- end -}}
{{- end -}}

{{/* Grafana's environment for the enabled channels (expanded in the provisioning files). */}}
{{- define "tradewatch.alertingEnv" -}}
{{- $a := .Values.grafana.alerting -}}
{{- $s := include "tradewatch.alertingSecret" . -}}
{{- if $a.telegram.enabled }}
- name: TELEGRAM_BOT_TOKEN
  valueFrom: { secretKeyRef: { name: {{ $s }}, key: telegram-bot-token } }
- name: TELEGRAM_CHAT_ID
  valueFrom: { secretKeyRef: { name: {{ $s }}, key: telegram-chat-id } }
{{- end }}
{{- if $a.discord.enabled }}
- name: DISCORD_WEBHOOK_URL
  valueFrom: { secretKeyRef: { name: {{ $s }}, key: discord-webhook-url } }
{{- end }}
{{- if $a.email.enabled }}
- name: ALERT_EMAIL_ADDRESSES
  value: {{ required "grafana.alerting.email.addresses is required when email is enabled" $a.email.addresses | quote }}
- name: GF_SMTP_ENABLED
  value: "true"
- name: GF_SMTP_HOST
  value: {{ required "grafana.alerting.email.smtp.host is required when email is enabled" $a.email.smtp.host | quote }}
- name: GF_SMTP_FROM_ADDRESS
  value: {{ required "grafana.alerting.email.smtp.fromAddress is required when email is enabled" $a.email.smtp.fromAddress | quote }}
- name: GF_SMTP_USER
  valueFrom: { secretKeyRef: { name: {{ $s }}, key: smtp-user, optional: true } }
- name: GF_SMTP_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $s }}, key: smtp-password, optional: true } }
{{- end }}
{{- end -}}

{{/*
Alert channels: only the channels enabled in values are provisioned. The generated contact
points and policies (deploy/grafana) are filtered here: receivers of disabled channels are
removed, a contact point left without receivers is dropped, routes to a dropped contact point
are removed and the root policy falls back to the first remaining contact point. With no
channel enabled, neither file is provisioned: alerts still fire and show in Grafana, and
Grafana's built-in default contact point stays in place.
*/}}
{{- define "tradewatch.enabledChannels" -}}
{{- $a := .Values.grafana.alerting -}}
{{- $on := list -}}
{{- if $a.telegram.enabled }}{{ $on = append $on "telegram" }}{{ end -}}
{{- if $a.discord.enabled }}{{ $on = append $on "discord" }}{{ end -}}
{{- if $a.email.enabled }}{{ $on = append $on "email" }}{{ end -}}
{{- join "," $on -}}
{{- end -}}

{{- define "tradewatch.contactPointsDoc" -}}
{{- $on := splitList "," (include "tradewatch.enabledChannels" .) -}}
{{- $doc := .Files.Get "files/grafana/provisioning/alerting/contact-points.yaml" | fromYaml -}}
{{- $kept := list -}}
{{- range $cp := $doc.contactPoints -}}
{{- $receivers := list -}}
{{- range $r := $cp.receivers -}}
{{- if has $r.type $on }}{{ $receivers = append $receivers $r }}{{ end -}}
{{- end -}}
{{- if $receivers }}{{ $kept = append $kept (set (deepCopy $cp) "receivers" $receivers) }}{{ end -}}
{{- end -}}
{{- toYaml (dict "apiVersion" 1 "contactPoints" $kept) -}}
{{- end -}}

{{- define "tradewatch.policiesDoc" -}}
{{- $cps := (include "tradewatch.contactPointsDoc" . | fromYaml).contactPoints -}}
{{- $names := list -}}
{{- range $cps }}{{ $names = append $names .name }}{{ end -}}
{{- $doc := .Files.Get "files/grafana/provisioning/alerting/policies.yaml" | fromYaml -}}
{{- $policies := list -}}
{{- range $p := $doc.policies -}}
{{- $routes := list -}}
{{- range $r := $p.routes -}}
{{- if has $r.receiver $names }}{{ $routes = append $routes $r }}{{ end -}}
{{- end -}}
{{- $p = set (deepCopy $p) "routes" $routes -}}
{{- if not (has $p.receiver $names) }}{{ $p = set $p "receiver" (first $names) }}{{ end -}}
{{- $policies = append $policies $p -}}
{{- end -}}
{{- toYaml (dict "apiVersion" 1 "policies" $policies) -}}
{{- end -}}

{{/* ConfigMap data entries (indented by the caller). */}}
{{- define "tradewatch.alertingChannels" -}}
{{- if include "tradewatch.enabledChannels" . -}}
contact-points.yaml: |-
{{ include "tradewatch.contactPointsDoc" . | indent 2 }}
policies.yaml: |-
{{ include "tradewatch.policiesDoc" . | indent 2 }}
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

{{/* Chart name, truncated to the 63 characters Kubernetes allows in a label. */}}
{{- define "tollgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name of the release's objects. */}}
{{- define "tollgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tollgate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tollgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tollgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "tollgate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "tollgate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tollgate.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* "true" when instances share PostgreSQL, i.e. the release may run more than one. */}}
{{- define "tollgate.clustered" -}}
{{- if .Values.postgres.existingSecret }}true{{ end }}
{{- end }}

{{- define "tollgate.configMapName" -}}
{{- default (include "tollgate.fullname" .) .Values.existingConfigMap }}
{{- end }}

{{/* Refuses value combinations that would deploy a broken gateway. */}}
{{- define "tollgate.validate" -}}
{{- $clustered := include "tollgate.clustered" . }}
{{- if and (not $clustered) (or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled) }}
{{- fail "more than one instance needs a shared store: set postgres.existingSecret (SQLite cannot be shared between pods)" }}
{{- end }}
{{- if and $clustered (not .Values.secrets.existingSecret) }}
{{- fail "with PostgreSQL every instance must share one encryption key: set secrets.existingSecret (key secrets.encryptionKeyKey)" }}
{{- end }}
{{- $client := default (dict) .Values.config.client }}
{{- $grace := int (default 30 $client.shutdown_grace_seconds) }}
{{- if le (int .Values.terminationGracePeriodSeconds) (add $grace (int .Values.lifecycle.preStopSleepSeconds)) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must be longer than config.client.shutdown_grace_seconds (%d) plus lifecycle.preStopSleepSeconds (%d), or Kubernetes kills streams still draining" (int .Values.terminationGracePeriodSeconds) $grace (int .Values.lifecycle.preStopSleepSeconds)) }}
{{- end }}
{{- end }}

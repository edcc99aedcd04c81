{{/* The chart name, or nameOverride: the app.kubernetes.io/name label. */}}
{{- define "spindle-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The prefix of every object name: the release name when it already contains the chart name. */}}
{{- define "spindle-operator.fullname" -}}
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

{{- define "spindle-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spindle-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "spindle-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "spindle-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "spindle-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "spindle-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator image, which spinImage executor pods run too. */}}
{{- define "spindle-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}

{{- define "spindle-operator.webhookService" -}}
{{- include "spindle-operator.fullname" . }}-webhook-service
{{- end }}

{{- define "spindle-operator.webhookCertSecret" -}}
{{- default (printf "%s-webhook-server-cert" (include "spindle-operator.fullname" .)) .Values.webhook.certSecretName }}
{{- end }}

{{- define "spindle-operator.servingCert" -}}
{{- include "spindle-operator.fullname" . }}-serving-cert
{{- end }}

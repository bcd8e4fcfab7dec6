{{/*
Names, labels and the pieces the three services share. A "component" is a dict made by ember.component:
  key    the values section (controlPlane, scheduler, dataPlane)
  name   the service's name (control-plane, scheduler, data-plane), also its image and label
  port   the port the service listens on (fixed in its application.properties)
  db     whether it has a PostgreSQL schema (the data plane has none)
*/}}

{{- define "ember.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ember.fullname" -}}
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

{{- define "ember.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object of the release carries. */}}
{{- define "ember.labels" -}}
helm.sh/chart: {{ include "ember.chart" . }}
{{ include "ember.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ember
{{- end }}

{{/* Labels that select every pod of the release. */}}
{{- define "ember.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ember.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The component dict; call as (include "ember.component" (list . "controlPlane") | fromYaml). */}}
{{- define "ember.component" -}}
{{- $key := index . 1 }}
{{- if eq $key "controlPlane" }}
key: controlPlane
name: control-plane
port: 8080
db: true
{{- else if eq $key "scheduler" }}
key: scheduler
name: scheduler
port: 8082
db: true
{{- else if eq $key "dataPlane" }}
key: dataPlane
name: data-plane
port: 8081
db: false
{{- else }}
{{- fail (printf "unknown component %s" $key) }}
{{- end }}
{{- end }}

{{/* Object name of a component; call with (dict "root" $ "component" $c). */}}
{{- define "ember.componentName" -}}
{{- printf "%s-%s" (include "ember.fullname" .root | trunc 50 | trimSuffix "-") .component.name }}
{{- end }}

{{- define "ember.componentLabels" -}}
{{ include "ember.labels" .root }}
app.kubernetes.io/component: {{ .component.name }}
{{- end }}

{{- define "ember.componentSelectorLabels" -}}
{{ include "ember.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component.name }}
{{- end }}

{{/* The image of a component: [registry/]repository:tag. */}}
{{- define "ember.image" -}}
{{- $values := index .root.Values .component.key }}
{{- $tag := $values.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- $registry := .root.Values.image.registry | trimSuffix "/" }}
{{- if $registry }}
{{- printf "%s/%s:%s" $registry $values.image.repository $tag }}
{{- else }}
{{- printf "%s:%s" $values.image.repository $tag }}
{{- end }}
{{- end }}

{{- define "ember.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ember.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ember.configMapName" -}}
{{- printf "%s-config" (include "ember.fullname" .) }}
{{- end }}

{{/* The Secret holding the database password and the bootstrap API key: the user's, or the chart's. */}}
{{- define "ember.secretName" -}}
{{- if .Values.existingSecret.name }}
{{- .Values.existingSecret.name }}
{{- else }}
{{- printf "%s-secret" (include "ember.fullname" .) }}
{{- end }}
{{- end }}

{{- define "ember.kafkaClusterName" -}}
{{- default (printf "%s-kafka" (include "ember.fullname" .)) .Values.strimzi.clusterName }}
{{- end }}

{{- define "ember.kafkaBootstrapServers" -}}
{{- if .Values.strimzi.enabled }}
{{- printf "%s-kafka-bootstrap:%v" (include "ember.kafkaClusterName" .) .Values.strimzi.bootstrapPort }}
{{- else }}
{{- required "kafka.bootstrapServers is required (or strimzi.enabled)" .Values.kafka.bootstrapServers }}
{{- end }}
{{- end }}

{{- define "ember.pgClusterName" -}}
{{- default (printf "%s-pg" (include "ember.fullname" .)) .Values.cnpg.clusterName }}
{{- end }}

{{- define "ember.dbHost" -}}
{{- if .Values.cnpg.enabled }}
{{- printf "%s-rw" (include "ember.pgClusterName" .) }}
{{- else }}
{{- required "postgresql.host is required (or cnpg.enabled)" .Values.postgresql.host }}
{{- end }}
{{- end }}

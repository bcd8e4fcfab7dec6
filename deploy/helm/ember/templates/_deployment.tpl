{{/*
The Deployment of one service; call with (dict "root" $ "component" $c). The three services differ only in their
name, port, image, whether they have a database, and (the control plane) the bootstrap account.
*/}}
{{- define "ember.deployment" -}}
{{- $root := .root }}
{{- $c := .component }}
{{- $values := index $root.Values $c.key }}
{{- $configMap := include "ember.configMapName" $root }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "ember.componentName" . }}
  labels:
    {{- include "ember.componentLabels" . | nindent 4 }}
spec:
  {{- if not (and (eq $c.key "dataPlane") $values.autoscaling.enabled) }}
  replicas: {{ $values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "ember.componentSelectorLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "ember.componentSelectorLabels" . | nindent 8 }}
        {{- with $values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        # A changed setting or secret rolls the pods, which read them only at start.
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- if $root.Values.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/path: /q/metrics
        prometheus.io/port: {{ $c.port | quote }}
        prometheus.io/scheme: http
        {{- end }}
        {{- with $values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "ember.serviceAccountName" $root }}
      automountServiceAccountToken: false
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ $c.name }}
          image: {{ include "ember.image" . | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $c.port }}
              protocol: TCP
          env:
            # Listen on the pod's address, not only on loopback (the services' default outside a container).
            - name: QUARKUS_HTTP_HOST
              value: "0.0.0.0"
            {{- if eq $c.key "controlPlane" }}
            # Uploaded model files (signed-URL uploads): on the blobs volume below.
            - name: EMBER_BLOB_ROOT
              value: /var/lib/ember/blobs
            {{- end }}
            - name: EMBER_KAFKA_BOOTSTRAP_SERVERS
              valueFrom:
                configMapKeyRef:
                  name: {{ $configMap }}
                  key: EMBER_KAFKA_BOOTSTRAP_SERVERS
            - name: EMBER_TIME_SCALE
              valueFrom:
                configMapKeyRef:
                  name: {{ $configMap }}
                  key: EMBER_TIME_SCALE
            {{- if $root.Values.config.timeOrigin }}
            - name: EMBER_TIME_ORIGIN
              valueFrom:
                configMapKeyRef:
                  name: {{ $configMap }}
                  key: EMBER_TIME_ORIGIN
            {{- end }}
            {{- if $c.db }}
            {{- range list "EMBER_DB_HOST" "EMBER_DB_PORT" "EMBER_DB_NAME" "EMBER_DB_USER" }}
            - name: {{ . }}
              valueFrom:
                configMapKeyRef:
                  name: {{ $configMap }}
                  key: {{ . }}
            {{- end }}
            - name: EMBER_DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  {{- if and $root.Values.cnpg.enabled (not $root.Values.existingSecret.name) }}
                  # The password CloudNativePG generated for the database owner.
                  name: {{ include "ember.pgClusterName" $root }}-app
                  key: password
                  {{- else }}
                  name: {{ include "ember.secretName" $root }}
                  key: {{ $root.Values.existingSecret.dbPasswordKey }}
                  {{- end }}
            {{- end }}
            {{- if eq $c.key "controlPlane" }}
            {{- if $root.Values.bootstrap.accountId }}
            - name: EMBER_BOOTSTRAP_ACCOUNT_ID
              valueFrom:
                configMapKeyRef:
                  name: {{ $configMap }}
                  key: EMBER_BOOTSTRAP_ACCOUNT_ID
            {{- end }}
            {{- if or $root.Values.bootstrap.apiKey $root.Values.existingSecret.name }}
            - name: EMBER_BOOTSTRAP_API_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ include "ember.secretName" $root }}
                  key: {{ $root.Values.existingSecret.bootstrapApiKeyKey }}
                  optional: true
            {{- end }}
            {{- end }}
            {{- if eq $c.key "dataPlane" }}
            # Serverless: whose deployments are shared, and how many pods share each account's rate limits.
            - name: EMBER_SERVERLESS_ACCOUNT
              value: {{ $values.serverless.account | quote }}
            - name: EMBER_DATA_PLANE_INSTANCES
              value: {{ $values.serverless.rateLimitInstances | default (ternary $values.autoscaling.minReplicas $values.replicaCount $values.autoscaling.enabled) | quote }}
            {{- end }}
            {{- range $name, $value := $root.Values.config.extraEnv }}
            - name: {{ $name }}
              valueFrom:
                configMapKeyRef:
                  name: {{ $configMap }}
                  key: {{ $name }}
            {{- end }}
            {{- with $values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /q/health/started
              port: http
            periodSeconds: {{ $root.Values.probes.startup.periodSeconds }}
            failureThreshold: {{ $root.Values.probes.startup.failureThreshold }}
            timeoutSeconds: {{ $root.Values.probes.startup.timeoutSeconds }}
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            periodSeconds: {{ $root.Values.probes.liveness.periodSeconds }}
            failureThreshold: {{ $root.Values.probes.liveness.failureThreshold }}
            timeoutSeconds: {{ $root.Values.probes.liveness.timeoutSeconds }}
          readinessProbe:
            httpGet:
              path: /q/health/ready
              port: http
            periodSeconds: {{ $root.Values.probes.readiness.periodSeconds }}
            failureThreshold: {{ $root.Values.probes.readiness.failureThreshold }}
            timeoutSeconds: {{ $root.Values.probes.readiness.timeoutSeconds }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if eq $c.key "controlPlane" }}
            - name: blobs
              mountPath: /var/lib/ember/blobs
            {{- end }}
      volumes:
        # The root filesystem is read-only; Quarkus and Vert.x write their temporary files here.
        - name: tmp
          emptyDir:
            sizeLimit: {{ $root.Values.tmpSizeLimit }}
        {{- if eq $c.key "controlPlane" }}
        # Uploaded model files. Every control-plane pod must see the same files: a ReadWriteMany claim in production.
        - name: blobs
          {{- if $values.blobs.existingClaim }}
          persistentVolumeClaim:
            claimName: {{ $values.blobs.existingClaim }}
          {{- else }}
          emptyDir:
            sizeLimit: {{ $values.blobs.sizeLimit }}
          {{- end }}
        {{- end }}
      {{- with $values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- range . }}
        - {{- toYaml (omit . "labelSelector") | nindent 10 }}
          labelSelector:
            {{- if .labelSelector }}
            {{- toYaml .labelSelector | nindent 12 }}
            {{- else }}
            matchLabels:
              {{- include "ember.componentSelectorLabels" $ | nindent 14 }}
            {{- end }}
        {{- end }}
      {{- end }}
{{- end }}

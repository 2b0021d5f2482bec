{{/* Common labels; call with (dict "root" $ "component" "edge") */}}
{{- define "kvr.labels" -}}
app.kubernetes.io/name: kvr
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "kvr.selector" -}}
app.kubernetes.io/name: kvr
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Pod spec of one app; call with (dict "root" $ "component" "edge" "image" "edge" "values" .Values.edge "env" list "mounts" list "volumes" list) */}}
{{- define "kvr.podSpec" -}}
{{- $v := .root.Values -}}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- with $v.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
containers:
  - name: {{ .component }}
    image: "{{ $v.image.repository }}-{{ .image }}:{{ $v.image.tag | default .root.Chart.AppVersion }}"
    imagePullPolicy: {{ $v.image.pullPolicy }}
    securityContext:
      {{- toYaml $v.securityContext | nindent 6 }}
    env:
      - name: KVR_CONFIG
        value: /etc/kvr/config/kvr.properties
      - name: JAVA_TOOL_OPTIONS
        value: {{ $v.javaOpts | quote }}
      {{- with .env }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    ports:
      - {name: http, containerPort: 8080}
    livenessProbe:
      httpGet: {path: /health, port: http}
      {{- toYaml $v.probes.liveness | nindent 6 }}
    readinessProbe:
      httpGet: {path: /health, port: http}
      {{- toYaml $v.probes.readiness | nindent 6 }}
    resources:
      {{- toYaml .values.resources | nindent 6 }}
    volumeMounts:
      - {name: config, mountPath: /etc/kvr/config, readOnly: true}
      - {name: s3-credentials, mountPath: /etc/kvr/s3, readOnly: true}
      - {name: tmp, mountPath: /tmp}
      {{- if $v.kafka.existingSecret.name }}
      - {name: kafka-credentials, mountPath: /etc/kvr/kafka, readOnly: true}
      {{- end }}
      {{- if $v.kafka.tlsSecret }}
      - {name: kafka-tls, mountPath: /etc/kvr/kafka-tls, readOnly: true}
      {{- end }}
      {{- with .mounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  - name: config
    configMap: {name: {{ .root.Release.Name }}-kvr-config}
  - name: s3-credentials
    secret:
      secretName: {{ required "s3.existingSecret: name of an existing Secret with the S3 credentials" $v.s3.existingSecret }}
      items:
        - {key: {{ $v.s3.accessKeyKey }}, path: access-key}
        - {key: {{ $v.s3.secretKeyKey }}, path: secret-key}
  - name: tmp
    emptyDir: {}
  {{- if $v.kafka.existingSecret.name }}
  - name: kafka-credentials
    secret:
      secretName: {{ $v.kafka.existingSecret.name }}
      items:
        {{- range $setting, $key := $v.kafka.existingSecret.files }}
        - {key: {{ $key }}, path: {{ $setting }}}
        {{- end }}
  {{- end }}
  {{- if $v.kafka.tlsSecret }}
  - name: kafka-tls
    secret: {secretName: {{ $v.kafka.tlsSecret }}}
  {{- end }}
  {{- with .volumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

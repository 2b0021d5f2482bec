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

{{/* "true" when the edge serves HTTPS (edge.tls.secretName), else empty */}}
{{- define "kvr.edgeTls" -}}
{{- if .Values.edge.tls.secretName }}true{{ end -}}
{{- end -}}

{{/* The Ingress TLS entries: edge.ingress.tls, plus the short form edge.ingress.tlsSecret, hosts defaulting to host */}}
{{- define "kvr.ingressTls" -}}
{{- $ing := .Values.edge.ingress -}}
{{- $out := list -}}
{{- range $ing.tls -}}
{{- $out = append $out (dict "secretName" .secretName "hosts" (.hosts | default (list $ing.host))) -}}
{{- end -}}
{{- if $ing.tlsSecret -}}
{{- $out = append $out (dict "secretName" $ing.tlsSecret "hosts" (list $ing.host)) -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* http.allowed.hosts of the edge behind the Ingress: its hosts, then the edge Service's in-cluster names */}}
{{- define "kvr.edgeAllowedHosts" -}}
{{- $hosts := list .Values.edge.ingress.host -}}
{{- range (include "kvr.ingressTls" . | fromYamlArray) -}}
{{- $hosts = concat $hosts .hosts -}}
{{- end -}}
{{- $svc := printf "%s-edge" .Release.Name -}}
{{- $ns := .Release.Namespace | default "default" -}}
{{- $hosts = concat $hosts (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns)) -}}
{{- $hosts | uniq | join "," -}}
{{- end -}}

{{/* access.* settings of the access Secret's files, one per line; checks access.required has a credential */}}
{{- define "kvr.accessSettings" -}}
{{- $a := .Values.access -}}
{{- $s := $a.existingSecret -}}
{{- $keys := list $s.tokenSecretKey $s.jwtHs256SecretKey $s.apiKeysKey | compact -}}
{{- if and $s.name (not $keys) -}}
{{- fail "access.existingSecret.name is set but no key of it is named: set access.existingSecret.tokenSecretKey, jwtHs256SecretKey or apiKeysKey" -}}
{{- end -}}
{{- if and $keys (not $s.name) -}}
{{- fail "access.existingSecret: keys are named but not the Secret: set access.existingSecret.name" -}}
{{- end -}}
{{- $rs256 := or (hasKey .Values.config "access.jwt.rs256.public.key") (hasKey .Values.config "access.jwt.rs256.public.key.file") -}}
{{- if and $a.required (not $keys) (not $rs256) -}}
{{- fail "access.required=true needs a credential to check: reference an existing Secret in access.existingSecret (name and tokenSecretKey, jwtHs256SecretKey or apiKeysKey), or give access.jwt.rs256.public.key in config" -}}
{{- end -}}
{{- if $a.required }}
access.required=true
{{- end }}
{{- if and $s.name $s.tokenSecretKey }}
access.token.secret.file=/etc/kvr/access/token-secret
{{- end }}
{{- if and $s.name $s.jwtHs256SecretKey }}
access.jwt.hs256.secret.file=/etc/kvr/access/jwt-hs256-secret
{{- end }}
{{- if and $s.name $s.apiKeysKey }}
access.api.keys.file=/etc/kvr/access/api-keys
{{- end }}
{{- end -}}

{{/*
Pod spec of one app; call with (dict "root" $ "component" "edge" "image" "edge" "values" .Values.edge "env" list
"mounts" list "volumes" list), and "tls" true for an app serving HTTPS, "probeHost" for a Host header on its probes
*/}}
{{- define "kvr.podSpec" -}}
{{- $v := .root.Values -}}
{{- $port := ternary "https" "http" (.tls | default false) -}}
{{- $access := $v.access.existingSecret -}}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- if and (eq .component "bridge") $v.bridge.rtsp.enabled $v.bridge.rtsp.hostNetwork }}
hostNetwork: true
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
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
      - {name: {{ $port }}, containerPort: 8080}
      {{- if and (eq .component "bridge") $v.bridge.rtsp.enabled }}
      - {name: rtsp, containerPort: {{ $v.bridge.rtsp.port }}}
      {{- if $v.bridge.rtsp.tls.enabled }}
      - {name: rtsps, containerPort: {{ $v.bridge.rtsp.tls.port }}}
      {{- end }}
      {{- end }}
    {{- $get := dict "path" "/health" "port" $port }}
    {{- if .tls }}
    {{- $_ := set $get "scheme" "HTTPS" }}
    {{- end }}
    {{- with .probeHost }}
    {{- $_ := set $get "httpHeaders" (list (dict "name" "Host" "value" .)) }}
    {{- end }}
    livenessProbe:
      httpGet:
        {{- toYaml $get | nindent 8 }}
      {{- toYaml $v.probes.liveness | nindent 6 }}
    readinessProbe:
      httpGet:
        {{- toYaml $get | nindent 8 }}
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
      {{- if $access.name }}
      - {name: access-secrets, mountPath: /etc/kvr/access, readOnly: true}
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
  {{- if $access.name }}
  - name: access-secrets
    secret:
      secretName: {{ $access.name }}
      items:
        {{- with $access.tokenSecretKey }}
        - {key: {{ . }}, path: token-secret}
        {{- end }}
        {{- with $access.jwtHs256SecretKey }}
        - {key: {{ . }}, path: jwt-hs256-secret}
        {{- end }}
        {{- with $access.apiKeysKey }}
        - {key: {{ . }}, path: api-keys}
        {{- end }}
  {{- end }}
  {{- with .volumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

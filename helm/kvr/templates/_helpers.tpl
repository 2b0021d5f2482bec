{{- define "kvr.env" -}}
- name: KVR_KAFKA_BOOTSTRAP_SERVERS
  value: {{ .Values.kafka.bootstrapServers | quote }}
- name: KVR_S3_ENDPOINT
  value: {{ .Values.s3.endpoint | quote }}
- name: KVR_S3_BUCKET
  value: {{ .Values.s3.bucket | quote }}
- name: KVR_S3_ACCESS_KEY
  valueFrom: {secretKeyRef: {name: {{ .Values.s3.existingSecret }}, key: access-key}}
- name: KVR_S3_SECRET_KEY
  valueFrom: {secretKeyRef: {name: {{ .Values.s3.existingSecret }}, key: secret-key}}
- name: KVR_HTTP_HOST
  value: "0.0.0.0"
- name: KVR_HTTP_PORT
  value: "8080"
- name: KVR_EDGE_INDEX_URL
  value: "http://{{ .Release.Name }}-indexer:8080/"
{{- end -}}

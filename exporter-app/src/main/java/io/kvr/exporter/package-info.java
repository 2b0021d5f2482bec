/** The exporter: MP4 exports of recorded time ranges (asynchronous jobs and direct downloads). */
package io.kvr.exporter;

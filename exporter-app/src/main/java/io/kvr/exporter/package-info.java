/** The exporter: MP4 exports of recorded time ranges (asynchronous jobs and direct downloads; see issue 6). */
package io.kvr.exporter;

/** Export plans: the samples, reads and file header of an MP4 export, from the index alone. */
package io.kvr.exporter.plan;

/** Cutting one stream's access units into segments: deterministic, so a replay rebuilds identical objects. */
package io.kvr.segmenter.segment;

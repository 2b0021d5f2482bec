/** The segmenter: access units from the media topic into CMAF segments in object storage, announced after upload. */
package io.kvr.segmenter;

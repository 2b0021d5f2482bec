/**
 * ISO base media file format boxes (ISO/IEC 14496-12, with the sample entry configuration boxes of 14496-15 and
 * 14496-14): one small type per box, named after the spec, each knowing its size and writing itself to a
 * {@link io.kvr.media.bmff.BoxWriter}. The CMAF segment writer and the MP4 export writers compose files from them.
 */
package io.kvr.media.bmff;

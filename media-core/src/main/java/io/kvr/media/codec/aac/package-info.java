/** MPEG-4 AAC configuration: AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) and ADTS headers (14496-3 1.A.3.2). */
package io.kvr.media.codec.aac;

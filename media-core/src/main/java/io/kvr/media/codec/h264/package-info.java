/** ITU-T H.264 sequence parameter sets (7.3.2.1.1) and the AVCDecoderConfigurationRecord of ISO/IEC 14496-15 5.3.3.1. */
package io.kvr.media.codec.h264;

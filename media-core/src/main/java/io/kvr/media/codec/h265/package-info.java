/** ITU-T H.265 sequence parameter sets (7.3.2.2), profile_tier_level (7.3.3) and the HEVCDecoderConfigurationRecord of ISO/IEC 14496-15 8.3.3.1. */
package io.kvr.media.codec.h265;

/** Bit-level reading of RBSP (ITU-T H.264 / H.265 7.2, 7.4.2) and MPEG-4 audio syntax: u(n), ue(v), se(v). */
package io.kvr.media.bitstream;

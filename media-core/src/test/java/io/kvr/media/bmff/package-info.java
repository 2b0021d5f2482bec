/** Tests of the ISO-BMFF boxes, read back with isoparser. */
package io.kvr.media.bmff;

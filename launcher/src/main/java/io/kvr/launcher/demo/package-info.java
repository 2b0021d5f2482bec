/** The demo camera: a Java2D test pattern with a burned-in UTC clock, encoded to H.264 in MPEG-TS over UDP. */
package io.kvr.launcher.demo;

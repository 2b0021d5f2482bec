/** Cameras: their configuration, the supervisor that keeps each one connected, and the media of a connection. */
package io.kvr.bridge.camera;

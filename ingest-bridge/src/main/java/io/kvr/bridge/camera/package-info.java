/** Cameras: their configuration and the supervisor that keeps each one connected. */
package io.kvr.bridge.camera;

package io.kvr.bridge.camera;

/** Where a camera's supervisor is. */
public enum CameraState {
    CONNECTING, STREAMING, BACKING_OFF, STOPPED
}

package io.kvr.bridge.camera;

/**
 * Where a camera is; shown lower-case by {@code GET /v1/cameras} and in {@code kvr_bridge_camera_state}.
 * {@link #FAILED}: the bridge will not try this camera as configured (a setting it cannot use); fix the camera
 * to leave it.
 */
public enum CameraState {
    CONNECTING,
    STREAMING,
    BACKING_OFF,
    FAILED,
    STOPPED
}

/**
 * Which cameras this machine has: the parsers of {@code rpicam-hello --list-cameras} and {@code v4l2-ctl}'s
 * listings (pure functions over the programs' stdout), the {@link org.pistream.core.source.detect.DetectedCamera}
 * model with its nearest-mode choice and config line, and the
 * {@link org.pistream.core.source.detect.CameraDetector} that runs the programs.
 *
 * <p>Plain Java with no settings: the {@code cameras} command prints
 * {@code CameraListing.format(CameraDetector.forThisMachine().detect())}; with no camera configured, the context
 * listener takes {@code Detection.automaticChoice()} and builds the source from its
 * {@link org.pistream.core.source.detect.DetectedCamera#cameraValue()} the way {@code --camera} would.
 */
package org.pistream.core.source.detect;

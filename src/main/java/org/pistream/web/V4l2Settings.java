package org.pistream.web;

import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;
import org.pistream.core.source.detect.V4l2Fit;

/**
 * A {@code v4l2:DEVICE} camera's settings at start: {@link V4l2Fit} chooses the mode from what
 * {@code v4l2-ctl --list-formats-ext} lists, and what it refuses is reported naming the configuration's key.
 *
 * <p>A device that cannot be asked for its modes (unplugged, busy, no v4l2-ctl) is refused at start with
 * v4l2-ctl's own words: the Debian package's service then tries again every 5 s (Restart=on-failure), so a
 * webcam plugged in later is picked up then.
 */
final class V4l2Settings {
    private V4l2Settings() {
    }

    static CameraSettings choose(Config config, CameraSettings camera, CameraSource.V4l2Source source, CameraLookup lookup) {
        String name = camera.name();
        try {
            // What the configuration gives explicitly wins over saved control values, as for the other kinds.
            CameraSettings asked = new CameraSettings(name, source, camera.values(), SettingsLoader.explicit(config, name, Set.of()));
            return V4l2Fit.choose(asked, source, lookup::v4l2Modes);
        } catch (V4l2Fit.Refused e) {
            if (e.key() == null) {
                String sourceKey = name.equals(Settings.UNNAMED) ? KeyTable.CAMERA.configKey() : KeyTable.cameraKey(name);
                throw new InvalidSettingException(sourceKey, String.valueOf(e.value()), e.getMessage());
            }
            throw new InvalidSettingException(SettingsLoader.shownKey(config, name, e.key()), String.valueOf(e.value()), e.getMessage());
        }
    }
}

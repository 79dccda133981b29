package org.pistream.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.pistream.core.control.ControlStore;
import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.KeyTable;
import org.pistream.core.settings.Settings;

/**
 * Every camera a server runs, each a {@link PiStream} of its own (supervisor, broadcaster, limits,
 * timer), so one camera crashing or flooding leaves the others alone. One of them is the default,
 * which {@code /stream} and {@code /snapshot} serve; the others are reached by name. Starts them in
 * the order they are listed and stops them in reverse.
 */
public final class Cameras extends Lifecycle {
    private final Map<String, PiStream> byName = new LinkedHashMap<>();
    private final String defaultName;
    private final Settings settings;
    /** The applied control values of every camera, saved under {@code state-dir}. */
    private final ControlStore store;

    public Cameras(Settings settings) {
        String stateDir = settings.get(KeyTable.STATE_DIR);
        this.store = new ControlStore(stateDir == null || stateDir.isEmpty() ? null : Path.of(stateDir));
        Map<String, Map<String, String>> saved = store.load();
        for (CameraSettings camera : settings.cameras()) {
            byName.put(camera.name(), new PiStream(camera, settings.statsIntervalSeconds(), settings.namesCameras(), store,
                    saved.getOrDefault(camera.name(), Map.of())));
        }
        this.defaultName = settings.defaultCamera();
        this.settings = settings;
    }

    /** The settings the cameras were built with, the server's included. */
    public Settings settings() {
        return settings;
    }

    /** The camera {@code /stream} and {@code /snapshot} serve. */
    public PiStream main() {
        return byName.get(defaultName);
    }

    public String defaultName() {
        return defaultName;
    }

    /** The camera of that name, or null. */
    public PiStream get(String name) {
        return byName.get(name);
    }

    /** Every camera by name, in the order they are listed (the configured order). */
    public Map<String, PiStream> all() {
        return Collections.unmodifiableMap(byName);
    }

    /** Whether there is more than the one unnamed camera. */
    public boolean several() {
        return byName.size() > 1;
    }

    @Override
    protected void doStart() {
        for (PiStream camera : byName.values()) {
            camera.start();
        }
    }

    @Override
    protected void doStop() {
        List<PiStream> reversed = new ArrayList<>(byName.values());
        Collections.reverse(reversed);
        for (PiStream camera : reversed) {
            camera.stop();
        }
    }
}

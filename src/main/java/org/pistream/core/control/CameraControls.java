package org.pistream.core.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.pistream.core.settings.CameraSettings;
import org.pistream.core.settings.CameraSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera's controls: the stream settings ({@link StreamControls}) and its kind's own
 * ({@link ControlProvider}), listed with their values and changed all-or-nothing: every value is
 * checked before any is applied. Live controls go to the device at once; a change to a control
 * the program takes at start only restarts the camera through the {@link Restarter} with the new
 * settings and arguments. Applied values are saved in the {@link ControlStore} and restored at the
 * next start, except where the configuration gives a value explicitly. Changes are serialised.
 */
public final class CameraControls {
    private static final Logger log = LoggerFactory.getLogger(CameraControls.class);
    private static final Logger statsLog = LoggerFactory.getLogger("org.pistream.stats");

    /** Restarts the camera with these settings and extra program arguments, keeping its viewers. */
    @FunctionalInterface
    public interface Restarter {
        void restart(CameraSettings next, List<String> arguments);
    }

    /** What a change did: each control's old and new value, and whether the camera restarts for it. */
    public record Change(Map<String, Object[]> changed, boolean restart) {
    }

    private final String camera;
    private final String logPrefix;
    private final ControlProvider provider;
    private final ControlStore store;
    private volatile CameraSettings settings;
    private volatile Restarter restarter;
    /** Values set through the API (or restored), by control name, as saved. */
    private final Map<String, String> applied = new LinkedHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();

    public CameraControls(CameraSettings settings, ControlProvider provider, ControlStore store, String logPrefix) {
        this.camera = settings.name();
        this.settings = settings;
        this.provider = provider;
        this.store = store;
        this.logPrefix = logPrefix;
    }

    /**
     * The provider for {@code settings}' kind (for {@code auto}, the chosen camera's): rpicam's options,
     * a V4L2 device's own controls through the same {@code v4l2-ctl} its source streams with, or none.
     */
    public static ControlProvider providerFor(CameraSettings settings) {
        CameraSource source = StreamControls.effective(settings.source());
        if (source instanceof CameraSource.RpicamSource rpicam) {
            return new RpicamControls(rpicam.extra());
        }
        if (source instanceof CameraSource.V4l2Source v4l2) {
            return new V4l2Controls("v4l2-ctl", v4l2.device(), ShortCommand.system(Map.of(), java.time.Duration.ofSeconds(5)));
        }
        return ControlProvider.NONE;
    }

    public void restarter(Restarter r) {
        this.restarter = r;
    }

    /** The settings in force (the configured ones with the applied changes). */
    public CameraSettings settings() {
        return settings;
    }

    public ControlProvider provider() {
        return provider;
    }

    /** Changes applied since start (each request that changed something counts once). */
    public long changes() {
        return changes.get();
    }

    /** Camera restarts for changes since start. */
    public long restarts() {
        return restarts.get();
    }

    /** Every control with its value in force: the stream settings first, then the kind's. */
    public synchronized List<Control> list() throws ControlException {
        List<Control> all = new ArrayList<>(StreamControls.of(settings));
        all.addAll(provider.list());
        return all;
    }

    /** The values in force by control name (for {@code /stats}); empty when the device cannot be asked. */
    public Map<String, Object> values() {
        Map<String, Object> values = new LinkedHashMap<>();
        try {
            for (Control c : list()) {
                values.put(c.name(), c.value());
            }
        } catch (ControlException e) {
            StreamControls.of(settings).forEach(c -> values.put(c.name(), c.value()));
        }
        return values;
    }

    /**
     * Checks every value of {@code raw} (control name to value, null: the default) and, when all are
     * good, applies them; {@code who} is named in the log. Throws for the first unknown control,
     * read-only control or bad value, before anything changed.
     */
    public synchronized Change set(Map<String, Object> raw, String who) throws ControlException {
        Map<String, Control> byName = new LinkedHashMap<>();
        for (Control c : list()) {
            byName.put(c.name(), c);
        }
        Map<String, Object> stream = new LinkedHashMap<>();
        Map<String, Object> own = new LinkedHashMap<>();
        Map<String, Object[]> changed = new LinkedHashMap<>();
        boolean restart = false;
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            Control c = byName.get(e.getKey());
            if (c == null) {
                throw ControlException.unknown(e.getKey(), byName.keySet());
            }
            if (c.readOnly()) {
                throw new ControlException(ControlException.Reason.READ_ONLY, c.name(), c.name() + " cannot be changed here: "
                        + c.readOnlyWhy());
            }
            Object value = c.accept(e.getValue());
            if (Objects.equals(value, c.value())) {
                continue;
            }
            changed.put(c.name(), new Object[] {c.value(), value});
            (StreamControls.GROUP.equals(c.group()) ? stream : own).put(c.name(), value);
            restart |= c.restart();
        }
        if (changed.isEmpty()) {
            return new Change(Map.of(), false);
        }
        provider.apply(own); // a live device may refuse: then nothing else changed either
        if (!stream.isEmpty()) {
            settings = StreamControls.with(settings, stream);
        }
        changed.forEach((name, values) -> {
            if (values[1] == null) {
                applied.remove(name);
            } else {
                applied.put(name, values[1].toString());
            }
        });
        changes.incrementAndGet();
        StringBuilder what = new StringBuilder();
        changed.forEach((name, v) -> what.append(what.length() == 0 ? "" : ", ").append(name).append(' ').append(v[0])
                .append(" -> ").append(v[1]));
        statsLog.info("{}Settings changed {}: {}{}", logPrefix, who, what, restart ? " (restarting the camera)" : " (live)");
        store.save(camera, applied);
        Restarter r = restarter;
        if (restart && r != null) {
            restarts.incrementAndGet();
            r.restart(settings, provider.arguments());
        }
        return new Change(changed, restart);
    }

    /**
     * Takes the saved values before the camera first starts: those of settings the configuration
     * gives explicitly stay as configured (logged), bad or unknown ones are reported and dropped.
     * Live ones are applied to the device now; returns the settings to start with.
     */
    public synchronized CameraSettings restore(Map<String, String> saved) {
        if (saved == null || saved.isEmpty()) {
            return settings;
        }
        Map<String, Control> byName = new LinkedHashMap<>();
        try {
            for (Control c : list()) {
                byName.put(c.name(), c);
            }
        } catch (ControlException e) {
            log.warn("{}Saved control values not restored: {}", logPrefix, e.getMessage());
            return settings;
        }
        Map<String, Object> stream = new LinkedHashMap<>();
        Map<String, Object> own = new LinkedHashMap<>();
        List<String> restored = new ArrayList<>();
        saved.forEach((name, text) -> {
            Control c = byName.get(name);
            if (c == null) {
                log.warn("{}Saved value {}={} ignored: this camera has no such control", logPrefix, name, ControlException.shown(text));
                return;
            }
            if (settings.explicit().contains(name)) {
                log.info("{}The configuration sets {}={}: it wins over the saved {}={}", logPrefix, name, c.value(), name,
                        ControlException.shown(text));
                return;
            }
            if (c.readOnly()) {
                log.info("{}Saved value {}={} ignored: {}", logPrefix, name, ControlException.shown(text), c.readOnlyWhy());
                return;
            }
            try {
                Object value = c.accept(text);
                (StreamControls.GROUP.equals(c.group()) ? stream : own).put(name, value);
                applied.put(name, text);
                restored.add(name + "=" + value);
            } catch (ControlException e) {
                log.warn("{}Saved value ignored: {}", logPrefix, e.getMessage());
            }
        });
        try {
            provider.apply(own);
        } catch (ControlException e) {
            log.warn("{}Saved values not restored: {}", logPrefix, e.getMessage());
            own.keySet().forEach(applied::remove);
            restored.removeIf(r -> own.containsKey(r.substring(0, r.indexOf('='))));
        }
        if (!stream.isEmpty()) {
            settings = StreamControls.with(settings, stream);
        }
        if (!restored.isEmpty()) {
            log.info("{}Restored saved settings from {}: {}", logPrefix, store.file(), String.join(", ", restored));
        }
        return settings;
    }
}

package org.pistream.core.control;

import java.util.List;
import java.util.Map;

/**
 * The controls of one kind of camera (rpicam, V4L2, ...): what it has, with the values in force, and
 * how a change reaches it. A kind whose program takes its settings at start only (rpicam) keeps the
 * values and gives them as {@link #arguments()} to the next start; a kind whose device takes them
 * while it streams (V4L2) sets them at once. Which one a control is says {@link Control#restart()}.
 */
public interface ControlProvider {
    /** A camera without controls of its own (the test pattern, a command, another server). */
    ControlProvider NONE = new ControlProvider() {
        @Override
        public List<Control> list() {
            return List.of();
        }

        @Override
        public void apply(Map<String, Object> values) {
            if (!values.isEmpty()) {
                throw new IllegalArgumentException("no controls: " + values.keySet());
            }
        }
    };

    /** The kind's own controls with the values in force; throws when the device cannot be asked. */
    List<Control> list() throws ControlException;

    /**
     * Takes values {@link Control#accept} has checked, by control name: a live control is set now
     * (an error says which one the device refused), a restart control is kept for {@link #arguments()}.
     */
    void apply(Map<String, Object> values) throws ControlException;

    /** The program's arguments for the kept values, added to its command line at the next start; empty for none. */
    default List<String> arguments() {
        return List.of();
    }
}

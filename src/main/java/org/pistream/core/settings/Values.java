package org.pistream.core.settings;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of a set of {@link Key}s, checked and typed, in the table's order: the server's
 * (every key) or one camera's (its {@link Key#isPerCamera} keys). Immutable. An optional key that
 * is not set has the value null. {@link #toString()} masks secret keys and credentials in text (a camera URL or command).
 */
public final class Values {
    private final Map<Key<?>, Object> values;

    /** @param values each key's value, as its {@link Key#parse} returned it, or null */
    public Values(Map<Key<?>, Object> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** The value of {@code key}, or null when an optional key is not set. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("no value for " + key + " here: " + values.keySet());
        }
        return (T) values.get(key);
    }

    /** Whether these values have {@code key}. */
    public boolean has(Key<?> key) {
        return values.containsKey(key);
    }

    /** Every key with its value, in the table's order; secret values included (do not print). */
    public Map<Key<?>, Object> asMap() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Values v && v.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        values.forEach((key, value) -> sb.append(sb.length() == 1 ? "" : ", ").append(key.name()).append('=')
                .append(key.isSecret() && value != null ? Secrets.MASK : value instanceof String text ? Secrets.redact(text) : value));
        return sb.append('}').toString();
    }
}

package org.pistream.web.control;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.pistream.core.control.Control;
import org.pistream.core.control.MenuEntry;

/**
 * The JSON of {@code /controls}: the list as the page and clients read it, and a change request's
 * body as the control names and values it sets. The mapper owns its buffer pool (no thread-local
 * left in container threads after an undeploy, as {@code /stats} does it).
 */
final class ControlsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).maxNumberLength(40).build())
            .build());

    private ControlsJson() {
    }

    static byte[] write(Object value) throws IOException {
        return MAPPER.writeValueAsBytes(value);
    }

    /** One control as a JSON object. */
    static Map<String, Object> of(Control c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("group", c.group());
        m.put("type", c.type().key());
        if (c.min() != null) {
            m.put("min", c.min());
            m.put("max", c.max());
        }
        if (c.step() != null) {
            m.put("step", c.step());
        }
        m.put("default", c.defaultValue());
        m.put("value", c.value());
        if (!c.menu().isEmpty()) {
            List<Map<String, Object>> menu = new ArrayList<>();
            for (MenuEntry e : c.menu()) {
                menu.add(Map.of("value", e.value(), "label", e.label()));
            }
            m.put("menu", menu);
        }
        m.put("inactive", c.inactive());
        m.put("readOnly", c.readOnly());
        if (c.readOnlyWhy() != null) {
            m.put("readOnlyWhy", c.readOnlyWhy());
        }
        m.put("apply", c.restart() ? "restart" : "live");
        return m;
    }

    /**
     * A change request's body: a JSON object of control names and values (numbers, booleans, text or
     * null for the default). Throws {@link IllegalArgumentException} with what is wrong.
     */
    static Map<String, Object> changes(byte[] body) {
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("the body is not JSON: send an object such as {\"brightness\": 0.2}");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object such as {\"brightness\": 0.2}");
        }
        if (root.size() == 0) {
            throw new IllegalArgumentException("the object names no control");
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            Object value;
            if (v.isNull()) {
                value = null;
            } else if (v.isBoolean()) {
                value = v.booleanValue();
            } else if (v.isIntegralNumber()) {
                BigInteger big = v.bigIntegerValue();
                value = big.bitLength() < 63 ? (Object) big.longValue() : big.toString();
            } else if (v.isNumber()) {
                BigDecimal d = v.decimalValue();
                value = d.doubleValue();
            } else if (v.isTextual()) {
                value = v.textValue();
            } else {
                throw new IllegalArgumentException(e.getKey() + ": a value is a number, true/false, text or null");
            }
            changes.put(e.getKey(), value);
        }
        return changes;
    }
}

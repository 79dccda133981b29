package org.pistream.web.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON bodies of {@code /stats} and {@code /healthz}. Jackson is loaded and its mapper built
 * when the first such request comes, not at start-up: a cold mapper costs a small board a few
 * hundred classes and a noticeable part of a second before the first frame could be served.
 * Thread-safe: the mapper is immutable once built (the JVM's class initialisation publishes it).
 */
final class JsonBody {
    /*
     * Jackson's default buffer pool keeps one buffer per thread in a ThreadLocal, so every container
     * thread that served /stats would hold an instance of a webapp class after an undeploy. A pool
     * owned by this mapper goes away with the webapp.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().recyclerPool(JsonRecyclerPools.newConcurrentDequePool()).build());

    private JsonBody() {
    }

    static byte[] of(Object value) throws JsonProcessingException {
        return MAPPER.writeValueAsBytes(value);
    }
}

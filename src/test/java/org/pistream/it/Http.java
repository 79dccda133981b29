package org.pistream.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Small HTTP helpers for tests: GET bytes, GET /stats as JSON, poll until a condition holds. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {
    }

    static HttpResponse<byte[]> get(URI uri) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode stats(URI base) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(base.resolve("stats"));
        if (response.statusCode() != 200) {
            throw new AssertionError("/stats answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    /** Polls {@code uri} until its status satisfies {@code wanted}; returns the last status. */
    static int awaitStatus(URI uri, IntPredicate wanted, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int status;
        while (!wanted.test(status = get(uri).statusCode())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(uri + " still answers " + status + " after " + timeout);
            }
            Thread.sleep(100);
        }
        return status;
    }

    /** Polls /stats until {@code condition} holds; returns the stats that satisfied it. */
    static JsonNode awaitStats(URI base, Duration timeout, Predicate<JsonNode> condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = stats(base);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("stats condition not met within " + timeout + "; last: " + last);
    }
}

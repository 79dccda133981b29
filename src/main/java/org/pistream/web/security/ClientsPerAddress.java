package org.pistream.web.security;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.pistream.core.LogGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max-clients-per-address} streams from one remote address, so one host cannot take
 * every {@code max-clients} slot; more get 503 with {@code Retry-After}. Mapped to the servlets that
 * stream (by name), so it applies in a container as well as embedded.
 *
 * <p>A request holds its address's slot while it runs; a request that goes async (a stream) holds
 * it until the async request ends. The listener that gives the slot back is added the moment the
 * servlet starts async, so no completion can slip by before it is there.
 */
public final class ClientsPerAddress extends HttpFilter {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ClientsPerAddress.class);

    private final int max;
    private final transient SecurityCounters counters;
    private final transient Map<String, Integer> streams = new ConcurrentHashMap<>();
    private final transient LogGate refusalLog = new LogGate(10, TimeUnit.SECONDS);

    public ClientsPerAddress(int max, SecurityCounters counters) {
        if (max < 1) {
            throw new IllegalArgumentException("max-clients-per-address must be >= 1 here, was: " + max);
        }
        this.max = max;
        this.counters = counters;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!request.getMethod().equals("GET")) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        Slot slot = new Slot(address);
        int held = streams.merge(address, 1, Integer::sum);
        if (held > max) {
            slot.release();
            counters.refusedPerAddress.increment();
            logRefusal(address);
            response.setHeader("Retry-After", Integer.toString(Refusals.RETRY_AFTER_SECONDS));
            Refusals.send(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "Too many streams from your address (" + max + "); try again later.");
            return;
        }
        SlotRequest wrapped = new SlotRequest(request, slot);
        try {
            chain.doFilter(wrapped, response);
        } finally {
            if (!wrapped.asyncStarted) {
                slot.release();
            }
        }
    }

    private void logRefusal(String address) {
        String more = refusalLog.pass();
        if (more != null) {
            log.warn("Stream refused for {}: it has {} streams open (max-clients-per-address){}; refusals are "
                    + "logged at most every 10 s and counted in /stats", address, max, more);
        }
    }

    /** One request's hold on its address's count, given back once. */
    private final class Slot implements AsyncListener {
        private final String address;
        private final AtomicBoolean released = new AtomicBoolean();

        Slot(String address) {
            this.address = address;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                streams.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            release();
        }

        @Override
        public void onError(AsyncEvent event) {
            release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this); // re-armed, as the servlet API requires
        }
    }

    /** Adds the slot's listener in the same call that starts async. */
    private static final class SlotRequest extends HttpServletRequestWrapper {
        private final Slot slot;
        private volatile boolean asyncStarted;

        SlotRequest(HttpServletRequest request, Slot slot) {
            super(request);
            this.slot = slot;
        }

        @Override
        public AsyncContext startAsync() {
            return armed(super.startAsync());
        }

        @Override
        public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
            return armed(super.startAsync(request, response));
        }

        private AsyncContext armed(AsyncContext async) {
            async.addListener(slot);
            asyncStarted = true;
            return async;
        }
    }
}

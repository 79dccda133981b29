package org.pistream.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.pistream.core.LogGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission and deadlines for the embedded server's TCP connections.
 *
 * <p>Every accepted connection is admitted while fewer than {@code max-connections} are admitted
 * and fewer than {@code max-connections-per-address} come from its address; otherwise it is
 * refused: its requests get 503 with {@code Retry-After} ({@link AdmissionHandler}) and it is
 * closed {@value #REFUSED_GRACE_MILLIS} ms after it opened. Refused connections do not count
 * against the limits, so a flood from one address leaves room for everyone else.
 *
 * <p>Slowloris: a connection that is not inside a request must deliver a complete request head
 * within {@code header-timeout} of opening or of its last response, or it is closed. Jetty's idle
 * timeout cannot do this alone: one byte a second keeps a connection from ever being idle.
 *
 * <p>Threading: the accept callbacks run on Jetty's acceptor and selector threads, request
 * begin and end on request threads; one daemon thread ({@code connection-guard}) scans the open
 * connections a few times a second. Counts are kept with a short lock on accept and close.
 */
final class ConnectionGuard extends AbstractLifeCycle implements SelectorManager.AcceptListener {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    static final long REFUSED_GRACE_MILLIS = 2000;
    private static final long SCAN_MILLIS = 250;

    /** One TCP connection as the guard sees it. */
    static final class Peer {
        final SocketAddress remote;
        final InetAddress address;
        /** Why the connection was refused, or null when it was admitted. */
        final String refusal;
        final long openedNanos = System.nanoTime();
        final AtomicInteger activeRequests = new AtomicInteger();
        volatile long idleSinceNanos = openedNanos;
        /** Bytes the connection had read when it was last seen idle; -1: not seen since its last response. */
        volatile long idleBytesMark;

        Peer(SocketAddress remote, InetAddress address, String refusal) {
            this.remote = remote;
            this.address = address;
            this.refusal = refusal;
        }
    }

    private final Server server;
    private final int maxConnections;
    private final int maxPerAddress;
    private final long headerTimeoutNanos;
    private final Map<SelectableChannel, Peer> byChannel = new ConcurrentHashMap<>();
    private final Map<SocketAddress, Peer> byRemote = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> admittedPerAddress = new ConcurrentHashMap<>();
    private final Object countLock = new Object();
    private int admitted;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder headerTimeouts = new LongAdder();
    private final LongAdder idleClosed = new LongAdder();
    private volatile ScheduledExecutorService scanner;
    private final LogGate refusalLog = new LogGate(10, TimeUnit.SECONDS);
    private final LogGate timeoutLog = new LogGate(10, TimeUnit.SECONDS);

    /**
     * @param maxPerAddress 0 for no cap per address
     */
    ConnectionGuard(Server server, int maxConnections, int maxPerAddress, int headerTimeoutSeconds) {
        this.server = server;
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.headerTimeoutNanos = TimeUnit.SECONDS.toNanos(headerTimeoutSeconds);
    }

    @Override
    protected void doStart() {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "connection-guard");
            t.setDaemon(true);
            return t;
        });
        s.scheduleWithFixedDelay(this::scan, SCAN_MILLIS, SCAN_MILLIS, TimeUnit.MILLISECONDS);
        scanner = s;
    }

    @Override
    protected void doStop() throws InterruptedException {
        ScheduledExecutorService s = scanner;
        if (s != null) {
            s.shutdownNow();
            s.awaitTermination(2, TimeUnit.SECONDS);
        }
    }

    @Override
    public void onAccepted(SelectableChannel channel) {
        if (!(channel instanceof SocketChannel socket)) {
            return;
        }
        SocketAddress remote;
        try {
            remote = socket.getRemoteAddress();
        } catch (IOException e) {
            return; // already gone
        }
        InetAddress address = remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
        String refusal = null;
        synchronized (countLock) {
            int fromAddress = address == null ? 0 : admittedPerAddress.getOrDefault(address, 0);
            if (admitted >= maxConnections) {
                refusal = "too many connections (" + maxConnections + ")";
            } else if (maxPerAddress > 0 && fromAddress >= maxPerAddress) {
                refusal = "too many connections from your address (" + maxPerAddress + ")";
            } else {
                admitted++;
                if (address != null) {
                    admittedPerAddress.merge(address, 1, Integer::sum);
                }
            }
        }
        accepted.increment();
        Peer peer = new Peer(remote, address, refusal);
        byChannel.put(channel, peer);
        byRemote.put(remote, peer);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        Peer peer = byChannel.remove(channel);
        if (peer == null) {
            return;
        }
        byRemote.remove(peer.remote, peer);
        if (peer.refusal == null) {
            synchronized (countLock) {
                admitted--;
                if (peer.address != null) {
                    admittedPerAddress.computeIfPresent(peer.address, (a, n) -> n <= 1 ? null : n - 1);
                }
            }
        }
    }

    /** The connection a request came on, or null when the guard does not know it. */
    Peer peer(SocketAddress remote) {
        return remote == null ? null : byRemote.get(remote);
    }

    void requestBegins(Peer peer) {
        peer.activeRequests.incrementAndGet();
    }

    void requestEnds(Peer peer) {
        if (peer.activeRequests.decrementAndGet() == 0) {
            peer.idleBytesMark = -1;
            peer.idleSinceNanos = System.nanoTime();
        }
    }

    /** A request on a refused connection was answered 503: counted, and logged at most every 10 s. */
    void refusedRequest(Peer peer) {
        refused.increment();
        if (refusalLog.pass()) {
            log.warn("Refused a connection from {}: {}; further refusals are logged at most every 10 s and counted in /stats",
                    peer.address == null ? peer.remote : peer.address.getHostAddress(), peer.refusal);
        }
    }

    /** The numbers for {@code /stats}. */
    Map<String, Object> stats() {
        Map<String, Object> m = new LinkedHashMap<>();
        synchronized (countLock) {
            m.put("open", admitted);
        }
        m.put("refusedOpen", byRemote.values().stream().filter(p -> p.refusal != null).count());
        m.put("max", maxConnections);
        m.put("maxPerAddress", maxPerAddress);
        m.put("accepted", accepted.sum());
        m.put("refused", refused.sum());
        m.put("headerTimeouts", headerTimeouts.sum());
        m.put("idleClosed", idleClosed.sum());
        return m;
    }

    private void scan() {
        try {
            long now = System.nanoTime();
            for (Connector connector : server.getConnectors()) {
                if (connector instanceof AbstractConnector c) {
                    for (EndPoint endPoint : c.getConnectedEndPoints()) {
                        check(endPoint, now);
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("Connection scan failed", e); // the next scan tries again
        }
    }

    private void check(EndPoint endPoint, long now) {
        java.net.SocketAddress remote = endPoint.getRemoteSocketAddress();
        if (remote == null) {
            return; // closed while the scan ran: nothing left to police
        }
        Peer peer = byRemote.get(remote);
        if (peer == null) {
            return;
        }
        if (peer.refusal != null) {
            if (now - peer.openedNanos >= TimeUnit.MILLISECONDS.toNanos(REFUSED_GRACE_MILLIS)) {
                endPoint.close();
            }
            return;
        }
        if (peer.activeRequests.get() > 0) {
            return;
        }
        Connection connection = endPoint.getConnection();
        long bytes = connection == null ? -1 : connection.getBytesIn();
        if (peer.idleBytesMark < 0) {
            peer.idleBytesMark = bytes; // first look since its last response
        }
        if (now - peer.idleSinceNanos < headerTimeoutNanos) {
            return;
        }
        if (bytes > peer.idleBytesMark) {
            headerTimeouts.increment();
            if (timeoutLog.pass()) {
                log.info("Closed a connection from {}: no complete request within {} s ({} bytes of a request head); "
                        + "further ones are logged at most every 10 s and counted in /stats",
                    peer.address == null ? peer.remote : peer.address.getHostAddress(),
                        TimeUnit.NANOSECONDS.toSeconds(headerTimeoutNanos), bytes - peer.idleBytesMark);
            }
        } else {
            idleClosed.increment(); // an idle keep-alive connection: normal, not worth a log line
        }
        endPoint.close();
    }
}

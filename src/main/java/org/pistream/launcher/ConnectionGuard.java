package org.pistream.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * <p>Only open connections count. Jetty reports a close ({@link #onClosed}) two thread-pool hops
 * after it happens: the read that finds the end of the connection, then the end point's
 * destruction. Under churn the replacement connection is accepted before that, so a client that
 * never had more than a few connections open was refused as if its closed ones were still there.
 * So before a connection is refused, the guard looks at the connections it counts for the limit
 * that is full: those Jetty has finished with (closed, or output shut down after the last answer
 * of a {@code Connection: close} exchange) are given back at once; and at the per-address limit,
 * that address's connection idle longest (answered, nothing received since, no request under
 * way: which is what a connection its client has closed looks like until Jetty reads the end) is
 * closed to make room. A connection over the limit is tried once more when its first request
 * comes, by which time late closes have usually been seen.
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
        volatile String refusal;
        final long openedNanos = System.nanoTime();
        /** Requests under way; {@link #EVICTED} once the guard closed it to make room. */
        final AtomicInteger activeRequests = new AtomicInteger();
        /** Whether it holds a place in the counts; given back exactly once. */
        final AtomicBoolean counted = new AtomicBoolean();
        /** The HTTP connection its requests come on, from its first request; null before. */
        volatile Connection connection;
        /** Bytes that connection had read when its last answer ended; -1 before its first answer. */
        volatile long answeredBytes = -1;
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
    /** Guarded by countLock, as is admitted: the admitted connections by address. */
    private final Map<InetAddress, Set<Peer>> admittedPerAddress = new HashMap<>();
    private final Object countLock = new Object();
    private int admitted;
    private static final int EVICTED = Integer.MIN_VALUE / 2;
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

    /**
     * Runs {@code task} on the server's thread pool after {@code millis}; false, with nothing
     * scheduled, when the guard is stopping.
     */
    boolean later(Runnable task, long millis) {
        ScheduledExecutorService s = scanner;
        if (s == null || s.isShutdown()) {
            return false;
        }
        try {
            s.schedule(() -> server.getThreadPool().execute(task), millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
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
        Peer peer = new Peer(remote, address, null);
        peer.refusal = admit(peer);
        accepted.increment();
        byChannel.put(channel, peer);
        byRemote.put(remote, peer);
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        onClosed(channel); // accepted, but Jetty could not set it up: it will never report a close
    }

    /**
     * Counts the connection in, or says why not. Before refusing, gives back the places of
     * connections Jetty is done with, and at the per-address limit closes that address's
     * connection idle longest, if it has one (see the class comment).
     */
    private String admit(Peer peer) {
        Peer evicted = null;
        String refusal;
        synchronized (countLock) {
            if (admitted >= maxConnections) {
                for (Set<Peer> peers : new ArrayList<>(admittedPerAddress.values())) {
                    reclaimFinished(peers);
                }
            }
            Set<Peer> fromAddress = peer.address == null ? Set.of() : admittedPerAddress.getOrDefault(peer.address, Set.of());
            if (maxPerAddress > 0 && fromAddress.size() >= maxPerAddress) {
                reclaimFinished(fromAddress);
                if (fromAddress.size() >= maxPerAddress) {
                    evicted = evictIdlest(fromAddress);
                }
            }
            if (admitted >= maxConnections) {
                refusal = "too many connections (" + maxConnections + ")";
            } else if (maxPerAddress > 0 && fromAddress.size() >= maxPerAddress) {
                refusal = "too many connections from your address (" + maxPerAddress + ")";
            } else {
                refusal = null;
                admitted++;
                peer.counted.set(true);
                if (peer.address != null) {
                    admittedPerAddress.computeIfAbsent(peer.address, a -> new LinkedHashSet<>()).add(peer);
                }
            }
        }
        if (evicted != null) {
            evicted.connection.getEndPoint().close(); // outside the lock: closing may call back
        }
        return refusal;
    }

    /** Gives back the places of connections Jetty has closed or shut the output of. Holds countLock. */
    private void reclaimFinished(Set<Peer> peers) {
        List<Peer> finished = new ArrayList<>();
        for (Peer p : peers) {
            Connection c = p.connection;
            if (c != null && (!c.getEndPoint().isOpen() || c.getEndPoint().isOutputShutdown())) {
                finished.add(p);
            }
        }
        finished.forEach(this::uncount);
    }

    /**
     * Of these connections, the one idle longest that has answered a request and received nothing
     * since, taken out of the counts and marked so no request starts on it; null when there is
     * none. Its caller closes it. Holds countLock.
     */
    private Peer evictIdlest(Set<Peer> peers) {
        Peer idlest = null;
        for (Peer p : peers) {
            Connection c = p.connection;
            if (c != null && p.activeRequests.get() == 0 && p.answeredBytes >= 0 && c.getBytesIn() == p.answeredBytes
                    && (idlest == null || p.idleSinceNanos < idlest.idleSinceNanos)) {
                idlest = p;
            }
        }
        if (idlest == null || !idlest.activeRequests.compareAndSet(0, EVICTED)) {
            return null; // a request began on it meanwhile: it is not idle
        }
        uncount(idlest);
        idleClosed.increment();
        return idlest;
    }

    /** Gives the connection's place back, once. */
    private void uncount(Peer peer) {
        if (!peer.counted.compareAndSet(true, false)) {
            return;
        }
        synchronized (countLock) {
            admitted--;
            if (peer.address != null) {
                Set<Peer> peers = admittedPerAddress.get(peer.address);
                if (peers != null && peers.remove(peer) && peers.isEmpty()) {
                    admittedPerAddress.remove(peer.address);
                }
            }
        }
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        Peer peer = byChannel.remove(channel);
        if (peer == null) {
            return;
        }
        byRemote.remove(peer.remote, peer);
        uncount(peer);
    }

    /** The connection a request came on, or null when the guard does not know it. */
    Peer peer(SocketAddress remote) {
        return remote == null ? null : byRemote.get(remote);
    }

    /**
     * A request begins on an admitted connection: false when the guard has just closed the
     * connection to make room (the request is then answered as refused).
     */
    boolean requestBegins(Peer peer, Connection connection) {
        if (peer.connection == null) {
            peer.connection = connection;
        }
        while (true) {
            int n = peer.activeRequests.get();
            if (n < 0) {
                return false;
            }
            if (peer.activeRequests.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void requestEnds(Peer peer) {
        Connection c = peer.connection;
        long bytes = c == null ? -1 : c.getBytesIn();
        if (peer.activeRequests.decrementAndGet() == 0) {
            peer.idleBytesMark = -1;
            peer.idleSinceNanos = System.nanoTime();
            peer.answeredBytes = bytes;
        }
    }

    /**
     * The first request on a refused connection: admitted after all when the limit has room by
     * now (closes Jetty reports late have been seen meanwhile). True when it was admitted.
     */
    boolean retry(Peer peer) {
        if (peer.refusal == null || peer.counted.get()) {
            return peer.refusal == null;
        }
        String refusal = admit(peer);
        if (refusal == null) {
            peer.refusal = null;
            if (byRemote.get(peer.remote) != peer) {
                uncount(peer); // closed meanwhile: onClosed found nothing to give back
            }
        }
        return refusal == null;
    }

    /** A request on a refused connection was answered 503: counted, and logged at most every 10 s. */
    void refusedRequest(Peer peer) {
        refused.increment();
        String more = refusalLog.pass();
        if (more != null) {
            log.warn("Refused a connection from {}: {}{}; refusals are logged at most every 10 s and counted in /stats",
                    peer.address == null ? peer.remote : peer.address.getHostAddress(), peer.refusal, more);
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
        if (peer.activeRequests.get() != 0) {
            return; // inside a request, or already closed to make room
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
            String more = timeoutLog.pass();
            if (more != null) {
                log.info("Closed a connection from {}: no complete request within {} s ({} bytes of a request head){}; "
                        + "these are logged at most every 10 s and counted in /stats",
                    peer.address == null ? peer.remote : peer.address.getHostAddress(),
                        TimeUnit.NANOSECONDS.toSeconds(headerTimeoutNanos), bytes - peer.idleBytesMark, more);
            }
        } else {
            idleClosed.increment(); // an idle keep-alive connection: normal, not worth a log line
        }
        endPoint.close();
    }
}

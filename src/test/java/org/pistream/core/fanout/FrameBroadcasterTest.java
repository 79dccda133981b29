package org.pistream.core.fanout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pistream.core.Lifecycle;
import org.pistream.core.jpeg.TestJpegs;
import org.pistream.core.stats.ClientStats;
import org.pistream.core.stats.FanoutStats;

class FrameBroadcasterTest {
    private static final long TIMEOUT_SECONDS = 5;
    private static final int N = 50;
    private static final byte[][] JPEGS = new byte[N][];

    private final List<FrameBroadcaster> broadcasters = new ArrayList<>();

    @BeforeAll
    static void encodeJpegs() {
        for (int i = 0; i < N; i++) {
            JPEGS[i] = TestJpegs.noise(8, 8, i);
        }
    }

    @AfterEach
    void stopBroadcasters() {
        for (FrameBroadcaster b : broadcasters) {
            b.stop();
        }
    }

    private FrameBroadcaster started(int capacity, int maxSubscribers, int fanoutThreads) {
        FrameBroadcaster b = new FrameBroadcaster(capacity, maxSubscribers, fanoutThreads);
        broadcasters.add(b);
        b.start();
        return b;
    }

    private static Frame publish(FrameBroadcaster b, int i) {
        byte[] jpeg = JPEGS[i % N];
        return b.publish(jpeg, 0, jpeg.length, 1_700_000_000_000_000L + i);
    }

    private static byte[] jpegOf(Frame f) {
        return Arrays.copyOfRange(f.part(), f.jpegOffset(), f.jpegOffset() + f.jpegLength());
    }

    private static List<Long> range(long fromInclusive, long toExclusive) {
        List<Long> r = new ArrayList<>();
        for (long i = fromInclusive; i < toExclusive; i++) {
            r.add(i);
        }
        return r;
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "timed out waiting for " + what);
    }

    private static Set<Thread> fanoutThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("frame-fanout"))
                .collect(Collectors.toSet());
    }

    /**
     * A client whose connection always has room: polls every frame it is offered, once {@code polling}
     * is on. Checks that the broadcaster never calls it from two threads at once.
     */
    private static class Recorder implements FrameSubscriber {
        private final List<Frame> frames = new ArrayList<>();
        final CountDownLatch closed = new CountDownLatch(1);
        final AtomicInteger closedCalls = new AtomicInteger();
        final AtomicInteger deliverCalls = new AtomicInteger();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicBoolean concurrentCall = new AtomicBoolean();
        volatile boolean polling = true;

        @Override
        public void deliver(Subscription subscription) {
            if (inside.incrementAndGet() != 1) {
                concurrentCall.set(true);
            }
            try {
                deliverCalls.incrementAndGet();
                if (!polling) {
                    return; // the connection is full: leave the frames in the ring
                }
                Frame f;
                while ((f = subscription.poll()) != null) {
                    subscription.sent(f.part().length);
                    synchronized (frames) {
                        frames.add(f);
                        frames.notifyAll();
                    }
                }
            } finally {
                inside.decrementAndGet();
            }
        }

        @Override
        public void broadcasterClosed(Subscription subscription) {
            closedCalls.incrementAndGet();
            closed.countDown();
        }

        List<Frame> frames() {
            synchronized (frames) {
                return new ArrayList<>(frames);
            }
        }

        List<Long> sequences() {
            return frames().stream().map(Frame::sequence).collect(Collectors.toList());
        }

        /** Waits until the client has received a frame with sequence {@code sequence} or later. */
        void awaitSequence(long sequence) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            synchronized (frames) {
                while (frames.isEmpty() || frames.get(frames.size() - 1).sequence() < sequence) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        fail("timed out waiting for frame " + sequence + "; received " + sequences());
                    }
                    TimeUnit.NANOSECONDS.timedWait(frames, left);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    @Test
    void everySubscriberReceivesEveryFrameInOrder() throws InterruptedException {
        FrameBroadcaster b = started(64, 10, 2);
        List<Recorder> recorders = List.of(new Recorder(), new Recorder(), new Recorder());
        for (Recorder r : recorders) {
            assertNotNull(b.subscribe(r));
        }
        for (int i = 0; i < N; i++) {
            Frame f = publish(b, i);
            assertEquals(i, f.sequence());
        }
        assertEquals(N - 1, b.latest().sequence());
        assertEquals(N, b.stats().framesIn());

        for (Recorder r : recorders) {
            r.awaitSequence(N - 1);
            assertEquals(range(0, N), r.sequences());
            List<Frame> frames = r.frames();
            for (int i = 0; i < N; i++) {
                assertArrayEquals(JPEGS[i], jpegOf(frames.get(i)), "frame " + i);
            }
            assertFalse(r.concurrentCall.get());
        }
        FanoutStats stats = b.stats();
        assertEquals(3L * N, stats.framesOut());
        assertEquals(0, stats.framesSkipped());
    }

    @Test
    void newSubscriberStartsAtNewestFrame() throws InterruptedException {
        FrameBroadcaster b = started(8, 10, 1);
        for (int i = 0; i < 5; i++) {
            publish(b, i);
        }
        Recorder r = new Recorder();
        Subscription s = b.subscribe(r);
        r.awaitSequence(4); // without a new publish
        assertEquals(List.of(4L), r.sequences());
        assertEquals(0, s.framesSkipped());
        assertEquals(0, s.lag());
    }

    @Test
    void publishNeverWaitsForASubscriber() throws InterruptedException {
        FrameBroadcaster b = started(8, 10, 1);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FrameSubscriber blocked = new FrameSubscriber() {
            @Override
            public void deliver(Subscription subscription) {
                entered.countDown();
                try {
                    release.await(); // a misbehaving client that holds the only fan-out thread
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void broadcasterClosed(Subscription subscription) {
            }
        };
        try {
            b.subscribe(blocked);
            // Publishes on a camera-like thread; fails (instead of hanging) if a publish waits for the client.
            assertTimeoutPreemptively(Duration.ofSeconds(TIMEOUT_SECONDS), () -> {
                publish(b, 0);
                await(entered, "the fan-out thread to enter deliver");
                for (int i = 1; i < 1000; i++) {
                    publish(b, i);
                }
            });
            assertEquals(999, b.latest().sequence());
        } finally {
            release.countDown();
        }
    }

    @Test
    void slowClientDoesNotDelayFastClient() throws InterruptedException {
        FrameBroadcaster b = started(64, 10, 1); // one fan-out thread, shared by both clients
        Recorder slow = new Recorder();
        slow.polling = false;
        Recorder fast = new Recorder();
        Subscription slowSubscription = b.subscribe(slow);
        Subscription fastSubscription = b.subscribe(fast);

        for (int i = 0; i < N; i++) {
            publish(b, i);
        }

        fast.awaitSequence(N - 1);
        assertEquals(range(0, N), fast.sequences());
        assertEquals(N, fastSubscription.framesSent());
        assertEquals(0, fastSubscription.lag());

        assertTrue(slow.deliverCalls.get() >= 1, "the slow client was offered frames");
        assertEquals(List.of(), slow.sequences());
        assertEquals(0, slowSubscription.framesSent());
        assertEquals(N, slowSubscription.lag(), "the slow client is still stuck at its first frame");
    }

    @Test
    void lagBeyondBufferSizeSkipsToNewest() throws InterruptedException {
        int capacity = 4;
        FrameBroadcaster b = started(capacity, 10, 1);
        Recorder r = new Recorder();
        r.polling = false;
        Subscription s = b.subscribe(r);

        for (int i = 0; i < 10; i++) {
            publish(b, i);
        }
        assertEquals(10, s.lag());
        r.polling = true;
        s.drainNow(); // the connection became writable again
        r.awaitSequence(9);

        long latest = b.latest().sequence();
        assertEquals(9, latest);
        assertEquals(List.of(latest), r.sequences(), "first frame after falling behind is the newest");
        assertEquals(9, s.framesSkipped());
        assertEquals(9, b.stats().framesSkipped());

        // Caught up: the next frames come one by one, none skipped.
        for (int i = 10; i < 13; i++) {
            publish(b, i);
        }
        r.awaitSequence(12);
        assertEquals(List.of(9L, 10L, 11L, 12L), r.sequences());
        for (Frame f : r.frames()) {
            assertTrue(f.sequence() > latest - capacity, "never a frame that left the ring: " + f);
        }
        assertEquals(9, s.framesSkipped());
        assertFalse(r.concurrentCall.get());
    }

    @Test
    void subscribeBeyondMaxSubscribersIsRejectedUntilOneLeaves() {
        FrameBroadcaster b = started(4, 2, 1);
        Subscription first = b.subscribe(new Recorder());
        Subscription second = b.subscribe(new Recorder());
        assertNotNull(first);
        assertNotNull(second);

        assertNull(b.subscribe(new Recorder()));
        assertNull(b.subscribe(new Recorder()));
        assertEquals(2, b.stats().rejected());
        assertEquals(2, b.stats().rejectedByReason().get("max_clients"));
        assertEquals(2, b.stats().accepted());
        assertEquals(2, b.subscriberCount());

        first.close();
        first.close(); // idempotent: frees one slot, not two
        assertTrue(first.isClosed());
        assertEquals(1, b.subscriberCount());

        Subscription third = b.subscribe(new Recorder());
        assertNotNull(third);
        assertEquals(2, b.subscriberCount());
        assertNull(b.subscribe(new Recorder()));
        assertEquals(3, b.stats().rejected());
        assertEquals(3, b.stats().accepted());
        assertEquals(List.of(second, third), b.subscriptions());
    }

    @Test
    void partIsHeadersJpegAndTrailingBoundary() throws InterruptedException {
        FrameBroadcaster b = started(4, 10, 1);
        Recorder r = new Recorder();
        b.subscribe(r);
        byte[] jpeg = JPEGS[7];
        byte[] source = TestJpegs.concat(new byte[] {1, 2, 3}, jpeg, new byte[] {4, 5});
        long micros = 1_732_406_400_123_456L;

        Frame frame = b.publish(source, 3, jpeg.length, micros);

        byte[] headers = ("Content-Type: image/jpeg\r\nContent-Length: " + jpeg.length
                + "\r\nX-Timestamp: 1732406400.123456\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] expected = TestJpegs.concat(headers, jpeg, "\r\n--pistreamframe\r\n".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, frame.part());
        assertEquals("pistreamframe", MultipartFraming.BOUNDARY);
        assertArrayEquals(expected, MultipartFraming.frame(0, micros, source, 3, jpeg.length).part());
        assertEquals(headers.length, frame.jpegOffset());
        assertEquals(jpeg.length, frame.jpegLength());
        assertArrayEquals(jpeg, jpegOf(frame));
        assertEquals("1732406400.123456", frame.timestamp());
        assertEquals(micros, frame.captureMicros());
        assertEquals(jpeg.length, b.stats().bytesIn());

        // The part is a copy: the camera may reuse its buffer at once.
        Arrays.fill(source, (byte) 0);
        assertArrayEquals(expected, frame.part());

        // Every client is sent the same shared part.
        r.awaitSequence(0);
        assertSame(frame, r.frames().get(0));
        assertSame(frame, b.latest());
    }

    @Test
    void timestampHasSixDecimals() {
        assertEquals("1000000000.000042", MultipartFraming.timestamp(1_000_000_000_000_042L));
        assertEquals("1.000000", MultipartFraming.timestamp(1_000_000L));
        assertEquals("0.000001", MultipartFraming.timestamp(1L));
        Frame f = MultipartFraming.frame(0, 1_000_000_000_000_042L, JPEGS[0], 0, JPEGS[0].length);
        String headers = new String(f.part(), 0, f.jpegOffset(), StandardCharsets.US_ASCII);
        assertEquals("Content-Type: image/jpeg\r\nContent-Length: " + JPEGS[0].length
                + "\r\nX-Timestamp: 1000000000.000042\r\n\r\n", headers);
    }

    @Test
    void deliverIsNeverCalledConcurrentlyForOneSubscriber() throws InterruptedException {
        FrameBroadcaster b = started(N, 10, 4);
        Recorder r = new Recorder();
        Subscription s = b.subscribe(r);
        Thread writable = new Thread(() -> {
            for (int i = 0; i < 2000; i++) {
                s.drainNow(); // the connection's "writable" callback, on another thread
            }
        }, "test-writable");
        writable.start();
        for (int i = 0; i < 2000; i++) {
            publish(b, i);
        }
        writable.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        assertFalse(writable.isAlive());

        r.awaitSequence(1999); // no signal lost: the newest frame reached the client
        assertEquals(0, s.lag());
        assertFalse(r.concurrentCall.get(), "deliver ran on two threads at once");
        List<Long> seqs = r.sequences();
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i) > seqs.get(i - 1), "frames in order: " + seqs.get(i - 1) + " then " + seqs.get(i));
        }
    }

    @Test
    void stopClosesSubscribersAndEndsFanoutThreads() throws InterruptedException {
        Set<Thread> before = fanoutThreads();
        FrameBroadcaster b = new FrameBroadcaster(8, 10, 3);
        broadcasters.add(b);
        b.start();
        Set<Thread> mine = new HashSet<>(fanoutThreads());
        mine.removeAll(before);
        assertEquals(3, mine.size(), "fan-out threads started: " + mine);

        Recorder a = new Recorder();
        Recorder stuck = new Recorder();
        stuck.polling = false;
        Recorder idle = new Recorder();
        Subscription sa = b.subscribe(a);
        Subscription sStuck = b.subscribe(stuck);
        publish(b, 0);
        a.awaitSequence(0);
        Subscription sIdle = b.subscribe(idle);

        b.stop(); // that it needs no interrupt or 5 s fallback: FanOutTest

        for (Recorder r : List.of(a, stuck, idle)) {
            assertEquals(0, r.closed.getCount(), "broadcasterClosed called before stop returns");
            assertEquals(1, r.closedCalls.get());
        }
        assertTrue(sa.isClosed() && sStuck.isClosed() && sIdle.isClosed());
        assertEquals(0, b.subscriberCount());
        assertEquals(Lifecycle.State.STOPPED, b.state());

        for (Thread t : mine) {
            assertFalse(t.isAlive(), t.getName() + " still alive after stop");
        }
        Set<Thread> left = new HashSet<>(fanoutThreads());
        left.removeAll(before);
        assertEquals(Set.of(), left, "frame-fanout threads after stop");

        assertNull(b.subscribe(new Recorder()), "no subscriptions after stop");
        assertEquals(1, b.stats().rejectedByReason().get("shutting_down"));
        b.stop(); // idempotent
    }

    @Test
    void subscriberThatThrowsIsDroppedAndFreesItsSlot() throws InterruptedException {
        FrameBroadcaster b = started(8, 1, 2);
        AtomicInteger calls = new AtomicInteger();
        Subscription broken = b.subscribe(SubscriptionTest.throwing(calls));
        assertNotNull(broken);
        assertEquals(0, calls.get(), "no frame yet, so no drain was queued");
        broken.drainNow(); // its connection became writable: the drain runs here, and throws
        assertEquals(1, calls.get());
        assertTrue(broken.isClosed());
        assertEquals(0, b.subscriberCount());
        assertEquals(List.of(), b.subscriptions());
        Recorder next = new Recorder();
        assertNotNull(b.subscribe(next), "the slot is free again");
        publish(b, 0);
        next.awaitSequence(0);
        assertEquals(1, calls.get(), "the dropped subscriber gets no more frames");
    }

    @Test
    void subscribeBeforeStartTakesNoSlot() {
        FrameBroadcaster b = new FrameBroadcaster(8, 1, 1);
        broadcasters.add(b);
        try {
            b.subscribe(new Recorder());
            fail("subscribe before start must throw");
        } catch (IllegalStateException expected) {
            assertEquals(0, b.subscriberCount());
        }
    }

    @Test
    void aNewcomerWaitsForTheNextFrameWhileTheCameraIsNotLive() throws InterruptedException {
        FrameBroadcaster b = started(8, 10, 1);
        b.liveCheck(() -> false);
        for (int i = 0; i < 3; i++) {
            publish(b, i);
        }
        Recorder r = new Recorder();
        Subscription s = b.subscribe(r);
        assertEquals(0, s.lag(), "the newest frame is not the camera's now: not shown");
        b.liveCheck(() -> true);
        publish(b, 3);
        r.awaitSequence(3);
        assertEquals(List.of(3L), r.sequences());
    }

    @Test
    void aNewcomerSeesTheNoSignalPictureAtOnce() throws InterruptedException {
        FrameBroadcaster b = started(8, 10, 1);
        b.liveCheck(() -> false);
        publish(b, 0);
        Frame placeholder = b.publishPlaceholder(JPEGS[1], 1_700_000_000_000_001L);
        Recorder r = new Recorder();
        b.subscribe(r);
        r.awaitSequence(1);
        assertEquals(List.of(1L), r.sequences());
        assertSame(placeholder, r.frames().get(0));
        assertTrue(placeholder.isPlaceholder());
    }

    @Test
    void snapshotWaitersGetTheNextCameraFrameNotAPlaceholderOrRepeat() {
        FrameBroadcaster b = started(8, 10, 1);
        AtomicInteger demand = new AtomicInteger();
        b.onDemand(demand::incrementAndGet);
        List<Frame> got = new ArrayList<>();
        Runnable cancel = b.awaitNextFrame(got::add);
        assertEquals(1, demand.get(), "a waiting snapshot wakes an idle camera");
        assertTrue(b.hasFrameWaiters());
        b.publishPlaceholder(JPEGS[0], 1);
        assertEquals(List.of(), got);
        Frame real = publish(b, 1);
        b.republish(real);
        publish(b, 2);
        assertEquals(List.of(real), got, "once, with the first camera frame");
        assertFalse(b.hasFrameWaiters());
        cancel.run();

        Runnable cancelled = b.awaitNextFrame(got::add);
        cancelled.run();
        publish(b, 3);
        assertEquals(List.of(real), got, "a cancelled waiter is not called");
    }

    @Test
    void republishSendsTheSameBytesUnderTheNextSequence() throws InterruptedException {
        FrameBroadcaster b = started(8, 10, 1);
        Recorder r = new Recorder();
        b.subscribe(r);
        Frame f = publish(b, 0);
        Frame again = b.republish(f);
        assertEquals(1, again.sequence());
        assertSame(f.part(), again.part(), "shared, not copied");
        assertSame(f, b.latestReal(), "a repeat is not a new camera frame");
        assertSame(again, b.latest());
        r.awaitSequence(1);
        assertEquals(List.of(0L, 1L), r.sequences());
    }

    @Test
    void statsAreOneReadingOfEveryCounter() throws InterruptedException {
        FrameBroadcaster b = started(8, 2, 1);
        FanoutStats empty = b.stats();
        assertEquals(0, empty.framesIn());
        assertNull(empty.width());
        assertNull(empty.height());
        assertEquals(List.of("max_clients", "shutting_down"), List.copyOf(empty.rejectedByReason().keySet()));
        assertEquals(0, empty.maxLagFrames());

        Recorder fast = new Recorder();
        Recorder slow = new Recorder();
        slow.polling = false;
        Subscription fastSubscription = b.subscribe(fast);
        Subscription slowSubscription = b.subscribe(slow);
        assertNull(b.subscribe(new Recorder()));
        byte[] jpeg = TestJpegs.noise(16, 8, 3);
        for (int i = 0; i < 3; i++) {
            b.publish(jpeg, 0, jpeg.length, 1_700_000_000_000_000L + i);
        }
        b.publishPlaceholder(JPEGS[0], 1_700_000_000_000_010L);
        b.republish(b.latestReal());
        fast.awaitSequence(4);

        FanoutStats stats = b.stats();
        assertEquals(3, stats.framesIn(), "camera frames only");
        assertEquals(3L * jpeg.length, stats.bytesIn());
        assertEquals(3, stats.frameSizes().count());
        assertEquals(jpeg.length, stats.frameSizes().mean());
        assertEquals(16, stats.width());
        assertEquals(8, stats.height());
        assertEquals(1, stats.placeholderFrames());
        assertEquals(1, stats.keepAliveFrames());
        assertEquals(2, stats.clients());
        assertEquals(2, stats.maxClients());
        assertEquals(2, stats.accepted());
        assertEquals(1, stats.rejected());
        assertEquals(5, stats.framesOut(), "the fast client's five; the slow one took none");
        assertEquals(fastSubscription.bytesSent(), stats.bytesOut());
        assertEquals(5, stats.maxLagFrames(), "the slow client is five frames behind");

        List<ClientStats> list = stats.list();
        assertEquals(List.of(fastSubscription.id(), slowSubscription.id()), list.stream().map(ClientStats::id).toList());
        assertEquals(5, list.get(0).framesSent());
        assertEquals(0, list.get(0).lagFrames());
        assertEquals(5, list.get(1).lagFrames());
        assertNull(list.get(0).viewer(), "a subscriber that is not a web viewer has none");

        fastSubscription.close();
        assertEquals(2, stats.list().size(), "a snapshot does not change afterwards");
        assertEquals(1, b.stats().list().size());
    }

    /**
     * The monitor draws a no-signal picture from what it saw, which takes a while; a camera frame
     * published meanwhile wins: "waiting for the camera" must not follow the camera's first frame
     * (seen under load: a viewer got it right after the first picture).
     */
    @Test
    void aPlaceholderDrawnBeforeACameraFrameIsNotSentAfterIt() {
        FrameBroadcaster b = started(8, 10, 1);
        Frame sawNothing = b.latestReal();
        Frame first = publish(b, 0); // the camera's first frame, while the picture was being drawn
        assertNull(b.publishPlaceholder(JPEGS[1], 1, sawNothing), "not sent: the camera is there now");
        assertSame(first, b.latest());
        assertEquals(0, b.stats().placeholderFrames());
        Frame placeholder = b.publishPlaceholder(JPEGS[1], 2, first); // drawn after it: the camera stopped since
        assertNotNull(placeholder);
        assertSame(placeholder, b.latest());
    }
}

package com.calmline.speech;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of decoder threads shared by every call, instead of a recogniser thread per call: with one
 * runnable Vosk thread per call, 12 calls on 2 cores fell seconds behind before the CPU was full, the
 * scheduler slicing them evenly however late each was. Here each call is a {@link Lane} of work; a free
 * worker takes the ready lane whose oldest item arrived first (oldest audio first, so lag evens out across
 * calls and one long final result delays the others by one chunk at most), and all that lane's pending work
 * at once (up to {@code maxChunk} audio items): the later a call is, the larger its chunk, which is what
 * catching up needs, and an idle pool feeds each frame as it comes. (A chunk never waits to fill: feeding
 * 200 ms at a time instead of 20 ms cost Vosk the same CPU per audio second on the fixture calls, within
 * their run-to-run spread, and would only have added its wait to every word.) A lane is decoded by one
 * worker at a time, so a call's audio stays in order and its recogniser is never used from two threads.
 */
final class DecoderPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DecoderPool.class);

    /** Ready lanes, oldest pending item first; guarded by {@code this}. */
    private final PriorityQueue<Lane<?>> ready = new PriorityQueue<>(
            Comparator.comparingLong((Lane<?> l) -> l.queuedAt).thenComparingLong(l -> l.id));
    private final List<Thread> workers = new ArrayList<>();
    private final int maxChunk;
    private final AtomicInteger lanes = new AtomicInteger();
    private boolean closed;

    DecoderPool(String name, int threads, int maxChunk) {
        if (threads < 1 || maxChunk < 1) {
            throw new IllegalArgumentException("a decoder pool needs at least one thread and a chunk of at least one item");
        }
        this.maxChunk = maxChunk;
        for (int i = 1; i <= threads; i++) {
            Thread t = new Thread(this::work, name + "-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
    }

    int threads() {
        return workers.size();
    }

    /**
     * A new lane: at most {@code capacity} audio items pending (urgent ones are always taken); {@code work}
     * runs on a worker with each chunk, in order.
     */
    <T> Lane<T> lane(int capacity, Consumer<List<T>> work) {
        return new Lane<>(lanes.incrementAndGet(), capacity, work);
    }

    /** One call's work, in order. */
    final class Lane<T> {
        private record Pending<T>(T item, long arrivedNanos, boolean urgent) {
        }

        private final long id;
        private final int capacity;
        private final Consumer<List<T>> work;
        private final ArrayDeque<Pending<T>> pending = new ArrayDeque<>();
        private int audio;
        private boolean running;
        private boolean queued;
        private long queuedAt;

        private Lane(long id, int capacity, Consumer<List<T>> work) {
            this.id = id;
            this.capacity = capacity;
            this.work = work;
        }

        /**
         * Adds audio that arrived at {@code arrivedNanos} ({@link System#nanoTime}); false, and nothing added,
         * when {@code capacity} audio items already wait: the decoders are that far behind.
         */
        boolean offer(T item, long arrivedNanos) {
            return add(new Pending<>(item, arrivedNanos, false));
        }

        /** Adds what must be decoded whatever the bound (an utterance's end, the call's end); always taken. */
        void offerUrgent(T item, long arrivedNanos) {
            add(new Pending<>(item, arrivedNanos, true));
        }

        /** Items waiting, not yet taken by a worker. */
        int pending() {
            synchronized (DecoderPool.this) {
                return pending.size();
            }
        }

        private boolean add(Pending<T> p) {
            synchronized (DecoderPool.this) {
                if (!p.urgent() && audio >= capacity) {
                    return false;
                }
                pending.addLast(p);
                if (!p.urgent()) {
                    audio++;
                }
                schedule();
                return true;
            }
        }

        /** Queues the lane if it is ready and neither queued nor being decoded; under the pool's lock. */
        private void schedule() {
            if (!running && !queued && !closed && !pending.isEmpty()) {
                queued = true;
                queuedAt = pending.peekFirst().arrivedNanos();
                ready.add(this);
                DecoderPool.this.notify();
            }
        }

        /** The lane's next chunk, in order: its oldest items, at most {@code maxChunk} of them audio; under the lock. */
        private List<T> take() {
            List<T> chunk = new ArrayList<>();
            int taken = 0;
            while (!pending.isEmpty() && (taken < maxChunk || pending.peekFirst().urgent())) {
                Pending<T> p = pending.removeFirst();
                if (!p.urgent()) {
                    audio--;
                    taken++;
                }
                chunk.add(p.item());
            }
            return chunk;
        }

        private void run() {
            List<T> chunk;
            synchronized (DecoderPool.this) {
                queued = false;
                running = true;
                chunk = take();
            }
            try {
                work.accept(chunk);
            } catch (RuntimeException e) {
                log.error("decoding failed; the lane goes on with its next chunk", e);
            } finally {
                synchronized (DecoderPool.this) {
                    running = false;
                    schedule();
                }
            }
        }
    }

    private void work() {
        try {
            while (true) {
                Lane<?> next;
                synchronized (this) {
                    while (ready.isEmpty() && !closed) {
                        wait();
                    }
                    if (closed) {
                        return;
                    }
                    next = ready.poll();
                }
                next.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the workers once the chunk each is decoding is done; whatever is still queued is not decoded. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        for (Thread t : workers) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}

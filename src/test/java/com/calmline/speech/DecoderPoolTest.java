package com.calmline.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The decoder pool's scheduling, with plain work in place of Vosk (the ITs on real speech prove the real
 * path). Latches only guard against a hang; no assertion depends on how long anything took.
 */
class DecoderPoolTest {
    /** Guards against a pool that never runs something it should; not a timing assertion. */
    private static final long HANG_MINUTES = 1;

    /** One chunk as a lane's work saw it. */
    private record Chunk(String lane, List<Integer> items) {
    }

    /** Holds the pool's only worker until released, so what is queued meanwhile is scheduled all at once. */
    private static CountDownLatch occupy(DecoderPool pool) throws InterruptedException {
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        pool.<Integer>lane(10, chunk -> {
            taken.countDown();
            await(release);
        }).offerUrgent(0, 0);
        assertTrue(taken.await(HANG_MINUTES, TimeUnit.MINUTES));
        return release;
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(HANG_MINUTES, TimeUnit.MINUTES));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void theOldestAudioOfAnyCallIsDecodedFirstInBoundedChunks() throws Exception {
        try (DecoderPool pool = new DecoderPool("test-decoder", 1, 50)) {
            List<Chunk> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(205);
            DecoderPool.Lane<Integer> behind = pool.lane(1000, chunk -> {
                order.add(new Chunk("behind", chunk));
                chunk.forEach(i -> all.countDown());
            });
            DecoderPool.Lane<Integer> other = pool.lane(1000, chunk -> {
                order.add(new Chunk("other", chunk));
                chunk.forEach(i -> all.countDown());
            });
            CountDownLatch release = occupy(pool);
            // A call 200 frames behind (arrived at 1000..1199), and another whose 5 frames arrived at 1060..1064.
            for (int i = 1000; i < 1200; i++) {
                behind.offer(i, i);
            }
            for (int i = 1060; i < 1065; i++) {
                other.offer(i, i);
            }
            release.countDown();
            await(all);
            assertEquals(List.of("behind 1000+50", "behind 1050+50", "other 1060+5", "behind 1100+50",
                    "behind 1150+50"), order.stream().map(c -> c.lane() + " " + c.items().get(0) + "+"
                    + c.items().size()).toList());
        }
    }

    @Test
    void aCallWithALongBacklogHoldsOneWorkerNotAll() throws Exception {
        try (DecoderPool pool = new DecoderPool("test-decoder", 2, 10)) {
            CountDownLatch otherDecoded = new CountDownLatch(1);
            CountDownLatch behindStarted = new CountDownLatch(1);
            // Every chunk of the long backlog takes until the other call's audio got through: had the backlog
            // taken both workers, nothing would decode the other call.
            DecoderPool.Lane<Integer> behind = pool.lane(1000, chunk -> {
                behindStarted.countDown();
                await(otherDecoded);
            });
            for (int i = 0; i < 500; i++) {
                behind.offer(i, i);
            }
            assertTrue(behindStarted.await(HANG_MINUTES, TimeUnit.MINUTES));
            DecoderPool.Lane<Integer> other = pool.lane(1000, chunk -> otherDecoded.countDown());
            other.offer(1, 1_000_000);
            assertTrue(otherDecoded.await(HANG_MINUTES, TimeUnit.MINUTES));
        }
    }

    @Test
    void aCallIsNeverDecodedByTwoWorkersAtOnceAndStaysInOrder() throws Exception {
        try (DecoderPool pool = new DecoderPool("test-decoder", 4, 7)) {
            int items = 5000;
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch all = new CountDownLatch(items);
            DecoderPool.Lane<Integer> lane = pool.lane(items, chunk -> {
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                for (int i : chunk) {
                    seen.add(i);
                    Thread.yield();
                    all.countDown();
                }
                inside.decrementAndGet();
            });
            // Other calls keep the other workers busy and looking for work.
            List<DecoderPool.Lane<Integer>> others = new ArrayList<>();
            for (int c = 0; c < 3; c++) {
                others.add(pool.lane(items, chunk -> Thread.yield()));
            }
            for (int i = 0; i < items; i++) {
                assertTrue(lane.offer(i, System.nanoTime()));
                others.get(i % 3).offer(i, System.nanoTime());
            }
            await(all);
            assertEquals(1, most.get());
            for (int i = 0; i < items; i++) {
                assertEquals(i, seen.get(i));
            }
        }
    }

    @Test
    void aCallsPendingAudioIsBoundedButItsEndsAreAlwaysTaken() throws Exception {
        try (DecoderPool pool = new DecoderPool("test-decoder", 1, 50)) {
            List<Integer> decoded = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch four = new CountDownLatch(4);
            DecoderPool.Lane<Integer> lane = pool.lane(3, chunk -> {
                decoded.addAll(chunk);
                chunk.forEach(i -> four.countDown());
            });
            CountDownLatch release = occupy(pool);
            assertTrue(lane.offer(1, 1));
            assertTrue(lane.offer(2, 2));
            assertTrue(lane.offer(3, 3));
            assertFalse(lane.offer(4, 4), "a fourth frame waits beyond the bound");
            lane.offerUrgent(5, 5);
            assertEquals(4, lane.pending());
            release.countDown();
            await(four);
            assertEquals(List.of(1, 2, 3, 5), decoded);
            assertTrue(lane.offer(6, 6), "room again once the decoders caught up");
        }
    }

    @Test
    void aPoolNeedsAThreadAndASensibleChunk() {
        assertThrows(IllegalArgumentException.class, () -> new DecoderPool("test-decoder", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new DecoderPool("test-decoder", 1, 0));
    }
}

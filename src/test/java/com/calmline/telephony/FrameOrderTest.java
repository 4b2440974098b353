package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameOrderTest {
    private static MediaMessage mark(long seq) {
        return new MediaMessage.Mark(seq, "m" + seq);
    }

    private static List<Long> seqs(List<MediaMessage> messages) {
        List<Long> out = new ArrayList<>();
        for (MediaMessage m : messages) {
            out.add(m.sequence());
        }
        return out;
    }

    @Test
    void inOrderMessagesPassStraightThrough() {
        FrameOrder order = new FrameOrder(5);
        for (long seq = 1; seq <= 20; seq++) {
            MediaMessage m = seq % 2 == 0 ? mark(seq) : new MediaMessage.Stop(seq);
            List<MediaMessage> ready = order.offer(m);
            assertEquals(1, ready.size(), "seq " + seq);
            assertSame(m, ready.get(0));
        }
        assertEquals(0, order.duplicates());
        assertEquals(0, order.skipped());
        assertTrue(order.drain().isEmpty());
    }

    @Test
    void aSwappedPairIsReleasedInOrder() {
        FrameOrder order = new FrameOrder(5);
        assertEquals(List.of(1L), seqs(order.offer(mark(1))));
        MediaMessage three = mark(3);
        MediaMessage two = mark(2);
        assertTrue(order.offer(three).isEmpty(), "3 waits for 2");
        List<MediaMessage> ready = order.offer(two);
        assertEquals(List.of(2L, 3L), seqs(ready));
        assertSame(two, ready.get(0));
        assertSame(three, ready.get(1));
        assertEquals(List.of(4L), seqs(order.offer(mark(4))));
        assertEquals(0, order.duplicates());
        assertEquals(0, order.skipped());
    }

    @Test
    void aReversedRunIsReleasedWhenItsFirstArrives() {
        FrameOrder order = new FrameOrder(5);
        for (long seq = 5; seq >= 2; seq--) {
            assertTrue(order.offer(mark(seq)).isEmpty(), "seq " + seq);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), seqs(order.offer(mark(1))));
        assertEquals(0, order.skipped());
    }

    @Test
    void duplicatesAreDroppedAndCounted() {
        FrameOrder order = new FrameOrder(5);
        order.offer(mark(1));
        order.offer(mark(2));
        // Same sequence number as one already released.
        assertTrue(order.offer(mark(2)).isEmpty());
        assertEquals(1, order.duplicates());
        // Older than what was released.
        assertTrue(order.offer(mark(1)).isEmpty());
        assertTrue(order.offer(new MediaMessage.Stop(0)).isEmpty());
        assertEquals(3, order.duplicates());
        // A duplicate of one still held behind a gap: the first copy is kept, the second dropped.
        MediaMessage first = mark(4);
        assertTrue(order.offer(first).isEmpty());
        assertTrue(order.offer(new MediaMessage.Stop(4)).isEmpty());
        assertEquals(4, order.duplicates());
        List<MediaMessage> ready = order.offer(mark(3));
        assertEquals(List.of(3L, 4L), seqs(ready));
        assertSame(first, ready.get(1));
        assertEquals(0, order.skipped());
    }

    @Test
    void aGapIsHeldForMaxHeldMessagesThenSkipped() {
        int maxHeld = 3;
        FrameOrder order = new FrameOrder(maxHeld);
        assertEquals(List.of(1L), seqs(order.offer(mark(1))));
        // 2 is lost. Up to maxHeld later messages are held, waiting for it ...
        for (long seq = 3; seq < 3 + maxHeld; seq++) {
            assertTrue(order.offer(mark(seq)).isEmpty(), "seq " + seq + " should be held");
        }
        assertEquals(0, order.skipped());
        // ... and the next one gives up on it: everything held is released in order.
        assertEquals(List.of(3L, 4L, 5L, 6L), seqs(order.offer(mark(3 + maxHeld))));
        assertEquals(1, order.skipped());
        assertEquals(0, order.duplicates());
        // The lost message turning up late is now older than what was released.
        assertTrue(order.offer(mark(2)).isEmpty());
        assertEquals(1, order.duplicates());
        assertEquals(List.of(7L), seqs(order.offer(mark(7))));
    }

    @Test
    void skippedCountsEveryMissingSequenceNumber() {
        FrameOrder order = new FrameOrder(2);
        order.offer(mark(1));
        assertTrue(order.offer(mark(5)).isEmpty());
        assertTrue(order.offer(mark(6)).isEmpty());
        assertEquals(List.of(5L, 6L, 7L), seqs(order.offer(mark(7))));
        assertEquals(3, order.skipped(), "2, 3 and 4 were skipped");
    }

    @Test
    void afterASkipALaterGapIsWaitedOutAgain() {
        FrameOrder order = new FrameOrder(3);
        order.offer(mark(1));
        // 2 lost; 3 arrives, 4 lost, then 5, 6, 7.
        order.offer(mark(3));
        order.offer(mark(5));
        order.offer(mark(6));
        // Four held: skip 2 and release 3; 5, 6, 7 still wait for 4.
        assertEquals(List.of(3L), seqs(order.offer(mark(7))));
        assertEquals(1, order.skipped());
        assertEquals(List.of(4L, 5L, 6L, 7L), seqs(order.offer(mark(4))));
        assertEquals(1, order.skipped());
    }

    @Test
    void maxHeldZeroSkipsGapsImmediately() {
        FrameOrder order = new FrameOrder(0);
        assertEquals(List.of(3L), seqs(order.offer(mark(3))));
        assertEquals(2, order.skipped());
        assertEquals(List.of(4L), seqs(order.offer(mark(4))));
    }

    @Test
    void drainReturnsTheHeldRemainderInOrder() {
        FrameOrder order = new FrameOrder(10);
        order.offer(mark(1));
        order.offer(mark(6));
        order.offer(mark(3));
        order.offer(mark(4));
        List<MediaMessage> rest = order.drain();
        assertEquals(List.of(3L, 4L, 6L), seqs(rest));
        assertTrue(order.drain().isEmpty(), "drain empties the buffer");
    }

    @Test
    void theFirstMessageExpectedIsSequenceOne() {
        // Twilio numbers the start message 1; a stream that begins at 2 has lost it and waits for it.
        FrameOrder order = new FrameOrder(5);
        assertTrue(order.offer(mark(2)).isEmpty());
        assertEquals(List.of(1L, 2L), seqs(order.offer(new MediaMessage.Stop(1))));
    }
}

package com.calmline.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.exceptions.JedisConnectionException;

class JournalTest {
    private static final List<Write> CALLBACK = List.of(
            new Write.Hash("p:callback:1", Map.of("phone", "+14155550142", "status", "scheduled")),
            new Write.Index("p:callbacks:due", 1.7e12, "1"));
    private static final List<Write> LINE = List.of(new Write.Append("p:call:CA1:utterances", "{\"text\":\"hi\"}"),
            new Write.Expire("p:call:CA1:utterances", 60), new Write.Publish("p:live", "CA1"));

    @Test
    void writesHeldInAnOutageAreReplayedInOrderByTheNextRun(@TempDir Path dir) {
        Outbox first = new Outbox(10, Optional.of(new Journal(dir.resolve("outbox.journal"))), Optional.empty());
        first.submit(CALLBACK, batch -> {
            throw new JedisConnectionException("down");
        });
        first.submit(LINE, batch -> {
            throw new AssertionError("never sent past a held batch");
        });
        first.close();

        List<List<Write>> delivered = new ArrayList<>();
        Outbox next = new Outbox(10, Optional.of(new Journal(dir.resolve("outbox.journal"))), Optional.empty());
        assertEquals(2, next.size(), "the restarted process holds what the first one could not deliver");
        next.flush(delivered::add);
        assertEquals(List.of(CALLBACK, LINE), delivered);
        assertFalse(Files.exists(dir.resolve("outbox.journal")), "emptied once everything reached Redis");
    }

    @Test
    void aFlushCutShortKeepsOnlyWhatIsStillOwed(@TempDir Path dir) {
        Outbox outbox = new Outbox(10, Optional.of(new Journal(dir.resolve("outbox.journal"))), Optional.empty());
        outbox.submit(CALLBACK, batch -> {
            throw new JedisConnectionException("down");
        });
        outbox.submit(LINE, batch -> {
            throw new AssertionError("queued behind the first");
        });
        outbox.flush(batch -> {
            if (batch == LINE || batch.equals(LINE)) {
                throw new JedisConnectionException("down again");
            }
        });
        outbox.close();
        assertEquals(List.of(LINE), owed(dir.resolve("outbox.journal")));
    }

    @Test
    void aProcessKilledMidFlushSendsAgainOnlyWhatHadNotReachedRedis(@TempDir Path dir) {
        Outbox outbox = new Outbox(10, Optional.of(new Journal(dir.resolve("outbox.journal"))), Optional.empty());
        outbox.submit(LINE, batch -> {
            throw new JedisConnectionException("down");
        });
        outbox.submit(CALLBACK, batch -> {
            throw new AssertionError("queued behind the first");
        });
        List<List<Write>> stored = new ArrayList<>();
        assertThrows(Killed.class, () -> outbox.flush(batch -> {
            if (!stored.isEmpty()) {
                throw new Killed();
            }
            stored.add(batch);
        }));

        new Outbox(10, Optional.of(new Journal(dir.resolve("outbox.journal"))), Optional.empty()).flush(stored::add);
        assertEquals(List.of(LINE, CALLBACK), stored, "each batch stored once: an utterance twice is a wrong transcript");
    }

    /** Stands for the process dying (SIGKILL) at that point: nothing after it runs. */
    private static final class Killed extends RuntimeException {
    }

    @Test
    void aBatchHeldAfterATornLineIsNotGluedToIt(@TempDir Path dir) throws Exception {
        Journal journal = new Journal(dir.resolve("outbox.journal"));
        journal.append(CALLBACK);
        journal.close();
        Files.writeString(dir.resolve("outbox.journal"), "[{\"w\":\"hash\",\"ke", java.nio.file.StandardOpenOption.APPEND);
        Outbox second = new Outbox(10, Optional.of(new Journal(dir.resolve("outbox.journal"))), Optional.empty());
        second.submit(LINE, batch -> {
            throw new AssertionError("queued behind the replayed batch");
        });
        second.close();
        assertEquals(List.of(CALLBACK, LINE), owed(dir.resolve("outbox.journal")),
                "what the second run acknowledged survives the third");
    }

    @Test
    void aLineTornByACrashIsSkippedNotFatal(@TempDir Path dir) throws Exception {
        Journal journal = new Journal(dir.resolve("outbox.journal"));
        journal.append(CALLBACK);
        journal.close();
        Files.writeString(dir.resolve("outbox.journal"), "[{\"w\":\"hash\",\"ke", java.nio.file.StandardOpenOption.APPEND);
        List<List<Write>> replayed = owed(dir.resolve("outbox.journal"));
        assertEquals(List.of(CALLBACK), replayed);
        assertTrue(Files.size(dir.resolve("outbox.journal")) > 0);
    }

    /**
     * A line the disk garbled (or a write that failed half-way and had the next one glued to it) is lost on its
     * own: the delivered marks still name the batches they were for, so a good batch behind it is replayed.
     */
    @Test
    void anUnreadableDeliveredLineDoesNotTakeAGoodBatchWithIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("outbox.journal");
        Outbox outbox = new Outbox(10, Optional.of(new Journal(file)), Optional.empty());
        outbox.submit(CALLBACK, batch -> {
            throw new JedisConnectionException("down");
        });
        outbox.submit(LINE, batch -> {
            throw new AssertionError("queued behind the first");
        });
        outbox.flush(batch -> {
            if (batch.equals(LINE)) {
                throw new JedisConnectionException("down again");
            }
        });
        outbox.close();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        assertTrue(lines.get(0).contains("scheduled"), lines.toString());
        lines.set(0, lines.get(0).replace("scheduled", "sch\u0000\"ed"));
        Files.write(file, lines);

        List<List<Write>> owed = new ArrayList<>();
        new Outbox(10, Optional.of(new Journal(file)), Optional.empty()).flush(owed::add);
        assertEquals(List.of(LINE), owed, "the garbled line was the delivered one; the line still owed is sent");
    }

    private static List<List<Write>> owed(Path journal) {
        return new Journal(journal).replay().stream().map(Journal.Entry::writes).toList();
    }
}

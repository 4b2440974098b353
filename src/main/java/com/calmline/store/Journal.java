package com.calmline.store;

import com.calmline.json.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox on disk: every batch held back from Redis is appended as one line, its number then its JSON
 * ({@code 17 [{"w":"hash",...}]}), and forced to disk before the write is acknowledged, so a restart
 * mid-outage loses nothing. Emptied once everything held has reached Redis.
 */
final class Journal {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final TypeReference<List<Write>> BATCH = new TypeReference<>() {
    };
    /**
     * Starts a line that says: the batch of this number has reached Redis (or was given up), {@code +17}. A run
     * killed while handing held batches over then leaves a journal that says which are still owed, so a restart
     * neither stores the delivered ones twice nor, as rewriting the journal could, loses the rest. Marks name
     * their batch rather than count batches, so a line that cannot be read costs only its own batch.
     */
    private static final String DELIVERED = "+";

    /** A batch as the journal holds it: {@code id} is its number, which its delivered mark names. */
    record Entry(long id, List<Write> writes) {
    }

    private final Path file;
    private FileChannel channel;
    /** The highest batch number in the file; -1 until the file has been read. */
    private long lastId = -1;

    Journal(Path file) {
        this.file = file;
    }

    /** The batches a previous run held and never delivered, oldest first. */
    List<Entry> replay() {
        lastId = 0;
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<Entry> batches = new ArrayList<>();
        Set<Long> delivered = new HashSet<>();
        try {
            for (String line : complete().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (line.startsWith(DELIVERED)) {
                        delivered.add(Long.parseLong(line.substring(DELIVERED.length())));
                        continue;
                    }
                    int space = line.indexOf(' ');
                    long id = Long.parseLong(line.substring(0, Math.max(0, space)));
                    lastId = Math.max(lastId, id);
                    batches.add(new Entry(id, Json.parse(line.substring(space + 1), BATCH)));
                } catch (NumberFormatException | JsonProcessingException e) {
                    log.error("outbox journal {}: skipped an unreadable line (a write torn by a crash?)", file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the outbox journal " + file, e);
        }
        return batches.stream().filter(b -> !delivered.contains(b.id())).toList();
    }

    /**
     * The journal's complete lines. A last line a killed run did not finish was never acknowledged: it is cut
     * off, so this run's first write does not land on the end of it and become unreadable too.
     */
    private String complete() throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            log.error("outbox journal {}: cut off an unfinished last line (a write torn by a crash)", file);
            try (FileChannel cut = FileChannel.open(file, StandardOpenOption.WRITE)) {
                cut.truncate(end);
                cut.force(false);
            }
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /**
     * Appends the batch and forces it to disk; returns its number. A file this run has not read yet is read
     * first, so the number follows those already in it.
     */
    long append(List<Write> batch) {
        if (lastId < 0) {
            replay();
        }
        try {
            long id = lastId + 1;
            write(id + " " + Json.write(batch, BATCH));
            channel.force(false);
            lastId = id;
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the outbox journal " + file, e);
        }
    }

    /**
     * Marks batch {@code id} delivered. Not forced: a killed process still leaves the mark with the OS; only a
     * machine crash could lose it, and then the batch is stored twice, never lost.
     */
    void delivered(long id) {
        try {
            write(DELIVERED + id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the outbox journal " + file, e);
        }
    }

    private void write(String line) throws IOException {
        if (channel == null) {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        }
        channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    /** Everything held has reached Redis. */
    void clear() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.error("cannot empty the outbox journal {}: {}", file, e.getMessage());
        }
    }

    void close() {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            log.warn("closing the outbox journal: {}", e.getMessage());
        }
    }
}

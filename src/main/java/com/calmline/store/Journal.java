package com.calmline.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox on disk: every batch held back from Redis is appended as one JSON line and forced to disk
 * before the write is acknowledged, so a restart mid-outage loses nothing. Emptied once everything held
 * has reached Redis.
 */
final class Journal {
    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Write>> BATCH = new TypeReference<>() {
    };
    /**
     * A line that says: the oldest batch not yet marked has reached Redis (or was given up). A run killed while
     * handing held batches over then leaves a journal that says which are still owed, so a restart neither
     * stores the delivered ones twice nor, as rewriting the journal could, loses the rest.
     */
    private static final String DELIVERED = "+";

    private final Path file;
    private FileChannel channel;

    Journal(Path file) {
        this.file = file;
    }

    /** The batches a previous run held and never delivered, oldest first. */
    List<List<Write>> replay() {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<List<Write>> batches = new ArrayList<>();
        int delivered = 0;
        try {
            for (String line : complete().split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                if (line.equals(DELIVERED)) {
                    delivered++;
                    continue;
                }
                try {
                    batches.add(JSON.readValue(line, BATCH));
                } catch (JsonProcessingException e) {
                    log.error("outbox journal {}: skipped an unreadable line (a write torn by a crash?)", file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the outbox journal " + file, e);
        }
        return List.copyOf(batches.subList(Math.min(delivered, batches.size()), batches.size()));
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

    /** Appends the batch and forces it to disk. */
    void append(List<Write> batch) {
        try {
            write(JSON.writerFor(BATCH).writeValueAsString(batch));
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the outbox journal " + file, e);
        }
    }

    /**
     * Marks the oldest unmarked batch delivered. Not forced: a killed process still leaves the mark with the
     * OS; only a machine crash could lose it, and then the batch is stored twice, never lost.
     */
    void delivered() {
        try {
            write(DELIVERED);
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

package com.calmline.review;

import com.calmline.store.IndexStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention promise for indexes and logs, whose entries cannot expire one by one as records do: hourly,
 * on a thread of its own, entries older than the retention period leave every index and log.
 */
final class Retention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    private final IndexStore indexes;
    private final Duration kept;
    private final ScheduledExecutorService scheduler;

    Retention(IndexStore indexes, Duration kept) {
        this.indexes = indexes;
        this.kept = kept;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "review-retention");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
    }

    /** One pass; a failure waits for the next. */
    void prune() {
        try {
            long before = System.currentTimeMillis() - kept.toMillis();
            long dropped = indexes.prune(before, List.of("calls:by-start"));
            log.info("retention: {} index entries older than {} days dropped", dropped, kept.toDays());
        } catch (RuntimeException e) {
            log.warn("retention pass failed, tried again in an hour: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

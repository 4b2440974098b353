package com.calmline.callback;

import com.calmline.privacy.LogSafe;
import com.calmline.telephony.CallControl;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Rings due callbacks, one thread per instance: every second it claims what is due (and what an instance
 * that went quiet left leased), checks the customer's clock again (an entry due in opening hours may be
 * claimed after they closed, after an outage), marks each attempt before ringing so a repeated claim never
 * rings twice, and settles each attempt from Twilio's outcome: done, tried again later with backoff, or
 * failed. Hourly it forgets the index entries of callbacks that have expired.
 */
final class Dialler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dialler.class);
    static final String ANSWER = "/twilio/callback/answer";
    static final String STATUS = "/twilio/callback/status";
    private static final int CLAIM_BATCH = 50;

    private final CallbackScheduler.Settings settings;
    private final CallbackBook book;
    private final CallControl control;
    private final BusinessHours hours;
    private final MeterRegistry metrics;
    /** Names this instance in the marks it leaves on the attempts it rings. */
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final ScheduledExecutorService scheduler;

    Dialler(CallbackScheduler.Settings settings, CallbackBook book, CallControl control, BusinessHours hours,
            MeterRegistry metrics) {
        this.settings = settings;
        this.book = book;
        this.control = control;
        this.hours = hours;
        this.metrics = metrics;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "callback-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(this::prune, 1, 60, TimeUnit.MINUTES);
    }

    private void prune() {
        try {
            long gone = book.prune(System.currentTimeMillis() - settings.kept().toMillis());
            log.info("retention: {} expired callbacks forgotten", gone);
        } catch (RuntimeException e) {
            log.warn("callback retention pass failed, tried again in an hour: {}", e.toString());
        }
    }

    private void tick() {
        try {
            CallbackBook.Claimed claimed;
            do {
                long now = System.currentTimeMillis();
                claimed = book.claim(now, now + settings.lease().toMillis(), CLAIM_BATCH);
                if (!claimed.takenOver().isEmpty()) {
                    log.info("{} callback(s) in flight past their lease taken over", claimed.takenOver().size());
                }
                for (String id : claimed.due()) {
                    ringOne(id);
                }
                for (String id : claimed.takenOver()) {
                    ringOne(id);
                }
            } while (claimed.due().size() == CLAIM_BATCH);
        } catch (RuntimeException e) {
            log.warn("callback scheduler paused this round: {}", e.toString());
        }
    }

    /** One entry's trouble (Twilio refusing a lookup, say) must not hold up the rest: it stays leased and comes back. */
    private void ringOne(String id) {
        try (MDC.MDCCloseable inCallback = MDC.putCloseable(LogSafe.CALLBACK_ID, id)) {
            book.find(id).ifPresent(this::ring);
        } catch (RuntimeException e) {
            log.warn("callback {}: not rung this round: {}", id, e.getMessage());
        }
    }

    /**
     * Rings the customer for this attempt, unless this attempt was already rung (a claim retried after a crash),
     * or it is outside opening hours on their clock now: then it waits for the next opening.
     */
    private void ring(Callback c) {
        Instant now = Instant.now();
        Instant open = hours.earliest(now, ZoneId.of(c.zone()));
        if (open.isAfter(now) && book.markedAt(c.id(), c.attempts()).isEmpty()) {
            if (book.settle(c.id(), Callback.Status.SCHEDULED, c.attempts(), open.toEpochMilli())) {
                book.history(c.id(), "not rung outside opening hours; waiting until " + open);
            }
            return;
        }
        if (!book.firstToDial(c.id(), c.attempts(), instance) && !takeOver(c)) {
            return;
        }
        if (settings.callerId().isEmpty()) {
            book.history(c.id(), "not rung: TWILIO_CALLER_ID is not set");
            book.settle(c.id(), Callback.Status.FAILED, c.attempts(), c.dueMs());
            log.error("callback {} cannot be rung: set TWILIO_CALLER_ID", c.id());
            return;
        }
        CallControl.Outcome outcome = control.dial(c.phone(), settings.callerId().get(), ANSWER + "?id=" + c.id(),
                STATUS + "?id=" + c.id() + "&attempt=" + c.attempts());
        metrics.counter("calmline.callbacks.dialled", "delivery", outcome.delivery().label()).increment();
        switch (outcome.delivery()) {
            case SENT -> {
                book.set(c.id(), Map.of("twilioSid", outcome.detail()));
                book.extendLease(c.id(), System.currentTimeMillis() + ringing());
                book.history(c.id(), "attempt " + (c.attempts() + 1) + ": ringing (" + outcome.detail() + ")");
            }
            case DEMO -> {
                book.history(c.id(), "demo mode: would have rung");
                book.settle(c.id(), Callback.Status.COMPLETED, c.attempts() + 1, c.dueMs());
            }
            default -> settle(c, "failed", outcome.detail());
        }
    }

    /**
     * This attempt was marked as dialled, by an instance that then went quiet. If Twilio has the call, follow
     * it (settle it if it is over); if Twilio has no call to the number since the mark, and the mark is older
     * than a ring, the dial never got through: true, ring now. Otherwise wait another ring.
     */
    private boolean takeOver(Callback c) {
        long marked = book.markedAt(c.id(), c.attempts()).orElse(System.currentTimeMillis());
        Optional<String> sid = c.twilioSid().isEmpty()
                ? control.findCall(c.phone(), Instant.ofEpochMilli(marked).minusSeconds(60)) : Optional.of(c.twilioSid());
        if (sid.isPresent()) {
            if (c.twilioSid().isEmpty()) {
                book.set(c.id(), Map.of("twilioSid", sid.get()));
                book.history(c.id(), "attempt " + (c.attempts() + 1) + ": found at Twilio after a takeover (" + sid.get() + ")");
            }
            Optional<String> status = control.status(sid.get());
            if (status.isPresent() && List.of("completed", "busy", "no-answer", "failed", "canceled")
                    .contains(status.get())) {
                settle(c, status.get(), "");
                return false;
            }
        } else if (System.currentTimeMillis() - marked > ringing()) {
            book.history(c.id(), "attempt " + (c.attempts() + 1) + ": never reached Twilio; ringing now");
            return true;
        }
        book.extendLease(c.id(), System.currentTimeMillis() + ringing());
        return false;
    }

    /**
     * How long a rung call may go without its status callback before another look: Twilio rings for up to a
     * minute and reports within seconds, so five leases is generous; then Twilio is asked directly.
     */
    private long ringing() {
        return settings.lease().toMillis() * 5;
    }

    /** One attempt's outcome: done, or tried again later with backoff, or failed for good. */
    void settle(Callback c, String callStatus, String answeredBy) {
        boolean machine = answeredBy.startsWith("machine") || answeredBy.equals("fax");
        int attempts = c.attempts() + 1;
        if (callStatus.equals("completed") && !machine) {
            if (book.settle(c.id(), Callback.Status.COMPLETED, attempts, c.dueMs())) {
                book.history(c.id(), "attempt " + attempts + ": completed");
            }
            return;
        }
        String why = machine ? "answering machine" : callStatus;
        if (attempts >= settings.maxAttempts()) {
            if (book.settle(c.id(), Callback.Status.FAILED, attempts, c.dueMs())) {
                book.history(c.id(), "attempt " + attempts + ": " + why + "; no more tries");
                metrics.counter("calmline.callbacks.failed").increment();
                log.warn("callback {} failed after {} attempts", c.id(), attempts);
            }
            return;
        }
        Duration wait = settings.retryAfter().multipliedBy(1L << (attempts - 1));
        Instant due = hours.earliest(Instant.now().plus(wait), ZoneId.of(c.zone()));
        if (book.settle(c.id(), Callback.Status.SCHEDULED, attempts, due.toEpochMilli())) {
            book.history(c.id(), "attempt " + attempts + ": " + why + "; next try " + due);
        }
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdown();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
}

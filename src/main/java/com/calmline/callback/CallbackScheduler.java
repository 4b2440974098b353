package com.calmline.callback;

import com.calmline.conversation.Callbacks;
import com.calmline.files.ConfiguredFile;
import com.calmline.privacy.LogSafe;
import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.store.CallStore;
import com.calmline.store.IndexStore;
import com.calmline.store.RecordStore;
import com.calmline.telephony.CallControl;
import com.calmline.telephony.TwilioRoutes;
import com.calmline.web.Auth;
import com.calmline.web.Pages;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Callbacks that are never lost and never rung twice. Four ways in: a caller asks (1 on the keypad while
 * listening or queued, or in words), a call whose anger peaked high gets a satisfaction follow-up at 10:00
 * the next business day, or an agent sets one up; a call gets one callback of each kind, and no follow-up
 * if its caller asked to be called back. One scheduler thread per instance claims due entries atomically,
 * rings the customer only inside opening hours on their own clock, and settles each attempt from Twilio's
 * signed status callback, retrying busy, no-answer and answering machines with backoff.
 */
public final class CallbackScheduler implements Callbacks, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallbackScheduler.class);
    private static final LocalTime FOLLOW_UP_AT = LocalTime.of(10, 0);

    /**
     * @param callerId       the number callbacks ring from (TWILIO_CALLER_ID); none: callbacks are scheduled but not rung
     * @param maxAttempts    tries before an entry is failed and shown to agents
     * @param retryAfter     the wait after the first unanswered try; doubled after each
     * @param lease          how long a claimed entry may stay in flight before another instance takes it over
     * @param followUpAnger  a call whose anger peaked at least this high gets a follow-up
     * @param queue          the queue a customer who answers waits in, ahead of new callers
     * @param kept           how long a finished callback is kept (TRANSCRIPT_RETENTION_DAYS)
     */
    public record Settings(Optional<String> callerId, int maxAttempts, Duration retryAfter, Duration lease,
                           double followUpAnger, String queue, String defaultRegion, ZoneId fallbackZone,
                           Duration kept) {
    }

    private final Settings settings;
    private final CallbackBook book;
    private final CallStore calls;
    private final IndexStore indexes;
    private final BusinessHours hours;
    private final PhoneNumbers numbers;
    private final Transcripts transcripts;
    private final Path promptsDir;
    private final MeterRegistry metrics;
    private final Dialler dialler;
    private final CallbackWebhooks webhooks;
    private final CallbackDesk desk;

    public CallbackScheduler(Settings settings, CallStore calls, RecordStore records, IndexStore indexes,
                             CallControl control, Path routingDir, Path promptsDir, Transcripts transcripts, Pages pages,
                             MeterRegistry metrics) throws IOException {
        this.settings = settings;
        this.book = new CallbackBook(records, indexes, settings.kept());
        this.calls = calls;
        this.indexes = indexes;
        this.hours = BusinessHours.parse(ConfiguredFile.read(routingDir, "routing", "hours.txt"), "hours.txt");
        this.numbers = new PhoneNumbers(settings.defaultRegion(), settings.fallbackZone());
        this.transcripts = transcripts;
        this.promptsDir = promptsDir;
        this.metrics = metrics;
        this.dialler = new Dialler(settings, book, control, hours, metrics);
        this.webhooks = new CallbackWebhooks(settings, book, calls, indexes, control, dialler, this);
        this.desk = new CallbackDesk(book, hours, numbers, this, pages);
    }

    /** Starts claiming and ringing due callbacks, every second. */
    public CallbackScheduler start() {
        dialler.start();
        return this;
    }

    @Override
    public Optional<String> requested(String callSid, String caller, String issue) {
        return schedule(callSid, caller, Callback.Kind.REQUESTED, issue.isBlank() ? "your call" : issue, Instant.now())
                .map(c -> prompt("callback-confirmed.txt").replace("{when}",
                        Spoken.when(Instant.ofEpochMilli(c.dueMs()), ZoneId.of(c.zone()), Instant.now())));
    }

    /**
     * 1 on a keypad: the callback at the earliest slot, about whatever the line heard. With Redis away, about
     * "your call": the caller is confirmed all the same, and the outbox holds the callback until Redis is back.
     */
    public Optional<String> requestedByKey(String callSid, String caller) {
        String issue;
        try {
            issue = calls.call(callSid).getOrDefault("issue", "");
        } catch (JedisException e) {
            issue = "";
        }
        return requested(callSid, caller, issue);
    }

    /**
     * The call was erased: what its callbacks kept of it goes too, and the calls of customers who answered one
     * no longer point at it.
     */
    public void erase(String callSid) {
        book.forgetCall(callSid);
        for (String customer : indexes.newest(answered(callSid), Integer.MAX_VALUE)) {
            calls.updateCall(customer, Map.of("callbackOf", ""));
        }
    }

    /** The calls of customers who answered a callback about {@code callSid}, kept among that call's keys. */
    static String answered(String callSid) {
        return "call:" + callSid + ":answered";
    }

    @Override
    public void ended(String callSid, String caller, String issue, double angerPeak) {
        if (angerPeak >= settings.followUpAnger()) {
            schedule(callSid, caller, Callback.Kind.FOLLOW_UP, issue.isBlank() ? "your recent call" : issue,
                    Instant.now());
        }
    }

    /**
     * Registers the page and API (agents and up; a callback names its call only to those {@code calls} lets
     * read it) and the webhooks Twilio calls for a callback.
     */
    public void register(RoutesConfig routes, TwilioRoutes twilio, Auth.CallAccess calls) {
        desk.register(routes, calls);
        webhooks.register(routes, twilio);
    }

    /**
     * Books a callback, due at the first opening from {@code notBefore} (never in the past); the one that stands
     * if the call already has one of this kind, and none for a follow-up whose caller asked to be called back.
     */
    Optional<Callback> schedule(String callSid, String caller, Callback.Kind kind, String reason, Instant notBefore) {
        PhoneNumbers.Phone phone;
        try {
            phone = numbers.parse(caller);
        } catch (IllegalArgumentException e) {
            log.warn("call {}: no {} callback: {}", callSid, kind.label(), e.getMessage());
            return Optional.empty();
        }
        Instant now = Instant.now();
        Instant from = notBefore.isBefore(now) ? now : notBefore;
        Instant due = kind == Callback.Kind.FOLLOW_UP ? hours.nextBusinessDay(from, phone.zone(), FOLLOW_UP_AT)
                : hours.earliest(from, phone.zone());
        String id = callSid.isEmpty() || kind == Callback.Kind.AGENT ? UUID.randomUUID().toString()
                : Callback.idFor(callSid, kind);
        Callback c = new Callback(id, phone.e164(), phone.zone().getId(), reason, kind, callSid, due.toEpochMilli(), 0,
                Callback.Status.SCHEDULED, "");
        Optional<Callback> standing = standing(c);
        if (standing.isPresent()) {
            log.info("call {}: no second {} callback: {} callback {} stands", callSid, kind.label(),
                    standing.get().kind().label(), standing.get().id());
            return standing.filter(s -> s.kind() == kind);
        }
        try (MDC.MDCCloseable inCallback = MDC.putCloseable(LogSafe.CALLBACK_ID, c.id())) {
            book.add(c, System.currentTimeMillis());
            if (!callSid.isEmpty()) {
                transcripts.record(callSid, new CallEvent.Callback(-1, c.id(), OffsetDateTime.ofInstant(due,
                        phone.zone()).toString(), reason, kind.label()));
            }
            metrics.counter("calmline.callbacks.scheduled", "kind", kind.label()).increment();
            log.info("{} callback {} due {}{}", kind.label(), c.id(), due, callSid.isEmpty() ? ""
                    : " for call " + callSid);
        }
        return Optional.of(c);
    }

    /**
     * The entry already standing in the way of {@code c}, as Redis has it now; none when Redis is away, and then
     * the guards of {@link CallbackBook#add} decide once it is back.
     */
    private Optional<Callback> standing(Callback c) {
        try {
            return c.preventedBy().stream().map(book::find).flatMap(Optional::stream).findFirst();
        } catch (JedisException e) {
            return Optional.empty();
        }
    }

    /** A callback as the agents' page shows it: the number masked, the due time on the customer's clock. */
    public record Row(String id, String phone, String kind, String reason, String due, String status, int attempts,
                      boolean changeable) {
    }

    String prompt(String name) {
        try {
            return ConfiguredFile.read(promptsDir, "prompts", name).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read prompts/" + name, e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        dialler.close();
    }
}

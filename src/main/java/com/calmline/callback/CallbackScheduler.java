package com.calmline.callback;

import com.calmline.conversation.Callbacks;
import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.store.Store;
import com.calmline.telephony.CallControl;
import com.calmline.telephony.TwilioRoutes;
import com.calmline.web.Auth;
import com.calmline.web.Pages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks that are never lost and never rung twice. Four ways in: a caller asks (1 on the keypad while
 * listening or queued, or in words), a call whose anger peaked high gets a satisfaction follow-up at 10:00
 * the next business day, or an agent sets one up. One scheduler thread per instance claims due entries
 * atomically, rings the customer only inside opening hours on their own clock, and settles each attempt
 * from Twilio's signed status callback, retrying busy, no-answer and answering machines with backoff.
 */
public final class CallbackScheduler implements Callbacks, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CallbackScheduler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "/twilio/callback/answer";
    private static final String STATUS = "/twilio/callback/status";
    private static final String FOLLOW_UP = "/twilio/callback/follow-up";
    private static final LocalTime FOLLOW_UP_AT = LocalTime.of(10, 0);
    private static final int CLAIM_BATCH = 50;

    /**
     * @param callerId       the number callbacks ring from (TWILIO_CALLER_ID); none: callbacks are scheduled but not rung
     * @param maxAttempts    tries before an entry is failed and shown to agents
     * @param retryAfter     the wait after the first unanswered try; doubled after each
     * @param lease          how long a claimed entry may stay in flight before another instance takes it over
     * @param followUpAnger  a call whose anger peaked at least this high gets a follow-up
     * @param queue          the queue a customer who answers waits in, ahead of new callers
     */
    public record Settings(Optional<String> callerId, int maxAttempts, Duration retryAfter, Duration lease,
                           double followUpAnger, String queue, String defaultRegion, ZoneId fallbackZone) {
    }

    private final Settings settings;
    private final CallbackBook book;
    private final Store store;
    private final CallControl control;
    private final BusinessHours hours;
    private final PhoneNumbers numbers;
    private final Transcripts transcripts;
    private final Path promptsDir;
    private final MeterRegistry metrics;
    private final Pages pages;
    private final String instance = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8), 0, 6);
    private final ScheduledExecutorService scheduler;

    public CallbackScheduler(Settings settings, Store store, CallControl control, Path routingDir, Path promptsDir,
                             Transcripts transcripts, Pages pages, MeterRegistry metrics) throws IOException {
        this.settings = settings;
        this.book = new CallbackBook(store);
        this.store = store;
        this.control = control;
        this.hours = BusinessHours.parse(text(routingDir.resolve("hours.txt"), "/routing/hours.txt"), "hours.txt");
        this.numbers = new PhoneNumbers(settings.defaultRegion(), settings.fallbackZone());
        this.transcripts = transcripts;
        this.promptsDir = promptsDir;
        this.metrics = metrics;
        this.pages = pages;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "callback-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts claiming and ringing due callbacks, every second. */
    public CallbackScheduler start() {
        scheduler.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    @Override
    public Optional<String> requested(String callSid, String caller, String issue) {
        return schedule(callSid, caller, Callback.Kind.REQUESTED, issue.isBlank() ? "your call" : issue, Instant.now())
                .map(c -> prompt("callback-confirmed.txt").replace("{when}",
                        Spoken.when(Instant.ofEpochMilli(c.dueMs()), ZoneId.of(c.zone()), Instant.now())));
    }

    /** 1 on a keypad: the callback at the earliest slot, about whatever the line heard. */
    public Optional<String> requestedByKey(String callSid, String caller) {
        return requested(callSid, caller, store.call(callSid).getOrDefault("issue", ""));
    }

    @Override
    public void ended(String callSid, String caller, String issue, double angerPeak) {
        if (angerPeak >= settings.followUpAnger()) {
            schedule(callSid, caller, Callback.Kind.FOLLOW_UP, issue.isBlank() ? "your recent call" : issue,
                    Instant.now());
        }
    }

    /** Registers the API (agents and up) and the webhooks Twilio calls for a callback (signature-checked). */
    public void register(RoutesConfig routes, TwilioRoutes twilio) {
        routes.get("/api/callbacks", ctx -> ctx.json(book.recent(200).stream().map(CallbackScheduler::view).toList()),
                Auth.Role.AGENT);
        routes.post("/api/callbacks", ctx -> ctx.status(HttpStatus.CREATED).json(view(create(ctx))), Auth.Role.AGENT);
        routes.get("/api/callbacks/{id}", ctx -> {
            Callback c = book.find(id(ctx)).orElseThrow(() -> new NotFoundResponse("no callback " + ctx.pathParam("id")));
            Map<String, Object> v = view(c);
            v.put("history", book.historyOf(c.id()));
            ctx.json(v);
        }, Auth.Role.AGENT);
        routes.post("/api/callbacks/{id}/reschedule", ctx -> apiChange(ctx, false), Auth.Role.AGENT);
        routes.post("/api/callbacks/{id}/cancel", ctx -> apiChange(ctx, true), Auth.Role.AGENT);
        routes.get("/agent/callbacks", ctx -> page(ctx, switch (String.valueOf(ctx.queryParam("done"))) {
            case "created" -> "Callback scheduled.";
            case "changed" -> "Callback changed.";
            default -> "";
        }), Auth.Role.AGENT);
        routes.post("/agent/callbacks", ctx -> pageAction(ctx, () -> create(ctx), "created"), Auth.Role.AGENT);
        routes.post("/agent/callbacks/{id}/cancel", ctx -> pageAction(ctx, () -> refusedUnlessOk(change(ctx, true)),
                "changed"), Auth.Role.AGENT);
        routes.post("/agent/callbacks/{id}/reschedule", ctx -> pageAction(ctx,
                () -> refusedUnlessOk(change(ctx, false)), "changed"), Auth.Role.AGENT);
        routes.post(ANSWER, ctx -> answer(ctx, twilio.verified(ctx)));
        routes.post(STATUS, ctx -> status(ctx, twilio.verified(ctx)));
        routes.post(FOLLOW_UP, ctx -> followUp(ctx, twilio.verified(ctx)));
    }

    private Optional<Callback> schedule(String callSid, String caller, Callback.Kind kind, String reason, Instant notBefore) {
        PhoneNumbers.Phone phone;
        try {
            phone = numbers.parse(caller);
        } catch (IllegalArgumentException e) {
            log.warn("call {}: no {} callback: {}", callSid, kind.label(), e.getMessage());
            return Optional.empty();
        }
        Instant due = kind == Callback.Kind.FOLLOW_UP ? hours.nextBusinessDay(notBefore, phone.zone(), FOLLOW_UP_AT)
                : hours.earliest(notBefore, phone.zone());
        Callback c = new Callback(UUID.randomUUID().toString(), phone.e164(), phone.zone().getId(), reason, kind, callSid,
                screenPop(callSid), due.toEpochMilli(), 0, Callback.Status.SCHEDULED, "");
        book.add(c, System.currentTimeMillis());
        if (!callSid.isEmpty()) {
            transcripts.record(callSid, new CallEvent.Callback(-1, c.id(), OffsetDateTime.ofInstant(due, phone.zone())
                    .toString(), reason, kind.label()));
        }
        metrics.counter("calmline.callbacks.scheduled", "kind", kind.label()).increment();
        log.info("{} callback {} due {}{}", kind.label(), c.id(), due, callSid.isEmpty() ? "" : " for call " + callSid);
        return Optional.of(c);
    }

    /** What the agent who answers will see: the original call's screen-pop, if it had one. */
    private String screenPop(String callSid) {
        if (callSid.isEmpty()) {
            return "";
        }
        try {
            return store.callPart(callSid, "screenpop").orElse("");
        } catch (RuntimeException e) {
            return "";
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
        try {
            book.find(id).ifPresent(this::ring);
        } catch (RuntimeException e) {
            log.warn("callback {}: not rung this round: {}", id, e.getMessage());
        }
    }

    /** Rings the customer for this attempt, unless this attempt was already rung (a claim retried after a crash). */
    private void ring(Callback c) {
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
    private void settle(Callback c, String callStatus, String answeredBy) {
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

    private void status(Context ctx, Map<String, String> form) {
        Callback c = book.find(id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        String attempt = ctx.queryParam("attempt");
        if (c.status() == Callback.Status.DIALLING && String.valueOf(c.attempts()).equals(attempt)) {
            String callStatus = form.getOrDefault("CallStatus", "");
            if (List.of("completed", "busy", "no-answer", "failed", "canceled").contains(callStatus)) {
                settle(c, callStatus, form.getOrDefault("AnsweredBy", ""));
            }
        }
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /** The customer (or a machine) answered: say who calls and why, then an agent or the follow-up question. */
    private void answer(Context ctx, Map<String, String> form) {
        Callback c = book.find(id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        ctx.contentType("application/xml");
        if (form.getOrDefault("AnsweredBy", "").startsWith("machine")) {
            ctx.result(control.hangingUp());
            return;
        }
        if (c.kind() == Callback.Kind.FOLLOW_UP) {
            ctx.result(control.askingForAKey(prompt("follow-up.txt").replace("{reason}", c.reason()),
                    FOLLOW_UP + "?id=" + c.id(), "Thank you. Goodbye."));
            return;
        }
        ctx.result(toAgent(c, form.getOrDefault("CallSid", ""), prompt("callback-intro.txt")
                .replace("{reason}", c.reason())));
    }

    private void followUp(Context ctx, Map<String, String> form) {
        Callback c = book.find(id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        String digit = form.getOrDefault("Digits", "");
        String answer = digit.equals("1") ? "solved" : digit.equals("2") ? "wants-to-talk" : "no-answer";
        if (!c.callSid().isEmpty()) {
            store.updateCall(c.callSid(), Map.of("followUp", answer, "followUpAt", Instant.now().toString()));
        }
        book.history(c.id(), "follow-up answer: " + answer);
        ctx.contentType("application/xml");
        if (digit.equals("2")) {
            ctx.result(toAgent(c, form.getOrDefault("CallSid", ""), "Thank you. I'm connecting you with someone now."));
        } else {
            ctx.result(control.sayingThenHangingUp(digit.equals("1")
                    ? "That's good to hear. Thank you, and goodbye." : "Thank you. Goodbye."));
        }
    }

    /**
     * Puts the customer in the callback queue ahead of new callers, with the original screen-pop: stored for
     * the new call and listed on the desk above every caller who is merely waiting.
     */
    private String toAgent(Callback c, String newCallSid, String say) {
        String attributes = "{}";
        if (!c.screenPop().isEmpty() && newCallSid.matches("CA[0-9a-fA-F]{32}")) {
            try {
                ObjectNode pop = (ObjectNode) JSON.readTree(c.screenPop());
                pop.put("callSid", newCallSid);
                pop.put("queue", settings.queue());
                pop.put("routeReason", "callback " + c.kind().label() + " about the call " + c.callSid());
                store.createCall(newCallSid, System.currentTimeMillis(), Map.of("callSid", newCallSid, "from", c.phone(),
                        "started", Instant.now().toString(), "state", "CALLBACK", "callbackOf", c.callSid()));
                store.saveCallPart(newCallSid, "screenpop", pop.toString());
                store.listCall("waiting", System.currentTimeMillis() + Duration.ofDays(1).toMillis(), newCallSid);
                ObjectNode task = JSON.createObjectNode().put("type", "callback").put("call_sid", newCallSid);
                task.set("screenpop", pop);
                attributes = task.toString();
            } catch (JsonProcessingException e) {
                log.warn("callback {}: stored screen-pop unreadable: {}", c.id(), e.getMessage());
            }
        }
        return control.callbackToAgent(say, settings.queue(), attributes);
    }

    /** A callback as the agents' page shows it: the number masked, the due time on the customer's clock. */
    public record Row(String id, String phone, String kind, String reason, String due, String status, int attempts,
                      boolean changeable) {
    }

    private Callback create(Context ctx) {
        String reason = Optional.ofNullable(ctx.formParam("reason")).orElse("").strip();
        if (reason.isEmpty() || reason.length() > 200) {
            throw new BadRequestResponse("a reason is 1 to 200 characters");
        }
        PhoneNumbers.Phone phone;
        try {
            phone = numbers.parse(Optional.ofNullable(ctx.formParam("phone")).orElse(""));
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        Instant notBefore = Optional.ofNullable(ctx.formParam("at")).filter(s -> !s.isBlank())
                .map(at -> instant(at, phone.zone())).orElse(Instant.now());
        Callback c = schedule(Optional.ofNullable(ctx.formParam("callSid")).orElse(""), phone.e164(),
                Callback.Kind.AGENT, reason, notBefore).orElseThrow();
        book.history(c.id(), "set up by " + Auth.principal(ctx).name());
        return c;
    }

    /** Reschedules ({@code at} given) or cancels; "ok", or the status that stopped it. */
    private String change(Context ctx, boolean cancel) {
        Callback c = book.find(id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        String what;
        String result;
        if (cancel) {
            what = "cancelled";
            result = book.change(c.id(), Callback.Status.CANCELLED, c.dueMs());
        } else {
            ZoneId zone = ZoneId.of(c.zone());
            Instant due = hours.earliest(instant(ctx.formParamAsClass("at", String.class).get(), zone), zone);
            what = "rescheduled to " + due;
            result = book.change(c.id(), Callback.Status.SCHEDULED, due.toEpochMilli());
        }
        if (result.equals("ok")) {
            book.history(c.id(), what + " by " + Auth.principal(ctx).name());
        }
        return result;
    }

    private void apiChange(Context ctx, boolean cancel) {
        String result = change(ctx, cancel);
        if (!result.equals("ok")) {
            ctx.status(HttpStatus.CONFLICT).json(Map.of("error", "the callback is " + result + ", not scheduled"));
            return;
        }
        ctx.json(view(book.find(id(ctx)).orElseThrow()));
    }

    private void page(Context ctx, String notice) {
        List<Row> rows = book.recent(200).stream().map(c -> new Row(c.id(), PhoneNumbers.mask(c.phone()),
                c.kind().label(), c.reason(), Spoken.when(Instant.ofEpochMilli(c.dueMs()), ZoneId.of(c.zone()),
                Instant.now()) + " (" + c.zone() + ")", c.status().label(), c.attempts(),
                c.status() == Callback.Status.SCHEDULED)).toList();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("user", Auth.principal(ctx));
        params.put("rows", rows);
        params.put("notice", notice);
        pages.page(ctx, "callbacks.jte", params);
    }

    /** A form on the page: done, back to the list; refused, the list again with why. */
    private void pageAction(Context ctx, Runnable action, String done) {
        try {
            action.run();
            ctx.redirect("/agent/callbacks?done=" + done, HttpStatus.SEE_OTHER);
        } catch (BadRequestResponse | NotFoundResponse e) {
            ctx.status(e.getStatus());
            page(ctx, e.getMessage());
        }
    }

    /** An ISO-8601 instant with an offset, or a local date-time on the customer's clock. */
    private static Instant instant(String text, ZoneId zone) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                throw new BadRequestResponse("'at' is a date and time, e.g. 2026-11-26T10:00 (the customer's clock) "
                        + "or 2026-11-26T10:00:00-08:00");
            }
        }
    }

    private static void refusedUnlessOk(String result) {
        if (!result.equals("ok")) {
            throw new BadRequestResponse("That callback is " + result + " now, so it cannot be changed.");
        }
    }

    private static String id(Context ctx) {
        String id = ctx.pathParamMap().containsKey("id") ? ctx.pathParam("id") : ctx.queryParam("id");
        if (id == null || !id.matches("[0-9a-f-]{36}")) {
            throw new BadRequestResponse("a callback id is a UUID");
        }
        return id;
    }

    private static Map<String, Object> view(Callback c) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", c.id());
        v.put("phone", PhoneNumbers.mask(c.phone()));
        v.put("kind", c.kind().label());
        v.put("reason", c.reason());
        v.put("due", OffsetDateTime.ofInstant(Instant.ofEpochMilli(c.dueMs()), ZoneId.of(c.zone())).toString());
        v.put("status", c.status().label());
        v.put("attempts", c.attempts());
        v.put("callSid", c.callSid());
        return v;
    }

    private String prompt(String name) {
        try {
            return text(promptsDir.resolve(name), "/prompts/" + name).strip();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read prompts/" + name, e);
        }
    }

    private static String text(Path file, String resource) throws IOException {
        if (Files.isRegularFile(file)) {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        try (InputStream in = CallbackScheduler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no " + file + " and no " + resource + " in the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws InterruptedException {
        scheduler.shutdown();
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
    }
}

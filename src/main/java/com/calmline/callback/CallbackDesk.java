package com.calmline.callback;

import com.calmline.conversation.Callbacks;
import com.calmline.privacy.Redactor;
import com.calmline.web.Auth;
import com.calmline.web.CallSid;
import com.calmline.web.Pages;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Callbacks for people: the agents' page ({@code /agent/callbacks}) and {@code /api/callbacks}, to schedule,
 * reschedule and cancel; numbers masked, times on the customer's clock.
 */
final class CallbackDesk {
    private final CallbackBook book;
    private final BusinessHours hours;
    private final PhoneNumbers numbers;
    private final CallbackScheduler scheduler;
    private final Pages pages;

    CallbackDesk(CallbackBook book, BusinessHours hours, PhoneNumbers numbers, CallbackScheduler scheduler, Pages pages) {
        this.book = book;
        this.hours = hours;
        this.numbers = numbers;
        this.scheduler = scheduler;
        this.pages = pages;
    }

    void register(RoutesConfig routes, Auth.CallAccess calls) {
        routes.get("/api/callbacks", ctx -> ctx.json(book.recent(200).stream().map(c -> view(c, ctx, calls)).toList()),
                Auth.Role.AGENT);
        routes.post("/api/callbacks", ctx -> ctx.status(HttpStatus.CREATED).json(view(create(ctx, calls), ctx, calls)),
                Auth.Role.AGENT);
        routes.get("/api/callbacks/{id}", ctx -> {
            Callback c = book.find(id(ctx)).orElseThrow(() -> new NotFoundResponse("no callback " + ctx.pathParam("id")));
            Map<String, Object> v = view(c, ctx, calls);
            v.put("history", book.historyOf(c.id()));
            ctx.json(v);
        }, Auth.Role.AGENT);
        routes.post("/api/callbacks/{id}/reschedule", ctx -> apiChange(ctx, false, calls), Auth.Role.AGENT);
        routes.post("/api/callbacks/{id}/cancel", ctx -> apiChange(ctx, true, calls), Auth.Role.AGENT);
        routes.get("/agent/callbacks", ctx -> page(ctx, switch (String.valueOf(ctx.queryParam("done"))) {
            case "created" -> "Callback scheduled.";
            case "changed" -> "Callback changed.";
            default -> "";
        }, Refusal.NONE), Auth.Role.AGENT);
        routes.post("/agent/callbacks", ctx -> pageAction(ctx, () -> create(ctx, calls), "created", true),
                Auth.Role.AGENT);
        routes.post("/agent/callbacks/{id}/cancel", ctx -> pageAction(ctx, () -> refusedUnlessOk(change(ctx, true)),
                "changed", false), Auth.Role.AGENT);
        routes.post("/agent/callbacks/{id}/reschedule", ctx -> pageAction(ctx,
                () -> refusedUnlessOk(change(ctx, false)), "changed", false), Auth.Role.AGENT);
    }

    private Callback create(Context ctx, Auth.CallAccess calls) {
        PhoneNumbers.Phone phone;
        try {
            phone = numbers.parse(Optional.ofNullable(ctx.formParam("phone")).orElse(""));
        } catch (IllegalArgumentException e) {
            throw refused("phone", e.getMessage());
        }
        String reason = Redactor.redact(Optional.ofNullable(ctx.formParam("reason")).orElse("").strip());
        if (reason.isEmpty() || reason.length() > 200) {
            throw refused("reason", "Say what the callback is about, in up to 200 characters.");
        }
        Instant notBefore = Optional.ofNullable(ctx.formParam("at")).filter(s -> !s.isBlank())
                .map(at -> instant(at, phone.zone())).orElse(Instant.now());
        String callSid = Optional.ofNullable(ctx.formParam("callSid")).orElse("").strip();
        if (!callSid.isEmpty()) {
            if (!CallSid.valid(callSid)) {
                throw new BadRequestResponse("callSid: " + CallSid.SHAPE);
            }
            // The callback is written into that call's events and carries its screen-pop.
            calls.require(Auth.principal(ctx), callSid);
        }
        Callback c = scheduler.schedule(callSid, phone.e164(), Callback.Kind.AGENT, reason, notBefore).orElseThrow();
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
            Instant at = instant(ctx.formParamAsClass("at", String.class).get(), zone);
            Instant now = Instant.now();
            Instant due = hours.earliest(at.isBefore(now) ? now : at, zone);
            what = "rescheduled to " + due;
            result = book.change(c.id(), Callback.Status.SCHEDULED, due.toEpochMilli());
        }
        if (result.equals("ok")) {
            book.history(c.id(), what + " by " + Auth.principal(ctx).name());
        }
        return result;
    }

    private void apiChange(Context ctx, boolean cancel, Auth.CallAccess calls) {
        String result = change(ctx, cancel);
        if (!result.equals("ok")) {
            ctx.status(HttpStatus.CONFLICT).json(Map.of("error", "the callback is " + result + ", not scheduled"));
            return;
        }
        ctx.json(view(book.find(id(ctx)).orElseThrow(), ctx, calls));
    }

    /**
     * A form the page refused: why, which field ({@code ""}: none), and what the agent typed, to show it again
     * in the form of that one response (the number included: it is neither stored nor logged).
     */
    private record Refusal(String error, String field, String phone, String reason, String at) {
        static final Refusal NONE = new Refusal("", "", "", "", "");
    }

    private void page(Context ctx, String notice, Refusal refusal) {
        List<CallbackScheduler.Row> rows = book.recent(200).stream().map(c -> new CallbackScheduler.Row(c.id(),
                Redactor.phone(c.phone()),
                c.kind().label(), c.reason(), Spoken.when(Instant.ofEpochMilli(c.dueMs()), ZoneId.of(c.zone()),
                Instant.now()) + " (" + c.zone() + ")", c.status().label(), c.attempts(),
                c.status() == Callback.Status.SCHEDULED)).toList();
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("user", Auth.principal(ctx));
        params.put("rows", rows);
        params.put("notice", notice);
        params.put("error", refusal.error());
        params.put("invalid", refusal.field());
        params.put("phone", refusal.phone());
        params.put("reason", refusal.reason());
        params.put("at", refusal.at());
        pages.page(ctx, "callbacks.jte", params);
    }

    /**
     * A form on the page: done, back to the list; refused, the list again with why, and with the new callback's
     * form ({@code keepsForm}) as the agent filled it in, so they correct one field instead of typing all again.
     */
    private void pageAction(Context ctx, Runnable action, String done, boolean keepsForm) {
        try {
            action.run();
            ctx.redirect("/agent/callbacks?done=" + done, HttpStatus.SEE_OTHER);
        } catch (BadRequestResponse | NotFoundResponse e) {
            ctx.status(e.getStatus());
            String field = e.getDetails().getOrDefault("field", "");
            page(ctx, "", keepsForm ? new Refusal(e.getMessage(), field, typed(ctx, "phone"),
                    Redactor.redact(typed(ctx, "reason")), typed(ctx, "at")) : new Refusal(e.getMessage(), "", "", "",
                    ""));
        }
    }

    private static String typed(Context ctx, String field) {
        return Optional.ofNullable(ctx.formParam(field)).orElse("").strip();
    }

    /** A form field that cannot be used: the message for the person, and which field it is about. */
    private static BadRequestResponse refused(String field, String message) {
        return new BadRequestResponse(message, Map.of("field", field));
    }

    /** An ISO-8601 instant with an offset, or a local date-time on the customer's clock. */
    private static Instant instant(String text, ZoneId zone) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeParseException e2) {
                throw refused("at", "'at' is a date and time, e.g. 2026-11-26T10:00 (the customer's clock) "
                        + "or 2026-11-26T10:00:00-08:00");
            }
        }
    }

    private static void refusedUnlessOk(String result) {
        if (!result.equals("ok")) {
            throw new BadRequestResponse("That callback is " + result + " now, so it cannot be changed.");
        }
    }

    static String id(Context ctx) {
        String id = ctx.pathParamMap().containsKey("id") ? ctx.pathParam("id") : ctx.queryParam("id");
        if (id == null || !id.matches("[0-9a-f-]{36}")) {
            throw new BadRequestResponse("a callback id is a UUID");
        }
        return id;
    }

    /**
     * A callback as the API shows it; the call it follows is named only to someone who may read that call, so
     * the list is no index of call sids for agents.
     */
    private static Map<String, Object> view(Callback c, Context ctx, Auth.CallAccess calls) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", c.id());
        v.put("phone", Redactor.phone(c.phone()));
        v.put("kind", c.kind().label());
        v.put("reason", c.reason());
        v.put("due", OffsetDateTime.ofInstant(Instant.ofEpochMilli(c.dueMs()), ZoneId.of(c.zone())).toString());
        v.put("status", c.status().label());
        v.put("attempts", c.attempts());
        if (!c.callSid().isEmpty() && calls.mayRead(Auth.principal(ctx), c.callSid())) {
            v.put("callSid", c.callSid());
        }
        return v;
    }
}

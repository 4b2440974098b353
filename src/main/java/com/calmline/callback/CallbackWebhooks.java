package com.calmline.callback;

import com.calmline.json.Json;
import com.calmline.privacy.LogSafe;
import com.calmline.store.CallStore;
import com.calmline.store.IndexStore;
import com.calmline.telephony.CallControl;
import com.calmline.telephony.TwilioRoutes;
import com.calmline.web.CallSid;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import redis.clients.jedis.exceptions.JedisException;

/** Twilio's side of a callback: the customer (or a machine) answered, how the attempt ended, the follow-up's key. */
final class CallbackWebhooks {
    private static final Logger log = LoggerFactory.getLogger(CallbackWebhooks.class);
    private static final String FOLLOW_UP = "/twilio/callback/follow-up";
    /** The desk's list of callers waiting for an agent. */
    private static final String WAITING = "waiting";
    private static final String UUID = "[0-9a-f-]{36}";
    private static final List<String> FINAL = List.of("completed", "busy", "no-answer", "failed", "canceled");

    private final CallbackScheduler.Settings settings;
    private final CallbackBook book;
    private final CallStore calls;
    private final IndexStore indexes;
    private final CallControl control;
    private final Dialler dialler;
    private final CallbackScheduler scheduler;

    CallbackWebhooks(CallbackScheduler.Settings settings, CallbackBook book, CallStore calls, IndexStore indexes,
                     CallControl control, Dialler dialler, CallbackScheduler scheduler) {
        this.settings = settings;
        this.book = book;
        this.calls = calls;
        this.indexes = indexes;
        this.control = control;
        this.dialler = dialler;
        this.scheduler = scheduler;
    }

    /**
     * Every one signature-checked like Twilio's other webhooks. Lines logged while one is handled name the
     * callback (and, through TwilioRoutes, the new call's sid).
     */
    void register(RoutesConfig routes, TwilioRoutes twilio) {
        routes.before("/twilio/callback/*", ctx -> {
            String id = ctx.queryParam("id");
            if (id != null && id.matches(UUID)) {
                MDC.put(LogSafe.CALLBACK_ID, id);
            } else {
                MDC.remove(LogSafe.CALLBACK_ID);
            }
        });
        routes.after("/twilio/callback/*", ctx -> MDC.remove(LogSafe.CALLBACK_ID));
        routes.post(Dialler.ANSWER, ctx -> answer(ctx, twilio.verified(ctx)));
        routes.post(Dialler.STATUS, ctx -> status(ctx, twilio.verified(ctx)));
        routes.post(FOLLOW_UP, ctx -> followUp(ctx, twilio.verified(ctx)));
    }

    /**
     * How an attempt ended. A customer who answered and was queued for an agent has hung up (or finished
     * with the agent) by now: they leave every desk, and their call is over.
     */
    private void status(Context ctx, Map<String, String> form) {
        Callback c = book.find(CallbackDesk.id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        String attempt = ctx.queryParam("attempt");
        String callStatus = form.getOrDefault("CallStatus", "");
        if (!FINAL.contains(callStatus)) {
            ctx.status(HttpStatus.NO_CONTENT);
            return;
        }
        if (c.status() == Callback.Status.DIALLING && String.valueOf(c.attempts()).equals(attempt)) {
            dialler.settle(c, callStatus, form.getOrDefault("AnsweredBy", ""));
        }
        String callSid = form.getOrDefault("CallSid", "");
        if (CallSid.valid(callSid) && calls.isListed(WAITING, callSid)) {
            calls.unlistCall(WAITING, callSid);
            calls.updateCall(callSid, Map.of("state", "ENDED", "durationMs", Long.toString(seconds(form) * 1000)));
        }
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /** The customer (or a machine) answered: say who calls and why, then an agent or the follow-up question. */
    private void answer(Context ctx, Map<String, String> form) {
        Callback c = book.find(CallbackDesk.id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        ctx.contentType(TwilioRoutes.TWIML);
        if (form.getOrDefault("AnsweredBy", "").startsWith("machine")) {
            ctx.result(control.hangingUp());
            return;
        }
        if (c.kind() == Callback.Kind.FOLLOW_UP) {
            ctx.result(control.askingForAKey(scheduler.prompt("follow-up.txt").replace("{reason}", c.reason()),
                    FOLLOW_UP + "?id=" + c.id(), "Thank you. Goodbye."));
            return;
        }
        ctx.result(toAgent(c, form.getOrDefault("CallSid", ""), scheduler.prompt("callback-intro.txt")
                .replace("{reason}", c.reason())));
    }

    private void followUp(Context ctx, Map<String, String> form) {
        Callback c = book.find(CallbackDesk.id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        String digit = form.getOrDefault("Digits", "");
        String answer = digit.equals("1") ? "solved" : digit.equals("2") ? "wants-to-talk" : "no-answer";
        if (!c.callSid().isEmpty()) {
            calls.updateCall(c.callSid(), Map.of("followUp", answer, "followUpAt", Instant.now().toString()));
        }
        book.history(c.id(), "follow-up answer: " + answer);
        ctx.contentType(TwilioRoutes.TWIML);
        if (digit.equals("2")) {
            ctx.result(toAgent(c, form.getOrDefault("CallSid", ""), "Thank you. I'm connecting you with someone now."));
        } else {
            ctx.result(control.sayingThenHangingUp(digit.equals("1")
                    ? "That's good to hear. Thank you, and goodbye." : "Thank you. Goodbye."));
        }
    }

    /**
     * Puts the customer in the callback queue ahead of new callers: their call is recorded as a callback of the
     * call it follows ({@code callbackOf}), through which the desk reads that call's screen-pop while it is kept,
     * and listed on the desk above every caller who is merely waiting. TaskRouter gets the screen-pop as it is
     * now, without the transcript.
     */
    private String toAgent(Callback c, String newCallSid, String say) {
        String attributes = "{}";
        if (CallSid.valid(newCallSid)) {
            long now = System.currentTimeMillis();
            calls.createCall(newCallSid, now, Map.of("callSid", newCallSid, "from", c.phone(),
                    "started", Instant.ofEpochMilli(now).toString(), "state", "CALLBACK", "queue", settings.queue(),
                    "callbackOf", c.callSid()));
            calls.listCall(WAITING, now + Duration.ofDays(1).toMillis(), newCallSid);
            if (!c.callSid().isEmpty()) {
                indexes.indexCall(newCallSid, now, List.of(CallbackScheduler.answered(c.callSid())), List.of());
            }
            ObjectNode task = Json.object().put("type", "callback").put("call_sid", newCallSid)
                    .put("callback_of", c.callSid());
            screenPopOf(c).ifPresent(pop -> {
                pop.put("callSid", newCallSid);
                pop.put("queue", settings.queue());
                pop.put("routeReason", "callback " + c.kind().label() + " about the call " + c.callSid());
                pop.remove("transcript");
                task.set("screenpop", pop);
            });
            attributes = task.toString();
        }
        return control.callbackToAgent(say, settings.queue(), attributes);
    }

    private Optional<ObjectNode> screenPopOf(Callback c) {
        if (c.callSid().isEmpty()) {
            return Optional.empty();
        }
        try {
            return calls.callPart(c.callSid(), "screenpop").map(json -> {
                try {
                    return (ObjectNode) Json.parse(json);
                } catch (JsonProcessingException e) {
                    log.warn("callback {}: stored screen-pop unreadable: {}", c.id(), e.getMessage());
                    return null;
                }
            });
        } catch (JedisException e) {
            return Optional.empty();
        }
    }

    private static long seconds(Map<String, String> form) {
        try {
            return Math.max(0, Long.parseLong(form.getOrDefault("CallDuration", "0")));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package com.calmline.callback;

import com.calmline.privacy.LogSafe;
import com.calmline.store.Store;
import com.calmline.telephony.CallControl;
import com.calmline.telephony.TwilioRoutes;
import com.calmline.web.CallSid;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Twilio's side of a callback: the customer (or a machine) answered, how the attempt ended, the follow-up's key. */
final class CallbackWebhooks {
    private static final Logger log = LoggerFactory.getLogger(CallbackWebhooks.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FOLLOW_UP = "/twilio/callback/follow-up";
    private static final String UUID = "[0-9a-f-]{36}";

    private final CallbackScheduler.Settings settings;
    private final CallbackBook book;
    private final Store store;
    private final CallControl control;
    private final Dialler dialler;
    private final CallbackScheduler scheduler;

    CallbackWebhooks(CallbackScheduler.Settings settings, CallbackBook book, Store store, CallControl control,
                     Dialler dialler, CallbackScheduler scheduler) {
        this.settings = settings;
        this.book = book;
        this.store = store;
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

    private void status(Context ctx, Map<String, String> form) {
        Callback c = book.find(CallbackDesk.id(ctx)).orElseThrow(() -> new NotFoundResponse("no such callback"));
        String attempt = ctx.queryParam("attempt");
        if (c.status() == Callback.Status.DIALLING && String.valueOf(c.attempts()).equals(attempt)) {
            String callStatus = form.getOrDefault("CallStatus", "");
            if (List.of("completed", "busy", "no-answer", "failed", "canceled").contains(callStatus)) {
                dialler.settle(c, callStatus, form.getOrDefault("AnsweredBy", ""));
            }
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
            store.updateCall(c.callSid(), Map.of("followUp", answer, "followUpAt", Instant.now().toString()));
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
     * Puts the customer in the callback queue ahead of new callers, with the original screen-pop: stored for
     * the new call and listed on the desk above every caller who is merely waiting.
     */
    private String toAgent(Callback c, String newCallSid, String say) {
        String attributes = "{}";
        if (!c.screenPop().isEmpty() && CallSid.valid(newCallSid)) {
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
}

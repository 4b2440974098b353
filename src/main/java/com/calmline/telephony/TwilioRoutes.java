package com.calmline.telephony;

import com.calmline.privacy.LogSafe;
import com.calmline.privacy.Redactor;
import com.calmline.review.Transcripts;
import com.calmline.speech.Transcriber;
import com.calmline.store.CallStore;
import com.calmline.store.Channels;
import com.calmline.web.CallSid;
import com.twilio.security.RequestValidator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import redis.clients.jedis.exceptions.JedisException;

/** Twilio's side of the line: the voice webhooks and the media stream, every request signature-checked. */
public final class TwilioRoutes {
    private static final Logger log = LoggerFactory.getLogger(TwilioRoutes.class);
    static final String VOICE = "/twilio/voice";
    static final String LISTEN = "/twilio/listen";
    static final String MEDIA = "/twilio/media";
    /** Announced (across instances) when Twilio dequeues a caller to an agent: the call's sid. */
    public static final String AGENT_JOINED = "agent-joined";
    static final String WAIT = "/twilio/wait";
    static final String CONNECT = "/twilio/connect";
    static final String WAIT_KEY = "/twilio/wait/key";
    /**
     * What webhooks answer with. The charset must be said: without it Javalin writes the text as ISO-8859-1 under
     * TwiML's own UTF-8 declaration, so Twilio fails the call on an accented prompt or callback reason.
     */
    public static final String TWIML = "application/xml; charset=utf-8";
    private static final String DIAL_TARGET = "client:[A-Za-z0-9_.@-]{1,100}|\\+[1-9][0-9]{6,14}";

    private final RequestValidator validator;
    private final PublicUrls urls;
    private final TwimlBuilder twiml;
    private final String greeting;
    private final CallStore calls;
    private final Channels channels;
    private final MediaStream media;
    private final StreamTokens tokens;
    private final MeterRegistry metrics;
    private final CallControl control;
    private final PersonAtOnce personAtOnce;
    private final CallbackOffer callbacks;
    private final LogSafe.Limit forged = new LogSafe.Limit("rejected-signature", Level.WARN, 10);
    private final Transcriber transcriber;
    private final Transcripts transcripts;
    private final WaitingList waiting;
    private final CallEnds ends;

    /**
     * Schedules the callback a caller asked for by key (1 while listening or while queued) at the earliest
     * slot; returns what to tell them, or empty if their number cannot be called back.
     */
    @FunctionalInterface
    public interface CallbackOffer {
        Optional<String> requested(String callSid, String caller);
    }

    /** Makes the listener for a call whose stream starts: its sid, the caller's number, its audio clock. */
    @FunctionalInterface
    public interface Listeners {
        Transcriber.Listener forCall(String callSid, String caller, Transcriber.AudioClock clock);
    }

    /**
     * What a caller hears when put through to a person from here rather than by their conversation: they
     * pressed 0 and their conversation runs elsewhere ({@code say}), the line lost their audio ({@code lost}),
     * or every transcribed line is busy ({@code overflow}); and the queue they go to.
     */
    public record PersonAtOnce(String say, String lost, String overflow, String queue) {
    }

    /**
     * The agents' list of callers waiting: those put through to a person from here, without the line's
     * screen-pop, are listed with why ({@code overflow}, {@code pressed-0}, {@code lost}, {@code shutdown}), and
     * taken off when Twilio reports that a call no stream heard to its end is over.
     */
    public interface WaitingList {
        void putThrough(String callSid, String why);

        void ended(String callSid);
    }

    /** What an angry call earns once it is over (a follow-up), for a call whose end no stream reported. */
    @FunctionalInterface
    public interface FollowUps {
        void ended(String callSid, String caller, String issue, double angerPeak);
    }

    public TwilioRoutes(String authToken, Optional<String> publicBaseUrl, int listenSeconds,
                        java.time.Duration streamStall, String greeting, CallStore calls, Channels channels, Transcripts transcripts, Transcriber transcriber,
                        Listeners listeners,
                        CallControl control, PersonAtOnce personAtOnce, CallbackOffer callbacks,
                        WaitingList waiting, FollowUps followUps, MeterRegistry metrics) {
        this.validator = new RequestValidator(authToken);
        this.urls = new PublicUrls(publicBaseUrl);
        this.twiml = new TwimlBuilder(listenSeconds);
        this.greeting = greeting;
        this.calls = calls;
        this.channels = channels;
        this.tokens = new StreamTokens(authToken);
        this.media = new MediaStream(transcriber, listeners, calls, transcripts, tokens, streamStall, metrics);
        this.metrics = metrics;
        this.control = control;
        this.personAtOnce = personAtOnce;
        this.callbacks = callbacks;
        this.transcriber = transcriber;
        this.transcripts = transcripts;
        this.waiting = waiting;
        this.ends = new CallEnds(calls, control, transcripts, waiting, followUps);
        media.overflowTo(callSid -> overflow(callSid, System.currentTimeMillis()));
        media.lostTo(this::streamLost);
        // Registered at zero so an operator can alert on it before the first one ever happens.
        metrics.counter("calmline.calls.overflow");
    }

    /**
     * Shutting down: new calls go straight to a person; every call streaming here has its audio finished
     * (within {@code grace}) and, unless it is already routed, with an agent or being hung up on with a
     * callback promised, is put through to a person, so no caller is left talking to a line that has gone.
     * None of these calls has ended: Twilio is asked, from now on, when each does.
     */
    public void drain(Transcriber transcriber, java.time.Duration grace) throws InterruptedException {
        transcriber.stopTaking();
        List<MediaStream.Detached> live = media.detachAll();
        transcriber.drain(grace);
        for (MediaStream.Detached detached : live) {
            String callSid = detached.callSid();
            ends.watch(callSid);
            Map<String, String> call;
            try {
                call = calls.call(callSid);
            } catch (JedisException e) {
                call = Map.of();
            }
            if (call.getOrDefault("queue", "").isEmpty() && !call.containsKey("agent") && !detached.withAgent()
                    && !"true".equals(call.get("callbackPromised"))) {
                log.info("call {}: shutting down; putting the caller through to {}", callSid, personAtOnce.queue());
                calls.updateCall(callSid, Map.of("state", "ROUTING", "queue", personAtOnce.queue(), "lost", "true"));
                waiting.putThrough(callSid, "shutdown");
                control.route(callSid, personAtOnce.lost(), personAtOnce.queue(), "{}");
            }
        }
    }

    /** Stops marking this instance's streams as alive, and asking Twilio whether calls have ended. */
    public void close() {
        media.close();
        ends.close();
    }

    /** An agent is on the call: if its stream is here, the outbound track is the agent now, and transcribed. */
    public void agentJoined(String callSid) {
        media.agentJoined(callSid);
    }

    public void register(RoutesConfig routes) {
        // Every line logged while Twilio's request for a call is handled names the call; cleared before and after,
        // so a pooled thread never lends one request's call to the next.
        routes.before("/twilio/*", TwilioRoutes::callContext);
        routes.after("/twilio/*", ctx -> MDC.remove(LogSafe.CALL_SID));
        routes.post(VOICE, this::answer);
        routes.post(LISTEN, this::listen);
        routes.post(WAIT, this::waiting);
        routes.post(WAIT_KEY, this::waitingKey);
        routes.post(CONNECT, this::connect);
        routes.wsBeforeUpgrade(MEDIA, ctx -> requireSignature(ctx, urls.websocket(ctx, MEDIA), Map.of()));
        routes.ws(MEDIA, media::configure);
    }

    private void answer(Context ctx) {
        Map<String, String> form = signedForm(ctx);
        String callSid = ctx.formParamAsClass("CallSid", String.class)
                .check(CallSid::valid, "CallSid: " + CallSid.SHAPE)
                .get();
        long now = System.currentTimeMillis();
        Map<String, String> call = new HashMap<>();
        call.put("callSid", callSid);
        call.put("from", form.getOrDefault("From", ""));
        call.put("to", form.getOrDefault("To", ""));
        call.put("started", Instant.ofEpochMilli(now).toString());
        call.put("state", "GREETING");
        metrics.counter("calmline.calls.answered").increment();
        if (!transcriber.hasRoom()) {
            // Past capacity every call would slow down together: this caller is greeted and goes straight
            // to a person, untranscribed, and the calls in progress keep real time.
            call.putAll(overflowFields());
            calls.createCall(callSid, now, call);
            overflowed(callSid, now);
            putThrough(callSid, "overflow");
            ctx.contentType(TWIML).result(control.routing(personAtOnce.overflow(), personAtOnce.queue(),
                    "{}"));
            return;
        }
        calls.createCall(callSid, now, call);
        log.info("call {}: answered, from {}", callSid, Redactor.phone(call.get("from")));
        ctx.contentType(TWIML)
                .result(twiml.greeting(urls.websocket(ctx, MEDIA), call.get("from"), tokens.issue(callSid), greeting,
                        urls.http(ctx, LISTEN)));
    }

    private void listen(Context ctx) {
        Map<String, String> form = signedForm(ctx);
        String callSid = required(form, "CallSid");
        String digits = form.getOrDefault("Digits", "");
        if (digits.equals("1")) {
            media.keyPressed(callSid, digits);
            Optional<String> confirmed = callbacks.requested(callSid, form.getOrDefault("From", ""));
            if (confirmed.isPresent()) {
                ctx.contentType(TWIML).result(control.sayingThenHangingUp(confirmed.get()));
                return;
            }
        }
        if (!digits.isEmpty() && !digits.equals("1") && !media.keyPressed(callSid, digits) && digits.equals("0")) {
            // The call's conversation runs elsewhere (or its stream is gone): a caller who asked for a person
            // must not be left listening, so route them from here.
            log.info("call {}: pressed 0 with no conversation here; routing to {}", callSid, personAtOnce.queue());
            calls.updateCall(callSid, Map.of("state", "ROUTING", "queue", personAtOnce.queue()));
            putThrough(callSid, "pressed-0");
            ctx.contentType(TWIML).result(control.routing(personAtOnce.say(), personAtOnce.queue(), "{}"));
            return;
        }
        if (media.lost(callSid) && firstToPutThroughLost(callSid)) {
            // Nobody is listening to this caller any more (the stream dropped, the worker failed, the instance
            // holding it died): put them through rather than leave them talking to silence.
            log.warn("call {}: no live stream; routing to {}", callSid, personAtOnce.queue());
            lost(callSid);
            ctx.contentType(TWIML).result(control.routing(personAtOnce.lost(), personAtOnce.queue(), "{}"));
            return;
        }
        ctx.contentType(TWIML).result(twiml.listen(urls.http(ctx, LISTEN)));
    }

    /**
     * A stream that went quiet without stopping, now ended here as if it had dropped: its caller is put
     * through at once, through Twilio's REST API, rather than at the next listening round. Not a caller a
     * person has already (queued, with an agent, or promised a call back and being hung up on): the stream
     * of such a call may stop, and they must not be put through twice. If Redis cannot say, the caller is put
     * through: an unneeded move beats a caller left talking to a line that no longer hears them.
     */
    private void streamLost(String callSid, boolean withAgent) {
        Map<String, String> call;
        try {
            call = calls.call(callSid);
        } catch (JedisException e) {
            call = Map.of();
        }
        if (withAgent || !call.getOrDefault("queue", "").isEmpty() || call.containsKey("agent")
                || "true".equals(call.get("callbackPromised")) || !firstToPutThroughLost(callSid)) {
            log.info("call {}: its stream is lost, but the caller is already queued for, or with, a person", callSid);
            return;
        }
        log.warn("call {}: its stream is lost; putting the caller through to {}", callSid, personAtOnce.queue());
        lost(callSid);
        control.route(callSid, personAtOnce.lost(), personAtOnce.queue(), "{}");
    }

    /**
     * Once per call, across instances and paths (a listening round that finds the call unheard, the stream
     * watcher that finds it quiet): the first to claim it puts the caller through. If Redis cannot say, this
     * instance's own checks stand.
     */
    private boolean firstToPutThroughLost(String callSid) {
        String now = Instant.now().toString();
        try {
            return calls.claimCall(callSid, "lostAt", now).equals(now);
        } catch (JedisException e) {
            return true;
        }
    }

    /** A caller whose audio the line lost, on their way to a person with what is known of them. */
    private void lost(String callSid) {
        metrics.counter("calmline.calls.lost").increment();
        calls.updateCall(callSid, Map.of("state", "ROUTING", "queue", personAtOnce.queue(), "lost", "true"));
        putThrough(callSid, "lost");
    }

    /**
     * A call whose stream reached this instance when every transcribed line here was busy (the webhook was
     * answered elsewhere, or by a burst of calls at once): sent to a person through Twilio's REST API.
     */
    private void overflow(String callSid, long now) {
        calls.updateCall(callSid, overflowFields());
        overflowed(callSid, now);
        putThrough(callSid, "overflow");
        control.route(callSid, personAtOnce.overflow(), personAtOnce.queue(), "{}");
    }

    /**
     * A caller put through to a person from here, without the line's screen-pop: agents see them waiting all
     * the same, and since no stream of theirs will say when they hang up, Twilio is asked.
     */
    private void putThrough(String callSid, String why) {
        waiting.putThrough(callSid, why);
        ends.watch(callSid);
    }

    private Map<String, String> overflowFields() {
        return Map.of("state", "ROUTING", "queue", personAtOnce.queue(), "overflow", "true");
    }

    private void overflowed(String callSid, long now) {
        metrics.counter("calmline.calls.overflow").increment();
        transcripts.overflowed(callSid, now, personAtOnce.queue());
        log.warn("call {}: all {} transcribed lines busy; put straight through to {} without transcription", callSid,
                transcriber.maxCalls(), personAtOnce.queue());
    }

    /** Twilio's wait URL while the caller is queued: remember the queue's sid, tell them where they are. */
    private void waiting(Context ctx) {
        Map<String, String> form = signedForm(ctx);
        String callSid = required(form, "CallSid");
        String queueSid = form.getOrDefault("QueueSid", "");
        if (queueSid.matches("QU[0-9a-fA-F]{32}")) {
            calls.updateCall(callSid, Map.of("queueSid", queueSid));
        }
        int position;
        try {
            position = Math.max(1, Integer.parseInt(form.getOrDefault("QueuePosition", "1")));
        } catch (NumberFormatException e) {
            position = 1;
        }
        int waitSeconds;
        try {
            waitSeconds = Math.max(0, Integer.parseInt(form.getOrDefault("AvgQueueTime", "0")));
        } catch (NumberFormatException e) {
            waitSeconds = 0;
        }
        ctx.contentType(TWIML).result(twiml.waiting(position, waitSeconds, urls.http(ctx, WAIT_KEY)));
    }

    /** A key pressed while queued: 1 leaves the queue for a callback at the earliest slot. */
    private void waitingKey(Context ctx) {
        Map<String, String> form = signedForm(ctx);
        String callSid = required(form, "CallSid");
        if (form.getOrDefault("Digits", "").equals("1")) {
            Optional<String> confirmed = callbacks.requested(callSid, form.getOrDefault("From", ""));
            if (confirmed.isPresent()) {
                calls.updateCall(callSid, Map.of("state", "CALLBACK_REQUESTED"));
                ctx.contentType(TWIML).result(control.sayingThenHangingUp(confirmed.get()));
                return;
            }
        }
        ctx.contentType(TWIML).result(twiml.redirect(urls.http(ctx, WAIT)));
    }

    /** The form of a request Twilio signed; 403 if it did not. For other packages' Twilio webhooks. */
    public Map<String, String> verified(Context ctx) {
        return signedForm(ctx);
    }

    /** Fetched by the caller's call when an agent takes it: dial that agent. */
    private void connect(Context ctx) {
        Map<String, String> form = signedForm(ctx);
        String callSid = required(form, "CallSid");
        String agent = ctx.queryParamAsClass("agent", String.class).check(a -> a.matches("[A-Za-z0-9_.@-]{1,64}"),
                "agent must be a user name").get();
        String to = ctx.queryParamAsClass("to", String.class).check(t -> t.matches(DIAL_TARGET),
                "to must be client:IDENTITY or an E.164 number").get();
        calls.updateCall(callSid, Map.of("state", "WITH_AGENT", "connected", Instant.now().toString(),
                "agent", agent));
        channels.announce(AGENT_JOINED, callSid);
        log.info("call {}: connecting to agent {}", callSid, agent);
        ctx.contentType(TWIML).result(twiml.dialAgent(to));
    }

    /** Only a well-formed sid goes into the MDC: the form is not yet signature-checked here. */
    private static void callContext(Context ctx) {
        MDC.remove(LogSafe.CALL_SID);
        List<String> sids = readableForm(ctx).getOrDefault("CallSid", List.of());
        if (!sids.isEmpty() && CallSid.valid(sids.get(0))) {
            MDC.put(LogSafe.CALL_SID, sids.get(0));
        }
    }

    private static String required(Map<String, String> form, String name) {
        String value = form.get(name);
        if (value == null || value.isEmpty()) {
            throw new BadRequestResponse(name + " is required");
        }
        return value;
    }

    private Map<String, String> signedForm(Context ctx) {
        Map<String, String> form = new HashMap<>();
        readableForm(ctx).forEach((k, v) -> form.put(k, v.isEmpty() ? "" : v.get(0)));
        String query = ctx.queryString();
        requireSignature(ctx, urls.http(ctx, ctx.path()) + (query == null ? "" : "?" + query), form);
        return form;
    }

    /**
     * The request's form. Twilio posts url-encoded forms only, so a multipart body is refused unread: Jetty would
     * parse it (and spool its parts to disk) before anyone knew who sent it, and after a broken one it drops the
     * connection unannounced. A body that cannot be read (an unknown charset, a body cut off) is the sender's
     * fault, answered with Jetty's status for it or 400, not a 500 and a stack trace; Javalin's own answers (413
     * for a body over its size limit) stand.
     */
    private static Map<String, List<String>> readableForm(Context ctx) {
        if (ctx.isMultipart()) {
            throw new HttpResponseException(415, "Twilio webhooks are url-encoded forms");
        }
        try {
            return ctx.formParamMap();
        } catch (HttpResponseException e) {
            throw e;
        } catch (Exception e) {
            int status = 400;
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof HttpException h && h.getCode() >= 400 && h.getCode() < 500) {
                    status = h.getCode();
                    break;
                }
            }
            throw new HttpResponseException(status, "the request's body is not a readable form");
        }
    }

    private void requireSignature(Context ctx, String url, Map<String, String> params) {
        String signature = ctx.header("X-Twilio-Signature");
        if (signature == null || !validator.validate(url, params, signature)) {
            metrics.counter("calmline.webhooks.forged").increment();
            forged.log(log, "rejected request to {} from {}: {} X-Twilio-Signature", LogSafe.text(ctx.path()),
                    LogSafe.text(ctx.ip()), signature == null ? "missing" : "wrong");
            throw new ForbiddenResponse("invalid Twilio signature");
        }
    }
}

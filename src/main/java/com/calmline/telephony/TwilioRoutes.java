package com.calmline.telephony;

import com.calmline.review.Transcripts;
import com.calmline.speech.Transcriber;
import com.calmline.store.Store;
import com.twilio.security.RequestValidator;
import io.javalin.config.RoutesConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Twilio's side of the line: the voice webhooks and the media stream, every request signature-checked. */
public final class TwilioRoutes {
    private static final Logger log = LoggerFactory.getLogger(TwilioRoutes.class);
    static final String VOICE = "/twilio/voice";
    static final String LISTEN = "/twilio/listen";
    static final String MEDIA = "/twilio/media";

    private final RequestValidator validator;
    private final PublicUrls urls;
    private final TwimlBuilder twiml;
    private final String greeting;
    private final Store store;
    private final MediaStream media;
    private final MeterRegistry metrics;

    public TwilioRoutes(String authToken, Optional<String> publicBaseUrl, int listenSeconds, String greeting,
                        Store store, Transcripts transcripts, Transcriber transcriber,
                        BiFunction<String, Transcriber.AudioClock, Transcriber.Listener> listeners,
                        MeterRegistry metrics) {
        this.validator = new RequestValidator(authToken);
        this.urls = new PublicUrls(publicBaseUrl);
        this.twiml = new TwimlBuilder(listenSeconds);
        this.greeting = greeting;
        this.store = store;
        this.media = new MediaStream(transcriber, listeners, store, transcripts, metrics);
        this.metrics = metrics;
    }

    public void register(RoutesConfig routes) {
        routes.post(VOICE, this::answer);
        routes.post(LISTEN, this::listen);
        routes.wsBeforeUpgrade(MEDIA, ctx -> requireSignature(ctx, urls.websocket(ctx, MEDIA), Map.of()));
        routes.ws(MEDIA, media::configure);
    }

    private void answer(Context ctx) {
        Map<String, String> form = signedForm(ctx);
        String callSid = ctx.formParamAsClass("CallSid", String.class)
                .check(s -> s.matches("CA[0-9a-fA-F]{32}"), "CallSid must be CA followed by 32 hex digits")
                .get();
        long now = System.currentTimeMillis();
        Map<String, String> call = new HashMap<>();
        call.put("callSid", callSid);
        call.put("from", form.getOrDefault("From", ""));
        call.put("to", form.getOrDefault("To", ""));
        call.put("started", Instant.ofEpochMilli(now).toString());
        call.put("state", "GREETING");
        store.createCall(callSid, now, call);
        metrics.counter("calmline.calls.answered").increment();
        log.info("call {}: answered, from {}", callSid, call.get("from"));
        ctx.contentType("application/xml")
                .result(twiml.greeting(urls.websocket(ctx, MEDIA), greeting, urls.http(ctx, LISTEN)));
    }

    private void listen(Context ctx) {
        Map<String, String> form = signedForm(ctx);
        String callSid = form.get("CallSid");
        String digits = form.getOrDefault("Digits", "");
        if (callSid == null) {
            throw new BadRequestResponse("CallSid is required");
        }
        if (!digits.isEmpty()) {
            media.keyPressed(callSid, digits);
        }
        ctx.contentType("application/xml").result(twiml.listen(urls.http(ctx, LISTEN)));
    }

    private Map<String, String> signedForm(Context ctx) {
        Map<String, String> form = new HashMap<>();
        ctx.formParamMap().forEach((k, v) -> form.put(k, v.isEmpty() ? "" : v.get(0)));
        String query = ctx.queryString();
        requireSignature(ctx, urls.http(ctx, ctx.path()) + (query == null ? "" : "?" + query), form);
        return form;
    }

    private void requireSignature(Context ctx, String url, Map<String, String> params) {
        String signature = ctx.header("X-Twilio-Signature");
        if (signature == null || !validator.validate(url, params, signature)) {
            metrics.counter("calmline.webhooks.forged").increment();
            log.warn("rejected request to {} from {}: {} X-Twilio-Signature", ctx.path(), ctx.ip(),
                    signature == null ? "missing" : "wrong");
            throw new ForbiddenResponse("invalid Twilio signature");
        }
    }
}

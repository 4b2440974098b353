package com.calmline.telephony;

import com.calmline.privacy.LogSafe;
import com.calmline.review.CallEvent;
import com.calmline.review.Transcripts;
import com.calmline.speech.Transcriber;
import com.calmline.store.CallStore;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The {@code /twilio/media} WebSocket. Jetty delivers one socket's messages one at a time, so each
 * call's state is touched by one thread at a time; decoding happens on the transcriber's worker.
 * <p>
 * A stream that goes quiet without stopping ({@link StreamStalls}) is lost as if its socket had dropped: one
 * watcher thread for the whole instance looks over every stream a few times per stall period, rather than a
 * timer per call, which would be a thread or a scheduled task to create and cancel for every frame.
 */
final class MediaStream {
    private static final Logger log = LoggerFactory.getLogger(MediaStream.class);
    private static final int MAX_HELD_FRAMES = 50;
    private static final int POLICY_VIOLATION = 1008;
    private static final Duration BEAT = Duration.ofSeconds(2);
    /** A stream not marked alive for this long is gone: three beats missed. */
    private static final Duration ALIVE = BEAT.multipliedBy(3);
    /** How long after the answer a call may go without its stream having started, before it counts as lost. */
    private static final Duration FIRST_STREAM = Duration.ofSeconds(10);
    /** As long as a call is kept; a call has one stream in its whole life. */
    private static final Duration STREAM_CLAIM = Duration.ofDays(400);
    /**
     * How long a socket may stay open without starting a stream. Twilio starts at once; the upgrade's signature
     * is the same for every call, so whoever has seen one could otherwise hold sockets open for ever.
     */
    private static final Duration START_WITHIN = Duration.ofSeconds(10);

    private static final class Call {
        final FrameOrder order = new FrameOrder(MAX_HELD_FRAMES);
        final WsContext socket;
        String callSid;
        volatile Transcriber.Session audio;
        boolean ended;
        volatile long lastMediaMs;
        volatile boolean agent;
        boolean refused;

        Call(WsContext socket) {
            this.socket = socket;
        }
    }

    private final Map<String, Call> calls = new ConcurrentHashMap<>();
    private final Map<String, Call> byCallSid = new ConcurrentHashMap<>();
    /** Calls whose stream is open here: the check that holds while Redis is away. */
    private final Set<String> streamed = ConcurrentHashMap.newKeySet();
    private final Transcriber transcriber;
    private final TwilioRoutes.Listeners listeners;
    private final CallStore store;
    private final Transcripts transcripts;
    private final MeterRegistry metrics;
    private final StreamTokens tokens;
    private final ScheduledExecutorService heartbeat;
    /**
     * Its own thread, not the heartbeat's: putting a caller through is a Twilio request that may take
     * TWILIO_TIMEOUT_MS, which must not hold up the marks that tell other instances a call is heard.
     */
    private final ScheduledExecutorService stallWatch;
    private final StreamStalls<Call> stalls;
    private final Duration stall;
    private boolean beatFailed;
    private final LogSafe.Limit malformed = new LogSafe.Limit("malformed-media-frame", Level.WARN, 10);
    private final LogSafe.Limit refused = new LogSafe.Limit("refused-stream", Level.WARN, 10);
    private final LogSafe.Limit socketErrors = new LogSafe.Limit("media-socket-error", Level.WARN, 10);
    private java.util.function.Consumer<String> overflow = callSid -> { };
    private Lost lost = (callSid, withAgent) -> { };

    /** Where a call goes whose stream went quiet: {@code withAgent} when an agent joined it here. */
    @FunctionalInterface
    interface Lost {
        void stream(String callSid, boolean withAgent);
    }

    MediaStream(Transcriber transcriber, TwilioRoutes.Listeners listeners, CallStore store,
                Transcripts transcripts, StreamTokens tokens, Duration stall, MeterRegistry metrics) {
        this.tokens = tokens;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stream-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleWithFixedDelay(this::beat, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
        this.stall = stall;
        this.stalls = new StreamStalls<>(stall, System::nanoTime);
        this.stallWatch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stream-stalls");
            t.setDaemon(true);
            return t;
        });
        // Four looks per stall period: a stalled stream is found within 1.25 × STREAM_STALL_SECONDS.
        long every = Math.max(50, Math.min(1000, stall.toMillis() / 4));
        stallWatch.scheduleWithFixedDelay(this::watchStalls, every, every, TimeUnit.MILLISECONDS);
        // Registered at zero so an operator can alert on it before the first one ever happens.
        metrics.counter("calmline.streams.stalled");
        this.transcriber = transcriber;
        this.listeners = listeners;
        this.store = store;
        this.transcripts = transcripts;
        this.metrics = metrics;
    }

    /** Where a call goes whose stream arrives when this instance transcribes as many calls as it may. */
    void overflowTo(java.util.function.Consumer<String> overflow) {
        this.overflow = overflow;
    }

    /** Where a call goes whose stream went quiet: put through to a person, unless a person has it already. */
    void lostTo(Lost lost) {
        this.lost = lost;
    }

    void configure(WsConfig ws) {
        ws.onConnect(ctx -> {
            Call call = new Call(ctx);
            calls.put(ctx.sessionId(), call);
            heartbeat.schedule(() -> closeUnlessStarted(call), START_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
        });
        ws.onMessage(ctx -> {
            Call call = calls.get(ctx.sessionId());
            inCall(call, () -> receive(call, ctx.message()));
        });
        ws.onClose(ctx -> {
            Call call = calls.remove(ctx.sessionId());
            inCall(call, () -> end(call));
        });
        ws.onError(ctx -> inCall(calls.get(ctx.sessionId()), () -> socketErrors.log(log, "media socket error: {}",
                LogSafe.text(ctx.error()))));
    }

    /** Runs {@code work} with the call's sid, once its stream has started, on every line it logs. */
    private static void inCall(Call call, Runnable work) {
        if (call != null && call.callSid != null) {
            MDC.put(LogSafe.CALL_SID, call.callSid);
        }
        try {
            work.run();
        } finally {
            MDC.remove(LogSafe.CALL_SID);
        }
    }

    private void receive(Call call, String text) {
        if (call.refused) {
            return;
        }
        MediaMessage message;
        try {
            message = MediaMessage.parse(text);
        } catch (MediaMessage.Malformed e) {
            malformed.log(log, "call {}: dropped malformed media frame ({})", call.callSid,
                    LogSafe.text(e.getMessage()));
            count("malformed-" + e.reason);
            return;
        }
        if (message instanceof MediaMessage.Connected) {
            return;
        }
        stalls.heard(call, message instanceof MediaMessage.Media m ? m.timestampMs() + m.payload().length / 8 : -1);
        long duplicatesBefore = call.order.duplicates();
        List<MediaMessage> ready = call.order.offer(message);
        if (call.order.duplicates() > duplicatesBefore) {
            count("duplicate");
        }
        ready.forEach(m -> handle(call, m));
    }

    private void handle(Call call, MediaMessage message) {
        if (message instanceof MediaMessage.Start s) {
            start(call, s);
        } else if (message instanceof MediaMessage.Media m) {
            media(call, m);
        } else if (message instanceof MediaMessage.Dtmf d) {
            dtmf(call, d);
        } else if (message instanceof MediaMessage.Stop) {
            finish(call);
        } else if (message instanceof MediaMessage.Mark m) {
            log.debug("call {}: mark {}", call.callSid, m.name());
        }
    }

    private void start(Call call, MediaMessage.Start start) {
        if (call.audio != null) {
            count("malformed-restart");
            return;
        }
        if (!tokens.valid(start.callSid(), start.token())) {
            refuse(call, "not-this-call", "its token was not issued for call " + LogSafe.text(start.callSid()));
            return;
        }
        if (!firstStream(start.callSid())) {
            refuse(call, "second-stream", "call " + start.callSid() + " already had its stream");
            return;
        }
        call.callSid = start.callSid();
        MDC.put(LogSafe.CALL_SID, call.callSid);
        Optional<Transcriber.Session> audio = transcriber.open(start.callSid(),
                clock -> listeners.forCall(start.callSid(), start.caller(), clock));
        if (audio.isEmpty()) {
            call.refused = true;
            count("overflow");
            overflow.accept(start.callSid());
            call.socket.closeSession(1000, "not transcribed: every line busy");
            return;
        }
        byCallSid.put(start.callSid(), call);
        call.audio = audio.get();
        stalls.started(call);
        store.updateCall(start.callSid(), Map.of("streamSid", start.streamSid(),
                "streamStarted", Instant.now().toString()));
        log.info("call {}: media stream {} started", start.callSid(), start.streamSid());
    }

    /**
     * One stream per call, ever, across instances: a replayed stream URL, or a stream for a call that has
     * ended, is refused. While Redis is away this instance's own memory is the check.
     */
    private boolean firstStream(String callSid) {
        if (!streamed.add(callSid)) {
            return false;
        }
        try {
            return store.markOnce(callSid, "stream", Instant.now().toString(), STREAM_CLAIM);
        } catch (JedisException e) {
            log.warn("call {}: Redis unavailable, so only this instance checks the stream is the call's first: {}",
                    callSid, e.getMessage());
            return true;
        }
    }

    private void closeUnlessStarted(Call call) {
        if (call.audio == null && !call.refused && calls.containsKey(call.socket.sessionId())) {
            refuse(call, "no-start", "no stream started within " + START_WITHIN.toSeconds() + " s of connecting");
        }
    }

    private void refuse(Call call, String reason, String why) {
        call.refused = true;
        count("refused-" + reason);
        refused.log(log, "refused a media stream: {}", why);
        call.socket.closeSession(POLICY_VIOLATION, "stream refused");
    }

    private void media(Call call, MediaMessage.Media media) {
        if (call.audio == null || call.ended) {
            count(call.ended ? "after-stop" : "before-start");
            return;
        }
        if (media.track().equals(Transcriber.CALLER)) {
            call.lastMediaMs = Math.max(call.lastMediaMs, media.timestampMs() + media.payload().length / 8);
        }
        count(call.audio.offer(media.track(), media.timestampMs(), media.payload()) ? "accepted" : "backlog-full");
    }

    private void dtmf(Call call, MediaMessage.Dtmf dtmf) {
        if (call.callSid != null) {
            keyPressed(call.callSid, dtmf.digit());
        }
    }

    /**
     * Records a key press, from the stream or from the Gather webhook, at the caller's audio position;
     * -1 when the call's stream is on another instance and the position is unknown here. True when the
     * call's conversation runs here and was given the key.
     */
    boolean keyPressed(String callSid, String digits) {
        Call call = byCallSid.get(callSid);
        long atMs = call == null ? -1 : call.lastMediaMs;
        String keys = digits.replaceAll("[^0-9*#A-D]", "");
        // Only the keys the line acts on are kept: a caller keying in a card number leaves no digits behind.
        String recorded = keys.matches("[01]") ? keys : "•".repeat(keys.length());
        transcripts.record(callSid, new CallEvent.Dtmf(atMs, recorded));
        return call != null && call.audio != null && call.audio.press(keys);
    }

    /** Marks, in Redis, every call whose audio this instance is still transcribing: the others' way to know. */
    private void beat() {
        List<String> alive = byCallSid.values().stream().filter(c -> c.audio != null && c.audio.running())
                .map(c -> c.callSid).toList();
        if (alive.isEmpty()) {
            return;
        }
        try {
            store.markHeard(alive, ALIVE);
            beatFailed = false;
        } catch (JedisException e) {
            if (!beatFailed) {
                log.warn("cannot mark live streams in Redis: {}", e.getMessage());
                beatFailed = true;
            }
        }
    }

    /**
     * True when nobody is transcribing this call any more: not here, and not, by its mark in Redis, on
     * another instance, and it has been answered long enough for its stream to have started. If Redis
     * cannot say, the call is not counted lost: routing a caller who is being heard would cut them off.
     */
    boolean lost(String callSid) {
        Call here = byCallSid.get(callSid);
        if (here != null && here.audio != null && here.audio.running()) {
            return false;
        }
        try {
            if (store.heard(callSid)) {
                return false;
            }
            Map<String, String> call = store.call(callSid);
            if (call.isEmpty() || !call.getOrDefault("queue", "").isEmpty()) {
                return false;
            }
            boolean stoppedHere = here != null && here.audio != null;
            return stoppedHere || call.containsKey("streamEnded") || Duration.between(
                    Instant.parse(call.getOrDefault("started", Instant.now().toString())), Instant.now())
                    .compareTo(FIRST_STREAM) > 0;
        } catch (JedisException | java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    void close() {
        heartbeat.shutdownNow();
        stallWatch.shutdownNow();
    }

    /** Never throws: a scheduled task that throws once never runs again. */
    private void watchStalls() {
        for (Call call : stalls.stalled()) {
            inCall(call, () -> {
                try {
                    stalled(call);
                } catch (RuntimeException e) {
                    log.error("call {}: could not hand over its lost stream", call.callSid, e);
                }
            });
        }
    }

    /**
     * The stream went quiet without stopping: its audio ends here as when its socket drops, the caller goes
     * where a lost stream's caller goes, and the socket is closed rather than left to Jetty's idle timeout.
     * Nothing if the stream stopped meanwhile (its stop, its socket's close or a shutdown got there first).
     */
    private void stalled(Call call) {
        if (!stopHearing(call, false)) {
            return;
        }
        metrics.counter("calmline.streams.stalled").increment();
        log.warn("call {}: no media for {} s, though its stream is open; the stream is lost", call.callSid,
                stall.toMillis() / 1000.0);
        lost.stream(call.callSid, call.agent);
        call.socket.closeSession(1000, "no media for " + stall.toSeconds() + " s");
    }

    void agentJoined(String callSid) {
        Call call = byCallSid.get(callSid);
        if (call != null && call.audio != null && call.audio.agentJoined()) {
            call.agent = true;
            transcripts.record(callSid, new CallEvent.AgentJoined(call.lastMediaMs));
            log.info("call {}: agent joined; transcribing the outbound track", callSid);
        }
    }

    private void end(Call call) {
        if (call != null) {
            call.order.drain().forEach(m -> handle(call, m));
            finish(call);
            if (call.callSid != null) {
                byCallSid.remove(call.callSid);
                streamed.remove(call.callSid);
            }
        }
    }


    /** A call no longer heard here after a shutdown, while the caller stays on; {@code withAgent}: an agent joined. */
    record Detached(String callSid, boolean withAgent) {
    }

    /**
     * Shutting down: stops hearing every call streaming here (their last utterances and summaries are
     * stored), while the calls themselves go on, and returns them.
     */
    List<Detached> detachAll() {
        List<Detached> detached = new java.util.ArrayList<>();
        for (Call call : byCallSid.values()) {
            if (stopHearing(call, true)) {
                detached.add(new Detached(call.callSid, call.agent));
            }
        }
        return detached;
    }

    private void finish(Call call) {
        stopHearing(call, false);
    }

    /**
     * Ends the call's audio here, once, from its socket's thread (the call ended) or at shutdown (it goes on);
     * true the one time it does.
     */
    private boolean stopHearing(Call call, boolean callGoesOn) {
        synchronized (call) {
            if (call.audio == null || call.ended) {
                return false;
            }
            call.ended = true;
        }
        stalls.forget(call);
        if (callGoesOn) {
            call.audio.detach();
        } else {
            call.audio.finish();
        }
        store.updateCall(call.callSid, Map.of("streamEnded", Instant.now().toString(),
                "duplicateFrames", Long.toString(call.order.duplicates()),
                "skippedFrames", Long.toString(call.order.skipped())));
        return true;
    }

    private void count(String result) {
        metrics.counter("calmline.media.frames", "result", result).increment();
    }
}

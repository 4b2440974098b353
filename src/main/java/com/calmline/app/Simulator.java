package com.calmline.app;

import com.calmline.json.Json;
import com.calmline.telephony.TwilioSignature;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays Twilio's part in a call: the signed voice webhook, then the signed Media Stream WebSocket with
 * 20 ms μ-law frames, then reads back the events the server recorded.
 */
public final class Simulator {
    public static final int FRAME_BYTES = 160;
    private static final Pattern STREAM_URL = Pattern.compile("<Stream[^>]*\\surl=\"([^\"]+)\"");
    private static final Pattern PARAMETER = Pattern.compile("<Parameter name=\"([^\"]+)\" value=\"([^\"]*)\"");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long a listening caller takes to answer once the line has finished (stream ms). */
    public static final long REACTION_MS = 600;
    /**
     * Wall-clock time the service gets, once it has transcribed what the caller said before a pause, to decide on
     * the pause (what is left of it is voice activity only, which takes it microseconds a frame).
     */
    private static final long DECISION_GRACE_MS = 100;
    /** A silence this long ends a caller's turn with the service's default settings ({@code PAUSE_MS}). */
    private static final long TURN_PAUSE_MS = 1000;
    private static final Duration TRANSCRIPTION_PATIENCE = Duration.ofSeconds(10);
    private static final byte MULAW_SILENCE = (byte) 0xFF;
    private static final Duration KEEP_SENDING = Duration.ofSeconds(1);

    /** The caller waited {@code ms} of stream time for the line before the fixture audio at {@code atMs}. */
    public record Wait(long atMs, long ms) {
    }

    /** How a call was played: where the caller waited for the line, so audio positions map to stream times. */
    public record Playback(List<Wait> waits) {
        public long streamMs(long audioMs) {
            return audioMs + waits.stream().filter(w -> w.atMs() <= audioMs).mapToLong(Wait::ms).sum();
        }
    }

    private final URI base;
    private final String signingBase;
    private final String authToken;
    private final Optional<String> apiToken;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param base        where the service is reached
     * @param signingBase the service's public base URL, which Twilio signs (differs from {@code base} behind a proxy)
     */
    Simulator(URI base, String signingBase, String authToken, Optional<String> apiToken) {
        this.base = URI.create(base.toString().replaceAll("/+$", ""));
        this.signingBase = signingBase.replaceAll("/+$", "");
        this.authToken = authToken;
        this.apiToken = apiToken;
    }

    /**
     * A number a caller could really have in {@code region}: libphonenumber's own example, so it is valid where
     * the service checks numbers (a callback can be promised to it), unlike the 555-01xx numbers of fiction.
     */
    public static String exampleCaller(String region) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        Phonenumber.PhoneNumber example = util.getExampleNumberForType(region, PhoneNumberUtil.PhoneNumberType.MOBILE);
        if (example == null) {
            throw new IllegalArgumentException("no example phone number for region " + region);
        }
        return util.format(example, PhoneNumberUtil.PhoneNumberFormat.E164);
    }

    public static String newSid(String prefix) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    /** Twilio's first request for an incoming call; returns the call once the TwiML names a stream. */
    public Call dial(String from, String to) throws IOException, InterruptedException {
        String callSid = newSid("CA");
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", callSid);
        form.put("AccountSid", newSid("AC"));
        form.put("From", from);
        form.put("To", to);
        form.put("CallStatus", "ringing");
        form.put("Direction", "inbound");
        form.put("ApiVersion", "2010-04-01");
        HttpResponse<String> answer = post("/twilio/voice", form);
        if (answer.statusCode() != 200) {
            throw new IOException("POST /twilio/voice answered " + answer.statusCode() + ": " + answer.body());
        }
        Matcher m = STREAM_URL.matcher(answer.body());
        if (!m.find()) {
            throw new IOException("the TwiML starts no media stream: " + answer.body());
        }
        return new Call(callSid, m.group(1).replace("&amp;", "&"), answer.body());
    }

    public HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioSignature.sign(authToken, signingBase + path, form))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The events the server recorded for a call, oldest first. */
    public List<JsonNode> events(String callSid) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/calls/" + callSid + "/events"));
        apiToken.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET events answered " + response.statusCode() + ": " + response.body());
        }
        List<JsonNode> events = new ArrayList<>();
        Json.parse(response.body()).forEach(events::add);
        return events;
    }

    /** The call's record as the server keeps it: {@code call} (its fields) and {@code utterances}, words and all. */
    JsonNode record(String callSid) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/api/calls/" + callSid));
        apiToken.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET call answered " + response.statusCode() + ": " + response.body());
        }
        return Json.parse(response.body());
    }

    /** Waits until the server has recorded the call's {@code end} event, then returns all its events. */
    public List<JsonNode> awaitEnd(String callSid, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> events = events(callSid);
            if (!events.isEmpty() && events.get(events.size() - 1).path("type").asText().equals("end")) {
                return events;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no end event for " + callSid + " after " + timeout);
            }
            Thread.sleep(100);
        }
    }

    /**
     * A whole call from {@code from} to {@code to}, as Twilio makes it: the webhook, the stream at {@code speed}×
     * real time, {@code stop}; then the events the server recorded, once it has recorded the end.
     */
    public List<JsonNode> playCall(String from, String to, byte[] mulaw, double speed, Duration patience)
            throws IOException, InterruptedException {
        return playCall(from, to, mulaw, Optional.empty(), speed, patience);
    }

    /** The same, with a caller who waits for the line before each sentence of {@code script} that does not cut in. */
    public List<JsonNode> playCall(String from, String to, byte[] mulaw, Optional<CallScript> script, double speed,
                            Duration patience) throws IOException, InterruptedException {
        return play(from, to, mulaw, script, speed, patience).events();
    }

    /** A call as played: where the caller waited for the line, and the events the server recorded. */
    public record Played(String callSid, Playback playback, List<JsonNode> events) {
    }

    public Played play(String from, String to, byte[] mulaw, Optional<CallScript> script, double speed, Duration patience)
            throws IOException, InterruptedException {
        return play(from, to, mulaw, script, speed, patience, Duration.ZERO, call -> { });
    }

    /**
     * The same, with a caller who stays on the line for {@code hold} once their audio has ended (told to
     * {@code holding} as the hold begins), as a real caller waits in the queue for an agent.
     */
    public Played play(String from, String to, byte[] mulaw, Optional<CallScript> script, double speed, Duration patience,
                       Duration hold, Consumer<Call> holding) throws IOException, InterruptedException {
        Call call = dial(from, to);
        Playback playback = new Playback(List.of());
        try (call) {
            call.connect();
            if (script.isPresent()) {
                playback = call.playListening(mulaw, script.get(), speed);
            } else {
                call.play(mulaw, speed);
            }
            if (!hold.isZero()) {
                holding.accept(call);
                call.hold(hold);
            }
            call.stop();
        }
        return new Played(call.callSid, playback, awaitEnd(call.callSid, patience));
    }

    /** Until when the line expects to be talking, by the last decision the service recorded; 0 if silent. */
    public long lineUntilMs(String callSid) throws IOException, InterruptedException {
        List<JsonNode> events = events(callSid);
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).path("type").asText().equals("decision")) {
                return events.get(i).path("lineUntilMs").asLong();
            }
        }
        return 0;
    }

    /** One call's media stream, numbered and timed as Twilio numbers and times it. */
    public final class Call implements AutoCloseable {
        public final String callSid;
        final String streamUrl;
        public final String twiml;
        private final String streamSid = newSid("MZ");
        private final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
        private WebSocket socket;
        private long sequence = 1;
        private long chunk = 1;
        private long timestampMs;

        private Call(String callSid, String streamUrl, String twiml) {
            this.callSid = callSid;
            this.streamUrl = streamUrl;
            this.twiml = twiml;
        }

        /**
         * Opens the WebSocket the TwiML named, signed for that URL as Twilio signs it, but connected to where the
         * service actually is, and sends {@code connected} and {@code start}.
         */
        public Call connect() {
            URI named = URI.create(streamUrl);
            URI actual = URI.create(base.toString().replaceFirst("^http", "ws") + named.getRawPath());
            socket = http.newWebSocketBuilder()
                    .header("X-Twilio-Signature", TwilioSignature.sign(authToken, streamUrl, Map.of()))
                    .buildAsync(actual, new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            ws.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                            closedWith.complete(code);
                            return null;
                        }

                        @Override
                        public void onError(WebSocket ws, Throwable error) {
                            closedWith.completeExceptionally(error);
                        }
                    }).join();
            send(Json.object().put("event", "connected").put("protocol", "Call").put("version", "1.0.0"));
            ObjectNode start = message("start");
            ObjectNode body = start.putObject("start").put("streamSid", streamSid).put("accountSid", newSid("AC"))
                    .put("callSid", callSid);
            body.putArray("tracks").add("inbound").add("outbound");
            ObjectNode parameters = body.putObject("customParameters");
            Matcher p = PARAMETER.matcher(twiml);
            while (p.find()) {
                parameters.put(p.group(1), p.group(2));
            }
            body.putObject("mediaFormat").put("encoding", "audio/x-mulaw").put("sampleRate", 8000).put("channels", 1);
            send(start);
            return this;
        }

        /** Sends all of {@code mulaw} as 20 ms inbound frames, paced at {@code speed} × real time. */
        public void play(byte[] mulaw, double speed) throws InterruptedException {
            Pace pace = new Pace(speed);
            for (int off = 0; off < mulaw.length; off += FRAME_BYTES) {
                pace.send(Arrays.copyOfRange(mulaw, off, Math.min(mulaw.length, off + FRAME_BYTES)));
            }
        }

        /**
         * Plays {@code mulaw} as a caller who listens: before each sentence of {@code script} that does not cut
         * in, while the line is still talking, the caller stays quiet (the line's background goes on) until the
         * line has finished and {@link #REACTION_MS} has passed.
         */
        public Playback playListening(byte[] mulaw, CallScript script, double speed)
                throws IOException, InterruptedException {
            Pace pace = new Pace(speed);
            List<Long> waitsFor = script.sentences().stream().filter(s -> !s.cutsIn())
                    .map(CallScript.Sentence::startMs).toList();
            List<Wait> waits = new ArrayList<>();
            byte[] background = new byte[FRAME_BYTES];
            Arrays.fill(background, MULAW_SILENCE);
            List<Long> ends = script.sentences().stream().map(CallScript.Sentence::endMs).toList();
            int next = 0;
            for (int off = 0; off < mulaw.length; off += FRAME_BYTES) {
                long audioMs = off / 8;
                while (next < waitsFor.size() && waitsFor.get(next) < audioMs + 20) {
                    if (waitsFor.get(next) >= audioMs) {
                        long start = waitsFor.get(next);
                        long before = ends.stream().filter(e -> e < start).mapToLong(Long::longValue).max().orElse(-1);
                        long beforeStreamMs = before < 0 ? -1 : before + timestampMs - audioMs;
                        awaitHeard(beforeStreamMs, before >= 0 && start - before >= TURN_PAUSE_MS
                                ? beforeStreamMs + TURN_PAUSE_MS - 100 : -1);
                        long waited = waitForLine(pace, background);
                        if (waited > 0) {
                            waits.add(new Wait(audioMs, waited));
                        }
                    }
                    next++;
                }
                byte[] frame = Arrays.copyOfRange(mulaw, off, Math.min(mulaw.length, off + FRAME_BYTES));
                pace.send(frame);
                background = frame;
            }
            return new Playback(List.copyOf(waits));
        }

        /**
         * Until the service has greeted the call and transcribed the caller's speech up to {@code streamMs} (-1:
         * none yet): it has caught up that far. With {@code decidedAfterMs} (-1: none), also until it has decided
         * on the pause that followed (every pause of a turn's length gets a decision, if only to wait): played
         * faster than real time, the service would otherwise have less audio time to decide in than a real call
         * gives it, and the caller would seem to start again before it could answer. The stream sends no audio
         * meanwhile, which would lengthen the caller's pause, but a {@code mark} a second (Twilio's own message when
         * what the line played has finished), so the service does not take it for lost (STREAM_STALL_SECONDS).
         */
        private void awaitHeard(long streamMs, long decidedAfterMs) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TRANSCRIPTION_PATIENCE.toNanos();
            long nextKeep = System.nanoTime() + KEEP_SENDING.toNanos();
            while (System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextKeep) {
                    ObjectNode mark = message("mark");
                    mark.putObject("mark").put("name", "waiting");
                    send(mark);
                    nextKeep += KEEP_SENDING.toNanos();
                }
                List<JsonNode> events = events(callSid);
                boolean greeted = events.stream().anyMatch(e -> e.path("type").asText().equals("decision"));
                boolean transcribed = streamMs < 0 || events.stream().anyMatch(e -> e.path("type").asText()
                        .equals("utterance") && e.path("endMs").asLong() >= streamMs - 400);
                boolean decided = decidedAfterMs < 0 || events.stream().anyMatch(e -> e.path("type").asText()
                        .equals("decision") && e.path("atMs").asLong() >= decidedAfterMs);
                if (greeted && transcribed && decided) {
                    break;
                }
                Thread.sleep(20);
            }
            Thread.sleep(DECISION_GRACE_MS);
        }

        private long waitForLine(Pace pace, byte[] background) throws IOException, InterruptedException {
            long until = lineUntilMs(callSid) + REACTION_MS;
            long waited = 0;
            while (timestampMs < until) {
                pace.send(background);
                waited += 20;
                if (waited % 500 == 0) {
                    until = lineUntilMs(callSid) + REACTION_MS;
                }
            }
            return waited;
        }

        /**
         * The caller waits, quiet, for {@code time}: at real time whatever the call's speed, because it is a person
         * on the desk who is given that long to take the call.
         */
        public void hold(Duration time) throws InterruptedException {
            Pace pace = new Pace(1);
            byte[] quiet = new byte[FRAME_BYTES];
            Arrays.fill(quiet, MULAW_SILENCE);
            for (long ms = 0; ms < time.toMillis(); ms += 20) {
                pace.send(quiet);
            }
        }

        /** Sends frames at {@code speed} × real time, by their stream timestamps. */
        private final class Pace {
            private final long t0 = System.nanoTime();
            private final long startMs = timestampMs;
            private final double speed;

            Pace(double speed) {
                this.speed = speed;
            }

            void send(byte[] frame) throws InterruptedException {
                long dueNanos = t0 + (long) ((timestampMs - startMs) * 1_000_000 / speed);
                long wait = dueNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                media(frame);
            }
        }

        /** Sends one inbound media frame with the next sequence number and timestamp. */
        public void media(byte[] payload) {
            send(mediaMessage(payload));
        }

        public ObjectNode mediaMessage(byte[] payload) {
            ObjectNode m = trackMessage("inbound", payload);
            timestampMs += payload.length / 8;
            return m;
        }

        /** One 20 ms frame of each track, as Twilio sends a {@code both_tracks} stream: same timestamp, caller first. */
        public void mediaBothTracks(byte[] caller, byte[] line) {
            send(trackMessage("inbound", caller));
            send(trackMessage("outbound", line));
            timestampMs += caller.length / 8;
        }

        private ObjectNode trackMessage(String track, byte[] payload) {
            ObjectNode m = message("media");
            m.putObject("media").put("track", track).put("chunk", Long.toString(chunk++))
                    .put("timestamp", Long.toString(timestampMs))
                    .put("payload", Base64.getEncoder().encodeToString(payload));
            return m;
        }

        /**
         * Completes with the code of the server's close frame, once it sends one: on its own (it dropped the
         * stream) or in answer to {@link #close}.
         */
        public CompletableFuture<Integer> closedWith() {
            return closedWith;
        }

        public void stop() {
            ObjectNode stop = message("stop");
            stop.putObject("stop").put("accountSid", newSid("AC")).put("callSid", callSid);
            send(stop);
        }

        public ObjectNode message(String event) {
            return Json.object().put("event", event).put("sequenceNumber", Long.toString(sequence++))
                    .put("streamSid", streamSid);
        }

        public void send(JsonNode message) {
            sendRaw(message.toString());
        }

        public void sendRaw(String text) {
            socket.sendText(text, true).join();
        }

        @Override
        public void close() {
            if (socket != null && !socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "call ended").join();
            }
        }
    }
}

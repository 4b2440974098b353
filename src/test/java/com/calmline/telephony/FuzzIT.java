package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.calmline.app.CallEvents;
import com.calmline.app.Deployment;
import com.calmline.app.Fixture;
import com.calmline.app.ServiceProcess;
import com.calmline.app.Simulator;
import com.calmline.app.WordErrorRate;
import com.calmline.json.Json;
import com.calmline.telephony.TwilioSignature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;

/**
 * The fuzz suite: mutated and random webhooks, mutated media frames, floods of sockets and slow clients, against
 * the service running as its own process (the packaged jar), so that its heap is its own to measure and a crash
 * is a crash. While it is attacked a good call, a real fixture, is transcribed as it is alone. Every random choice
 * comes from one seed, printed first; {@code -Dfuzz.seed=N} replays a run.
 */
class FuzzIT {
    private static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());
    private static final String TOKEN = Deployment.DEMO_AUTH_TOKEN;
    private static final Pattern FRAMES = Pattern.compile(
            "(?m)^calmline_media_frames_total\\{result=\"([^\"]+)\"} ([0-9.E]+)$");
    /** Jetty's limit on a WebSocket text message, as App sets it. */
    private static final int MAX_WS_MESSAGE = 1024 * 1024;
    /** The sockets' own state in the server: one per open media socket, ours and Jetty's. */
    private static final List<String> PER_SOCKET = List.of("com.calmline.telephony.MediaStream$Call",
            "org.eclipse.jetty.websocket.common.WebSocketSession");
    private static final Path LOG = Path.of("target", "fuzz-server.log");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    @RegisterExtension
    static final Deployment deployment = Deployment.demo().noInstances().build();
    private static ServiceProcess server;
    private static URI url;

    @BeforeAll
    static void start() throws Exception {
        System.out.println("FuzzIT seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
        // The attack's own started streams must not take the good call's line: this suite is not about admission.
        server = deployment.startProcess("fuzz-server", Map.of("LOG_FORMAT", "text", "MAX_LIVE_CALLS", "64"),
                List.of("-Xmx512m"));
        url = server.url;
    }

    /**
     * Whatever a test sent, the server handled it: no stack trace in its log, and the log stays short. The suite
     * sends well over a thousand forged requests and junk frames, each worth a warning; a thousand lines in all
     * is room for everything else, and is broken if what anyone can send is logged line for line.
     */
    @AfterEach
    void noStackTracesAndNoFlood() throws IOException {
        List<String> log = Files.readAllLines(LOG, StandardCharsets.ISO_8859_1);
        List<String> bad = log.stream().filter(l -> l.contains("Uncaught exception") || l.startsWith("\tat ")).toList();
        assertEquals(List.of(), bad, "see " + LOG);
        assertTrue(log.size() < 1000, "the log has " + log.size() + " lines; see " + LOG);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Webhooks

    /** What a mutated webhook is, what it was sent as, and what the server must answer. */
    private record Webhook(String mutation, String path, String contentType, byte[] body, String signature,
                           int expect) {
        static final int SANE = 0;

        @Override
        public String toString() {
            String shown = new String(body, 0, Math.min(body.length, 300), StandardCharsets.ISO_8859_1);
            return mutation + " POST " + path + " [" + contentType + "] sig=" + signature + " body(" + body.length
                    + ")=" + shown;
        }
    }

    /**
     * Valid signed {@code /twilio/voice} and {@code /twilio/listen} requests, mutated: whatever no longer matches
     * its signature is forbidden, every time, and counted as forged; what cannot be read is refused with a 4xx;
     * what Twilio did sign, however absurd, gets a 4xx or well-formed TwiML. Never a 5xx, never a stack trace.
     */
    @Test
    void mutatedWebhooksAreForbiddenAndSignedJunkGetsACleanAnswer() throws Exception {
        Random random = new Random(SEED);
        double forgedBefore = forged();
        Map<String, Integer> outcomes = new TreeMap<>();
        int forbidden = 0;
        Webhook previous = null;
        for (int i = 0; i < 400; i++) {
            String path = random.nextBoolean() ? "/twilio/voice" : "/twilio/listen";
            Webhook webhook = i % 100 == 50 ? hugeBody(random, path)
                    : random.nextInt(10) < 7 ? forged(random, path) : signedJunk(random, path);
            HttpResponse<String> response = send(webhook, previous);
            previous = webhook;
            outcomes.merge(webhook.mutation() + " -> " + response.statusCode(), 1, Integer::sum);
            int status = response.statusCode();
            String body = response.body();
            assertTrue(status < 500, webhook + " answered " + status + ": " + body);
            assertFalse(body.contains("Exception") || body.contains("\tat "), "a stack trace for " + webhook + ": "
                    + body);
            if (webhook.expect() == Webhook.SANE) {
                assertTrue(status == 200 || status == 400, webhook + " answered " + status + ": " + body);
                if (status == 200) {
                    assertSaneTwiml(path, body, webhook);
                }
            } else {
                assertEquals(webhook.expect(), status, webhook + ": " + body);
            }
            if (status == 403) {
                forbidden++;
            }
        }
        System.out.println("webhook outcomes: " + outcomes);
        assertEquals(forbidden, forged() - forgedBefore, 0.0, "every 403, and only those, was counted as forged");
        assertEquals(200, health());
    }

    /** A validly signed request, then changed so that its signature no longer matches what is sent. */
    private static Webhook forged(Random random, String path) {
        List<String[]> form = form(random, path);
        String signature = sign(path, form);
        String formType = "application/x-www-form-urlencoded";
        switch (random.nextInt(18)) {
            case 0 -> {
                String[] p = form.get(random.nextInt(form.size()));
                char[] v = p[1].toCharArray();
                int at = random.nextInt(v.length);
                char c = v[at];
                String others = "aZ09+ %&=\u00e9\u00a0\u4e2d-_.";
                while (c == v[at]) {
                    c = others.charAt(random.nextInt(others.length()));
                }
                v[at] = c;
                p[1] = new String(v);
                return new Webhook("flipped", path, formType, encode(form), signature, 403);
            }
            case 1 -> {
                form.remove(random.nextInt(form.size()));
                return new Webhook("dropped", path, formType, encode(form), signature, 403);
            }
            case 2 -> {
                form.add(random.nextInt(form.size() + 1), new String[] {"X" + word(random, 6), word(random, 12)});
                return new Webhook("added", path, formType, encode(form), signature, 403);
            }
            case 3 -> {
                int at = random.nextInt(form.size());
                form.add(at, new String[] {form.get(at)[0], word(random, 10)});
                return new Webhook("duplicated-first", path, formType, encode(form), signature, 403);
            }
            case 4 -> {
                String[] p = form.get(random.nextInt(form.size()));
                p[0] = p[0].toLowerCase();
                return new Webhook("renamed", path, formType, encode(form), signature, 403);
            }
            case 5 -> {
                byte[] junk = new byte[1 + random.nextInt(4000)];
                random.nextBytes(junk);
                return new Webhook("random-bytes", path, formType, junk, signature, 403);
            }
            case 6 -> {
                // The body is read as a form whatever its label says, so the signature decides, not the label.
                String type = List.of("application/json", "text/plain", "application/xml",
                        "application/octet-stream", "").get(random.nextInt(5));
                if (random.nextBoolean()) {
                    return new Webhook("relabelled", path, type, encode(form), signature, Webhook.SANE);
                }
                form.get(random.nextInt(form.size()))[1] += word(random, 2);
                return new Webhook("relabelled-and-changed", path, type, encode(form), signature, 403);
            }
            case 7 -> {
                byte[] body = multipart(form, "b0undary");
                body = Arrays.copyOf(body, random.nextInt(body.length - 5));
                return new Webhook("broken-multipart", path, "multipart/form-data; boundary=b0undary", body,
                        signature, 415);
            }
            case 8 -> {
                // Twilio never sends multipart: refused unread, even with the right parameters.
                return new Webhook("multipart", path, "multipart/form-data; boundary=b0undary",
                        multipart(form, "b0undary"), signature, 415);
            }
            case 9 -> {
                String charset = List.of("bogus-" + word(random, 4), "@@", "UTF-9", "x-" + word(random, 8))
                        .get(random.nextInt(4));
                return new Webhook("unknown-charset", path, formType + "; charset=" + charset, encode(form),
                        signature, 400);
            }
            case 10 -> {
                // The first From, which is the one read, is not UTF-8.
                ByteArrayOutputStream invalid = new ByteArrayOutputStream();
                invalid.writeBytes("From=".getBytes(StandardCharsets.US_ASCII));
                invalid.writeBytes(new byte[][] {{(byte) 0xff, (byte) 0xfe}, {(byte) 0xc3, 0x28},
                        {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, "%ff%c3%28".getBytes(StandardCharsets.US_ASCII)}
                        [random.nextInt(4)]);
                invalid.write('&');
                invalid.writeBytes(encode(form));
                return new Webhook("invalid-utf8", path, formType, invalid.toByteArray(), signature, 403);
            }
            case 11 -> {
                return new Webhook("unsigned", path, formType, encode(form), null, 403);
            }
            case 12 -> {
                String garbage = random.nextBoolean() ? "" : printable(random, 1 + random.nextInt(200));
                return new Webhook("garbage-signature", path, formType, encode(form), garbage, 403);
            }
            case 13 -> {
                return new Webhook("signed-other-params", path, formType, encode(form),
                        sign(path, form(random, path)), 403);
            }
            case 14 -> {
                return new Webhook("signed-other-token", path, formType, encode(form),
                        TwilioSignature.sign("not-" + TOKEN, url + path, map(form)), 403);
            }
            case 15 -> {
                String other = path.equals("/twilio/voice") ? "/twilio/listen" : "/twilio/voice";
                return new Webhook("signed-other-url", path, formType, encode(form), sign(other, form), 403);
            }
            case 16 -> {
                return new Webhook("query-added", path + "?" + word(random, 4) + "=%25zz&x", formType, encode(form),
                        signature, 403);
            }
            default -> {
                return new Webhook("huge-signature", path, formType, encode(form),
                        printable(random, 20_000 + random.nextInt(20_000)), 431);
            }
        }
    }

    /** Several megabytes of form: refused before anything reads it, signed or not. */
    private static Webhook hugeBody(Random random, String path) {
        List<String[]> form = form(random, path);
        String signature = sign(path, form);
        StringBuilder junk = new StringBuilder();
        for (int size = (2 + random.nextInt(5)) * 1024 * 1024; junk.length() < size; ) {
            junk.append(word(random, 64));
        }
        form.add(new String[] {"Junk", junk.toString()});
        return new Webhook("huge-body", path, "application/x-www-form-urlencoded", encode(form),
                random.nextBoolean() ? signature : sign(path, form), 413);
    }

    /** Exactly what Twilio would sign, but nonsense: missing or absurd values. */
    private static Webhook signedJunk(Random random, String path) {
        List<String[]> form = form(random, path);
        String formType = "application/x-www-form-urlencoded";
        String mutation;
        int expect = Webhook.SANE;
        switch (random.nextInt(5)) {
            case 0 -> {
                form.removeIf(p -> p[0].equals("CallSid"));
                mutation = "no-CallSid";
                expect = 400;
            }
            case 1 -> {
                set(form, "CallSid", absurd(random, true));
                mutation = "absurd-CallSid";
            }
            case 2 -> {
                String name = List.of("From", "To", "Digits", "CallStatus", "AccountSid").get(random.nextInt(5));
                set(form, name, absurd(random, true));
                mutation = "absurd-" + name;
            }
            case 3 -> {
                for (int i = 0, n = 50 + random.nextInt(400); i < n; i++) {
                    form.add(new String[] {"P" + i + word(random, 3), absurd(random, false)});
                }
                mutation = "many-params";
            }
            default -> {
                form.removeIf(p -> !p[0].equals("CallSid"));
                mutation = "only-CallSid";
            }
        }
        return new Webhook(mutation, path, formType, encode(form), sign(path, form), expect);
    }

    private static void assertSaneTwiml(String path, String body, Webhook webhook) throws Exception {
        Document twiml;
        try {
            twiml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        } catch (org.xml.sax.SAXException e) {
            throw new AssertionError("not well-formed TwiML for " + webhook + ": " + e.getMessage() + "\n" + body, e);
        }
        assertEquals("Response", twiml.getDocumentElement().getTagName(), body);
        if (path.equals("/twilio/voice")) {
            assertEquals(1, twiml.getElementsByTagName("Stream").getLength(), body);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Media frames

    /** One media frame the fuzzer sends, and the result the server must count it under (null: not predicted). */
    private record Frame(String expect, String text) {
    }

    /**
     * A started stream gets well over a thousand frames, most of them mutated: random, truncated and mistyped JSON,
     * bad base64, oversize payloads and frames up to just under Jetty's 1 MB limit, duplicate, stale, far-future,
     * negative sequence numbers and timestamps, unknown events, a second start, frames after stop; a socket that is
     * never started gets frames too. Each is dropped and counted for what it is, the socket stays open until the
     * caller hangs up and its call is ended in order; a frame over 1 MB makes Jetty close that socket (1009), and
     * that call is ended as any call whose stream drops. Meanwhile a good call is transcribed normally.
     */
    @Test
    void mutatedFramesAreDroppedTheSocketStaysOpenAndAGoodCallIsTranscribed() throws Exception {
        Random random = new Random(SEED + 1);
        Fixture fixture = Fixture.load("billing-calm");
        Map<String, Double> before = mediaFrames();
        FutureTask<List<JsonNode>> good = goodCall(fixture);
        Simulator simulator = simulator();

        Simulator.Call fuzzed = simulator.dial("+15555550123", "+15555550199").connect();
        Map<String, Integer> expected = new TreeMap<>();
        List<String> released = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            Frame frame = mutatedFrame(random, fuzzed, released, expected.getOrDefault("after-stop", 0));
            if (frame.expect() != null) {
                expected.merge(frame.expect(), 1, Integer::sum);
            }
            fuzzed.sendRaw(frame.text());
            assertFalse(fuzzed.closedWith().isDone(), "the server closed the fuzzed stream after: " + clip(frame));
        }
        for (int size : List.of(70_000, 400_000, MAX_WS_MESSAGE - 1000)) {
            fuzzed.sendRaw(mediaFrame("5", "inbound", "0", "A".repeat(size)));
            expected.merge("malformed-oversize", 1, Integer::sum);
        }
        ObjectNode restart = fuzzed.message("start");
        restart.putObject("start").put("callSid", Simulator.newSid("CA")).put("accountSid", Simulator.newSid("AC"))
                .putObject("customParameters").put("token", "x");
        fuzzed.send(restart.put("streamSid", Simulator.newSid("MZ")));
        expected.merge("malformed-restart", 1, Integer::sum);
        fuzzed.stop();
        for (int i = 0; i < 5; i++) {
            fuzzed.media(noise(random, 160));
        }
        expected.merge("after-stop", 5, Integer::sum);

        NeverStarted early = NeverStarted.openAsync().join();
        early.send(mediaFrame("1", "inbound", "0", Base64.getEncoder().encodeToString(noise(random, 160)))).join();
        early.send("{\"event\":\"dtmf\",\"sequenceNumber\":\"2\",\"dtmf\":{\"digit\":\"0\"}}").join();
        early.send("{\"event\":\"stop\",\"sequenceNumber\":\"3\"}").join();
        early.send(mediaFrame("4", "outbound", "20", Base64.getEncoder().encodeToString(noise(random, 160)))).join();
        expected.merge("before-start", 2, Integer::sum);

        Simulator.Call oversize = simulator.dial("+15555550124", "+15555550199").connect();
        for (int i = 0; i < 50; i++) {
            oversize.media(noise(random, 160));
        }
        oversize.sendRaw(mediaFrame("60", "inbound", "1000", "A".repeat(MAX_WS_MESSAGE + 1)));
        assertEquals(1009, oversize.closedWith().get(30, TimeUnit.SECONDS),
                "Jetty closes a socket whose message is over its limit: 1009, message too big");
        // Its call is ended as any call whose stream drops: the end is recorded.
        simulator.awaitEnd(oversize.callSid, Duration.ofSeconds(60));

        assertFalse(fuzzed.closedWith().isDone(), "the fuzzed stream is still open after all of it");
        fuzzed.close();
        assertEquals(1000, fuzzed.closedWith().get(30, TimeUnit.SECONDS), "the server answered the hang-up");
        List<JsonNode> fuzzedEvents = simulator.awaitEnd(fuzzed.callSid, Duration.ofSeconds(60));
        assertEquals(1, fuzzedEvents.stream().filter(e -> e.path("type").asText().equals("end")).count());
        early.close();

        assertTranscribedNormally(fixture, good);
        Map<String, Double> after = awaitCounted(before, expected);
        System.out.println("media frames sent by kind: " + expected + "; counted: " + delta(before, after));
        assertEquals(200, health());
    }

    /**
     * The next fuzzed frame for {@code call}: a valid frame now and then (kept in {@code released} to be sent
     * again as a duplicate), else a mutation whose counted result is known, or random JSON whose is not. Up to
     * 20 frames ({@code held} so far) come far ahead of the sequence: they are held for the gap before them
     * (fewer than the 50 that would make the stream skip ahead), and released only when the socket closes,
     * after {@code stop}.
     */
    private static Frame mutatedFrame(Random random, Simulator.Call call, List<String> released, int held) {
        String payload = Base64.getEncoder().encodeToString(noise(random, 160));
        String seq = Long.toString(1_000 + random.nextInt(1_000_000));
        switch (random.nextInt(held < 20 ? 15 : 14)) {
            case 0, 1, 2 -> {
                String valid = call.mediaMessage(noise(random, 160)).toString();
                released.add(valid);
                return new Frame("accepted", valid);
            }
            case 3 -> {
                String valid = mediaFrame(seq, "inbound", "0", payload);
                return new Frame("malformed-json", valid.substring(0, 1 + random.nextInt(valid.length() - 2)));
            }
            case 4 -> {
                JsonNode badSeq = List.<JsonNode>of(Json.object(), Json.array(),
                        JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.textNode("abc"),
                        JsonNodeFactory.instance.textNode("-5"), JsonNodeFactory.instance.numberNode(-7),
                        JsonNodeFactory.instance.textNode("1e3"), JsonNodeFactory.instance.textNode(""),
                        JsonNodeFactory.instance.nullNode(), JsonNodeFactory.instance.textNode("9223372036854775808"))
                        .get(random.nextInt(10));
                ObjectNode m = (ObjectNode) read(mediaFrame(seq, "inbound", "0", payload));
                m.set("sequenceNumber", badSeq);
                return new Frame("malformed-field", m.toString());
            }
            case 5 -> {
                ObjectNode m = (ObjectNode) read(mediaFrame(seq, "inbound", "0", payload));
                ObjectNode media = (ObjectNode) m.path("media");
                switch (random.nextInt(6)) {
                    case 0 -> media.put("track", List.of("sideways", "", "INBOUND").get(random.nextInt(3)));
                    case 1 -> media.put("track", 5);
                    case 2 -> media.put("timestamp", List.of("-1", "x", "").get(random.nextInt(3)));
                    case 3 -> media.put("payload", 123);
                    case 4 -> media.put("payload", "");
                    default -> m.remove("media");
                }
                return new Frame("malformed-field", m.toString());
            }
            case 6 -> {
                char[] bad = payload.toCharArray();
                bad[random.nextInt(bad.length)] = "@#!*-_ ~".charAt(random.nextInt(8));
                return new Frame("malformed-base64", mediaFrame(seq, "inbound", "0", new String(bad)));
            }
            case 7 -> {
                String big = Base64.getEncoder().encodeToString(noise(random, 3201 + random.nextInt(40_000)));
                return new Frame("malformed-oversize", mediaFrame(seq, "inbound", "0", big));
            }
            case 8 -> {
                ObjectNode m = Json.object();
                switch (random.nextInt(3)) {
                    case 0 -> m.put("event", "x" + word(random, random.nextInt(12)));
                    case 1 -> m.put("event", random.nextInt());
                    default -> m.put("Event", "media");
                }
                return new Frame("malformed-unknown", m.put("sequenceNumber", seq).toString());
            }
            case 9 -> {
                if (released.isEmpty()) {
                    return new Frame("malformed-unknown", "{\"event\":\"\",\"sequenceNumber\":\"1\"}");
                }
                return new Frame("duplicate", released.get(random.nextInt(released.size())));
            }
            case 10 -> {
                ObjectNode m = call.mediaMessage(noise(random, 160));
                ((ObjectNode) m.path("media")).put("timestamp", Long.toString(random.nextBoolean()
                        ? Long.MAX_VALUE / 2 : random.nextInt(Integer.MAX_VALUE)));
                return new Frame("accepted", m.toString());
            }
            case 11 -> {
                ObjectNode m = call.message(random.nextBoolean() ? "mark" : "dtmf");
                if (m.path("event").asText().equals("mark")) {
                    m.putObject("mark").put("name", printable(random, random.nextInt(300)));
                } else {
                    m.putObject("dtmf").put("digit", List.of("5", "#", "*", "12", "9".repeat(5000), "x")
                            .get(random.nextInt(6)));
                }
                return new Frame(null, m.toString());
            }
            case 12 -> {
                return new Frame(null, randomJson(random, 0).toString());
            }
            case 13 -> {
                return new Frame(null, printable(random, random.nextInt(500)));
            }
            default -> {
                return new Frame("after-stop", mediaFrame(Long.toString(1_000_000_000_000L + held), "inbound",
                        "0", payload));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Floods and slow clients

    /**
     * Hundreds of sockets at once, unsigned and signed-but-never-started; sockets that send junk every couple of
     * seconds, or half a large message and then nothing; started calls that send a frame every few seconds; HTTP
     * requests whose bodies trickle in. The service stays up, every socket that never starts its stream is closed
     * within seconds, no socket's state outlives it, its heap stays bounded, and a good call is transcribed.
     */
    @Test
    void floodsAndSlowClientsLeaveTheServiceUpAndBoundedAndAGoodCallTranscribed() throws Exception {
        Random random = new Random(SEED + 2);
        Heap baseline = heap();
        double forgedBefore = forged();
        Map<String, Double> framesBefore = mediaFrames();
        Fixture fixture = Fixture.load("billing-calm");
        Simulator simulator = simulator();
        ScheduledExecutorService trickle = Executors.newScheduledThreadPool(2);
        List<Socket> slowHttp = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            // The signed sockets first, each doing its part as soon as it is open: the server gives them seconds.
            List<CompletableFuture<NeverStarted>> opening = new ArrayList<>();
            long partialBytes = 0;
            for (int i = 0; i < 300; i++) {
                String junk = printable(random, 40);
                int partial = 200_000 + random.nextInt(400_000);
                int kind = i % 4;
                partialBytes += kind == 3 ? partial : 0;
                opening.add(NeverStarted.openAsync().thenCompose(s -> (switch (kind) {
                    case 0 -> CompletableFuture.completedFuture(s);
                    case 1 -> s.send("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
                    case 2 -> {
                        trickle.scheduleAtFixedRate(() -> s.sendQuietly(junk), 0, 2, TimeUnit.SECONDS);
                        yield CompletableFuture.completedFuture(s);
                    }
                    // Most of a large message, never finished: Jetty holds it until the socket goes.
                    default -> s.sendPartial("{\"event\":\"media\",\"media\":{\"payload\":\"" + "A".repeat(partial));
                }).handle((sent, e) -> s)));
            }
            List<NeverStarted> neverStarted = new ArrayList<>();
            for (CompletableFuture<NeverStarted> o : opening) {
                neverStarted.add(o.get(60, TimeUnit.SECONDS));
            }
            long opened = System.nanoTime();
            // Once they are open (the flood's own handshakes would only slow the call's), while all the rest goes on.
            FutureTask<List<JsonNode>> good = goodCall(fixture);
            List<CompletableFuture<Integer>> unsigned = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                unsigned.add(upgrade(random.nextBoolean() ? null : printable(random, 28)));
            }
            Heap flooded = heap();
            // Those the server had not yet refused when it was asked next were open when the heap was measured.
            long stillOpen = neverStarted.size() - Math.round(delta(framesBefore, mediaFrames())
                    .getOrDefault("refused-no-start", 0.0));
            System.out.printf("flood open after %d ms, heap measured after %d ms with %d never-started sockets "
                    + "still open%n", (opened - t0) / 1_000_000, (System.nanoTime() - t0) / 1_000_000, stillOpen);
            // Each open socket is a session of a few kilobytes of buffers and bookkeeping; 64 KB each is ten times
            // that. A part-sent message is held until it is complete, as bytes and as text: three times its size.
            // 48 MB is for the good call in progress and the server's own churn. A message-size buffer kept per
            // socket (1 MB each), or anything a call needs (a recognizer, a frame backlog) kept per never-started
            // socket, breaks this bound.
            long bound = baseline.usedBytes() + neverStarted.size() * 64L * 1024 + 3 * partialBytes
                    + 48L * 1024 * 1024;
            System.out.printf("live heap: %d MB before, %d MB with the flood open (%d MB part-sent); bound %d MB;"
                            + " RSS %d MB%n", baseline.usedBytes() >> 20, flooded.usedBytes() >> 20,
                    partialBytes >> 20, bound >> 20, flooded.rssBytes() >> 20);
            assertTrue(flooded.usedBytes() <= bound, "heap with the flood open: " + flooded);
            for (String type : PER_SOCKET) {
                // Proves the names right, so that none left at the end means none left.
                assertTrue(flooded.instances(type) >= stillOpen, type + " is per socket: " + flooded);
            }
            for (CompletableFuture<Integer> u : unsigned) {
                assertEquals(403, u.get(60, TimeUnit.SECONDS), "an unsigned upgrade");
            }

            List<Simulator.Call> slowCalls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Simulator.Call call = simulator.dial("+1555555013" + i, "+15555550199").connect();
                slowCalls.add(call);
                byte[] frame = noise(random, 160);
                trickle.scheduleAtFixedRate(() -> call.media(frame), 0, 3, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 30; i++) {
                slowHttp.add(slowPost(trickle, random));
            }
            CompletableFuture<String> slowButSigned = slowSignedPost(trickle);

            // Sockets that never send a valid start are closed, whatever they send; Twilio starts at once. One
            // that is sending as the server closes it may see its connection break instead of the close frame; the
            // server's own count says it closed every one.
            for (NeverStarted s : neverStarted) {
                int code = s.closedWith.get(60, TimeUnit.SECONDS);
                assertTrue(code == 1008 || code == NeverStarted.BROKEN, "a never-started socket closed with " + code);
            }
            assertTrue(delta(framesBefore, mediaFrames()).getOrDefault("refused-no-start", 0.0) >= neverStarted.size(),
                    "the server closed them all: " + delta(framesBefore, mediaFrames()));
            assertEquals(200, health(), "the service is up with slow HTTP bodies still open");
            String answer = slowButSigned.get(60, TimeUnit.SECONDS);
            assertTrue(answer.startsWith("HTTP/1.1 200") && answer.contains("<Stream"),
                    "a webhook whose body trickled in is answered: " + answer);
            for (Simulator.Call call : slowCalls) {
                assertFalse(call.closedWith().isDone(), "a started call that sends slowly stays open");
            }
            trickle.shutdownNow();
            assertTrue(trickle.awaitTermination(10, TimeUnit.SECONDS));
            for (Simulator.Call call : slowCalls) {
                call.stop();
                call.close();
                simulator.awaitEnd(call.callSid, Duration.ofSeconds(60));
            }
            assertTranscribedNormally(fixture, good);
        } finally {
            trickle.shutdownNow();
            for (Socket s : slowHttp) {
                s.close();
            }
        }
        assertEquals(300, forged() - forgedBefore, 0.0, "each unsigned upgrade was counted as forged");

        // Everything has hung up: nothing of any socket is left, and the heap is back near where it was. 24 MB is
        // for what the calls leave in memory and the server's caches; the part-sent messages alone were over 30 MB,
        // so had their buffers been kept this would break.
        // A client's close reaches the server's socket a moment after the call's end is recorded: wait for it.
        Heap after = heap();
        long closing = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (socketsLeft(after) && System.nanoTime() < closing) {
            Thread.sleep(500);
            after = heap();
        }
        System.out.printf("live heap once all hung up: %d MB; RSS %d MB%n", after.usedBytes() >> 20,
                after.rssBytes() >> 20);
        for (String type : PER_SOCKET) {
            assertEquals(0, after.instances(type), type + " outlived its socket: " + after);
        }
        assertTrue(after.usedBytes() <= baseline.usedBytes() + 24L * 1024 * 1024, "heap after: " + after
                + " vs before: " + baseline);
        assertEquals(200, health());
    }

    /** What the server's heap holds after a full GC, with instance counts of the per-socket classes; its RSS. */
    private record Heap(long usedBytes, Map<String, Long> instances, long rssBytes) {
        long instances(String type) {
            return instances.getOrDefault(type, 0L);
        }
    }

    private static Heap heap() throws Exception {
        String histogram = jcmd("GC.class_histogram");
        Map<String, Long> instances = new TreeMap<>();
        for (String type : PER_SOCKET) {
            Matcher m = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+" + Pattern.quote(type) + "(\\s|$)")
                    .matcher(histogram);
            instances.put(type, m.find() ? Long.parseLong(m.group(1)) : 0L);
        }
        Matcher live = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$").matcher(histogram);
        assertTrue(live.find(), "no total in the class histogram: " + histogram);
        String status = Files.readString(Path.of("/proc", Long.toString(server.pid()), "status"));
        Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        return new Heap(Long.parseLong(live.group(1)), instances, rss.find()
                ? Long.parseLong(rss.group(1)) * 1024 : -1);
    }

    /** Runs a diagnostic command in the server's JVM; the class histogram counts live objects only, after a full GC. */
    private static String jcmd(String command) throws Exception {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(server.pid()), command).redirectErrorStream(true).start();
        byte[] out = jcmd.getInputStream().readAllBytes();
        assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0, "jcmd " + command + ": "
                + new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A signed media socket that is never started; it notes how the server closes it. */
    private static final class NeverStarted implements WebSocket.Listener {
        /** Not a close code: the connection broke (the server closed it as this side was sending). */
        static final int BROKEN = -1;
        final CompletableFuture<Integer> closedWith = new CompletableFuture<>();
        private WebSocket socket;

        static CompletableFuture<NeverStarted> openAsync() {
            NeverStarted s = new NeverStarted();
            return HTTP.newWebSocketBuilder().header("X-Twilio-Signature", TwilioSignature.sign(TOKEN, mediaUrl(),
                    Map.of())).buildAsync(URI.create(mediaUrl()), s).thenApply(ws -> {
                        s.socket = ws;
                        return s;
                    });
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closedWith.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closedWith.complete(BROKEN);
        }

        CompletableFuture<NeverStarted> send(String text) {
            return socket.sendText(text, true).thenApply(ws -> this);
        }

        CompletableFuture<NeverStarted> sendPartial(String text) {
            return socket.sendText(text, false).thenApply(ws -> this);
        }

        /** For a slow sender: the server may have closed the socket by now. */
        void sendQuietly(String text) {
            if (!socket.isOutputClosed()) {
                socket.sendText(text, true).exceptionally(e -> null).join();
            }
        }

        void close() {
            socket.abort();
        }
    }

    /** Upgrades to the media socket with {@code signature} (none if null); the HTTP status the server answered. */
    private static CompletableFuture<Integer> upgrade(String signature) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        if (signature != null) {
            builder.header("X-Twilio-Signature", signature);
        }
        return builder.buildAsync(URI.create(mediaUrl()), new WebSocket.Listener() { }).handle((ws, e) -> {
            if (ws != null) {
                ws.abort();
                return 101;
            }
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            return cause instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : -1;
        });
    }

    /** An unsigned POST whose headers promise a body that then comes a few bytes every second, never all of it. */
    private static Socket slowPost(ScheduledExecutorService trickle, Random random) throws IOException {
        Socket socket = new Socket(url.getHost(), url.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /twilio/voice HTTP/1.1\r\nHost: " + url.getAuthority()
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String bytes = word(random, 100);
        trickle.scheduleAtFixedRate(() -> {
            try {
                out.write(bytes.charAt((int) (System.nanoTime() % bytes.length())));
                out.flush();
            } catch (IOException e) {
                // closed at the end of the test
            }
        }, 0, 1, TimeUnit.SECONDS);
        return socket;
    }

    /** A signed /twilio/voice whose body comes ten bytes every half second; its status line once answered. */
    private static CompletableFuture<String> slowSignedPost(ScheduledExecutorService trickle) throws IOException {
        List<String[]> form = form(new Random(SEED + 3), "/twilio/voice");
        byte[] body = encode(form);
        Socket socket = new Socket(url.getHost(), url.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /twilio/voice HTTP/1.1\r\nHost: " + url.getAuthority() + "\r\nConnection: close"
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: " + sign("/twilio/voice",
                form) + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        CompletableFuture<String> answer = new CompletableFuture<>();
        int[] sent = {0};
        trickle.scheduleAtFixedRate(() -> {
            try {
                if (sent[0] < body.length) {
                    int n = Math.min(10, body.length - sent[0]);
                    out.write(body, sent[0], n);
                    out.flush();
                    sent[0] += n;
                    if (sent[0] == body.length) {
                        InputStream in = socket.getInputStream();
                        answer.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        socket.close();
                    }
                }
            } catch (IOException e) {
                answer.completeExceptionally(e);
            }
        }, 0, 500, TimeUnit.MILLISECONDS);
        return answer;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The good call, and what the tests read from the server

    /** Plays {@code fixture} as a whole call, as Twilio would, on its own thread; its recorded events. */
    private static FutureTask<List<JsonNode>> goodCall(Fixture fixture) {
        FutureTask<List<JsonNode>> call = new FutureTask<>(() -> simulator().playCall("+15555550100",
                "+15555550199", fixture.mulaw(), 4, Duration.ofSeconds(120)));
        Thread t = new Thread(call, "good-call");
        t.setDaemon(true);
        t.start();
        return call;
    }

    /** The good call was transcribed within the word error budget the same fixture is held to alone (CallIT). */
    private static void assertTranscribedNormally(Fixture fixture, FutureTask<List<JsonNode>> call) throws Exception {
        List<JsonNode> events;
        try {
            events = call.get(150, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the good call did not complete", e);
        }
        String heard = CallEvents.transcript(events);
        double wer = WordErrorRate.of(fixture.words(), heard);
        System.out.printf("good call under fuzzing: WER %.1f%% (%s)%n", wer * 100, heard);
        assertTrue(wer <= WordErrorRate.BUDGET, "the good call's transcript: " + heard);
    }

    private static Simulator simulator() {
        return server.simulator();
    }

    private static String mediaUrl() {
        return "ws://" + url.getAuthority() + "/twilio/media";
    }

    private static int health() {
        try {
            return HTTP.send(HttpRequest.newBuilder(url.resolve("/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String metrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double forged() throws Exception {
        Matcher m = Pattern.compile("(?m)^calmline_webhooks_forged_total ([0-9.E]+)$").matcher(metrics());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static Map<String, Double> mediaFrames() throws Exception {
        Map<String, Double> counts = new TreeMap<>();
        Matcher m = FRAMES.matcher(metrics());
        while (m.find()) {
            counts.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return counts;
    }

    private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new TreeMap<>();
        after.forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0.0)));
        return delta;
    }

    /** Until the server has counted at least as many frames of each kind as were sent; the counts then. */
    private static Map<String, Double> awaitCounted(Map<String, Double> before, Map<String, Integer> expected)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, Double> delta = delta(before, mediaFrames());
            List<String> short_ = expected.entrySet().stream()
                    .filter(e -> delta.getOrDefault(e.getKey(), 0.0) < e.getValue())
                    .map(e -> e.getKey() + " " + delta.getOrDefault(e.getKey(), 0.0) + " < " + e.getValue()).toList();
            if (short_.isEmpty()) {
                return mediaFrames();
            }
            if (System.nanoTime() > deadline) {
                fail("frames not counted for what they are: " + short_ + "; counted " + delta);
            }
            Thread.sleep(100);
        }
    }

    private static HttpResponse<String> send(Webhook webhook, Webhook previous) throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + webhook.path()))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(webhook.body()));
        if (!webhook.contentType().isEmpty()) {
            request.header("Content-Type", webhook.contentType());
        }
        if (webhook.signature() != null) {
            request.header("X-Twilio-Signature", webhook.signature());
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + webhook + "\n(sent after " + previous + ")", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Making things up

    /** A request as Twilio sends it for {@code path}, with sids and numbers from {@code random}. */
    private static List<String[]> form(Random random, String path) {
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"CallSid", sid(random, "CA")});
        form.add(new String[] {"AccountSid", sid(random, "AC")});
        form.add(new String[] {"From", "+1555555" + (1000 + random.nextInt(9000))});
        form.add(new String[] {"To", "+15555550199"});
        form.add(new String[] {"Direction", "inbound"});
        form.add(new String[] {"ApiVersion", "2010-04-01"});
        if (path.equals("/twilio/voice")) {
            form.add(new String[] {"CallStatus", "ringing"});
        } else {
            form.add(new String[] {"CallStatus", "in-progress"});
            form.add(new String[] {"Digits", List.of("2", "5", "9", "#").get(random.nextInt(4))});
        }
        return form;
    }

    private static String sign(String path, List<String[]> form) {
        return TwilioSignature.sign(TOKEN, url + path, map(form));
    }

    /** The form as the server reads it: the first value of each name. */
    private static Map<String, String> map(List<String[]> form) {
        Map<String, String> map = new LinkedHashMap<>();
        form.forEach(p -> map.putIfAbsent(p[0], p[1]));
        return map;
    }

    private static void set(List<String[]> form, String name, String value) {
        form.removeIf(p -> p[0].equals(name));
        form.add(new String[] {name, value});
    }

    private static byte[] encode(List<String[]> form) {
        StringBuilder b = new StringBuilder();
        for (String[] p : form) {
            b.append(b.length() == 0 ? "" : "&").append(URLEncoder.encode(p[0], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(p[1], StandardCharsets.UTF_8));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] multipart(List<String[]> form, String boundary) {
        StringBuilder b = new StringBuilder();
        for (String[] p : form) {
            b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(p[0])
                    .append("\"\r\n\r\n").append(p[1]).append("\r\n");
        }
        return b.append("--").append(boundary).append("--\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Values no sane Twilio request has: empty, control characters, markup, other scripts, or ({@code long}) huge. */
    private static String absurd(Random random, boolean mayBeLong) {
        return switch (random.nextInt(8)) {
            case 0 -> "";
            case 1 -> mayBeLong ? word(random, 10_000 + random.nextInt(60_000)) : word(random, 20);
            case 2 -> "<Say>\"&'</Response>]]><!--" + word(random, 5);
            case 3 -> "\u0000\u0001\u0007\u001b[31m\r\n\t" + word(random, 3);
            case 4 -> "\u4e2d\u6587 \ud83d\ude21 \u202e" + word(random, 3);
            case 5 -> "-" + random.nextLong() + "e999";
            case 6 -> sid(random, "CA") + word(random, 1);
            default -> printable(random, random.nextInt(400));
        };
    }

    private static String sid(Random random, String prefix) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    private static String word(Random random, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) ('a' + random.nextInt(26)));
        }
        return b.toString();
    }

    private static String printable(Random random, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append((char) (0x21 + random.nextInt(0x5e)));
        }
        return b.toString();
    }

    private static byte[] noise(Random random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }

    private static String mediaFrame(String seq, String track, String timestamp, String payload) {
        ObjectNode m = Json.object().put("event", "media").put("sequenceNumber", seq)
                .put("streamSid", "MZ" + "0".repeat(32));
        m.putObject("media").put("track", track).put("chunk", "1").put("timestamp", timestamp).put("payload", payload);
        return m.toString();
    }

    /** Any JSON value: objects and arrays a few levels deep, with any names and scalars. */
    private static JsonNode randomJson(Random random, int depth) {
        switch (random.nextInt(depth >= 3 ? 5 : 7)) {
            case 0 -> {
                return JsonNodeFactory.instance.numberNode(random.nextLong());
            }
            case 1 -> {
                return JsonNodeFactory.instance.numberNode(random.nextDouble() * 1e300);
            }
            case 2 -> {
                return JsonNodeFactory.instance.textNode(printable(random, random.nextInt(40)));
            }
            case 3 -> {
                return JsonNodeFactory.instance.booleanNode(random.nextBoolean());
            }
            case 4 -> {
                return JsonNodeFactory.instance.nullNode();
            }
            case 5 -> {
                ArrayNode a = Json.array();
                for (int i = random.nextInt(5); i > 0; i--) {
                    a.add(randomJson(random, depth + 1));
                }
                return a;
            }
            default -> {
                ObjectNode o = Json.object();
                for (int i = random.nextInt(5); i > 0; i--) {
                    // Never a sequence number: a frame held for a gap would change what the stream releases.
                    String name = List.of("event", "media", "start", "track", "payload", "timestamp",
                            word(random, 4)).get(random.nextInt(7));
                    o.set(name, name.equals("event") ? JsonNodeFactory.instance.textNode(List.of("media", "start",
                            "mark", "dtmf", "connected").get(random.nextInt(5))) : randomJson(random, depth + 1));
                }
                return o;
            }
        }
    }

    private static JsonNode read(String json) {
        try {
            return Json.parse(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String clip(Frame frame) {
        return frame.expect() + " " + frame.text().substring(0, Math.min(200, frame.text().length()));
    }

    private static boolean socketsLeft(Heap heap) {
        return PER_SOCKET.stream().anyMatch(type -> heap.instances(type) > 0);
    }
}

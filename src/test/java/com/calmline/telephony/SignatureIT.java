package com.calmline.telephony;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.app.Deployment;
import com.calmline.app.Simulator;
import com.calmline.telephony.TwilioSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Only Twilio, holding the account's auth token, may drive the line: webhooks and the media socket. */
class SignatureIT {
    private static final String TOKEN = "it-auth-token-0123456789abcdef";
    /** Where Twilio reaches the line (a proxy in front of it); Twilio signs this URL, not the local one. */
    private static final String PUBLIC = "https://support.example.test";
    /** An operator's own greeting, in the words of a line that is not all ASCII. */
    private static final String GREETING =
            "Thank you for calling. Caf\u00e9 M\u00fcller\u2019s line is listening \u2014 take your time.";
    private static final Path PROMPTS = prompts();
    @RegisterExtension
    static final Deployment deployment = Deployment.live(TOKEN).env("PUBLIC_BASE_URL", PUBLIC)
            .env("PROMPTS_DIR", PROMPTS.toString()).build();
    private final HttpClient http = HttpClient.newHttpClient();

    /** The operator's own prompts: only the greeting, so every other prompt is the jar's. */
    private static Path prompts() {
        try {
            Path dir = Files.createTempDirectory("calmline-prompts");
            Files.writeString(dir.resolve("greeting.txt"), GREETING + "\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removePrompts() throws Exception {
        Files.delete(PROMPTS.resolve("greeting.txt"));
        Files.delete(PROMPTS);
    }

    @Test
    void aCorrectlySignedWebhookGetsTheGreetingAndAStream() throws Exception {
        HttpResponse<String> response = postVoice(form(), TOKEN, false);
        assertEquals(200, response.statusCode());
        String twiml = response.body();
        assertTrue(twiml.contains("<Start><Stream"), twiml);
        assertTrue(twiml.contains("track=\"both_tracks\""), twiml);
        assertTrue(twiml.contains("url=\"wss://support.example.test/twilio/media\""), twiml);
        assertTrue(twiml.matches("(?s).*<Parameter name=\"token\" value=\"[A-Za-z0-9_-]{43}\"/>.*"), twiml);
        assertTrue(twiml.contains("<Say>Thank you for calling."), twiml);
        assertTrue(twiml.contains("<Gather") && twiml.contains("input=\"dtmf\""), twiml);
        assertTrue(twiml.indexOf("<Start>") < twiml.indexOf("<Say>"), "the stream starts before the greeting");
    }

    /** Twilio reads TwiML as the UTF-8 it declares: an accent sent as one Latin-1 byte would fail the whole call. */
    @Test
    void theGreetingReachesTwilioAsWrittenInTheUtf8TheTwimlDeclares() throws Exception {
        HttpResponse<String> response = postVoice(form(), TOKEN, false);
        assertTrue(response.body().startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), response.body());
        assertEquals(Optional.of("utf-8"), response.headers().firstValue("Content-Type")
                .map(t -> t.replaceFirst("(?i).*;\\s*charset=", "").toLowerCase()), "the charset, said in the header");
        assertTrue(response.body().contains("<Say>" + GREETING + "</Say>"), response.body());
    }

    @Test
    void aMissingSignatureIsForbidden() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(deployment.service().url()
                .resolve("/twilio/voice"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form()))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, response.statusCode());
    }

    @Test
    void aSignatureFromAnotherTokenIsForbidden() throws Exception {
        assertEquals(403, postVoice(form(), "some-other-token", false).statusCode());
    }

    @Test
    void aTamperedParameterIsForbidden() throws Exception {
        assertEquals(403, postVoice(form(), TOKEN, true).statusCode());
    }

    @Test
    void aSignatureOverTheLocalAddressInsteadOfThePublicOneIsForbidden() throws Exception {
        Map<String, String> form = form();
        String local = deployment.service().url() + "/twilio/voice";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(local))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioSignature.sign(TOKEN, local, form))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, response.statusCode());
    }

    @Test
    void theListenWebhookIsCheckedToo() throws Exception {
        String signed = PUBLIC + "/twilio/listen";
        Map<String, String> form = form();
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(deployment.service().url()
                .resolve("/twilio/listen"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioSignature.sign("wrong", signed, form))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode());
    }

    @Test
    void theMediaSocketUpgradeNeedsAValidSignature() throws Exception {
        String local = "ws://localhost:" + deployment.service().port() + "/twilio/media";
        String signed = "wss://support.example.test/twilio/media";
        assertEquals(403, upgradeStatus(local, null));
        assertEquals(403, upgradeStatus(local, TwilioSignature.sign("wrong-token", signed, Map.of())));
        assertEquals(403, upgradeStatus(local, TwilioSignature.sign(TOKEN, signed + "x", Map.of())));
        assertEquals(403, upgradeStatus(local, TwilioSignature.sign(TOKEN, local, Map.of())));
        assertEquals(101, upgradeStatus(local, TwilioSignature.sign(TOKEN, signed, Map.of())));
    }

    /**
     * The stream URL and its signature are the same for every call, so whoever saw one could replay it: the
     * token Twilio passes in {@code start} binds a stream to the call it was issued for, once. Refusals are
     * read from the server's own count, since a client sending when the server closes sees no reliable code.
     */
    @Test
    void aStreamIsBoundToItsCallOnceAndAReplayIsRefused() throws Exception {
        Map<String, String> form = form();
        String callSid = form.get("CallSid");
        String twiml = postVoice(form, TOKEN, false).body();
        String token = twiml.replaceFirst("(?s).*<Parameter name=\"token\" value=\"([^\"]+)\"/>.*", "$1");
        Map<String, String> other = form();
        postVoice(other, TOKEN, false);

        stream(other.get("CallSid"), token);
        awaitRefused("not-this-call", 1);
        stream(callSid, "");
        awaitRefused("not-this-call", 2);

        stream(callSid, token);
        Simulator simulator = deployment.service().simulator();
        simulator.awaitEnd(callSid, java.time.Duration.ofSeconds(30));
        assertEquals(0, refused("second-stream"), "the call's own stream, taken");
        int events = simulator.events(callSid).size();
        stream(callSid, token);
        awaitRefused("second-stream", 1);
        assertEquals(events, simulator.events(callSid).size(), "the replay added nothing to the call");
        assertEquals(1, simulator.events(callSid).stream().filter(e -> e.path("type").asText().equals("summary"))
                .count());
    }

    /** Opens a correctly signed stream, starts it for {@code callSid} with {@code token}, sends a second of silence, stops. */
    private void stream(String callSid, String token) {
        WebSocket ws = http.newWebSocketBuilder()
                .header("X-Twilio-Signature", TwilioSignature.sign(TOKEN, PUBLIC.replace("https", "wss")
                        + "/twilio/media", Map.of()))
                .buildAsync(URI.create("ws://localhost:" + deployment.service().port() + "/twilio/media"),
                        new WebSocket.Listener() { }).join();
        String stream = Simulator.newSid("MZ");
        String silence = java.util.Base64.getEncoder().encodeToString(new byte[160]).replace("A", "/");
        try {
            ws.sendText("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}", true).join();
            ws.sendText("{\"event\":\"start\",\"sequenceNumber\":\"1\",\"streamSid\":\"" + stream + "\",\"start\":{"
                    + "\"streamSid\":\"" + stream + "\",\"accountSid\":\"AC" + "0".repeat(32) + "\",\"callSid\":\""
                    + callSid + "\",\"tracks\":[\"inbound\",\"outbound\"],\"customParameters\":{\"caller\":"
                    + "\"+15555550100\",\"token\":\"" + token + "\"},\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\","
                    + "\"sampleRate\":8000,\"channels\":1}}}", true).join();
            for (int i = 0; i < 50; i++) {
                ws.sendText("{\"event\":\"media\",\"sequenceNumber\":\"" + (i + 2) + "\",\"streamSid\":\"" + stream
                        + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\"" + (i + 1) + "\",\"timestamp\":\"" + i * 20
                        + "\",\"payload\":\"" + silence + "\"}}", true).join();
            }
            ws.sendText("{\"event\":\"stop\",\"sequenceNumber\":\"52\",\"streamSid\":\"" + stream
                    + "\",\"stop\":{\"callSid\":\"" + callSid + "\"}}", true).join();
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "call ended").join();
        } catch (CompletionException | IllegalStateException e) {
            // The server closed the socket while frames were on their way: a refusal, counted by the server.
        }
    }

    private void awaitRefused(String reason, int count) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (refused(reason) < count) {
            assertTrue(System.nanoTime() < deadline, "refused-" + reason + " reached " + count);
            Thread.sleep(50);
        }
        assertEquals(count, refused(reason));
    }

    /** How many streams the server refused for {@code reason}, by its /metrics. */
    private int refused(String reason) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create(deployment.service().url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(?m)^calmline_media_frames_total\\{result=\"refused-" + reason + "\"} ([0-9.]+)$").matcher(metrics);
        return m.find() ? (int) Double.parseDouble(m.group(1)) : 0;
    }

    private int upgradeStatus(String url, String signature) {
        WebSocket.Builder builder = http.newWebSocketBuilder();
        if (signature != null) {
            builder.header("X-Twilio-Signature", signature);
        }
        try {
            WebSocket ws = builder.buildAsync(URI.create(url), new WebSocket.Listener() { }).join();
            ws.abort();
            return 101;
        } catch (CompletionException e) {
            WebSocketHandshakeException handshake = (WebSocketHandshakeException) e.getCause();
            return handshake.getResponse().statusCode();
        }
    }

    private HttpResponse<String> postVoice(Map<String, String> form, String token, boolean tamper) throws Exception {
        String url = deployment.service().url() + "/twilio/voice";
        String signature = TwilioSignature.sign(token, PUBLIC + "/twilio/voice", form);
        Map<String, String> sent = new LinkedHashMap<>(form);
        if (tamper) {
            sent.put("From", "+15555550666");
        }
        return http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(encode(sent))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> form() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("CallSid", Simulator.newSid("CA"));
        form.put("AccountSid", "AC" + "0".repeat(32));
        form.put("From", "+15555550100");
        form.put("To", "+15555550199");
        form.put("CallStatus", "ringing");
        return form;
    }

    private static String encode(Map<String, String> form) {
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=')
                .append(java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
        return b.toString();
    }
}

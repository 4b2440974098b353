package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.calmline.telephony.TwilioSignature;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Only Twilio, holding the account's auth token, may drive the line: webhooks and the media socket. */
class SignatureIT {
    private static final String TOKEN = "it-auth-token-0123456789abcdef";
    /** Where Twilio reaches the line (a proxy in front of it); Twilio signs this URL, not the local one. */
    private static final String PUBLIC = "https://support.example.test";
    private static RunningService service;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        service = RunningService.start(Map.of("TWILIO_ACCOUNT_SID", "AC" + "0".repeat(32), "TWILIO_AUTH_TOKEN", TOKEN,
                "PUBLIC_BASE_URL", PUBLIC));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
    }

    @Test
    void aCorrectlySignedWebhookGetsTheGreetingAndAStream() throws Exception {
        HttpResponse<String> response = postVoice(form(), TOKEN, false);
        assertEquals(200, response.statusCode());
        String twiml = response.body();
        assertTrue(twiml.contains("<Start><Stream"), twiml);
        assertTrue(twiml.contains("track=\"both_tracks\""), twiml);
        assertTrue(twiml.contains("url=\"wss://support.example.test/twilio/media\""), twiml);
        assertTrue(twiml.contains("<Say>Thank you for calling."), twiml);
        assertTrue(twiml.contains("<Gather") && twiml.contains("input=\"dtmf\""), twiml);
        assertTrue(twiml.indexOf("<Start>") < twiml.indexOf("<Say>"), "the stream starts before the greeting");
    }

    @Test
    void aMissingSignatureIsForbidden() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(service.url() + "/twilio/voice"))
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
        String local = service.url() + "/twilio/voice";
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
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create(service.url() + "/twilio/listen"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioSignature.sign("wrong", signed, form))
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, forged.statusCode());
    }

    @Test
    void theMediaSocketUpgradeNeedsAValidSignature() throws Exception {
        String local = "ws://localhost:" + service.app.port() + "/twilio/media";
        String signed = "wss://support.example.test/twilio/media";
        assertEquals(403, upgradeStatus(local, null));
        assertEquals(403, upgradeStatus(local, TwilioSignature.sign("wrong-token", signed, Map.of())));
        assertEquals(403, upgradeStatus(local, TwilioSignature.sign(TOKEN, signed + "x", Map.of())));
        assertEquals(403, upgradeStatus(local, TwilioSignature.sign(TOKEN, local, Map.of())));
        assertEquals(101, upgradeStatus(local, TwilioSignature.sign(TOKEN, signed, Map.of())));
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
        String url = service.url() + "/twilio/voice";
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

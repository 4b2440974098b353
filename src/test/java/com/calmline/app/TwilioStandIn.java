package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** WireMock in Twilio's place: the real SDK's REST updates land here, and tests read what Twilio received. */
public final class TwilioStandIn implements AutoCloseable {
    public static final String ACCOUNT = "AC" + "1".repeat(32);
    public static final String PUBLIC_URL = "https://calmline.example.com";
    /** The sid of every call Twilio is asked to place (see {@link #places}). */
    public static final String PLACED = "CA" + "e".repeat(32);
    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    TwilioStandIn() {
        server.start();
        server.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/"
                + ACCOUNT + ".json")).willReturn(okJson("{\"sid\":\"" + ACCOUNT + "\",\"status\":\"active\"}")).atPriority(10));
    }

    /** The service's environment for a live line whose REST calls come here. */
    public Map<String, String> liveEnv(String authToken) {
        return Map.of("TWILIO_ACCOUNT_SID", ACCOUNT, "TWILIO_AUTH_TOKEN", authToken, "TWILIO_API_BASE_URL",
                server.baseUrl(), "PUBLIC_BASE_URL", PUBLIC_URL);
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    /** Twilio takes every update of this call. */
    public void accepts(String callSid) {
        server.stubFor(post(urlPathEqualTo(callPath(callSid))).willReturn(okJson("{\"sid\":\"" + callSid
                + "\",\"account_sid\":\"" + ACCOUNT + "\",\"status\":\"in-progress\"}")));
    }

    /** Twilio answers every update of this call with an error, as its REST API reports one. */
    public void fails(String callSid, int status, int code, String message) {
        server.stubFor(post(urlPathEqualTo(callPath(callSid))).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":" + status + "}")));
    }

    /** Twilio answers every update of this call so (a fault, a delay...); the newest of these for a call wins. */
    public void answers(String callSid, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        server.stubFor(post(urlPathEqualTo(callPath(callSid))).willReturn(response));
    }

    /**
     * Twilio says the call is {@code status} ({@code in-progress}, {@code completed}...) when asked, and that it
     * lasted {@code seconds} (-1: not said, as while it goes on).
     */
    public void stands(String callSid, String status, int seconds) {
        server.stubFor(get(urlPathEqualTo(callPath(callSid))).willReturn(okJson("{\"sid\":\"" + callSid
                + "\",\"account_sid\":\"" + ACCOUNT + "\",\"status\":\"" + status + "\",\"duration\":"
                + (seconds < 0 ? "null" : "\"" + seconds + "\"") + "}")));
    }

    /** How often the service asked Twilio how the call stands. */
    public int asked(String callSid) {
        return server.findAll(getRequestedFor(urlPathEqualTo(callPath(callSid)))).size();
    }

    public List<LoggedRequest> updates(String callSid) {
        return server.findAll(postRequestedFor(urlPathEqualTo(callPath(callSid))));
    }

    public void stub(com.github.tomakehurst.wiremock.client.MappingBuilder mapping) {
        server.stubFor(mapping);
    }

    public List<LoggedRequest> requests(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder pattern) {
        return server.findAll(pattern);
    }

    public void reset() {
        server.resetAll();
    }

    /** Where the SDK asks Twilio to place a call (a callback ringing a customer). */
    public static String callsPath() {
        return "/2010-04-01/Accounts/" + ACCOUNT + "/Calls.json";
    }

    /** Twilio places every call it is asked to, as {@link #PLACED}. */
    public void places() {
        server.stubFor(post(urlPathEqualTo(callsPath())).willReturn(okJson("{\"sid\":\"" + PLACED
                + "\",\"account_sid\":\"" + ACCOUNT + "\",\"status\":\"queued\"}")));
    }

    /** The form the SDK posted. */
    public static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new HashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            String[] kv = pair.split("=", 2);
            form.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return form;
    }

    public static String twimlOf(LoggedRequest request) {
        for (String pair : request.getBodyAsString().split("&")) {
            if (pair.startsWith("Twiml=")) {
                return URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no Twiml parameter in " + request.getBodyAsString());
    }

    private static String callPath(String callSid) {
        return "/2010-04-01/Accounts/" + ACCOUNT + "/Calls/" + callSid + ".json";
    }

    @Override
    public void close() {
        server.stop();
    }
}

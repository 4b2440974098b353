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
import java.util.List;
import java.util.Map;

/** WireMock in Twilio's place: the real SDK's REST updates land here, and tests read what Twilio received. */
final class TwilioStandIn implements AutoCloseable {
    static final String ACCOUNT = "AC" + "1".repeat(32);
    static final String PUBLIC_URL = "https://calmline.example.com";
    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    TwilioStandIn() {
        server.start();
        server.stubFor(get(urlPathEqualTo("/2010-04-01/Accounts/"
                + ACCOUNT + ".json")).willReturn(okJson("{\"sid\":\"" + ACCOUNT + "\",\"status\":\"active\"}")).atPriority(10));
    }

    /** The service's environment for a live line whose REST calls come here. */
    Map<String, String> liveEnv(String authToken) {
        return Map.of("TWILIO_ACCOUNT_SID", ACCOUNT, "TWILIO_AUTH_TOKEN", authToken, "TWILIO_API_BASE_URL",
                server.baseUrl(), "PUBLIC_BASE_URL", PUBLIC_URL);
    }

    String baseUrl() {
        return server.baseUrl();
    }

    /** Twilio takes every update of this call. */
    void accepts(String callSid) {
        server.stubFor(post(urlPathEqualTo(callPath(callSid))).willReturn(okJson("{\"sid\":\"" + callSid
                + "\",\"account_sid\":\"" + ACCOUNT + "\",\"status\":\"in-progress\"}")));
    }

    /** Twilio answers every update of this call with an error, as its REST API reports one. */
    void fails(String callSid, int status, int code, String message) {
        server.stubFor(post(urlPathEqualTo(callPath(callSid))).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"code\":" + code + ",\"message\":\"" + message + "\",\"status\":" + status + "}")));
    }

    /** Twilio answers every update of this call so (a fault, a delay...); the newest of these for a call wins. */
    void answers(String callSid, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        server.stubFor(post(urlPathEqualTo(callPath(callSid))).willReturn(response));
    }

    /**
     * Twilio says the call is {@code status} ({@code in-progress}, {@code completed}...) when asked, and that it
     * lasted {@code seconds} (-1: not said, as while it goes on).
     */
    void stands(String callSid, String status, int seconds) {
        server.stubFor(get(urlPathEqualTo(callPath(callSid))).willReturn(okJson("{\"sid\":\"" + callSid
                + "\",\"account_sid\":\"" + ACCOUNT + "\",\"status\":\"" + status + "\",\"duration\":"
                + (seconds < 0 ? "null" : "\"" + seconds + "\"") + "}")));
    }

    /** How often the service asked Twilio how the call stands. */
    int asked(String callSid) {
        return server.findAll(getRequestedFor(urlPathEqualTo(callPath(callSid)))).size();
    }

    List<LoggedRequest> updates(String callSid) {
        return server.findAll(postRequestedFor(urlPathEqualTo(callPath(callSid))));
    }

    void stub(com.github.tomakehurst.wiremock.client.MappingBuilder mapping) {
        server.stubFor(mapping);
    }

    List<LoggedRequest> requests(com.github.tomakehurst.wiremock.matching.RequestPatternBuilder pattern) {
        return server.findAll(pattern);
    }

    void reset() {
        server.resetAll();
    }

    static String twimlOf(LoggedRequest request) {
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

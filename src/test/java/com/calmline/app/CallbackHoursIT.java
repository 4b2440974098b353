package com.calmline.app;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Callbacks ring only inside opening hours on the customer's clock, even when they fall due outside them: a
 * time already past, or a backlog claimed at night after an outage, waits for the next opening. The real
 * service and Redis, Twilio's REST API in WireMock, numbers on a clock where it is the middle of the night.
 */
class CallbackHoursIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOLL_FREE = "+18005550199";
    private static TwilioStandIn twilio;
    private static RunningService service;
    private static ZoneId night;

    @BeforeAll
    static void start() throws Exception {
        twilio = new TwilioStandIn();
        twilio.stub(post(urlPathEqualTo(CallbackIT.callsPath())).willReturn(okJson("{\"sid\":\"" + CallbackIT.PLACED
                + "\",\"account_sid\":\"" + TwilioStandIn.ACCOUNT + "\",\"status\":\"queued\"}")));
        night = nightZone();
        service = RunningService.start(CallbackIT.env(twilio, night));
    }

    @AfterAll
    static void stop() throws Exception {
        service.close();
        twilio.close();
    }

    @Test
    void aTimeAlreadyPastIsRungAtTheNextOpeningNotAtOnceAtNight() throws Exception {
        ZonedDateTime yesterday = LocalDate.now(night).minusDays(1).atTime(10, 0).atZone(night);
        JsonNode c = api("POST", "/api/callbacks", Map.of("phone", TOLL_FREE, "reason", "yesterday's promise",
                "at", yesterday.toOffsetDateTime().toString()));
        assertEquals(nextOpening(), OffsetDateTime.parse(c.path("due").asText()).atZoneSameInstant(night),
                "08:00 on their clock, the first opening from now");
        Thread.sleep(3000);
        assertEquals(0, dials(c.path("id").asText()), "not rung at night");
        api("POST", "/api/callbacks/" + c.path("id").asText() + "/cancel", Map.of());
    }

    /**
     * An entry due at 20:00 yesterday, still waiting when the scheduler claims it now (every instance was down,
     * or Redis was), as an outage leaves it: claimed, it is put back for the next opening instead of rung.
     */
    @Test
    void aBacklogClaimedAtNightWaitsForTheNextOpening() throws Exception {
        String id = api("POST", "/api/callbacks", Map.of("phone", TOLL_FREE, "reason", "left over from an outage",
                "at", ZonedDateTime.now(night).plusDays(1).withHour(10).toOffsetDateTime().toString()))
                .path("id").asText();
        long dueBeforeTheyClosed = LocalDate.now(night).minusDays(1).atTime(20, 0).atZone(night).toInstant()
                .toEpochMilli();
        try (RedisClient redis = RedisClient.create("127.0.0.1",
                Integer.parseInt(Files.readString(service.dataDir.resolve("redis.port")).strip()))) {
            redis.hset("calmline:callback:" + id, "due", Long.toString(dueBeforeTheyClosed));
            redis.zadd("calmline:callbacks:due", dueBeforeTheyClosed, id);
        }
        JsonNode seen = api("GET", "/api/callbacks/" + id, Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!seen.path("history").toString().contains("outside opening hours") && dials(id) == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = api("GET", "/api/callbacks/" + id, Map.of());
        }
        assertEquals(0, dials(id), "not rung at night: " + seen);
        assertEquals("scheduled", seen.path("status").asText(), seen.toString());
        assertEquals(0, seen.path("attempts").asInt(), "waiting for the opening is not an attempt");
        assertEquals(nextOpening(), OffsetDateTime.parse(seen.path("due").asText()).atZoneSameInstant(night));
        api("POST", "/api/callbacks/" + id + "/cancel", Map.of());
    }

    /** 08:00 today on the night clock: {@link #nightZone} has it between 01:00 and 07:00 now. */
    private static ZonedDateTime nextOpening() {
        return LocalDate.now(night).atTime(LocalTime.of(8, 0)).atZone(night);
    }

    /** A zone (fixed offset) where it is between 01:00 and 07:00 now: well outside 08:00-21:00. */
    private static ZoneId nightZone() {
        for (int h = -14; h <= 12; h++) {
            ZoneId zone = ZoneId.of("Etc/GMT" + (h >= 0 ? "+" + h : Integer.toString(h)));
            int hour = ZonedDateTime.now(zone).getHour();
            if (hour >= 1 && hour < 7) {
                return zone;
            }
        }
        throw new IllegalStateException("no zone at night");
    }

    private static long dials(String id) {
        return twilio.requests(postRequestedFor(urlPathEqualTo(CallbackIT.callsPath()))).stream()
                .filter(r -> CallbackIT.form(r).get("Url").endsWith("id=" + id)).count();
    }

    private static JsonNode api(String method, String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(),
                StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.url() + path))
                .header("Authorization", "Bearer " + RunningService.API_TOKEN);
        if (method.equals("POST")) {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(r.statusCode() / 100 == 2, method + " " + path + ": " + r.statusCode() + " " + r.body());
        return JSON.readTree(r.body());
    }
}

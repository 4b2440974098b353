package com.calmline.callback;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.calmline.app.Deployment;
import com.calmline.app.TwilioStandIn;
import com.calmline.store.Store;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Callbacks ring only inside opening hours on the customer's clock, even when they fall due outside them: a
 * time already past, or a backlog claimed at night after an outage, waits for the next opening. The real
 * service and Redis, Twilio's REST API in WireMock, numbers on a clock where it is the middle of the night.
 */
class CallbackHoursIT {
    private static final String TOLL_FREE = "+18005550199";
    /** A zone where it is between 01:00 and 07:00 now: well outside 08:00-21:00. */
    private static final ZoneId night = Deployment.zoneWhereTheHourIs(1, 7);
    @RegisterExtension
    static final Deployment deployment = Deployment.live("callback-hours-it-token").ringsCallbacks(night).build();

    @BeforeAll
    static void placeCalls() {
        deployment.twilio().places();
    }

    @Test
    void aTimeAlreadyPastIsRungAtTheNextOpeningNotAtOnceAtNight() throws Exception {
        ZonedDateTime yesterday = LocalDate.now(night).minusDays(1).atTime(10, 0).atZone(night);
        JsonNode c = deployment.service().json("/api/callbacks", Map.of("phone", TOLL_FREE,
                "reason", "yesterday's promise",
                "at", yesterday.toOffsetDateTime().toString()));
        assertEquals(nextOpening(), OffsetDateTime.parse(c.path("due").asText()).atZoneSameInstant(night),
                "08:00 on their clock, the first opening from now");
        Thread.sleep(3000);
        assertEquals(0, dials(c.path("id").asText()), "not rung at night");
        deployment.service().json("/api/callbacks/" + c.path("id").asText() + "/cancel", Map.of());
    }

    /**
     * An entry due at 20:00 yesterday, still waiting when the scheduler claims it now (every instance was down,
     * or Redis was), as an outage leaves it: claimed, it is put back for the next opening instead of rung.
     */
    @Test
    void aBacklogClaimedAtNightWaitsForTheNextOpening() throws Exception {
        String id = deployment.service().json("/api/callbacks", Map.of("phone", TOLL_FREE,
                "reason", "left over from an outage",
                "at", ZonedDateTime.now(night).plusDays(1).withHour(10).toOffsetDateTime().toString()))
                .path("id").asText();
        long dueBeforeTheyClosed = LocalDate.now(night).minusDays(1).atTime(20, 0).atZone(night).toInstant()
                .toEpochMilli();
        try (RedisClient redis = deployment.service().redis()) {
            redis.hset(Store.key("calmline:", "callback:" + id), "due", Long.toString(dueBeforeTheyClosed));
            redis.zadd(Store.key("calmline:", "callbacks:due"), dueBeforeTheyClosed, id);
        }
        JsonNode seen = deployment.service().json("/api/callbacks/" + id);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!seen.path("history").toString().contains("outside opening hours") && dials(id) == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = deployment.service().json("/api/callbacks/" + id);
        }
        assertEquals(0, dials(id), "not rung at night: " + seen);
        assertEquals("scheduled", seen.path("status").asText(), seen.toString());
        assertEquals(0, seen.path("attempts").asInt(), "waiting for the opening is not an attempt");
        assertEquals(nextOpening(), OffsetDateTime.parse(seen.path("due").asText()).atZoneSameInstant(night));
        deployment.service().json("/api/callbacks/" + id + "/cancel", Map.of());
    }

    /** 08:00 today on the night clock: {@link #night} has it between 01:00 and 07:00 now. */
    private static ZonedDateTime nextOpening() {
        return LocalDate.now(night).atTime(LocalTime.of(8, 0)).atZone(night);
    }

    private static long dials(String id) {
        return deployment.twilio().requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                .filter(r -> TwilioStandIn.form(r).get("Url").endsWith("id=" + id)).count();
    }
}

package com.calmline.callback;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.calmline.app.Deployment;
import com.calmline.app.RunningService;
import com.calmline.app.TwilioStandIn;
import com.calmline.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis (the real server process) stops; callbacks are promised meanwhile; the service itself restarts
 * while Redis is still down; Redis comes back. Every callback is there and rung exactly once.
 */
class CallbackRestartIT {
    @RegisterExtension
    final Deployment deployment = Deployment.live("callback-restart-it-token").ringsCallbacks(Deployment.middayZone())
            .ownRedis().noInstances().build();

    @Test
    void callbacksPromisedDuringAnOutageSurviveARestartAndAreRungOnce() throws Exception {
        deployment.twilio().places();
        Map<String, String> data = Map.of("DATA_DIR", Files.createTempDirectory("calmline-data").toString());
        RunningService service = deployment.startInstance(data);

        deployment.redis().stop();
        Set<String> promised = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = service.post("/api/callbacks", Map.of("phone", "+18005550199",
                    "reason", "promised during the outage " + i));
            assertEquals(201, r.statusCode(), r.body());
            promised.add(Json.parse(r.body()).path("id").asText());
        }
        service.close();
        deployment.startInstance(data);
        deployment.redis().start();

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (dialled().size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(3000);
        List<String> dialled = dialled();
        assertEquals(3, dialled.size(), "each rung once: " + dialled);
        assertEquals(promised, Set.copyOf(dialled));
    }

    private List<String> dialled() {
        return deployment.twilio().requests(postRequestedFor(urlPathEqualTo(TwilioStandIn.callsPath()))).stream()
                .map(r -> TwilioStandIn.form(r).get("Url").replaceAll(".*id=", "")).toList();
    }
}

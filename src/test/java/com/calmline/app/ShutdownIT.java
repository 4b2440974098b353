package com.calmline.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Stopping the service while agents' pages are connected: it stops, promptly and quietly. (Once it did
 * not: stopping Jetty under open live feeds logged the same exception in a loop until the disk was full.)
 */
class ShutdownIT {
    @Test
    void theServiceStopsQuietlyWithAnAgentPageStillConnected() throws Exception {
        RunningService service = RunningService.start(Map.of());
        Browserless.addUser(service, "sam", "agent", "correct horse battery");
        Browserless sam = new Browserless(service.url());
        sam.login("sam", "correct horse battery");
        String cookie = "calmline_session=" + sam.cookie("calmline_session").orElseThrow();
        CompletableFuture<HttpResponse<InputStream>> feed = HttpClient.newHttpClient().sendAsync(HttpRequest
                .newBuilder(service.url().resolve("/agent/events")).header("Accept", "text/event-stream")
                .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> open = feed.get(10, TimeUnit.SECONDS);
        assertEquals(200, open.statusCode());
        assertTrue(new String(open.body().readNBytes(11)).startsWith("event: "), "the page got its first state");

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        ExecutorService stopper = Executors.newSingleThreadExecutor();
        try {
            Future<?> stopped = stopper.submit(() -> {
                service.close();
                return null;
            });
            stopped.get(20, TimeUnit.SECONDS);
        } finally {
            root.detachAppender(logged);
            stopper.shutdownNow();
        }
        long warnings = logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .count();
        assertTrue(warnings <= 2, "stopping logged " + warnings + " warnings: " + logged.list.stream().limit(5)
                .map(ILoggingEvent::getFormattedMessage).toList());
    }
}

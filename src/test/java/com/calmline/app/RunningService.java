package com.calmline.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/** The real service on a free port: embedded real Redis in a temp dir, the real Vosk model. */
final class RunningService implements AutoCloseable {
    /** Machines (the simulator, the tests) read the API with this token, as a deployment would set it. */
    static final String API_TOKEN = "it-api-token-" + Long.toHexString(System.nanoTime());
    final App app;
    final Path dataDir;
    final Config config;

    private RunningService(Config config, Path dataDir) throws IOException {
        this.config = config;
        this.dataDir = dataDir;
        this.app = new App(config).start();
    }

    static RunningService start(Map<String, String> extraEnv) throws IOException {
        Path data = Files.createTempDirectory("calmline-it");
        Map<String, String> env = new HashMap<>(Map.of("PORT", "0", "DATA_DIR", data.toString(),
                "API_TOKEN", API_TOKEN));
        env.putAll(extraEnv);
        return new RunningService(Config.fromEnv(env), data);
    }

    /** The port of the service's embedded Redis. */
    int redisPort() throws IOException {
        return Integer.parseInt(Files.readString(dataDir.resolve("redis.port")).strip());
    }

    /** The password of the service's embedded Redis, which it keeps owner-only beside the port. */
    String redisPassword() throws IOException {
        return Files.readString(dataDir.resolve("redis.password")).strip();
    }

    /** The service's embedded Redis as REDIS_URL, for a second instance (or a test) to share it. */
    String redisUrl() throws IOException {
        return "redis://:" + redisPassword() + "@127.0.0.1:" + redisPort();
    }

    /** A client of the service's embedded Redis, to look at (or age) what it keeps. */
    RedisClient redis() throws IOException {
        return RedisClient.create(URI.create(redisUrl()));
    }

    URI url() {
        return URI.create("http://localhost:" + app.port());
    }

    /** The value of a metric without labels, as /metrics shows it now. */
    double metric(String name) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E+]+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError(name + " is not in /metrics: " + metrics);
        }
        return Double.parseDouble(m.group(1));
    }

    /** A fixture call played by a caller who listens, as the service recorded it. */
    record Listened(String callSid, Fixture recorded, Fixture played, List<JsonNode> events) {
    }

    /**
     * Plays fixture {@code name} with a caller who waits for the line (see {@link Simulator.Call#playListening});
     * {@code twilio} is told the call's sid before any audio is sent, to set up how Twilio answers it.
     */
    Listened listen(String name, Consumer<String> twilio, double speed) throws Exception {
        return listen(name, "+15555550100", twilio, speed);
    }

    /** The same, from the caller's number {@code from}. */
    Listened listen(String name, String from, Consumer<String> twilio, double speed) throws Exception {
        Fixture fixture = Fixture.load(name);
        Simulator simulator = simulator();
        Simulator.Call call = simulator.dial(from, "+15555550199");
        twilio.accept(call.callSid);
        Simulator.Playback playback;
        try (call) {
            playback = call.connect().playListening(fixture.mulaw(), fixture.script(), speed);
            call.stop();
        }
        return new Listened(call.callSid, fixture, fixture.asPlayed(playback),
                simulator.awaitEnd(call.callSid, Duration.ofSeconds(120)));
    }

    /**
     * Plays fixture {@code name} with a listening caller and leaves the stream open, as it stays while the
     * routed caller waits in the queue; the caller hangs up when the returned call is closed.
     */
    Simulator.Call waiting(String name, Consumer<String> twilio, double speed) throws Exception {
        return waiting(name, "+15555550100", twilio, speed);
    }

    /** The same, from the caller's number {@code from}. */
    Simulator.Call waiting(String name, String from, Consumer<String> twilio, double speed) throws Exception {
        Fixture fixture = Fixture.load(name);
        Simulator.Call call = simulator().dial(from, "+15555550199");
        twilio.accept(call.callSid);
        call.connect().playListening(fixture.mulaw(), fixture.script(), speed);
        return call;
    }

    Simulator simulator() {
        return simulatorThrough(url());
    }

    /** A simulator that reaches the service at {@code host} (a relay in front of it), signing as for the service. */
    Simulator simulatorThrough(URI host) {
        return new Simulator(host, config.publicBaseUrl().orElse(url().toString()), config.twilioAuthToken(),
                config.apiToken().or(() -> DemoToken.read(dataDir)));
    }

    @Override
    public void close() throws Exception {
        app.close();
    }

}

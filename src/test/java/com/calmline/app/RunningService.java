package com.calmline.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/**
 * One instance of the real service in this JVM, on a free port, with the real Vosk model; started by a
 * {@link Deployment}. Machines (the simulator, the tests) read its API with {@link #API_TOKEN}, as a
 * deployment would set it.
 */
public final class RunningService implements AutoCloseable {
    public static final String API_TOKEN = "it-api-token-" + Long.toHexString(System.nanoTime());
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final App app;
    final Config config;
    private final Path dataDir;
    private final Api api;
    private boolean closed;

    private RunningService(Config config, Path dataDir) throws IOException {
        this.config = config;
        this.dataDir = dataDir;
        this.app = new App(config).start();
        this.api = new Api(url());
    }

    /** PORT 0, a fresh DATA_DIR and the API token, then {@code env} on top. */
    static RunningService start(Map<String, String> env) throws IOException {
        Path data = Files.createTempDirectory("calmline-it");
        Map<String, String> all = new HashMap<>(Map.of("PORT", "0", "DATA_DIR", data.toString(),
                "API_TOKEN", API_TOKEN));
        all.putAll(env);
        return new RunningService(Config.fromEnv(all), Path.of(all.get("DATA_DIR")));
    }

    public int port() {
        return app.port();
    }

    public URI url() {
        return URI.create("http://localhost:" + app.port());
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The port of the service's embedded Redis. */
    int redisPort() throws IOException {
        return Integer.parseInt(Files.readString(dataDir.resolve("redis.port")).strip());
    }

    /** The password of the service's embedded Redis, which it keeps owner-only beside the port. */
    String redisPassword() throws IOException {
        return Files.readString(dataDir.resolve("redis.password")).strip();
    }

    /** A client of the Redis this instance uses, to look at (or age) what it keeps; the caller closes it. */
    public RedisClient redis() {
        return RedisClient.create(URI.create(config.redisUrl().map(URI::toString).orElseGet(() -> {
            try {
                return "redis://:" + redisPassword() + "@127.0.0.1:" + redisPort();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })));
    }

    /** The prefix of every key the service keeps in Redis. */
    public String redisPrefix() {
        return config.redisPrefix();
    }

    /** Adds a user with the real {@code user add} command, the password given on stdin. */
    public void addUser(String name, String role, String password) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UserCommand.run(config, new String[] {"user", "add", name, "--role", role},
                new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        if (code != 0) {
            throw new AssertionError("user add " + name + " failed: " + err);
        }
    }

    /** {@code GET path} as a machine with the API token. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return api.get(path);
    }

    /** {@code POST path} of a form, as a machine with the API token. */
    public HttpResponse<String> post(String path, Map<String, String> form) throws IOException, InterruptedException {
        return api.post(path, form);
    }

    /** {@code GET path}, which must succeed, as JSON. */
    public JsonNode json(String path) throws IOException, InterruptedException {
        return api.json(path);
    }

    /** {@code POST path}, which must succeed, as JSON. */
    public JsonNode json(String path, Map<String, String> form) throws IOException, InterruptedException {
        return api.json(path, form);
    }

    /** The value of a metric without labels, as /metrics shows it now. */
    public double metric(String name) throws IOException, InterruptedException {
        String metrics = HTTP.send(HttpRequest.newBuilder(url().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " ([0-9.E+]+)$").matcher(metrics);
        if (!m.find()) {
            throw new AssertionError(name + " is not in /metrics: " + metrics);
        }
        return Double.parseDouble(m.group(1));
    }

    /** A fixture call played by a caller who listens, as the service recorded it. */
    public record Listened(String callSid, Fixture recorded, Fixture played, List<JsonNode> events) {
    }

    /**
     * Plays fixture {@code name} with a caller who waits for the line (see {@link Simulator.Call#playListening});
     * {@code twilio} is told the call's sid before any audio is sent, to set up how Twilio answers it.
     */
    public Listened listen(String name, Consumer<String> twilio, double speed) throws Exception {
        return listen(name, "+15555550100", twilio, speed);
    }

    /** The same, from the caller's number {@code from}. */
    public Listened listen(String name, String from, Consumer<String> twilio, double speed) throws Exception {
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
    public Simulator.Call waiting(String name, Consumer<String> twilio, double speed) throws Exception {
        return waiting(name, "+15555550100", twilio, speed);
    }

    /** The same, from the caller's number {@code from}. */
    public Simulator.Call waiting(String name, String from, Consumer<String> twilio, double speed) throws Exception {
        Fixture fixture = Fixture.load(name);
        Simulator.Call call = simulator().dial(from, "+15555550199");
        twilio.accept(call.callSid);
        call.connect().playListening(fixture.mulaw(), fixture.script(), speed);
        return call;
    }

    public Simulator simulator() {
        return simulatorThrough(url());
    }

    /** A simulator that reaches the service at {@code host} (a relay in front of it), signing as for the service. */
    public Simulator simulatorThrough(URI host) {
        return new Simulator(host, config.publicBaseUrl().orElse(url().toString()), config.twilioAuthToken(),
                config.apiToken().or(() -> DemoToken.read(dataDir)));
    }

    /** Shuts the instance down as an orchestrator would; a second call does nothing. */
    @Override
    public void close() throws Exception {
        if (!closed) {
            closed = true;
            app.close();
        }
    }
}
